//! `migsim recover` as a [`Job`]: the rows of a slice of replications, and the
//! diagnosands of the pooled rows through the same
//! `recovery::run::summarise_pooled` a one-process run uses.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ShardError;
use super::codec::{Num, floats, nums};
use super::job::{File, Job, Sharded, SliceRows, json_line};
use super::slice::Slice;
use super::store::{Meta, Pooled};
use crate::monitor::Monitor;
use crate::recovery::run::{FitRecord, RepRecord, replicate_indices, summarise_pooled};
use crate::recovery::take::Estimate;
use crate::recovery::{self, Recovery, RecoveryError, RunOptions, Spec, output_files};

/// The manifest's command name.
pub const COMMAND: &str = "recover";

/// One replication as a shard row.
#[derive(Debug, Serialize, Deserialize)]
struct Row {
    rep: usize,
    seed: u64,
    n: usize,
    truths: Vec<Num>,
    fits: Vec<Fit>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Fit {
    /// Per target: estimate, std_error, ci_low, ci_high, p_value.
    Fitted(Vec<[Num; 5]>),
    NotConverged(String),
    Failed(String),
}

fn encode(r: &RepRecord) -> String {
    let fits = r
        .fits
        .iter()
        .map(|f| match f {
            FitRecord::Fitted(es) => Fit::Fitted(
                es.iter()
                    .map(|e| [e.estimate, e.std_error, e.ci_low, e.ci_high, e.p_value].map(Num))
                    .collect(),
            ),
            FitRecord::NotConverged(m) => Fit::NotConverged(m.clone()),
            FitRecord::Failed(m) => Fit::Failed(m.clone()),
        })
        .collect();
    let row = Row {
        rep: r.rep,
        seed: r.seed,
        n: r.n,
        truths: nums(&r.truths),
        fits,
    };
    serde_json::to_string(&row).unwrap_or_default()
}

fn decode(row: Row) -> RepRecord {
    let fits = row
        .fits
        .into_iter()
        .map(|f| match f {
            Fit::Fitted(es) => FitRecord::Fitted(
                es.into_iter()
                    .map(|[a, b, c, d, e]| Estimate {
                        estimate: a.0,
                        std_error: b.0,
                        ci_low: c.0,
                        ci_high: d.0,
                        p_value: e.0,
                    })
                    .collect(),
            ),
            Fit::NotConverged(m) => FitRecord::NotConverged(m),
            Fit::Failed(m) => FitRecord::Failed(m),
        })
        .collect();
    RepRecord {
        rep: row.rep,
        seed: row.seed,
        n: row.n,
        truths: floats(&row.truths),
        fits,
    }
}

/// A recovery spec together with its text and the path the user gave.
pub struct SpecInput {
    /// The checked spec.
    pub spec: Spec,
    /// The spec file's text (stored in each shard folder).
    pub text: String,
    /// The path as the user gave it.
    pub file: String,
}

impl SpecInput {
    /// The spec with a front end's overrides of its replications, master
    /// seed and sample size (`migsim recover --reps/--seed/--n`); zero
    /// replications or rows is refused.
    pub fn with_overrides(
        mut self,
        reps: Option<usize>,
        seed: Option<u64>,
        n: Option<usize>,
    ) -> Result<SpecInput, RecoveryError> {
        for (flag, v) in [("--reps", reps), ("--n", n)] {
            if v == Some(0) {
                return Err(RecoveryError::SpecFile {
                    file: self.file.clone(),
                    message: format!("{flag} must be at least 1"),
                });
            }
        }
        let spec = &mut self.spec;
        spec.reps = reps.unwrap_or(spec.reps);
        spec.seed = seed.unwrap_or(spec.seed);
        spec.n = n.or(spec.n);
        Ok(self)
    }

    /// Read and parse `path` exactly as [`Spec::load`] does, keeping the text.
    pub fn load(path: &Path) -> Result<SpecInput, ShardError> {
        let file = path.display().to_string();
        let text = crate::input::read_text(path).map_err(|source| RecoveryError::Read {
            file: file.clone(),
            source,
        })?;
        let spec = Spec::parse(&text, &file, &stem(path))?;
        Ok(SpecInput { spec, text, file })
    }

    /// What the shards of this run share.
    fn meta(&self, slice: Slice) -> Meta<'_> {
        Meta {
            command: COMMAND,
            spec_file: &self.file,
            spec_text: &self.text,
            settings: settings(&self.spec),
            master_seed: self.spec.seed,
            total: self.spec.reps,
            slice,
            extra: serde_json::Value::Null,
        }
    }

