"""The estimator class of each task type."""

from __future__ import annotations

from ..task import check_task
from ._base import MetaAutoMLBase
from ._classifier import MetaAutoMLClassifier
from ._regressor import MetaAutoMLRegressor

_BY_TASK: dict[str, type[MetaAutoMLBase]] = {
    "classification": MetaAutoMLClassifier,
    "regression": MetaAutoMLRegressor,
}


def estimator_class(task: str) -> type[MetaAutoMLBase]:
    """:class:`MetaAutoMLClassifier` or :class:`MetaAutoMLRegressor`, for ``task``.

    Both take the same parameters, so ``estimator_class(task)(**other.get_params())`` copies an
    estimator's settings to the other task type.

    Example
    -------
    >>> from metaautoml.estimator import estimator_class
    >>> estimator_class("regression").__name__
    'MetaAutoMLRegressor'
    """
    return _BY_TASK[check_task(task)]
