"""The strategy abstraction and the plan it produces."""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import optuna
import pandas as pd

from ..cost import fit_in_budget
from ..space import Config, SearchSpace

#: Predicted seconds of evaluating each configuration on the data being searched.
PredictSeconds = Callable[[list[Config]], np.ndarray]


@dataclass
class SearchPlan:
    """What a search does before and after its first trials.

    Attributes
    ----------
    enqueue : list of (str, dict)
        ``(source, configuration)`` pairs the study tries first, in order; ``source`` is kept
        as the trial's ``source`` user attribute.
    sampler : optuna.samplers.BaseSampler
        Proposes every trial after them.
    warm_start : WarmStart or None
        The proposer's explanation (table, neighbours, trust), for a meta-learned plan.
    meta_features : Series or None
        The dataset's meta-features, when the plan computed them.
    left_out : list of (str, dict)
        Configurations the plan proposed but left out of ``enqueue``, e.g. as predicted not to
        finish within the search's time budget.
    predict_seconds : callable or None
        With a time budget, the predicted seconds the plan was made with
        (:data:`PredictSeconds`); the search then does not start an enqueued configuration
        predicted to overrun the time left (``run_search``'s ``predict_seconds``). ``None``
        otherwise.
    """

    enqueue: list[tuple[str, Config]]
    sampler: optuna.samplers.BaseSampler
    warm_start: Any = None
    meta_features: pd.Series | None = None
    notes: list[str] = field(default_factory=list)
    left_out: list[tuple[str, Config]] = field(default_factory=list)
    predict_seconds: PredictSeconds | None = None


class WarmStartStrategy(abc.ABC):
    """Plans a search on one dataset: the configurations to try first and the sampler after.

    Subclasses implement :meth:`plan`. A strategy is a parameter of the estimators, so it
    stores its settings in ``__init__`` and keeps no state from one ``plan`` to the next.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from metaautoml.space import get_space
    >>> from metaautoml.strategy import ColdStart
    >>> X, y = load_iris(return_X_y=True, as_frame=True)
    >>> plan = ColdStart().plan(get_space("classification"), X, y.to_numpy(), "accuracy",
    ...                         seed=0, n_proposals=8)
    >>> [config["family"] for _, config in plan.enqueue][:3]
    ['hist_gradient_boosting', 'random_forest', 'extra_trees']
    """

    @abc.abstractmethod
    def plan(self, space: SearchSpace, frame: pd.DataFrame, y: np.ndarray, metric: str,
             seed: int, n_proposals: int) -> SearchPlan:
        """The plan for searching ``space`` on ``(frame, y)``.

        Parameters
        ----------
        space : SearchSpace
        frame : DataFrame
            The checked training data.
        y : ndarray
            The target the trials score (class codes for classification).
        metric : str
            The name of the metric the search maximizes.
        seed : int
        n_proposals : int
            How many configurations a warm start may enqueue (the estimators'
            ``n_warm_start``, at most their ``n_trials``).
        """

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({settings})"

    def __eq__(self, other: object) -> bool:
        # Equal settings make equal strategies, so a cloned estimator compares equal.
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def plan_in_budget(self, space: SearchSpace, frame: pd.DataFrame, y: np.ndarray, metric: str,
                       seed: int, n_proposals: int, *, predict_seconds: PredictSeconds,
                       budget: float, n_trials: int | None = None) -> SearchPlan:
        """The plan for a search ``budget`` seconds bound (the estimators' ``time_budget``).

        This default makes :meth:`plan`'s plan fit: the enqueued configurations predicted not
        to finish within ``budget`` -- counting the ones before them -- move to
        ``plan.left_out``, so a slow one makes room for the cheaper ones behind it. A strategy
        that can do better with the predicted times (:class:`MetaWarmStart` orders its
        proposals by gain per second) overrides it.

        Parameters
        ----------
        space, frame, y, metric, seed, n_proposals
            As for :meth:`plan`.
        predict_seconds : callable
            Maps a list of configurations to their predicted seconds of evaluation on
            ``(frame, y)``.
        budget : float
            Seconds of evaluation the search has (its time budget times its parallel workers).
        n_trials : int or None, default=None
            The search's trial limit, if it has one as well.
        """
        plan = self.plan(space, frame, y, metric, seed, n_proposals)
        return fit_plan_in_budget(plan, predict_seconds, budget)


def fit_plan_in_budget(plan: SearchPlan, predict_seconds: PredictSeconds,
                       budget: float) -> SearchPlan:
    """``plan`` with the enqueued configurations predicted not to finish within ``budget``
    (counting the ones before them) moved to ``plan.left_out``."""
    if plan.enqueue:
        seconds = predict_seconds([config for _, config in plan.enqueue])
        plan.enqueue, left_out = fit_in_budget(plan.enqueue, seconds, budget)
        plan.left_out = [*plan.left_out, *left_out]
    return plan
