"""Metrics by name. Every score is "greater is better", as scikit-learn's scorers are.

Losses are negated: ``log_loss`` is reported as ``-log_loss``; ``neg_root_mean_squared_error``
and ``neg_mean_absolute_error`` are negative by name.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from sklearn import metrics as skm
from sklearn.metrics import get_scorer

from ..task import TASK_DEFAULTS, TASKS, check_task, task_defaults

#: Default metric of each task type, read-only; derived from :data:`metaautoml.task.TASK_DEFAULTS`
#: (kept for compatibility: new code calls :func:`resolve_metric` or reads the table).
DEFAULT_METRIC: Mapping[str, str] = MappingProxyType(
    {task: defaults.metric for task, defaults in TASK_DEFAULTS.items()})


@dataclass(frozen=True)
class Metric:
    """A named metric computed from labels (or class probabilities) in one pass per fold.

    ``func(y_true, prediction, labels, sample_weight)`` gets class probabilities when
    ``needs_proba`` and predicted labels (or values) otherwise, and returns a "greater is
    better" score, weighting the rows by ``sample_weight`` when it is not ``None``.
    """

    name: str
    task: str
    needs_proba: bool
    func: Callable

    def __call__(self, y_true, prediction, labels=None, sample_weight=None) -> float:
        return float(self.func(y_true, prediction, labels, sample_weight))


def _roc_auc(y, proba, labels, w=None):
    if proba.shape[1] == 2:
        return skm.roc_auc_score(y, proba[:, 1], sample_weight=w)
    return skm.roc_auc_score(y, proba, multi_class="ovr", labels=labels, sample_weight=w)


def _log_loss(y, proba, labels, w=None):
    return -skm.log_loss(y, proba, labels=labels, sample_weight=w)


_CLASSIFICATION = (
    Metric("accuracy", "classification", False,
           lambda y, p, labels, w=None: skm.accuracy_score(y, p, sample_weight=w)),
    Metric("balanced_accuracy", "classification", False,
           lambda y, p, labels, w=None: skm.balanced_accuracy_score(y, p, sample_weight=w)),
    Metric("roc_auc", "classification", True, _roc_auc),
    Metric("log_loss", "classification", True, _log_loss),
    Metric("f1_macro", "classification", False,
           lambda y, p, labels, w=None: skm.f1_score(y, p, average="macro", labels=labels,
                                                     zero_division=0, sample_weight=w)),
)
_REGRESSION = (
    Metric("r2", "regression", False,
           lambda y, p, labels, w=None: skm.r2_score(y, p, sample_weight=w)),
    Metric("neg_root_mean_squared_error", "regression", False,
           lambda y, p, labels, w=None: -skm.root_mean_squared_error(y, p, sample_weight=w)),
    Metric("neg_mean_absolute_error", "regression", False,
           lambda y, p, labels, w=None: -skm.mean_absolute_error(y, p, sample_weight=w)),
)
METRICS: dict[str, dict[str, Metric]] = {
    "classification": {m.name: m for m in _CLASSIFICATION},
    "regression": {m.name: m for m in _REGRESSION},
}
_ALIASES = {
    "neg_log_loss": "log_loss",
    "roc_auc_ovr": "roc_auc",
    "rmse": "neg_root_mean_squared_error",
    "mae": "neg_mean_absolute_error",
    "neg_mean_squared_error": None,
}


@dataclass(frozen=True)
class ScorerMetric:
    """Any scikit-learn scorer (a callable ``scorer(estimator, X, y)`` or a scoring name)."""

    name: str
    task: str
    scorer: Callable
    needs_proba: bool = False

    def score(self, estimator, X, y, sample_weight=None) -> float:
        if sample_weight is None:
            return float(self.scorer(estimator, X, y))
        return float(self.scorer(estimator, X, y, sample_weight=sample_weight))

    @property
    def takes_sample_weight(self) -> bool:
        """Whether the scorer accepts ``sample_weight`` (scikit-learn's scorers do)."""
        try:
            parameters = inspect.signature(self.scorer).parameters.values()
        except (TypeError, ValueError):  # a builtin or C callable: assume not
            return False
        return any(p.name == "sample_weight" or p.kind is inspect.Parameter.VAR_KEYWORD
                   for p in parameters)


def get_metric(metric, task: str) -> Metric | ScorerMetric:
    """Resolve a metric name, a scikit-learn scoring name or a scorer callable.

    Raises
    ------
    ValueError
        For an unknown task, a name that is neither ours nor scikit-learn's, or one of another
        task type.
    """
    task = check_task(task)
    if callable(metric):
        name = getattr(metric, "__name__", None) or type(metric).__name__
        return ScorerMetric(name=str(name), task=task, scorer=metric)
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a name or a scorer callable, got {type(metric).__name__}")
    name = _ALIASES.get(metric, metric) or metric
    if name in METRICS[task]:
        return METRICS[task][name]
    for other in TASKS:
        if other != task and name in METRICS[other]:
            raise ValueError(f"metric {metric!r} is a {other} metric, but the task is {task}")
    try:
        scorer = get_scorer(metric)
    except ValueError:
        known = sorted(METRICS[task])
        raise ValueError(
            f"unknown metric {metric!r}; use one of {known} or any scikit-learn scoring name"
        ) from None
    return ScorerMetric(name=metric, task=task, scorer=scorer)


def resolve_metric(metric, task: str) -> Metric | ScorerMetric:
    """:func:`get_metric` of ``metric``, or of the task's default metric when it is ``None``.

    The default is :attr:`metaautoml.task.TaskDefaults.metric` (``"accuracy"`` for
    classification, ``"r2"`` for regression).

    Examples
    --------
    >>> from metaautoml.evaluation import resolve_metric
    >>> resolve_metric(None, "regression").name
    'r2'
    >>> resolve_metric("roc_auc", "classification").name
    'roc_auc'
    """
    return get_metric(task_defaults(task).metric if metric is None else metric, task)


def default_metrics(task: str) -> list[Metric]:
    """The metrics stored for every meta-database evaluation (the task's default metric first).

    The names are :attr:`metaautoml.task.TaskDefaults.stored_metrics`.
    """
    defaults = task_defaults(task)
    return [METRICS[defaults.task][name] for name in defaults.stored_metrics]


def clipped_probabilities(proba: np.ndarray) -> np.ndarray:
    """Rows renormalized after clipping, so a model's 0/1 probabilities give a finite log-loss.

    What the cross-validation scores probabilities with (:func:`evaluate_config`); use it to
    score predicted probabilities outside it the same way (e.g. an OpenML fold's test rows).

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Predicted class probabilities.

    Returns
    -------
    ndarray of float64, same shape
        Each value clipped to ``[1e-15, 1]``, then each row divided by its sum.
    """
    proba = np.clip(np.asarray(proba, dtype=np.float64), 1e-15, 1.0)
    return proba / proba.sum(axis=1, keepdims=True)
