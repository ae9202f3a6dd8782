"""Creating the Optuna study a search writes to: storage URLs, the default sampler, logging."""

from __future__ import annotations

import importlib.util
import logging
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import optuna
from optuna.exceptions import ExperimentalWarning
from optuna.samplers import BaseSampler, TPESampler
from optuna.storages import BaseStorage, JournalStorage, RetryHeartbeatStaleTrialCallback
from optuna.storages.journal import JournalFileBackend

#: URL scheme of an append-only journal file, Optuna's storage for several processes on one machine.
JOURNAL_SCHEME = "journal://"
#: Seconds between the heartbeats a running trial writes to a database server. A trial whose
#: process has written none for ``HEARTBEAT_GRACE_PERIOD`` seconds is taken for dead (killed,
#: or its host lost): the next process to claim a trial marks it failed and enqueues its
#: configuration again, at most ``HEARTBEAT_MAX_RETRY`` times.
HEARTBEAT_INTERVAL = 5
HEARTBEAT_GRACE_PERIOD = 20
HEARTBEAT_MAX_RETRY = 2


def create_study(storage: str | BaseStorage | None = None, study_name: str | None = None, *,
                 sampler: BaseSampler | None = None, load_if_exists: bool = True) -> optuna.Study:
    """Create (or load) a study that maximizes the search's primary metric.

    Parameters
    ----------
    storage : None, str or optuna.storages.BaseStorage
        ``None`` keeps the study in memory. A string is a URL: ``journal:///path/to/file.log``
        for a journal file (the right choice when several processes on one machine share a
        study; the file is created if missing) or any database URL Optuna accepts, such as
        ``sqlite:///study.db`` or ``postgresql://user@host/db`` (with ``psycopg`` installed:
        ``pip install 'metaautoml[postgres]'``). On a database server other than SQLite, running
        trials write heartbeats (:data:`HEARTBEAT_INTERVAL`), so that the trial of a process that
        died is failed and retried. A storage object is used as is.
    study_name : str or None
        Name of the study in ``storage``; ``None`` makes a unique name.
    sampler : optuna.samplers.BaseSampler or None
        ``None`` uses :func:`default_sampler` without a seed.
    load_if_exists : bool
        Continue a study of the same name instead of raising ``DuplicatedStudyError``.

    Returns
    -------
    optuna.Study

    Raises
    ------
    ValueError
        For a malformed storage URL.

    Examples
    --------
    >>> from metaautoml.search import create_study
    >>> study = create_study()
    >>> study.direction.name
    'MAXIMIZE'
    """
    return optuna.create_study(
        storage=_resolve_storage(storage), study_name=study_name,
        sampler=sampler if sampler is not None else default_sampler(),
        direction="maximize", load_if_exists=load_if_exists,
    )


def default_sampler(random_state: int | None = None) -> BaseSampler:
    """The sampler of a search: Optuna's TPE (multivariate by default since Optuna 5).

    Enqueued trials count toward its ``n_startup_trials`` random trials, so a warm start
    shortens the random phase.
    """
    return TPESampler(seed=random_state)


def _resolve_storage(storage: str | BaseStorage | None) -> str | BaseStorage | None:
    if storage is None or isinstance(storage, BaseStorage):
        return storage
    if not isinstance(storage, str):
        raise TypeError(f"storage must be None, a URL string or an Optuna storage, got {type(storage).__name__}")
    if storage.startswith(JOURNAL_SCHEME):
        path = storage[len(JOURNAL_SCHEME):]
        if not path:
            raise ValueError(f"journal storage URL {storage!r} names no file; "
                             "use journal:///path/to/file.log")
        return JournalStorage(JournalFileBackend(path))
    if "://" not in storage:
        raise ValueError(f"malformed storage URL {storage!r}: expected 'journal:///path/to/file.log' "
                         "or a database URL such as 'sqlite:///study.db'")
    # Build the database storage here, where a bad URL can be reported as such.
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    url = database_url(storage)
    try:
        with warnings.catch_warnings():
            # Heartbeats are experimental in Optuna since 2.9; the tests pin what we rely on.
            warnings.simplefilter("ignore", ExperimentalWarning)
            heartbeat = {}
            if not url.startswith("sqlite"):
                # A server is where processes on several hosts meet, and where one may die.
                heartbeat = {"heartbeat_interval": HEARTBEAT_INTERVAL,
                             "grace_period": HEARTBEAT_GRACE_PERIOD,
                             "heartbeat_stale_trial_callback":
                                 RetryHeartbeatStaleTrialCallback(max_retry=HEARTBEAT_MAX_RETRY)}
            return optuna.storages.RDBStorage(url, **heartbeat)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ValueError(f"malformed storage URL {storage!r}: {exc}") from None


def database_url(url: str) -> str:
    """``url`` with the PostgreSQL driver that is installed.

    SQLAlchemy reads a bare ``postgresql://`` URL as psycopg2's; when only psycopg 3 (the
    ``postgres`` extra) is installed, the URL names it instead. Any other URL is returned as is.

    Raises
    ------
    ImportError
        For a bare ``postgresql://`` URL when neither driver is installed.
    """
    if not url.startswith("postgresql://"):
        return url
    if importlib.util.find_spec("psycopg2") is not None:
        return url
    if importlib.util.find_spec("psycopg") is not None:
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    raise ImportError("a postgresql:// storage needs a PostgreSQL driver: "
                      "pip install 'metaautoml[postgres]'")


@contextmanager
def optuna_verbosity(verbose: int) -> Iterator[None]:
    """Within the block, Optuna logs its INFO lines, and the ``metaautoml`` logger its line per
    trial, only when ``verbose >= 2``.

    Without a handler of the user's for the ``metaautoml`` logger (or the root logger), its lines
    go to stderr for the block. Previous levels are restored on exit, and a level the user chose
    that is quieter (or chattier) than ours is kept: this only ever moves Optuna towards the
    requested side.
    """
    previous = optuna.logging.get_verbosity()
    if verbose >= 2:
        level = min(previous, optuna.logging.INFO)
    else:
        level = max(previous, optuna.logging.WARNING)
    optuna.logging.set_verbosity(level)
    ours = logging.getLogger("metaautoml")
    previous_level, handler = ours.level, None
    if verbose >= 2:
        if ours.getEffectiveLevel() > logging.INFO:
            ours.setLevel(logging.INFO)
        if not ours.hasHandlers():
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("[metaautoml %(asctime)s] %(message)s"))
            ours.addHandler(handler)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)
        ours.setLevel(previous_level)
        if handler is not None:
            ours.removeHandler(handler)
