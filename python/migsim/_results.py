"""Result objects: statsmodels-like accessors over the CLI's JSON and files."""

import io
import json

import pandas as pd

from . import _native


def _rows(rows, col):
    return pd.Series({r["name"]: r[col] for r in rows}, name=col, dtype=float)


class FitResult:
    """One fit. ``to_dict()`` is the CLI's ``--json`` object, ``summary()``
    its table."""

    def __init__(self, d, table, text_json):
        self._d = d
        self._table = table
        self._json = text_json

    @property
    def estimator(self):
        return self._d["estimator"]

    @property
    def nobs(self):
        return self._d["n"]

    @property
    def params(self):
        """Coefficients (then thresholds of ordered models), by name."""
        return _rows(self._d["coefficients"] + self._d.get("thresholds", []), "estimate")

    @property
    def bse(self):
        return _rows(self._d["coefficients"] + self._d.get("thresholds", []), "std_error")

    @property
    def pvalues(self):
        return _rows(self._d["coefficients"] + self._d.get("thresholds", []), "p_value")

    def conf_int(self):
        """95% intervals as a DataFrame with columns 0 and 1 (as statsmodels)."""
        rows = self._d["coefficients"] + self._d.get("thresholds", [])
        return pd.DataFrame({0: [r["ci_low"] for r in rows], 1: [r["ci_high"] for r in rows]},
                            index=[r["name"] for r in rows])

    def _table_of(self, key):
        rows = self._d.get(key, [])
        return pd.DataFrame(rows).set_index("name") if rows else pd.DataFrame(
            columns=["estimate", "std_error", "ci_low", "ci_high", "p_value"])

    @property
    def margins(self):
        """Average marginal effects (``margins=True``), one row per regressor."""
        return self._table_of("marginal_effects")

    @property
    def effects(self):
        return self._table_of("effects")

    @property
    def thresholds(self):
        return self._table_of("thresholds")

    @property
    def fit_stats(self):
        """Scalar statistics (log_likelihood, aic, bic, pseudo_r2, ...) and n, n_dropped."""
        s = dict(self._d["fit"])
        s["n"] = self._d["n"]
        s["n_dropped"] = self._d["info"]["n_dropped"]
        return pd.Series(s, dtype=float)

    @property
    def warnings(self):
        return list(self._d["info"].get("warnings", []))

    @property
    def converged(self):
        return self._d["info"]["converged"]

    def summary(self):
        """The table ``migsim fit`` prints."""
        return self._table

    def to_dict(self):
        """The object ``migsim fit --json`` prints."""
        return json.loads(self._json)

    def to_json(self):
        return self._json

    def __repr__(self):
        cov = self._d["info"].get("covariance")
        return (f"<migsim.FitResult {self.estimator} of {self._d['info']['dependent']}: "
                f"n={self.nobs}, {len(self._d['coefficients'])} coefficients, "
                f"covariance {cov}, converged={self.converged}>")

    def __str__(self):
        return self._table


class RunResult:
    """A scenario run: the files ``migsim run`` writes, with DataFrame views."""

    def __init__(self, files):
        self._files = files
        self.summary = json.loads(files["summary.json"])

    @property
    def effects(self):
        """One row per (metric, intervention): the effect and its 95% interval."""
        return pd.DataFrame(self.summary["effects"])

    @property
    def levels(self):
        """One row per (arm, metric): the mean, standard deviation and count of
        the metric over the replications (from replications.csv)."""
        reps = self.replications
        g = reps.groupby(["arm", "metric"], sort=False)["value"]
        return g.agg(["mean", "std", "count"]).reset_index()

    @property
    def replications(self):
        """replications.csv: one row per (replication, arm, metric)."""
        return pd.read_csv(io.BytesIO(self._files["replications.csv"]))

    @property
    def paths(self):
        """paths.csv: metrics over time, per arm."""
        return pd.read_csv(io.BytesIO(self._files["paths.csv"]))

    def report_html(self):
        return self._files["report.html"].decode()

    def report_markdown(self):
        return self._files["report.md"].decode()

    def write(self, directory):
        """Write the run's files into ``directory``, replacing a previous set whole."""
        return _native.write_files(str(directory), list(self._files.items()))

    def __repr__(self):
        s = self.summary
        return (f"<migsim.RunResult {s['scenario']} ({s['study']}): {len(s['arms'])} arms x "
                f"{s['replications']} replications, {len(s['effects'])} effects>")


class _Files:
    """Output files held in memory, written by :meth:`write` as one set."""

    def __init__(self, files):
        self._files = files

    def _csv(self, name):
        return pd.read_csv(io.BytesIO(self._files[name]))

    def write(self, directory):
        """Write the files into ``directory``, replacing a previous set whole."""
        return _native.write_files(str(directory), list(self._files.items()))


class RecoveryResult(_Files):
    """A Monte Carlo recovery: the files ``migsim recover`` writes."""

    def __init__(self, text, files):
        super().__init__(files)
        self._text = text
        self.summary = json.loads(files["diagnosands.json"])

    @property
    def diagnosands(self):
        """diagnosands.csv: bias, RMSE, coverage, ... per estimator and estimand."""
        return self._csv("diagnosands.csv")

    @property
    def replications(self):
        """replications.csv: one row per (replication, estimator, estimand)."""
        return self._csv("replications.csv")

    def __str__(self):
        return self._text

    def __repr__(self):
        return f"<migsim.RecoveryResult {self.summary.get('name', '')}>"


