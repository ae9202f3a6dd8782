"""The search loop: Optuna's ask-and-tell API around trial runners, under a wall-clock budget.

Optuna's ``study.optimize(timeout=...)`` only checks the clock between trials and cannot stop a
scikit-learn fit. Here every trial gets a time limit of its own -- the per-trial limit, cut to
what is left of the budget -- and an isolated :class:`~metaautoml.evaluation.TrialRunner` kills a
trial that runs past it, so the budget holds even when a model hangs.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Protocol

import numpy as np
import optuna
from optuna.trial import FrozenTrial, TrialState

from ..evaluation import COMPLETE, FAILED, TIMEOUT, TrialResult
from ..space import FAMILY, Config, SearchSpace
from ._optuna_internals import ask, enqueued_params, heartbeats, stoppable
from ._shared import PROCESS_ATTR, SharedBudget

#: One INFO line per finished trial (the estimators' ``verbose=2`` shows them on stderr).
LOGGER = logging.getLogger("metaautoml.search")

#: ``source`` of the trials Optuna's sampler proposed (enqueued trials carry their own tag).
OPTUNA_SOURCE = "optuna"
#: ``source`` of an enqueued configuration given without a tag.
ENQUEUED_SOURCE = "enqueued"
#: ``state`` of an enqueued trial not started because it was predicted to overrun the time left
#: (told as failed; it says nothing of the configuration's score).
SKIPPED = "skipped"
#: Seconds between looks at a shared study whose budget is spent while trials still run.
_RUNNING_POLL = 1.0

Proposal = tuple[str, Config]
Callback = Callable[[optuna.Study, FrozenTrial], None]


class Evaluator(Protocol):
    """What the search needs of a runner; :class:`~metaautoml.evaluation.TrialRunner` is one."""

    #: Metrics with a ``name``; the first is the objective.
    metrics: Sequence[Any]

    def evaluate(self, config: Config, time_limit: float | None = None) -> TrialResult: ...

    def close(self) -> None: ...


class PredictionSink(Protocol):
    """Where a search puts its trials' out-of-fold predictions;
    :class:`~metaautoml.ensemble.PredictionStore` is one."""

    def add(self, number: int, score: float, predictions: np.ndarray) -> None: ...


def check_budget(n_trials: int | None, time_budget: float | None,
                 per_trial_time_limit: float | None = None) -> None:
    """Raise ``ValueError`` naming the parameter unless the search's budget is valid."""
    if n_trials is None and time_budget is None:
        raise ValueError("give n_trials, time_budget or both; otherwise the search never ends")
    if n_trials is not None and (not isinstance(n_trials, (int, np.integer))
                                 or isinstance(n_trials, bool) or n_trials < 1):
        raise ValueError(f"n_trials must be a positive integer or None, got {n_trials!r}")
    for name, value in (("time_budget", time_budget), ("per_trial_time_limit", per_trial_time_limit)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float, np.number))
                                  or not value > 0):
            raise ValueError(f"{name} must be a positive number of seconds or None, got {value!r}")


