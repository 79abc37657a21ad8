//! The enclave study's Table 2 column 5 penalty (probit AME of enclave with
//! city and year FE, published -0.035) split into the channels that make it
//! (issue 30), paired over seeds: `migsim replicate enclave --decompose`.
//!
//! Channels are switched off one after another, each cohort drawn with the
//! same seed under every configuration (common random numbers):
//!
//! 0. the model as configured: AME `P_0`;
//! 1. `omega_star`: residents choose the weak-tie share of non-residents
//!    (`network.x_enclave = network.x_other`): `P_1`;
//! 2. `redundancy`: and residents keep as many weak ties inside the hometown
//!    group as non-residents (`network.homophily_enclave =
//!    network.homophily_other`), so a contact's hometown information is as
//!    redundant whatever his status: `P_2`;
//! 3. `selection`: and no selection on unobserved ability into enclaves
//!    (`enclave_choice.ability = 0`): `P_3`;
//!
//! and `residual` is what is left, `P_3`. Channel c's share of the penalty
//! is `mean_s(P_c - P_{c-1}) / mean_s(-P_0)` (shares and residual sum to 1);
//! its SE is the delta-method SE of that ratio of seed means, from the
//! between-seed variances and covariance. The split is sequential, in the
//! order above (the referee's); another order gives other shares where the
//! channels interact.

use serde::Serialize;

use super::rows::{RowKey, Tables};
use crate::studies::StudyError;
use crate::studies::enclave::config::Config;

/// The column-5 row, as `replicate::enclave` names it.
pub const COL5_SPEC: &str = "col 5: + city and year FE (probit AME)";

/// One channel's share of the penalty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Channel {
    /// `omega_star`, `redundancy`, `selection` or `residual`.
    pub channel: String,
    /// Share of the column-5 penalty removed by switching the channel off.
    pub share: f64,
    /// Delta-method SE of `share` over the paired seeds ([`ratio`]).
    pub se: f64,
    /// The move of the AME itself, `mean(P_c - P_{c-1})`, and its SE.
    pub effect: f64,
    /// SE of `effect`: between-seed SD over sqrt(seeds).
    pub effect_se: f64,
}

/// The paired decomposition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decomposition {
    /// Mean column-5 AME of the configured model and its SE over seeds.
    pub penalty: f64,
    /// Its SE: between-seed SD over sqrt(seeds).
    pub penalty_se: f64,
    /// Seeds whose four fits all succeeded (the pairs used).
    pub seeds: usize,
    /// Seeds dropped because a fit failed in some configuration, with the
    /// reason of the first failure.
    pub failed: Vec<String>,
    /// The channels in switching order, then `residual`.
    pub channels: Vec<Channel>,
}

/// The configurations 0..=3 of the module doc.
pub fn configurations(cfg: &Config) -> [Config; 4] {
    let c0 = cfg.clone();
    let mut c1 = c0.clone();
    c1.network.x_enclave = c1.network.x_other;
    let mut c2 = c1.clone();
    c2.network.homophily_enclave = c2.network.homophily_other;
    let mut c3 = c2.clone();
    c3.enclave_choice.ability = 0.0;
    [c0, c1, c2, c3]
}

/// Names of the switched channels, in order.
pub const CHANNELS: [&str; 3] = ["omega_star", "redundancy", "selection"];

