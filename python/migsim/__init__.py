"""migsim from Python: the library's estimators, cohorts and scenario runs.

Every call goes to the Rust library (the same code as the ``migsim`` CLI):
option spellings, defaults, result shapes and error messages exist once,
there. Data frames are read through the Arrow PyCapsule interface
(``__arrow_c_stream__``: pandas >= 2.2, polars >= 1.3, pyarrow >= 14); a
float64 column is read in place, so the design matrix is the first copy.
"""

from ._native import EstimationError, InputError, OutputError, __version__
from ._api import cohort, fit, recover, replicate, run, settings
from ._results import FitResult, RecoveryResult, ReplicationResult, RunResult

__all__ = [
    "fit",
    "cohort",
    "settings",
    "run",
    "recover",
    "replicate",
    "RecoveryResult",
    "ReplicationResult",
    "FitResult",
    "RunResult",
    "InputError",
    "EstimationError",
    "OutputError",
    "__version__",
]
