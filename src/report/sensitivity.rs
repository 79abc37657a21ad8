//! Report of a sensitivity analysis (`migsim sensitivity`): a table of
//! indices and one bar chart of indices per output (a metric's baseline
//! level or an intervention's effect on it).

use std::fmt::Write;

use super::charts::{self, BarRow, colour};
use super::escape::esc;
use super::reading::{metric_label, sig};
use crate::sensitivity::Method;
use crate::sensitivity::scenario::{Analysis, IndexRow, IndexValues};

fn output_title(metric: &str, intervention: &str) -> String {
    if intervention == "baseline" {
        format!("Baseline level of {}", metric_label(metric))
    } else {
        format!("Effect of {intervention} on {}", metric_label(metric))
    }
}

fn method_text(a: &Analysis) -> String {
    match a.method {
        Method::Sobol => format!(
            "Sobol indices from a Saltelli (2010) design of N = {} base samples from an Owen-scrambled \
             Sobol sequence ({} model runs, each simulating every arm with {} replication(s) on common \
             random numbers). First-order S1 (Saltelli 2010) is the share of the output's variance due \
             to the parameter alone; total ST (Jansen 1999) adds its interactions. Intervals: 95% \
             percentile bootstrap over base samples. Parameters vary uniformly within the bounds below.",
            a.n, a.runs, a.replications
        ),
        Method::Morris => format!(
            "Morris elementary effects from {} trajectories ({} model runs, {} replication(s) per arm). \
             mu* is the mean absolute change in the output when one parameter moves across its range \
             (per unit of the normalised range); sigma, the spread of those changes, signals \
             non-linearity or interactions.",
            a.n, a.runs, a.replications
        ),
    }
}

fn values(r: &IndexRow) -> Vec<String> {
    match r.values {
        IndexValues::Sobol(s) => vec![
            sig(s.s1),
            format!("{} to {}", sig(s.s1_low), sig(s.s1_high)),
            sig(s.st),
            format!("{} to {}", sig(s.st_low), sig(s.st_high)),
        ],
        IndexValues::Morris(m) => vec![sig(m.mu_star), sig(m.sigma)],
    }
}

fn heads(a: &Analysis) -> &'static [&'static str] {
    match a.method {
        Method::Sobol => &["S1", "S1 95% CI", "ST", "ST 95% CI"],
        Method::Morris => &["mu*", "sigma"],
    }
}

/// report.md of a sensitivity analysis.
pub fn markdown(a: &Analysis) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Sensitivity of scenario `{}` ({})\n",
        a.scenario, a.method
    );
    let _ = writeln!(o, "{}\n", method_text(a));
    for w in &a.warnings {
        let _ = writeln!(o, "> warning: {w}\n");
    }
    let _ = writeln!(o, "| parameter | lower | upper |\n|---|---:|---:|");
    for (i, p) in a.params.iter().enumerate() {
        let _ = writeln!(o, "| `{p}` | {} | {} |", a.lower[i], a.upper[i]);
    }
    let h = heads(a);
    let _ = writeln!(
        o,
        "\n## Indices\n\n| output | parameter | {} |\n|---|---|{}",
        h.join(" | "),
        "---:|".repeat(h.len())
    );
    for r in &a.indices {
        let _ = writeln!(
            o,
            "| {} | `{}` | {} |",
            output_title(&r.metric, &r.intervention),
            r.param,
            values(r).join(" | ")
        );
    }
    let mut noted: Vec<(String, &str)> = Vec::new();
    for r in &a.indices {
        if let Some(n) = &r.note {
            let title = output_title(&r.metric, &r.intervention);
            if !noted.iter().any(|(t, _)| *t == title) {
                noted.push((title, n));
            }
        }
    }
    if !noted.is_empty() {
        let _ = writeln!(o, "\nIndices shown as n/a are undefined:\n");
        for (title, n) in noted {
            let _ = writeln!(o, "- {title}: {n}.");
        }
    }
    let _ = writeln!(
        o,
        "\nCharts: `report.html`. Data: `sensitivity.json`, `indices.csv`, `design.csv` (every run), `design_outputs.csv` (the outputs per design row) (columns: docs/codebook.md)."
    );
    let _ = writeln!(o, "\n## Sources\n");
    for c in super::CITATIONS {
        let _ = writeln!(o, "- {c}");
    }
    o
}

