//! An objective evaluation computes only the specifications its targets
//! read, and gives exactly (bit for bit) the target values of the full
//! tables of `migsim replicate` on the same cohorts: the enclave default
//! targets at two θ over three master seeds, at a small N; only the
//! targets' specifications are fitted.

use migsim::calibrate::Options;
use migsim::calibrate::optimise::Search;
use migsim::calibrate::setup::setup;
use migsim::replicate::Tables;
use migsim::replicate::targets::TABLE1_SPEC;
use migsim::studies::StudyName;

fn bits(v: &[Option<f64>]) -> Vec<Option<u64>> {
    v.iter().map(|x| x.map(f64::to_bits)).collect()
}

#[test]
fn enclave_targets_only_evaluation_equals_the_full_tables() {
    for seed in [1u64, 2, 3] {
        let opts = Options {
            study: StudyName::Enclave,
            targets_file: None,
            free: None,
            reps: 2,
            seed,
            n: Some(1500),
            search: Search::default(),
            self_check: false,
            heldout: false,
            geography_cohorts: 0,
        };
        let (o, theta0, _) = setup(&opts).unwrap();
        let other: Vec<f64> = o
            .free
            .iter()
            .map(|p| p.lower + 0.3 * (p.upper - p.lower))
            .collect();
        for theta in [theta0, other] {
            let jobs: Vec<(&[f64], u64)> = o.seeds.iter().map(|&s| (theta.as_slice(), s)).collect();
            let full = o.rows_here(&jobs, &Tables::All);
            let quick = o.evaluate(&theta);
            let slow = o.summarise(&full);
            assert_eq!(bits(&quick.moments), bits(&slow.moments), "seed {seed}");
            assert_eq!(bits(&quick.synthetic_se), bits(&slow.synthetic_se));
            assert_eq!(quick.failures, slow.failures);
            assert_eq!(quick.q.to_bits(), slow.q.to_bits());
            // Row by row: each target's row is the full table's, note included;
            // specs no target reads are not fitted.
            let needed = o.needed();
            for (&seed_r, all) in o.seeds.iter().zip(&full) {
                let some = o.rows(&theta, seed_r, &Tables::Rows(&needed)).unwrap();
                let all = all.as_ref().unwrap();
                for t in &o.targets {
                    let a = all.iter().find(|r| t.matches(r));
                    let b = some.iter().find(|r| t.matches(r));
                    assert_eq!(a, b, "seed {seed}: {} / {}", t.spec, t.key.term);
                }
                // Exactly the targets' specs (and Table 1's shares) are fitted.
                let mut fitted: Vec<(&str, &str)> = some
                    .iter()
                    .map(|r| (r.table.as_str(), r.spec.as_str()))
                    .collect();
                fitted.dedup();
                let mut wanted: Vec<(&str, &str)> = vec![("Table 1", TABLE1_SPEC)];
                for t in &o.targets {
                    if !wanted.contains(&(t.key.table.as_str(), t.spec.as_str())) {
                        wanted.push((t.key.table.as_str(), t.spec.as_str()));
                    }
                }
                fitted.sort_unstable();
                wanted.sort_unstable();
                assert_eq!(fitted, wanted, "seed {seed}");
                assert!(some.len() < all.len(), "{} of {}", some.len(), all.len());
            }
        }
    }
}
