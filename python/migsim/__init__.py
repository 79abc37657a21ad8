"""migsim from Python: the library's estimators, cohorts, scenario runs,
calibration, sensitivity analysis and the Zenou model.

Every call goes to the Rust library (the same code as the ``migsim`` CLI):
option spellings, defaults, result shapes and error messages exist once,
there. Data frames are read through the Arrow PyCapsule interface
(``__arrow_c_stream__``: pandas >= 2.2, polars >= 1.3, pyarrow >= 14); a
float64 column is read in place, so the design matrix is the first copy.
"""

from ._native import EstimationError, InputError, OutputError, __version__
from ._api import (calibrate, cohort, fit, recover, replicate, run, sensitivity, settings,
                   zenou)
from ._results import (CalibrationResult, FitResult, PosteriorResult, RecoveryResult,
                       ReplicationResult, RunResult, SbcResult, SensitivityResult, ZenouResult)

__all__ = [
    "fit",
    "cohort",
    "settings",
    "run",
    "recover",
    "replicate",
    "calibrate",
    "sensitivity",
    "zenou",
    "CalibrationResult",
    "PosteriorResult",
    "SbcResult",
    "SensitivityResult",
    "ZenouResult",
    "RecoveryResult",
    "ReplicationResult",
    "FitResult",
    "RunResult",
    "InputError",
    "EstimationError",
    "OutputError",
    "__version__",
]
