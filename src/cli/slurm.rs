//! `migsim slurm <recover|run|sensitivity> FILE --shards N --out DIR`: a Slurm job-array
//! script running one shard per task, a merge job, and `submit.sh`, which
//! submits the array and chains the merge with `--dependency=afterok`.
//!
//! The array script passes `--shard $SLURM_ARRAY_TASK_ID/N` with `N` written
//! in, rather than `--shard auto`, so that rerunning one failed task alone
//! (`sbatch --array=K array.sbatch`, where Slurm's task count is 1) still
//! runs shard K of N.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::io::write_atomic;
use crate::shard::recovery::SpecInput;
use crate::shard::scenario::ScenarioInput;
use crate::shard::sensitivity::SensitivityInput;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SlurmCommand {
    Recover,
    Run,
    Sensitivity,
}

#[derive(Debug, Args)]
pub struct SlurmArgs {
    /// The command every array task runs on its shard.
    pub command: SlurmCommand,
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

pub fn run(args: SlurmArgs) -> anyhow::Result<()> {
    check(&args)?;
    std::fs::create_dir_all(args.out.join("logs"))?;
    let out = std::fs::canonicalize(&args.out)?;
    let cwd = std::env::current_dir()?;
    let exe = std::env::current_exe()?;
    let name = match args.command {
        SlurmCommand::Recover => SpecInput::load(&args.file)?.spec.name,
        SlurmCommand::Run | SlurmCommand::Sensitivity => ScenarioInput::load(&args.file)?.scn.name,
    };
    let scripts = Scripts {
        args: &args,
        out: &out,
        cwd: &cwd,
        exe: &exe,
        name: &name,
    };
    write_atomic(&out.join("array.sbatch"), scripts.array().as_bytes())?;
    write_atomic(&out.join("merge.sbatch"), scripts.merge().as_bytes())?;
    let submit = out.join("submit.sh");
    write_atomic(&submit, scripts.submit().as_bytes())?;
    make_executable(&submit)?;
    println!(
        "wrote {}/{{array.sbatch, merge.sbatch, submit.sh}}: {} shards",
        out.display(),
        args.shards
    );
    println!("submit with: sh {}", submit.display());
    Ok(())
}

fn check(a: &SlurmArgs) -> anyhow::Result<()> {
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
    let (units, what) = match a.command {
        SlurmCommand::Recover => (SpecInput::load(&a.file)?.spec.reps, "replications"),
        SlurmCommand::Run => (
            ScenarioInput::load(&a.file)?.total(),
            "replications and parameter draws",
        ),
        SlurmCommand::Sensitivity => (
            SensitivityInput::load(&a.file, None, None)?.total()?,
            "design rows",
        ),
    };
    if a.extra.is_empty() && a.shards > units {
        anyhow::bail!(
            "--shards {}: {} has {units} {what}; use at most {units} shards",
            a.shards,
            a.file.display()
        );
    }
    Ok(())
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

/// Single-quote `s` for sh.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn qp(p: &Path) -> String {
    q(&p.display().to_string())
}

struct Scripts<'a> {
    args: &'a SlurmArgs,
    out: &'a Path,
    cwd: &'a Path,
    exe: &'a Path,
    name: &'a str,
}

impl Scripts<'_> {
    fn header(&self, job: &str, log: &str) -> String {
        let a = self.args;
        format!(
            "#!/bin/bash\n\
             #SBATCH --job-name={job}\n\
             #SBATCH --time={}\n\
             #SBATCH --mem={}\n\
             #SBATCH --cpus-per-task={}\n\
             #SBATCH --output={}\n",
            a.time,
            a.mem,
            a.cpus,
            self.out.join("logs").join(log).display()
        )
    }

    fn prologue(&self) -> String {
        format!(
            "set -euo pipefail\n\
             MIGSIM=\"${{MIGSIM:-{}}}\"\n\
             export RAYON_NUM_THREADS=\"${{SLURM_CPUS_PER_TASK:-{}}}\"\n\
             cd {}\n",
            qp(self.exe),
            self.args.cpus,
            qp(self.cwd)
        )
    }

    /// One shard per array task 1..=N.
    fn array(&self) -> String {
        let a = self.args;
        let (cmd, quiet) = match a.command {
            SlurmCommand::Recover => ("recover", " --quiet"),
            SlurmCommand::Run => ("run", ""),
            SlurmCommand::Sensitivity => ("sensitivity", ""),
        };
        let extra: String = a.extra.iter().map(|e| format!(" {}", q(e))).collect();
        format!(
            "{}#SBATCH --array=1-{n}\n\
             # migsim {cmd} {file}: shard $SLURM_ARRAY_TASK_ID of {n} per task.\n\
             # Rerun one failed task alone: sbatch --array=K array.sbatch, then sbatch merge.sbatch\n\
             {}\
             K=\"${{SLURM_ARRAY_TASK_ID:?run this script with sbatch (or set SLURM_ARRAY_TASK_ID)}}\"\n\
             exec \"$MIGSIM\" {cmd} {} --shard \"$K/{n}\" --out {}/\"$K\"{quiet}{extra}\n",
            self.header(&format!("migsim-{}", self.name), "shard-%a.out"),
            self.prologue(),
            qp(&a.file),
            qp(&self.out.join("shards")),
            n = a.shards,
            file = a.file.display(),
        )
    }

    /// The merge of every shard into result/.
    fn merge(&self) -> String {
        format!(
            "{}# Pools shards/* into result/ once every array task succeeded.\n\
             {}\
             exec \"$MIGSIM\" merge {}/* --out {}\n",
            self.header(&format!("migsim-{}-merge", self.name), "merge.out"),
            self.prologue(),
            qp(&self.out.join("shards")),
            qp(&self.out.join("result")),
        )
    }

    /// Submit the array, then the merge with `--dependency=afterok`.
    fn submit(&self) -> String {
        format!(
            "#!/bin/sh\n\
             # Submit the shard array, then the merge once every shard succeeded.\n\
             set -eu\n\
             cd {}\n\
             jid=$(sbatch --parsable array.sbatch)\n\
             jid=${{jid%%;*}}\n\
             sbatch --dependency=afterok:\"$jid\" merge.sbatch\n\
             echo \"array job $jid submitted; the merged result will be in {}\"\n",
            qp(self.out),
            self.out.join("result").display()
        )
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
        assert_eq!(q("a'b"), r"'a'\''b'");
    }
}
