//! `migsim slurm` (recover, run, sensitivity): the generated array script, run
//! locally once per task id (no Slurm) with a clean environment from another
//! folder, and the merge script give the files of a one-process run, with
//! paths holding a space, a quote, `$` and UTF-8; the scripts pass `bash -n`
//! and `shellcheck`; `submit.sh` chains the merge after the array with
//! `--dependency=afterok`. tests/slurm_real.rs runs them on a real Slurm.

mod shard_common;

use std::process::Command;

use shard_common::slurm::*;
use shard_common::*;

fn check(cmd: &str, spec: &str, extra: &[&str], shards: usize) {
    let jobs = generate(cmd, spec, extra, shards);
    let array = std::fs::read_to_string(jobs.dir.join("array.sbatch")).unwrap();
    for want in [
        format!("#SBATCH --array=1-{shards}"),
        "#SBATCH --time=00:10:00".into(),
        "#SBATCH --mem=500M".into(),
        "#SBATCH --cpus-per-task=1".into(),
        // sbatch reads the folder's `%` as a pattern unless doubled.
        format!(
            "#SBATCH --output=\"{}\"",
            s(&jobs.dir.join("logs/shard-%a.out"))
                .replace('%', "%%")
                .replace("%%a.out", "%a.out")
        ),
    ] {
        assert!(array.contains(&want), "{want} not in\n{array}");
    }
    lint(&jobs.scripts());
    let n = shards.to_string();
    for k in 1..=shards {
        let id = k.to_string();
        let out = clean_run(
            "bash",
            &jobs.dir.join("array.sbatch"),
            SYSTEM_PATH,
            &[("SLURM_ARRAY_TASK_ID", &id), ("SLURM_ARRAY_TASK_COUNT", &n)],
        );
        assert!(out.status.success(), "array task {k}: {}", err(&out));
    }
    let out = clean_run("bash", &jobs.dir.join("merge.sbatch"), SYSTEM_PATH, &[]);
    assert!(out.status.success(), "merge: {}", err(&out));
    let one = jobs.one_process(cmd, extra);
    assert_same_files(&one, &jobs.dir.join("result"));

    // submit.sh with a stand-in `sbatch` that logs its arguments and folder.
    let fake = jobs.root.path().join("bin");
    std::fs::create_dir_all(&fake).unwrap();
    let log = jobs.root.path().join("sbatch.log");
    std::fs::write(
        fake.join("sbatch"),
        format!(
            "#!/bin/sh\necho \"$(pwd)|$*\" >> '{}'\necho '4242;cluster'\n",
            log.display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(fake.join("sbatch"))
        .status()
        .unwrap();
    let path = format!("{}:{SYSTEM_PATH}", fake.display());
    let out = clean_run("sh", &jobs.dir.join("submit.sh"), &path, &[]);
    assert!(out.status.success(), "{}", err(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!(
            "array job 4242 submitted; the merged result will be in {}",
            s(&jobs.dir.join("result"))
        )),
        "{said}"
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = calls.lines().collect();
    let d = s(&jobs.dir);
    assert_eq!(
        lines,
        [
            format!("{d}|--parsable array.sbatch"),
            format!("{d}|--dependency=afterok:4242 merge.sbatch")
        ]
    );
}

/// An array task run by hand without Slurm's task id says how to run it.
#[test]
fn slurm_array_script_without_task_id_names_sbatch() {
    let jobs = generate("run", RUN_SPEC, &[], 2);
    let out = clean_run("bash", &jobs.dir.join("array.sbatch"), SYSTEM_PATH, &[]);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("run this script with sbatch"),
        "{}",
        err(&out)
    );
}

/// `MIGSIM` set in the environment replaces the binary written in.
#[test]
fn slurm_scripts_take_migsim_from_the_environment() {
    let jobs = generate("run", RUN_SPEC, &[], 2);
    let fake = jobs.root.path().join("fake migsim");
    let said = jobs.root.path().join("said");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n", said.display()),
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&fake).status().unwrap();
    let f = s(&fake);
    let out = clean_run(
        "bash",
        &jobs.dir.join("array.sbatch"),
        SYSTEM_PATH,
        &[("SLURM_ARRAY_TASK_ID", "2"), ("MIGSIM", &f)],
    );
    assert!(out.status.success(), "{}", err(&out));
    let args = std::fs::read_to_string(&said).unwrap();
    let shard_out = s(&jobs.dir.join("shards/2"));
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        [
            "run",
            SPEC_NAME,
            "--shard",
            "2/2",
            "--out",
            shard_out.as_str()
        ]
    );
}

#[test]
fn slurm_recover_script_run_locally_matches_one_process() {
    let extra = ["--reps", "5", "--n", "150"];
    check("recover", RECOVER_SPEC, &extra, 3);
}

#[test]
fn slurm_run_script_run_locally_matches_one_process() {
    check("run", RUN_SPEC, &[], 2);
}

#[test]
fn slurm_sensitivity_script_run_locally_matches_one_process() {
    check("sensitivity", SENSITIVITY_SPEC, &[], 3);
}

#[test]
fn slurm_rejects_bad_options() {
    let root = tempfile::tempdir().unwrap();
    let j = s(root.path());
    for (opt, val, want) in [
        ("--time", "90", "--time"),
        ("--mem", "lots", "--mem"),
        ("--shards", "0", "--shards"),
        ("--shards", "8", "at most 7"),
    ] {
        let mut a = vec!["slurm", "run", RUN_SPEC, "--out", &j, opt, val];
        if opt != "--shards" {
            a.extend(["--shards", "2"]);
        }
        let err = fails(&migsim(&a));
        assert!(err.contains(want), "{opt} {val}: {err}");
    }
    // Sensitivity shards are design rows: 32 here.
    let a = [
        "slurm",
        "sensitivity",
        SENSITIVITY_SPEC,
        "--out",
        &j,
        "--shards",
        "33",
    ];
    let err = fails(&migsim(&a));
    assert!(err.contains("32 design rows"), "{err}");
}
