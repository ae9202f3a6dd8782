"""The Optuna internals the search relies on, pinned against the installed Optuna.

``metaautoml/search/_optuna_internals.py`` holds every use of an Optuna internal; if an Optuna
upgrade breaks one of them, a test here names it. Each runs on the three kinds of storage the
search is used with: in memory, a journal file and SQLite.
"""

from __future__ import annotations

import optuna
import pytest
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState

from metaautoml.search._optuna_internals import (
    ask,
    enqueued_params,
    fail_stale_trials,
    heartbeat_interval,
    heartbeats,
    retried_trial_number,
    set_trial_system_attr,
    set_trial_user_attr,
)

ENQUEUED = {"x": 0.25, "c": "b"}


@pytest.fixture(params=["memory", "journal", "sqlite"])
def open_storage(request, tmp_path):
    """Opens the storage afresh, as another process would (in memory: the one storage)."""
    memory = optuna.storages.InMemoryStorage()

    def open_storage():
        if request.param == "memory":
            return memory
        if request.param == "journal":
            return JournalStorage(JournalFileBackend(str(tmp_path / "study.log")))
        return optuna.storages.RDBStorage(f"sqlite:///{tmp_path / 'study.db'}")

    return open_storage


@pytest.fixture
def storage(open_storage):
    return open_storage()


class RecordingSampler(optuna.samplers.RandomSampler):
    """Records what ``enqueued_params`` says in ``before_trial``; with ``tag``, also sets a
    system and a user attribute of the trial from there, as ``MetaSurrogateSampler`` does."""

    def __init__(self, tag: bool = False):
        super().__init__(seed=0)
        self.tag = tag
        self.seen: dict[int, dict | None] = {}

    def before_trial(self, study, trial):
        super().before_trial(study, trial)
        self.seen[trial.number] = enqueued_params(trial)
        if self.tag:
            set_trial_system_attr(study, trial, "metaautoml:test", {"number": trial.number})
            set_trial_user_attr(study, trial, "source", f"sampler-{trial.number}")


def _suggest(trial) -> dict:
    return {"x": trial.suggest_float("x", 0.0, 1.0), "c": trial.suggest_categorical("c", ["a", "b"])}


def test_enqueued_params_are_the_enqueued_values_while_waiting_and_running(storage):
    sampler = RecordingSampler()
    study = optuna.create_study(storage=storage, sampler=sampler)
    study.enqueue_trial(ENQUEUED, user_attrs={"source": "mine"})

    [waiting] = study.get_trials(states=(TrialState.WAITING,))
    assert enqueued_params(waiting) == ENQUEUED

    trial = study.ask()
    assert sampler.seen[trial.number] == ENQUEUED  # what a sampler's before_trial sees
    [running] = study.get_trials(states=(TrialState.RUNNING,))
    assert running.params == {}  # not suggested yet, and still known:
    assert enqueued_params(running) == ENQUEUED  # what another process sees meanwhile
    assert _suggest(trial) == ENQUEUED  # and Optuna does fix them
    study.tell(trial, 1.0)
    assert enqueued_params(study.trials[0]) == ENQUEUED


def test_enqueued_params_is_none_for_a_sampled_trial(storage):
    sampler = RecordingSampler()
    study = optuna.create_study(storage=storage, sampler=sampler)
    trial = study.ask()
    assert sampler.seen[trial.number] is None
    assert enqueued_params(study.get_trials()[trial.number]) is None
    _suggest(trial)
    study.tell(trial, 1.0)
    assert enqueued_params(study.trials[0]) is None


def test_an_empty_enqueue_still_counts_as_enqueued(storage):
    # "enqueued with no parameters" ({}) is not "not enqueued" (None).
    sampler = RecordingSampler()
    study = optuna.create_study(storage=storage, sampler=sampler)
    study.enqueue_trial({})
    assert enqueued_params(study.trials[0]) == {}
    study.ask()
    assert sampler.seen == {0: {}}


def test_enqueued_params_is_a_copy():
    study = optuna.create_study()
    study.enqueue_trial(dict(ENQUEUED))
    [trial] = study.get_trials(deepcopy=False)
    enqueued_params(trial)["x"] = 2.0
    assert enqueued_params(trial) == ENQUEUED


