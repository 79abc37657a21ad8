//! Causal mediation against statsmodels' `Mediation`, the exact probit
//! plug-in formula and the closed-form IKY (2010) sensitivity curves
//! (reference values from tests/fixtures/mediation/make_fixtures.py).

use std::collections::HashMap;

use faer::Mat;
use migsim::data::Design;
use migsim::estimate::mediation::{self, Mediation, MediationModels, OutcomeModel, simulate};
use migsim::estimate::{FitResult, ParamRow};
use serde_json::Value;

mod estimate_common;
use estimate_common::{csv_columns, design_of, fit_from, vec_f64};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mediation");

fn reference() -> Value {
    let text = std::fs::read_to_string(format!("{DIR}/reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Design `y ~ const + xs` in the order given.
fn columns() -> HashMap<String, Vec<f64>> {
    csv_columns(&format!("{DIR}/data.csv"))
}

fn design(cols: &HashMap<String, Vec<f64>>, y: &str, xs: &[&str]) -> Design {
    design_of(cols, y, xs)
}

fn effect<'a>(r: &'a FitResult, name: &str) -> &'a ParamRow {
    r.effects.iter().find(|e| e.name == name).unwrap()
}

/// Both sides are Monte Carlo means of draws with SDs `sd_ref` over `reps`
/// and `ours.std_error` over `sims`; their difference has SD
/// sqrt(sd_ref^2/reps + sd^2/sims); allow 4.5 of those.
///
/// The draw SDs agree only to within 15%: statsmodels draws M(1) and M(0)
/// with independent mediator errors, R's `mediate` (and migsim) with one
/// shared error, so statsmodels' per-draw effects carry extra within-draw
/// noise (ACME SD 0.0205 vs 0.0189 on these data, about 8%); the means
/// estimate the same quantity.
fn assert_within_mc(ours: &ParamRow, reference: &Value, reps: f64, sims: f64) {
    let sd_ref = reference["sd"].as_f64().unwrap();
    let est_ref = reference["estimate"].as_f64().unwrap();
    let mc = (sd_ref.powi(2) / reps + ours.std_error.powi(2) / sims).sqrt();
    let diff = (ours.estimate - est_ref).abs();
    assert!(
        diff < 4.5 * mc,
        "{}: ours {} statsmodels {} (MC sd of difference {mc})",
        ours.name,
        ours.estimate,
        est_ref
    );
    assert!(
        (ours.std_error / sd_ref - 1.0).abs() < 0.15,
        "{}: draw SD {} vs {}",
        ours.name,
        ours.std_error,
        sd_ref
    );
}

/// Reference quantile `p` of the draws and the Monte Carlo SD of the
/// difference between two sample quantiles from `reps` and `sims` draws,
/// sqrt(p (1 - p) (1/reps + 1/sims)) / f(q_p), with the density f from the
/// reference quantiles at p -/+ 0.01.
fn quantile_and_mc(reference: &Value, p: f64, reps: f64, sims: f64) -> (f64, f64) {
    let q = |p: f64| reference["quantiles"][format!("{p}")].as_f64().unwrap();
    let (lo, hi) = ((p * 1000.0).round() - 10.0, (p * 1000.0).round() + 10.0);
    let density = 0.02 / (q(hi / 1000.0) - q(lo / 1000.0));
    let mc = (p * (1.0 - p) * (1.0 / reps + 1.0 / sims)).sqrt() / density;
    (q(p), mc)
}

/// The proportion mediated is a ratio of near-normal draws without a finite
/// variance (its draw SD does not converge), so it is compared through
/// quantiles: the median (estimate), the 2.5/97.5% CI bounds and the
/// IQR / 1.349 (our std_error), each within 4.5 Monte Carlo SDs.
fn assert_quantiles_within_mc(ours: &ParamRow, reference: &Value, reps: f64, sims: f64) {
    let checks = [
        ("median", ours.estimate, 0.5),
        ("ci_low", ours.ci_low, 0.025),
        ("ci_high", ours.ci_high, 0.975),
    ];
    for (what, got, p) in checks {
        let (want, mc) = quantile_and_mc(reference, p, reps, sims);
        assert!(
            (got - want).abs() < 4.5 * mc,
            "{} {what}: ours {got} statsmodels {want} (MC sd {mc})",
            ours.name
        );
    }
    let (q25, mc25) = quantile_and_mc(reference, 0.25, reps, sims);
    let (q75, mc75) = quantile_and_mc(reference, 0.75, reps, sims);
    let want = (q75 - q25) / 1.348_979_5;
    let mc = (mc25.powi(2) + mc75.powi(2)).sqrt() / 1.348_979_5;
    assert!(
        (ours.std_error - want).abs() < 4.5 * mc,
        "{} IQR/1.349: ours {} statsmodels {want} (MC sd {mc})",
        ours.name,
        ours.std_error
    );
}

fn statsmodels_case(case: &str, model: OutcomeModel) {
    let r = reference();
    let c = &r["statsmodels"][case];
    let cols = columns();
    let (t, m) = (
        c["treatment"].as_str().unwrap(),
        c["mediator"].as_str().unwrap(),
    );
    let d = design(&cols, c["outcome"].as_str().unwrap(), &[t, m, "x1", "x2"]);
    let mut spec = Mediation::new(t, m);
    spec.outcome_model = model;
    spec.sims = 4000;
    spec.seed = 11;
    if case == "continuous_treatment" {
        (spec.control_value, spec.treat_value) = (Some(0.0), Some(1.0));
    }
    let ds = spec.designs(&d).unwrap();
    let med = fit_from(&c["mediator_model"], "ols");
    let out = fit_from(&c["outcome_model_fit"], "outcome");
    let res = spec.from_fits(&ds, &med, &out).unwrap();
    let reps = c["reps"].as_f64().unwrap();
    for name in [
        "acme",
        "ade",
        "total",
        "acme_control",
        "acme_treated",
        "ade_control",
        "ade_treated",
    ] {
        assert_within_mc(effect(&res, name), &c["effects"][name], reps, 4000.0);
    }
    assert_quantiles_within_mc(
        effect(&res, "prop_mediated"),
        &c["effects"]["prop_mediated"],
        reps,
        4000.0,
    );
}

#[test]
fn logit_outcome_matches_statsmodels() {
    statsmodels_case("logit", OutcomeModel::Logit);
}

#[test]
fn probit_outcome_matches_statsmodels() {
    statsmodels_case("probit", OutcomeModel::Probit);
}

#[test]
fn linear_outcome_matches_statsmodels() {
    statsmodels_case("ols", OutcomeModel::Linear);
}

#[test]
fn continuous_treatment_matches_statsmodels() {
    statsmodels_case("continuous_treatment", OutcomeModel::Logit);
}

#[test]
fn effects_rows_intervals_and_reproducibility() {
    let r = reference();
    let c = &r["statsmodels"]["logit"];
    let d = design(&columns(), "y", &["t", "m", "x1", "x2"]);
    let mut spec = Mediation::new("t", "m");
    spec.sims = 200;
    spec.seed = 5;
    let ds = spec.designs(&d).unwrap();
    let (med, out) = (
        fit_from(&c["mediator_model"], "ols"),
        fit_from(&c["outcome_model_fit"], "logit"),
    );
    let a = spec.from_fits(&ds, &med, &out).unwrap();
    let names: Vec<&str> = a.effects.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "acme",
            "ade",
            "total",
            "prop_mediated",
            "acme_control",
            "acme_treated",
            "ade_control",
            "ade_treated"
        ]
    );
    for e in &a.effects {
        assert!(e.ci_low <= e.estimate && e.estimate <= e.ci_high, "{e:?}");
    }
    // ACME ~ 0.116 with draw SD ~ 0.02: every draw positive, p = 0.
    assert_eq!(effect(&a, "acme").p_value, 0.0);
    assert_eq!(a.coefficients, out.coefficients);
    assert_eq!(a.extra_rows["mediator_model"], med.coefficients);
    let b = spec.from_fits(&ds, &med, &out).unwrap();
    assert_eq!(a.effects, b.effects);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let c1 = pool.install(|| spec.from_fits(&ds, &med, &out).unwrap());
    assert_eq!(a.effects, c1.effects);
    spec.seed = 6;
    assert_ne!(spec.from_fits(&ds, &med, &out).unwrap().effects, a.effects);
}