/// Column-5 enclave AME of one cohort (`Err` with the fit's note).
pub fn col5(cfg: &Config, seed: u64) -> Result<Result<f64, String>, StudyError> {
    let key = [RowKey {
        table: "Table 2".into(),
        spec: COL5_SPEC.into(),
        term: "enclave".into(),
    }];
    let rep = super::enclave::replicate(cfg, seed, &Tables::Rows(&key))?;
    let row = rep
        .rows
        .iter()
        .find(|r| r.table == "Table 2" && r.spec == COL5_SPEC && r.term == "enclave");
    Ok(match row.and_then(|r| r.synthetic.map(|v| (v, r))) {
        Some((v, _)) if v.is_finite() => Ok(v),
        _ => Err(row
            .and_then(|r| r.note.clone())
            .unwrap_or_else(|| "column 5 gave no estimate".into())),
    })
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Sample covariance of two equally long series.
fn cov(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (mean(a), mean(b));
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / (a.len() as f64 - 1.0)
}

/// `mean(a) / mean(b)` and its delta-method SE over `k` paired seeds.
pub fn ratio(a: &[f64], b: &[f64]) -> (f64, f64) {
    let k = a.len() as f64;
    let (ma, mb) = (mean(a), mean(b));
    let r = ma / mb;
    let var = (cov(a, a) - 2.0 * r * cov(a, b) + r * r * cov(b, b)) / (k * mb * mb);
    (r, var.max(0.0).sqrt())
}

/// Decompose the column-5 penalty of `cfg` over `seeds` (at least two
/// complete pairs are needed for an SE).
pub fn decompose(cfg: &Config, seeds: &[u64]) -> Result<Decomposition, StudyError> {
    let configs = configurations(cfg);
    let mut p: Vec<[f64; 4]> = Vec::new();
    let mut failed = Vec::new();
    'seed: for &s in seeds {
        let mut row = [0.0; 4];
        for (k, c) in configs.iter().enumerate() {
            match col5(c, s)? {
                Ok(v) => row[k] = v,
                Err(e) => {
                    failed.push(format!("seed {s}, configuration {k}: {e}"));
                    continue 'seed;
                }
            }
        }
        p.push(row);
    }
    if p.len() < 2 {
        return Err(StudyError::invalid(
            "decompose",
            format!(
                "{} of {} seeds gave column 5 under every configuration; 2 are needed ({})",
                p.len(),
                seeds.len(),
                failed.join("; ")
            ),
        ));
    }
    let k = p.len() as f64;
    let neg_p0: Vec<f64> = p.iter().map(|r| -r[0]).collect();
    let p0: Vec<f64> = p.iter().map(|r| r[0]).collect();
    let mut channels = Vec::new();
    for (c, name) in CHANNELS.iter().enumerate() {
        let d: Vec<f64> = p.iter().map(|r| r[c + 1] - r[c]).collect();
        let (share, se) = ratio(&d, &neg_p0);
        channels.push(Channel {
            channel: (*name).into(),
            share,
            se,
            effect: mean(&d),
            effect_se: (cov(&d, &d) / k).sqrt(),
        });
    }
    let rest: Vec<f64> = p.iter().map(|r| r[3]).collect();
    let (share, se) = ratio(&rest.iter().map(|x| -x).collect::<Vec<_>>(), &neg_p0);
    channels.push(Channel {
        channel: "residual".into(),
        share,
        se,
        effect: mean(&rest),
        effect_se: (cov(&rest, &rest) / k).sqrt(),
    });
    Ok(Decomposition {
        penalty: mean(&p0),
        penalty_se: (cov(&p0, &p0) / k).sqrt(),
        seeds: p.len(),
        failed,
        channels,
    })
}

impl std::fmt::Display for Decomposition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Table 2 col 5 enclave AME {:.4} (SE {:.4} over {} paired seeds), channels switched off in turn:",
            self.penalty, self.penalty_se, self.seeds
        )?;
        writeln!(
            f,
            "  {:<12} {:>16} {:>18}",
            "channel", "share (se)", "AME moves by (se)"
        )?;
        for c in &self.channels {
            writeln!(
                f,
                "  {:<12} {:>7.3} ({:.3}) {:>9.4} ({:.4})",
                c.channel, c.share, c.se, c.effect, c.effect_se
            )?;
        }
        for e in &self.failed {
            writeln!(f, "  dropped: {e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ratio's delta-method SE against a closed form: with b constant
    /// the SE is sd(a) / (sqrt(k) |b|).
    #[test]
    fn ratio_se_reduces_to_the_mean_se_when_the_denominator_is_fixed() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [2.0; 4];
        let (r, se) = ratio(&a, &b);
        assert!((r - 1.25).abs() < 1e-12);
        let sd = (5.0f64 / 3.0).sqrt();
        assert!((se - sd / 2.0 / 2.0).abs() < 1e-12, "{se}");
    }

    #[test]
    fn configurations_switch_one_channel_each() {
        let c = configurations(&Config::default());
        assert_eq!(c[1].network.x_enclave, c[1].network.x_other);
        assert_ne!(c[1].network.homophily_enclave, c[1].network.homophily_other);
        assert_eq!(c[2].network.homophily_enclave, c[2].network.homophily_other);
        assert_ne!(c[2].enclave_choice.ability, 0.0);
        assert_eq!(c[3].enclave_choice.ability, 0.0);
    }
}