def run_search(study: optuna.Study, space: SearchSpace, make_runner: Callable[[], Evaluator], *,
               n_trials: int | None, time_budget: float | None = None,
               per_trial_time_limit: float | None = None,
               enqueue: Iterable[Config | Proposal] = (), n_jobs: int = 1,
               progress: bool = False, callbacks: Sequence[Callback] = (),
               shared: SharedBudget | None = None,
               prediction_store: PredictionSink | None = None,
               predict_seconds: Callable[[list[Config]], np.ndarray] | None = None,
               ) -> list[FrozenTrial]:
    """Run trials of ``space`` on ``study`` until ``n_trials`` ran or ``time_budget`` is spent.

    Each trial is ``study.ask()``, ``space.suggest(trial)``, ``runner.evaluate(config, limit)``
    and ``study.tell(...)``. A failed or timed-out trial is told as ``TrialState.FAIL`` and the
    search goes on. Every trial gets the user attributes ``family``, ``state`` (``"complete"``,
    ``"failed"``, ``"timeout"`` or ``"skipped"``), ``error``, ``fit_time``, ``duration``,
    ``scores`` (every metric; ``None`` where undefined), ``score_std``, ``source`` and
    ``process`` (the
    ``"<host>:<pid>"`` that ran it). On a storage with heartbeats (a database server), the
    running trial writes one every few seconds (see :mod:`metaautoml.search`).

    Parameters
    ----------
    study : optuna.Study
        A maximizing study, e.g. from :func:`create_study`. Its sampler proposes the trials.
    space : SearchSpace
    make_runner : callable
        Returns a fresh runner, called once per worker thread; the search closes it at the end.
    n_trials : int or None
        Trials to run in this call (trials already in the study do not count); ``None`` runs
        until ``time_budget`` is spent.
    time_budget : float or None
        Seconds for the whole call. Each trial's limit is cut to the time left, so with an
        isolated runner the budget holds up to the start of a fresh worker process (after a
        kill) and the recording of the last trial. An in-process runner cannot be interrupted:
        the budget is then only checked between trials.
    per_trial_time_limit : float or None
        Seconds one trial may take.
    enqueue : iterable of dict or (str, dict)
        Configurations to try first, in order, each optionally tagged with its ``source``
        (default ``"enqueued"``). They are clipped into range and enqueued before any trial
        runs; one equal to a trial already in the study is skipped, so a resumed study does not
        repeat them, and no more are enqueued once ``n_trials`` trials are waiting. They count
        toward ``n_trials``.
    n_jobs : int
        Worker threads, each with its own runner.
    progress : bool
        Show a progress bar on stderr, only when stderr is a terminal.
    callbacks : sequence of callable
        ``callback(study, frozen_trial)`` after each trial, one at a time. As in
        ``study.optimize``, a callback's ``study.stop()`` ends the search once the running
        trials finish.
    prediction_store : object with ``add(number, score, predictions)``, optional
        Receives each completed trial's out-of-fold predictions, for trials whose runner keeps
        them (``TrialRunner(keep_predictions=True)``), e.g. a
        :class:`~metaautoml.ensemble.PredictionStore`. Trials of other processes searching the
        same study are not seen.
    predict_seconds : callable, optional
        With ``time_budget``: maps configurations to their predicted seconds of evaluation (a
        :class:`~metaautoml.cost.CostModel`'s). An enqueued configuration predicted to take
        longer than the time left when its turn comes is not started, once a trial of this
        call has completed: its trial is told as failed with the ``state`` ``"skipped"``
        (:data:`SKIPPED`) and an ``error`` saying so, and the sampler has the time left. Configurations the sampler proposes are its own to
        limit (:meth:`MetaSurrogateSampler.limit_cost`). A skipped trial counts toward
        ``n_trials``.
    shared : SharedBudget or None
        For a study that other processes search too (``metaautoml worker``): the budget they
        share, from :func:`share_study`. Each trial is then also claimed from it, under its
        lock, so that all processes together run its ``total_trials`` and no two take the same
        enqueued trial.

    Returns
    -------
    list of optuna.trial.FrozenTrial
        The trials this call ran, by trial number.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from metaautoml.evaluation import TrialRunner, get_metric, make_splits
    >>> from metaautoml.search import create_study, default_sampler, run_search
    >>> from metaautoml.space import ColumnTypes, get_space
    >>> X, y = load_iris(return_X_y=True, as_frame=True)
    >>> space = get_space("classification")
    >>> def make_runner():
    ...     return TrialRunner(X, y.to_numpy(), task="classification", columns=ColumnTypes.infer(X),
    ...                        splits=make_splits(y.to_numpy(), "classification", cv=3),
    ...                        metrics=[get_metric("accuracy", "classification")], isolate=False)
    >>> study = create_study(sampler=default_sampler(0))
    >>> trials = run_search(study, space, make_runner, n_trials=3,
    ...                     enqueue=[("default", space.default_config("linear"))])
    >>> [t.user_attrs["source"] for t in trials]
    ['default', 'optuna', 'optuna']
    """
    check_budget(n_trials, time_budget, per_trial_time_limit)
    if not isinstance(n_jobs, (int, np.integer)) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive integer, got {n_jobs!r}")

    budget = _Budget(n_trials, time_budget, per_trial_time_limit)
    _enqueue(study, space, enqueue, n_trials)
    search = _Search(study, space, make_runner, budget, callbacks,
                     _ProgressBar(progress, total=n_trials), shared, prediction_store,
                     predict_seconds)
    try:
        if n_jobs == 1:
            # In the calling thread: deterministic, and Ctrl-C lands where the trial runs.
            search.work()
        else:
            threads = [threading.Thread(target=search.work_in_thread, name=f"metaautoml-search-{i}")
                       for i in range(int(n_jobs))]
            for thread in threads:
                thread.start()
            try:
                for thread in threads:
                    thread.join()
            except BaseException:
                budget.stop()  # let running trials finish, start no more
                raise
            if search.errors:
                raise search.errors[0]
    finally:
        search.progress.close()
    return sorted(search.trials, key=lambda t: t.number)


def _enqueue(study: optuna.Study, space: SearchSpace, proposals: Iterable[Config | Proposal],
             n_trials: int | None) -> None:
    for proposal in proposals:
        # Trials beyond n_trials could not run in this call; left waiting they would confuse
        # the study's trial list and be run by whoever continues it.
        if n_trials is not None and len(study.get_trials(deepcopy=False, states=(TrialState.WAITING,))) >= n_trials:
            break
        source, config = (ENQUEUED_SOURCE, proposal) if isinstance(proposal, dict) else proposal
        # Optuna uses an out-of-range enqueued number with only a warning: clip it first.
        study.enqueue_trial(space.clip(config), user_attrs={"source": str(source)},
                            skip_if_exists=True)


