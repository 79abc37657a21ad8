//! The one job driver (`migsim::shard::driver`) with a job defined outside
//! the crate, as a new front end or a new sharded command would define it:
//! for many sizes, shard counts and seeds, the pooled shards write the
//! bytes of a one-process run, and both hold the values computed here
//! directly (unit `i` is `i^2 + u_i`, `u_i` uniform from
//! `seed::derive(seed, i, Population)`; the integer parts sum to the
//! closed form `(R-1) R (2R-1) / 6`). Progress reaches every unit, a
//! cancelled job writes nothing, and more shards than units is refused
//! before any unit runs.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use migsim::columnar::RowFormat;
use migsim::monitor::{CancelToken, Monitor, Watch};
use migsim::seed::{Component, derive};
use migsim::shard::codec::Num;
use migsim::shard::driver;
use migsim::shard::job::{File, json_line};
use migsim::shard::recovery::{RecoverOptions, SpecInput};
use migsim::shard::store::{Meta, Pooled, pool};
use migsim::shard::{Job, ShardError, Sharded, Slice, SliceRows};

/// `total` units; unit `i` is `i^2 + u_i`.
struct Squares {
    total: usize,
    seed: u64,
    text: String,
}

fn uniform(seed: u64, i: usize) -> f64 {
    (derive(seed, i as u64, Component::Population) >> 11) as f64 / (1u64 << 53) as f64
}

fn unit(
    seed: u64,
    i: usize,
    monitor: &dyn Monitor,
    done: &AtomicUsize,
    total: usize,
) -> Result<f64, ShardError> {
    if monitor.cancelled() {
        return Err(ShardError::Cancelled);
    }
    let v = (i * i) as f64 + uniform(seed, i);
    monitor.progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
    Ok(v)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Row {
    i: usize,
    v: Num,
}

impl Job for Squares {
    type Options = (usize, u64);
    type Output = Vec<f64>;
    const COMMAND: &'static str = "squares";

    fn load(_path: &Path, (total, seed): (usize, u64)) -> Result<Squares, ShardError> {
        Ok(Squares {
            total,
            seed,
            text: format!("total = {total}\nseed = {seed}\n"),
        })
    }

    fn name(&self) -> &str {
        "squares"
    }

    fn default_dir(name: &str) -> PathBuf {
        PathBuf::from(name)
    }

    fn run_whole(&self, monitor: &dyn Monitor) -> Result<Vec<f64>, ShardError> {
        let done = AtomicUsize::new(0);
        (0..self.total)
            .map(|i| unit(self.seed, i, monitor, &done, self.total))
            .collect()
    }

    fn files(out: &Vec<f64>) -> Result<Vec<File>, ShardError> {
        let csv: String = out.iter().map(|v| format!("{v}\n")).collect();
        Ok(vec![("values.csv", csv.into_bytes())])
    }

    fn summary_json(out: &Vec<f64>) -> Result<String, ShardError> {
        json_line("summary", &serde_json::json!({ "units": out.len() }))
    }
}

impl Sharded for Squares {
    fn total(&self) -> Result<usize, ShardError> {
        Ok(self.total)
    }

    fn run_slice(&self, slice: Slice, monitor: &dyn Monitor) -> Result<SliceRows<'_>, ShardError> {
        let range = slice.range_of(self.total, "units")?;
        let done = AtomicUsize::new(0);
        let rows = range
            .clone()
            .map(|i| {
                let v = unit(self.seed, i, monitor, &done, range.len())?;
                Ok(serde_json::to_string(&Row { i, v: Num(v) }).unwrap())
            })
            .collect::<Result<Vec<_>, ShardError>>()?;
        Ok(SliceRows {
            meta: Meta {
                command: Self::COMMAND,
                spec_file: "squares.toml",
                spec_text: &self.text,
                settings: serde_json::json!({ "total": self.total }),
                master_seed: self.seed,
                total: self.total,
                slice,
                extra: serde_json::Value::Null,
            },
            indices: range.collect(),
            rows,
        })
    }

    fn merge(p: &Pooled) -> Result<Vec<f64>, ShardError> {
        (0..p.rows.len())
            .map(|i| {
                let row: Row = p.decode(i)?;
                assert_eq!(row.i, i);
                Ok(row.v.0)
            })
            .collect()
    }
}

fn read(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("values.csv")).unwrap()
}

