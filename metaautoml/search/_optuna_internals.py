"""The few Optuna internals the search relies on, each behind one small function.

Everything else in :mod:`metaautoml.search` uses Optuna's public API. What is here has no public
equivalent in Optuna 5.1 (the version these were checked against); each function says which
internal it relies on and why. ``tests/search/test_search_optuna_internals.py`` pins every one
of them against the installed Optuna, so an upgrade that breaks one fails a single clear test
rather than the search in some roundabout way.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import optuna
from optuna.exceptions import ExperimentalWarning
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


def heartbeat_interval(study: optuna.Study) -> float | None:
    """Seconds between the heartbeats of the study's running trials; ``None`` when its storage
    keeps none (memory, journal files, SQLite as :func:`create_study` opens them).

    Relies on: ``Study._storage``, to call the storage's (public) ``get_heartbeat_interval``,
    which RDB storages have. ``study.optimize`` checks heartbeats itself; Optuna 5.1 offers our
    ask-and-tell loop no public way to know whether the study's storage keeps them.
    """
    get_interval = getattr(study._storage, "get_heartbeat_interval", None)
    return None if get_interval is None else get_interval()


@contextlib.contextmanager
def heartbeats(study: optuna.Study, trial: optuna.Trial) -> Iterator[None]:
    """Within the block, a thread records ``trial``'s heartbeat every interval, as
    ``study.optimize`` does around each trial; nothing happens without heartbeats.

    Relies on: ``Study._storage`` and ``Trial._trial_id``, to call the storage's (public)
    ``record_heartbeat``; Optuna's own heartbeat thread (``optuna.storages._heartbeat``) is
    private, and starting it is up to ``optimize``, which our ask-and-tell loop does not use.
    """
    interval = heartbeat_interval(study)
    if interval is None:
        yield
        return
    storage, trial_id, stop = study._storage, trial._trial_id, threading.Event()

    def beat() -> None:
        while not stop.wait(interval):
            storage.record_heartbeat(trial_id)

    storage.record_heartbeat(trial_id)
    thread = threading.Thread(target=beat, name=f"metaautoml-heartbeat-{trial.number}",
                              daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def fail_stale_trials(study: optuna.Study) -> None:
    """Mark failed the running trials of ``study`` whose process stopped writing heartbeats, and
    run the storage's stale-trial callback on each (it enqueues them again).

    Relies on: :func:`optuna.storages.fail_stale_trials`, public but experimental since Optuna
    2.9; its experimental warning is silenced here, once for all callers.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        optuna.storages.fail_stale_trials(study)


def retried_trial_number(trial: FrozenTrial) -> int | None:
    """The number of the failed trial that ``trial`` retries, or ``None`` if it is no retry.

    Relies on: :meth:`optuna.storages.RetryHeartbeatStaleTrialCallback.retried_trial_number`,
    public but experimental since Optuna 2.8; its experimental warning is silenced here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        return optuna.storages.RetryHeartbeatStaleTrialCallback.retried_trial_number(trial)


def ask(study: optuna.Study) -> optuna.Trial:
    """``study.ask()``, without the warning Optuna 5.1 gives on a storage with heartbeats outside
    ``study.optimize``: our ask-and-tell loop writes the heartbeats itself (:func:`heartbeats`).
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Heartbeat of storage is supposed to be used")
        return study.ask()
