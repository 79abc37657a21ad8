"""The public functions: thin wrappers that pass their arguments to the library."""

import json
import os

import numpy as np
import pandas as pd

from . import _native, _progress
from ._results import FitResult, RunResult


def _as_arrow(data):
    """An object exporting ``__arrow_c_stream__`` (pandas, polars, pyarrow)."""
    if isinstance(data, pd.DataFrame):
        return _pandas_table(data)
    if hasattr(data, "__arrow_c_stream__"):
        return data
    raise _native.InputError(
        "data: expected a pandas or polars DataFrame or a pyarrow Table, got "
        + type(data).__name__
    )


def _pandas_table(df):
    """A pandas DataFrame's columns as a pyarrow Table, none copied where it can be helped.

    A numpy float64 column lying contiguously in memory is lent as it is:
    its NaN cells stay NaN, which the library reads as missing and drops
    listwise (pyarrow's pandas conversion, behind ``DataFrame.__arrow_c_stream__``,
    would spend longer than the fit scanning them into null masks). Every
    other column (integers, booleans, nullable dtypes with ``pd.NA``, text,
    categoricals, strided numbers) goes through that conversion, one column
    at a time, with the names it would give.
    """
    import pyarrow as pa

    names, arrays = [], []
    for name, s in df.items():
        name = name if isinstance(name, str) else str(name)
        if name in names:
            raise _native.InputError(f"data: two columns are named `{name}`; rename one")
        names.append(name)
        v = s.to_numpy(copy=False) if s.dtype == np.float64 else None
        if v is not None and v.flags.c_contiguous:
            arrays.append(pa.array(v))
        else:
            arrays.append(pa.Array.from_pandas(s))
    return pa.Table.from_arrays(arrays, names=names)


def _plain(value):
    """numpy scalars and paths as JSON values (the keywords go to the CLI's parser)."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, tuple):
        return list(value)
    raise _native.InputError(f"option value {value!r} is not a string, number, boolean or list")


def _options(options):
    return json.dumps(options, default=_plain)


def fit(data, estimator, y=None, x=None, fe=None, cluster=None, robust=False,
        margins=False, subset=None, **options):
    """Fit ``estimator`` to ``data`` (a pandas or polars DataFrame or a pyarrow Table).

    Every estimator of ``migsim fit``: ols, logit, probit, ologit, oprobit;
    factor (the one-factor index of the ``x`` items); mediation, psm,
    heckman, lewbel (``treatment=``, ``instrument=``, ``mediator=``, ...).
    ``x`` lists regressor terms (``"a"``, ``"a^2"``, ``"a:b"``), ``fe`` the
    fixed-effect columns (one dummy per level but the first), ``cluster`` a
    column for CR1 errors, ``robust`` HC1 errors, ``margins`` average marginal
    effects, ``subset`` a ``"COL OP VALUE"`` row filter. Every other flag of
    ``migsim fit`` is a keyword with underscores: ``discrete=True``,
    ``max_iter=50``, ``method="kernel"``, ``outcome_model="probit"``,
    ``instrument=["z1", "z2"]``, ``seed=3``, ...; the CLI's defaults apply and
    its messages name a bad one (``migsim fit --help`` lists them).
    Rows with a missing value (NaN, None, pd.NA) in a used column are dropped
    listwise and counted in ``fit_stats``/``to_dict()['info']['n_dropped']``.
    The design estimators read float64 columns in place (the design matrix
    is the first copy; logit and probit on plain complete columns copy
    none); the fit runs with the GIL released.
    """
    opts = {"y": y, "x": x, "fe": fe, "cluster": cluster, "robust": bool(robust),
            "margins": bool(margins), "subset": subset}
    opts.update(options)
    text_json, table = _native.fit(_as_arrow(data), str(estimator), _options(opts))
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


def calibrate(study, progress=True, **options):
    """Calibrate ``study`` to its published tables, as ``migsim calibrate``.

    The keywords are the command's flags with underscores, with its defaults:
    ``method="ii"`` (indirect inference: point estimates, sandwich SEs, J
    test) or ``"smc"`` (posterior draws by tempered SMC), ``sbc=K`` (with
    ``method="smc"``: simulation-based calibration with K prior draws),
    ``targets=PATH``, ``free="KEY[=LO:HI],..."``, ``reps``, ``seed``, ``n``,
    ``starts``, ``max_iters``, ``self_check``, ``no_heldout``, ``particles``,
    ``moves``, ``predictive``. Returns a :class:`CalibrationResult` (ii), a
    :class:`PosteriorResult` (smc) or an :class:`SbcResult` (sbc), whose
    ``write(dir)`` writes the files ``--out DIR`` writes. Progress over the
    simulated cohorts; Ctrl-C stops it (KeyboardInterrupt) within about a
    cohort's time, writing nothing.
    """
    from ._results import calibration_result

    bar = _progress.make(progress, "migsim calibrate")
    try:
        kind, text_json, text, files = _native.calibrate(str(study), _options(options), bar)
    finally:
        if bar is not None:
            bar.close()
    return calibration_result(kind, text_json, text, dict(files))


def sensitivity(scenario, method=None, n=None, progress=True):
    """Global sensitivity of a scenario (path, or a dict of the TOML schema,
    with a ``[sensitivity]`` table), as ``migsim sensitivity``: ``method``
    ``"sobol"`` or ``"morris"`` and ``n`` (base samples or trajectories)
    default to the table's. Returns a :class:`SensitivityResult`; Ctrl-C
    stops it within about a simulation's time."""
    from ._results import SensitivityResult

    kind, src = _scenario_arg(scenario)
    bar = _progress.make(progress, "migsim sensitivity")
    try:
        text_json, files = _native.sensitivity(kind, src, _options({"method": method, "n": n}),
                                               bar)
    finally:
        if bar is not None:
            bar.close()
    return SensitivityResult(text_json, dict(files))


def zenou(lambda_, delta, omega, progress=True, **options):
    """The Zenou dyad model, as ``migsim zenou``: the analytic steady state
    e*, the existence condition, the ODE steady state and, with
    ``agents=N``, the agent-based estimate (keywords: the command's flags,
    ``t_end``, ``seed``, ``network``, ``record_every``, ``init_up``,
    ``batches``, ``max_hours``). Returns a :class:`ZenouResult`.

    The agent-based run shows a bar over simulated time (``progress=False``:
    silent; a ``(done, total)`` callable hears thousandths of ``t_end``) and
    Ctrl-C stops it (KeyboardInterrupt) within a fraction of a second; the
    result does not depend on ``progress``."""
    from ._results import ZenouResult

    opts = {"lambda": lambda_, "delta": delta, "omega": omega}
    opts.update(options)
    bar = _progress.make(progress, "migsim zenou") if "agents" in opts else None
    try:
        text = _native.zenou(_options(opts), bar)
    finally:
        if bar is not None:
            bar.close()
    return ZenouResult(text)
