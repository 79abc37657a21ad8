from os import PathLike
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import pandas as pd

__version__: str

class InputError(ValueError): ...
class EstimationError(RuntimeError): ...
class OutputError(OSError): ...

class FitResult:
    estimator: str
    nobs: int
    params: pd.Series
    bse: pd.Series
    pvalues: pd.Series
    margins: pd.DataFrame
    effects: pd.DataFrame
    thresholds: pd.DataFrame
    fit_stats: pd.Series
    warnings: list[str]
    converged: bool
    def conf_int(self) -> pd.DataFrame: ...
    def summary(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...

class RunResult:
    summary: dict[str, Any]
    effects: pd.DataFrame
    levels: pd.DataFrame
    replications: pd.DataFrame
    paths: pd.DataFrame
    def report_html(self) -> str: ...
    def report_markdown(self) -> str: ...
    def write(self, directory: Union[str, PathLike[str]]) -> list[str]: ...

Terms = Union[str, Sequence[str], None]
Scenario = Union[str, PathLike[str], Mapping[str, Any]]

def fit(
    data: Any,
    estimator: str,
    y: Optional[str] = ...,
    x: Terms = ...,
    fe: Terms = ...,
    cluster: Optional[str] = ...,
    robust: bool = ...,
    margins: bool = ...,
    subset: Optional[str] = ...,
    **options: Any,
) -> FitResult: ...
def cohort(
    study: str,
    n: Optional[int] = ...,
    seed: int = ...,
    settings: Optional[Mapping[str, Any]] = ...,
    scenario: Optional[Scenario] = ...,
    intervention: Optional[str] = ...,
) -> pd.DataFrame: ...
def settings(study: str) -> pd.DataFrame: ...
Progress = Union[bool, Callable[[int, int], Any]]

def run(scenario: Scenario, progress: Progress = ...) -> RunResult: ...

class RecoveryResult:
    summary: dict[str, Any]
    diagnosands: pd.DataFrame
    replications: pd.DataFrame
    def write(self, directory: Union[str, PathLike[str]]) -> list[str]: ...

class ReplicationResult:
    rows: pd.DataFrame
    def summary(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

def recover(spec: Union[str, PathLike[str]], reps: Optional[int] = ..., seed: Optional[int] = ...,
            n: Optional[int] = ..., progress: Progress = ...) -> RecoveryResult: ...
def replicate(study: str, n: Optional[int] = ..., seed: int = ...) -> ReplicationResult: ...

class _Result:
    def to_dict(self) -> dict[str, Any]: ...
    def summary(self) -> str: ...
    def write(self, directory: Union[str, PathLike[str]]) -> list[str]: ...

class CalibrationResult(_Result):
    params: pd.DataFrame
    targets: pd.DataFrame
    heldout: pd.DataFrame
    fit: dict[str, Any]
    covariance: pd.DataFrame
    warnings: list[str]

class PosteriorResult(_Result):
    draws: pd.DataFrame
    params: pd.DataFrame
    warnings: list[str]

class SbcResult(_Result):
    ranks: pd.DataFrame

class SensitivityResult(_Result):
    indices: pd.DataFrame
    design: pd.DataFrame
    warnings: list[str]
    def report_html(self) -> str: ...

class ZenouResult:
    series: pd.DataFrame
    def __getitem__(self, key: str) -> Any: ...
    def __contains__(self, key: str) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

def calibrate(
    study: str, progress: Progress = ..., **options: Any
) -> Union[CalibrationResult, PosteriorResult, SbcResult]: ...
def sensitivity(
    scenario: Scenario, method: Optional[str] = ..., n: Optional[int] = ...,
    progress: Progress = ...,
) -> SensitivityResult: ...
def zenou(lambda_: float, delta: float, omega: float, progress: Progress = ...,
          **options: Any) -> ZenouResult: ...
