//! Finite-difference checks of the analytic cross-partials and their
//! gradients in beta.

use faer::Mat;
use proptest::prelude::*;

use super::terms::Terms;
use super::{InteractionKind, Link, effect_and_gradient};

fn names() -> Vec<String> {
    ["const", "a", "b", "a:b", "a^2", "c", "a:c"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// The design row the names describe, built independently of `Terms`.
fn row(a: f64, b: f64, c: f64) -> Vec<f64> {
    vec![1.0, a, b, a * b, a * a, c, a * c]
}

fn prob(link: Link, beta: &[f64], a: f64, b: f64, c: f64) -> f64 {
    let eta: f64 = row(a, b, c).iter().zip(beta).map(|(x, y)| x * y).sum();
    link.derivs(eta).f
}

fn effect(
    link: Link,
    beta: &[f64],
    a: f64,
    b: f64,
    c: f64,
    kind: InteractionKind,
) -> (f64, Vec<f64>) {
    let r = row(a, b, c);
    let x = Mat::from_fn(1, r.len(), |_, j| r[j]);
    let terms = Terms::new(&names(), "a", "b").unwrap();
    effect_and_gradient(link, beta, &terms, x.as_ref(), 0, kind)
}

/// d2 P / da db by a central mixed difference.
fn fd_cross(link: Link, beta: &[f64], a: f64, b: f64, c: f64) -> f64 {
    let h = 1e-4;
    let p = |da: f64, db: f64| prob(link, beta, a + da, b + db, c);
    (p(h, h) - p(h, -h) - p(-h, h) + p(-h, -h)) / (4.0 * h * h)
}

/// dP/da at b = 1 minus at b = 0, by central differences in a.
fn fd_cross_dummy(link: Link, beta: &[f64], a: f64, c: f64) -> f64 {
    let h = 1e-5;
    let d = |b: f64| (prob(link, beta, a + h, b, c) - prob(link, beta, a - h, b, c)) / (2.0 * h);
    d(1.0) - d(0.0)
}

fn links() -> impl Strategy<Value = Link> {
    prop_oneof![Just(Link::Logit), Just(Link::Probit)]
}

fn kinds() -> impl Strategy<Value = InteractionKind> {
    prop_oneof![
        Just(InteractionKind::ContinuousContinuous),
        Just(InteractionKind::ContinuousDummy),
        Just(InteractionKind::DummyDummy)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn continuous_cross_partial_matches_finite_difference(
        link in links(),
        beta in prop::collection::vec(-1.0f64..1.0, 7),
        a in -2.0f64..2.0, b in -2.0f64..2.0, c in -2.0f64..2.0,
    ) {
        let (e, _) = effect(link, &beta, a, b, c, InteractionKind::ContinuousContinuous);
        // Truncation O(h^2) ~ 1e-8, rounding ~ 1e-16 / h^2 ~ 1e-8.
        prop_assert!((e - fd_cross(link, &beta, a, b, c)).abs() < 1e-6);
    }

    #[test]
    fn dummy_cross_difference_matches_finite_difference(
        link in links(),
        beta in prop::collection::vec(-1.0f64..1.0, 7),
        a in -2.0f64..2.0, c in -2.0f64..2.0, b in 0u8..2,
    ) {
        let (e, _) = effect(link, &beta, a, f64::from(b), c, InteractionKind::ContinuousDummy);
        prop_assert!((e - fd_cross_dummy(link, &beta, a, c)).abs() < 1e-7);
        let (dd, _) = effect(link, &beta, f64::from(b), f64::from(b), c, InteractionKind::DummyDummy);
        let p = |a: f64, b: f64| prob(link, &beta, a, b, c);
        let want = p(1.0, 1.0) - p(1.0, 0.0) - p(0.0, 1.0) + p(0.0, 0.0);
        prop_assert!((dd - want).abs() < 1e-14);
    }

    #[test]
    fn gradient_in_beta_matches_finite_difference(
        link in links(),
        kind in kinds(),
        beta in prop::collection::vec(-1.0f64..1.0, 7),
        a in -2.0f64..2.0, b in -2.0f64..2.0, c in -2.0f64..2.0,
    ) {
        let (_, g) = effect(link, &beta, a, b, c, kind);
        let h = 1e-6;
        for j in 0..beta.len() {
            let mut up = beta.clone();
            let mut dn = beta.clone();
            up[j] += h;
            dn[j] -= h;
            let fd = (effect(link, &up, a, b, c, kind).0 - effect(link, &dn, a, b, c, kind).0) / (2.0 * h);
            // Central difference: truncation ~ h^2, rounding ~ 1e-16 / h.
            prop_assert!((g[j] - fd).abs() < 1e-7, "j = {}: {} vs {}", j, g[j], fd);
        }
    }
}
