//! The paper's tables on a synthetic cohort (`migsim replicate enclave`),
//! each row beside its published number from STUDIES.md.
//!
//! Table 2: probit AMEs (delta-method SEs), cols 1-5. Table 3: Lewbel 2SLS
//! with city FE (cols 3-4 add year FE), generated instruments alone or with
//! the LQ, robust SEs. Table 4: ATT by propensity-score matching (logit
//! score on the controls); Abadie-Imbens (2006) SEs for nearest-neighbour
//! matching, the paper's bootstrap (50 replications) for the other methods. Table 5: Heckman two-step with the
//! LQ as exclusion restriction; both stages reported as probit AMEs, as the
//! paper does. Table 8: mechanisms. Table 9: Ai-Norton interaction effects
//! (mean effect, mean SE, mean z over observations, as `inteff` reports).

use super::analysis::{Analysis, SearchBounds};
use super::headline::Headline;
use super::provenance::Rule;
use super::targets::{Declared, Share, Shares, t};
use super::{Replication, ReplicationRow, Tables};
use crate::data::{Column, Dataset, Design, Formula, build_design};
use crate::estimate::heckman::Heckman;
use crate::estimate::interaction::{self, InteractionOptions, Link};
use crate::estimate::lewbel::Lewbel;
use crate::estimate::psm::{Kernel, Method, Psm};
use crate::estimate::{FitOptions, FitResult, Logit, Margins, Ols, Probit, SeKind};
use crate::studies::enclave::Enclave;
use crate::studies::enclave::config::{Config, TruthSettings};
use crate::studies::enclave::simulate;
use crate::studies::{CheckedConfig, StudyError, StudyName};
use rayon::prelude::*;

const INDIVIDUAL: &str = "male,age,married,edu_years,healthy,nonfarm";
const HOUSEHOLD: &str = "hh_size,ln_hh_income,land_transfer,village_outflow,ln_school_dist";

fn controls() -> String {
    format!("{INDIVIDUAL},{HOUSEHOLD}")
}

fn design(ds: &Dataset, y: &str, x: &str, fe: Option<&str>) -> Result<Design, StudyError> {
    let f = Formula::parse(y, Some(x), fe, None, true)?;
    Ok(build_design(ds, &f)?)
}

fn probit_ame(d: &Design) -> Result<FitResult, StudyError> {
    let opts = FitOptions {
        margins: Some(Margins::Derivative),
        ..FitOptions::default()
    };
    Ok(Probit::new(opts).fit(d)?)
}

/// Rows of one table/spec being collected.
struct Rows<'a> {
    table: &'a str,
    spec: String,
    out: &'a mut Vec<ReplicationRow>,
}

impl Rows<'_> {
    fn push(
        &mut self,
        term: &str,
        published: (Option<f64>, Option<f64>),
        synthetic: (Option<f64>, Option<f64>),
        note: Option<String>,
    ) {
        let mut r = ReplicationRow::new(self.table, &self.spec, term, published);
        (r.synthetic, r.synthetic_se) = synthetic;
        r.note = note;
        self.out.push(r);
    }

    /// A row whose fit failed: no estimate, the reason as note and `failed`.
    fn failed(&mut self, term: &str, published: (Option<f64>, Option<f64>), e: &StudyError) {
        let reason = format!("fit failed: {e}");
        self.push(term, published, (None, None), Some(reason.clone()));
        if let Some(r) = self.out.last_mut() {
            r.failed = Some(reason);
        }
    }

    /// A row from a fit's parameter list; a missing term or failed fit is noted.
    fn param(
        &mut self,
        term: &str,
        published: (Option<f64>, Option<f64>),
        rows: Result<&[crate::estimate::ParamRow], &StudyError>,
        name: &str,
    ) {
        match rows {
            Ok(rows) => match rows.iter().find(|r| r.name == name) {
                Some(r) => self.push(term, published, (Some(r.estimate), Some(r.std_error)), None),
                None => self.push(
                    term,
                    published,
                    (None, None),
                    Some(format!("`{name}` not in the fit")),
                ),
            },
            Err(e) => self.failed(term, published, e),
        }
    }

    fn stat(
        &mut self,
        term: &str,
        published: Option<f64>,
        fit: Result<&FitResult, &StudyError>,
        key: &str,
    ) {
        match fit {
            Ok(f) => {
                let v = f.fit.get(key).copied();
                self.push(term, (published, None), (v, None), None);
            }
            Err(e) => self.failed(term, (published, None), e),
        }
    }
}

