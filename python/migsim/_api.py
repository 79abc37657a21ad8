"""The public functions: thin wrappers that pass their arguments to the library."""

import json
import os

import numpy as np
import pandas as pd

from . import _native, _progress
from ._results import FitResult, RunResult


def _as_arrow(data):
    """An object exporting ``__arrow_c_stream__`` (pandas, polars, pyarrow)."""
    if hasattr(data, "__arrow_c_stream__"):
        return data
    if isinstance(data, pd.DataFrame):  # pandas < 2.2
        import pyarrow as pa

        return pa.Table.from_pandas(data, preserve_index=False)
    raise _native.InputError(
        "data: expected a pandas or polars DataFrame or a pyarrow Table, got "
        + type(data).__name__
    )


def _terms(value, name):
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        if not all(isinstance(v, str) for v in value):
            raise _native.InputError(f"fit: `{name}` must be a list of column names / terms")
        return ",".join(value)
    raise _native.InputError(f"fit: `{name}` must be a string or a list of strings")


def fit(data, estimator, y=None, x=None, fe=None, cluster=None, robust=False,
        margins=False, subset=None, **options):
    """Fit ``estimator`` (ols, logit, probit, ologit, oprobit) to ``data``.

    ``x`` lists regressor terms (``"a"``, ``"a^2"``, ``"a:b"``), ``fe`` the
    fixed-effect columns (one dummy per level but the first), ``cluster`` a
    column for CR1 errors, ``robust`` HC1 errors, ``margins`` average marginal
    effects, ``subset`` a ``"COL OP VALUE"`` row filter. Further options as
    the CLI's flags with underscores: ``discrete``, ``brant``,
    ``interaction_effect``, ``max_iter``, ``tol``, ``lq``, ``lq_weight``.
    Rows with a missing value (NaN, None, pd.NA) in a used column are dropped
    listwise and counted in ``fit_stats``/``to_dict()['info']['n_dropped']``.
    The fit runs with the GIL released.
    """
    opts = {
        "y": y,
        "x": _terms(x, "x"),
        "fe": _terms(fe, "fe"),
        "cluster": cluster,
        "robust": bool(robust),
        "margins": bool(margins),
        "subset": subset,
    }
    opts.update(options)
    text_json, table = _native.fit(_as_arrow(data), str(estimator), json.dumps(opts))
    return FitResult(json.loads(text_json), table, text_json)


def _scenario_arg(scenario):
    if scenario is None:
        return None, None
    if isinstance(scenario, dict):
        return "json", json.dumps(scenario)
    if isinstance(scenario, (str, os.PathLike)):
        return "path", os.fspath(scenario)
    raise _native.InputError("scenario: expected a path or a dict of the TOML schema")


def cohort(study, n=None, seed=1, settings=None, scenario=None, intervention=None):
    """Simulate ``study``'s survey cohort (the columns of ``migsim cohort``,
    ``true_*`` included) as a DataFrame. ``settings`` maps dotted keys (see
    :func:`settings`) to values; ``scenario`` (path or dict) supplies its
    ``[baseline]`` (or ``intervention``'s) overrides and ``n``."""
    kind, src = _scenario_arg(scenario)
    cols = _native.cohort(str(study), n, int(seed), json.dumps(settings or {}), kind, src,
                          intervention)
    data = {}
    for name, values in cols:
        if isinstance(values, bytes):
            data[name] = np.frombuffer(values, dtype="<f8").copy()
        else:
            data[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def settings(study):
    """The settings registry of ``study``: key, default, lower, upper, unit, meaning."""
    rows = json.loads(_native.settings(str(study)))
    df = pd.DataFrame(rows)
    df["lower"] = df["lower"].astype(float).fillna(-np.inf)
    df["upper"] = df["upper"].astype(float).fillna(np.inf)
    first = ["key", "default", "lower", "upper", "unit", "meaning"]
    return df[first + [c for c in df.columns if c not in first]]


def run(scenario, progress=True):
    """Run a scenario (path of a TOML file, or a dict of the same schema):
    baseline vs counterfactuals with common random numbers. Ctrl-C stops it
    (KeyboardInterrupt) within about a simulation's time; nothing is written
    until :meth:`RunResult.write`."""
    kind, src = _scenario_arg(scenario)
    bar = _progress.make(progress, "migsim run")
    try:
        files = _native.run(kind, src, bar)
    finally:
        if bar is not None:
            bar.close()
    return RunResult(dict(files))


def recover(spec, reps=None, seed=None, n=None, progress=True):
    """Monte Carlo recovery of a spec file (e.g. scenarios/recovery/*.toml):
    fit its estimators on many simulated cohorts and compare with the truth.
    ``reps``, ``seed`` and ``n`` override the spec's, as the CLI's flags."""
    from ._results import RecoveryResult

    bar = _progress.make(progress, "migsim recover")
    try:
        text, files = _native.recover(os.fspath(spec), reps, seed, n, bar)
    finally:
        if bar is not None:
            bar.close()
    return RecoveryResult(text, dict(files))


def replicate(study, n=None, seed=1):
    """The study's published specifications on a synthetic cohort, side by side."""
    from ._results import ReplicationResult

    return ReplicationResult(*_native.replicate(str(study), n, int(seed)))
