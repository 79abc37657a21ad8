//! Reports of scenario runs: a Markdown summary and one self-contained HTML
//! file with inline SVG charts (no network fetches), both rendered from a
//! [`Summary`].

pub(crate) use crate::studies::citation::CITATIONS;

pub(crate) mod charts;
pub(crate) mod escape;
pub mod experiment;
pub(crate) mod files;
pub(crate) mod grid_charts;
pub(crate) mod html;
pub(crate) mod markdown;
pub(crate) mod power;
pub mod rank_histogram;
pub(crate) mod reading;
pub mod run_files;
pub(crate) mod sensitivity;
pub mod sensitivity_files;

use crate::scenario::Summary;

/// Settings line shared by both reports.
pub(crate) fn settings_line(s: &Summary) -> String {
    let n =
        s.n.map_or_else(|| "the paper's N".to_string(), |n| n.to_string());
    let horizon = s
        .horizon
        .map(|h| format!(", horizon {h} {}", s.horizon_unit.as_deref().unwrap_or("")))
        .unwrap_or_default();
    format!(
        "study {}, n = {n}{horizon}, {} replications, master seed {}",
        s.study, s.replications, s.seed
    )
}

/// How the numbers were made, in plain words.
pub(crate) fn method_text(s: &Summary) -> String {
    format!(
        "Each of the {r} replications simulates the baseline and every counterfactual from the same \
         random seed (common random numbers), so a difference within a replication is caused by the \
         changed settings alone. The effect is the mean of these differences across replications; the \
         95% interval is a Student t interval on {df} degrees of freedom. It measures simulation \
         uncertainty given the model's assumptions, not uncertainty about the assumptions themselves.",
        r = s.replications,
        df = s.replications.saturating_sub(1)
    ) + &uncertainty_text(s)
}

/// What each number is: the point estimate's definition, each metric's
/// measurement window, then the notes (deterministic metrics).
pub(crate) fn definitions(s: &Summary) -> Vec<String> {
    let mut out = vec![format!("Point estimate: {}.", s.point_estimate)];
    for (m, w) in &s.metric_windows {
        out.push(format!(
            "`{m}` ({}) is measured {w}.",
            reading::metric_label(m)
        ));
    }
    out.extend(s.notes.iter().map(|n| format!("Note: {n}.")));
    out
}

/// How the total interval was made, when the scenario has `[uncertainty]`.
pub(crate) fn uncertainty_text(s: &Summary) -> String {
    let Some(u) = &s.uncertainty else {
        return String::new();
    };
    format!(
        " Parameter uncertainty: {k} draws of {params} from {src} (a normal distribution truncated to          the bounds), each run with {r} replications of the baseline and every intervention on common          random numbers. The total 95% interval is the t prediction interval of the draw-level effects,          mean ± t(0.975, K-1)·s·sqrt(1+1/K); by the law of total variance their spread s² holds both the          simulation noise and the effect's variation over the parameters. The plain-language reading          uses this total interval.",
        k = u.draws,
        params = u.params.join(", "),
        src = u.source,
        r = u.replications_per_draw,
    )
}
