//! Which replication indices a shard holds: shard `K` of `N` (1-based) holds
//! the contiguous block `[floor((K-1)·R/N), floor(K·R/N))` of the `R`
//! indices, so the `N` blocks partition `0..R` and need no coordination.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use super::ShardError;

/// Shard `k` of `n`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    /// Which shard, from 1.
    pub k: usize,
    /// Of how many shards.
    pub n: usize,
}

impl Slice {
    /// The whole run as one shard.
    pub const WHOLE: Slice = Slice { k: 1, n: 1 };

    /// Shard `k` of `n`; `1 <= k <= n`.
    pub fn new(k: usize, n: usize) -> Result<Slice, ShardError> {
        if n == 0 || k == 0 || k > n {
            return Err(ShardError::BadSlice {
                text: format!("{k}/{n}"),
                why: "expected K/N with 1 <= K <= N".into(),
            });
        }
        Ok(Slice { k, n })
    }

    /// `--shard auto`: from Slurm's job-array variables. With
    /// `SLURM_ARRAY_TASK_MIN` (and `_STEP`, default 1) set, task ids may start
    /// anywhere: `K = (ID - MIN) / STEP + 1`; without it ids must be 1..=N.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Slice, ShardError> {
        let var = |name: &str| -> Result<Option<usize>, ShardError> {
            match get(name) {
                None => Ok(None),
                Some(v) => v.trim().parse().map(Some).map_err(|_| ShardError::Env {
                    var: name.to_string(),
                    why: format!("`{v}` is not a non-negative integer"),
                }),
            }
        };
        let missing = |name: &str| ShardError::Env {
            var: name.to_string(),
            why: "not set: --shard auto runs inside a Slurm job array (sbatch --array)".into(),
        };
        let id = var("SLURM_ARRAY_TASK_ID")?.ok_or_else(|| missing("SLURM_ARRAY_TASK_ID"))?;
        let n = var("SLURM_ARRAY_TASK_COUNT")?.ok_or_else(|| missing("SLURM_ARRAY_TASK_COUNT"))?;
        let k = match var("SLURM_ARRAY_TASK_MIN")? {
            Some(min) => {
                let step = var("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
                if id < min || (id - min) % step != 0 {
                    return Err(ShardError::Env {
                        var: "SLURM_ARRAY_TASK_ID".into(),
                        why: format!("{id} is not on the array grid {min}, {min}+{step}, ..."),
                    });
                }
                (id - min) / step + 1
            }
            None => id,
        };
        Slice::new(k, n).map_err(|_| ShardError::Env {
            var: "SLURM_ARRAY_TASK_ID".into(),
            why: format!("task {k} of {n}: use --array=1-{n} (ids 1..=N)"),
        })
    }

    /// The indices of `0..total` replications this shard holds; an error
    /// when the slice would be empty (more shards than replications).
    pub fn range(self, total: usize) -> Result<Range<usize>, ShardError> {
        self.range_of(total, "replications")
    }

    /// The indices of `0..total` units of work (`unit` names them in the
    /// error: "replications", "design rows") this shard holds; an error when
    /// the slice would be empty (more shards than units).
    pub fn range_of(self, total: usize, unit: &'static str) -> Result<Range<usize>, ShardError> {
        if self.n > total {
            return Err(ShardError::TooManyShards {
                shards: self.n,
                total,
                unit,
            });
        }
        Ok(self.range_unchecked(total))
    }

    fn range_unchecked(self, total: usize) -> Range<usize> {
        let at = |k: usize| (k as u128 * total as u128 / self.n as u128) as usize;
        at(self.k - 1)..at(self.k)
    }

    /// The shard `K` of `n` that holds index `i` of `0..total`.
    pub fn holder(i: usize, n: usize, total: usize) -> usize {
        (1..=n)
            .find(|&k| Slice { k, n }.range_unchecked(total).contains(&i))
            .unwrap_or(n)
    }
}

impl fmt::Display for Slice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl FromStr for Slice {
    type Err = ShardError;
    fn from_str(s: &str) -> Result<Slice, ShardError> {
        let bad = |why: &str| ShardError::BadSlice {
            text: s.to_string(),
            why: why.to_string(),
        };
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| bad("expected K/N (e.g. 3/10) or `auto`"))?;
        let k = k
            .trim()
            .parse()
            .map_err(|_| bad("K is not a whole number"))?;
        let n = n
            .trim()
            .parse()
            .map_err(|_| bad("N is not a whole number"))?;
        Slice::new(k, n).map_err(|_| bad("expected 1 <= K <= N"))
    }
}

/// `--shard` as given: a fixed slice or `auto` (Slurm array variables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardArg {
    Fixed(Slice),
    Auto,
}

impl ShardArg {
    /// The slice, reading the process environment for `auto`.
    pub fn resolve(self) -> Result<Slice, ShardError> {
        match self {
            ShardArg::Fixed(s) => Ok(s),
            ShardArg::Auto => Slice::from_env(|k| std::env::var(k).ok()),
        }
    }
}

impl FromStr for ShardArg {
    type Err = ShardError;
    fn from_str(s: &str) -> Result<ShardArg, ShardError> {
        if s.trim() == "auto" {
            Ok(ShardArg::Auto)
        } else {
            s.parse().map(ShardArg::Fixed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_partition_every_total() {
        for total in 1..40 {
            for n in 1..=total.min(9) {
                let mut seen = Vec::new();
                for k in 1..=n {
                    let r = Slice::new(k, n).unwrap().range(total).unwrap();
                    assert!(!r.is_empty());
                    for i in r {
                        assert_eq!(Slice::holder(i, n, total), k);
                        seen.push(i);
                    }
                }
                assert_eq!(seen, (0..total).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!("3/7".parse::<Slice>().unwrap(), Slice { k: 3, n: 7 });
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(bad.parse::<Slice>().is_err(), "{bad}");
        }
        assert!(Slice::new(2, 5).unwrap().range(4).is_err());
    }

    #[test]
    fn auto_reads_slurm_variables() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let s = Slice::from_env(env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]))
        .unwrap();
        assert_eq!(s, Slice { k: 3, n: 4 });
        let s = Slice::from_env(env(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]))
        .unwrap();
        assert_eq!(s, Slice { k: 1, n: 4 });
        let e = Slice::from_env(env(&[("SLURM_ARRAY_TASK_COUNT", "4")])).unwrap_err();
        assert!(e.to_string().contains("SLURM_ARRAY_TASK_ID"), "{e}");
    }
}
