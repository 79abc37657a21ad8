//! Kernel and local-linear matching by window sums against the quadratic
//! reference: every target's counterfactual and every donor's summed weight
//! from a plain double loop over all pairs, for every kernel, on many seeds,
//! bandwidths and outcome offsets; and identical results on 1 and 4 threads.

use migsim::estimate::psm::matching::impute;
use migsim::estimate::psm::{Kernel, Method, matching};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const KERNELS: [Kernel; 4] = [
    Kernel::Epanechnikov,
    Kernel::Gaussian,
    Kernel::Tricube,
    Kernel::Uniform,
];

/// (Y_hat per target, sum_i w_ij per donor) by the definitions: kernel
/// w_ij = K_ij / sum_j K_ij; local linear w_ij = K_ij (S2 - d_ij S1) /
/// (S0 S2 - S1^2), d_ij = p_j - s_i, unmatched when the denominator is at most
/// 1e-12 S0 S2.
fn quadratic(targets: &[f64], p: &[f64], y: &[f64], m: &Method) -> Reference {
    let (kernel, h, llr) = match *m {
        Method::Kernel { kernel, bandwidth } => (kernel, bandwidth, false),
        Method::LocalLinear { kernel, bandwidth } => (kernel, bandwidth, true),
        _ => unreachable!("kernel methods only"),
    };
    let mut weight = vec![0.0; p.len()];
    let mut imputed = Vec::new();
    let mut kappa = Vec::new();
    let mut noise = vec![0.0; p.len()];
    for &s in targets {
        let k: Vec<f64> = p.iter().map(|&pj| kernel.weight((pj - s) / h)).collect();
        let d: Vec<f64> = p.iter().map(|&pj| pj - s).collect();
        let sr = |r: i32| -> f64 { k.iter().zip(&d).map(|(a, b)| a * b.powi(r)).sum() };
        let (s0, s1, s2) = (sr(0), sr(1), sr(2));
        kappa.push(if llr {
            s0 * s2 / (s0 * s2 - s1 * s1)
        } else {
            1.0
        });
        let w: Option<Vec<f64>> = if llr {
            let den = s0 * s2 - s1 * s1;
            (den > 1e-12 * s0 * s2).then(|| {
                k.iter()
                    .zip(&d)
                    .map(|(kj, dj)| kj * (s2 - dj * s1) / den)
                    .collect()
            })
        } else {
            (s0 > 0.0).then(|| k.iter().map(|kj| kj / s0).collect())
        };
        imputed.push(
            w.as_ref()
                .map(|w| w.iter().zip(y).map(|(a, b)| a * b).sum()),
        );
        let k = *kappa.last().unwrap_or(&1.0);
        if let Some(w) = w {
            weight.iter_mut().zip(&w).for_each(|(a, b)| *a += b);
            noise
                .iter_mut()
                .zip(&w)
                .for_each(|(a, b)| *a += 1e-12 * k * b.abs());
        }
    }
    Reference {
        imputed,
        weight,
        noise,
        kappa,
    }
}

/// The quadratic reference, with each local-linear target's condition number
/// kappa = S0 S2 / (S0 S2 - S1^2) and, per donor, how far its weight is
/// determined by ill-conditioned targets: the weights' coefficients S2 / D
/// and S1 / D carry the moments' relative rounding (1e-12 bounds it for both
/// the window sums and any summation order of the direct sums) times kappa_i,
/// so 1e-12 kappa_i |w_ij| summed over the targets.
struct Reference {
    imputed: Vec<Option<f64>>,
    weight: Vec<f64>,
    noise: Vec<f64>,
    kappa: Vec<f64>,
}