fn p(v: f64, se: f64) -> (Option<f64>, Option<f64>) {
    (Some(v), Some(se))
}

fn pv(v: f64) -> (Option<f64>, Option<f64>) {
    (Some(v), None)
}

/// Simulate a cohort from `seed` and run the published specifications that
/// `tables` wants (every one under [`Tables::All`]).
pub fn replicate(cfg: &Config, seed: u64, tables: &Tables) -> Result<Replication, StudyError> {
    let sim = simulate(
        &Config {
            truth: TruthSettings {
                potential_outcomes: false,
                ..cfg.truth.clone()
            },
            ..cfg.clone()
        },
        seed,
    )?;
    let ds = sim.cohort;
    let mut rows = super::targets::table1_rows(Paper.shares(), &ds);
    // The tables are independent fits on one cohort: they run side by side
    // (each fit gives the same numbers for any number of threads) and their
    // rows are put back in table order, so the output is that of running
    // them one after another.
    type Job<'a> = &'a (dyn Fn(&mut Vec<ReplicationRow>) -> Result<(), StudyError> + Sync);
    let jobs: [(&str, Job); 6] = [
        ("Table 2", &|o| table2(&ds, tables, o)),
        ("Table 3", &|o| table3(&ds, tables, o)),
        ("Table 4", &|o| table4(&ds, seed, tables, o)),
        ("Table 5", &|o| table5(&ds, tables, o)),
        ("Table 8", &|o| table8(&ds, tables, o)),
        ("Table 9", &|o| table9(&ds, tables, o)),
    ];
    let parts: Vec<Result<Vec<ReplicationRow>, StudyError>> = jobs
        .par_iter()
        .map(|(name, job)| {
            let mut out = Vec::new();
            if tables.wants(name) {
                job(&mut out)?;
            }
            Ok(out)
        })
        .collect();
    for part in parts {
        rows.extend(part?);
    }
    Ok(Replication {
        study: StudyName::Enclave,
        n: cfg.n,
        seed,
        rows,
        heldout_joint: None,
        cohorts: None,
    })
}

/// Table 2, probit AMEs.
fn table2(ds: &Dataset, tables: &Tables, out: &mut Vec<ReplicationRow>) -> Result<(), StudyError> {
    let all = controls();
    let cols: [(&str, &str, Option<&str>, f64, f64); 5] = [
        (
            "col 1: individual controls",
            INDIVIDUAL,
            None,
            -0.070,
            0.008,
        ),
        ("col 2: + household and village", &all, None, -0.053, 0.036),
        ("col 3: + city FE", &all, Some("city"), -0.030, 0.054),
        ("col 4: + year FE", &all, Some("year"), -0.059, 0.041),
        (
            "col 5: + city and year FE",
            &all,
            Some("city,year"),
            -0.035,
            0.059,
        ),
    ];
    for (k, (spec, x, fe, ame, r2)) in cols.into_iter().enumerate() {
        let spec = format!("{spec} (probit AME)");
        if !tables.wants_spec("Table 2", &spec) {
            continue;
        }
        let fit = design(ds, "up", &format!("enclave,{x}"), fe).and_then(|d| probit_ame(&d));
        let mut r = Rows {
            table: "Table 2",
            spec,
            out,
        };
        r.param(
            "enclave",
            p(ame, 0.013),
            fit.as_ref().map(|f| f.marginal_effects.as_slice()),
            "enclave",
        );
        r.stat("pseudo R2", Some(r2), fit.as_ref(), "pseudo_r2");
        if k == 4 {
            let published = [
                ("male", -0.024),
                ("age", 0.003),
                ("married", -0.042),
                ("edu_years", 0.005),
                ("healthy", 0.004),
                ("nonfarm", -0.071),
                ("hh_size", 0.067),
                ("ln_hh_income", -0.004),
                ("land_transfer", -0.025),
                ("village_outflow", -0.042),
                ("ln_school_dist", -0.002),
            ];
            for (name, v) in published {
                r.param(
                    name,
                    pv(v),
                    fit.as_ref().map(|f| f.marginal_effects.as_slice()),
                    name,
                );
            }
        }
    }
    Ok(())
}

