"""calibrate (ii, smc, sbc), sensitivity and zenou against the CLI's files
and JSON at the same seed; progress and Ctrl-C of a calibration."""

import json
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import migsim
from conftest import ROOT

SENSITIVITY = ROOT / "scenarios" / "talent-unit-support-sensitivity.toml"
CAL = dict(reps=1, starts=1, max_iters=4, seed=3, n=400, no_heldout=True)


def without_time(d):
    """A result's JSON less its wall-clock fields."""
    if isinstance(d, dict):
        return {k: without_time(v) for k, v in d.items()
                if k not in ("elapsed_s", "events_per_s")}
    if isinstance(d, list):
        return [without_time(v) for v in d]
    return d


def cal_flags(kw):
    out = []
    for k, v in kw.items():
        out += ["--" + k.replace("_", "-")] + ([] if v is True else [str(v)])
    return out


def test_calibrate_ii_equals_cli(cli, tmp_path):
    want = json.loads(cli("calibrate", "talent", *cal_flags(CAL), "--out", tmp_path / "cli",
                          "--json"))
    seen = []
    r = migsim.calibrate("talent", progress=False, **CAL)
    assert without_time(r.to_dict()) == without_time(want)
    r.write(tmp_path / "py")
    assert (tmp_path / "py" / "calibrated.toml").read_bytes() == \
        (tmp_path / "cli" / "calibrated.toml").read_bytes()
    assert list(r.params.index) == [p["name"] for p in want["params"]]
    assert r.covariance.shape == (len(r.params), len(r.params))
    assert isinstance(r.targets, pd.DataFrame) and len(r.targets) == len(want["targets"])
    assert "talent" in repr(r) and r.summary()
    other = migsim.calibrate("talent", progress=False, **{**CAL, "seed": 4})
    assert other.to_dict()["params"] != r.to_dict()["params"]
    del seen


