"""The meta-learned warm start: the proposer's configurations, then the adapted surrogate."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..search import MetaSurrogateSampler, default_sampler
from ..space import FAMILY, SearchSpace
from ._base import SearchPlan, WarmStartStrategy
from ._cold import ColdStart


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
    """Configurations proposed from the meta-database, then :class:`MetaSurrogateSampler`.

    The estimators' ``warm_start=True``. The dataset's meta-features are matched against the
    meta-database; the proposer's first ``n_proposals`` configurations (a greedy portfolio
    weighted towards the most similar datasets, with the surrogate's zero-shot prediction) are
    enqueued, and after them the surrogate, adapted to the trials so far, proposes by its upper
    confidence bound (TPE as its fallback). A restricted space (the estimators' ``include`` and
    ``exclude``) restricts both to its families. Without a usable meta-database it warns and plans a
    :class:`ColdStart`.

    Parameters
    ----------
    proposer : WarmStartProposer or None, default=None
        ``None`` loads the shipped one for the task and metric.
    """

    def __init__(self, proposer=None):
        self.proposer = proposer

    def plan(self, space: SearchSpace, frame: pd.DataFrame, y: np.ndarray, metric: str,
             seed: int, n_proposals: int) -> SearchPlan:
        if self.proposer is not None:
            proposer = self._proposer(space.task, metric)
        else:
            try:
                proposer = load_shipped_proposer(space.task, metric)
            except (FileNotFoundError, ValueError) as exc:
                warnings.warn(f"warm start unavailable ({exc}); starting cold", UserWarning,
                              stacklevel=3)
                return ColdStart().plan(space, frame, y, metric, seed, n_proposals)
        features = meta_features_of(frame, y, space.task, seed)
        warm = proposer.propose(features, int(n_proposals), families=searched_families(space))
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