/// Table 3, Lewbel generated instruments (with and without the LQ).
fn table3(ds: &Dataset, tables: &Tables, out: &mut Vec<ReplicationRow>) -> Result<(), StudyError> {
    let specs = [
        (
            "col 1: generated IV, city FE",
            false,
            "city",
            -0.057,
            0.026,
            19.65,
        ),
        (
            "col 2: generated IV + LQ, city FE",
            true,
            "city",
            -0.056,
            0.026,
            19.86,
        ),
        (
            "col 3: generated IV, city + year FE",
            false,
            "city,year",
            -0.056,
            0.025,
            21.72,
        ),
        (
            "col 4: generated IV + LQ, city + year FE",
            true,
            "city,year",
            -0.056,
            0.025,
            22.23,
        ),
    ];
    for (spec, with_lq, fe, b, se, f) in specs {
        let spec = format!("{spec} (2SLS)");
        if !tables.wants_spec("Table 3", &spec) {
            continue;
        }
        let x = if with_lq {
            format!("enclave,lq,{}", controls())
        } else {
            format!("enclave,{}", controls())
        };
        let fit = design(ds, "up", &x, Some(fe)).and_then(|d| {
            let lw = Lewbel {
                treatment: "enclave".into(),
                instruments: if with_lq {
                    vec!["lq".into()]
                } else {
                    Vec::new()
                },
                se: SeKind::Robust,
            };
            Ok(lw.fit(&d)?)
        });
        let mut r = Rows {
            table: "Table 3",
            spec,
            out,
        };
        r.param(
            "enclave",
            p(b, se),
            fit.as_ref().map(|f| f.coefficients.as_slice()),
            "enclave",
        );
        r.stat("first-stage F", Some(f), fit.as_ref(), "first_stage_f");
        r.stat(
            "heteroskedasticity test p",
            Some(0.0),
            fit.as_ref(),
            "bp_pvalue",
        );
    }
    Ok(())
}

/// Bootstrap replications of the paper's Table 4 SEs (psmatch2 with
/// Stata's `bootstrap`, whose default is 50 replications).
pub(crate) const TABLE4_BOOTSTRAP: usize = 50;

/// The SE of a Table 4 row: nearest-neighbour matching has an analytic
/// variance, Abadie & Imbens (2006) with the score taken as known (`None`:
/// no bootstrap), which replaces the paper's bootstrap there at a fraction
/// of the cost (the bootstrap rematched the whole sample 50 times per row);
/// kernel, spline, radius and local-linear matching have none and keep the
/// paper's bootstrap of [`TABLE4_BOOTSTRAP`] replications. The bootstrap of
/// nearest-neighbour matching stays available to `migsim fit` and recovery
/// specs (`options = { bootstrap = 50 }`).
pub(crate) fn table4_bootstrap(method: &Method) -> Option<usize> {
    match method {
        Method::Nearest { .. } => None,
        _ => Some(TABLE4_BOOTSTRAP),
    }
}