    fn options<'a>(monitor: &'a dyn Monitor) -> RunOptions<'a> {
        RunOptions {
            threads: None,
            progress: Some(monitor),
        }
    }
}

/// The front end's overrides of a recovery spec (`migsim recover --reps
/// --seed --n`); `None` keeps the spec's value.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecoverOptions {
    /// `--reps`: replications.
    pub reps: Option<usize>,
    /// `--seed`: the master seed.
    pub seed: Option<u64>,
    /// `--n`: rows per cohort.
    pub n: Option<usize>,
}

impl Job for SpecInput {
    type Options = RecoverOptions;
    type Output = Recovery;
    const COMMAND: &'static str = COMMAND;

    /// [`SpecInput::load`] with [`SpecInput::with_overrides`].
    fn load(path: &Path, o: RecoverOptions) -> Result<SpecInput, ShardError> {
        Ok(SpecInput::load(path)?.with_overrides(o.reps, o.seed, o.n)?)
    }

    fn name(&self) -> &str {
        &self.spec.name
    }

    /// `outputs/recovery/<spec name>/`.
    fn default_dir(name: &str) -> PathBuf {
        Path::new("outputs/recovery").join(name)
    }

    fn run_whole(&self, monitor: &dyn Monitor) -> Result<Recovery, ShardError> {
        Ok(recovery::run(&self.spec, &Self::options(monitor))?)
    }

    /// diagnosands.json, diagnosands.csv, replications.csv.
    fn files(rec: &Recovery) -> Result<Vec<File>, ShardError> {
        Ok(output_files(rec))
    }

    /// diagnosands.json on one line.
    fn summary_json(rec: &Recovery) -> Result<String, ShardError> {
        json_line("diagnosands.json", &rec.to_json())
    }
}

impl Sharded for SpecInput {
    /// Replications.
    fn total(&self) -> Result<usize, ShardError> {
        Ok(self.spec.reps)
    }

    /// The replication records of `slice`, one row each.
    fn run_slice(&self, slice: Slice, monitor: &dyn Monitor) -> Result<SliceRows<'_>, ShardError> {
        let range = slice.range(self.spec.reps)?;
        let recs = replicate_indices(&self.spec, range.clone(), &Self::options(monitor))?;
        Ok(SliceRows {
            meta: self.meta(slice),
            indices: range.collect(),
            rows: recs.iter().map(encode).collect(),
        })
    }

    fn merge(pooled: &Pooled) -> Result<Recovery, ShardError> {
        pooled_recovery(pooled)
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "recovery".into())
}

fn settings(spec: &Spec) -> serde_json::Value {
    json!({"reps": spec.reps, "seed": spec.seed, "n": spec.n})
}

/// The recovery of pooled `recover` shards: the spec re-read from the
/// stored text with the stored settings, the rows in index order, and the
/// one-process summarising code. `elapsed_s` is the shards' summed time.
fn pooled_recovery(p: &Pooled) -> Result<Recovery, ShardError> {
    let m = &p.manifest;
    let mut spec = Spec::parse(&p.spec_text, &m.spec_file, &stem(Path::new(&m.spec_file)))?;
    let bad = |why: String| ShardError::Corrupt {
        dir: p.origin.first().cloned().unwrap_or_default(),
        why,
    };
    let s = &m.settings;
    spec.reps = s["reps"]
        .as_u64()
        .ok_or_else(|| bad("manifest settings lack `reps`".into()))? as usize;
    spec.seed = s["seed"]
        .as_u64()
        .ok_or_else(|| bad("manifest settings lack `seed`".into()))?;
    spec.n = s["n"].as_u64().map(|n| n as usize);
    if spec.reps != m.total || spec.seed != m.master_seed {
        return Err(bad(
            "manifest settings disagree with its total or seed".into()
        ));
    }
    let records = (0..p.rows.len())
        .map(|i| {
            let rec = decode(p.decode::<Row>(i)?);
            if rec.rep != i {
                return Err(ShardError::Corrupt {
                    dir: p.origin[i].clone(),
                    why: format!("the row listed for index {i} is replication {}", rec.rep),
                });
            }
            Ok(rec)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(summarise_pooled(&spec, records, p.elapsed_s))
}
