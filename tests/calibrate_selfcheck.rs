//! Identification self-check over several seeds: with the published
//! targets replaced by the model's own at θ₀ (one independent cohort; SEs
//! and correlations simulated over further cohorts), the calibration
//! recovers θ₀ within 2 SE for at least 90% of parameters × seeds (about
//! 95% if the SEs are right), its SEs are positive and finite, and every
//! search converges and moves (or, in at most the stated number of seeds,
//! is reported failed, never converged, and counts as a miss). Talent runs
//! its two identified default parameters at twice the published N over ten seeds;
//! the enclave and assets checks use two of their default parameters at a
//! smaller N to stay cheap (the full default sets: an `#[ignore]`d test,
//! minutes).

use migsim::calibrate::optimise::Search;
use migsim::calibrate::{CalibrateError, Options, calibrate};
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
        let r = match calibrate(&opts) {
            Ok(r) => r,
            // The model's own target cannot be estimated on the one
            // independent cohort at θ₀ (a separated regional logit): the
            // seed fails, and counts as a miss of every parameter.
            Err(e @ CalibrateError::SelfCheck { .. }) => {
                failed.push(seed);
                total += free.map_or(0, |f| f.split(',').count());
                misses.push(format!("seed {seed}: {e}"));
                continue;
            }
            Err(e) => panic!("{study} seed {seed}: {e}"),
        };
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
    // converged; its parameters count as misses. At twice the published N
    // (Changchun about 375 agents): at 777 the Changchun logit separates on
    // unit support in the model's own cohort at θ₀ in 2 of 10 seeds (1 and
    // 4; the institutional package makes a supported danwei expert almost
    // sure to stay), which leaves the self-check nothing to recover. The
    // unit-support pair of
    // the default set: the common coefficient `index.unit_support` (South
    // slope, few units embed) and the Changchun danwei package
    // `changchun.danwei_benefit` (what a Changchun unit's support adds
    // through the latent embedding), pinned by models 3 and 1.
    let seeds: Vec<u64> = (1..=10).collect();
    check(
        StudyName::Talent,
        Some("index.unit_support,changchun.danwei_benefit"),
        Some(1554),
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
