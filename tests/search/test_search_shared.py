"""Studies shared by several searches: the record, one budget for all, and the claim lock.

Two ``Study`` objects opened on one storage file stand for two processes here (each has its own
storage connection and its own claim lock on the shared lock file); the real processes of
``metaautoml fit`` and ``metaautoml worker`` are tested in tests/cli/test_cli_worker.py.
"""

from __future__ import annotations

import os
import threading
import time

import optuna
import pytest
from optuna.trial import TrialState

from metaautoml.evaluation import TrialResult, get_metric
from metaautoml.search import create_study, default_sampler, run_search
from metaautoml.search._shared import (
    LOCK_SUFFIX,
    SEARCH_ATTR,
    ClaimLock,
    count_claimed,
    joined_budget,
    load_study,
    lock_path,
    read_search_record,
    search_started,
    share_study,
    storage_file,
)
from metaautoml.space import get_space

SPACE = get_space("classification")


class SlowRunner:
    """Scores every configuration 0.5 after a short sleep, so that searches overlap."""

    metrics = [get_metric("accuracy", "classification")]

    def __init__(self, delay: float = 0.05):
        self.delay = delay

    def evaluate(self, config, time_limit=None):
        time.sleep(self.delay)
        return TrialResult("complete", scores={"accuracy": 0.5}, score_std=0.0)

    def close(self):
        pass


def _urls(tmp_path):
    return [f"journal://{tmp_path}/study.log", f"sqlite:///{tmp_path}/study.db"]


@pytest.mark.parametrize("kind", ["journal", "sqlite", "postgres"])
def test_searches_sharing_a_study_run_its_budget_exactly_once(kind, tmp_path, request):
    if kind == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = dict(zip(["journal", "sqlite"], _urls(tmp_path), strict=True))[kind]
    n_trials = len(SPACE.families) + 2  # the family defaults and 2 sampled
    defaults = [("default", config) for config in SPACE.default_configs()]
    creator = create_study(url, "shared", sampler=default_sampler(0))
    budget = share_study(creator, url, n_trials=n_trials, time_budget=None,
                         settings={"task": "classification"})
    ran: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def search(name, study, shared, enqueue=()):
        try:
            trials = run_search(study, SPACE, lambda: SlowRunner(0.2), n_trials=n_trials,
                                enqueue=enqueue, shared=shared)
            ran[name] = [t.number for t in trials]
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test below
            errors.append(exc)

    threads = [threading.Thread(target=search, args=("creator", creator, budget, defaults))]
    threads[0].start()
    record = read_search_record(creator)
    while not search_started(creator, record):
        time.sleep(0.01)
    for i in range(2):  # each joining search has its own storage connection and lock
        joiner = load_study(url, "shared", sampler=default_sampler(i + 1))
        threads.append(threading.Thread(target=search, args=(f"worker{i}", joiner,
                                                             joined_budget(record, url, "shared"))))
        threads[-1].start()
    for thread in threads:
        thread.join()
    assert not errors, errors

    trials = load_study(url, "shared").trials
    assert sorted(t.number for t in trials) == list(range(n_trials))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    numbers = [n for name in ran for n in ran[name]]
    assert sorted(numbers) == list(range(n_trials))  # no trial ran twice, none was lost
    assert len(ran["worker0"]) + len(ran["worker1"]) > 0
    enqueued = [t for t in trials if t.user_attrs["source"] == "default"]
    assert sorted(t.params["family"] for t in enqueued) == sorted(SPACE.family_names)
    if kind != "postgres":  # the server holds the claim lock there
        assert os.path.exists(storage_file(url) + LOCK_SUFFIX)


def test_a_continued_study_adds_n_trials_to_what_it_holds(tmp_path):
    url = f"journal://{tmp_path}/study.log"
    study = create_study(url, "s")
    first = share_study(study, url, n_trials=2, time_budget=None, settings={})
    run_search(study, SPACE, SlowRunner, n_trials=2, shared=first)
    second = share_study(study, url, n_trials=3, time_budget=None, settings={})
    assert second.total_trials == 5
    assert read_search_record(study)["trials_before"] == 2
    run_search(study, SPACE, SlowRunner, n_trials=3, shared=second)
    assert count_claimed(study) == 5


