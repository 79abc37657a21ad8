//! Detection of (quasi-)complete separation after the Newton iterations.
//!
//! Under separation the likelihood keeps rising as a slope goes to
//! infinity; Newton then "converges" because the score vanishes
//! exponentially while the slope is huge. The fit is rejected when both
//! symptoms are present: some observations are fitted with probability 1
//! (`ln p_i > -1e-10`) and a regressor moves the latent index by more than
//! [`MAX_SD_EFFECT`] units per standard deviation (an odds ratio above
//! e^10 per SD for the logit). The regressor with the largest such effect is
//! named.

use crate::data::Design;
use crate::estimate::{EstimateError, separation};

use super::likelihood::OrderedData;
use crate::numeric::Link;

/// Latent-index change per standard deviation of a regressor beyond which a
/// slope is taken as diverging.
pub const MAX_SD_EFFECT: f64 = 10.0;

/// `Err(Separation)` naming the responsible column when the fit shows separation.
pub fn check(
    link: Link,
    data: &OrderedData<'_>,
    design: &Design,
    theta: &[f64],
) -> Result<(), EstimateError> {
    let perfect = data
        .ln_probs(link, theta)
        .iter()
        .filter(|&&l| l > -1e-10)
        .count();
    if perfect == 0 {
        return Ok(());
    }
    let worst = separation::diverging_column(
        &design.x,
        &theta[..data.k()],
        &design.names,
        MAX_SD_EFFECT,
        None,
    );
    match worst {
        Some((j, e)) => Err(EstimateError::Separation {
            kind: "quasi-complete".into(),
            column: design.names[j].clone(),
            outcome: design.y_name.clone(),
            detail: format!(
                "of {perfect} observations with probability 1 (slope {:.3e}, {e:.1} latent units per SD)",
                theta[j]
            ),
        }),
        None => Ok(()),
    }
}
