//! Inference pieces of `migsim calibrate` against closed forms: the
//! sandwich equals (1 + 1/R)(G'WG)^-1 when Σ = W^-1, and with correlated
//! targets the variance of a weighted mean, the Jacobian's slope is the
//! least-squares line's, the J p-value is the
//! χ² survival function (exp(-x/2) for 2 df), a rank-deficient G names the
//! parameters it cannot pin down, the bound transform round-trips, and on a
//! linear moment model with correlated noise the J statistic with Ω⁺ has
//! its nominal size while the diagonal-W J does not.

use faer::Mat;
use migsim::calibrate::inference::{
    correlation, covariance, identify, j_statistic, j_test, sandwich, slope,
};
use migsim::calibrate::optimise::{to_theta, to_u};
use migsim::calibrate::spec::FreeParam;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

fn inv2(a: [[f64; 2]; 2]) -> [[f64; 2]; 2] {
    let d = a[0][0] * a[1][1] - a[0][1] * a[1][0];
    [[a[1][1] / d, -a[0][1] / d], [-a[1][0] / d, a[0][0] / d]]
}

fn identity(m: usize) -> Vec<Vec<f64>> {
    (0..m)
        .map(|i| (0..m).map(|l| if i == l { 1.0 } else { 0.0 }).collect())
        .collect()
}

/// One parameter measured directly by two correlated targets (G = [1, 1]'):
/// θ̂ is the mean weighted by `w_i = 1/s_i²`, whose variance is
/// `(w1² s1² + w2² s2² + 2 w1 w2 ρ s1 s2) / (w1 + w2)²`, times (1 + 1/R).
#[test]
fn sandwich_with_correlated_targets_is_the_weighted_mean_variance() {
    let g = vec![vec![1.0], vec![1.0]];
    let names = vec!["a".to_string()];
    for (s1, s2, rho) in [(0.1, 0.2, 0.9), (0.3, 0.3, -0.5), (1.0, 0.5, 0.0)] {
        let se = [s1, s2];
        let (_, pinv) = identify(&g, &se, &names);
        let corr = vec![vec![1.0, rho], vec![rho, 1.0]];
        let (w1, w2) = (1.0 / (s1 * s1), 1.0 / (s2 * s2));
        let var = (w1 * w1 * s1 * s1 + w2 * w2 * s2 * s2 + 2.0 * w1 * w2 * rho * s1 * s2)
            / (w1 + w2).powi(2);
        for reps in [1, 4] {
            let v = sandwich(&g, &se, &corr, pinv.as_ref().unwrap(), reps);
            let e = (1.0 + 1.0 / reps as f64) * var;
            assert!((v[0][0] - e).abs() < 1e-12 * e, "{} vs {e}", v[0][0]);
        }
    }
}

/// The slope of y = 3 − 2x + e over x = −2, −1, 1, 2 is −2 + Σ x e / Σ x²
/// (here −2 − 0.2/10); the covariance and correlation of three draws are
/// the textbook ones (a draw with a missing target is skipped).
#[test]
fn slope_covariance_and_correlation_match_hand_values() {
    let xs = [-2.0, -1.0, 1.0, 2.0];
    let e = [0.1, -0.1, 0.1, -0.1];
    let ys: Vec<f64> = xs.iter().zip(e).map(|(x, e)| 3.0 - 2.0 * x + e).collect();
    // Σ x e = -0.2 + 0.1 + 0.1 - 0.2 = -0.2; Σ x² = 10.
    assert!((slope(&xs, &ys) - (-2.0 - 0.02)).abs() < 1e-12);
    assert!(slope(&[1.0, 1.0], &[0.0, 1.0]).is_nan());
    // Draws (1, 2), (2, 4), (3, 3): means 2, 3; var 1, 1; cov 0.5.
    let draws = vec![
        Some(vec![1.0, 2.0]),
        None,
        Some(vec![2.0, 4.0]),
        Some(vec![3.0, 3.0]),
    ];
    let (mean, cov) = covariance(&draws).unwrap();
    assert_eq!(mean, vec![2.0, 3.0]);
    assert!((cov[0][0] - 1.0).abs() < 1e-12 && (cov[1][1] - 1.0).abs() < 1e-12);
    assert!((cov[0][1] - 0.5).abs() < 1e-12);
    let c = correlation(&cov).unwrap();
    assert!((c[0][1] - 0.5).abs() < 1e-12 && (c[1][0] - 0.5).abs() < 1e-12);
    assert!(covariance(&draws[..2]).is_none());
    assert!(correlation(&[vec![0.0]]).is_none());
}