/// Table 4, propensity-score matching ATT.
fn table4(
    ds: &Dataset,
    seed: u64,
    tables: &Tables,
    out: &mut Vec<ReplicationRow>,
) -> Result<(), StudyError> {
    let methods: [(&str, Method, f64, f64); 6] = [
        (
            "nearest neighbour 1:1",
            Method::Nearest {
                k: 1,
                caliper: None,
            },
            -0.046,
            0.024,
        ),
        (
            "nearest neighbour 1:4",
            Method::Nearest {
                k: 4,
                caliper: None,
            },
            -0.041,
            0.018,
        ),
        (
            "kernel (Epanechnikov, bw 0.06)",
            Method::Kernel {
                kernel: Kernel::Epanechnikov,
                bandwidth: 0.06,
            },
            -0.045,
            0.013,
        ),
        (
            "spline (natural cubic, default knots)",
            Method::Spline { knots: None },
            -0.043,
            0.016,
        ),
        (
            "radius (caliper 0.01)",
            Method::Radius { caliper: 0.01 },
            -0.044,
            0.014,
        ),
        (
            "local linear (tricube, bw 0.8)",
            Method::LocalLinear {
                kernel: Kernel::Tricube,
                bandwidth: 0.8,
            },
            -0.044,
            0.014,
        ),
    ];
    let scored = design(ds, "enclave", &controls(), None).and_then(|d| {
        let fit = Logit::new(FitOptions::default()).fit_full(&d)?;
        let outcome = design(ds, "up", &format!("enclave,{}", controls()), None)?;
        Ok((fit.probabilities(), outcome))
    });
    for (spec, method, att, se) in methods {
        let spec = format!("PSM {spec}");
        if !tables.wants_spec("Table 4", &spec) {
            continue;
        }
        let mut r = Rows {
            table: "Table 4",
            spec,
            out,
        };
        let fit = scored
            .as_ref()
            .map_err(|e| StudyError::Override(e.to_string()))
            .and_then(|(scores, d)| {
                let psm = Psm {
                    method,
                    bootstrap: table4_bootstrap(&method),
                    seed,
                    ..Psm::new("enclave")
                };
                Ok(psm.fit_with_scores(d, scores)?)
            });
        r.param(
            "att",
            p(att, se),
            fit.as_ref().map(|f| f.effects.as_slice()),
            "att",
        );
    }
    Ok(())
}

/// Table 5, Heckman treatment-effects model (two-step), probit AMEs.
fn table5(ds: &Dataset, tables: &Tables, out: &mut Vec<ReplicationRow>) -> Result<(), StudyError> {
    let specs = [
        ("col 1: no FE", None, (0.007, 0.002), -0.030, (0.015, 0.054)),
        (
            "col 2: year FE",
            Some("year"),
            (0.006, 0.002),
            -0.030,
            (0.088, 0.054),
        ),
        (
            "col 3: city + year FE",
            Some("city,year"),
            (0.006, 0.002),
            -0.035,
            (0.091, 0.059),
        ),
    ];
    for (spec, fe, lq, b, r2) in specs {
        let spec = format!("{spec} (Heckman two-step, AMEs)");
        if !tables.wants_spec("Table 5", &spec) {
            continue;
        }
        let h = Heckman::new("enclave", vec!["lq".into()]);
        let fits = design(ds, "up", &format!("enclave,lq,{}", controls()), fe).and_then(|d| {
            let first_d = h.first_stage_design(&d)?;
            let first = probit_ame(&first_d)?;
            let (second_d, _) = h.second_stage_design(&d, &first_d, &first)?;
            let second = probit_ame(&second_d)?;
            Ok((first, second))
        });
        let mut r = Rows {
            table: "Table 5",
            spec,
            out,
        };
        let first = fits.as_ref().map(|f| &f.0);
        let second = fits.as_ref().map(|f| &f.1);
        r.param(
            "first stage: lq",
            p(lq.0, lq.1),
            first.map(|f| f.marginal_effects.as_slice()),
            "lq",
        );
        r.stat("first stage pseudo R2", Some(r2.0), first, "pseudo_r2");
        r.param(
            "enclave",
            p(b, 0.013),
            second.map(|f| f.marginal_effects.as_slice()),
            "enclave",
        );
        r.param(
            "imr",
            p(if fe.is_none() { 0.004 } else { 0.002 }, 0.017),
            second.map(|f| f.marginal_effects.as_slice()),
            "imr",
        );
        r.stat("second stage pseudo R2", Some(r2.1), second, "pseudo_r2");
    }
    Ok(())
}

