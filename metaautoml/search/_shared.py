"""A study that several processes search together: what a joining process needs, and one budget.

``metaautoml fit --storage URL`` records in its study how the search runs (task, metric, folds,
seed, limits) and what budget it has; ``metaautoml worker`` processes read that record, rebuild
the same objective and take trials from the same budget. The processes coordinate through the
storage alone, plus a lock -- a lock file next to a journal or SQLite file, an advisory lock on
a PostgreSQL server -- so that between them they run exactly the budgeted number of trials and
never take the same enqueued trial twice.

On a database server, running trials write heartbeats: the trial of a process that died is
marked failed and its configuration enqueued again (Optuna's
``RetryHeartbeatStaleTrialCallback``), and the retry takes the failed trial's place in the
budget. Until every trial has ended, the processes wait for that instead of leaving.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import math
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import optuna
from optuna.storages import BaseStorage
from optuna.trial import TrialState

from . import _study
from ._optuna_internals import fail_stale_trials, heartbeat_interval, retried_trial_number
from ._study import JOURNAL_SCHEME, _resolve_storage, database_url

try:  # pragma: no cover - always there on Linux and macOS
    import fcntl
except ImportError:  # pragma: no cover - Windows: claims are serialized within a process only
    fcntl = None

#: User attribute of a study holding its search record (a JSON object).
SEARCH_ATTR = "metaautoml:search"
#: Version of the record's layout; a worker refuses a record of another version.
RECORD_VERSION = 1
#: Suffix of the lock file next to a journal or SQLite file.
LOCK_SUFFIX = ".claim.lock"
#: User attribute naming the process that ran a trial, ``"<host>:<pid>"``; the search sets it
#: right after the trial's first heartbeat.
PROCESS_ATTR = "process"
#: Trial states that used up a slot of the budget; waiting (enqueued) trials have not yet.
_CLAIMED = (TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


class _ClaimLockBase:
    """A lock held for one claim: this process's threads take turns on a thread lock, and the
    processes on what :meth:`_acquire` takes and :meth:`_drop` gives back (released anyway when
    its holder dies)."""

    def __init__(self):
        self._thread_lock = threading.Lock()

    def __enter__(self):
        self._thread_lock.acquire()
        try:
            self._acquire()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._release()

    def _release(self) -> None:
        try:
            self._drop()
        finally:
            self._thread_lock.release()

    def _acquire(self) -> None:
        raise NotImplementedError

    def _drop(self) -> None:
        raise NotImplementedError


class ClaimLock(_ClaimLockBase):
    """Serializes claiming trials between the threads of this process and, through an exclusive
    ``flock`` on a lock file, between the processes sharing a storage file.

    A lock held by a process that is killed is released by the operating system, so a crashed
    process never blocks the others.

    Parameters
    ----------
    path : str or None
        The lock file, created if missing; ``None`` serializes the threads of this process only.
    """

    def __init__(self, path: str | None = None):
        super().__init__()
        self.path = path
        self._fd: int | None = None

    def _acquire(self) -> None:
        if self.path is None or fcntl is None:
            return
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def _drop(self) -> None:
        try:
            if self._fd is not None:
                os.close(self._fd)  # closing the descriptor releases the flock
        finally:
            self._fd = None


class AdvisoryLock(_ClaimLockBase):
    """Serializes claiming trials between the threads of this process and, through a PostgreSQL
    advisory lock, between every process on any host that shares a study on the server.

    The lock is held by a connection of its own for the duration of a claim; the server releases
    it when that connection ends, so a process that is killed never blocks the others.

    Parameters
    ----------
    url : str
        The storage's database URL (``postgresql://...``).
    name : str
        What is locked, the study's name: studies on one server do not wait for one another.
    """

    def __init__(self, url: str, name: str):
        super().__init__()
        self.url, self.name = url, name
        # pg_advisory_lock takes a signed 64-bit key.
        digest = hashlib.sha256(f"metaautoml:claim:{name}".encode()).digest()
        self.key = int.from_bytes(digest[:8], "big", signed=True)
        self._engine = None
        self._connection = None

    def _acquire(self) -> None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        if self._engine is None:
            self._engine = create_engine(database_url(self.url), poolclass=NullPool)
        self._connection = self._engine.connect()
        self._connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": self.key})

    def _drop(self) -> None:
        try:
            if self._connection is not None:
                self._connection.close()  # ending the session releases its advisory locks
        finally:
            self._connection = None


@dataclass(frozen=True)
class SharedBudget:
    """The trial budget of a study shared by processes, and the lock they claim trials under.

    Attributes
    ----------
    total_trials : int or None
        The search ends once the study holds this many trials, counting those every process
        started (running, finished or failed; enqueued trials still waiting do not count).
        ``None``: no trial limit, the time budget alone ends the search.
    deadline : float or None
        Wall-clock time (``time.time()``) at which the search ends, or ``None``.
    lock : ClaimLock
    """

    total_trials: int | None
    deadline: float | None
    lock: ClaimLock | AdvisoryLock

    def spent(self, study: optuna.Study) -> bool:
        """Whether no further trial may start; call it holding ``lock``.

        First marks failed (and enqueues again) the trials of processes that stopped writing
        heartbeats, so that their retries find room in the budget.
        """
        if self.deadline is not None and time.time() >= self.deadline:
            return True
        fail_stale_trials(study)
        _fail_unclaimed_trials(study)
        return self.total_trials is not None and count_claimed(study) >= self.total_trials

    def awaits_running(self, study: optuna.Study) -> bool:
        """Whether a process that found the budget :meth:`spent` should wait rather than leave.

        Only while the storage keeps heartbeats, the deadline (if any) has not passed and some
        trial still runs: that trial may belong to a process that died, whose retry then needs
        someone to run it.
        """
        if heartbeat_interval(study) is None:
            return False
        if self.deadline is not None and time.time() >= self.deadline:
            return False
        return bool(study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)))

    def trials_left(self, study: optuna.Study) -> int | None:
        """Trials that may still start (``None`` without a trial limit)."""
        if self.total_trials is None:
            return None
        return max(0, self.total_trials - count_claimed(study))

    def time_left(self) -> float | None:
        """Seconds until the deadline (``None`` without one)."""
        return None if self.deadline is None else max(0.0, self.deadline - time.time())


def _fail_unclaimed_trials(study: optuna.Study) -> None:
    """Fail the running trials that never wrote a heartbeat, on a storage that keeps them.

    Optuna finds a trial stale only once it has written one. A process that dies (or whose
    sampler raises) between creating a trial and its first heartbeat leaves a trial running
    forever, which the processes waiting for running trials would wait on: a trial still
    without :data:`PROCESS_ATTR` (set right after the first heartbeat) a grace period after it
    started is failed here. Start times are the hosts' clocks.
    """
    if heartbeat_interval(study) is None:
        return
    now = datetime.datetime.now()
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        started = trial.datetime_start
        if (PROCESS_ATTR not in trial.user_attrs and started is not None
                and (now - started).total_seconds() > _study.HEARTBEAT_GRACE_PERIOD):
            with contextlib.suppress(optuna.exceptions.UpdateFinishedTrialError, ValueError,
                                     RuntimeError):
                study.tell(trial.number, state=TrialState.FAIL)


def count_claimed(study: optuna.Study) -> int:
    """Trials of ``study`` that took a slot of its budget: all but the waiting ones.

    Running, finished, pruned and failed trials count; enqueued trials still waiting do not,
    nor does a trial failed for a dead process once it has been enqueued again (its retry takes
    its slot). This is what a :class:`SharedBudget`'s ``total_trials`` is compared with, and
    what a worker reports as the trials the search has run.
    """
    trials = study.get_trials(deepcopy=False)
    retried = {retried_trial_number(t) for t in trials}
    return sum(t.state in _CLAIMED and t.number not in retried for t in trials)


def share_study(study: optuna.Study, storage: str | BaseStorage | None, *, n_trials: int | None,
                time_budget: float | None, settings: Mapping[str, Any]) -> SharedBudget:
    """Record in ``study`` how its search runs and return the budget its processes share.

    Called by the process that runs the search before its first trial; processes that join
    later read the record with :func:`read_search_record`. The budget is this search's
    ``n_trials`` on top of the trials the study already holds, so a continued study adds
    ``n_trials`` as before; ``time_budget`` becomes a wall-clock deadline.

    Parameters
    ----------
    study : optuna.Study
    storage : str, optuna.storages.BaseStorage or None
        The study's storage. For a ``journal://`` or ``sqlite://`` URL, trials are claimed under
        a lock file next to the storage file (``<file>.claim.lock``); for a ``postgresql://``
        URL under a server-side advisory lock (:class:`AdvisoryLock`); otherwise within this
        process only. The budget is exact for the first three and approximate (a few trials
        over) for other database servers.
    n_trials, time_budget : int, float or None
        This search's budget, as given to :func:`run_search`.
    settings : mapping
        What a joining process needs to rebuild the objective (task, metric, folds, seed,
        limits). Values that are neither JSON scalars (``None``, bool, int, float, str) nor
        lists of strings cannot be recorded: their names are listed under ``"unrecorded"``
        instead.

    Returns
    -------
    SharedBudget
    """
    recorded, unrecorded = {}, []
    for name, value in settings.items():
        if value is None or isinstance(value, (bool, int, str)) or (
                isinstance(value, float) and math.isfinite(value)):
            recorded[name] = value
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            recorded[name] = list(value)  # family names (include, exclude)
        else:
            unrecorded.append(name)
    trials_before = count_claimed(study)
    budget = SharedBudget(
        total_trials=None if n_trials is None else trials_before + int(n_trials),
        deadline=None if time_budget is None else time.time() + float(time_budget),
        lock=claim_lock(storage, study.study_name),
    )
    study.set_user_attr(SEARCH_ATTR, {
        "version": RECORD_VERSION,
        "settings": recorded,
        "unrecorded": unrecorded,
        "trials_before": trials_before,
        "total_trials": budget.total_trials,
        "deadline": budget.deadline,
    })
    return budget


def read_search_record(study: optuna.Study) -> dict[str, Any] | None:
    """The record :func:`share_study` left in ``study``, or ``None`` if there is none.

    Raises
    ------
    ValueError
        For a record of another layout version.
    """
    record = study.user_attrs.get(SEARCH_ATTR)
    if record is None:
        return None
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
        version = record.get("version") if isinstance(record, dict) else None
        raise ValueError(f"study {study.study_name!r} holds a search record of version {version!r}; "
                         f"this metaautoml reads version {RECORD_VERSION}")
    return record


def search_started(study: optuna.Study, record: Mapping[str, Any]) -> bool:
    """Whether the process that recorded ``record`` has claimed its first trial.

    It enqueues its configurations before that, so a process joining afterwards finds every one
    of them waiting in the study and leaves the budget room to run them: a worker waits for this
    before it takes a trial.
    """
    return count_claimed(study) > int(record["trials_before"])


def joined_budget(record: Mapping[str, Any], storage: str | BaseStorage | None,
                  study_name: str | None = None) -> SharedBudget:
    """The :class:`SharedBudget` described by a search record, for a process joining it.

    Parameters
    ----------
    record : mapping
        What :func:`read_search_record` returned for the study.
    storage : str, optuna.storages.BaseStorage or None
        The study's storage, as the joining process opened it; a ``journal://`` or ``sqlite://``
        URL names the file whose claim lock the processes share, a ``postgresql://`` URL the
        server that holds it (see :func:`share_study`).
    study_name : str or None
        The study's name, which a server-side lock is named after; required for
        ``postgresql://``.
    """
    return SharedBudget(total_trials=record["total_trials"], deadline=record["deadline"],
                        lock=claim_lock(storage, study_name))


def claim_lock(storage: str | BaseStorage | None,
               study_name: str | None = None) -> ClaimLock | AdvisoryLock:
    """The lock under which processes sharing ``storage`` claim trials of a study.

    A :class:`ClaimLock` on the lock file of a journal or SQLite file, an :class:`AdvisoryLock`
    on a PostgreSQL server, and otherwise a :class:`ClaimLock` of this process's threads only.
    """
    if isinstance(storage, str) and database_url(storage).startswith("postgresql"):
        if study_name is None:
            raise ValueError("a postgresql:// storage's claim lock needs the study's name")
        return AdvisoryLock(storage, study_name)
    return ClaimLock(lock_path(storage))


def lock_path(storage: str | BaseStorage | None) -> str | None:
    """The claim lock file of a storage URL naming a file, ``None`` for any other storage."""
    path = storage_file(storage)
    return None if path is None else path + LOCK_SUFFIX


def storage_file(storage: str | BaseStorage | None) -> str | None:
    """The absolute path of the file a ``journal://`` or ``sqlite://`` URL names, else ``None``."""
    if not isinstance(storage, str):
        return None
    if storage.startswith(JOURNAL_SCHEME):
        path = storage[len(JOURNAL_SCHEME):]
    elif storage.startswith("sqlite:"):
        from sqlalchemy.engine import make_url

        path = make_url(storage).database
        if path == ":memory:" or (path or "").startswith("file:"):
            return None
    else:
        return None
    return os.path.abspath(path) if path else None


def open_storage(storage: str | BaseStorage) -> BaseStorage:
    """The Optuna storage a URL names, as :func:`create_study` opens it (a file is created if
    missing); a storage object is returned as is."""
    return _resolve_storage(storage)


def load_study(storage: str | BaseStorage, study_name: str,
               sampler: optuna.samplers.BaseSampler | None = None) -> optuna.Study:
    """Load an existing study, unlike :func:`create_study`, which creates a missing one.

    Raises
    ------
    KeyError
        When ``storage`` holds no study of that name.
    ValueError
        For a malformed storage URL.
    """
    return optuna.load_study(study_name=study_name, storage=_resolve_storage(storage),
                             sampler=sampler)
