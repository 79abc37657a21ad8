//! The experiment's outputs: experiment.csv (one row per point ×
//! replication × arm, EMA Workbench's experiments + outcomes table) and its
//! sections of report.html (a heat map for a two-factor factorial, small
//! multiples otherwise) and report.md (a table per point).

use std::fmt::Write;

use super::charts::AxisStyle;
use super::escape::esc;
use super::files::{encode, num};
use super::grid_charts::{GridValues, heat_map, small_multiples};
use super::reading::{diff_value, is_share, level_value, metric_label};
use crate::scenario::experiment::rows::experiment_seed;
use crate::scenario::experiment::summary::ExperimentSummary;
use crate::scenario::{ArmKind, Runs, ScenarioError, Summary};

/// experiment.csv: columns `run` (point × replications + replication: the
/// arms of one run share its seed), `point`, `replication`, `seed`, `arm`,
/// every factor, then every tracked metric.
pub fn experiment_csv(runs: &Runs) -> Result<Vec<u8>, ScenarioError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| encode("experiment.csv", e);
    let keys: &[String] = runs.scenario.experiment.as_ref().map_or(&[], |e| &e.keys);
    let arms: Vec<&str> = runs
        .arms
        .iter()
        .filter(|a| matches!(a.kind, ArmKind::Baseline | ArmKind::Intervention))
        .map(|a| a.name.as_str())
        .collect();
    let mut head = vec!["run", "point", "replication", "seed", "arm"];
    head.extend(keys.iter().map(String::as_str));
    head.extend(runs.metrics.iter().map(String::as_str));
    w.write_record(&head).map_err(err)?;
    for p in &runs.experiment {
        let reps = p.cells.len();
        for (r, rep) in p.cells.iter().enumerate() {
            let seed = experiment_seed(runs.scenario.seed, r);
            for (a, values) in rep.iter().enumerate() {
                let mut rec = vec![
                    (p.draw * reps + r).to_string(),
                    p.draw.to_string(),
                    r.to_string(),
                    seed.to_string(),
                    arms.get(a).copied().unwrap_or("?").to_string(),
                ];
                rec.extend(p.theta.iter().chain(values).copied().map(num));
                w.write_record(&rec).map_err(err)?;
            }
        }
    }
    w.into_inner().map_err(|e| encode("experiment.csv", e))
}

/// The sentence that says what the experiment ran.
pub(crate) fn design_text(x: &ExperimentSummary) -> String {
    let factors: Vec<String> = x
        .factors
        .iter()
        .enumerate()
        .map(|(j, k)| match &x.levels {
            Some(l) => format!(
                "`{k}` at {}",
                l[j].iter().map(|v| num(*v)).collect::<Vec<_>>().join(", ")
            ),
            None => format!("`{k}` in [{}, {}]", num(x.lower[j]), num(x.upper[j])),
        })
        .collect();
    let design = match x.design.as_str() {
        "factorial" => "A full-factorial design (every combination)",
        _ => {
            "A Latin-hypercube design (each factor's range cut into as many equal strata as points, one point per stratum)"
        }
    };
    format!(
        "{design} of {} points over {}; at each point the baseline and every intervention ran {} replications \
         on common random numbers (replication r uses the same study seed at every point and in every arm), \
         {} simulations in all. Each cell is the mean over the point's replications.",
        x.points,
        factors.join("; "),
        x.replications_per_point,
        x.simulations
    )
}

fn styles(metric: &str, diverging: bool) -> AxisStyle {
    match (is_share(metric), diverging) {
        (true, d) => AxisStyle {
            factor: 100.0,
            signed: d,
            suffix: if d { "" } else { "%" },
        },
        (false, d) => AxisStyle {
            signed: d,
            ..AxisStyle::PLAIN
        },
    }
}

