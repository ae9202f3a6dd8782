"""TrialRunner: isolated trials are killed at their time limit, fail at their memory limit, and a
crash or kill never stops the next trial, which gets a fresh worker.

The misbehaving trials come from custom scorers in ``_evaluation_helpers`` (see its docstring
for why a scorer, and why its directory goes on the worker's ``PYTHONPATH``).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _evaluation_helpers import exit_on_knn, hang_on_knn, hog_memory_on_knn
from sklearn.datasets import load_iris

import metaautoml
from metaautoml.evaluation import (
    COMPLETE,
    FAILED,
    TIMEOUT,
    ScorerMetric,
    TrialRunner,
    WorkerStartError,
    get_metric,
    make_splits,
)
from metaautoml.space import ColumnTypes, get_space

SPACE = get_space("classification")
LINEAR = SPACE.default_config("linear")
KNN = SPACE.default_config("knn")
#: Seconds a killed trial may take beyond its limit: the kill, the wait for the process, the
#: bookkeeping -- on a loaded machine.
KILL_SLACK = 3.0


@pytest.fixture(autouse=True)
def worker_path(monkeypatch):
    """Let the worker import this checkout and the helper module (the env is copied at spawn)."""
    helpers = Path(__file__).resolve().parent
    root = Path(metaautoml.__file__).resolve().parent.parent
    existing = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        str(p) for p in (helpers, root, existing) if p))


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True, as_frame=True)
    y = y.to_numpy()
    return X, y, make_splits(y, "classification", cv=3, random_state=0)


def _runner(iris, metrics, **kwargs) -> TrialRunner:
    X, y, splits = iris
    return TrialRunner(X, y, task="classification", columns=ColumnTypes.infer(X), splits=splits,
                       metrics=metrics, random_state=0, n_threads=1, **kwargs)


def _scorer(function) -> ScorerMetric:
    return ScorerMetric(name=function.__name__, task="classification", scorer=function)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_isolated_and_in_process_results_agree(iris):
    metrics = [get_metric(m, "classification") for m in ("accuracy", "log_loss")]
    with _runner(iris, metrics, isolate=True) as isolated, \
            _runner(iris, metrics, isolate=False) as local:
        a = isolated.evaluate(LINEAR, time_limit=120)
        b = local.evaluate(LINEAR)
    assert a.state == b.state == COMPLETE
    assert a.scores == pytest.approx(b.scores)
    assert a.score_std == pytest.approx(b.score_std)


def test_kept_predictions_come_back_from_the_worker(iris):
    metrics = [get_metric("accuracy", "classification")]
    with _runner(iris, metrics, isolate=True, keep_predictions=True) as isolated, \
            _runner(iris, metrics, isolate=False, keep_predictions=True) as local, \
            _runner(iris, metrics, isolate=False) as without:
        a = isolated.evaluate(LINEAR, time_limit=120)
        b = local.evaluate(LINEAR)
        assert without.evaluate(LINEAR).predictions is None
    assert a.predictions.shape == (len(iris[1]), 3)
    np.testing.assert_allclose(a.predictions, b.predictions, atol=1e-6)


def test_a_hanging_trial_is_killed_at_its_limit_and_the_next_one_works(iris):
    with _runner(iris, [_scorer(hang_on_knn)]) as runner:
        first = runner.evaluate(LINEAR, time_limit=120)
        assert first.state == COMPLETE  # also: the worker has started
        worker = runner._process.pid

        start = time.perf_counter()
        hung = runner.evaluate(KNN, time_limit=1.0)
        elapsed = time.perf_counter() - start
        assert hung.state == TIMEOUT
        assert hung.error == "exceeded the per-trial time limit of 1.0 s"
        assert 1.0 <= hung.duration < 1.0 + KILL_SLACK
        assert elapsed < 1.0 + KILL_SLACK
        assert not _alive(worker)

        after = runner.evaluate(LINEAR, time_limit=120)
        assert after.state == COMPLETE
        assert after.scores == pytest.approx(first.scores)
        assert runner._process.pid != worker
    assert runner._process is None  # closed with the context


def test_a_memory_hog_fails_under_the_memory_limit(iris):
    with _runner(iris, [_scorer(hog_memory_on_knn)], memory_limit_mb=3000) as runner:
        assert runner.evaluate(LINEAR, time_limit=120).state == COMPLETE
        hog = runner.evaluate(KNN, time_limit=120)
        assert hog.state == FAILED
        assert hog.error.startswith("out of memory under memory_limit_mb=3000 (MemoryError: "
                                    "Unable to allocate 8.00 GiB")
        assert runner.evaluate(LINEAR, time_limit=120).state == COMPLETE


def test_a_crashing_worker_is_a_failed_trial_and_is_replaced(iris):
    with _runner(iris, [_scorer(exit_on_knn)]) as runner:
        crashed = runner.evaluate(KNN, time_limit=120)
        assert crashed.state == FAILED
        assert crashed.error.startswith("the trial's worker process exited with code 3")
        assert runner.evaluate(LINEAR, time_limit=120).state == COMPLETE


def test_an_undefined_secondary_metric_in_the_worker():
    X = pd.DataFrame({"x": np.r_[np.linspace(0, 1, 10), np.linspace(2, 3, 10)]})
    y = np.repeat([0, 1], 10)
    # The first test fold holds class 0 only: ROC AUC is undefined there, accuracy is not.
    splits = [(np.setdiff1d(np.arange(20), test), test) for test in (np.r_[0:5], np.r_[5:15])]
    metrics = [get_metric("accuracy", "classification"), get_metric("roc_auc", "classification")]
    with TrialRunner(X, y, task="classification", columns=ColumnTypes.infer(X), splits=splits,
                     metrics=metrics, n_threads=1) as runner:
        result = runner.evaluate(LINEAR, time_limit=120)
    assert result.state == COMPLETE
    assert result.scores["accuracy"] == pytest.approx(1.0)
    assert np.isnan(result.scores["roc_auc"])


def test_a_worker_that_cannot_start_raises(iris, monkeypatch):
    """An environment fault, not a property of the configuration: raised, not recorded."""
    # Without the helpers' directory on its path the worker cannot unpickle the custom scorer.
    monkeypatch.delenv("PYTHONPATH")
    monkeypatch.chdir(Path(metaautoml.__file__).resolve().parent.parent)
    with _runner(iris, [_scorer(hang_on_knn)]) as runner:
        with pytest.raises(WorkerStartError, match="could not start the trial worker: the "
                                                   "trial's worker process exited with code 1: "
                                                   "ModuleNotFoundError"):
            runner.evaluate(LINEAR, time_limit=120)
        assert runner._process is None


def test_in_process_runner_has_no_worker(iris):
    with _runner(iris, [get_metric("accuracy", "classification")], isolate=False) as runner:
        assert runner.evaluate(KNN).state == COMPLETE
        assert runner._process is None


def test_a_started_worker_runs_the_next_trial(iris, monkeypatch):
    """``start`` returns before the worker is up; ``evaluate`` waits for it and uses it."""
    release = threading.Event()
    ensure_worker = TrialRunner._ensure_worker

    def held_start(runner):
        release.wait(60)
        ensure_worker(runner)

    monkeypatch.setattr(TrialRunner, "_ensure_worker", held_start)
    with _runner(iris, [get_metric("accuracy", "classification")]) as runner:
        runner.start()  # returns although the worker cannot start before the release
        assert runner._process is None and runner._starting.is_alive()
        runner.start()  # a second call while it starts does nothing
        release.set()
        result = runner.evaluate(LINEAR, time_limit=120)
        pid = runner._process.pid
        assert result.state == COMPLETE and result.scores["accuracy"] > 0.9
        assert runner.evaluate(KNN, time_limit=120).state == COMPLETE
        assert runner._process.pid == pid  # the same worker ran both
    assert not _alive(pid)


def test_closing_a_runner_whose_worker_still_starts_stops_it(iris):
    runner = _runner(iris, [get_metric("accuracy", "classification")])
    runner.start()
    runner.close()
    assert runner._process is None and runner._starting is None


def test_a_failed_start_is_raised_by_the_next_evaluate(iris, monkeypatch):
    monkeypatch.delenv("PYTHONPATH")
    monkeypatch.chdir(Path(metaautoml.__file__).resolve().parent.parent)
    with _runner(iris, [_scorer(hang_on_knn)]) as runner:
        runner.start()
        with pytest.raises(WorkerStartError, match="ModuleNotFoundError"):
            runner.evaluate(LINEAR, time_limit=120)
        assert runner._process is None


def test_start_does_nothing_in_process(iris):
    with _runner(iris, [get_metric("accuracy", "classification")], isolate=False) as runner:
        runner.start()
        assert runner._starting is None and runner._process is None
        assert runner.evaluate(KNN).state == COMPLETE
