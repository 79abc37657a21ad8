//! `migsim._native`: the Python binding of the migsim library. Every
//! function is a library call; option spellings, defaults, result shapes
//! and messages come from the library (see `python/migsim/` for the thin
//! Python layer that turns the results into pandas objects).

mod analyses;
mod arrow_stream;
mod cli_args;
mod errors;
mod jobs;

use std::path::Path;

use migsim::cli::Command;
use migsim::data::{
    ColumnRef, Dataset, LentDesign, LqColumns, Subset, build_design_borrowed, build_design_lent,
    design_with, wanted_columns,
};
use migsim::estimate::{EstimateError, EstimatorName};
use migsim::scenario::{self, Scenario, ScenarioError};
use migsim::shard::job::Job;
use migsim::shard::scenario::ScenarioInput;
use migsim::studies::{self, StudyName};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use serde_json::Value;

use arrow_stream::Table;
use errors::{EstimationError, InputError, OutputError, estimation, input, input_error, output};

/// Label of in-memory data in error messages.
const DATA: &str = "data";

enum FitFailure {
    Data(migsim::data::DataError),
    Estimate(EstimateError),
}

/// Fit `estimator` on an Arrow-exporting table with the keyword options
/// (JSON) of `migsim fit`'s flags; returns the CLI's JSON and table text.
/// The design estimators read float64 columns in place, logit and probit
/// without copying them at all (`build_design_lent`); the others get the
/// table's columns as a data set and run the command's own code.
#[pyfunction]
fn fit(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    estimator: &str,
    options: &str,
) -> PyResult<(String, String)> {
    let Command::Fit(mut args) = cli_args::parse(&["fit", estimator, "--data", DATA], options)?
    else {
        return Err(input_error("fit: not a fit command".into()));
    };
    let est: EstimatorName = estimator.parse().map_err(estimation)?;
    let table = Table::read(data)?;
    if table.n_rows == 0 {
        return Err(input_error(format!("{DATA}: the table has no rows")));
    }
    if !est.is_design() {
        let (frame, skipped) = frame_of(&table)?;
        args.frame = Some(std::sync::Arc::new(frame));
        let outcome = py.detach(|| migsim::cli::fit::outcome(&args));
        return match outcome {
            Ok(o) => Ok((o.result.to_json(), o.text())),
            Err(e) => {
                let msg = migsim::cli::error_message(&e);
                match skipped
                    .iter()
                    .find(|(n, _)| msg.contains(&format!("`{n}`")))
                {
                    Some((_, why)) => Err(input_error(why.clone())),
                    None => Err(errors::fit_error(e)),
                }
            }
        };
    }
    let (request, formula) = migsim::cli::fit::design_fit(&args, est).map_err(input)?;
    let subset = args
        .subset
        .as_deref()
        .map(Subset::try_from)
        .transpose()
        .map_err(input)?;
    let lq = args
        .lq
        .as_deref()
        .map(|s| LqColumns::parse(s, args.lq_weight.as_deref()))
        .transpose()
        .map_err(input)?;
    let wanted = wanted_columns(&formula, lq.as_ref(), subset.as_ref());
    let cols = wanted
        .iter()
        .map(|c| Ok((c.to_string(), table.column(c)?)))
        .collect::<PyResult<Vec<(String, ColumnRef<'_>)>>>()?;
    let outcome = py.detach(|| {
        let binary = matches!(est, EstimatorName::Logit | EstimatorName::Probit);
        let design = if subset.is_none() && lq.is_none() && binary {
            // The binary fits read the regressors where they lie.
            build_design_lent(DATA, cols, &formula)
        } else if subset.is_none() && lq.is_none() {
            build_design_borrowed(DATA, cols, &formula).map(LentDesign::Matrix)
        } else {
            owned_dataset(cols)
                .and_then(|ds| design_with(ds, &formula, lq.as_ref(), subset.as_ref()))
                .map(LentDesign::Matrix)
        }
        .map_err(FitFailure::Data)?;
        request.fit_lent(est, &design).map_err(FitFailure::Estimate)
    });
    match outcome {
        Ok(o) => Ok((o.result.to_json(), o.text())),
        Err(FitFailure::Data(e)) => Err(input(e)),
        Err(FitFailure::Estimate(e)) => Err(estimation(e)),
    }
}

/// Every column of `table` the library can read, as a data set; the
/// columns it cannot read, with the reason (an error only if a fit names
/// one).
fn frame_of(table: &Table) -> PyResult<(Dataset, Vec<(String, String)>)> {
    let mut cols = Vec::new();
    let mut skipped = Vec::new();
    for name in table.names() {
        match table.column(&name) {
            Ok(c) => cols.push((name, c)),
            Err(e) => skipped.push((name, e.to_string())),
        }
    }
    Ok((owned_dataset(cols).map_err(input)?, skipped))
}

/// The columns as an owned dataset (for `subset` and `lq`, which select
/// rows and add a column before the design is built).
fn owned_dataset(cols: Vec<(String, ColumnRef<'_>)>) -> Result<Dataset, migsim::data::DataError> {
    let cols = cols
        .into_iter()
        .map(|(n, c)| match c {
            ColumnRef::Numbers(v) => (n, migsim::data::Column::Numeric(v.to_vec())),
            ColumnRef::Owned(c) => (n, c),
        })
        .collect();
    Dataset::from_columns(DATA, cols)
}

/// A scenario from a file path (`kind == "path"`) or from the JSON of a
/// dict in the TOML schema (`kind == "json"`).
pub(crate) fn load_scenario(kind: &str, src: &str) -> PyResult<Scenario> {
    match kind {
        "path" => Scenario::load(Path::new(src)).map_err(errors::scenario),
        _ => {
            let v: Value = serde_json::from_str(src)
                .map_err(|e| input_error(format!("scenario: not JSON-compatible: {e}")))?;
            Scenario::from_json(&v, "<dict>").map_err(errors::scenario)
        }
    }
}

/// `{dotted key: value}` (JSON) as a TOML override table.
fn overrides_of(settings: &str) -> PyResult<toml::Table> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(settings) else {
        return Err(input_error(
            "settings: expected a mapping of dotted keys to values".into(),
        ));
    };
    let mut table = toml::Table::new();
    for (key, v) in map {
        let value: toml::Value = serde_json::from_value(v.clone()).map_err(|_| {
            input_error(format!(
                "settings: `{key}` = {v} is not a TOML value (number, string, boolean or list)"
            ))
        })?;
        scenario::plan::set_path(&mut table, &key, value)
            .map_err(|e| input_error(format!("settings: `{key}`: {e}")))?;
    }
    Ok(table)
}

/// Simulate a study's cohort: `[(name, f64 bytes | list of str/None)]`.
#[pyfunction]
#[pyo3(signature = (study, n, seed, settings, scenario_kind=None, scenario_src=None, intervention=None))]
#[allow(clippy::too_many_arguments)]
fn cohort(
    py: Python<'_>,
    study: &str,
    n: Option<usize>,
    seed: u64,
    settings: &str,
    scenario_kind: Option<&str>,
    scenario_src: Option<&str>,
    intervention: Option<&str>,
) -> PyResult<Vec<(String, Py<PyAny>)>> {
    let study: StudyName = study.parse().map_err(input)?;
    let (mut overrides, n) = match (scenario_kind, scenario_src) {
        (Some(kind), Some(src)) => {
            let scn = load_scenario(kind, src)?;
            scenario::cohort_arm(&scn, study, n, intervention).map_err(errors::scenario)?
        }
        _ => (toml::Table::new(), n),
    };
    for (k, v) in overrides_of(settings)? {
        merge(&mut overrides, k, v);
    }
    let sim = jobs::run_job(py, None, |_| studies::simulate(study, &overrides, n, seed))?
        .map_err(input)?;
    let ds = &sim.cohort;
    let mut out = Vec::with_capacity(ds.names().len());
    for name in ds.names() {
        let obj = match ds.column(name) {
            Some(migsim::data::Column::Numeric(v)) => {
                let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                PyBytes::new(py, &bytes).into_any().unbind()
            }
            Some(migsim::data::Column::Categorical(c)) => {
                let cells: Vec<Option<&str>> = (0..c.codes.len()).map(|i| c.get(i)).collect();
                PyList::new(py, cells)?.into_any().unbind()
            }
            None => continue,
        };
        out.push((name.clone(), obj));
    }
    Ok(out)
}

/// Merge `v` into `t[k]`, tables key by key (a setting beside a scenario's
/// overrides of the same section).
fn merge(t: &mut toml::Table, k: String, v: toml::Value) {
    match (t.get_mut(&k), v) {
        (Some(toml::Value::Table(old)), toml::Value::Table(new)) => {
            for (k2, v2) in new {
                merge(old, k2, v2);
            }
        }
        (_, v) => {
            t.insert(k, v);
        }
    }
}

/// A study's settings registry as JSON rows.
#[pyfunction]
fn settings(study: &str) -> PyResult<String> {
    let study: StudyName = study.parse().map_err(input)?;
    let rows = studies::settings::registry(study).map_err(input)?;
    serde_json::to_string(&rows).map_err(input)
}

/// Run a scenario; the output files by name, as `migsim run` writes them.
#[pyfunction]
#[pyo3(signature = (kind, src, progress=None))]
fn run(
    py: Python<'_>,
    kind: &str,
    src: &str,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<Vec<(String, Py<PyBytes>)>> {
    let scn = load_scenario(kind, src)?;
    // The `run` job itself (`migsim run`, the server): one process, no
    // shard text to keep.
    let job = ScenarioInput {
        file: scn.file.clone(),
        text: String::new(),
        scn,
    };
    let files = jobs::run_job(py, progress.as_ref(), |m| {
        ScenarioInput::files(&job.run_whole(m)?)
    })?
    .map_err(errors::job)?;
    Ok(files
        .into_iter()
        .map(|(name, bytes)| (name.to_string(), PyBytes::new(py, &bytes).unbind()))
        .collect())
}

/// Write a set of files into `dir` as one (replacing a previous set whole).
#[pyfunction]
fn write_files(dir: &str, files: Vec<(String, Vec<u8>)>) -> PyResult<Vec<String>> {
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let written = migsim::io::write_dir_atomic(Path::new(dir), &files).map_err(output)?;
    Ok(written.iter().map(|p| p.display().to_string()).collect())
}

/// Monte Carlo recovery of a spec file; the files `migsim recover` writes.
#[pyfunction]
#[pyo3(signature = (path, reps=None, seed=None, n=None, progress=None))]
fn recover(
    py: Python<'_>,
    path: &str,
    reps: Option<usize>,
    seed: Option<u64>,
    n: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<(String, Vec<(String, Py<PyBytes>)>)> {
    use migsim::shard::recovery::{RecoverOptions, SpecInput};
    // The `recover` job itself, loaded as `migsim recover` loads it.
    let job = <SpecInput as Job>::load(Path::new(path), RecoverOptions { reps, seed, n })
        .map_err(input)?;
    let (rec, files) = jobs::run_job(py, progress.as_ref(), |m| {
        let rec = job.run_whole(m)?;
        let files = SpecInput::files(&rec)?;
        Ok::<_, migsim::shard::ShardError>((rec, files))
    })?
    .map_err(errors::job)?;
    let files = files
        .into_iter()
        .map(|(name, bytes)| (name.to_string(), PyBytes::new(py, &bytes).unbind()))
        .collect();
    Ok((rec.to_string(), files))
}

/// A study's published specifications on a synthetic cohort: (JSON, text).
#[pyfunction]
#[pyo3(signature = (study, n=None, seed=1))]
fn replicate(
    py: Python<'_>,
    study: &str,
    n: Option<usize>,
    seed: u64,
) -> PyResult<(String, String)> {
    let study: StudyName = study.parse().map_err(input)?;
    let rep = jobs::run_job(py, None, |_| {
        migsim::replicate::replicate(study, &toml::Table::new(), n, seed)
    })?
    .map_err(input)?;
    let json = migsim::replicate::output::to_json(&rep, study).map_err(input)?;
    Ok((
        json.to_string(),
        migsim::replicate::output::to_text(&rep, study),
    ))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fit, m)?)?;
    m.add_function(wrap_pyfunction!(cohort, m)?)?;
    m.add_function(wrap_pyfunction!(settings, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(write_files, m)?)?;
    m.add_function(wrap_pyfunction!(recover, m)?)?;
    m.add_function(wrap_pyfunction!(replicate, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::calibrate, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::zenou, m)?)?;
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add("EstimationError", m.py().get_type::<EstimationError>())?;
    m.add("OutputError", m.py().get_type::<OutputError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let _ = ScenarioError::Cancelled;
    Ok(())
}
