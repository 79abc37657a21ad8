//! Checked reference distributions: every call into statrs' cdf / sf /
//! inverse-cdf goes through here.
//!
//! statrs panics (inside its beta and gamma functions) or returns garbage
//! when an argument is outside the distribution's domain — a NaN statistic, a
//! non-positive or non-finite degree of freedom, a probability outside (0, 1).
//! These wrappers check the domain first and return NaN, which callers report
//! as "unavailable" (null in JSON), never a panic.

use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::function::beta::checked_beta_reg;
use statrs::function::gamma::checked_gamma_ur;

/// Degrees of freedom accepted: finite and in `[1e-8, 1e10]` (beyond, the
/// special functions lose accuracy or, inside statrs, panic).
fn valid_df(df: f64) -> bool {
    (1e-8..=1e10).contains(&df)
}

/// Upper tail `P(X > x)` of chi-square(`df`), `Q(df/2, x/2)` by statrs'
/// checked regularised gamma; NaN when `x` is NaN or `df` is out of domain.
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || !valid_df(df) {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x == f64::INFINITY {
        return 0.0;
    }
    checked_gamma_ur(df / 2.0, x / 2.0).unwrap_or(f64::NAN)
}

/// Upper tail `P(X > x)` of F(`d1`, `d2`): `I_w(d2/2, d1/2)` with
/// `w = 1 / (1 + (d1/d2) x)` (statrs' own formula, with `w` kept in [0, 1]);
/// NaN when `x` is NaN or a degree of freedom is out of domain.
pub fn f_sf(x: f64, d1: f64, d2: f64) -> f64 {
    if x.is_nan() || !valid_df(d1) || !valid_df(d2) {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let w = (1.0 / (1.0 + (d1 / d2) * x)).clamp(0.0, 1.0);
    if w == 0.0 {
        return 0.0;
    }
    checked_beta_reg(d2 / 2.0, d1 / 2.0, w).unwrap_or(f64::NAN)
}

/// Upper tail `P(T > x)` of Student's t(`df`): for `x >= 0`,
/// `I_w(df/2, 1/2) / 2` with `w = 1 / (1 + x^2/df)`; NaN when `x` is NaN or
/// `df` is below 1e-8; above 1e10 degrees of freedom, the standard normal.
pub fn t_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || df.is_nan() || df < 1e-8 {
        return f64::NAN;
    }
    if df > 1e10 {
        return crate::numeric::normal::sf(x);
    }
    let w = (1.0 / (1.0 + x * x / df)).clamp(0.0, 1.0);
    let tail = if w == 0.0 {
        0.0
    } else {
        0.5 * checked_beta_reg(df / 2.0, 0.5, w).unwrap_or(f64::NAN)
    };
    if x >= 0.0 { tail } else { 1.0 - tail }
}

/// Quantile of Student's t(`df`) at probability `p`; NaN when `p` is outside
/// (0, 1) or `df` is below 1e-8; above 1e10 degrees of freedom, the normal.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) || df.is_nan() || df < 1e-8 {
        return f64::NAN;
    }
    if df > 1e10 {
        return crate::numeric::normal::quantile(p);
    }
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |t| t.inverse_cdf(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms() {
        // chi2(2): sf(x) = exp(-x/2).
        for x in [0.1, 1.0, 5.0, 30.0] {
            assert!((chi2_sf(x, 2.0) - (-x / 2.0).exp()).abs() < 1e-12);
        }
        // t(1) is Cauchy: sf(x) = 1/2 - atan(x)/pi, quantile = tan(pi (p - 1/2)).
        for x in [-3.0, 0.5, 2.0] {
            let want = 0.5 - f64::atan(x) / std::f64::consts::PI;
            assert!((t_sf(x, 1.0) - want).abs() < 1e-10);
        }
        let q = (std::f64::consts::PI * (0.975 - 0.5)).tan();
        assert!((t_quantile(0.975, 1.0) - q).abs() < 1e-8);
        // F(2, d2) sf(x) = (1 + 2x/d2)^(-d2/2).
        let want = (1.0f64 + 2.0 * 3.0 / 10.0).powf(-5.0);
        assert!((f_sf(3.0, 2.0, 10.0) - want).abs() < 1e-10);
    }

    #[test]
    fn out_of_domain_is_nan_not_panic() {
        let bad = [
            f64::NAN,
            0.0,
            -1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e-300,
            1e300,
        ];
        for &a in &bad {
            for &b in &bad {
                for &x in &bad {
                    let _ = chi2_sf(x, a);
                    let _ = f_sf(x, a, b);
                    let _ = t_sf(x, a);
                    let _ = t_quantile(x, a);
                }
            }
        }
        assert!(f_sf(f64::NAN, 2.0, 3.0).is_nan());
        assert!(f_sf(1.0, 2.0, 0.0).is_nan());
        assert!(chi2_sf(1.0, -1.0).is_nan());
        assert!(t_quantile(1.5, 3.0).is_nan());
        assert_eq!(f_sf(-2.0, 2.0, 3.0), 1.0);
    }

    #[test]
    fn agrees_with_statrs_inside_the_domain() {
        use statrs::distribution::{ChiSquared, FisherSnedecor};
        for df in [0.5, 1.0, 3.0, 17.0, 250.0] {
            for x in [0.01, 0.7, 2.5, 9.0, 40.0] {
                let c = ChiSquared::new(df).unwrap().sf(x);
                assert!((chi2_sf(x, df) - c).abs() < 1e-12, "chi2 {x} {df}");
                let t = StudentsT::new(0.0, 1.0, df).unwrap();
                for s in [x, -x] {
                    assert!((t_sf(s, df) - t.sf(s)).abs() < 1e-12, "t {s} {df}");
                }
                let f = FisherSnedecor::new(df, 7.0).unwrap().sf(x);
                assert!((f_sf(x, df, 7.0) - f).abs() < 1e-12, "F {x} {df}");
            }
        }
    }
}
