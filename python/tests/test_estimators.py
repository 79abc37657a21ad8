"""Every estimator of `migsim fit` from Python equals the CLI's JSON on the
same data (the CSV the test writes), and statsmodels where it has the
model (ordered logit/probit, 1e-6)."""

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.sm_exceptions import ConvergenceWarning

import migsim


def causal_frame(n=1500, seed=5):
    """Known-parameter data for the causal and ordered estimators."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.normal(size=n)
    z = rng.normal(size=n)
    u = rng.normal(size=n)
    d = (0.3 * x1 + 0.8 * z + u > 0).astype(float)
    m = 0.5 * d + 0.4 * x1 + rng.normal(size=n)
    y = 1.0 + 0.5 * d + 0.3 * m + 0.4 * x1 - 0.2 * x2 + 0.5 * u + rng.normal(size=n)
    ybin = (0.2 * d + 0.5 * m + 0.3 * x1 + rng.logistic(size=n) > 0).astype(float)
    latent = 0.7 * x1 - 0.4 * x2 + rng.logistic(size=n)
    yord = np.digitize(latent, [-0.5, 0.8]).astype(float)
    s = (0.5 + 0.6 * x1 + 0.9 * z + rng.normal(size=n) > 0).astype(float)
    ysel = np.where(s == 1, 1.0 + 0.5 * x1 + rng.normal(size=n), np.nan)
    items = {f"i{j}": 0.8 * x1 + rng.normal(scale=0.6, size=n) for j in range(1, 5)}
    return pd.DataFrame(dict(x1=x1, x2=x2, z=z, d=d, m=m, y=y, ybin=ybin, yord=yord, s=s,
                             ysel=ysel, label=np.where(x2 > 0, "hi", "lo"), **items))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    df = causal_frame()
    path = tmp_path_factory.mktemp("est") / "d.csv"
    df.to_csv(path, index=False)
    return df, path


def flags(kw):
    out = []
    for k, v in kw.items():
        flag = "--" + k.replace("_", "-")
        if v is True:
            out.append(flag)
        else:
            out += [flag, ",".join(v) if isinstance(v, list) else str(v)]
    return out


def same(a, b, path="$"):
    """Equal JSON values, floats to 1e-10 (the CSV round trip is exact)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)):
        assert (math.isnan(a) and math.isnan(b)) or b == pytest.approx(a, rel=1e-10, abs=1e-12), \
            path
    else:
        assert a == b, path


CASES = [
    ("ols", dict(y="y", x=["x1", "x2"], robust=True)),
    ("logit", dict(y="ybin", x=["x1", "m"], margins=True)),
    ("probit", dict(y="ybin", x=["x1", "m", "x1:m"], interaction_effect="x1:m")),
    ("ologit", dict(y="yord", x=["x1", "x2"], brant=True)),
    ("oprobit", dict(y="yord", x=["x1", "x2"])),
    ("factor", dict(x=["i1", "i2", "i3", "i4"], method="ipf")),
    ("mediation", dict(y="ybin", x=["x1"], treatment="d", mediator="m", sims=200, seed=3,
                       outcome_model="probit", sensitivity=True)),
    ("psm", dict(y="y", x=["x1", "x2"], treatment="d", method="kernel", bandwidth=0.1,
                 ate=True)),
    ("psm", dict(y="y", x=["x1", "x2"], treatment="d", k=2, common_support=True)),
    ("heckman", dict(y="y", x=["x1", "x2"], treatment="d", instrument=["z"])),
    ("heckman", dict(y="ysel", x=["x1"], model="selection", select="s", zx=["x1", "z"],
                     method="twostep")),
    ("lewbel", dict(y="y", x=["x1", "x2"], treatment="m", robust=True)),
]


@pytest.mark.parametrize("est,kw", CASES, ids=[f"{e}-{i}" for i, (e, _) in enumerate(CASES)])
def test_estimator_equals_cli_json(data, cli, est, kw):
    df, path = data
    want = json.loads(cli("fit", est, "--data", path, *flags(kw), "--json"))
    got = migsim.fit(df, est, **kw)
    same(want, got.to_dict())
    table = cli("fit", est, "--data", path, *flags(kw))
    assert got.summary().strip() == table.strip()
    assert est in repr(got)


def test_factor_out_writes_the_score(data, cli, tmp_path):
    df, path = data
    cli("fit", "factor", "--data", path, "--x", "i1,i2,i3", "--out", tmp_path / "cli.csv")
    migsim.fit(df, "factor", x=["i1", "i2", "i3"], out=tmp_path / "py.csv")
    a, b = pd.read_csv(tmp_path / "cli.csv"), pd.read_csv(tmp_path / "py.csv")
    np.testing.assert_allclose(a.factor_score, b.factor_score, rtol=1e-12)


@pytest.mark.parametrize("est,distr", [("ologit", "logit"), ("oprobit", "probit")])
def test_ordered_equals_statsmodels(data, est, distr):
    df, _ = data
    r = migsim.fit(df, est, y="yord", x=["x1", "x2"])
    with warnings.catch_warnings():
        # Newton on statsmodels' numerical Hessian stalls a hair short of its
        # tolerance on the logit; the estimates agree to 1e-9 all the same.
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = OrderedModel(df.yord, df[["x1", "x2"]], distr=distr).fit(method="newton", disp=0,
                                                                      tol=1e-10, maxiter=100)
    np.testing.assert_allclose(r.params[["x1", "x2"]].values, ref.params[["x1", "x2"]].values,
                               rtol=1e-6)
    np.testing.assert_allclose(r.bse[["x1", "x2"]].values, ref.bse[["x1", "x2"]].values,
                               rtol=1e-6)
    # statsmodels: first cut point, then log increments.
    cut = ref.params.values[2:]
    cuts = np.cumsum(np.r_[cut[0], np.exp(cut[1:])])
    np.testing.assert_allclose(r.thresholds["estimate"].values, cuts, rtol=1e-6)
    assert r.fit_stats["log_likelihood"] == pytest.approx(ref.llf, rel=1e-9)


def test_refusals_name_the_option(data):
    df, _ = data
    with pytest.raises(migsim.InputError, match="--k applies to --method"):
        migsim.fit(df, "psm", y="y", x=["x1"], treatment="d", method="kernel", k=3)
    with pytest.raises(migsim.InputError, match="mediation needs the mediator column"):
        migsim.fit(df, "mediation", y="ybin", x=["x1"], treatment="d")
    with pytest.raises(migsim.InputError, match="does not take --instrument"):
        migsim.fit(df, "psm", y="y", x=["x1"], treatment="d", instrument="z")
    with pytest.raises(migsim.InputError, match="no column `nope`|`nope`"):
        migsim.fit(df, "lewbel", y="y", x=["nope"], treatment="m")
    with pytest.raises(migsim.InputError, match="invalid value 'x' for '--sims"):
        migsim.fit(df, "mediation", y="ybin", treatment="d", mediator="m", sims="x")
