"""Model search: Optuna studies over the CASH space, driven by ask-and-tell under a time budget.

A study can be searched by several processes at once: the process that starts the search
records how it runs and its budget in the study (:func:`share_study`); a process joining it
(``metaautoml worker``) opens the storage (:func:`open_storage`, :func:`load_study`), reads that
record (:func:`read_search_record`), waits until the search has started (:func:`search_started`)
and takes trials from the same :class:`SharedBudget` (:func:`joined_budget`), claimed under one
:class:`ClaimLock` next to the storage file (:func:`storage_file`) or an :class:`AdvisoryLock`
on a PostgreSQL server (:func:`claim_lock`), so that between them the processes run exactly the
budgeted trials (:func:`count_claimed`). On a database server, running trials write heartbeats,
and the trial of a process that died is failed and retried.
"""

from ._driver import (
    ENQUEUED_SOURCE,
    OPTUNA_SOURCE,
    SKIPPED,
    Evaluator,
    PredictionSink,
    check_budget,
    run_search,
)
from ._leaderboard import LEADERBOARD_COLUMNS, leaderboard
from ._sampler import (
    COST_ACQUISITIONS,
    PROPOSAL_ATTR,
    SURROGATE_SOURCE,
    MetaSurrogateSampler,
    expected_improvement,
)
from ._shared import (
    SEARCH_ATTR,
    AdvisoryLock,
    ClaimLock,
    SharedBudget,
    claim_lock,
    count_claimed,
    joined_budget,
    load_study,
    lock_path,
    open_storage,
    read_search_record,
    search_started,
    share_study,
    storage_file,
)
from ._study import create_study, default_sampler, optuna_verbosity

__all__ = [
    "COST_ACQUISITIONS",
    "ENQUEUED_SOURCE",
    "LEADERBOARD_COLUMNS",
    "OPTUNA_SOURCE",
    "PROPOSAL_ATTR",
    "SEARCH_ATTR",
    "SKIPPED",
    "SURROGATE_SOURCE",
    "AdvisoryLock",
    "ClaimLock",
    "Evaluator",
    "MetaSurrogateSampler",
    "PredictionSink",
    "SharedBudget",
    "check_budget",
    "claim_lock",
    "count_claimed",
    "create_study",
    "default_sampler",
    "expected_improvement",
    "joined_budget",
    "leaderboard",
    "load_study",
    "lock_path",
    "open_storage",
    "optuna_verbosity",
    "read_search_record",
    "run_search",
    "search_started",
    "share_study",
    "storage_file",
]
