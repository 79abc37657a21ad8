from os import PathLike
from typing import Any, Mapping, Optional, Sequence, Union

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
def run(scenario: Scenario, progress: bool = ...) -> RunResult: ...

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
            n: Optional[int] = ..., progress: bool = ...) -> RecoveryResult: ...
def replicate(study: str, n: Optional[int] = ..., seed: int = ...) -> ReplicationResult: ...
