//! The driver's path for jobs whose output folder is optional and whose
//! output may have no files (`migsim calibrate`: `--out` is optional, and a
//! failed calibration writes no `calibrated.toml`), with a job defined
//! outside the crate: the value is the closed form Σ_{i<n} i² =
//! (n−1)n(2n−1)/6, an output with no files leaves the folder absent, no
//! folder writes nothing, and a cancelled job writes nothing. Also: the
//! command line's job list gives `migsim slurm` its commands (the sharded
//! jobs of the CLI contract, not `power`).

use std::path::{Path, PathBuf};
use std::process::Command;

use migsim::columnar::RowFormat;
use migsim::monitor::{CancelToken, Monitor, Watch};
use migsim::shard::driver;
use migsim::shard::job::{File, json_line};
use migsim::shard::{Job, ShardError};

/// Σ_{i<n} i², one unit at a time; an odd sum has no files.
struct SquareSum {
    n: u64,
}

impl Job for SquareSum {
    type Options = u64;
    type Output = u64;
    const COMMAND: &'static str = "square-sum";

    fn load(_path: &Path, n: u64) -> Result<SquareSum, ShardError> {
        Ok(SquareSum { n })
    }

    fn name(&self) -> &str {
        "square-sum"
    }

    fn default_dir(name: &str) -> PathBuf {
        Path::new("outputs").join(name)
    }

    fn run_whole(&self, monitor: &dyn Monitor) -> Result<u64, ShardError> {
        let mut sum = 0;
        for i in 0..self.n {
            if monitor.cancelled() {
                return Err(ShardError::Cancelled);
            }
            sum += i * i;
            monitor.progress(i as usize + 1, self.n as usize);
        }
        Ok(sum)
    }

    fn files(sum: &u64) -> Result<Vec<File>, ShardError> {
        if sum % 2 == 1 {
            return Ok(Vec::new());
        }
        Ok(vec![("sum.txt", format!("{sum}\n").into_bytes())])
    }

    fn summary_json(sum: &u64) -> Result<String, ShardError> {
        json_line("the sum", sum)
    }
}

fn closed_form(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    (n - 1) * n * (2 * n - 1) / 6
}

#[test]
fn optional_folder_and_empty_outputs_write_nothing() {
    let root = tempfile::tempdir().unwrap();
    for n in 0..40u64 {
        let job = SquareSum::load(Path::new("-"), n).unwrap();
        let (sum, files) = driver::run_whole_to(&job, None, &|_, _| {}, RowFormat::Csv).unwrap();
        assert_eq!(sum, closed_form(n), "n = {n}");
        assert!(files.is_empty(), "n = {n}: no folder, no files");

        let dir = root.path().join(format!("n{n}"));
        let (sum, files) =
            driver::run_whole_to(&job, Some(&dir), &|_, _| {}, RowFormat::Csv).unwrap();
        assert_eq!(sum, closed_form(n));
        if sum % 2 == 1 {
            assert!(files.is_empty());
            assert!(
                !dir.exists(),
                "n = {n}: an output without files creates no folder"
            );
        } else {
            assert_eq!(files, vec![dir.join("sum.txt")]);
            let text = std::fs::read_to_string(dir.join("sum.txt")).unwrap();
            assert_eq!(text, format!("{}\n", closed_form(n)));
        }
    }
    // Nothing but the folders of the even sums was created.
    let made = std::fs::read_dir(root.path()).unwrap().count();
    let even = (0..40u64)
        .filter(|&n| closed_form(n).is_multiple_of(2))
        .count();
    assert_eq!(made, even);
}

#[test]
fn a_cancelled_job_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let token = CancelToken::new();
    // Cancel once a third of the units have run.
    let on_progress = |done: usize, total: usize| {
        if 3 * done >= total {
            token.cancel();
        }
    };
    let watch = Watch {
        progress: &on_progress,
        cancel: &token,
    };
    for n in [6u64, 10, 30] {
        let job = SquareSum::load(Path::new("-"), n).unwrap();
        let dir = root.path().join(format!("n{n}"));
        let e = driver::run_whole_to(&job, Some(&dir), &watch, RowFormat::Csv).unwrap_err();
        assert!(e.is_cancelled(), "{e}");
        assert!(!dir.exists());
    }
}

#[test]
fn slurm_offers_the_sharded_jobs() {
    let out = Command::new(env!("CARGO_BIN_EXE_migsim"))
        .args([
            "slurm", "power", "x.toml", "--shards", "2", "--out", "unused",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    // `power` is a job but not a sharded one: slurm refuses it and lists
    // the sharded jobs.
    assert!(
        err.contains("[possible values: recover, run, sensitivity]"),
        "{err}"
    );
}
