"""The search loop: enqueued trials, failures, time limits, threads and callbacks."""

from __future__ import annotations

import io
import os
import socket
import threading
import time
import warnings

import numpy as np
import optuna
import pandas as pd
import pytest
from optuna.trial import TrialState

from metaautoml.evaluation import TrialResult, TrialRunner, get_metric, make_splits
from metaautoml.search import create_study, default_sampler, run_search
from metaautoml.search._optuna_internals import set_trial_user_attr
from metaautoml.space import ColumnTypes, get_space

SPACE = get_space("classification")
ACCURACY = get_metric("accuracy", "classification")


class ScriptedRunner:
    """A runner whose outcome per configuration is a function; records what it was asked."""

    metrics = [ACCURACY]

    def __init__(self, outcome=None, delay: float = 0.0):
        self.outcome = outcome or (lambda config: TrialResult(
            "complete", scores={"accuracy": 0.5}, score_std=0.1, fit_time=0.01, duration=0.02))
        self.delay = delay
        self.configs: list[dict] = []
        self.time_limits: list[float | None] = []
        self.closed = False

    def evaluate(self, config, time_limit=None):
        self.configs.append(config)
        self.time_limits.append(time_limit)
        time.sleep(self.delay)
        return self.outcome(config)

    def close(self):
        self.closed = True


def _study(seed: int = 0) -> optuna.Study:
    return create_study(sampler=default_sampler(seed))


def test_enqueued_trials_run_first_clipped_and_tagged():
    warm = dict(SPACE.default_config("svm"), svm__C=1e9)  # above the range: must be clipped
    plain = SPACE.default_config("knn")
    runner = ScriptedRunner()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Optuna only warns about out-of-range enqueued values
        trials = run_search(_study(), SPACE, lambda: runner, n_trials=4,
                            enqueue=[("warm-start", warm), plain])
    assert [t.user_attrs["source"] for t in trials] == ["warm-start", "enqueued", "optuna", "optuna"]
    assert runner.configs[0] == SPACE.clip(warm)
    assert runner.configs[0]["svm__C"] == 1e3
    assert runner.configs[1] == plain
    assert [t.number for t in trials] == [0, 1, 2, 3]


def test_no_more_proposals_are_enqueued_than_trials_can_run():
    proposals = [("default", c) for c in SPACE.default_configs()]
    study = _study()
    run_search(study, SPACE, ScriptedRunner, n_trials=2, enqueue=proposals)
    assert len(study.trials) == 2  # none left waiting
    run_search(study, SPACE, ScriptedRunner, n_trials=3, enqueue=proposals)
    assert [t.params["family"] for t in study.trials] == list(SPACE.family_names[:5])
    assert {t.user_attrs["source"] for t in study.trials} == {"default"}


def test_enqueue_rejects_an_unknown_categorical_before_any_trial():
    bad = dict(SPACE.default_config("knn"), knn__weights="sideways")
    runner = ScriptedRunner()
    with pytest.raises(ValueError, match="sideways"):
        run_search(_study(), SPACE, lambda: runner, n_trials=2, enqueue=[bad])
    assert runner.configs == []


def test_every_trial_records_its_outcome_as_user_attributes():
    def outcome(config):
        return TrialResult("complete", scores={"accuracy": 0.75, "roc_auc": float("nan")},
                           score_std=0.05, fit_time=1.5, duration=2.0)

    study = _study()
    (trial,) = run_search(study, SPACE, lambda: ScriptedRunner(outcome), n_trials=1)
    assert trial.state == TrialState.COMPLETE and trial.value == 0.75
    assert trial.user_attrs == {
        "family": trial.params["family"], "state": "complete", "error": None, "fit_time": 1.5,
        "duration": 2.0, "scores": {"accuracy": 0.75, "roc_auc": None}, "score_std": 0.05,
        "source": "optuna", "process": f"{socket.gethostname()}:{os.getpid()}",
    }


def test_failed_and_timed_out_trials_are_recorded_and_the_search_goes_on():
    outcomes = iter([
        TrialResult("failed", error="ValueError: boom", duration=0.1),
        TrialResult("timeout", error="exceeded the per-trial time limit of 1.0 s", duration=1.0),
        TrialResult("complete", scores={"accuracy": 0.9}, score_std=0.0),
    ])
    trials = run_search(_study(), SPACE, lambda: ScriptedRunner(lambda c: next(outcomes)),
                        n_trials=3)
    assert [t.state for t in trials] == [TrialState.FAIL, TrialState.FAIL, TrialState.COMPLETE]
    assert [t.user_attrs["state"] for t in trials] == ["failed", "timeout", "complete"]
    assert trials[0].user_attrs["error"] == "ValueError: boom"
    assert trials[1].user_attrs["score_std"] is None


def test_n_trials_counts_only_the_trials_of_this_call():
    study = _study()
    run_search(study, SPACE, ScriptedRunner, n_trials=2)
    trials = run_search(study, SPACE, ScriptedRunner, n_trials=3)
    assert len(trials) == 3 and len(study.trials) == 5


