//! The generated Slurm scripts as a user meets them: written by `migsim
//! slurm` from a folder whose path holds a space, a single quote, `$` and
//! UTF-8, then linted (`bash -n`, `shellcheck`) and run with a clean
//! environment (`env -i`, no `MIGSIM`) from another working folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{bin, ok, s};

/// A folder name with the characters shells and sbatch get wrong.
pub const AWKWARD: &str = "it's a $dir ü%";

/// The scripts of one `migsim slurm` call and the folders around them.
pub struct Jobs {
    pub root: tempfile::TempDir,
    /// The folder `migsim slurm` ran in; it holds the spec as `spec file.toml`.
    pub cwd: PathBuf,
    /// `--out`: array.sbatch, merge.sbatch, submit.sh, logs/, shards/, result/.
    pub dir: PathBuf,
}

pub const SPEC_NAME: &str = "spec file.toml";

/// `migsim slurm CMD spec --shards N --out ... [-- extra]`, run in an
/// awkward folder holding a copy of `spec` (a file of the repository).
pub fn generate(cmd: &str, spec: &str, extra: &[&str], shards: usize) -> Jobs {
    generate_in(tempfile::tempdir().unwrap(), cmd, spec, extra, shards)
}

pub fn generate_in(
    root: tempfile::TempDir,
    cmd: &str,
    spec: &str,
    extra: &[&str],
    shards: usize,
) -> Jobs {
    let cwd = root.path().join(AWKWARD);
    std::fs::create_dir_all(&cwd).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join(spec), cwd.join(SPEC_NAME)).unwrap();
    let dir = cwd.join("jobs 'x'");
    let n = shards.to_string();
    let mut a = vec![cmd, SPEC_NAME, "--shards", &n, "--out", "jobs 'x'"];
    a.extend(["--time", "00:10:00", "--mem", "500M", "--cpus", "1"]);
    if !extra.is_empty() {
        a.push("--");
        a.extend_from_slice(extra);
    }
    let mut c = Command::new(bin());
    c.arg("slurm").args(&a).current_dir(&cwd);
    ok(&c.output().unwrap());
    Jobs { root, cwd, dir }
}

impl Jobs {
    pub fn scripts(&self) -> [PathBuf; 3] {
        ["array.sbatch", "merge.sbatch", "submit.sh"].map(|f| self.dir.join(f))
    }

    /// The same command in one process, in the same folder, into `one/`.
    pub fn one_process(&self, cmd: &str, extra: &[&str]) -> PathBuf {
        let one = self.root.path().join("one");
        let o = s(&one);
        let mut a = vec![cmd, SPEC_NAME, "--out", &o];
        a.extend_from_slice(extra);
        let mut c = Command::new(bin());
        c.args(&a).current_dir(&self.cwd);
        ok(&c.output().unwrap());
        one
    }
}

/// `bash -n` on every script, and `shellcheck` when it is installed (it
/// must be where `MIGSIM_REQUIRE_SHELLCHECK` is set, as in CI).
pub fn lint(scripts: &[PathBuf]) {
    for p in scripts {
        let out = Command::new("bash").arg("-n").arg(p).output().unwrap();
        assert!(
            out.status.success(),
            "bash -n {}: {}",
            p.display(),
            err(&out)
        );
    }
    let have = Command::new("shellcheck").arg("--version").output().is_ok();
    if !have {
        assert!(
            std::env::var_os("MIGSIM_REQUIRE_SHELLCHECK").is_none(),
            "shellcheck is not installed but MIGSIM_REQUIRE_SHELLCHECK is set"
        );
        eprintln!("SKIP shellcheck: not installed (apt-get install shellcheck)");
        return;
    }
    let out = Command::new("shellcheck").args(scripts).output().unwrap();
    assert!(
        out.status.success(),
        "shellcheck:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

pub fn err(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `env -i PATH=<path> VARS... bash|sh SCRIPT` from `/`: nothing of the
/// test's environment (no `MIGSIM`, no `SLURM_*` but those given).
pub fn clean_run(shell: &str, script: &Path, path: &str, vars: &[(&str, &str)]) -> Output {
    let mut c = Command::new("env");
    c.arg("-i").arg(format!("PATH={path}"));
    for (k, v) in vars {
        c.arg(format!("{k}={v}"));
    }
    c.arg(shell).arg(script).current_dir("/");
    c.output().unwrap()
}

pub const SYSTEM_PATH: &str = "/usr/local/bin:/usr/bin:/bin";
