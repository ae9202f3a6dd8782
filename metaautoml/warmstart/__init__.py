"""Warm-start proposals from the meta-database: matched greedy portfolio, surrogate prior, guard."""

from ._artifacts import (
    DEFAULT_N_ENSEMBLE,
    default_artifact_dir,
    load_proposer,
    meta_train,
    train_proposer,
)
from ._portfolio import greedy_portfolio
from ._proposer import (
    DEFAULT_FIRST_PICK,
    DEFAULT_FIRST_PICK_HEDGE,
    DEFAULT_LEAD_DEFAULTS,
    DEFAULT_LEAD_DEFAULTS_MIN_ROWS,
    DEFAULT_NEIGHBOR_BEST,
    DEFAULT_TEMPERATURE,
    LEAD_DEFAULT_SOURCE,
    MATCHED_SOURCE,
    PORTFOLIO_SOURCE,
    ROBUST_SOURCE,
    SURROGATE_SOURCE,
    ProposalOrder,
    ProposerConfig,
    WarmStart,
    WarmStartProposer,
)
from ._robust import RobustPick, differences_to_reference, robust_first_pick
from ._size import FamilySizeShift, size_shift_for

__all__ = [
    "DEFAULT_FIRST_PICK",
    "DEFAULT_FIRST_PICK_HEDGE",
    "DEFAULT_LEAD_DEFAULTS",
    "DEFAULT_LEAD_DEFAULTS_MIN_ROWS",
    "DEFAULT_NEIGHBOR_BEST",
    "DEFAULT_N_ENSEMBLE",
    "DEFAULT_TEMPERATURE",
    "LEAD_DEFAULT_SOURCE",
    "MATCHED_SOURCE",
    "PORTFOLIO_SOURCE",
    "ROBUST_SOURCE",
    "SURROGATE_SOURCE",
    "FamilySizeShift",
    "ProposalOrder",
    "ProposerConfig",
    "RobustPick",
    "WarmStart",
    "WarmStartProposer",
    "default_artifact_dir",
    "differences_to_reference",
    "greedy_portfolio",
    "load_proposer",
    "meta_train",
    "robust_first_pick",
    "size_shift_for",
    "train_proposer",
]
