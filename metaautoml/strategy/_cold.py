"""Strategies without meta-knowledge: each family's default then TPE, or a plain sampler."""

from __future__ import annotations

import numpy as np
import optuna
import pandas as pd

from ..search import default_sampler
from ..space import SearchSpace
from ._base import SearchPlan, WarmStartStrategy

#: ``source`` tag of the scikit-learn default configurations a cold start tries first.
DEFAULT_SOURCE = "default"


class ColdStart(WarmStartStrategy):
    """Each model family's scikit-learn default configuration, then TPE.

    The estimators' ``warm_start=False``. Every family is tried once before TPE proposes,
    whatever ``n_proposals`` (it bounds warm starts only). The defaults are scikit-learn's on
    the training rows (:meth:`~metaautoml.space.SearchSpace.default_config`'s ``n_rows``): the
    final refit of HistGradientBoosting's is scikit-learn's ``min_samples_leaf=20``.
    """

    def plan(self, space: SearchSpace, frame: pd.DataFrame, y: np.ndarray, metric: str,
             seed: int, n_proposals: int) -> SearchPlan:
        return SearchPlan([(DEFAULT_SOURCE, config)
                           for config in space.default_configs(n_rows=len(y))],
                          default_sampler(seed))


class PlainSearch(WarmStartStrategy):
    """Nothing enqueued; one Optuna sampler proposes every trial (a benchmark baseline).

    Parameters
    ----------
    sampler : {"tpe", "random"}, default="tpe"
        TPE as the library configures it (:func:`metaautoml.search.default_sampler`) or
        uniform random search.
    """

    def __init__(self, sampler: str = "tpe"):
        if sampler not in ("tpe", "random"):
            raise ValueError(f"sampler must be 'tpe' or 'random', got {sampler!r}")
        self.sampler = sampler

    def plan(self, space: SearchSpace, frame: pd.DataFrame, y: np.ndarray, metric: str,
             seed: int, n_proposals: int) -> SearchPlan:
        sampler = (default_sampler(seed) if self.sampler == "tpe"
                   else optuna.samplers.RandomSampler(seed=seed))
        return SearchPlan([], sampler)