fn uniform(rng: &mut Xoshiro256PlusPlus, n: usize, lo: f64, hi: f64) -> Vec<f64> {
    (0..n)
        .map(|_| lo + (hi - lo) * rng.random::<f64>())
        .collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

/// Closed-form results equal the quadratic reference to 1e-10 relative (plus
/// the reference's own rounding, a few eps times the condition number of the
/// local-linear fit), on
/// 12 seeds x 4 kernels x {kernel, local linear} x 3 bandwidths, with
/// outcomes offset far from zero and targets partly outside the donors'
/// range (windows with few or no donors).
#[test]
fn window_sums_equal_the_quadratic_reference() {
    for seed in 0..12u64 {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let n_d = 300 + (seed as usize * 37) % 400;
        let p = uniform(&mut rng, n_d, 0.1, 0.9);
        let offset = [0.0, 1e4, -3e5][seed as usize % 3];
        let y: Vec<f64> = p
            .iter()
            .map(|v| offset + (6.0 * v).sin() + rng.random::<f64>())
            .collect();
        let targets = uniform(&mut rng, 250, 0.0, 1.0);
        for h in [0.004, 0.05, 0.4] {
            for kernel in KERNELS {
                for m in [
                    Method::Kernel {
                        kernel,
                        bandwidth: h,
                    },
                    Method::LocalLinear {
                        kernel,
                        bandwidth: h,
                    },
                ] {
                    let got = impute(&targets, &p, &y, &m);
                    let means = matching::impute_means(&targets, &p, &y, &m);
                    let r = quadratic(&targets, &p, &y, &m);
                    let (want, weight, kappa) = (&r.imputed, &r.weight, &r.kappa);
                    for (t, w) in want.iter().enumerate() {
                        for g in [got.imputed[t], means[t]] {
                            match (g, w) {
                                (Some(a), Some(b)) => {
                                    let k = kappa[t];
                                    // Local linear beyond the donors' range is
                                    // ill-conditioned (kappa = S0 S2 / D up to
                                    // 1e6 here): any two summation orders differ
                                    // by a few eps x kappa.
                                    let tol = 1e-10 + 16.0 * f64::EPSILON * k;
                                    assert!(
                                        close(a, *b, tol),
                                        "{seed} {m:?} t{t} kappa {k:e} s {}: {a} vs {b}",
                                        targets[t]
                                    )
                                }
                                (a, b) => assert_eq!(a, *b, "{seed} {m:?} t{t}"),
                            }
                        }
                    }
                    let scale = weight.iter().fold(0.0f64, |s, w| s.max(w.abs()));
                    for ((a, b), n) in got.weight.iter().zip(weight).zip(&r.noise) {
                        assert!(
                            (a - b).abs() <= 1e-10 * (scale + b.abs()) + n,
                            "{seed} {m:?} weight: {a} vs {b}"
                        );
                    }
                }
            }
        }
    }
}

/// Local linear reproduces a line exactly, wherever the window has two
/// distinct scores, for every kernel.
#[test]
fn local_linear_is_exact_on_lines() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let p = uniform(&mut rng, 2000, 0.0, 1.0);
    let y: Vec<f64> = p.iter().map(|v| 5.0 - 3.0 * v).collect();
    let targets = uniform(&mut rng, 500, 0.05, 0.95);
    for kernel in KERNELS {
        let m = Method::LocalLinear {
            kernel,
            bandwidth: 0.03,
        };
        for (s, got) in targets
            .iter()
            .zip(matching::impute_means(&targets, &p, &y, &m))
        {
            let got = got.unwrap_or(f64::NAN);
            assert!(
                (got - (5.0 - 3.0 * s)).abs() < 1e-9,
                "{kernel:?} at {s}: {got}"
            );
        }
    }
}

/// Byte-identical on 1 and 4 threads (fixed groups of targets).
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
    let p = uniform(&mut rng, 20_000, 0.0, 1.0);
    let y = uniform(&mut rng, 20_000, 0.0, 10.0);
    let targets = uniform(&mut rng, 30_000, 0.0, 1.0);
    for kernel in [Kernel::Tricube, Kernel::Gaussian] {
        for m in [
            Method::Kernel {
                kernel,
                bandwidth: 0.02,
            },
            Method::LocalLinear {
                kernel,
                bandwidth: 0.3,
            },
        ] {
            let on = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                pool.install(|| impute(&targets, &p, &y, &m))
            };
            let (one, four) = (on(1), on(4));
            assert_eq!(one.imputed, four.imputed, "{m:?}");
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&one.weight), bits(&four.weight), "{m:?}");
        }
    }
}
