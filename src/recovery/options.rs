//! The `options` table of an estimator entry is the library's
//! [`EstimatorOptions`]: the same spellings, defaults and checks as
//! `migsim fit`.

pub use crate::estimate::spec::EstimatorOptions;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::EstimatorName;
    use crate::estimate::psm::{Kernel, Method};
    use crate::estimate::spec::options::KERNEL_BANDWIDTH as DEFAULT_BANDWIDTH;

    fn opts(text: &str) -> EstimatorOptions {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn psm_methods_and_their_keys() {
        assert_eq!(
            opts("k = 4").psm_method().unwrap(),
            Method::Nearest {
                k: 4,
                caliper: None
            }
        );
        assert_eq!(
            opts("method = \"kernel\"").psm_method().unwrap(),
            Method::Kernel {
                kernel: Kernel::Epanechnikov,
                bandwidth: DEFAULT_BANDWIDTH
            }
        );
        assert_eq!(
            opts("method = \"spline\"\nknots = 5").psm_method().unwrap(),
            Method::Spline { knots: Some(5) }
        );
        assert!(
            opts("knots = 5")
                .psm_method()
                .unwrap_err()
                .to_string()
                .contains("`knots`")
        );
        assert!(
            opts("method = \"kernel\"\nk = 2")
                .psm_method()
                .unwrap_err()
                .to_string()
                .contains("`k`")
        );
        assert!(
            opts("bandwidth = 0.1")
                .psm_method()
                .unwrap_err()
                .to_string()
                .contains("bandwidth")
        );
        assert!(
            opts("method = \"radius\"")
                .psm_method()
                .unwrap_err()
                .to_string()
                .contains("caliper")
        );
        assert!(
            // an unknown word fails when the spec is read
            toml::from_str::<EstimatorOptions>("method = \"knn\"")
                .unwrap_err()
                .to_string()
                .contains("knn")
        );
    }

    #[test]
    fn options_outside_their_estimator_are_named() {
        let e = opts("sims = 100")
            .check_applies(EstimatorName::Probit)
            .unwrap_err()
            .to_string();
        assert!(e.contains("sims") && e.contains("mediation"), "{e}");
        assert!(
            opts("se = \"robust\"")
                .check_applies(EstimatorName::Psm)
                .is_err()
        );
        assert!(
            opts("outcome_model = \"probit\"")
                .check_applies(EstimatorName::Heckman)
                .is_ok()
        );
    }
}
