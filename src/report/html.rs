//! report.html: one self-contained page (inline CSS and SVG, no scripts, no
//! network fetches) with the reading, effect bars, time paths and sweeps.

use std::fmt::Write;

use super::charts::{self, AxisStyle, Band, colour};
use super::reading::{
    Certainty, certainty, diff_value, is_share, level_value, metric_label, sentence,
};
use super::{CITATIONS, definitions, method_text, settings_line};
use crate::scenario::summary::PathSummary;
use crate::scenario::{ArmKind, Effect, Summary};

/// The reports' inline CSS (one self-contained file, nothing fetched).
pub const STYLE: &str = "
body{font-family:-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#222;background:#f5f6f8;margin:0}
main{max-width:1020px;margin:0 auto;padding:28px 24px 48px}
h1{font-size:28px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555;margin:0 0 4px}.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:14px 18px;margin:12px 0}
ul.reading{list-style:none;padding:0;margin:0}ul.reading li{padding:8px 10px 8px 14px;margin:6px 0;border-left:4px solid #bbb;background:#fff;border-radius:4px}
li.clear{border-left-color:#2a9d55!important}li.unclear{border-left-color:#d9a400!important}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:14px}
.grid .card{margin:0}svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{padding:6px 8px;border-bottom:1px solid #eee;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#fafafa}
code{background:#eef0f3;padding:1px 4px;border-radius:3px;font-size:13px}.note{color:#666;font-size:13px}
";

/// Render the HTML report.
pub fn render(s: &Summary) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}: scenario report</title><style>{STYLE}</style></head><body><main>\n",
        esc(&s.scenario)
    );
    let _ = write!(o, "<h1>{}</h1>", esc(&s.scenario));
    if !s.description.is_empty() {
        let _ = write!(o, "<p class=\"sub\">{}</p>", esc(&s.description));
    }
    let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(&settings_line(s)));
    reading(&mut o, s);
    effect_charts(&mut o, s);
    path_charts(&mut o, s);
    sweep_charts(&mut o, s);
    super::experiment::html_section(&mut o, s);
    interventions(&mut o, s);
    let _ = write!(
        o,
        "<h2>How this was computed</h2><div class=\"card\"><p>{}</p>",
        esc(&method_text(s))
    );
    let _ = write!(o, "<h3>What each number is</h3><ul>");
    for d in definitions(s) {
        let _ = write!(o, "<li>{}</li>", esc(&d));
    }
    let _ = write!(o, "</ul>");
    for w in &s.warnings {
        let _ = write!(o, "<p class=\"note\">Warning: {}</p>", esc(w));
    }
    let _ = writeln!(
        o,
        "<p class=\"note\">Data beside this file: summary.json, replications.csv, paths.csv{}{} (columns: docs/codebook.md).</p></div>",
        if s.uncertainty.is_some() {
            ", draws.csv"
        } else {
            ""
        },
        if s.experiment.is_some() {
            ", experiment.csv"
        } else {
            ""
        }
    );
    let _ = write!(o, "<h2>Sources</h2><div class=\"card\"><ul>");
    for c in CITATIONS {
        let _ = write!(o, "<li class=\"note\">{}</li>", esc(c));
    }
    let _ = write!(o, "</ul></div>\n</main></body></html>\n");
    o
}

fn reading(o: &mut String, s: &Summary) {
    let _ = write!(o, "<h2>What changed</h2><ul class=\"reading\">");
    for e in &s.effects {
        let class = match certainty(e) {
            Certainty::Clear => "clear",
            _ => "unclear",
        };
        let _ = write!(
            o,
            "<li class=\"{class}\">{}</li>",
            esc(&sentence(e, s.window_phrase(&e.metric).as_deref()))
        );
    }
    let _ = writeln!(
        o,
        "</ul><p class=\"note\">Green: the 95% interval excludes zero. Amber: it does not, or the effect is zero.{}</p>",
        if s.uncertainty.is_some() {
            " The reading uses the total interval (parameter draws and simulation noise); the table shows both."
        } else {
            ""
        }
    );
    let _ = write!(o, "<div class=\"card\">");
    table(o, &s.effects, "intervention");
    let _ = writeln!(o, "</div>");
}

fn table(o: &mut String, effects: &[Effect], col: &str) {
    let total = effects.iter().any(|e| e.total().is_some());
    let _ = write!(
        o,
        "<table><tr><th>metric</th><th>{col}</th><th>baseline</th><th>counterfactual</th><th>effect</th><th>95% CI (simulation only)</th>{}</tr>",
        if total {
            "<th>mean over draws</th><th>95% interval incl. parameter uncertainty (centred on the mean over draws)</th>"
        } else {
            ""
        }
    );
    for e in effects {
        let m = e.metric.as_str();
        let unit = if is_share(m) { " pt" } else { "" };
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}{unit}</td><td class=\"num\">{} to {}</td>{}</tr>",
            esc(&metric_label(m)),
            esc(&e.intervention),
            level_value(m, e.baseline_mean),
            level_value(m, e.counterfactual_mean),
            diff_value(m, e.estimate),
            diff_value(m, e.ci_low),
            diff_value(m, e.ci_high),
            match (total, e.total()) {
                (false, _) => String::new(),
                (true, Some((lo, hi))) => format!(
                    "<td class=\"num\">{}</td><td class=\"num\"><b>{} to {}</b></td>",
                    e.estimate_over_draws
                        .map_or(String::new(), |c| diff_value(m, c)),
                    diff_value(m, lo),
                    diff_value(m, hi)
                ),
                (true, None) => "<td></td><td></td>".to_string(),
            },
        );
    }
    let _ = write!(o, "</table>");
}

