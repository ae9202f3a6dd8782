"""Model search: Optuna studies over the CASH space, driven by ask-and-tell under a time budget."""

from ._driver import ENQUEUED_SOURCE, OPTUNA_SOURCE, Evaluator, check_budget, run_search
from ._leaderboard import LEADERBOARD_COLUMNS, leaderboard
from ._sampler import PROPOSAL_ATTR, SURROGATE_SOURCE, MetaSurrogateSampler
from ._study import create_study, default_sampler, optuna_verbosity

__all__ = [
    "ENQUEUED_SOURCE",
    "LEADERBOARD_COLUMNS",
    "OPTUNA_SOURCE",
    "PROPOSAL_ATTR",
    "SURROGATE_SOURCE",
    "MetaSurrogateSampler",
    "Evaluator",
    "check_budget",
    "create_study",
    "default_sampler",
    "leaderboard",
    "optuna_verbosity",
    "run_search",
]