def test_trial_time_limit_is_the_per_trial_limit_cut_to_the_time_left():
    runner = ScriptedRunner()
    run_search(_study(), SPACE, lambda: runner, n_trials=2, time_budget=100.0,
               per_trial_time_limit=3.0)
    assert runner.time_limits == [3.0, 3.0]

    runner = ScriptedRunner()
    run_search(_study(), SPACE, lambda: runner, n_trials=2, time_budget=5.0)
    assert all(4.0 < limit <= 5.0 for limit in runner.time_limits)

    runner = ScriptedRunner()
    run_search(_study(), SPACE, lambda: runner, n_trials=1)
    assert runner.time_limits == [None]


def test_time_budget_alone_ends_the_search():
    runner = ScriptedRunner(delay=0.2)
    start = time.monotonic()
    trials = run_search(_study(), SPACE, lambda: runner, n_trials=None, time_budget=1.0)
    assert time.monotonic() - start < 2.0
    assert 2 <= len(trials) <= 6
    assert runner.time_limits[-1] < 0.3  # the last trial got only what was left


def test_an_enqueued_configuration_predicted_to_overrun_the_time_left_is_not_started():
    # Each trial takes 0.3 s; svm is predicted to take 10 s, everything else 0.01 s.
    runner = ScriptedRunner(delay=0.3)
    slow = dict(SPACE.default_config("svm"))

    def predict(configs):
        return np.array([10.0 if c["family"] == "svm" else 0.01 for c in configs])

    trials = run_search(_study(), SPACE, lambda: runner, n_trials=3, time_budget=5.0,
                        enqueue=[("warm", SPACE.default_config("knn")), ("warm", slow)],
                        predict_seconds=predict)
    assert runner.configs[0]["family"] == "knn"
    skipped = trials[1]
    assert skipped.params["family"] == "svm" and skipped.user_attrs["state"] == "skipped"
    assert skipped.user_attrs["source"] == "warm"
    assert skipped.user_attrs["error"].startswith("not started: predicted to take 10.0 s")
    assert len(runner.configs) == 2  # the skipped trial counts toward n_trials

    # Predicted to fit, no prediction, or the search's first trial (it needs a model): it runs.
    for budget, kwargs in ((60.0, {"predict_seconds": predict}), (5.0, {}),
                           (5.0, {"predict_seconds": predict})):
        fitting = ScriptedRunner()
        run_search(_study(), SPACE, lambda r=fitting: r, n_trials=1, time_budget=budget,
                   enqueue=[slow], **kwargs)
        assert [c["family"] for c in fitting.configs] == ["svm"]


def test_a_study_that_already_has_a_model_skips_from_its_first_enqueued_trial():
    # As a worker joining a shared search finds it: another process completed a trial.
    study = _study()
    earlier = study.ask()
    SPACE.suggest(earlier)
    study.tell(earlier, 0.5)
    slow = dict(SPACE.default_config("svm"))
    runner = ScriptedRunner()
    trials = run_search(study, SPACE, lambda: runner, n_trials=1, time_budget=5.0,
                        enqueue=[("warm", slow)],
                        predict_seconds=lambda configs: np.full(len(configs), 10.0))
    assert runner.configs == [] and trials[0].user_attrs["state"] == "skipped"


@pytest.mark.slow
def test_a_hanging_trial_is_killed_and_the_budget_holds():
    # A 3-layer, 512-unit MLP on 6,000 rows takes minutes: it stands for a hanging model.
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(6000, 20)), columns=[f"f{i}" for i in range(20)])
    y = rng.integers(0, 2, size=6000)
    slow = dict(SPACE.default_config("mlp"), mlp__hidden_units=512, mlp__n_layers=3)

    def make_runner():
        return TrialRunner(X, y, task="classification", columns=ColumnTypes.infer(X),
                           splits=make_splits(y, "classification", cv=2), metrics=[ACCURACY],
                           isolate=True, n_threads=1)

    budget = 3.0
    start = time.monotonic()
    trials = run_search(_study(), SPACE, make_runner, n_trials=5, time_budget=budget,
                        enqueue=[("slow", slow)])
    elapsed = time.monotonic() - start
    (trial,) = trials  # no time was left for a second trial
    assert trial.user_attrs["state"] == "timeout"
    assert trial.user_attrs["duration"] < budget + 0.5  # killed on time
    # The margin covers starting the worker process, which the trial's clock does not count.
    assert elapsed < budget + 8.0
    assert trial.user_attrs["source"] == "slow"
    assert "time_budget ran out" in trial.user_attrs["error"]


def test_several_threads_each_with_its_own_runner():
    runners: list[ScriptedRunner] = []
    lock = threading.Lock()

    def make_runner():
        with lock:
            runners.append(ScriptedRunner(delay=0.2))
            return runners[-1]

    study = _study()
    trials = run_search(study, SPACE, make_runner, n_trials=6, n_jobs=2,
                        enqueue=[("default", c) for c in SPACE.default_configs()[:3]])
    assert len(trials) == 6 and len(study.trials) == 6
    assert len(runners) == 2 and all(r.closed for r in runners)
    assert all(r.configs for r in runners)  # both threads evaluated trials
    sources = [t.user_attrs["source"] for t in trials]
    assert sources.count("default") == 3


