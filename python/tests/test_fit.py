"""migsim.fit against statsmodels and against the CLI's JSON on the same data."""

import json
import threading
import time

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
import statsmodels.api as sm

import migsim

X = ["x1", "x2", "d1", "x1:d1"]


def sm_design(df, y):
    d = df.dropna(subset=["x2"])
    X_ = pd.DataFrame({"x1": d.x1, "x2": d.x2, "d1": d.d1, "x1:d1": d.x1 * d.d1})
    dummies = pd.get_dummies(d[["city", "year"]].astype(str), drop_first=True, dtype=float)
    dummies.columns = [c.replace("_", "=") for c in dummies.columns]
    return d[y], sm.add_constant(pd.concat([X_, dummies], axis=1))


@pytest.mark.parametrize("est,y,model", [("logit", "ylogit", sm.Logit),
                                         ("probit", "yprobit", sm.Probit),
                                         ("ols", "yols", sm.OLS)])
def test_fit_equals_statsmodels(frame, est, y, model):
    r = migsim.fit(frame, est, y=y, x=X, fe=["city", "year"])
    yy, XX = sm_design(frame, y)
    ref = model(yy, XX).fit(**({} if est == "ols" else {"disp": 0, "tol": 1e-12}))
    assert list(r.params.index) == list(XX.columns)
    np.testing.assert_allclose(r.params.values, ref.params.values, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(r.bse.values, ref.bse.values, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(r.pvalues.values, ref.pvalues.values, rtol=1e-5, atol=1e-10)
    ci = r.conf_int()
    assert isinstance(ci, pd.DataFrame) and list(ci.index) == list(XX.columns)
    assert r.nobs == len(yy) and r.fit_stats["n_dropped"] == 15


def test_robust_cluster_and_margins_equal_statsmodels(frame):
    yy, XX = sm_design(frame, "ylogit")
    d = frame.dropna(subset=["x2"])
    groups = pd.factorize(d.city.astype(str) + d.year.astype(str))[0]
    frame = frame.assign(g=pd.factorize(frame.city.astype(str) + frame.year.astype(str))[0])
    r = migsim.fit(frame, "logit", y="ylogit", x=X, fe=["city", "year"], cluster="g")
    ref = sm.Logit(yy, XX).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
    # Stata's CR1 for likelihood models scales by G/(G-1) only; statsmodels
    # also by (n-1)/(n-k): undo that factor.
    n, k = XX.shape
    np.testing.assert_allclose(r.bse.values, ref.bse.values * np.sqrt((n - k) / (n - 1)),
                               rtol=1e-6)
    r = migsim.fit(frame, "logit", y="ylogit", x=["x1", "x2", "d1"], margins=True)
    d = frame.dropna(subset=["x2"])
    ref = sm.Logit(d.ylogit, sm.add_constant(d[["x1", "x2", "d1"]])).fit(disp=0, tol=1e-12)
    me = ref.get_margeff()
    np.testing.assert_allclose(r.margins["estimate"].values, me.margeff, rtol=1e-6)
    np.testing.assert_allclose(r.margins["std_error"].values, me.margeff_se, rtol=1e-6)


def test_fit_equals_cli_json(frame, cli, tmp_path):
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    for est, y, extra in [("probit", "yprobit", []), ("logit", "ylogit", ["--robust"])]:
        out = cli("fit", est, "--data", path, "--y", y, "--x", ",".join(X), "--fe", "city,year",
                  *extra, "--json")
        r = migsim.fit(frame, est, y=y, x=X, fe=["city", "year"], robust=bool(extra))
        a, b = json.loads(out), r.to_dict()
        assert a.keys() == b.keys()
        for ra, rb in zip(a["coefficients"], b["coefficients"]):
            assert ra["name"] == rb["name"]
            for k in ("estimate", "std_error", "p_value"):
                assert ra[k] == pytest.approx(rb[k], rel=1e-12, abs=1e-14)
        assert a["info"] == b["info"] and a["n"] == b["n"]
        table = cli("fit", est, "--data", path, "--y", y, "--x", ",".join(X), "--fe", "city,year",
                    *extra)
        assert table.splitlines()[0] == r.summary().splitlines()[0]


def test_pandas_polars_pyarrow_agree(frame):
    want = migsim.fit(frame, "logit", y="ylogit", x=X, fe=["city"]).to_dict()
    for data in (pl.from_pandas(frame), pa.Table.from_pandas(frame),
                 pl.from_pandas(frame).rechunk(), pl.concat([pl.from_pandas(frame[:1000]),
                                                            pl.from_pandas(frame[1000:])],
                                                           rechunk=False)):
        got = migsim.fit(data, "logit", y="ylogit", x=X, fe=["city"]).to_dict()
        assert got["coefficients"] == want["coefficients"]


def test_missing_cells_are_dropped_listwise_and_counted(frame, cli, tmp_path):
    df = frame.copy()
    df["x1"] = df["x1"].astype(object)
    df.loc[0, "x1"] = None
    df["d1"] = pd.array(np.where(np.arange(len(df)) == 1, np.nan, df["d1"]), dtype="Float64")
    df.loc[1, "d1"] = pd.NA
    df["x1"] = df["x1"].astype(float)
    r = migsim.fit(df, "logit", y="ylogit", x=X)
    assert r.fit_stats["n_dropped"] == 15 + 2
    path = tmp_path / "na.csv"
    df.to_csv(path, index=False)
    out = json.loads(cli("fit", "logit", "--data", path, "--y", "ylogit", "--x", ",".join(X),
                         "--json"))
    assert out["info"]["n_dropped"] == 17
    assert [c["estimate"] for c in out["coefficients"]] == pytest.approx(
        list(r.params.values), rel=1e-12)


def test_bad_input_raises_clear_exceptions(frame):
    df = frame.assign(word="a")
    with pytest.raises(migsim.InputError, match="no column `nope`"):
        migsim.fit(df, "logit", y="ylogit", x=["nope"])
    with pytest.raises(migsim.InputError, match="column `word` must be numeric"):
        migsim.fit(df, "logit", y="ylogit", x=["word"])
    with pytest.raises(migsim.InputError, match="no rows"):
        migsim.fit(df.iloc[:0], "logit", y="ylogit", x=["x1"])
    cat = df.assign(c=pd.Categorical(np.where(df.d1 > 0, "yes", "no")))
    with pytest.raises(migsim.InputError, match="column `c` must be numeric"):
        migsim.fit(cat, "logit", y="ylogit", x=["c"])
    with pytest.raises(ValueError, match="unknown estimator"):
        migsim.fit(df, "nosuch", y="ylogit", x=["x1"])
    with pytest.raises(migsim.InputError, match="unexpected argument .--colour"):
        migsim.fit(df, "logit", y="ylogit", x=["x1"], colour=1)
    with pytest.raises(migsim.EstimationError, match="separation"):
        sep = df.assign(s=df.ylogit)
        migsim.fit(sep, "logit", y="ylogit", x=["s"])
    with pytest.raises(migsim.InputError):
        migsim.fit([1, 2], "logit", y="y")


def test_subset_matches_filtering(frame):
    a = migsim.fit(frame, "logit", y="ylogit", x=["x1", "x2"], subset="d1 == 1").to_dict()
    b = migsim.fit(frame[frame.d1 == 1], "logit", y="ylogit", x=["x1", "x2"]).to_dict()
    assert a["coefficients"] == b["coefficients"]


def test_two_fits_in_two_threads_overlap(frame):
    big = pd.concat([frame] * 60, ignore_index=True)
    spans = []

    def work():
        t0 = time.perf_counter()
        migsim.fit(big, "probit", y="yprobit", x=X, fe=["city", "year"])
        spans.append((t0, time.perf_counter()))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (a0, a1), (b0, b1) = spans
    assert max(a0, b0) < min(a1, b1), spans


def test_repr_and_summary(frame):
    r = migsim.fit(frame, "logit", y="ylogit", x=["x1"])
    assert "logit" in repr(r) and "n=" in repr(r)
    assert "x1" in r.summary() and json.loads(r.to_json())["estimator"] == "logit"
