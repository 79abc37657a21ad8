//! The between-geography variance added to the targets' SEs
//! (`calibrate::geography`), against closed forms.
//!
//! 1. A random-effect toy, `x_g = μ + u_g + e_g`, `u_g ~ N(0, τ²)` (the
//!    geography), `e_g ~ N(0, s_g²)` with the cohort's SE `s_g` reported:
//!    `s² − mean s_g²` is unbiased for the known τ² (over many replicate
//!    sets and seeds), `τ̂²` is its clip at 0, and τ = 0 gives nothing.
//! 2. A linear toy calibrated like a study, `y_j = (A θ)_j + e_j + u_j`
//!    with published SE `se_j` and a geography deviation `u_j ~ N(0, τ_j²)`
//!    in the published table and in each simulated cohort: with τ̂² from 32
//!    geography cohorts added (σ² = se² + τ̂²), the sandwich of
//!    `--method ii` (the library's `identify` + `sandwich` at R cohorts)
//!    and the SMC posterior under the synthetic likelihood
//!    (`ln_likelihood_of_q`) both cover the true θ 95% of the time within
//!    Monte Carlo error; with it turned off (σ = se) both under-cover
//!    clearly (the closed form is `2Φ(1.96 se/√(se² + τ²)) − 1 ≈ 0.72`), so
//!    the test can fail.

use migsim::calibrate::geography::{Draw, combined_se, geography_seeds, target_geography};
use migsim::calibrate::inference::{identify, sandwich};
use migsim::calibrate::smc::coverage::{Coverage, posterior_interval, truncated_interval};
use migsim::calibrate::smc::ln_likelihood_of_q;
use migsim::calibrate::smc::prior::{Prior, Priors};
use migsim::calibrate::smc::sampler::{Settings, Target, run};
use migsim::seed::{Component, SimRng, stream};
use rand::Rng;
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;

/// G cohorts of the random-effect toy.
fn random_effect_draws(rng: &mut SimRng, g: usize, mu: f64, tau: f64) -> Vec<Option<Draw>> {
    let z = Normal::new(0.0, 1.0).unwrap();
    (0..g)
        .map(|_| {
            let s: f64 = 0.1 * (1.0 + rng.random::<f64>());
            let x = mu + tau * z.sample(rng) + s * z.sample(rng);
            Some((x, Some(s)))
        })
        .collect()
}