class _Budget:
    """What the worker threads share: how many trials may still start, and until when."""

    def __init__(self, n_trials: int | None, time_budget: float | None,
                 per_trial_time_limit: float | None):
        self._left = n_trials
        self._deadline = None if time_budget is None else time.monotonic() + time_budget
        self._per_trial = per_trial_time_limit
        self._stopped = False
        self._lock = threading.Lock()

    def claim(self) -> bool:
        """Reserve the next trial, or say the search is over."""
        with self._lock:
            if self._stopped or self._left == 0 or self.remaining() == 0.0:
                return False
            if self._left is not None:
                self._left -= 1
            return True

    def open(self) -> bool:
        """Whether this process may still start a trial (without reserving one)."""
        with self._lock:
            return not self._stopped and self._left != 0 and self.remaining() != 0.0

    def remaining(self) -> float | None:
        return None if self._deadline is None else max(0.0, self._deadline - time.monotonic())

    def time_limit(self) -> float | None:
        """The limit of a trial starting now: the per-trial limit cut to the time left."""
        limits = [t for t in (self._per_trial, self.remaining()) if t is not None]
        return min(limits) if limits else None

    def cut_by_budget(self, limit: float | None) -> bool:
        """Whether a trial given ``limit`` was held to the overall deadline rather than to the
        per-trial limit (so its timeout says which one stopped it)."""
        return limit is not None and (self._per_trial is None or limit < self._per_trial)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True


class _Search:
    def __init__(self, study, space, make_runner, budget, callbacks, progress, shared=None,
                 prediction_store=None, predict_seconds=None):
        self.study, self.space, self.make_runner = study, space, make_runner
        self.budget, self.callbacks, self.progress = budget, list(callbacks), progress
        self.shared, self.prediction_store = shared, prediction_store
        self.predict_seconds = predict_seconds
        self.trials: list[FrozenTrial] = []
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._ask_lock = shared.lock if shared is not None else threading.Lock()

    def work_in_thread(self) -> None:
        try:
            self.work()
        except BaseException as exc:  # noqa: BLE001 -- re-raised by run_search in the caller
            self.budget.stop()
            with self._lock:
                self.errors.append(exc)

    def work(self) -> None:
        runner = self.make_runner()
        try:
            objective = runner.metrics[0].name
            while (trial := self._ask()) is not None:
                self._run_trial(runner, objective, trial)
        finally:
            runner.close()

    def _ask(self) -> optuna.Trial | None:
        """The next trial, or ``None`` once the budget is spent.

        Checking the budget and asking happen under one lock: otherwise two processes sharing a
        study could both see one trial left, or pop the same enqueued trial (Optuna's RDB
        storage does not make that atomic on SQLite).
        """
        while True:
            with self._ask_lock:
                if self.shared is None or not self.shared.spent(self.study):
                    return ask(self.study) if self.budget.claim() else None
                if not self.budget.open() or not self.shared.awaits_running(self.study):
                    return None
            # A trial still runs somewhere: should its process have died, its retry needs us.
            time.sleep(_RUNNING_POLL)

    def _run_trial(self, runner: Evaluator, objective: str, trial: optuna.Trial) -> None:
        config: Config = {}
        try:
            # The first heartbeat before anything else: a trial that never wrote one is never
            # found stale, and a process dying before it would leave the trial running forever.
            with heartbeats(self.study, trial):
                # Which process ran it: on a shared study, hosts and workers tell theirs apart.
                trial.set_user_attr(PROCESS_ATTR, f"{socket.gethostname()}:{os.getpid()}")
                config = self.space.suggest(trial)
                limit = self.budget.time_limit()
                result = self._not_started(trial, config) or runner.evaluate(config, limit)
            if result.state == TIMEOUT and self.budget.cut_by_budget(limit):
                result = replace(result, error=f"stopped after {limit:.1f} s, when the search's "
                                               "time_budget ran out")
        except BaseException as exc:
            # A bug or an interrupt, not a model failure: record the trial, then stop.
            result = TrialResult(FAILED, error=f"{type(exc).__name__}: {exc}"[:500])
            _tell(self.study, trial, config or trial.params, result, objective)
            raise
        frozen = _tell(self.study, trial, config, result, objective)
        _log_trial(frozen, objective)
        with self._lock:
            if (self.prediction_store is not None and result.state == COMPLETE
                    and result.predictions is not None):
                self.prediction_store.add(frozen.number, frozen.value, result.predictions)
            self.trials.append(frozen)
            self.progress.update(frozen)
            if not self.callbacks:
                return
            # As in study.optimize, a callback may end the search with study.stop().
            with stoppable(self.study) as stopped:
                for callback in self.callbacks:
                    callback(self.study, frozen)
                if stopped():
                    self.budget.stop()


    def _not_started(self, trial: optuna.Trial, config: Config) -> TrialResult | None:
        """The result of an enqueued configuration predicted not to finish in the time left,
        recorded instead of starting it; ``None`` to start it.

        Until a trial of the study completes, every configuration starts, as ``fit_in_budget``
        keeps the cheapest proposal when none fits: a search should end with a model. A study
        shared with other processes counts theirs too: a worker joining a search that has a
        model does not start what it has no time for.
        """
        left = self.budget.remaining()
        if self.predict_seconds is None or left is None:
            return None
        with self._lock:
            completed_here = any(t.state == TrialState.COMPLETE for t in self.trials)
        if not completed_here and not self.study.get_trials(deepcopy=False,
                                                            states=(TrialState.COMPLETE,)):
            return None
        if enqueued_params(_stored_trial(self.study, trial)) is None:
            return None
        predicted = float(np.asarray(self.predict_seconds([config]), dtype=float)[0])
        if predicted <= left:
            return None
        return TrialResult(SKIPPED, duration=0.0,
                           error=f"not started: predicted to take {predicted:.1f} s, with "
                                 f"{left:.1f} s of the search's time_budget left")


