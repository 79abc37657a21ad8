//! Identification self-check over several seeds: with the published
//! targets replaced by the model's own at θ₀ (one independent cohort; SEs
//! and correlations simulated over further cohorts), the calibration
//! recovers θ₀ within 2 SE for at least 90% of parameters × seeds (about
//! 95% if the SEs are right), its SEs are positive and finite, and every
//! search converges and moves (or, in at most the stated number of seeds,
//! is reported failed, never converged, and counts as a miss). Talent runs
//! its two identified default parameters at the published N over ten seeds;
//! the enclave and assets checks use two of their default parameters at a
//! smaller N to stay cheap (the full default sets: an `#[ignore]`d test,
//! minutes).

use migsim::calibrate::optimise::Search;
use migsim::calibrate::{Options, calibrate};
use migsim::studies::StudyName;

/// Share of parameters × seeds recovered within 2 SE that the check demands.
const COVERAGE: f64 = 0.9;

/// `max_failed`: how many seeds may end in a calibration reported as failed
/// (a target that cannot be estimated at the estimate on any cohort, for
/// example a separated logit); those seeds count as misses of every
/// parameter, and the rest must converge.
fn check(
    study: StudyName,
    free: Option<&str>,
    n: Option<usize>,
    reps: usize,
    seeds: &[u64],
    max_failed: usize,
) {
    let mut failed = Vec::new();
    let mut within = 0usize;
    let mut total = 0usize;
    let mut misses = Vec::new();
    for &seed in seeds {
        let opts = Options {
            study,
            targets_file: None,
            free: free.map(str::to_string),
            reps,
            seed,
            n,
            search: Search {
                starts: 2,
                max_iters: 150,
                ..Search::default()
            },
            self_check: true,
            heldout: false,
            geography_cohorts: 0,
        };
        let r = calibrate(&opts).unwrap();
        if r.fit.failed {
            assert!(
                !r.fit.converged,
                "{study} seed {seed}: failed yet converged"
            );
            failed.push(seed);
            total += r.params.len();
            misses.push(format!("seed {seed}: calibration failed: {:?}", r.warnings));
            continue;
        }
        assert!(r.fit.converged, "{study} seed {seed}: {:?}", r.warnings);
        for p in &r.params {
            let truth = p.truth.unwrap();
            assert!(
                p.se > 0.0 && p.se.is_finite(),
                "{study} seed {seed} {}: se {}",
                p.name,
                p.se
            );
            assert_ne!(
                p.estimate, p.start,
                "{study} seed {seed} {}: the search never moved",
                p.name
            );
            let z = (p.estimate - truth) / p.se;
            total += 1;
            if z.abs() <= 2.0 {
                within += 1;
            } else {
                misses.push(format!(
                    "seed {seed} {}: estimate {:.4} truth {truth} se {:.4} (z {z:+.2})",
                    p.name, p.estimate, p.se
                ));
            }
        }
    }
    assert!(
        failed.len() <= max_failed,
        "{study}: {} of {} seeds failed ({failed:?}); misses: {misses:#?}",
        failed.len(),
        seeds.len()
    );
    let share = within as f64 / total as f64;
    assert!(
        share >= COVERAGE,
        "{study}: {within} of {total} within 2 SE; misses: {misses:#?}"
    );
}

#[test]
fn talent_default_set_recovers_its_truth() {
    // At the published N the Changchun logit separates in some cohorts
    // (issue 30): one seed in ten may fail, reported as failed, never as
    // converged; its parameters count as misses. The default set's
    // participation pair (`index.particip_behavior` and
    // `changchun.particip_opportunity`) enters the model only as a product
    // b x m and is not separately identified (z of -5.9 and -8.6 at seeds 6
    // and 10 over ten seeds; issue 30 restructures it), so the check over
    // ten seeds frees the two parameters the tables do pin.
    let seeds: Vec<u64> = (1..=10).collect();
    check(
        StudyName::Talent,
        Some("index.unit_support,changchun.danwei_support"),
        None,
        4,
        &seeds,
        1,
    );
}

#[test]
fn assets_recovers_its_truth_cheaply() {
    check(
        StudyName::Assets,
        Some("intention.constant,intention.stake"),
        Some(1500),
        2,
        &[1, 2, 3, 4, 5, 6],
        0,
    );
}

#[test]
fn enclave_recovers_its_truth_cheaply() {
    check(
        StudyName::Enclave,
        Some("outcome.intercept,enclave_choice.lq"),
        Some(2000),
        2,
        &[1, 2, 3, 4, 5, 6],
        0,
    );
}

#[test]
#[ignore = "minutes: the full default sets at the published N"]
fn full_default_sets_recover_their_truth() {
    check(StudyName::Assets, None, None, 4, &[1, 2, 3], 0);
    check(StudyName::Enclave, None, None, 4, &[1, 2, 3], 0);
}
