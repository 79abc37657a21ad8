//! The SMC sampler against closed forms: a Gaussian linear model with a
//! normal prior (conjugate: the posterior is normal with precision
//! `P = Σ₀⁻¹ + Aᵀ A / σ²` and mean `P⁻¹ (Σ₀⁻¹ μ₀ + Aᵀ y / σ²)`), checked
//! over several seeds; its runs identical on 1 and 2 threads; and SBC on
//! the same toy problem: uniform ranks for the right posterior, and
//! clearly non-uniform ranks for an overconfident one (the test can fail);
//! and the coverage of SBC's two 95% intervals on a linear toy, where the
//! sandwich of `--method ii` is exact: both cover 0.95 within Monte Carlo
//! error over many prior draws, and a sandwich of half the width does not.

use migsim::calibrate::inference::{identify, sandwich};
use migsim::calibrate::smc::coverage::{Coverage, posterior_interval, truncated_interval};
use migsim::calibrate::smc::prior::{Prior, Priors};
use migsim::calibrate::smc::sampler::{Run, Settings, Target, run};
use migsim::calibrate::smc::sbc::{RANK_DRAWS, ranks_of, summarise};
use migsim::seed::{Component, stream};
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;

/// `y ~ N(A θ, σ² I)`, prior N(0, 1) per coordinate truncated to ±10.
struct Linear {
    a: Vec<Vec<f64>>,
    y: Vec<f64>,
    sigma: f64,
    priors: Priors,
}

impl Target for Linear {
    fn priors(&self) -> &Priors {
        &self.priors
    }
    fn ln_likelihood(&self, points: &[Vec<f64>]) -> Vec<f64> {
        points
            .par_iter()
            .map(|t| {
                -0.5 * self
                    .a
                    .iter()
                    .zip(&self.y)
                    .map(|(row, y)| {
                        let m: f64 = row.iter().zip(t).map(|(a, x)| a * x).sum();
                        ((y - m) / self.sigma).powi(2)
                    })
                    .sum::<f64>()
            })
            .collect()
    }
}

fn normal_prior(d: usize) -> Priors {
    Priors(
        (0..d)
            .map(|_| Prior::Normal {
                mean: 0.0,
                sd: 1.0,
                lower: -10.0,
                upper: 10.0,
            })
            .collect(),
    )
}

/// Analytic posterior mean and covariance of the 2-d problem.
fn analytic(l: &Linear) -> ([f64; 2], [[f64; 2]; 2]) {
    let s2 = l.sigma * l.sigma;
    let mut p = [[1.0, 0.0], [0.0, 1.0]];
    let mut b = [0.0, 0.0];
    for (row, y) in l.a.iter().zip(&l.y) {
        for i in 0..2 {
            b[i] += row[i] * y / s2;
            for j in 0..2 {
                p[i][j] += row[i] * row[j] / s2;
            }
        }
    }
    let det = p[0][0] * p[1][1] - p[0][1] * p[1][0];
    let c = [
        [p[1][1] / det, -p[0][1] / det],
        [-p[1][0] / det, p[0][0] / det],
    ];
    let m = [
        c[0][0] * b[0] + c[0][1] * b[1],
        c[1][0] * b[0] + c[1][1] * b[1],
    ];
    (m, c)
}

fn weighted(run: &Run, j: usize) -> (f64, f64) {
    let m: f64 = run
        .particles
        .iter()
        .zip(&run.weights)
        .map(|(x, w)| w * x[j])
        .sum();
    let v: f64 = run
        .particles
        .iter()
        .zip(&run.weights)
        .map(|(x, w)| w * (x[j] - m).powi(2))
        .sum();
    (m, v.sqrt())
}

fn toy() -> Linear {
    Linear {
        a: vec![vec![1.0, 0.5], vec![0.2, 1.0], vec![1.0, -1.0]],
        y: vec![1.3, -0.4, 2.1],
        sigma: 0.3,
        priors: normal_prior(2),
    }
}