def test_calibrate_reports_progress_and_refuses_bad_options():
    calls = []
    migsim.calibrate("talent", progress=lambda d, t: calls.append((d, t)), **CAL)
    assert calls and all(0 < d <= t for d, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    with pytest.raises(migsim.InputError, match="--sbc K needs --method smc"):
        migsim.calibrate("talent", sbc=3, **CAL)
    with pytest.raises(migsim.InputError, match="unexpected argument .--colour"):
        migsim.calibrate("talent", colour=1)
    with pytest.raises(migsim.InputError, match="write"):
        migsim.calibrate("talent", out="x")


SMC = dict(method="smc", particles=16, moves=1, predictive=4, reps=1, seed=3, n=400,
           no_heldout=True)


def test_calibrate_smc_and_sbc_equal_cli(cli, tmp_path):
    flags = cal_flags(SMC)
    want = json.loads(cli("calibrate", "talent", *flags, "--out", tmp_path / "cli", "--json"))
    r = migsim.calibrate("talent", progress=False, **SMC)
    assert without_time(r.to_dict()) == without_time(want)
    r.write(tmp_path / "py")
    assert (tmp_path / "py" / "posterior.csv").read_bytes() == \
        (tmp_path / "cli" / "posterior.csv").read_bytes()
    assert len(r.draws) == SMC["particles"]
    want = json.loads(cli("calibrate", "talent", *flags, "--sbc", 2, "--out", tmp_path / "cs",
                          "--json"))
    s = migsim.calibrate("talent", progress=False, sbc=2, **SMC)
    assert without_time(s.to_dict()) == without_time(want)
    s.write(tmp_path / "ps")
    for name in ("sbc_ranks.csv", "sbc_ranks.svg"):
        assert (tmp_path / "ps" / name).read_bytes() == (tmp_path / "cs" / name).read_bytes()
    assert len(s.ranks) == 2


def test_ctrl_c_stops_a_calibration(tmp_path):
    # 'started' is printed when the first cohort reports progress, so the
    # signal arrives mid-calibration however fast the machine is (a fixed
    # sleep let a quiet machine finish first).
    code = (
        "import migsim\n"
        "seen = []\n"
        "def tell(done, total):\n"
        "    if not seen:\n"
        "        seen.append(done)\n"
        "        print('started', flush=True)\n"
        "migsim.calibrate('talent', progress=tell, reps=8, starts=4, max_iters=400, n=20000)\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "started"
    assert p.poll() is None, "the calibration finished before the signal: make it longer"
    t0 = time.perf_counter()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    took = time.perf_counter() - t0
    assert "KeyboardInterrupt" in err, err
    assert p.returncode != 0
    assert took < 2.5, took


def small_sensitivity():
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib
    with open(SENSITIVITY, "rb") as f:
        d = tomllib.load(f)
    d["n"] = 300
    d["sensitivity"]["n"] = 4
    return d


def test_sensitivity_equals_cli_files(cli, tmp_path):
    from test_sim import _toml

    d = small_sensitivity()
    path = tmp_path / "s.toml"
    path.write_text(_toml(d))
    cli("sensitivity", path, "--out", tmp_path / "cli")
    r = migsim.sensitivity(path, progress=False)
    r.write(tmp_path / "py")
    for name in ("indices.csv", "design.csv", "sensitivity.json"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    assert set(r.indices.columns) >= {"metric", "intervention", "param", "s1", "st"}
    assert len(r.design) > 0 and "<html" in r.report_html().lower()
    m = migsim.sensitivity(d, method="morris", n=3, progress=False)
    assert set(m.indices.columns) >= {"mu_star", "sigma"}
    assert m.to_dict()["method"] == "morris"


def test_zenou_equals_cli_json(cli):
    args = ["--lambda", 0.4, "--delta", 0.1, "--omega", 0.3]
    want = json.loads(cli("zenou", *args, "--json"))
    got = migsim.zenou(0.4, 0.1, 0.3)
    assert got.to_dict() == want and got["e_star"] == want["e_star"]
    want = json.loads(cli("zenou", *args, "--agents", 2000, "--t-end", 20, "--seed", 5,
                          "--record-every", 5, "--json"))
    got = migsim.zenou(lambda_=0.4, delta=0.1, omega=0.3, agents=2000, t_end=20, seed=5,
                       record_every=5)
    assert without_time(got.to_dict()) == without_time(want)
    assert len(got.series) == len(want["series"])
    with pytest.raises(migsim.InputError, match="omega"):
        migsim.zenou(0.4, 0.1, 2.0)


def test_zenou_progress_leaves_the_result_unchanged():
    # About 2.2e6 events: the engine reports every 2^20 events and at the end.
    kw = dict(agents=400_000, t_end=6, seed=4)
    seen = []
    told = migsim.zenou(1.0, 0.3, 0.4, progress=lambda d, t: seen.append((d, t)), **kw)
    quiet = migsim.zenou(1.0, 0.3, 0.4, progress=False, **kw)
    assert without_time(told.to_dict()) == without_time(quiet.to_dict())
    assert seen and all(t == 1000 and 0 <= d <= t for d, t in seen), seen
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:])), seen


def test_zenou_without_progress_is_silent():
    code = ("import migsim\n"
            "migsim.zenou(1.0, 0.3, 0.4, progress=False, agents=400000, t_end=6)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""


def test_ctrl_c_stops_an_engine_run():
    # 'started' is printed at the engine's first progress report (after 2^20
    # events), so the signal arrives mid-run however fast the machine is; the
    # run would take minutes (about 3.6e9 events).
    code = (
        "import migsim\n"
        "seen = []\n"
        "def tell(done, total):\n"
        "    if not seen:\n"
        "        seen.append(done)\n"
        "        print('started', flush=True)\n"
        "migsim.zenou(1.0, 0.3, 0.4, progress=tell, agents=20_000_000, t_end=200)\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "started"
    assert p.poll() is None, "the run finished before the signal: make it longer"
    t0 = time.perf_counter()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    took = time.perf_counter() - t0
    assert "KeyboardInterrupt" in err, err
    assert p.returncode != 0
    assert took < 1.0, took
