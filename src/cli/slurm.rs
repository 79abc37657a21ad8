//! `migsim slurm <recover|run|sensitivity> FILE --shards N --out DIR`: a Slurm job-array
//! script running one shard per task, a merge job, and `submit.sh`, which
//! submits the array and chains the merge with `--dependency=afterok`.
//! The commands offered, their units of work and their batch flags come
//! from the command line's job list ([`super::job::JOBS`]).
//!
//! The array script passes `--shard $SLURM_ARRAY_TASK_ID/N` with `N` written
//! in, rather than `--shard auto`, so that rerunning one failed task alone
//! (`sbatch --array=K array.sbatch`, where Slurm's task count is 1) still
//! runs shard K of N.

use std::path::{Path, PathBuf};

use clap::Args;
use clap::builder::PossibleValuesParser;

use anyhow::Context;

use super::job::{JOBS, Registered, sharded};
use super::shell::{ShellError, directive, quote, quote_path, utf8};
use crate::io::{check_writable, write_atomic};

/// The commands an array task may run: the command line's sharded jobs.
fn commands() -> PossibleValuesParser {
    PossibleValuesParser::new(JOBS.iter().map(|j| j.command))
}

/// The arguments of `migsim slurm`.
#[derive(Debug, Args)]
pub struct SlurmArgs {
    /// The command every array task runs on its shard.
    #[arg(value_parser = commands())]
    pub command: String,
    /// Recovery spec or scenario file (with a [sensitivity] table for
    /// `sensitivity`); relative paths are kept: the jobs run in the current
    /// folder.
    pub file: PathBuf,
    /// Number of shards (array tasks).
    #[arg(long)]
    pub shards: usize,
    /// Folder for the scripts, logs/, shards/ and the merged result/.
    #[arg(long)]
    pub out: PathBuf,
    /// Wall-time limit per task, HH:MM:SS or D-HH:MM:SS.
    #[arg(long, default_value = "01:00:00")]
    pub time: String,
    /// Memory per task, e.g. 4G or 500M.
    #[arg(long, default_value = "4G")]
    pub mem: String,
    /// CPUs per task (threads of each shard).
    #[arg(long, default_value_t = 1)]
    pub cpus: usize,
    /// Extra options for the command, after `--` (e.g. `-- --reps 2000`).
    #[arg(last = true)]
    pub extra: Vec<String>,
}

/// Run `migsim slurm`: check the arguments against the spec, then write `array.sbatch`, `merge.sbatch` and `submit.sh` into `--out`.
pub fn run(args: SlurmArgs) -> anyhow::Result<()> {
    let (job, name) = check(&args)?;
    check_writable(&args.out).context("--out")?;
    let logs = args.out.join("logs");
    std::fs::create_dir_all(&logs)
        .with_context(|| format!("--out: cannot create {}", logs.display()))?;
    let out = std::fs::canonicalize(&args.out)
        .with_context(|| format!("--out: cannot resolve {}", args.out.display()))?;
    let cwd = std::env::current_dir().context("the current folder")?;
    let exe = std::env::current_exe().context("the path of this migsim binary")?;
    let scripts = Scripts {
        job,
        args: &args,
        out: &out,
        cwd: &cwd,
        exe: &exe,
        name: &name,
    };
    let (array, merge, submit_sh) = (scripts.array()?, scripts.merge()?, scripts.submit()?);
    write_atomic(&out.join("array.sbatch"), array.as_bytes())?;
    write_atomic(&out.join("merge.sbatch"), merge.as_bytes())?;
    let submit = out.join("submit.sh");
    write_atomic(&submit, submit_sh.as_bytes())?;
    make_executable(&submit)?;
    println!(
        "wrote {}/{{array.sbatch, merge.sbatch, submit.sh}}: {} shards",
        out.display(),
        args.shards
    );
    println!("submit with: sh {}", quote(&submit.display().to_string()));
    Ok(())
}

/// Check the arguments against the spec; returns the job and the spec's
/// name.
fn check(a: &SlurmArgs) -> anyhow::Result<(&'static Registered, String)> {
    let Some(job) = sharded(&a.command) else {
        anyhow::bail!("`{}` is not a sharded command", a.command);
    };
    if a.shards == 0 {
        anyhow::bail!("--shards must be at least 1");
    }
    if a.cpus == 0 {
        anyhow::bail!("--cpus must be at least 1");
    }
    if !valid_time(&a.time) {
        anyhow::bail!("--time `{}`: expected HH:MM:SS or D-HH:MM:SS", a.time);
    }
    let digits = a.mem.trim_end_matches(['K', 'M', 'G', 'T']);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        anyhow::bail!("--mem `{}`: expected a size such as 4G or 500M", a.mem);
    }
    let (name, units) = (job.facts)(&a.file)?;
    let what = job.work;
    if a.extra.is_empty() && a.shards > units {
        anyhow::bail!(
            "--shards {}: {} has {units} {what}; use at most {units} shards",
            a.shards,
            a.file.display()
        );
    }
    Ok((job, name))
}