/// Table 8, mechanisms (controls with city and year FE).
fn table8(ds: &Dataset, tables: &Tables, out: &mut Vec<ReplicationRow>) -> Result<(), StudyError> {
    let fe = Some("city,year");
    let x = |v: &str| format!("{v},{}", controls());
    let ols_spec = "(1) OLS: enclave -> ascribed network share";
    if tables.wants_spec("Table 8", ols_spec) {
        let ols = design(ds, "ascribed_share", &x("enclave"), fe)
            .and_then(|d| Ok(Ols::new(FitOptions::default()).fit(&d)?));
        let mut r = Rows {
            table: "Table 8",
            spec: ols_spec.into(),
            out,
        };
        r.param(
            "enclave",
            p(0.197, 0.009),
            ols.as_ref().map(|f| f.coefficients.as_slice()),
            "enclave",
        );
        r.stat("R2", Some(0.135), ols.as_ref(), "r2");
    }
    let probits = [
        (
            "(2) probit AME: ascribed network -> mobility",
            "up",
            "ascribed_share",
            -0.057,
            0.021,
        ),
        (
            "(3) probit AME: enclave -> job via family/friends",
            "job_via_network",
            "enclave",
            0.055,
            0.013,
        ),
        (
            "(4) probit AME: job via network -> mobility",
            "up",
            "job_via_network",
            -0.144,
            0.011,
        ),
        (
            "(5) probit AME: enclave -> horizontal mobility",
            "horizontal",
            "enclave",
            0.010,
            0.007,
        ),
    ];
    for (spec, y, term, b, se) in probits {
        if !tables.wants_spec("Table 8", spec) {
            continue;
        }
        let fit = design(ds, y, &x(term), fe).and_then(|d| probit_ame(&d));
        let mut r = Rows {
            table: "Table 8",
            spec: spec.into(),
            out,
        };
        r.param(
            term,
            p(b, se),
            fit.as_ref().map(|f| f.marginal_effects.as_slice()),
            term,
        );
    }
    Ok(())
}

/// Table 9, Ai-Norton interaction effects of enclave with skill, poor health
/// and savings in the col. 5 probit.
fn table9(ds: &Dataset, tables: &Tables, out: &mut Vec<ReplicationRow>) -> Result<(), StudyError> {
    let mut ds = ds.clone();
    let num =
        |name: &str| -> Result<Vec<f64>, StudyError> { Ok(ds.numeric_columns(&[name])?.remove(0)) };
    let skill: Vec<f64> = num("edu_years")?
        .iter()
        .map(|e| f64::from(u8::from(*e > 9.0)))
        .collect();
    let poor: Vec<f64> = num("healthy")?.iter().map(|h| 1.0 - h).collect();
    ds.push_column("skill", Column::Numeric(skill))?;
    ds.push_column("poor_health", Column::Numeric(poor))?;
    let base = "male,age,married,edu_years,nonfarm,hh_size,ln_hh_income,land_transfer,village_outflow,ln_school_dist";
    let specs = [
        (
            "skill (education > 9)",
            "skill",
            format!("{base},healthy"),
            (0.001, 0.028, 0.034),
        ),
        (
            "poor health",
            "poor_health",
            base.to_string(),
            (0.063, 0.092, 0.686),
        ),
        (
            "savings",
            "savings",
            format!("{base},healthy"),
            (0.001, 0.003, 0.221),
        ),
    ];
    for (spec, v, ctrl, (mean, se, z)) in specs {
        let spec = format!("Ai-Norton: enclave x {spec}");
        if !tables.wants_spec("Table 9", &spec) {
            continue;
        }
        let term = format!("enclave:{v}");
        let effect = design(
            &ds,
            "up",
            &format!("enclave,{v},{term},{ctrl}"),
            Some("city,year"),
        )
        .and_then(|d| {
            let fit = Probit::new(FitOptions::default()).fit(&d)?;
            Ok(interaction::from_fit(
                Link::Probit,
                &fit,
                &d,
                &term,
                &InteractionOptions::default(),
            )?)
        });
        let mut r = Rows {
            table: "Table 9",
            spec,
            out,
        };
        match effect {
            Ok(e) => r.push(
                &term,
                p(mean, se),
                (Some(e.effect_summary.mean), Some(e.std_error_summary.mean)),
                Some(format!("mean z {:.3} (published {z})", e.z_summary.mean)),
            ),
            Err(e) => r.failed(&term, p(mean, se), &e),
        }
    }
    Ok(())
}