#[test]
fn pooled_shards_write_the_one_process_bytes_and_the_direct_values() {
    let root = tempfile::tempdir().unwrap();
    for seed in [1u64, 7, 42, 2024, 99_991] {
        for total in [1usize, 2, 5, 13, 40] {
            let job = Squares::load(Path::new("squares.toml"), (total, seed)).unwrap();
            let whole_dir = root.path().join(format!("whole-{seed}-{total}"));
            let (out, _) = driver::run_whole(&job, &whole_dir, &|_, _| {}).unwrap();
            // Independent reference: computed here, unit by unit.
            for (i, v) in out.iter().enumerate() {
                assert_eq!(v.to_bits(), ((i * i) as f64 + uniform(seed, i)).to_bits());
            }
            let ints: usize = out.iter().map(|v| v.floor() as usize).sum();
            assert_eq!(ints, (total - 1) * total * (2 * total - 1) / 6);
            for n in 1..=total.min(7) {
                let dirs: Vec<PathBuf> = (1..=n)
                    .rev()
                    .map(|k| {
                        let d = root.path().join(format!("s-{seed}-{total}-{k}-of-{n}"));
                        let slice = Slice::new(k, n).unwrap();
                        driver::run_shard(&job, slice, &d, &|_, _| {}).unwrap();
                        d
                    })
                    .collect();
                let merged = root.path().join(format!("m-{seed}-{total}-{n}"));
                let pooled = pool(&dirs).unwrap();
                let (m, _) = driver::merge::<Squares>(&pooled, &merged, RowFormat::Csv).unwrap();
                assert_eq!(
                    m.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                    out.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
                );
                assert_eq!(
                    read(&merged),
                    read(&whole_dir),
                    "seed {seed}, {n} shards of {total}"
                );
            }
        }
    }
}

#[test]
fn a_missing_shard_is_named_and_more_shards_than_units_run_nothing() {
    let root = tempfile::tempdir().unwrap();
    let job = Squares::load(Path::new("squares.toml"), (9, 3)).unwrap();
    let d = root.path().join("one");
    driver::run_shard(&job, Slice::new(1, 3).unwrap(), &d, &|_, _| {}).unwrap();
    let err = pool(&[d]).unwrap_err().to_string();
    assert!(
        err.contains("--shard 2/3") && err.contains("--shard 3/3"),
        "{err}"
    );
    let calls = AtomicUsize::new(0);
    let count = |_: usize, _: usize| {
        calls.fetch_add(1, Ordering::Relaxed);
    };
    let e = driver::run_shard(
        &job,
        Slice::new(10, 10).unwrap(),
        &root.path().join("x"),
        &count,
    );
    assert!(matches!(
        e,
        Err(ShardError::TooManyShards {
            shards: 10,
            total: 9,
            ..
        })
    ));
    assert_eq!(calls.load(Ordering::Relaxed), 0);
    assert!(!root.path().join("x").exists());
}

#[test]
fn a_cancelled_job_writes_nothing_on_either_path() {
    let root = tempfile::tempdir().unwrap();
    let job = Squares::load(Path::new("squares.toml"), (20, 5)).unwrap();
    for after in [0usize, 1, 7, 19, 20] {
        let token = CancelToken::new();
        let seen = AtomicUsize::new(0);
        let progress = |_: usize, _: usize| {
            if seen.fetch_add(1, Ordering::Relaxed) + 1 >= after {
                token.cancel();
            }
        };
        if after == 0 {
            token.cancel();
        }
        let watch = Watch {
            progress: &progress,
            cancel: &token,
        };
        let whole = root.path().join(format!("whole-{after}"));
        assert!(matches!(
            driver::run_whole(&job, &whole, &watch),
            Err(ShardError::Cancelled)
        ));
        assert!(!whole.exists());
        let shard = root.path().join(format!("shard-{after}"));
        assert!(matches!(
            driver::run_shard(&job, Slice::new(1, 2).unwrap(), &shard, &watch),
            Err(ShardError::Cancelled)
        ));
        assert!(!shard.exists());
    }
}

#[test]
fn a_recovery_job_reports_every_replication_on_both_paths() {
    let root = tempfile::tempdir().unwrap();
    let spec =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/recovery/logit_well_specified.toml");
    let options = RecoverOptions {
        reps: Some(5),
        seed: None,
        n: Some(150),
    };
    let job = <SpecInput as Job>::load(&spec, options).unwrap();
    let most = AtomicUsize::new(0);
    let calls = AtomicUsize::new(0);
    let progress = |done: usize, total: usize| {
        assert!(done <= total);
        most.fetch_max(done, Ordering::Relaxed);
        calls.fetch_add(1, Ordering::Relaxed);
    };
    let (rec, _) = driver::run_whole(&job, &root.path().join("whole"), &progress).unwrap();
    assert_eq!(rec.replications.len(), 5);
    assert_eq!(
        (most.load(Ordering::Relaxed), calls.load(Ordering::Relaxed)),
        (5, 5)
    );
    let (most_s, calls_s) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let progress = |done: usize, _: usize| {
        most_s.fetch_max(done, Ordering::Relaxed);
        calls_s.fetch_add(1, Ordering::Relaxed);
    };
    let m = driver::run_shard(
        &job,
        Slice::new(2, 2).unwrap(),
        &root.path().join("s"),
        &progress,
    )
    .unwrap();
    assert_eq!(m.indices, vec![2, 3, 4]);
    assert_eq!(
        (
            most_s.load(Ordering::Relaxed),
            calls_s.load(Ordering::Relaxed)
        ),
        (3, 3)
    );
}