#[test]
fn the_difference_is_unbiased_for_a_known_geography_variance() {
    let (sets, g) = (600, 32);
    for seed in [1u64, 2, 3] {
        for tau in [0.0, 0.1, 0.25] {
            let mut rng = stream(seed, 0, Component::Custom(0x6E0));
            let diffs: Vec<f64> = (0..sets)
                .map(|_| {
                    let est = target_geography(&random_effect_draws(&mut rng, g, 1.5, tau));
                    assert_eq!(est.cohorts, g);
                    let d = est.total_variance - est.sampling_variance;
                    assert_eq!(est.tau2, d.max(0.0));
                    d
                })
                .collect();
            let n = sets as f64;
            let mean = diffs.iter().sum::<f64>() / n;
            let sd = (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            let mc = sd / n.sqrt();
            assert!(
                (mean - tau * tau).abs() < 3.5 * mc,
                "seed {seed}, τ {tau}: mean {mean} vs τ² {} (MC SE {mc})",
                tau * tau
            );
        }
    }
}

#[test]
fn missing_values_and_ses_are_skipped_and_too_few_cohorts_add_nothing() {
    let draws = vec![
        Some((1.0, Some(0.1))),
        None,
        Some((3.0, None)),
        Some((2.0, Some(0.1))),
        Some((f64::NAN, Some(0.1))),
        Some((3.0, Some(0.2))),
    ];
    let e = target_geography(&draws);
    assert_eq!(e.cohorts, 3);
    // Values 1, 2, 3: s² = 1; mean se² = (0.01 + 0.01 + 0.04) / 3 = 0.02.
    assert!((e.total_variance - 1.0).abs() < 1e-12);
    assert!((e.sampling_variance - 0.02).abs() < 1e-12);
    assert!((e.tau2 - 0.98).abs() < 1e-12);
    let few = target_geography(&draws[..4]);
    assert_eq!((few.cohorts, few.tau2), (2, 0.0));
    // Sampling alone larger than the spread: clipped to 0.
    let tight = vec![Some((1.0, Some(1.0))); 3];
    assert_eq!(target_geography(&tight).tau2, 0.0);
    assert!((combined_se(0.3, 0.16) - 0.5).abs() < 1e-12);
    assert_eq!(combined_se(0.3, -1.0), 0.3);
    // Geography seeds are distinct and depend on the master seed.
    let (a, b) = (geography_seeds(1, 32), geography_seeds(2, 32));
    let mut u = a.clone();
    u.sort();
    u.dedup();
    assert_eq!(u.len(), 32);
    assert!(a.iter().all(|s| !b.contains(s)));
}

const A: [[f64; 2]; 4] = [[1.0, 0.5], [0.2, 1.0], [1.0, -1.0], [0.6, 0.3]];
const SE: f64 = 0.3;
const TAU: f64 = 0.45;
/// R: common-random-number cohorts per evaluation.
const REPS: usize = 4;
/// G: geography cohorts behind τ̂².
const GEO: usize = 32;

/// One simulated cohort's deviation from `A θ` per target: its sample and
/// its own geography.
fn cohort_noise(rng: &mut SimRng) -> Vec<f64> {
    let (e, u) = (
        Normal::new(0.0, SE).unwrap(),
        Normal::new(0.0, TAU).unwrap(),
    );
    (0..A.len())
        .map(|_| e.sample(rng) + u.sample(rng))
        .collect()
}

fn at(theta: &[f64]) -> Vec<f64> {
    A.iter()
        .map(|r| r[0] * theta[0] + r[1] * theta[1])
        .collect()
}

/// The toy's calibration: `m(θ) = A θ + c̄` (c̄ the mean noise of its R
/// fixed cohorts), Q weighted by `1/σ²`, `ln L` of the library.
struct Toy {
    y: Vec<f64>,
    offset: Vec<f64>,
    sigma: Vec<f64>,
    priors: Priors,
}

impl Toy {
    fn q(&self, theta: &[f64]) -> f64 {
        at(theta)
            .iter()
            .zip(&self.offset)
            .zip(&self.y)
            .zip(&self.sigma)
            .map(|(((m, c), y), s)| ((m + c - y) / s).powi(2))
            .sum()
    }
}

impl Target for Toy {
    fn priors(&self) -> &Priors {
        &self.priors
    }
    fn ln_likelihood(&self, points: &[Vec<f64>]) -> Vec<f64> {
        points
            .par_iter()
            .map(|t| ln_likelihood_of_q(self.q(t), REPS))
            .collect()
    }
}

/// The weighted least-squares minimiser of the toy's Q (indirect
/// inference's estimate): `(Aᵀ W A)⁻¹ Aᵀ W (y − c̄)`.
fn estimate(y: &[f64], offset: &[f64], sigma: &[f64]) -> [f64; 2] {
    let mut p = [[0.0; 2]; 2];
    let mut b = [0.0; 2];
    for ((row, (yi, c)), s) in A.iter().zip(y.iter().zip(offset)).zip(sigma) {
        let w = 1.0 / (s * s);
        for i in 0..2 {
            b[i] += w * row[i] * (yi - c);
            for j in 0..2 {
                p[i][j] += w * row[i] * row[j];
            }
        }
    }
    let det = p[0][0] * p[1][1] - p[0][1] * p[1][0];
    [
        (p[1][1] * b[0] - p[0][1] * b[1]) / det,
        (p[0][0] * b[1] - p[1][0] * b[0]) / det,
    ]
}

/// One parameter at one draw: the truth, the posterior and the sandwich
/// 95% intervals.
type DrawCover = (f64, (f64, f64), (f64, f64));

/// Coverage over K prior draws of [posterior, sandwich] per parameter,
/// with the geography variance added (`on`) or not.
fn coverage(master: u64, k: u64, on: bool) -> [[Coverage; 2]; 2] {
    let priors = Priors(
        (0..2)
            .map(|_| Prior::Normal {
                mean: 0.0,
                sd: 1.0,
                lower: -10.0,
                upper: 10.0,
            })
            .collect(),
    );
    let names = ["a".to_string(), "b".to_string()];
    let g: Vec<Vec<f64>> = A.iter().map(|r| r.to_vec()).collect();
    let corr: Vec<Vec<f64>> = (0..A.len())
        .map(|i| (0..A.len()).map(|l| f64::from(u8::from(i == l))).collect())
        .collect();
    let draws: Vec<[DrawCover; 2]> = (0..k)
        .into_par_iter()
        .map(|d| {
            let mut rng = stream(master, d, Component::Custom(0x6E1));
            let theta = priors.sample(&mut rng);
            let y: Vec<f64> = at(&theta)
                .iter()
                .zip(cohort_noise(&mut rng))
                .map(|(m, e)| m + e)
                .collect();
            let reps: Vec<Vec<f64>> = (0..REPS).map(|_| cohort_noise(&mut rng)).collect();
            let offset: Vec<f64> = (0..A.len())
                .map(|j| reps.iter().map(|r| r[j]).sum::<f64>() / REPS as f64)
                .collect();
            // G geography cohorts at θ₀ = 0, each reporting its SE.
            let geo: Vec<Vec<f64>> = (0..GEO).map(|_| cohort_noise(&mut rng)).collect();
            let sigma: Vec<f64> = (0..A.len())
                .map(|j| {
                    let x: Vec<Option<Draw>> = geo.iter().map(|c| Some((c[j], Some(SE)))).collect();
                    let tau2 = if on { target_geography(&x).tau2 } else { 0.0 };
                    combined_se(SE, tau2)
                })
                .collect();
            let est = estimate(&y, &offset, &sigma);
            let (_, pinv) = identify(&g, &sigma, &names);
            let v = sandwich(&g, &sigma, &corr, &pinv.unwrap(), REPS);
            let toy = Toy {
                y,
                offset,
                sigma,
                priors: priors.clone(),
            };
            let s = Settings {
                particles: 500,
                moves: 4,
                seed: 10_000 * master + d,
                ..Settings::default()
            };
            let r = run(&toy, &s).unwrap();
            [0, 1].map(|j| {
                (
                    theta[j],
                    posterior_interval(&r, j, 0.95),
                    truncated_interval(est[j], v[j][j].sqrt(), -10.0, 10.0, 0.95),
                )
            })
        })
        .collect();
    [0, 1].map(|j| {
        let truths: Vec<f64> = draws.iter().map(|d| d[j].0).collect();
        let post: Vec<(f64, f64)> = draws.iter().map(|d| d[j].1).collect();
        let sand: Vec<(f64, f64)> = draws.iter().map(|d| d[j].2).collect();
        [Coverage::of(&post, &truths), Coverage::of(&sand, &truths)]
    })
}

#[test]
fn with_the_geography_variance_both_intervals_cover_95_percent_and_without_it_they_do_not() {
    let k = 300;
    let mc = (0.95f64 * 0.05 / k as f64).sqrt();
    for master in [41, 42] {
        for (j, [post, sand]) in coverage(master, k, true).iter().enumerate() {
            assert!(
                (post.share - 0.95).abs() < 3.5 * mc,
                "seed {master}, θ{j} posterior with τ̂²: {post:?}"
            );
            assert!(
                (sand.share - 0.95).abs() < 3.5 * mc,
                "seed {master}, θ{j} sandwich with τ̂²: {sand:?}"
            );
        }
        for (j, [post, sand]) in coverage(master, k, false).iter().enumerate() {
            assert!(post.share < 0.85, "θ{j} posterior without τ²: {post:?}");
            assert!(sand.share < 0.85, "θ{j} sandwich without τ²: {sand:?}");
        }
    }
}
