//! Inference at the optimum: a regression Jacobian G of m(θ), the
//! sandwich `V = (1 + 1/R) (G'WG)⁻¹ G'W Σ W G (G'WG)⁻¹` with
//! `Σ = S C S`, `S = diag(se_pub)` and C the correlation of the target
//! estimates across simulated cohorts at θ̂ (published tables give each
//! row's SE but not how rows estimated on one sample co-vary; rows such as
//! a coefficient in two nested models are correlated near 0.9, and a
//! diagonal Σ understates V), the J statistic for that Σ and identification
//! diagnostics (rank and condition number of `W^{1/2} G` from its SVD, and
//! the parameters loading on its null space).
//!
//! `simulated` holds G and the simulated correlation C, `variance`
//! the SVD diagnostics and V, `jtest` the J statistic.

pub(crate) mod jtest;
pub(crate) mod simulated;
pub(crate) mod variance;

pub use jtest::{JTest, j_statistic, j_test};
pub use simulated::{
    CORRELATION_COHORTS, JACOBIAN_OFFSETS, JACOBIAN_STEP, correlation, covariance, jacobian, slope,
    target_draws,
};
pub use variance::{Identification, identify, sandwich, scaled};