/// With the coefficients held at their estimates, the simulated ACME/ADE of a
/// linear mediator and probit outcome converge to the exact plug-in
/// mean Phi((eta + b m_t) / sqrt(1 + b^2 s^2)) differences.
#[test]
fn probit_simulation_converges_to_exact_plug_in() {
    let r = reference();
    let p = &r["probit_plugin"];
    let d = design(&columns(), "ycb", &["tc", "mc", "x1", "x2"]);
    let mut spec = Mediation::new("tc", "mc");
    spec.outcome_model = OutcomeModel::Probit;
    (spec.control_value, spec.treat_value) = (Some(0.5), Some(2.0));
    spec.sims = 3000;
    let ds = spec.designs(&d).unwrap();
    let a = vec_f64(&p["mediator_params"]["params"]);
    let b = vec_f64(&p["outcome_params"]["params"]);
    let fixed = |v: &[f64]| Mat::from_fn(spec.sims, v.len(), |_, j| v[j]);
    let models = MediationModels {
        mediator_x: ds.mediator.x.as_ref(),
        mediator_treat: ds.mediator_treat,
        outcome_x: ds.outcome.x.as_ref(),
        outcome_treat: ds.outcome_treat,
        outcome_mediator: ds.outcome_mediator,
        outcome_interaction: None,
        link: Some(mediation::Link::Probit),
        sigma: p["mediator_sigma"].as_f64().unwrap(),
        control_value: 0.5,
        treat_value: 2.0,
    };
    let draws = simulate::simulate(&models, fixed(&a).as_ref(), fixed(&b).as_ref(), 3);
    let series = [
        ("acme_control", &draws.acme_control),
        ("acme_treated", &draws.acme_treated),
        ("ade_control", &draws.ade_control),
        ("ade_treated", &draws.ade_treated),
    ];
    for (name, x) in series {
        let row = simulate::summarise(name, x, false);
        let se = row.std_error / (spec.sims as f64).sqrt();
        let exact = p[name].as_f64().unwrap();
        assert!(
            se < 2e-4,
            "{name}: MC SE {se} too large for a meaningful check"
        );
        assert!(
            (row.estimate - exact).abs() < 4.5 * se,
            "{name}: simulated {} exact {exact} (MC SE {se})",
            row.estimate
        );
    }
}

