//! `calibrate`, `sensitivity` and `zenou` from Python: the keywords are the
//! commands' flags ([`crate::cli_args`]); the library runs them on a worker
//! thread with the GIL released ([`crate::jobs::run_job`]: progress,
//! Ctrl-C) and hands back the result's JSON, the command's text and its
//! files by name, which the Python layer turns into DataFrames.

use std::path::Path;

use migsim::calibrate::smc::sbc::sbc_monitored;
use migsim::calibrate::smc::{SmcError, posterior_monitored};
use migsim::calibrate::{CalibrateError, calibrate_monitored};
use migsim::cli::Command;
use migsim::report::rank_histogram::rank_histogram;
use migsim::shard::job::Job;
use migsim::shard::sensitivity::SensitivityInput;
use migsim::studies::StudyName;
use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::{self, EstimationError, input, input_error};
use crate::{cli_args, jobs, load_scenario};

/// Output files by name.
type Files = Vec<(String, Py<PyBytes>)>;

/// (kind, JSON, text, files by name).
type Outcome = (String, String, String, Files);

/// Where a file's name is shown in an error of an in-memory result.
const HERE: &str = ".";

fn files_of<'a>(py: Python<'_>, files: impl IntoIterator<Item = (&'a str, Vec<u8>)>) -> Files {
    files
        .into_iter()
        .map(|(n, b)| (n.to_string(), PyBytes::new(py, &b).unbind()))
        .collect()
}

fn json<T: serde::Serialize>(v: &T) -> PyResult<String> {
    serde_json::to_string(v).map_err(input)
}

/// Keywords the in-memory results replace (`result.write(dir)`, `to_dict()`).
fn refuse(options: &str, keys: &[&str], command: &str) -> PyResult<()> {
    let v: serde_json::Value = serde_json::from_str(options).unwrap_or_default();
    for k in keys {
        if v.get(k).is_some_and(|x| !x.is_null()) {
            return Err(input_error(format!(
                "{command}: `{k}` is not a keyword here; the result holds the output \
                 (use .write(dir) for the files, .to_dict() for the JSON)"
            )));
        }
    }
    Ok(())
}

fn smc_error(e: SmcError) -> PyErr {
    match e {
        SmcError::Cancelled | SmcError::Calibrate(CalibrateError::Cancelled) => {
            PyKeyboardInterrupt::new_err("cancelled".to_string())
        }
        e @ (SmcError::Sampler(_) | SmcError::SbcData { .. }) => {
            EstimationError::new_err(errors::message(e))
        }
        e => input(e),
    }
}

fn calibrate_error(e: CalibrateError) -> PyErr {
    match e {
        CalibrateError::Cancelled => PyKeyboardInterrupt::new_err("cancelled".to_string()),
        e @ (CalibrateError::Failed { .. } | CalibrateError::Start(_)) => {
            EstimationError::new_err(errors::message(e))
        }
        e => input(e),
    }
}

/// `migsim calibrate STUDY` with the keyword flags (JSON): kind `ii`,
/// `smc` or `sbc`, the result's JSON (as `--json`), its text and the files
/// `--out DIR` would hold.
#[pyfunction]
#[pyo3(signature = (study, options, progress=None))]
pub fn calibrate(
    py: Python<'_>,
    study: &str,
    options: &str,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<Outcome> {
    refuse(options, &["out", "json"], "calibrate")?;
    let Command::Calibrate(args) = cli_args::parse(&["calibrate", study], options)? else {
        return Err(input_error("calibrate: not a calibrate command".into()));
    };
    let name: StudyName = args.study.parse().map_err(input)?;
    let opts = migsim::cli::calibrate::options(&args, name);
    let cb = progress.as_ref();
    if !migsim::cli::calibrate_smc::wanted(&args.bayes) {
        let r =
            jobs::run_job(py, cb, |m| calibrate_monitored(&opts, m))?.map_err(calibrate_error)?;
        r.usable().map_err(calibrate_error)?;
        let toml = r.scenario_toml().map_err(calibrate_error)?;
        let files = files_of(py, [("calibrated.toml", toml.into_bytes())]);
        return Ok(("ii".into(), json(&r)?, r.to_string(), files));
    }
    let smc = migsim::cli::calibrate_smc::smc_options(&args.bayes).map_err(input)?;
    if let Some(k) = args.bayes.sbc {
        let r = jobs::run_job(py, cb, |m| sbc_monitored(&opts, &smc, k, m))?.map_err(smc_error)?;
        let svg = rank_histogram(&r).map_err(input)?;
        let files = r.files(Path::new(HERE), svg).map_err(smc_error)?;
        return Ok(("sbc".into(), json(&r)?, r.to_string(), files_of(py, files)));
    }
    let r = jobs::run_job(py, cb, |m| posterior_monitored(&opts, &smc, m))?.map_err(smc_error)?;
    let files = r.files(Path::new(HERE)).map_err(smc_error)?;
    Ok(("smc".into(), json(&r)?, r.to_string(), files_of(py, files)))
}

/// `migsim sensitivity FILE` (or a scenario dict) with `method` and `n`:
/// the analysis' JSON and the files `--out DIR` holds.
#[pyfunction]
#[pyo3(signature = (kind, src, options, progress=None))]
#[allow(clippy::result_large_err)]
pub fn sensitivity(
    py: Python<'_>,
    kind: &str,
    src: &str,
    options: &str,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<(String, Files)> {
    refuse(options, &["out", "json", "shard"], "sensitivity")?;
    let label = if kind == "path" { src } else { "<dict>" };
    let Command::Sensitivity(args) = cli_args::parse(&["sensitivity", label], options)? else {
        return Err(input_error("sensitivity: not a sensitivity command".into()));
    };
    let scn = load_scenario(kind, src)?;
    // The `sensitivity` job itself, with the command's overrides.
    let job = SensitivityInput {
        file: scn.file.clone(),
        text: String::new(),
        scn,
        method: args.method,
        n: args.n,
    };
    let (a, files) = jobs::run_job(py, progress.as_ref(), |m| {
        let a = job.run_whole(m)?;
        let files = SensitivityInput::files(&a)?;
        Ok::<_, migsim::shard::ShardError>((a, files))
    })?
    .map_err(errors::job)?;
    Ok((json(&a)?, files_of(py, files)))
}

/// `migsim zenou` with the keyword flags: the object `--json` prints. The
/// agent-based run reports `(thousandths of t_end, 1000)` to `progress`
/// and stops on Ctrl-C (KeyboardInterrupt) within about 2^20 events.
#[pyfunction]
#[pyo3(signature = (options, progress=None))]
pub fn zenou(
    py: Python<'_>,
    options: &str,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<String> {
    refuse(options, &["json"], "zenou")?;
    let Command::Zenou(args) = cli_args::parse(&["zenou"], options)? else {
        return Err(input_error("zenou: not a zenou command".into()));
    };
    let out = jobs::run_job(py, progress.as_ref(), |m| {
        migsim::cli::zenou::outcome(&args, m)
    })?
    .map_err(input)?;
    Ok(out.to_string())
}
