"""``fit`` and four ``metaautoml worker`` processes sharing one study on a real PostgreSQL server.

One worker is killed with SIGKILL while it runs a trial. Its trial stops writing heartbeats, is
marked failed after the grace period and enqueued again (Optuna's
``RetryHeartbeatStaleTrialCallback``); the retry takes the failed trial's place in the budget.
The tests read what the processes left in the database: exactly the budget, nothing waiting or
running, each configuration evaluated once, the warm-start configurations enqueued once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter

import pytest
from _cli_helpers import iris_csv, needs_estimator, start_cli
from optuna.trial import TrialState

from metaautoml.search import load_study
from metaautoml.search._study import HEARTBEAT_GRACE_PERIOD
from metaautoml.space import get_space

pytestmark = [needs_estimator, pytest.mark.slow]

N_TRIALS = 24
N_WORKERS = 4
STUDY = "pg"
WAIT = 240
TIMEOUT = 600
SPACE = get_space("classification")


def _kill_mid_trial(victim: subprocess.Popen, storage: str, deadline: float) -> int | None:
    """SIGKILL ``victim`` while the study shows a trial of its running; that trial's number."""
    study = None
    while time.monotonic() < deadline and victim.poll() is None:
        try:
            study = study or load_study(storage, STUDY)
        except KeyError:  # fit has not created the study yet
            time.sleep(0.5)
            continue
        for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            if trial.user_attrs.get("process", "").endswith(f":{victim.pid}"):
                os.kill(victim.pid, signal.SIGKILL)
                victim.wait()
                return trial.number
        time.sleep(0.05)
    return None


@pytest.fixture(scope="module")
def postgres_search(tmp_path_factory, postgres_url) -> dict:
    directory = tmp_path_factory.mktemp("postgres-search")
    data = iris_csv(directory / "iris.csv")
    names = [f"worker{i}" for i in range(N_WORKERS)]
    processes = {name: start_cli(name, ["worker", "--study", STUDY, "--storage", postgres_url,
                                     "--wait", WAIT, "--format", "json"], directory)
                 for name in names}
    processes["fit"] = start_cli("fit", [
        "fit", data, "--target", "species", "--n-trials", N_TRIALS, "--cv", 2,
        "--random-state", 0, "--storage", postgres_url, "--study-name", STUDY,
        "--output", directory / "model.joblib", "--format", "json"], directory)
    started = time.monotonic()
    try:
        killed = _kill_mid_trial(processes[names[0]], postgres_url, started + TIMEOUT / 2)
        for process in processes.values():
            process.wait(timeout=max(1.0, TIMEOUT - (time.monotonic() - started)))
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    results = {name: {"returncode": process.returncode,
                      "stdout": (directory / f"{name}.out").read_text(),
                      "stderr": (directory / f"{name}.err").read_text()}
               for name, process in processes.items()}
    return {"storage": postgres_url, "results": results, "killed": killed, "victim": names[0],
            "survivors": names[1:], "seconds": time.monotonic() - started}


def _report(search, name):
    result = search["results"][name]
    assert result["returncode"] == 0, (name, result["stderr"])
    return json.loads(result["stdout"])


def test_the_killed_worker_died_mid_trial_and_the_others_finished(postgres_search):
    assert postgres_search["killed"] is not None, "the worker never ran a trial"
    assert postgres_search["results"][postgres_search["victim"]]["returncode"] == -signal.SIGKILL
    for name in ["fit", *postgres_search["survivors"]]:
        _report(postgres_search, name)
        stderr = postgres_search["results"][name]["stderr"]
        assert "Traceback" not in stderr and "Heartbeat" not in stderr, (name, stderr)
    # The others waited for the dead worker's trial to go stale, then ran its retry.
    assert postgres_search["seconds"] > HEARTBEAT_GRACE_PERIOD


def test_its_trial_was_failed_and_retried_once(postgres_search):
    trials = load_study(postgres_search["storage"], STUDY).get_trials(deepcopy=False)
    killed = trials[postgres_search["killed"]]
    assert killed.state == TrialState.FAIL
    retries = [t for t in trials if t.system_attrs.get("failed_trial") == killed.number]
    assert len(retries) == 1
    assert retries[0].state == TrialState.COMPLETE
    # The same configuration: the parameters the killed trial had set before it died (all of
    # them when it died evaluating, some when it died while suggesting them) are fixed.
    assert killed.params.items() <= retries[0].params.items()


def test_exactly_the_budget_ran_none_lost_none_duplicated(postgres_search):
    trials = load_study(postgres_search["storage"], STUDY).get_trials(deepcopy=False)
    states = Counter(t.state for t in trials)
    # The budget plus the one failed trial whose retry took its place; nothing left behind.
    assert states == {TrialState.COMPLETE: N_TRIALS, TrialState.FAIL: 1}, states
    complete = [SPACE.config_id(dict(t.params)) for t in trials if t.state == TrialState.COMPLETE]
    assert len(set(complete)) == N_TRIALS  # each configuration evaluated once
    summary = _report(postgres_search, "fit")
    assert summary["n_complete"] == N_TRIALS  # fit waited for the retry before refitting


def test_the_warm_start_was_enqueued_once(postgres_search):
    trials = load_study(postgres_search["storage"], STUDY).get_trials(deepcopy=False)
    enqueued = [t for t in trials
                if "fixed_params" in t.system_attrs and "failed_trial" not in t.system_attrs]
    assert enqueued
    assert all(t.user_attrs["source"].startswith(("warm_start:", "default")) for t in enqueued)
    ids = [SPACE.config_id(t.system_attrs["fixed_params"]) for t in enqueued]
    assert len(ids) == len(set(ids))


def test_several_processes_ran_trials(postgres_search):
    trials = load_study(postgres_search["storage"], STUDY).get_trials(deepcopy=False)
    processes = {t.user_attrs["process"] for t in trials}
    assert len(processes) >= 3, processes
