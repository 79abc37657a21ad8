"""The CLI's Parquet files read by pandas (and R's arrow where installed)
equal its CSV files; a Parquet file pandas wrote is read by `fit --data`."""

import json
import shutil
import subprocess

import pandas as pd
import pytest

from conftest import ROOT


def test_cohort_parquet_equals_csv(cli, tmp_path):
    for ext in ("csv", "parquet"):
        cli("cohort", "assets", "--n", 500, "--seed", 9, "--out", tmp_path / f"c.{ext}")
    a = pd.read_parquet(tmp_path / "c.parquet")
    b = pd.read_csv(tmp_path / "c.csv")
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_run_and_recover_rows_equal_csv(cli, tmp_path):
    text = (ROOT / "scenarios" / "enclave-platform.toml").read_text()
    scn = tmp_path / "s.toml"
    scn.write_text(text.replace("n = 4000", "n = 800").replace("replications = 12",
                                                               "replications = 3"))
    for fmt in ("csv", "parquet"):
        cli("run", scn, "--format", fmt, "--out", tmp_path / f"run-{fmt}")
    for name in ("replications", "paths"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "run-parquet" / f"{name}.parquet"),
                                      pd.read_csv(tmp_path / "run-csv" / f"{name}.csv"),
                                      check_exact=True)
    spec = ROOT / "scenarios" / "recovery" / "logit_well_specified.toml"
    for fmt in ("csv", "parquet"):
        cli("recover", spec, "--reps", 4, "--n", 300, "--format", fmt, "--out",
            tmp_path / f"rec-{fmt}", "--quiet")
    for name in ("replications", "diagnosands"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "rec-parquet" / f"{name}.parquet"),
                                      pd.read_csv(tmp_path / "rec-csv" / f"{name}.csv"),
                                      check_exact=True)


def test_fit_reads_a_parquet_file_pandas_wrote(cli, frame, tmp_path):
    frame.to_parquet(tmp_path / "d.parquet")          # snappy, pandas' default
    frame.to_csv(tmp_path / "d.csv", index=False)
    args = ["--y", "ylogit", "--x", "x1,x2,d1", "--fe", "city,year", "--json"]
    a = json.loads(cli("fit", "logit", "--data", tmp_path / "d.parquet", *args))
    b = json.loads(cli("fit", "logit", "--data", tmp_path / "d.csv", *args))
    assert a["coefficients"] == b["coefficients"] and a["info"]["n_dropped"] == 15
    frame.astype({"city": "category"}).to_parquet(tmp_path / "cat.parquet")
    c = json.loads(cli("fit", "logit", "--data", tmp_path / "cat.parquet", *args))
    assert c["coefficients"] == b["coefficients"]


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_r_arrow_reads_the_cohort(cli, tmp_path):
    probe = subprocess.run(["Rscript", "-e", "library(arrow)"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("R's arrow package is not installed")
    cli("cohort", "enclave", "--n", 400, "--seed", 2, "--out", tmp_path / "c.parquet")
    out = subprocess.run(["Rscript", "-e", f"d <- arrow::read_parquet('{tmp_path / 'c.parquet'}');"
                          " cat(nrow(d), ncol(d), sum(d$up))"], capture_output=True, text=True)
    want = pd.read_parquet(tmp_path / "c.parquet")
    assert out.stdout.split() == [str(len(want)), str(want.shape[1]), str(int(want.up.sum()))]