#[test]
fn recovers_the_conjugate_posterior_over_seeds() {
    let l = toy();
    let (m, c) = analytic(&l);
    for seed in 1..=5 {
        let s = Settings {
            particles: 1000,
            moves: 4,
            seed,
            ..Settings::default()
        };
        let r = run(&l, &s).unwrap();
        assert!((r.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(r.stages.last().unwrap().temperature, 1.0);
        for j in 0..2 {
            let (mh, sh) = weighted(&r, j);
            let sd = c[j][j].sqrt();
            assert!(
                (mh - m[j]).abs() < 0.12 * sd,
                "seed {seed}, θ{j}: mean {mh} vs analytic {} (sd {sd})",
                m[j]
            );
            assert!(
                (sh / sd - 1.0).abs() < 0.15,
                "seed {seed}, θ{j}: sd {sh} vs analytic {sd}"
            );
        }
    }
}

#[test]
fn identical_on_one_and_two_threads() {
    let l = toy();
    let s = Settings {
        particles: 200,
        moves: 2,
        seed: 9,
        ..Settings::default()
    };
    let on = |t: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
            .install(|| run(&l, &s).unwrap())
    };
    let (a, b) = (on(1), on(2));
    assert_eq!(a.particles, b.particles);
    assert_eq!(a.weights, b.weights);
    assert_eq!(a.evaluations, b.evaluations);
}

/// SBC on `y ~ N(θ, 0.5²)`, θ ~ N(0, 1): ranks of K = 100 prior draws
/// among posteriors computed with likelihood SD `assumed`; the χ² p-value
/// of each run.
fn sbc_p(assumed: f64) -> f64 {
    let priors = normal_prior(1);
    let mut rng = stream(77, 0, Component::Custom(1));
    let noise = Normal::new(0.0, 0.5).unwrap();
    let mut ranks = Vec::new();
    for k in 0..100u64 {
        let theta = priors.sample(&mut rng);
        let y = theta[0] + noise.sample(&mut rng);
        let l = Linear {
            a: vec![vec![1.0]],
            y: vec![y],
            sigma: assumed,
            priors: priors.clone(),
        };
        let s = Settings {
            particles: 200,
            moves: 3,
            seed: 1000 + k,
            ..Settings::default()
        };
        let r = run(&l, &s).unwrap();
        let mut rr = stream(77, 1 + k, Component::Custom(2));
        ranks.push(ranks_of(&r, &theta, RANK_DRAWS, &mut rr));
    }
    let (_, params) = summarise(&["theta".to_string()], &ranks, RANK_DRAWS);
    params[0].p_value
}

#[test]
fn sbc_ranks_are_uniform_for_the_right_posterior_and_not_for_a_wrong_one() {
    let right = sbc_p(0.5);
    assert!(right > 0.001, "right posterior: χ² p = {right}");
    let overconfident = sbc_p(0.15);
    assert!(
        overconfident < 0.001,
        "overconfident posterior: χ² p = {overconfident}"
    );
}

/// The least-squares estimate `(AᵀA)⁻¹ Aᵀ y` of the 2-d toy (the
/// minimiser of indirect inference's Q for the linear moments `A θ`).
fn least_squares(a: &[Vec<f64>], y: &[f64]) -> [f64; 2] {
    let mut p = [[0.0; 2]; 2];
    let mut b = [0.0; 2];
    for (row, yi) in a.iter().zip(y) {
        for i in 0..2 {
            b[i] += row[i] * yi;
            for j in 0..2 {
                p[i][j] += row[i] * row[j];
            }
        }
    }
    let det = p[0][0] * p[1][1] - p[0][1] * p[1][0];
    [
        (p[1][1] * b[0] - p[0][1] * b[1]) / det,
        (p[0][0] * b[1] - p[1][0] * b[0]) / det,
    ]
}

#[test]
fn truncated_sandwich_interval_against_the_normal_closed_form() {
    use statrs::distribution::{ContinuousCDF, Normal};
    // Far from the bounds: θ̂ ± 1.959964 se.
    let (lo, hi) = truncated_interval(1.0, 0.5, -100.0, 100.0, 0.95);
    assert!((lo - (1.0 - 1.959964 * 0.5)).abs() < 1e-5, "{lo}");
    assert!((hi - (1.0 + 1.959964 * 0.5)).abs() < 1e-5, "{hi}");
    // Near a bound: inside it, and holding 95% of the truncated mass with
    // 2.5% on each side.
    let z = Normal::new(0.0, 1.0).unwrap();
    for (est, se, a, b) in [
        (0.1, 0.5, 0.0, 2.0),
        (1.9, 2.0, 0.0, 2.0),
        (-0.3, 0.2, 0.0, 5.0),
    ] {
        let (lo, hi) = truncated_interval(est, se, a, b, 0.95);
        assert!(a <= lo && lo < hi && hi <= b, "{est} {se}: [{lo}, {hi}]");
        let cdf = |x: f64| z.cdf((x - est) / se);
        let mass = cdf(b) - cdf(a);
        assert!(((cdf(lo) - cdf(a)) / mass - 0.025).abs() < 1e-9);
        assert!(((cdf(b) - cdf(hi)) / mass - 0.025).abs() < 1e-9);
    }
    // No usable SE: the whole range.
    assert_eq!(
        truncated_interval(1.0, f64::NAN, 0.0, 2.0, 0.95),
        (0.0, 2.0)
    );
}

/// Over K prior draws of the 2-d toy: the posterior's and the exact
/// sandwich's 95% intervals (the library's `identify` + `sandwich` with
/// `G = A`, `se = σ`, no correlation and no simulation noise), and the
/// sandwich at half its SE.
fn toy_coverage(master: u64, k: u64) -> [[Coverage; 3]; 2] {
    let base = toy();
    let names = ["a".to_string(), "b".to_string()];
    let se = vec![base.sigma; base.a.len()];
    let corr: Vec<Vec<f64>> = (0..se.len())
        .map(|i| (0..se.len()).map(|l| f64::from(u8::from(i == l))).collect())
        .collect();
    let (_, pinv) = identify(&base.a, &se, &names);
    let v = sandwich(&base.a, &se, &corr, &pinv.unwrap(), usize::MAX);
    let noise = Normal::new(0.0, base.sigma).unwrap();
    let mut rng = stream(master, 0, Component::Custom(3));
    let (mut truths, mut post, mut sand, mut half) = (
        [vec![], vec![]],
        [vec![], vec![]],
        [vec![], vec![]],
        [vec![], vec![]],
    );
    for d in 0..k {
        let theta = base.priors.sample(&mut rng);
        let y: Vec<f64> = base
            .a
            .iter()
            .map(|row| row[0] * theta[0] + row[1] * theta[1] + noise.sample(&mut rng))
            .collect();
        let est = least_squares(&base.a, &y);
        let l = Linear { y, ..toy() };
        let s = Settings {
            particles: 400,
            moves: 3,
            seed: 1000 * master + d,
            ..Settings::default()
        };
        let r = run(&l, &s).unwrap();
        for j in 0..2 {
            let sd = v[j][j].sqrt();
            truths[j].push(theta[j]);
            post[j].push(posterior_interval(&r, j, 0.95));
            sand[j].push(truncated_interval(est[j], sd, -10.0, 10.0, 0.95));
            half[j].push(truncated_interval(est[j], 0.5 * sd, -10.0, 10.0, 0.95));
        }
    }
    [0, 1].map(|j| [&post[j], &sand[j], &half[j]].map(|iv| Coverage::of(iv, &truths[j])))
}

#[test]
fn both_intervals_cover_95_percent_on_the_linear_toy_and_a_narrow_one_does_not() {
    let k = 300;
    for master in [31, 32, 33] {
        for (j, [post, sand, half]) in toy_coverage(master, k).iter().enumerate() {
            assert_eq!(post.draws, k as usize);
            // Monte Carlo SE of a share near 0.95 over K draws.
            let se = (0.95f64 * 0.05 / k as f64).sqrt();
            assert!(
                (post.mc_se - (post.share * (1.0 - post.share) / k as f64).sqrt()).abs() < 1e-12
            );
            assert!(
                (post.share - 0.95).abs() < 3.5 * se,
                "seed {master}, θ{j} posterior: {post:?}"
            );
            assert!(
                (sand.share - 0.95).abs() < 3.5 * se,
                "seed {master}, θ{j} sandwich: {sand:?}"
            );
            // Half the SE: about 2Φ(0.98) − 1 = 0.67.
            assert!(half.share < 0.8, "θ{j} half-width sandwich: {half:?}");
            // The exact posterior and the sandwich nearly agree here (the
            // prior N(0, 1) adds a little precision).
            assert!(post.mean_width < sand.mean_width, "{post:?} {sand:?}");
        }
    }
}
