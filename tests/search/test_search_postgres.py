"""The search's storage on a real PostgreSQL server: URL, claim lock, heartbeats and retries.

The processes sharing a study on a server are tested end to end in
tests/cli/test_cli_postgres.py; here each piece is checked in one process.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from optuna.trial import TrialState

from metaautoml.search import (
    AdvisoryLock,
    ClaimLock,
    claim_lock,
    count_claimed,
    create_study,
    share_study,
)
from metaautoml.search import _study as study_module
from metaautoml.search._optuna_internals import ask, heartbeat_interval, heartbeats
from metaautoml.search._shared import PROCESS_ATTR
from metaautoml.search._study import database_url


def test_a_bare_postgresql_url_names_the_installed_driver():
    pytest.importorskip("psycopg")
    expected = "postgresql://u@h/db" if _has("psycopg2") else "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == expected
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_the_claim_lock_of_each_storage(tmp_path):
    assert isinstance(claim_lock("postgresql://u@h/db", "s"), AdvisoryLock)
    assert claim_lock(f"journal://{tmp_path}/x.log", "s").path == f"{tmp_path}/x.log.claim.lock"
    assert claim_lock(None).path is None
    with pytest.raises(ValueError, match="study's name"):
        claim_lock("postgresql://u@h/db")
    # One key per study: studies on one server never wait for each other.
    assert AdvisoryLock("postgresql://u@h/db", "a").key != AdvisoryLock("postgresql://u@h/db", "b").key
    assert isinstance(claim_lock("sqlite:///x.db", "s"), ClaimLock)


def test_a_study_on_the_server_keeps_heartbeats(postgres_url):
    study = create_study(postgres_url, "heartbeat-interval")
    assert heartbeat_interval(study) == study_module.HEARTBEAT_INTERVAL
    assert heartbeat_interval(create_study()) is None


def test_the_advisory_lock_excludes_other_holders(postgres_url):
    first, second = AdvisoryLock(postgres_url, "s"), AdvisoryLock(postgres_url, "s")
    other_study = AdvisoryLock(postgres_url, "t")
    entered = threading.Event()

    def take_second() -> None:
        with second:
            entered.set()

    with first:
        thread = threading.Thread(target=take_second)
        thread.start()
        assert not entered.wait(1.0)  # blocked while the first holds it
        with other_study:  # another study's lock is free
            pass
    assert entered.wait(30)
    thread.join()


def test_a_killed_holder_releases_the_advisory_lock(postgres_url):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from metaautoml.search import AdvisoryLock\n"
         f"lock = AdvisoryLock({postgres_url!r}, 'killed').__enter__()\n"
         "print('held', flush=True)\ntime.sleep(600)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        acquired = threading.Event()

        def take() -> None:
            with AdvisoryLock(postgres_url, "killed"):
                acquired.set()

        thread = threading.Thread(target=take, daemon=True)
        thread.start()
        assert not acquired.wait(1.0)
        holder.kill()  # SIGKILL: no unlock, the server ends the session
        assert acquired.wait(30)
    finally:
        holder.kill()
        holder.wait()


def test_a_trial_without_heartbeats_is_failed_and_retried_in_its_slot(postgres_url, monkeypatch):
    monkeypatch.setattr(study_module, "HEARTBEAT_INTERVAL", 1)
    monkeypatch.setattr(study_module, "HEARTBEAT_GRACE_PERIOD", 2)
    study = create_study(postgres_url, "stale")
    budget = share_study(study, postgres_url, n_trials=2, time_budget=None, settings={})
    study.enqueue_trial({"x": 1.0})
    trial = ask(study)  # takes the enqueued trial
    trial.suggest_float("x", 0.0, 2.0)
    with heartbeats(study, trial):
        pass  # one heartbeat, then silence: the process "died"
    assert count_claimed(study) == 1
    time.sleep(3)
    with budget.lock:
        assert not budget.spent(study)  # fails the stale trial and enqueues it again
    states = [t.state for t in study.get_trials(deepcopy=False)]
    assert states == [TrialState.FAIL, TrialState.WAITING]
    retry = study.get_trials(deepcopy=False)[1]
    assert retry.system_attrs["failed_trial"] == trial.number
    assert count_claimed(study) == 0  # the retry will take the failed trial's slot
    assert not budget.awaits_running(study)


def test_a_running_trial_keeps_its_heartbeat(postgres_url, monkeypatch):
    monkeypatch.setattr(study_module, "HEARTBEAT_INTERVAL", 1)
    monkeypatch.setattr(study_module, "HEARTBEAT_GRACE_PERIOD", 2)
    study = create_study(postgres_url, "alive")
    budget = share_study(study, postgres_url, n_trials=1, time_budget=None, settings={})
    trial = ask(study)
    with heartbeats(study, trial):
        trial.set_user_attr(PROCESS_ATTR, "here")  # as the search does after the first beat
        time.sleep(3.5)  # longer than the grace period, but beating
        with budget.lock:
            assert budget.spent(study)
        assert budget.awaits_running(study)  # a trial still runs: others wait for it
    assert study.get_trials(deepcopy=False)[0].state == TrialState.RUNNING
    study.tell(trial, 1.0)
    assert not budget.awaits_running(study)


def test_a_trial_that_never_wrote_a_heartbeat_is_failed(postgres_url, monkeypatch):
    # Its process died (or its sampler raised) between creating it and the first heartbeat.
    monkeypatch.setattr(study_module, "HEARTBEAT_INTERVAL", 1)
    monkeypatch.setattr(study_module, "HEARTBEAT_GRACE_PERIOD", 2)
    study = create_study(postgres_url, "never-beat")
    budget = share_study(study, postgres_url, n_trials=1, time_budget=None, settings={})
    ask(study)
    with budget.lock:
        assert budget.spent(study)  # young: it may still start beating
    assert budget.awaits_running(study)
    time.sleep(2.5)
    with budget.lock:
        assert budget.spent(study)  # failed: like any failed trial, it took its slot
    assert [t.state for t in study.get_trials(deepcopy=False)] == [TrialState.FAIL]
    assert not budget.awaits_running(study)