/// Axis style of a metric: shares as percent (levels) or signed points
/// (effects), other metrics plain (effects signed).
fn style(metric: &str, level: bool) -> AxisStyle {
    match (is_share(metric), level) {
        (true, true) => AxisStyle {
            factor: 100.0,
            signed: false,
            suffix: "%",
        },
        (true, false) => AxisStyle {
            factor: 100.0,
            signed: true,
            suffix: "",
        },
        (false, level) => AxisStyle {
            signed: !level,
            ..AxisStyle::PLAIN
        },
    }
}

fn chart_card(o: &mut String, svg: Result<String, charts::ChartError>) {
    match svg {
        Ok(svg) => {
            let _ = write!(o, "<div class=\"card\">{}</div>", strip_prolog(&svg));
        }
        Err(e) => {
            let _ = write!(o, "<div class=\"card note\">{}</div>", esc(&e.to_string()));
        }
    }
}

fn strip_prolog(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |i| &svg[i..])
}

fn effect_charts(o: &mut String, s: &Summary) {
    if s.effects.is_empty() {
        return;
    }
    let _ = write!(o, "<h2>Effects with 95% intervals</h2>");
    if s.uncertainty.is_some() {
        let _ = write!(
            o,
            "<p class=\"note\">Thin black whiskers: simulation-only 95% CI. Wide pale bands: 95% interval including parameter uncertainty.</p>"
        );
    }
    let _ = write!(o, "<div class=\"grid\">");
    for m in &s.metrics {
        let effs: Vec<&Effect> = s.effects.iter().filter(|e| &e.metric == m).collect();
        let unit = if is_share(m) { " (points)" } else { "" };
        chart_card(
            o,
            charts::effect_bars(
                &format!("Effect on {}{unit}", metric_label(m)),
                &effs,
                style(m, false),
            ),
        );
    }
    let _ = writeln!(o, "</div>");
}

fn path_charts(o: &mut String, s: &Summary) {
    if s.paths.is_empty() {
        return;
    }
    let _ = write!(
        o,
        "<h2>Over time: baseline and counterfactuals</h2><p class=\"note\">Lines are means across replications; shaded bands are 95% intervals of the mean.</p><div class=\"grid\">"
    );
    let x_desc = s.time_unit.as_deref().unwrap_or("time");
    for p in &s.paths {
        chart_card(
            o,
            charts::band_chart(
                &metric_label(&p.metric),
                x_desc,
                &path_bands(p),
                style(&p.metric, true),
                false,
            ),
        );
    }
    let _ = writeln!(o, "</div>");
}

fn path_bands(p: &PathSummary) -> Vec<Band<'_>> {
    p.bands
        .iter()
        .enumerate()
        .map(|(i, b)| Band {
            name: &b.arm,
            colour: colour(i),
            points: p
                .times
                .iter()
                .copied()
                .zip(b.level.iter().copied())
                .collect(),
        })
        .collect()
}

fn sweep_charts(o: &mut String, s: &Summary) {
    let Some(sw) = &s.sweep else { return };
    let _ = write!(
        o,
        "<h2>Sweep of <code>{}</code></h2><p class=\"note\">Effect against the baseline at each value, with 95% intervals.</p><div class=\"grid\">",
        esc(&sw.key)
    );
    for m in &s.metrics {
        let points = sw
            .values
            .iter()
            .zip(sw.points.iter().filter(|e| &e.metric == m))
            .map(|(v, e)| (*v, e.interval()))
            .collect();
        let band = Band {
            name: m,
            colour: colour(1),
            points,
        };
        let unit = if is_share(m) { " (points)" } else { "" };
        chart_card(
            o,
            charts::band_chart(
                &format!("Effect on {}{unit}", metric_label(m)),
                &sw.key,
                &[band],
                style(m, false),
                true,
            ),
        );
    }
    let _ = write!(o, "</div><div class=\"card\">");
    table(o, &sw.points, "value");
    let _ = writeln!(o, "</div>");
}

fn interventions(o: &mut String, s: &Summary) {
    let _ = write!(
        o,
        "<h2>The interventions</h2><div class=\"card\"><table><tr><th>intervention</th><th>what it does</th><th>settings changed (baseline → counterfactual)</th></tr>"
    );
    for a in s.arms.iter().filter(|a| a.kind == ArmKind::Intervention) {
        let changes: Vec<String> = a
            .changes
            .iter()
            .map(|c| {
                format!(
                    "<code>{}</code> {} → {}",
                    esc(&c.key),
                    esc(&c.baseline),
                    esc(&c.value)
                )
            })
            .collect();
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.name),
            esc(&a.description),
            changes.join("<br>")
        );
    }
    let _ = writeln!(o, "</table></div>");
}

pub use super::escape::esc;