/// The enclave paper's analysis side, as `crate::replicate`'s registry lists it.
pub(crate) struct Paper;

impl Analysis for Paper {
    fn study(&self) -> StudyName {
        StudyName::Enclave
    }

    fn replicate_checked(
        &self,
        cfg: &CheckedConfig,
        seed: u64,
        tables: &Tables,
    ) -> Result<Replication, StudyError> {
        replicate(cfg.config::<Enclave>()?, seed, tables)
    }

    fn shares(&self) -> Shares {
        (&SHARES, PUBLISHED_N)
    }

    fn declared(&self) -> &'static [Declared] {
        &TARGETS
    }

    fn default_free(&self) -> &'static [SearchBounds] {
        &FREE
    }

    fn rules(&self) -> &'static [Rule] {
        &super::provenance::ENCLAVE
    }

    fn headline(&self) -> &'static [Headline] {
        &super::headline::ENCLAVE
    }
}

/// The published N of Table 1 (the shares' binomial SE uses it).
const PUBLISHED_N: f64 = 7762.0;

/// The Table 1 shares (published as counts or means).
const SHARES: [Share; 2] = [
    Share {
        term: "enclave share",
        column: "enclave",
        published: 0.207,
    },
    Share {
        term: "share up",
        column: "up",
        published: 0.650,
    },
];

/// The default calibration targets, with the reason for each
/// ([`super::targets`]).
const TARGETS: [Declared; 6] = [
    t(
        "Table 1",
        "shares",
        "share up",
        "level of mobility: pins outcome.intercept",
    ),
    t(
        "Table 2",
        "col 1",
        "enclave",
        "raw enclave gap: the job-information loading outcome.job carries the mechanism",
    ),
    t(
        "Table 2",
        "col 3",
        "enclave",
        "gap within cities: separates sorting on city dynamism (enclave_choice.city) from the mechanism",
    ),
    t(
        "Table 2",
        "col 5",
        "enclave",
        "gap within city and year: the headline estimate, over-identifies the two above",
    ),
    t(
        "Table 5",
        "col 1",
        "first stage: lq",
        "exclusion restriction's strength: pins enclave_choice.lq",
    ),
    t(
        "Table 8",
        "(1)",
        "enclave",
        "enclave -> ascribed network share: pins network.homophily_enclave",
    ),
];

/// The default free set of `migsim calibrate`: (key, lower, upper), search
/// bounds within the settings registry's; the start is the config default.
const FREE: [SearchBounds; 5] = [
    ("outcome.intercept", -1.5, 1.5),
    ("outcome.job", 0.0, 4.0),
    ("enclave_choice.city", -1.5, 1.0),
    ("enclave_choice.lq", 0.0, 1.5),
    ("network.homophily_enclave", 0.3, 1.0),
];