/// One chart per tracked metric: a heat map when the design is a
/// two-factor factorial, else small multiples; each shows the first
/// intervention's effect (or, without interventions, the baseline level).
pub fn charts(
    s: &Summary,
    x: &ExperimentSummary,
) -> Vec<Result<String, super::charts::ChartError>> {
    s.metrics
        .iter()
        .map(|m| {
            let (what, values) = x.shown(&s.metrics, m);
            let diverging = x.arms.len() > 1;
            let unit = if is_share(m) && diverging {
                " (points)"
            } else {
                ""
            };
            let title = format!("{}: {what}{unit}", metric_label(m));
            let cell = |v: f64| {
                if diverging {
                    diff_value(m, v)
                } else {
                    level_value(m, v)
                }
            };
            let gv = GridValues {
                title: &title,
                diverging,
                cell: &cell,
                y_style: styles(m, diverging),
            };
            match (&x.levels, x.factors.len()) {
                (Some(levels), 2) => {
                    let (nr, nc) = (levels[0].len(), levels[1].len());
                    let grid: Vec<Vec<f64>> = (0..nr)
                        .map(|i| (0..nc).map(|j| values[i * nc + j]).collect())
                        .collect();
                    heat_map(
                        &gv,
                        (&x.factors[0], &levels[0]),
                        (&x.factors[1], &levels[1]),
                        &grid,
                    )
                }
                _ => {
                    let factors: Vec<(&str, Vec<f64>)> = x
                        .factors
                        .iter()
                        .enumerate()
                        .map(|(j, k)| (k.as_str(), x.rows.iter().map(|r| r.values[j]).collect()))
                        .collect();
                    small_multiples(&gv, &factors, &values)
                }
            }
        })
        .collect()
}

/// The experiment's section of report.html.
pub(crate) fn html_section(o: &mut String, s: &Summary) {
    let Some(x) = &s.experiment else { return };
    let _ = write!(
        o,
        "<h2>Experiment over {}</h2><p class=\"note\">{}</p><div class=\"grid\">",
        x.factors
            .iter()
            .map(|k| format!("<code>{}</code>", esc(k)))
            .collect::<Vec<_>>()
            .join(" × "),
        esc(&design_text(x))
    );
    for svg in charts(s, x) {
        match svg {
            Ok(svg) => {
                let i = svg.find("<svg").unwrap_or(0);
                let _ = write!(o, "<div class=\"card\">{}</div>", &svg[i..]);
            }
            Err(e) => {
                let _ = write!(o, "<div class=\"card note\">{}</div>", esc(&e.to_string()));
            }
        }
    }
    let _ = writeln!(
        o,
        "</div><p class=\"note\">Every point, replication and arm: experiment.csv; per-point means and 95% intervals: summary.json <code>experiment</code>.</p>"
    );
}

/// The experiment's section of report.md: the design and a table of the
/// first intervention's effect (or the baseline level) per point.
pub(crate) fn markdown_section(s: &Summary) -> String {
    let Some(x) = &s.experiment else {
        return String::new();
    };
    let mut o = format!(
        "\n## Experiment over {}\n\n{}\n\n",
        x.factors
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" × "),
        design_text(x)
    );
    let shown: Vec<(String, Vec<f64>)> = s.metrics.iter().map(|m| x.shown(&s.metrics, m)).collect();
    let _ = write!(o, "| point |");
    for k in &x.factors {
        let _ = write!(o, " `{k}` |");
    }
    for (m, (what, _)) in s.metrics.iter().zip(&shown) {
        let _ = write!(o, " {}: {what} |", metric_label(m));
    }
    let _ = write!(o, "\n|---|");
    for _ in 0..x.factors.len() + s.metrics.len() {
        let _ = write!(o, "---:|");
    }
    o.push('\n');
    let diverging = x.arms.len() > 1;
    for (p, row) in x.rows.iter().enumerate().take(200) {
        let _ = write!(o, "| {} |", row.point);
        for v in &row.values {
            let _ = write!(o, " {} |", num(*v));
        }
        for (m, (_, vals)) in s.metrics.iter().zip(&shown) {
            let v = vals[p];
            let t = if diverging {
                diff_value(m, v)
            } else {
                level_value(m, v)
            };
            let _ = write!(o, " {t} |");
        }
        o.push('\n');
    }
    if x.rows.len() > 200 {
        let _ = writeln!(
            o,
            "\n({} more points in experiment.csv.)",
            x.rows.len() - 200
        );
    }
    o
}