def _tell(study: optuna.Study, trial: optuna.Trial, config: Config, result: TrialResult,
          objective: str) -> FrozenTrial:
    attrs = {
        "family": config.get(FAMILY),
        "state": result.state,
        "error": result.error,
        "fit_time": float(result.fit_time),
        "duration": float(result.duration),
        "scores": {name: _finite_or_none(value) for name, value in result.scores.items()},
        "score_std": _finite_or_none(result.score_std),
    }
    # As stored, not ``trial.user_attrs``: the trial object caches its attributes from before
    # the sampler's ``before_trial``, which tags the surrogate's proposals.
    if "source" not in _stored_trial(study, trial).user_attrs:
        attrs["source"] = OPTUNA_SOURCE
    try:
        for key, value in attrs.items():
            trial.set_user_attr(key, value)
        if result.state == COMPLETE:
            return study.tell(trial, result.scores[objective])
        return study.tell(trial, state=TrialState.FAIL)
    except optuna.exceptions.UpdateFinishedTrialError:
        # Its heartbeats stopped long enough for another process to fail (and retry) it.
        LOGGER.warning("trial %d was marked failed by another process before it ended; its "
                       "result is dropped", trial.number)
        return _stored_trial(study, trial)


def _log_trial(trial: FrozenTrial, objective: str) -> None:
    if not LOGGER.isEnabledFor(logging.INFO):
        return
    attrs = trial.user_attrs
    outcome = (f"{objective} {trial.value:.6g}" if trial.state == TrialState.COMPLETE
               else f"{attrs.get('state', 'failed')}: {attrs.get('error') or 'no error recorded'}")
    LOGGER.info("trial %d (%s) %s: %s in %.1f s", trial.number, attrs.get("source"),
                attrs.get("family"), outcome, attrs.get("duration") or 0.0)


def _stored_trial(study: optuna.Study, trial: optuna.Trial) -> FrozenTrial:
    """``trial`` as the study's storage holds it now, by its number.

    ``study.get_trials`` lists the trials by number, and Optuna numbers the trials of a study
    0, 1, 2, ... as it creates them (every storage counts the study's earlier trials; none is
    ever deleted), so the trial numbered ``n`` is at index ``n``; the search by number is a
    safeguard.
    """
    trials = study.get_trials(deepcopy=False)
    if trial.number < len(trials) and trials[trial.number].number == trial.number:
        return trials[trial.number]
    for stored in trials:
        if stored.number == trial.number:
            return stored
    raise LookupError(f"trial {trial.number} is not in study {study.study_name!r}")


def _finite_or_none(value: Any) -> float | None:
    # None rather than NaN keeps the attributes valid JSON in every storage.
    return float(value) if value is not None and np.isfinite(value) else None


class _ProgressBar:
    """A tqdm bar on stderr showing the best score, only when stderr is a terminal."""

    def __init__(self, enabled: bool, total: int | None):
        self._bar = None
        self._best = -np.inf
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, file=sys.stderr, unit="trial", dynamic_ncols=True)

    def update(self, trial: FrozenTrial) -> None:
        if self._bar is None:
            return
        if trial.state == TrialState.COMPLETE and trial.value > self._best:
            self._best = trial.value
            self._bar.set_postfix(best=f"{self._best:.4f}", refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