#[test]
fn sandwich_is_the_scaled_inverse_information() {
    let g = vec![vec![1.0, 0.0], vec![0.0, 2.0], vec![1.0, 1.0]];
    let se = [0.1, 0.2, 0.5];
    let names = vec!["a".to_string(), "b".to_string()];
    let (id, pinv) = identify(&g, &se, &names);
    assert_eq!(id.rank, 2);
    assert!(id.unidentified.is_empty());
    let mut info = [[0.0; 2]; 2];
    for (row, s) in g.iter().zip(se) {
        for r in 0..2 {
            for c in 0..2 {
                info[r][c] += row[r] * row[c] / (s * s);
            }
        }
    }
    let expect = inv2(info);
    for reps in [1, 4, 50] {
        let v = sandwich(&g, &se, &identity(3), pinv.as_ref().unwrap(), reps);
        let scale = 1.0 + 1.0 / reps as f64;
        for r in 0..2 {
            for c in 0..2 {
                let e = scale * expect[r][c];
                assert!(
                    (v[r][c] - e).abs() < 1e-10 * e.abs().max(1e-6),
                    "{r},{c}: {} vs {e}",
                    v[r][c]
                );
            }
        }
    }
    // Condition number: ratio of the singular values of W^1/2 G.
    let s = &id.singular_values;
    assert!((id.condition_number - s[0].max(s[1]) / s[0].min(s[1])).abs() < 1e-9);
}

#[test]
fn collinear_columns_are_named_unidentified() {
    // b and c move the moments identically: only their sum is identified.
    let g = vec![
        vec![1.0, 2.0, 2.0],
        vec![0.5, 1.0, 1.0],
        vec![3.0, 0.0, 0.0],
        vec![0.0, 1.0, 1.0],
    ];
    let se = [1.0, 1.0, 1.0, 1.0];
    let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let (id, _) = identify(&g, &se, &names);
    assert_eq!(id.rank, 2);
    assert!(id.condition_number > 1e8);
    assert_eq!(id.unidentified, vec!["b".to_string(), "c".to_string()]);
}

#[test]
fn j_p_value_is_the_chi_square_tail() {
    for q in [0.5, 2.0, 7.3] {
        let (j, p) = j_test(q, 4, 2);
        assert!((j - q / 1.25).abs() < 1e-12);
        assert!((p.unwrap() - (-j / 2.0).exp()).abs() < 1e-10);
    }
    assert!(j_test(1.0, 4, 0).1.is_none());
}

#[test]
fn bound_transform_round_trips_inside_the_bounds() {
    let free = vec![
        FreeParam {
            key: "a".into(),
            lower: -2.0,
            upper: 3.0,
            start: 0.0,
        },
        FreeParam {
            key: "b".into(),
            lower: 0.0,
            upper: 1.0,
            start: 0.5,
        },
    ];
    for theta in [[-1.9, 0.01], [0.0, 0.5], [2.9, 0.99]] {
        let back = to_theta(&free, &to_u(&free, &theta));
        for (x, y) in back.iter().zip(theta) {
            assert!((x - y).abs() < 1e-9);
        }
    }
    for u in [[-50.0, 50.0], [40.0, -40.0]] {
        let t = to_theta(&free, &u);
        assert!((-2.0..=3.0).contains(&t[0]) && (0.0..=1.0).contains(&t[1]));
    }
}

