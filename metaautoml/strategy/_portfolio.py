"""auto-sklearn 2.0's static portfolio as a warm start: no matching, no surrogate."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..search import default_sampler
from ..space import FAMILY, SearchSpace
from ._base import SearchPlan, WarmStartStrategy
from ._cold import ColdStart
from ._meta import load_shipped_proposer


class PortfolioWarmStart(WarmStartStrategy):
    """The meta-database's greedy portfolio with uniform dataset weights, then TPE.

    The same configurations for every dataset: each next one adds most where the portfolio so
    far is weak on the meta-database (Feurer et al., 2022). A baseline for the meta-learned
    :class:`MetaWarmStart`, and a warm start that needs no meta-features.

    Parameters
    ----------
    proposer : WarmStartProposer or None, default=None
        Whose meta-training set gives the pool and its performance; ``None`` loads the shipped
        one for the task and metric.
    """

    def __init__(self, proposer=None):
        self.proposer = proposer

    def plan(self, space: SearchSpace, frame: pd.DataFrame, y: np.ndarray, metric: str,
             seed: int, n_proposals: int) -> SearchPlan:
        try:
            proposer = (self.proposer if self.proposer is not None
                        else load_shipped_proposer(space.task, metric))
        except (FileNotFoundError, ValueError) as exc:
            warnings.warn(f"warm start unavailable ({exc}); starting cold", UserWarning,
                          stacklevel=3)
            return ColdStart().plan(space, frame, y, metric, seed, n_proposals)
        # Imported here: the warm start's modules pull in torch, which fitting cold never needs.
        from ..warmstart import PORTFOLIO_SOURCE, greedy_portfolio

        configs = proposer.training.configs
        allowed = set(space.family_names)
        chosen = greedy_portfolio(proposer.performance, int(n_proposals),
                                  exclude=np.array([c[FAMILY] not in allowed for c in configs]))
        # As the proposer proposes them: a sized default sized for these rows.
        return SearchPlan([(PORTFOLIO_SOURCE, dict(proposer.pool_config(i, len(frame))))
                           for i in chosen],
                          default_sampler(seed))
