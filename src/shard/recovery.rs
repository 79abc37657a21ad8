//! `migsim recover` in shards: the rows of a slice of replications, and the
//! diagnosands of the pooled rows through the same
//! [`recovery::run::summarise_pooled`] a one-process run uses.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ShardError;
use super::codec::{Num, floats, nums};
use super::manifest::Manifest;
use super::slice::Slice;
use super::store::{self, Meta, Pooled};
use crate::recovery::run::{FitRecord, RepRecord, replicate_indices, summarise_pooled};
use crate::recovery::take::Estimate;
use crate::recovery::{Recovery, RecoveryError, RunOptions, Spec};

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
    pub spec: Spec,
    pub text: String,
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
    pub fn meta(&self, slice: Slice) -> Meta<'_> {
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

    /// The indices and rows of `slice`.
    pub fn rows(
        &self,
        slice: Slice,
        opts: &RunOptions<'_>,
    ) -> Result<(Vec<usize>, Vec<String>), ShardError> {
        let range = slice.range(self.spec.reps)?;
        let recs = replicate_indices(&self.spec, range.clone(), opts)?;
        Ok((range.collect(), recs.iter().map(encode).collect()))
    }

    /// Run `slice` and write it as a shard into `dir`.
    pub fn run_shard(
        &self,
        slice: Slice,
        opts: &RunOptions<'_>,
        dir: &Path,
    ) -> Result<Manifest, ShardError> {
        store::run_and_write(
            dir,
            || {
                self.rows(slice, opts)
                    .map(|(indices, rows)| ((), indices, rows))
            },
            |_| self.meta(slice),
        )
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
pub fn merge(p: &Pooled) -> Result<Recovery, ShardError> {
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