/// m(θ) = Gθ + u, m_pub = Gθ₀ + e with e ~ N(0, Σ), u ~ N(0, Σ/R) (the
/// simulation noise of R cohorts, fixed across θ as with common random
/// numbers), Σ = S C S with an AR(1) correlation 0.8^|i−l| and W =
/// diag(1/se²): θ̂ = (G'WG)⁻¹G'W(m_pub − u) in closed form. Under the
/// model J = ĝ'Ω⁺ĝ ~ χ²(K − P), so it rejects at 5% in 5% of draws (each
/// seed's rate within 4 Monte Carlo SE); the naive Q/(1 + 1/R) is a
/// weighted sum of χ²₁ with weights (0.15, 0.28, 0.89, 1.13) here and
/// rejects in about 1.3%.
#[test]
fn j_with_correlated_sigma_has_nominal_size_and_naive_j_does_not() {
    const K: usize = 6;
    const P: usize = 2;
    const DRAWS: usize = 3000;
    let reps = 4;
    let g: Vec<Vec<f64>> = [
        [1.0, 0.0],
        [0.0, 1.0],
        [1.0, 1.0],
        [1.0, -1.0],
        [2.0, 0.5],
        [0.0, 2.0],
    ]
    .iter()
    .map(|r| r.to_vec())
    .collect();
    let se = [0.1, 0.2, 0.15, 0.3, 0.25, 0.1];
    let corr: Vec<Vec<f64>> = (0..K)
        .map(|i| {
            (0..K)
                .map(|l| 0.8f64.powi((i as i32 - l as i32).abs()))
                .collect()
        })
        .collect();
    let sigma = Mat::from_fn(K, K, |i, l| se[i] * se[l] * corr[i][l]);
    let chol = sigma.llt(faer::Side::Lower).unwrap();
    let lower = chol.L();
    let theta0 = [0.3, -0.7];
    // (G'WG)⁻¹ G'W by hand (2 × 2 inverse).
    let mut info = [[0.0; 2]; 2];
    for (row, s) in g.iter().zip(se) {
        for r in 0..2 {
            for c in 0..2 {
                info[r][c] += row[r] * row[c] / (s * s);
            }
        }
    }
    let inv = inv2(info);
    let crit = 9.487_729_036_781_154; // χ²(4) 95% quantile (R: qchisq(0.95, 4))
    let mc_se = (0.05f64 * 0.95 / DRAWS as f64).sqrt();
    for seed in [1u64, 2, 3] {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut normal = |scale: f64| -> Vec<f64> {
            let z: Vec<f64> = (0..K).map(|_| StandardNormal.sample(&mut rng)).collect();
            (0..K)
                .map(|i| scale * (0..=i).map(|l| lower[(i, l)] * z[l]).sum::<f64>())
                .collect()
        };
        let (mut new_rej, mut naive_rej) = (0usize, 0usize);
        for _ in 0..DRAWS {
            let e = normal(1.0);
            let u = normal(1.0 / (reps as f64).sqrt());
            let target: Vec<f64> = (0..K)
                .map(|i| g[i][0] * theta0[0] + g[i][1] * theta0[1] + e[i] - u[i])
                .collect();
            let mut gw = [0.0; 2];
            for i in 0..K {
                for (r, x) in gw.iter_mut().enumerate() {
                    *x += g[i][r] * target[i] / (se[i] * se[i]);
                }
            }
            let th = [
                inv[0][0] * gw[0] + inv[0][1] * gw[1],
                inv[1][0] * gw[0] + inv[1][1] * gw[1],
            ];
            let resid: Vec<f64> = (0..K)
                .map(|i| g[i][0] * th[0] + g[i][1] * th[1] - target[i])
                .collect();
            let q: f64 = resid.iter().zip(se).map(|(r, s)| (r / s).powi(2)).sum();
            let jt = j_statistic(&resid, &g, &se, &corr, reps).unwrap();
            assert_eq!(jt.df, K - P);
            new_rej += usize::from(jt.j > crit);
            assert!((jt.p_value.unwrap() < 0.05) == (jt.j > crit));
            naive_rej += usize::from(j_test(q, reps, K - P).0 > crit);
        }
        let (new_rate, naive_rate) = (
            new_rej as f64 / DRAWS as f64,
            naive_rej as f64 / DRAWS as f64,
        );
        assert!(
            (new_rate - 0.05).abs() < 4.0 * mc_se,
            "seed {seed}: J with Ω⁺ rejects {new_rate}"
        );
        assert!(
            (naive_rate - 0.05).abs() > 6.0 * mc_se,
            "seed {seed}: naive J rejects {naive_rate}, expected far from 5%"
        );
    }
}

/// With uncorrelated targets (C = I) the residual's scaled covariance is
/// (1 + 1/R) times an orthogonal projection, and J reduces to the naive
/// Q / (1 + 1/R) exactly.
#[test]
fn j_with_identity_correlation_is_the_naive_j() {
    let g = vec![
        vec![1.0, 0.0],
        vec![0.0, 2.0],
        vec![1.0, 1.0],
        vec![3.0, -1.0],
    ];
    let se = [0.1, 0.2, 0.5, 0.3];
    // A residual orthogonal to W G: r = W^{-1/2} H z for z = (1, -2, 0.5, 1).
    let names = vec!["a".to_string(), "b".to_string()];
    let (_, pinv) = identify(&g, &se, &names);
    let pinv = pinv.unwrap();
    let z = [1.0, -2.0, 0.5, 1.0];
    // H z = z − A (A'A)⁻¹ A' z with A = W^{1/2} G, (A'A)⁻¹ = pinv.
    let a: Vec<Vec<f64>> = g
        .iter()
        .zip(se)
        .map(|(r, s)| r.iter().map(|x| x / s).collect())
        .collect();
    let atz: Vec<f64> = (0..2)
        .map(|c| (0..4).map(|i| a[i][c] * z[i]).sum())
        .collect();
    let coef: Vec<f64> = (0..2)
        .map(|r| (0..2).map(|c| pinv[(r, c)] * atz[c]).sum())
        .collect();
    let resid: Vec<f64> = (0..4)
        .map(|i| se[i] * (z[i] - a[i][0] * coef[0] - a[i][1] * coef[1]))
        .collect();
    let q: f64 = resid.iter().zip(se).map(|(r, s)| (r / s).powi(2)).sum();
    for reps in [1, 4] {
        let jt = j_statistic(&resid, &g, &se, &identity(4), reps).unwrap();
        let (naive, p) = j_test(q, reps, 2);
        assert_eq!(jt.df, 2);
        assert!((jt.j - naive).abs() < 1e-9 * naive, "{} vs {naive}", jt.j);
        assert!((jt.p_value.unwrap() - p.unwrap()).abs() < 1e-9);
    }
}