def test_a_search_joining_a_spent_budget_runs_nothing(tmp_path):
    url = f"journal://{tmp_path}/study.log"
    study = create_study(url, "s")
    budget = share_study(study, url, n_trials=2, time_budget=None, settings={})
    run_search(study, SPACE, SlowRunner, n_trials=2, shared=budget)
    joined = joined_budget(read_search_record(study), url)
    assert joined.spent(study) and joined.trials_left(study) == 0
    assert run_search(load_study(url, "s"), SPACE, SlowRunner, n_trials=5, shared=joined) == []
    assert count_claimed(study) == 2


def test_the_time_budget_becomes_a_shared_deadline(tmp_path):
    url = f"journal://{tmp_path}/study.log"
    study = create_study(url, "s")
    before = time.time()
    budget = share_study(study, url, n_trials=None, time_budget=30.0, settings={})
    assert budget.total_trials is None and budget.trials_left(study) is None
    assert before + 30.0 <= budget.deadline <= time.time() + 30.0
    assert 29.0 < budget.time_left() <= 30.0 and not budget.spent(study)
    expired = joined_budget(dict(read_search_record(study), deadline=time.time() - 1), url)
    assert expired.spent(study) and expired.time_left() == 0.0


def test_the_record_keeps_json_values_and_names_the_others():
    study = create_study()

    def scorer(estimator, X, y):
        return 0.0

    share_study(study, None, n_trials=4, time_budget=None, settings={
        "task": "regression", "seed": 3, "cv": 5, "metric": scorer, "limit": 2.5,
        "nan": float("nan"), "flag": True, "none": None})
    record = study.user_attrs[SEARCH_ATTR]
    assert record["settings"] == {"task": "regression", "seed": 3, "cv": 5, "limit": 2.5,
                                  "flag": True, "none": None}
    assert sorted(record["unrecorded"]) == ["metric", "nan"]
    assert record["trials_before"] == 0 and record["total_trials"] == 4
    assert record["deadline"] is None


def test_a_record_of_another_version_is_refused():
    study = create_study()
    assert read_search_record(study) is None
    study.set_user_attr(SEARCH_ATTR, {"version": 99})
    with pytest.raises(ValueError, match="search record of version 99"):
        read_search_record(study)


def test_search_started_once_a_trial_beyond_the_recorded_ones_is_claimed():
    study = create_study()
    run_search(study, SPACE, SlowRunner, n_trials=1)
    share_study(study, None, n_trials=2, time_budget=None, settings={})
    study.enqueue_trial(SPACE.default_config("knn"))  # waiting: not claimed yet
    record = read_search_record(study)
    assert not search_started(study, record)
    study.ask()
    assert search_started(study, record)


@pytest.mark.parametrize("url, expected", [
    ("journal:///data/s.log", "/data/s.log"),
    ("journal://relative.log", os.path.abspath("relative.log")),
    ("sqlite:////data/s.db", "/data/s.db"),
    ("sqlite:///s.db", os.path.abspath("s.db")),
    ("sqlite://", None),
    ("sqlite:///:memory:", None),
    ("postgresql://user@host/db", None),
    (None, None),
])
def test_storage_file_and_lock_path(url, expected):
    assert storage_file(url) == expected
    assert lock_path(url) == (None if expected is None else expected + LOCK_SUFFIX)
    assert lock_path(optuna.storages.InMemoryStorage()) is None


def test_load_study_never_creates_one(tmp_path):
    url = f"journal://{tmp_path}/study.log"
    with pytest.raises(KeyError):
        load_study(url, "missing")
    create_study(url, "present")
    assert load_study(url, "present").study_name == "present"


def test_claim_lock_excludes_other_holders_of_the_file(tmp_path):
    path = str(tmp_path / "x.claim.lock")
    first, second = ClaimLock(path), ClaimLock(path)
    acquired = threading.Event()

    def take_second():
        with second:
            acquired.set()

    with first:
        thread = threading.Thread(target=take_second)
        thread.start()
        assert not acquired.wait(0.3)  # blocked by the other descriptor's flock
    assert acquired.wait(10)
    thread.join()
    with ClaimLock(None):  # a thread lock only
        pass
