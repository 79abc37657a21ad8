//! Checked reference distributions: every call into statrs' cdf / sf /
//! inverse-cdf goes through here.
//!
//! statrs panics (inside its beta and gamma functions) or returns garbage
//! when an argument is outside the distribution's domain — a NaN statistic, a
//! non-positive or non-finite degree of freedom, a probability outside (0, 1).
//! These wrappers check the domain first and return NaN, which callers report
//! as "unavailable" (null in JSON), never a panic.

use statrs::distribution::{ChiSquared, ContinuousCDF, FisherSnedecor, StudentsT};

fn valid_df(df: f64) -> bool {
    df.is_finite() && df > 0.0
}

/// Upper tail `P(X > x)` of chi-square(`df`); NaN when `x` is NaN or `df`
/// is not a positive finite number.
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
    ChiSquared::new(df).map_or(f64::NAN, |c| c.sf(x))
}

/// Upper tail `P(X > x)` of F(`d1`, `d2`); NaN when `x` is NaN or a degree
/// of freedom is not a positive finite number.
pub fn f_sf(x: f64, d1: f64, d2: f64) -> f64 {
    if x.is_nan() || !valid_df(d1) || !valid_df(d2) {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x == f64::INFINITY {
        return 0.0;
    }
    FisherSnedecor::new(d1, d2).map_or(f64::NAN, |f| f.sf(x))
}

/// Upper tail `P(T > x)` of Student's t(`df`); NaN when `x` is NaN or `df` is
/// not positive (an infinite `df` is the standard normal).
pub fn t_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if x.is_infinite() {
        return if x > 0.0 { 0.0 } else { 1.0 };
    }
    if df.is_infinite() {
        return super::normal::sf(x);
    }
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |t| t.sf(x))
}

/// Quantile of Student's t(`df`) at probability `p`; NaN when `p` is outside
/// (0, 1) or `df` is not positive (an infinite `df` is the standard normal).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if df.is_infinite() {
        return super::normal::quantile(p);
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
}
