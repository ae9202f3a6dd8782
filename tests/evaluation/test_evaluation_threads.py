"""Thread choice for trials: one thread on small data, only free CPUs otherwise, the user's
``OMP_NUM_THREADS`` respected, and a passive OpenMP wait policy in worker processes.

The machine is mocked (CPUs, load average, environment), so each case is deterministic; one
test reads the settings back from a real worker, one checks that scores do not depend on them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _evaluation_helpers import worker_openmp_threads, worker_wait_policy_passive
from sklearn.datasets import make_classification

import metaautoml
from metaautoml.evaluation import (
    ScorerMetric,
    TrialRunner,
    _runner,
    default_n_threads,
    get_metric,
    make_splits,
)
from metaautoml.space import ColumnTypes, get_space

LARGE = 10 * _runner.SMALL_DATA_CELLS
SMALL = _runner.SMALL_DATA_CELLS - 1


@pytest.fixture
def machine(monkeypatch):
    """A machine with ``cpus`` CPUs (all available), load average ``load`` (None: unknown),
    and no thread variables in the environment unless a test sets them."""
    for variable in (*_runner._THREAD_VARIABLES, "OMP_WAIT_POLICY"):
        monkeypatch.delenv(variable, raising=False)

    def set_machine(cpus: int, load: float | None, available: int | None = None):
        monkeypatch.setattr(_runner, "available_cpus", lambda: available or cpus)
        monkeypatch.setattr(os, "cpu_count", lambda: cpus)
        if load is None:
            def no_load():
                raise OSError("no load average here")
            monkeypatch.setattr(os, "getloadavg", no_load)
        else:
            monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))

    return set_machine


def test_small_data_gets_one_thread_even_on_an_idle_machine(machine):
    machine(cpus=8, load=0.0)
    assert default_n_threads(1, n_cells=SMALL) == 1
    assert default_n_threads(1, n_cells=200 * 20) == 1
    assert default_n_threads(1, n_cells=LARGE) == 8


@pytest.mark.parametrize(("load", "n_workers", "expected"), [
    (0.0, 1, 8),   # idle: every CPU
    (0.0, 2, 4),   # idle: an equal share per worker
    (0.4, 1, 8),   # background noise rounds away
    (2.6, 1, 5),   # 8 - 2.6 = 5.4 free CPUs
    (5.0, 2, 1),   # 3 free CPUs for 2 workers
    (7.6, 1, 1),   # nothing free: still one thread
    (30.0, 1, 1),  # overloaded
])
def test_large_data_gets_the_free_cpus(machine, load, n_workers, expected):
    machine(cpus=8, load=load)
    assert default_n_threads(n_workers, n_cells=LARGE) == expected


def test_a_busy_two_core_machine_gets_one_thread(machine):
    """The measured case: two cores, another process keeping one of them busy."""
    machine(cpus=2, load=1.0)
    assert default_n_threads(1, n_cells=LARGE) == 1
    machine(cpus=2, load=0.2)
    assert default_n_threads(1, n_cells=LARGE) == 2


def test_unknown_size_is_limited_by_load_alone(machine):
    machine(cpus=8, load=3.0)
    assert default_n_threads() == 5
    assert default_n_threads(4) == 1


def test_without_a_load_average_each_worker_gets_its_share(machine):
    machine(cpus=8, load=None)
    assert default_n_threads(1, n_cells=LARGE) == 8
    assert default_n_threads(3, n_cells=LARGE) == 2
    assert default_n_threads(1, n_cells=SMALL) == 1


def test_load_is_measured_on_the_whole_machine(machine):
    """The load average counts every CPU of the machine, not only the ones this process may use."""
    machine(cpus=16, load=4.0, available=4)
    assert default_n_threads(1, n_cells=LARGE) == 4
    machine(cpus=16, load=14.0, available=4)
    assert default_n_threads(1, n_cells=LARGE) == 2


@pytest.mark.parametrize(("value", "n_workers", "n_cells", "expected"), [
    ("1", 1, LARGE, 1),
    ("3", 1, SMALL, 3),   # the user's choice wins over the small-data rule...
    ("3", 1, LARGE, 3),   # ...and over the load
    ("16", 1, LARGE, 8),  # capped at the CPUs
    ("16", 2, LARGE, 4),  # and at each worker's share
])
def test_the_users_omp_num_threads_is_respected(machine, monkeypatch, value, n_workers, n_cells,
                                                expected):
    machine(cpus=8, load=6.0)
    monkeypatch.setenv("OMP_NUM_THREADS", value)
    assert default_n_threads(n_workers, n_cells=n_cells) == expected


@pytest.mark.parametrize("value", ["", "abc", "0", "-2"])
def test_an_unusable_omp_num_threads_is_ignored(machine, monkeypatch, value):
    machine(cpus=8, load=0.0)
    monkeypatch.setenv("OMP_NUM_THREADS", value)
    assert default_n_threads(1, n_cells=LARGE) == 8
    assert default_n_threads(1, n_cells=SMALL) == 1


def test_worker_env_sets_the_thread_counts_and_a_passive_wait_policy():
    env = _runner.worker_thread_env(3, environ={})
    assert {env[v] for v in _runner._THREAD_VARIABLES} == {"3"}
    assert env["OMP_WAIT_POLICY"] == "PASSIVE"


def test_worker_env_can_leave_openmps_default_wait_policy():
    env = _runner.worker_thread_env(2, environ={}, wait_policy=None)
    assert "OMP_WAIT_POLICY" not in env and env["OMP_NUM_THREADS"] == "2"


def test_worker_env_keeps_the_users_wait_policy():
    env = _runner.worker_thread_env(2, environ={"OMP_WAIT_POLICY": "ACTIVE"})
    assert "OMP_WAIT_POLICY" not in env  # the worker inherits the user's ACTIVE


def _data(rows: int):
    X, y = make_classification(rows, 10, n_informative=5, random_state=0)
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(10)])
    return X, y, make_splits(y, "classification", cv=3, random_state=0)


def test_runner_default_threads_follow_the_data_size(machine):
    machine(cpus=8, load=0.0)
    X, y, splits = _data(100)
    runner = TrialRunner(X, y, task="classification", columns=ColumnTypes.infer(X),
                         splits=splits, metrics=[get_metric("accuracy", "classification")])
    assert runner.n_threads == 1
    assert TrialRunner(X, y, task="classification", columns=ColumnTypes.infer(X), splits=splits,
                       metrics=[get_metric("accuracy", "classification")],
                       n_threads=3).n_threads == 3


def test_the_worker_runs_with_the_chosen_threads_and_wait_policy(monkeypatch):
    helpers = Path(__file__).resolve().parent
    root = Path(metaautoml.__file__).resolve().parent.parent
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(map(str, (helpers, root))))
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    X, y, splits = _data(60)
    metrics = [ScorerMetric(name=f.__name__, task="classification", scorer=f)
               for f in (worker_openmp_threads, worker_wait_policy_passive)]
    with TrialRunner(X, y, task="classification", columns=ColumnTypes.infer(X), splits=splits,
                     metrics=metrics, n_threads=3) as runner:
        result = runner.evaluate(get_space("classification").default_config("linear"),
                                 time_limit=120)
    assert result.ok, result.error
    assert result.scores == {"worker_openmp_threads": 3.0, "worker_wait_policy_passive": 1.0}


def test_scores_do_not_depend_on_the_thread_count():
    """HistGradientBoosting's OpenMP loops and the BLAS give the same model on 1 or 2 threads."""
    X, y, splits = _data(600)
    space = get_space("classification")
    metric = get_metric("log_loss", "classification")
    scores = {}
    for n_threads in (1, 2):
        runner = TrialRunner(X, y, task="classification", columns=ColumnTypes.infer(X),
                             splits=splits, metrics=[metric], isolate=False, n_threads=n_threads)
        results = [runner.evaluate({**space.default_config(family), **overrides})
                   for family, overrides in (
                       ("hist_gradient_boosting", {"hist_gradient_boosting__max_iter": 40}),
                       ("mlp", {"mlp__hidden_units": 16}))]
        assert all(result.ok for result in results), [result.error for result in results]
        scores[n_threads] = [result.scores[metric.name] for result in results]
    assert scores[1] == scores[2]
    assert np.all(np.isfinite(scores[1]))