def test_an_interrupt_records_the_trial_and_closes_the_runner():
    def outcome(config):
        raise KeyboardInterrupt

    runner = ScriptedRunner(outcome)
    study = _study()
    with pytest.raises(KeyboardInterrupt):
        run_search(study, SPACE, lambda: runner, n_trials=3)
    assert runner.closed
    (trial,) = study.trials
    assert trial.state == TrialState.FAIL
    assert trial.user_attrs["error"].startswith("KeyboardInterrupt")


def test_an_error_in_a_thread_stops_the_search_and_is_raised():
    calls = []

    def callback(study, trial):
        calls.append(trial.number)
        raise RuntimeError("callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        run_search(_study(), SPACE, lambda: ScriptedRunner(delay=0.05), n_trials=20, n_jobs=2,
                   callbacks=[callback])
    assert len(calls) <= 2  # each thread stops after its current trial


def test_callbacks_see_every_trial():
    seen = []
    trials = run_search(_study(), SPACE, ScriptedRunner, n_trials=3,
                        callbacks=[lambda study, trial: seen.append(trial.number)])
    assert seen == [t.number for t in trials]


@pytest.mark.parametrize("kwargs, message", [
    ({"n_trials": 0}, "n_trials"),
    ({"n_trials": None}, "n_trials, time_budget"),
    ({"n_trials": 2, "time_budget": -1}, "time_budget"),
    ({"n_trials": 2, "per_trial_time_limit": 0}, "per_trial_time_limit"),
    ({"n_trials": 2, "n_jobs": 0}, "n_jobs"),
])
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        run_search(_study(), SPACE, ScriptedRunner, **kwargs)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch):
    quiet = io.StringIO()
    monkeypatch.setattr("sys.stderr", quiet)
    run_search(_study(), SPACE, ScriptedRunner, n_trials=2, progress=True)
    assert quiet.getvalue() == ""

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    run_search(_study(), SPACE, ScriptedRunner, n_trials=2, progress=False)
    assert terminal.getvalue() == ""
    run_search(_study(), SPACE, ScriptedRunner, n_trials=2, progress=True)
    assert "2/2" in terminal.getvalue() and "best=0.5000" in terminal.getvalue()


def test_same_seed_gives_the_same_trials():
    def params(seed):
        trials = run_search(_study(seed), SPACE, ScriptedRunner, n_trials=5)
        return [t.params for t in trials]

    assert params(3) == params(3)


class _TaggingSampler(optuna.samplers.TPESampler):
    """Tags every other trial's ``source`` from ``before_trial``, as the surrogate's sampler
    tags its proposals: after the :class:`optuna.Trial` took its copy of the attributes."""

    def before_trial(self, study, trial):
        super().before_trial(study, trial)
        if trial.number % 2:
            set_trial_user_attr(study, trial, "source", "tagged")


@pytest.mark.parametrize("kind", ["memory", "journal", "sqlite"])
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_source_the_sampler_tags_is_kept_and_the_others_are_optuna(tmp_path, kind, n_jobs):
    storage = {"memory": None, "journal": f"journal:///{tmp_path}/study.log",
               "sqlite": f"sqlite:///{tmp_path}/study.db"}[kind]
    # Another study first, so that in the same storage trial ids and numbers differ.
    run_search(create_study(storage, "other", sampler=default_sampler(0)), SPACE, ScriptedRunner,
               n_trials=3)
    study = create_study(storage, "tagged", sampler=_TaggingSampler(seed=0))
    trials = run_search(study, SPACE, ScriptedRunner, n_trials=6, n_jobs=n_jobs,
                        enqueue=[("default", SPACE.default_config("knn"))])
    expected = ["default"] + ["tagged" if n % 2 else "optuna" for n in range(1, 6)]
    assert [t.user_attrs["source"] for t in trials] == expected
    assert [t.user_attrs["source"] for t in study.trials] == expected


def test_completed_trials_predictions_go_to_the_prediction_store():
    kept = {}

    class Store:
        def add(self, number, score, predictions):
            kept[number] = (score, predictions)

    def outcome(config):
        if config["family"] == "knn":
            return TrialResult("failed", error="no", predictions=None)
        return TrialResult("complete", scores={"accuracy": 0.5}, predictions=np.ones(3))

    study = _study()
    trials = run_search(study, SPACE, lambda: ScriptedRunner(outcome), n_trials=2,
                        enqueue=[SPACE.default_config("knn"), SPACE.default_config("linear")],
                        prediction_store=Store())
    assert [t.state for t in trials] == [TrialState.FAIL, TrialState.COMPLETE]
    assert list(kept) == [1] and kept[1][0] == 0.5
    np.testing.assert_array_equal(kept[1][1], np.ones(3))