fn sensitivity_case(case: &str, sens: &str, model: OutcomeModel) -> (FitResult, Value) {
    let r = reference();
    let c = &r["statsmodels"][case];
    let d = design(
        &columns(),
        c["outcome"].as_str().unwrap(),
        &["t", "m", "x1", "x2"],
    );
    let mut spec = Mediation::new("t", "m");
    spec.outcome_model = model;
    spec.sims = 50;
    spec.sensitivity = true;
    let ds = spec.designs(&d).unwrap();
    let res = spec
        .from_fits(
            &ds,
            &fit_from(&c["mediator_model"], "ols"),
            &fit_from(&c["outcome_model_fit"], "outcome"),
        )
        .unwrap();
    (res, r["sensitivity"][sens].clone())
}

fn assert_sensitivity(res: &FitResult, s: &Value, tol: f64) {
    let table = &res.tables["sensitivity"];
    for key in ["rho", "acme_control", "acme_treated"] {
        let (ours, theirs) = (vec_f64(&table[key]), vec_f64(&s[key]));
        assert_eq!(ours.len(), theirs.len());
        for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
            assert!((o - t).abs() < tol, "{key}[{i}]: {o} vs {t}");
        }
    }
    for key in ["rho_at_zero", "r2star_at_zero", "r2tilde_at_zero"] {
        let (o, t) = (res.fit[key], s[key].as_f64().unwrap());
        assert!((o - t).abs() < tol, "{key}: {o} vs {t}");
    }
    assert!(
        table["interpretation"]
            .as_str()
            .unwrap()
            .contains("fragile, not a robust")
    );
}

#[test]
fn linear_sensitivity_matches_iky_closed_form() {
    let (res, s) = sensitivity_case("ols", "ols", OutcomeModel::Linear);
    // statsmodels OLS and numpy lstsq agree to rounding: exact comparison.
    assert_sensitivity(&res, &s, 1e-9);
}

