"""The few Optuna internals the search relies on, each behind one small function.

Everything else in :mod:`metaautoml.search` uses Optuna's public API. What is here has no public
equivalent in Optuna 5.1 (the version these were checked against); each function says which
internal it relies on and why. ``tests/search/test_search_optuna_internals.py`` pins every one
of them against the installed Optuna, so an upgrade that breaks one fails a single clear test
rather than the search in some roundabout way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import optuna
from optuna.trial import FrozenTrial

#: The system attribute in which ``Study.enqueue_trial`` stores a trial's fixed parameters.
_FIXED_PARAMS = "fixed_params"


def enqueued_params(trial: FrozenTrial) -> dict[str, Any] | None:
    """The parameters ``study.enqueue_trial`` fixed for ``trial``, or ``None`` if it was not
    enqueued.

    They are known as soon as the trial is enqueued (waiting) and while it runs, before its
    parameters are suggested, which is when the sampler and other processes need them.

    Relies on: ``Study.enqueue_trial`` creating the waiting trial with the system attribute
    ``"fixed_params"`` holding the parameters, which ``optuna.Trial.__init__`` reads back to
    fix them. Optuna has no public way to ask whether a trial was enqueued, or with what, before
    its parameters are suggested (Optuna's own ``GridSampler`` checks the same attribute).
    """
    params = trial.system_attrs.get(_FIXED_PARAMS)
    return None if params is None else dict(params)


def set_trial_system_attr(study: optuna.Study, trial: FrozenTrial, key: str, value: Any) -> None:
    """Store the system attribute ``key`` of the running ``trial`` of ``study``.

    For a sampler's ``before_trial``, so that every process sharing the study sees it at once.

    Relies on: ``Study._storage`` and ``FrozenTrial._trial_id``, to call the storage's (public)
    ``set_trial_system_attr``. A sampler's hooks get a :class:`~optuna.trial.FrozenTrial`, a
    snapshot whose attributes only change in memory, not the :class:`optuna.Trial`, and Optuna
    5.1's ``optuna.Trial`` has no ``set_system_attr`` anyway; nor does the study expose its
    storage or a trial's id publicly.
    """
    study._storage.set_trial_system_attr(trial._trial_id, key, value)


def set_trial_user_attr(study: optuna.Study, trial: FrozenTrial, key: str, value: Any) -> None:
    """Store the user attribute ``key`` of the running ``trial`` of ``study``.

    For a sampler's ``before_trial``: the value is in the storage at once, so
    ``study.get_trials()`` shows it; the :class:`optuna.Trial` being asked does not, since its
    ``user_attrs`` are a copy taken before ``before_trial`` ran.

    Relies on: ``Study._storage`` and ``FrozenTrial._trial_id``, to call the storage's (public)
    ``set_trial_user_attr``. ``FrozenTrial.set_user_attr`` only changes the snapshot the sampler
    was given, and the sampler has no :class:`optuna.Trial`, whose ``set_user_attr`` would store.
    """
    study._storage.set_trial_user_attr(trial._trial_id, key, value)


@contextlib.contextmanager
def stoppable(study: optuna.Study) -> Iterator[Callable[[], bool]]:
    """Within the block, ``study.stop()`` works as in ``study.optimize``; yields a function
    that says whether it was called.

    For the callbacks of our ask-and-tell loop: Optuna users end a search from a callback with
    ``study.stop()``, which outside ``optimize`` raises ``RuntimeError``.

    Relies on: ``Study._thread_local.in_optimize_loop`` (which ``Study.stop`` checks, per
    thread) and ``Study._stop_flag`` (which it sets). The block sets the first and clears the
    second, and restores both on exit; Optuna 5.1 has no public way to run callbacks as
    ``optimize`` does or to read the flag.
    """
    local = study._thread_local
    previous = local.in_optimize_loop
    local.in_optimize_loop = True
    study._stop_flag = False
    try:
        yield lambda: bool(study._stop_flag)
    finally:
        local.in_optimize_loop = previous
        study._stop_flag = False