/// Bars of one output's indices: S1 and ST per parameter, or mu*.
fn chart(a: &Analysis, rows: &[&IndexRow]) -> Result<String, charts::ChartError> {
    let mut bars = Vec::new();
    for r in rows {
        match r.values {
            IndexValues::Sobol(s) => {
                bars.push(BarRow {
                    label: format!("{} S1", r.param),
                    value: s.s1,
                    low: s.s1_low,
                    high: s.s1_high,
                    colour: colour(2),
                });
                bars.push(BarRow {
                    label: format!("{} ST", r.param),
                    value: s.st,
                    low: s.st_low,
                    high: s.st_high,
                    colour: colour(1),
                });
            }
            IndexValues::Morris(m) => bars.push(BarRow {
                label: r.param.clone(),
                value: m.mu_star,
                low: f64::NAN,
                high: f64::NAN,
                colour: colour(2),
            }),
        }
    }
    let desc = match a.method {
        Method::Sobol => "share of variance (S1 blue, ST orange; whiskers: 95% bootstrap CI)",
        Method::Morris => "mu* (mean |elementary effect|)",
    };
    let first = rows
        .first()
        .map(|r| (r.metric.as_str(), r.intervention.as_str()));
    let title = first.map_or(String::new(), |(m, i)| output_title(m, i));
    charts::bars(&title, desc, &bars)
}

/// report.html of a sensitivity analysis: one chart per output.
pub fn html(a: &Analysis) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}: sensitivity</title><style>{}</style></head><body><main>\n<h1>Sensitivity of {} ({})</h1><p class=\"note\">{}</p>",
        esc(&a.scenario),
        super::html::STYLE,
        esc(&a.scenario),
        a.method,
        esc(&method_text(a))
    );
    for w in &a.warnings {
        let _ = write!(
            o,
            "<div class=\"card note\"><b>Warning:</b> {}</div>",
            esc(w)
        );
    }
    let _ = write!(o, "<h2>Indices per effect</h2><div class=\"grid\">");
    for out in &a.outputs {
        let rows: Vec<&IndexRow> = a
            .indices
            .iter()
            .filter(|r| r.metric == out.metric && r.intervention == out.intervention)
            .collect();
        let defined = rows.iter().any(|r| match r.values {
            IndexValues::Sobol(s) => s.st.is_finite(),
            IndexValues::Morris(m) => m.mu_star.is_finite(),
        });
        if !defined {
            let why = rows
                .iter()
                .find_map(|r| r.note.as_deref())
                .unwrap_or(crate::sensitivity::scenario::OUTPUT_CONSTANT);
            let _ = write!(
                o,
                "<div class=\"card note\"><b>{}</b>: indices undefined: {}.</div>",
                esc(&output_title(&out.metric, &out.intervention)),
                esc(why)
            );
            continue;
        }
        match chart(a, &rows) {
            Ok(svg) => {
                let start = svg.find("<svg").unwrap_or(0);
                let _ = write!(o, "<div class=\"card\">{}</div>", &svg[start..]);
            }
            Err(e) => {
                let _ = write!(o, "<div class=\"card note\">{}</div>", esc(&e.to_string()));
            }
        }
    }
    let h = heads(a);
    let _ = write!(
        o,
        "</div><h2>Table</h2><div class=\"card\"><table><tr><th>output</th><th>parameter</th>{}</tr>",
        h.iter()
            .map(|x| format!("<th>{x}</th>"))
            .collect::<String>()
    );
    for r in &a.indices {
        let _ = write!(
            o,
            "<tr><td>{}</td><td><code>{}</code></td>{}</tr>",
            esc(&output_title(&r.metric, &r.intervention)),
            esc(&r.param),
            values(r)
                .iter()
                .map(|v| format!("<td class=\"num\">{}</td>", esc(v)))
                .collect::<String>()
        );
    }
    let _ = write!(
        o,
        "</table></div><h2>Parameters</h2><div class=\"card\"><table><tr><th>parameter</th><th>lower</th><th>upper</th></tr>"
    );
    for (i, p) in a.params.iter().enumerate() {
        let _ = write!(
            o,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(p),
            a.lower[i],
            a.upper[i]
        );
    }
    let _ = writeln!(
        o,
        "</table><p class=\"note\">Data beside this file: sensitivity.json, indices.csv, design.csv (every run), design_outputs.csv (the outputs per design row) (columns: docs/codebook.md).</p></div>"
    );
    let _ = write!(o, "<h2>Sources</h2><div class=\"card\"><ul>");
    for c in super::CITATIONS {
        let _ = write!(o, "<li class=\"note\">{}</li>", esc(c));
    }
    let _ = writeln!(o, "</ul></div></main></body></html>");
    o
}