#[test]
fn probit_sensitivity_matches_closed_form() {
    let (res, s) = sensitivity_case("probit", "probit", OutcomeModel::Probit);
    // The two statsmodels probit fits differ only in their Newton tolerance.
    assert_sensitivity(&res, &s, 1e-6);
    // The curve crosses zero at the reported root.
    let t = &res.tables["sensitivity"];
    let (rho, acme) = (vec_f64(&t["rho"]), vec_f64(&t["acme_control"]));
    let root = res.fit["rho_at_zero"];
    let i = rho.iter().position(|r| *r > root).unwrap();
    assert!(acme[i - 1] * acme[i] <= 0.0);
}

#[test]
fn logit_sensitivity_is_refused_with_a_clear_warning() {
    let (res, _) = sensitivity_case("logit", "probit", OutcomeModel::Logit);
    assert!(!res.tables.contains_key("sensitivity"));
    assert!(
        res.info
            .warnings
            .iter()
            .any(|w| w.contains("needs a probit"))
    );
}

fn assert_coefficients(rows: &[ParamRow], model: &Value, what: &str) {
    let params = vec_f64(&model["params"]);
    assert_eq!(rows.len(), params.len(), "{what}");
    for (row, want) in rows.iter().zip(&params) {
        assert!(
            (row.estimate - want).abs() < 1e-6,
            "{what} {}: {} vs {want}",
            row.name,
            row.estimate
        );
    }
}

/// `fit` fits the OLS mediator and the logit outcome itself (same
/// coefficients as statsmodels) and simulates the same effects.
#[test]
fn fit_estimates_both_models_and_matches_statsmodels() {
    let r = reference();
    let c = &r["statsmodels"]["logit"];
    let d = design(&columns(), "y", &["t", "m", "x1", "x2"]);
    let mut spec = Mediation::new("t", "m");
    spec.sims = 4000;
    spec.seed = 3;
    let res = spec.fit(&d).unwrap();
    assert_coefficients(&res.coefficients, &c["outcome_model_fit"], "outcome");
    assert_coefficients(
        &res.extra_rows["mediator_model"],
        &c["mediator_model"],
        "mediator",
    );
    let sigma = c["mediator_scale"].as_f64().unwrap().sqrt();
    assert!((res.fit["mediator_sigma"] - sigma).abs() < 1e-9);
    let reps = c["reps"].as_f64().unwrap();
    for name in ["acme", "ade", "total"] {
        assert_within_mc(effect(&res, name), &c["effects"][name], reps, 4000.0);
    }
    assert!(res.info.converged);
}

/// With `interaction`, `fit` adds `t:m` to the logit outcome model, as
/// statsmodels' formula `y ~ t + m + t:m + x1 + x2`.
#[test]
fn fit_with_interaction_matches_statsmodels() {
    let r = reference();
    let c = &r["statsmodels"]["logit_interaction"];
    let d = design(&columns(), "y", &["t", "m", "x1", "x2"]);
    let mut spec = Mediation::new("t", "m");
    spec.interaction = true;
    spec.sims = 4000;
    spec.seed = 8;
    let res = spec.fit(&d).unwrap();
    assert_eq!(res.coefficients.last().unwrap().name, "t:m");
    let reps = c["reps"].as_f64().unwrap();
    for name in [
        "acme",
        "ade",
        "total",
        "acme_control",
        "acme_treated",
        "ade_control",
        "ade_treated",
    ] {
        assert_within_mc(effect(&res, name), &c["effects"][name], reps, 4000.0);
    }
    assert_quantiles_within_mc(
        effect(&res, "prop_mediated"),
        &c["effects"]["prop_mediated"],
        reps,
        4000.0,
    );
}

#[test]
fn fit_refuses_bad_treatment_and_missing_mediator() {
    let cols = columns();
    let d = design(&cols, "y", &["tc", "m", "x1", "x2"]);
    let e = Mediation::new("tc", "m").fit(&d).unwrap_err();
    assert!(
        e.to_string().contains("give control and treat values"),
        "{e}"
    );
    let d = design(&cols, "y", &["t", "x1", "x2"]);
    let e = Mediation::new("t", "m").fit(&d).unwrap_err();
    assert!(e.to_string().contains("`m`"), "{e}");
}
