"""Cross-validated evaluation of configurations: metrics, splits, and time-limited trials."""

from ._cv import (
    COMPLETE,
    FAILED,
    TIMEOUT,
    TrialResult,
    describe_error,
    evaluate_config,
    fit_pipeline,
    full_proba,
    make_splits,
)
from ._metrics import (
    DEFAULT_METRIC,
    METRICS,
    Metric,
    ScorerMetric,
    clipped_probabilities,
    default_metrics,
    get_metric,
    resolve_metric,
)
from ._runner import RefitError, TrialRunner, WorkerStartError, available_cpus, default_n_threads

__all__ = [
    "COMPLETE",
    "DEFAULT_METRIC",
    "FAILED",
    "METRICS",
    "TIMEOUT",
    "Metric",
    "RefitError",
    "ScorerMetric",
    "TrialResult",
    "TrialRunner",
    "WorkerStartError",
    "available_cpus",
    "clipped_probabilities",
    "default_metrics",
    "default_n_threads",
    "describe_error",
    "evaluate_config",
    "fit_pipeline",
    "full_proba",
    "get_metric",
    "make_splits",
    "resolve_metric",
]
