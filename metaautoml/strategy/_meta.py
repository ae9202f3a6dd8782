"""The meta-learned warm start: the proposer's configurations, then TPE (or the adapted surrogate)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..search import MetaSurrogateSampler, default_sampler
from ..space import FAMILY, SearchSpace
from ._base import PredictSeconds, SearchPlan, WarmStartStrategy, fit_plan_in_budget
from ._cold import ColdStart

#: What may propose after :class:`MetaWarmStart`'s proposals (its ``sampler``).
SAMPLERS = ("surrogate", "tpe")


def load_shipped_proposer(task: str, metric: str):
    """The proposer meta-trained on the shipped meta-database for ``task``.

    Its portfolio reads ``metric``'s performance matrix when the meta-database stores it (the
    task's ``stored_metrics``), else the default metric's: a metric the meta-database never
    scored (``f1_macro``) would leave an all-missing matrix and a portfolio in arbitrary order.

    Raises
    ------
    FileNotFoundError, ValueError
        When the shipped artifacts are missing or unreadable.
    """
    from ..task import task_defaults
    from ..warmstart import load_proposer

    return load_proposer(task, metric if metric in task_defaults(task).stored_metrics else None)


class MetaWarmStart(WarmStartStrategy):
    """Configurations proposed from the meta-database, then TPE.

    The estimators' ``warm_start=True``. The dataset's meta-features are matched against the
    meta-database; the proposer's first ``n_proposals`` configurations (a greedy portfolio
    weighted towards the most similar datasets, with the surrogate's zero-shot prediction) are
    enqueued, and after them TPE proposes, as after a cold start; ``sampler="surrogate"`` lets
    the surrogate, adapted to the trials so far, propose instead. A restricted space (the
    estimators' ``include`` and ``exclude``) restricts both to its families. Without a usable
    meta-database it warns and plans a :class:`ColdStart`.

    With a time budget (:meth:`plan_in_budget`) that binds -- no trial limit, or one whose
    proposals are predicted not to fit in the budget -- the proposals are ordered by gain per
    predicted second instead (``WarmStartProposer.propose``'s ``seconds``): cheap strong
    configurations first, then the slower ones, as FLAML's cost-frugal search starts.

    Parameters
    ----------
    proposer : WarmStartProposer or None, default=None
        ``None`` loads the shipped one for the task and metric.
    cost_order : bool, default=True
        Order the proposals by gain per predicted second when a time budget binds; ``False``
        keeps the order a trial limit gets (a benchmark's comparison).
    sampler : {"tpe", "surrogate"}, default="tpe"
        What proposes after the warm start: TPE as the cold start runs it
        (:func:`~metaautoml.search.default_sampler`), or the adapted surrogate
        (:class:`~metaautoml.search.MetaSurrogateSampler`). The surrogate is gated off by
        default because it did not beat TPE after the same proposals, at 30 s on tables
        disjoint from the live benchmark's (``benchmarks/surrogate_refine.py``, held out by
        group). On 20 regression tables it scored 0.018 below TPE (95 % CI [-0.040, +0.002]),
        and its best CV score at 30 s was lower on 15 of them (-0.016, Holm p = 0.027). On 20
        and then 30 fresh classification tables it was level (+0.0003, p = 0.92; -0.0049,
        p = 0.86). It runs about twice as many trials in a budget (cheaper ones), and from
        about 20 trials on TPE's best is higher.
    """

    def __init__(self, proposer=None, cost_order: bool = True, sampler: str = "tpe"):
        if sampler not in SAMPLERS:
            raise ValueError(f"sampler must be one of {list(SAMPLERS)}, got {sampler!r}")
        self.proposer = proposer
        self.cost_order = cost_order
        self.sampler = sampler

    def plan(self, space: SearchSpace, frame: pd.DataFrame, y: np.ndarray, metric: str,
             seed: int, n_proposals: int) -> SearchPlan:
        return self._plan(space, frame, y, metric, seed, n_proposals)

    def plan_in_budget(self, space: SearchSpace, frame: pd.DataFrame, y: np.ndarray, metric: str,
                       seed: int, n_proposals: int, *, predict_seconds: PredictSeconds,
                       budget: float, n_trials: int | None = None) -> SearchPlan:
        plan = self._plan(space, frame, y, metric, seed, n_proposals,
                          predict_seconds=predict_seconds if self.cost_order else None,
                          budget=budget, n_trials=n_trials)
        return fit_plan_in_budget(plan, predict_seconds, budget)

    def _plan(self, space: SearchSpace, frame: pd.DataFrame, y: np.ndarray, metric: str,
              seed: int, n_proposals: int, *, predict_seconds: PredictSeconds | None = None,
              budget: float | None = None, n_trials: int | None = None) -> SearchPlan:
        if self.proposer is not None:
            proposer = self._proposer(space.task, metric)
        else:
            try:
                proposer = load_shipped_proposer(space.task, metric)
            except (FileNotFoundError, ValueError) as exc:
                warnings.warn(f"warm start unavailable ({exc}); starting cold", UserWarning,
                              stacklevel=4)
                return ColdStart().plan(space, frame, y, metric, seed, n_proposals)
        features = meta_features_of(frame, y, space.task, seed)
        families = searched_families(space)
        if predict_seconds is None:
            warm = proposer.propose(features, int(n_proposals), families=families)
        else:
            # Without a trial limit the budget always binds and the trial order is never
            # needed; with one, its first n_trials proposals tell whether the budget binds.
            warm = (None if n_trials is None
                    else proposer.propose(features, int(n_proposals), families=families))
            if warm is None or _time_binds(warm, predict_seconds, budget, n_trials):
                seconds = np.asarray(predict_seconds(list(proposer.training.configs)),
                                     dtype=float)
                warm = proposer.propose(features, int(n_proposals), families=families,
                                        seconds=seconds)
        if self.sampler == "tpe":
            sampler = default_sampler(seed)
        else:
            sampler = MetaSurrogateSampler(proposer.surrogate, space, features,
                                           pool=pool_of(proposer, space),
                                           fallback=default_sampler(seed), seed=seed)
        return SearchPlan(list(warm.proposals), sampler, warm_start=warm, meta_features=features)

    def recommend(self, space: SearchSpace, frame: pd.DataFrame, y: np.ndarray, metric: str,
                  seed: int, n: int):
        """The proposer's :class:`~metaautoml.warmstart.WarmStart` for ``n`` configurations,
        without a sampler (the estimators' ``recommend``)."""
        proposer = self._proposer(space.task, metric)
        return proposer.propose(meta_features_of(frame, y, space.task, seed), int(n),
                                families=searched_families(space))

    def _proposer(self, task: str, metric: str):
        proposer = self.proposer if self.proposer is not None else load_shipped_proposer(task, metric)
        if proposer.training.task != task:
            raise ValueError(f"the warm_start proposer is for {proposer.training.task}, not {task}")
        return proposer


def _time_binds(warm, predict_seconds: PredictSeconds, budget: float | None,
                n_trials: int) -> bool:
    """Whether a trial-limited search's seconds, not its trials, end it: its first
    ``n_trials`` proposals predicted to take more than ``budget``."""
    first = [config for _, config in warm.proposals[:n_trials]]
    return bool(first) and float(np.sum(predict_seconds(first))) > float(budget)


def searched_families(space: SearchSpace) -> tuple[str, ...] | None:
    """The families a restricted space searches, ``None`` for all (what ``propose`` takes)."""
    return space.family_names if space.restricted else None


def pool_of(proposer, space: SearchSpace) -> list[dict]:
    """The proposer's pool configurations of the families ``space`` searches."""
    allowed = set(space.family_names)
    return [config for config in proposer.training.configs if config[FAMILY] in allowed]


def meta_features_of(frame: pd.DataFrame, y: np.ndarray, task: str, seed: int) -> pd.Series:
    """The meta-features the proposer matches on; numerical warnings are the extractor's own."""
    from ..metafeatures import extract_meta_features

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return extract_meta_features(frame, y, task=task, random_state=seed)
