"""cohort, settings and run against the CLI's files at the same seed; Ctrl-C."""

import json
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import migsim
from conftest import ROOT

SCENARIO = ROOT / "scenarios" / "enclave-platform.toml"


def test_cohort_equals_cli_file(cli, tmp_path):
    out = tmp_path / "c.csv"
    cli("cohort", "enclave", "--n", 800, "--seed", 7, "--out", out)
    want = pd.read_csv(out)
    got = migsim.cohort("enclave", n=800, seed=7)
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=0, atol=0)
    other = migsim.cohort("enclave", n=800, seed=8)
    assert not other.equals(got)


def test_cohort_settings_and_scenario(cli, tmp_path):
    out = tmp_path / "c.csv"
    cli("cohort", "enclave", "--n", 300, "--seed", 2, "--scenario", SCENARIO, "--intervention",
        "platform-50", "--out", out)
    got = migsim.cohort("enclave", n=300, seed=2, scenario=SCENARIO, intervention="platform-50")
    pd.testing.assert_frame_equal(got, pd.read_csv(out), check_dtype=False, rtol=0, atol=0)
    with pytest.raises(migsim.InputError):
        migsim.cohort("enclave", n=100, settings={"no.such.key": 1})
    with pytest.raises(migsim.InputError, match="study"):
        migsim.cohort("nosuch")


def test_settings_table(cli):
    df = migsim.settings("enclave")
    assert list(df.columns[:6]) == ["key", "default", "lower", "upper", "unit", "meaning"]
    want = json.loads(cli("settings", "enclave", "--json"))
    assert list(df.key) == [r["key"] for r in want]


def small_scenario():
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib
    with open(SCENARIO, "rb") as f:
        d = tomllib.load(f)
    d["replications"] = 4
    d["n"] = 1500
    return d


def test_run_equals_cli_files(cli, tmp_path):
    d = small_scenario()
    import json as _j
    toml_path = tmp_path / "s.toml"
    # The CLI reads the same scenario through a file written from the dict.
    toml_path.write_text(_toml(d))
    cli("run", toml_path, "--out", tmp_path / "cli")
    r = migsim.run(d, progress=False)
    r.write(tmp_path / "py")
    for name in ("replications.csv", "paths.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    a = _j.loads((tmp_path / "cli" / "summary.json").read_text())
    assert a["effects"] == r.summary["effects"]
    assert set(r.replications.columns) >= {"replication", "arm", "metric", "value"}
    reps = r.replications
    lv = r.levels.set_index(["arm", "metric"])
    assert len(lv) == len(reps.groupby(["arm", "metric"]))
    base = reps[(reps.arm == "baseline") & (reps.metric == "share_up")].value
    assert lv.loc[("baseline", "share_up"), "mean"] == pytest.approx(base.mean(), rel=1e-12)
    assert "<html" in r.report_html().lower()
    r2 = migsim.run(d, progress=False)
    assert r2.summary == r.summary


def _toml(d):
    def val(v):
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {val(x)}" for k, x in v.items()) + " }"
        return repr(v)
    out, tables = [], []
    for k, v in d.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            for item in v:
                tables.append(f"[[{k}]]\n" + "\n".join(f"{a} = {val(b)}" for a, b in item.items()))
        elif isinstance(v, dict):
            tables.append(f"[{k}]\n" + "\n".join(f"{json.dumps(a)} = {val(b)}" for a, b in v.items()))
        else:
            out.append(f"{k} = {val(v)}")
    return "\n".join(out) + "\n\n" + "\n\n".join(tables) + "\n"


def test_ctrl_c_stops_a_long_run(tmp_path):
    d = small_scenario()
    d["replications"] = 400
    d["n"] = 4000
    outdir = tmp_path / "never"
    code = (
        "import json, sys, migsim\n"
        f"d = json.loads({json.dumps(json.dumps(d))})\n"
        "print('started', flush=True)\n"
        "r = migsim.run(d, progress=False)\n"
        f"r.write({str(outdir)!r})\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "started"
    time.sleep(1.5)
    assert p.poll() is None, "the run finished before the signal: make it longer"
    t0 = time.perf_counter()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    took = time.perf_counter() - t0
    assert "KeyboardInterrupt" in err, err
    assert p.returncode != 0
    assert took < 2.5, took
    assert not outdir.exists()


def test_recover_equals_cli_files(cli, tmp_path):
    spec = ROOT / "scenarios" / "recovery" / "logit_well_specified.toml"
    cli("recover", spec, "--reps", 6, "--n", 400, "--seed", 5, "--out", tmp_path / "cli", "--quiet")
    r = migsim.recover(spec, reps=6, n=400, seed=5, progress=False)
    r.write(tmp_path / "py")
    for name in ("diagnosands.csv", "replications.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    assert len(r.replications) > 0 and len(r.diagnosands) > 0
    with pytest.raises(migsim.InputError, match="--reps must be at least 1"):
        migsim.recover(spec, reps=0)


def test_replicate_equals_cli_json(cli):
    want = json.loads(cli("replicate", "enclave", "--n", 1500, "--seed", 3, "--json"))
    got = migsim.replicate("enclave", n=1500, seed=3)
    assert got.to_dict() == want
    assert len(got.rows) == len(want["rows"])
