//! report.md: the reading, the effects table, the interventions and the sweep.

use std::fmt::Write;

use super::reading::{diff_value, level_value, metric_label, sentence};
use super::{definitions, method_text, settings_line};
use crate::report::CITATIONS;
use crate::scenario::{ArmKind, Effect, Summary};

/// Render the Markdown report.
pub fn render(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Scenario `{}`\n", s.scenario);
    if !s.description.is_empty() {
        let _ = writeln!(out, "{}\n", s.description);
    }
    let _ = writeln!(out, "{}.\n", settings_line(s));
    let _ = writeln!(out, "## What changed\n");
    for e in &s.effects {
        let _ = writeln!(
            out,
            "- {}",
            sentence(e, s.window_phrase(&e.metric).as_deref())
        );
    }
    let _ = writeln!(out, "\n## Effects (counterfactual minus baseline)\n");
    effects_table(&mut out, &s.effects, "intervention");
    let _ = writeln!(out, "\n## Interventions\n");
    let _ = writeln!(out, "| intervention | description | settings changed |");
    let _ = writeln!(out, "|---|---|---|");
    for a in s.arms.iter().filter(|a| a.kind == ArmKind::Intervention) {
        let changes: Vec<String> = a
            .changes
            .iter()
            .map(|c| format!("`{}`: {} → {}", c.key, c.baseline, c.value))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            a.name,
            a.description,
            changes.join("; ")
        );
    }
    if let Some(sw) = &s.sweep {
        let _ = writeln!(out, "\n## Sweep of `{}`\n", sw.key);
        effects_table(&mut out, &sw.points, "value");
    }
    out.push_str(&super::experiment::markdown_section(s));
    let _ = writeln!(out, "\n## How this was computed\n\n{}\n", method_text(s));
    let _ = writeln!(out, "### What each number is\n");
    for d in definitions(s) {
        let _ = writeln!(out, "- {d}");
    }
    let _ = writeln!(out);
    for w in &s.warnings {
        let _ = writeln!(out, "> warning: {w}\n");
    }
    let _ = writeln!(
        out,
        "Charts (time paths, effects with intervals, sweep curves): `report.html`. Data: `summary.json`, `replications.csv`, `paths.csv`{}{}; columns in docs/codebook.md.",
        if s.uncertainty.is_some() {
            ", `draws.csv`"
        } else {
            ""
        },
        if s.experiment.is_some() {
            ", `experiment.csv`"
        } else {
            ""
        }
    );
    let _ = writeln!(out, "\n## Sources\n");
    for c in CITATIONS {
        let _ = writeln!(out, "- {c}");
    }
    out
}

fn effects_table(out: &mut String, effects: &[Effect], col: &str) {
    let total = effects.iter().any(|e| e.total().is_some());
    let (th, tr) = if total {
        (
            " mean over draws | 95% interval incl. parameter uncertainty (centred on the mean over draws) |",
            "---:|---|",
        )
    } else {
        ("", "")
    };
    let _ = writeln!(
        out,
        "| metric | {col} | baseline | counterfactual | effect | 95% CI (simulation only) |{th}"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---|{tr}");
    for e in effects {
        let m = e.metric.as_str();
        let tot = match (total, e.total()) {
            (false, _) => String::new(),
            (true, Some((lo, hi))) => format!(
                " {} | **{} to {}** |",
                e.estimate_over_draws
                    .map_or("".into(), |c| diff_value(m, c)),
                diff_value(m, lo),
                diff_value(m, hi)
            ),
            (true, None) => " | |".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} to {} |{tot}",
            metric_label(m),
            e.intervention,
            level_value(m, e.baseline_mean),
            level_value(m, e.counterfactual_mean),
            diff_value(m, e.estimate),
            diff_value(m, e.ci_low),
            diff_value(m, e.ci_high),
        );
    }
}
