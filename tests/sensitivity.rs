//! Sobol and Morris against closed forms: the Ishigami function (a = 7,
//! b = 0.1; Ishigami & Homma 1990, indices from Saltelli et al. 2008,
//! p. 179) and linear functions whose elementary effects are their slopes.

use std::f64::consts::PI;

use migsim::sensitivity::{
    Bounds, MorrisDesign, SaltelliDesign, SaltelliOutputs, morris_indices, sobol_indices,
};

fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// Closed-form indices of Ishigami (a = 7, b = 0.1), rounded as published.
const S1: [f64; 3] = [0.3139, 0.4424, 0.0];
const ST: [f64; 3] = [0.5576, 0.4424, 0.2437];

fn ishigami_outputs(n: usize, seed: u64) -> SaltelliOutputs {
    let d = SaltelliDesign::new(3, n, seed).unwrap();
    let b = Bounds::new(
        vec!["x1".into(), "x2".into(), "x3".into()],
        vec![-PI; 3],
        vec![PI; 3],
    )
    .unwrap();
    let y: Vec<f64> = (0..d.rows())
        .map(|r| ishigami(&b.scale(&d.point(r))))
        .collect();
    SaltelliOutputs::split(&y, 3).unwrap()
}

/// N = 1024 base samples (5120 runs), 500 bootstrap resamples: over 12
/// scramble seeds every published index lies in its 95% bootstrap
/// interval, and the point estimates are within 0.05 of the truth.
#[test]
fn ishigami_indices_lie_in_their_bootstrap_intervals() {
    let mut inside = 0;
    let mut total = 0;
    for seed in 0..12u64 {
        let idx = sobol_indices(&ishigami_outputs(1024, seed), 500, seed + 100);
        for i in 0..3 {
            let x = idx[i];
            for (truth, est, lo, hi) in [
                (S1[i], x.s1, x.s1_low, x.s1_high),
                (ST[i], x.st, x.st_low, x.st_high),
            ] {
                assert!((est - truth).abs() < 0.05, "seed {seed} x{}: {x:?}", i + 1);
                assert!(lo < est && est < hi, "seed {seed}: {x:?}");
                total += 1;
                inside += usize::from(lo <= truth && truth <= hi);
            }
        }
    }
    // Nominal 95%; the bootstrap treats the scrambled Sobol points as iid,
    // so it is conservative: allow at most one miss in 72.
    assert!(inside + 1 >= total, "{inside} of {total} intervals cover");
}

/// Intervals narrow as N grows (width ~ 1/sqrt(N) or faster).
#[test]
fn ishigami_intervals_narrow_with_n() {
    let width = |n| {
        let idx = sobol_indices(&ishigami_outputs(n, 3), 300, 9);
        idx.iter().map(|x| x.st_high - x.st_low).sum::<f64>()
    };
    let (w256, w4096) = (width(256), width(4096));
    assert!(w4096 < 0.4 * w256, "{w256} -> {w4096}");
}

/// y = Σ b_i x_i on [0, 1]^k: every elementary effect is exactly b_i, so
/// mu* = |b_i|, sigma = 0, and mu* ranks parameters by |slope|, whatever
/// the seed, the grid and the number of trajectories.
#[test]
fn morris_on_a_linear_function_ranks_by_slope() {
    let slopes = [5.0, -3.0, 1.0, 0.2, 0.0];
    for seed in 0..20u64 {
        let levels = 4 + 2 * (seed as usize % 3);
        let d = MorrisDesign::new(slopes.len(), 10 + seed as usize, levels, seed).unwrap();
        let y: Vec<f64> = (0..d.rows())
            .map(|r| d.point(r).iter().zip(slopes).map(|(x, b)| x * b).sum())
            .collect();
        let idx = morris_indices(&d, &y).unwrap();
        for (i, b) in slopes.iter().enumerate() {
            assert!((idx[i].mu_star - b.abs()).abs() < 1e-9, "{seed}: {idx:?}");
            assert!((idx[i].mu - b).abs() < 1e-9, "{seed}: {idx:?}");
            assert!(idx[i].sigma < 1e-9, "{seed}: {idx:?}");
        }
        let mut order: Vec<usize> = (0..slopes.len()).collect();
        order.sort_by(|&a, &b| idx[b].mu_star.total_cmp(&idx[a].mu_star));
        assert_eq!(order, vec![0, 1, 2, 3, 4]);
    }
}

/// Morris trajectories stay on the grid inside the unit cube and move one
/// parameter by ±Δ per step.
#[test]
fn morris_trajectories_are_valid() {
    let d = MorrisDesign::new(6, 30, 4, 11).unwrap();
    for t in 0..d.trajectories {
        let tr = d.trajectory(t);
        assert_eq!(tr.len(), 7);
        for w in tr.windows(2) {
            let moved: Vec<usize> = (0..6).filter(|&i| w[0].x[i] != w[1].x[i]).collect();
            assert_eq!(moved.len(), 1);
            let (i, step) = w[1].moved.unwrap();
            assert_eq!(moved[0], i);
            assert!((w[1].x[i] - w[0].x[i] - step).abs() < 1e-12);
            assert!((step.abs() - d.delta()).abs() < 1e-12);
        }
        assert!(
            tr.iter()
                .flat_map(|p| &p.x)
                .all(|x| (0.0..=1.0).contains(x))
        );
    }
}

#[test]
fn bad_designs_are_refused() {
    assert!(SaltelliDesign::new(0, 512, 1).is_err());
    assert!(SaltelliDesign::new(3, 1, 1).is_err());
    assert!(SaltelliDesign::new(3, (1 << 16) + 1, 1).is_err());
    assert!(SaltelliDesign::new(129, 512, 1).is_err());
    assert!(MorrisDesign::new(3, 10, 1, 1).is_err());
    assert!(Bounds::new(vec!["a".into()], vec![1.0], vec![1.0]).is_err());
    assert!(Bounds::new(vec!["a".into()], vec![0.0], vec![f64::NAN]).is_err());
    let d = MorrisDesign::new(2, 3, 4, 1).unwrap();
    assert!(morris_indices(&d, &[0.0; 8]).is_err());
}