def test_attributes_set_in_before_trial_are_stored_at_once(storage, open_storage):
    study = optuna.create_study(storage=storage, sampler=RecordingSampler(tag=True))
    trial = study.ask()
    # Before the trial is told, for the other processes sharing the study to see.
    for view in (study, optuna.load_study(study_name=study.study_name, storage=open_storage())):
        [running] = view.get_trials(states=(TrialState.RUNNING,))
        assert running.system_attrs["metaautoml:test"] == {"number": trial.number}
        assert running.user_attrs["source"] == f"sampler-{trial.number}"
    _suggest(trial)
    study.tell(trial, 1.0)
    study.optimize(_suggest_value, n_trials=2)
    trials = study.trials
    assert [t.system_attrs["metaautoml:test"] for t in trials] == [{"number": n} for n in range(3)]
    assert [t.user_attrs["source"] for t in trials] == [f"sampler-{n}" for n in range(3)]
    again = optuna.load_study(study_name=study.study_name, storage=open_storage())
    assert [t.user_attrs["source"] for t in again.trials] == [f"sampler-{n}" for n in range(3)]


def test_attributes_set_in_before_trial_reach_the_right_trial_of_the_right_study(storage):
    # Two studies in one storage: trial ids and trial numbers differ in the second.
    first = optuna.create_study(storage=storage, study_name="first")
    first.optimize(_suggest_value, n_trials=2)
    second = optuna.create_study(storage=storage, study_name="second",
                                 sampler=RecordingSampler(tag=True))
    second.enqueue_trial(ENQUEUED)
    second.optimize(_suggest_value, n_trials=3)
    assert [t.user_attrs.get("source") for t in first.trials] == [None, None]
    assert [t.user_attrs["source"] for t in second.trials] == [f"sampler-{n}" for n in range(3)]
    assert second.sampler.seen == {0: ENQUEUED, 1: None, 2: None}


def _suggest_value(trial) -> float:
    return _suggest(trial)["x"]


def test_stoppable_lets_study_stop_work_outside_optimize_and_restores_the_flags():
    from metaautoml.search._optuna_internals import stoppable

    study = optuna.create_study()
    with pytest.raises(RuntimeError, match="inside an objective function or a callback"):
        study.stop()
    with stoppable(study) as stopped:
        assert not stopped()
        study.stop()
        assert stopped()
    with pytest.raises(RuntimeError):
        study.stop()  # outside the block again
    with stoppable(study) as stopped:
        assert not stopped()  # a new block starts unstopped
    # study.optimize still runs and can still be stopped after the blocks.
    study.optimize(lambda trial: trial.number, n_trials=5,
                   callbacks=[lambda s, t: s.stop() if t.number == 1 else None])
    assert len(study.trials) == 2


# -- heartbeats ----------------------------------------------------------------------------------
def _heartbeat_study(tmp_path, **kwargs) -> optuna.Study:
    """A study on SQLite with heartbeats, as create_study opens a database server's."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        storage = optuna.storages.RDBStorage(
            f"sqlite:///{tmp_path / 'beats.db'}", heartbeat_interval=1, grace_period=2,
            heartbeat_stale_trial_callback=optuna.storages.RetryHeartbeatStaleTrialCallback(1),
            **kwargs)
    return optuna.create_study(storage=storage)


def test_heartbeat_interval_reads_the_storage(tmp_path, open_storage):
    assert heartbeat_interval(_heartbeat_study(tmp_path)) == 1
    assert heartbeat_interval(optuna.create_study(storage=open_storage())) is None


def test_ask_gives_no_heartbeat_warning(tmp_path, recwarn):
    study = _heartbeat_study(tmp_path)
    ask(study)
    assert not [w for w in recwarn if "Heartbeat" in str(w.message)]


def test_a_silent_trial_is_failed_and_retried(tmp_path):
    import time

    study = _heartbeat_study(tmp_path)
    trial = ask(study)
    trial.suggest_float("x", 0.0, 1.0)
    with heartbeats(study, trial):
        time.sleep(2.5)  # beating all along: not stale
    fail_stale_trials(study)
    assert study.get_trials(deepcopy=False)[0].state == TrialState.RUNNING
    time.sleep(2.5)  # silent for longer than the grace period
    fail_stale_trials(study)
    failed, retry = study.get_trials(deepcopy=False)
    assert (failed.state, retry.state) == (TrialState.FAIL, TrialState.WAITING)
    assert retried_trial_number(retry) == failed.number
    assert retried_trial_number(failed) is None