class ReplicationResult:
    """A study's published specifications beside their synthetic estimates."""

    def __init__(self, text_json, text):
        self._d = json.loads(text_json)
        self._text = text

    @property
    def rows(self):
        return pd.DataFrame(self._d["rows"])

    def summary(self):
        """The table ``migsim replicate`` prints."""
        return self._text

    def to_dict(self):
        return json.loads(json.dumps(self._d))

    def __repr__(self):
        return f"<migsim.ReplicationResult {self._d['study']}: {len(self._d['rows'])} rows>"


class _Result(_Files):
    """A result with its JSON (``to_dict()``), the command's text and files."""

    def __init__(self, text_json, text, files):
        super().__init__(files)
        self._d = json.loads(text_json)
        self._text = text

    def to_dict(self):
        """The object the command prints with ``--json``."""
        return json.loads(json.dumps(self._d))

    def summary(self):
        """The text the command prints."""
        return self._text

    def __str__(self):
        return self._text


class CalibrationResult(_Result):
    """Indirect inference (``method="ii"``): estimates, targets, held-out rows."""

    @property
    def params(self):
        """One row per free parameter: start, estimate, se, bounds."""
        return pd.DataFrame(self._d["params"]).set_index("name")

    @property
    def targets(self):
        """The target rows: published and simulated values at start and estimate."""
        return pd.DataFrame(self._d["targets"])

    @property
    def heldout(self):
        """Rows of ``migsim replicate`` not targeted, at the estimate."""
        return pd.DataFrame(self._d["heldout"])

    @property
    def fit(self):
        """Q, J, df, p-value, evaluations, convergence."""
        return dict(self._d["fit"])

    @property
    def covariance(self):
        names = [p["name"] for p in self._d["params"]]
        return pd.DataFrame(self._d["covariance"], index=names, columns=names)

    @property
    def warnings(self):
        return list(self._d["warnings"])

    def __repr__(self):
        f = self._d["fit"]
        return (f"<migsim.CalibrationResult {self._d['study']}: {len(self._d['params'])} "
                f"parameters, Q={f['q']:.4g}, converged={f['converged']}>")


class PosteriorResult(_Result):
    """Posterior draws (``method="smc"``): posterior.csv and posterior.json."""

    @property
    def draws(self):
        """posterior.csv: one row per particle, its weight and parameters."""
        return self._csv("posterior.csv")

    @property
    def params(self):
        """Posterior summaries per parameter."""
        return pd.DataFrame(self._d["params"]).set_index("name")

    @property
    def warnings(self):
        return list(self._d["warnings"])

    def __repr__(self):
        return (f"<migsim.PosteriorResult {self._d['study']}: {len(self._d['params'])} "
                f"parameters, ESS {self._d['ess']:.0f}>")


class SbcResult(_Result):
    """Simulation-based calibration (``sbc=K``): ranks and their uniformity."""

    @property
    def ranks(self):
        """sbc_ranks.csv: one row per prior draw, the truth and rank of each parameter."""
        return self._csv("sbc_ranks.csv")

    def __repr__(self):
        return f"<migsim.SbcResult {self._d['draws']} draws>"


def calibration_result(kind, text_json, text, files):
    cls = {"ii": CalibrationResult, "smc": PosteriorResult, "sbc": SbcResult}[kind]
    return cls(text_json, text, files)


class SensitivityResult(_Result):
    """A sensitivity analysis: the files ``migsim sensitivity`` writes."""

    def __init__(self, text_json, files):
        super().__init__(text_json, files["report.md"].decode(), files)

    @property
    def indices(self):
        """indices.csv: one row per (metric, intervention, param)."""
        return self._csv("indices.csv")

    @property
    def design(self):
        """design.csv: one row per design row, parameter values and outputs."""
        return self._csv("design.csv")

    @property
    def warnings(self):
        return list(self._d.get("warnings", []))

    def report_html(self):
        return self._files["report.html"].decode()

    def __repr__(self):
        return (f"<migsim.SensitivityResult {self._d['scenario']}: {self._d['method']}, "
                f"n={self._d['n']}, {len(self._d['indices'])} indices>")


class ZenouResult:
    """The Zenou dyad model: the object ``migsim zenou --json`` prints."""

    def __init__(self, text_json):
        self._d = json.loads(text_json)

    def __getitem__(self, key):
        return self._d[key]

    def __contains__(self, key):
        return key in self._d

    @property
    def series(self):
        """The share up over time (``record_every=``), as a DataFrame."""
        return pd.DataFrame(self._d.get("series", []))

    def to_dict(self):
        return json.loads(json.dumps(self._d))

    def __repr__(self):
        abm = f", abm_e={self._d['abm_e']:.4g}" if "abm_e" in self._d else ""
        return f"<migsim.ZenouResult e*={self._d['e_star']}{abm}>"
