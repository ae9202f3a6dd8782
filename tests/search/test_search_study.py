"""Creating studies: storages, resuming, the default sampler and Optuna's log level."""

from __future__ import annotations

import doctest
import logging

import optuna
import pytest

import metaautoml.search._driver
import metaautoml.search._leaderboard
import metaautoml.search._study
from metaautoml.evaluation import TrialResult, get_metric
from metaautoml.search import create_study, default_sampler, optuna_verbosity, run_search
from metaautoml.space import get_space

SPACE = get_space("regression")


class R2Runner:
    metrics = [get_metric("r2", "regression")]

    def evaluate(self, config, time_limit=None):
        return TrialResult("complete", scores={"r2": 0.5}, score_std=0.0)

    def close(self):
        pass


def test_in_memory_study_maximizes():
    study = create_study()
    assert study.direction == optuna.study.StudyDirection.MAXIMIZE
    assert isinstance(study.sampler, optuna.samplers.TPESampler)


def test_journal_storage_resumes_a_study_without_repeating_enqueued_trials(tmp_path):
    url = f"journal://{tmp_path}/study.log"
    enqueue = [("default", SPACE.default_config("linear"))]
    first = create_study(url, "resumable", sampler=default_sampler(0))
    run_search(first, SPACE, R2Runner, n_trials=3, enqueue=enqueue)

    again = create_study(url, "resumable", sampler=default_sampler(1))
    trials = run_search(again, SPACE, R2Runner, n_trials=2, enqueue=enqueue)
    assert [t.number for t in trials] == [3, 4]
    assert len(again.trials) == 5
    assert [t.user_attrs["source"] for t in again.trials].count("default") == 1
    assert (tmp_path / "study.log").exists()


def test_database_url_and_storage_object(tmp_path):
    url = f"sqlite:///{tmp_path}/study.db"
    run_search(create_study(url, "db"), SPACE, R2Runner, n_trials=2)
    assert len(create_study(url, "db").trials) == 2

    storage = optuna.storages.InMemoryStorage()
    run_search(create_study(storage, "obj"), SPACE, R2Runner, n_trials=1)
    assert len(optuna.load_study(study_name="obj", storage=storage).trials) == 1


def test_load_if_exists_false_refuses_an_existing_name(tmp_path):
    url = f"journal://{tmp_path}/study.log"
    create_study(url, "taken")
    with pytest.raises(optuna.exceptions.DuplicatedStudyError):
        create_study(url, "taken", load_if_exists=False)


@pytest.mark.parametrize("url", ["study.db", "journal://", "nosuchdialect://host/db"])
def test_malformed_storage_url_raises_value_error(url):
    with pytest.raises(ValueError, match="storage URL"):
        create_study(url)


def test_storage_of_the_wrong_type_raises_type_error():
    with pytest.raises(TypeError, match="storage"):
        create_study(42)


def test_optuna_logs_trials_only_when_verbose():
    optuna_logger = logging.getLogger("optuna")
    before = optuna.logging.get_verbosity()
    with optuna_verbosity(0):
        assert not optuna_logger.isEnabledFor(logging.INFO)
    with optuna_verbosity(2):
        assert optuna_logger.isEnabledFor(logging.INFO)
    assert optuna.logging.get_verbosity() == before

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        with optuna_verbosity(0):  # a quieter choice of the user is kept
            assert optuna.logging.get_verbosity() == optuna.logging.ERROR
    finally:
        optuna.logging.set_verbosity(before)


@pytest.mark.parametrize("module", [metaautoml.search._driver, metaautoml.search._leaderboard,
                                    metaautoml.search._study])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_verbose_2_shows_the_trial_lines_on_stderr_when_logging_is_not_configured(
        monkeypatch, capsys):
    import logging

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # as in a script that configured nothing
    trial_log = logging.getLogger("metaautoml.search")
    with optuna_verbosity(2):
        trial_log.info("trial 0 (default) linear: accuracy 0.9 in 0.1 s")
    with optuna_verbosity(0):
        trial_log.info("not shown")
    trial_log.info("not shown either")
    err = capsys.readouterr().err
    assert "] trial 0 (default) linear: accuracy 0.9 in 0.1 s" in err and "not shown" not in err
    assert not logging.getLogger("metaautoml").handlers