fn valid_time(t: &str) -> bool {
    let hms = t.split_once('-').map_or(t, |(d, rest)| {
        if d.bytes().all(|b| b.is_ascii_digit()) && !d.is_empty() {
            rest
        } else {
            ""
        }
    });
    let parts: Vec<&str> = hms.split(':').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1..]
            .iter()
            .all(|p| p.parse::<u32>().is_ok_and(|v| v < 60))
}

#[cfg(unix)]
fn make_executable(p: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> std::io::Result<()> {
    Ok(())
}

struct Scripts<'a> {
    job: &'static Registered,
    args: &'a SlurmArgs,
    out: &'a Path,
    cwd: &'a Path,
    exe: &'a Path,
    name: &'a str,
}

/// Every word below goes through [`quote`] (sh) or [`directive`] (#SBATCH).
impl Scripts<'_> {
    fn header(&self, job: &str, log: &str) -> Result<String, ShellError> {
        let a = self.args;
        let log = self.out.join("logs").join(log);
        // `log` ends in a Slurm pattern (%a); only the folder's `%` are literal.
        let dir = directive("--out", utf8("--out", self.out)?, true)?;
        let log_name = utf8("--out", &log)?[self.out.as_os_str().len()..].to_string();
        Ok(format!(
            "#!/bin/bash\n\
             # shellcheck disable=SC2016 # '$' in single quotes is a path's, meant literally\n\
             #SBATCH --job-name={}\n\
             #SBATCH --time={}\n\
             #SBATCH --mem={}\n\
             #SBATCH --cpus-per-task={}\n\
             #SBATCH --output={}{log_name}\"\n",
            directive("the spec's name", job, false)?,
            a.time,
            a.mem,
            a.cpus,
            &dir[..dir.len() - 1],
        ))
    }

    /// `MIGSIM` from the environment when set and not empty, else this binary.
    fn prologue(&self) -> Result<String, ShellError> {
        Ok(format!(
            "set -euo pipefail\n\
             if [ -z \"${{MIGSIM:-}}\" ]; then\n\
             \x20   MIGSIM={}\n\
             fi\n\
             export RAYON_NUM_THREADS=\"${{SLURM_CPUS_PER_TASK:-{}}}\"\n\
             cd -- {}\n",
            quote_path("the migsim binary", self.exe)?,
            self.args.cpus,
            quote_path("the current folder", self.cwd)?
        ))
    }

    /// One shard per array task 1..=N.
    fn array(&self) -> Result<String, ShellError> {
        let a = self.args;
        let (cmd, quiet) = (self.job.command, self.job.batch_flags);
        let extra: String = a.extra.iter().map(|e| format!(" {}", quote(e))).collect();
        let file = quote_path("FILE", &a.file)?;
        let shards = quote_path("--out", &self.out.join("shards"))?;
        let dir = quote_path("--out", self.out)?;
        Ok(format!(
            "{}#SBATCH --array=1-{n}\n\
             # migsim {cmd} FILE: shard $SLURM_ARRAY_TASK_ID of {n} per task, FILE below.\n\
             # Rerun one failed task K alone: sbatch --array=K {dir}/array.sbatch,\n\
             # then sbatch {dir}/merge.sbatch\n\
             {}\
             K=\"${{SLURM_ARRAY_TASK_ID:?run this script with sbatch (or set SLURM_ARRAY_TASK_ID)}}\"\n\
             exec \"$MIGSIM\" {cmd} {file} --shard \"$K/{n}\" --out {shards}/\"$K\"{quiet}{extra}\n",
            self.header(&format!("migsim-{}", self.name), "shard-%a.out")?,
            self.prologue()?,
            n = a.shards,
        ))
    }

    /// The merge of every shard into result/.
    fn merge(&self) -> Result<String, ShellError> {
        Ok(format!(
            "{}# Pools shards/* into result/ once every array task succeeded.\n\
             {}\
             exec \"$MIGSIM\" merge {}/* --out {}\n",
            self.header(&format!("migsim-{}-merge", self.name), "merge.out")?,
            self.prologue()?,
            quote_path("--out", &self.out.join("shards"))?,
            quote_path("--out", &self.out.join("result"))?,
        ))
    }

    /// Submit the array, then the merge with `--dependency=afterok`.
    fn submit(&self) -> Result<String, ShellError> {
        Ok(format!(
            "#!/bin/sh\n\
             # shellcheck disable=SC2016 # '$' in single quotes is a path's, meant literally\n\
             # Submit the shard array, then the merge once every shard succeeded.\n\
             set -eu\n\
             cd -- {}\n\
             jid=$(sbatch --parsable array.sbatch)\n\
             jid=${{jid%%;*}}\n\
             sbatch --dependency=afterok:\"$jid\" merge.sbatch\n\
             printf 'array job %s submitted; the merged result will be in %s\\n' \"$jid\" {}\n",
            quote_path("--out", self.out)?,
            quote_path("--out", &self.out.join("result"))?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_quotes() {
        for ok in ["01:00:00", "2-12:30:00", "00:05:09"] {
            assert!(valid_time(ok), "{ok}");
        }
        for bad in ["1:00", "01:60:00", "x-01:00:00", "01:00:00:00", ""] {
            assert!(!valid_time(bad), "{bad}");
        }
    }
}
