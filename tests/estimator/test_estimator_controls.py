"""The controls FLAML and auto-sklearn users reach for: the trial budget, callbacks, a log line
per trial, performance over time and the time the search and the refit took."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor
from metaautoml.estimator._base import DEFAULT_N_TRIALS


def _table(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    return X, np.where(X["a"] + 0.3 * rng.normal(size=n) > 0, "yes", "no")


@pytest.mark.parametrize(("n_trials", "time_budget", "expected"), [
    (None, None, DEFAULT_N_TRIALS), (None, 30.0, None), (7, None, 7), (7, 30.0, 7)])
def test_without_n_trials_a_time_budget_runs_until_spent(n_trials, time_budget, expected):
    assert MetaAutoMLClassifier(n_trials=n_trials, time_budget=time_budget)._trial_budget() == expected


def test_a_time_budget_alone_is_not_capped_at_a_trial_count(monkeypatch):
    import metaautoml.estimator._base as base

    seen = {}
    real = base.run_search

    def spy(*args, **kwargs):
        seen["n_trials"] = kwargs["n_trials"]
        return real(*args, **{**kwargs, "n_trials": 3})  # keep the test short

    monkeypatch.setattr(base, "run_search", spy)
    X, y = _table()
    MetaAutoMLClassifier(time_budget=60, cv=2, random_state=0).fit(X, y)
    assert seen["n_trials"] is None


def test_callbacks_see_every_trial_and_the_study_records_its_metric():
    calls = []
    X, y = _table()
    clf = MetaAutoMLClassifier(n_trials=3, cv=2, random_state=0, metric="balanced_accuracy",
                               callbacks=[lambda study, trial: calls.append((study, trial.number))])
    clf.fit(X, y)
    assert [number for _, number in calls] == [0, 1, 2]
    assert all(study is clf.study_ for study, _ in calls)
    assert clf.study_.metric_names == ["balanced_accuracy"]


def test_a_raising_callback_stops_the_search():
    def stop(study, trial):
        raise KeyboardInterrupt("enough")

    X, y = _table()
    with pytest.raises(KeyboardInterrupt, match="enough"):
        MetaAutoMLClassifier(n_trials=5, cv=2, random_state=0, callbacks=[stop]).fit(X, y)


@pytest.mark.parametrize("callbacks", [print, [1], "f"])
def test_callbacks_must_be_a_list_of_callables(callbacks):
    X, y = _table()
    with pytest.raises(ValueError, match="callbacks"):
        MetaAutoMLClassifier(n_trials=2, callbacks=callbacks).fit(X, y)


def test_verbose_2_logs_one_line_per_trial(caplog):
    X, y = _table()
    # As for a user who configured nothing: INFO of metaautoml does not get through.
    assert logging.getLogger("metaautoml").getEffectiveLevel() > logging.INFO
    MetaAutoMLClassifier(n_trials=3, cv=2, random_state=0, verbose=2).fit(X, y)
    lines = [r.getMessage() for r in caplog.records if r.name == "metaautoml.search"]
    assert len(lines) == 3
    assert lines[0].startswith("trial 0 (warm_start") and "accuracy" in lines[0] and " s" in lines[0]
    caplog.clear()
    MetaAutoMLClassifier(n_trials=2, cv=2, random_state=0).fit(X, y)
    assert not [r for r in caplog.records if r.name == "metaautoml.search"]
    assert logging.getLogger("metaautoml").level == logging.NOTSET  # restored


def test_performance_over_time_and_timings():
    X = pd.DataFrame({"a": np.linspace(0, 1, 100), "b": np.random.default_rng(0).normal(size=100)})
    reg = MetaAutoMLRegressor(n_trials=4, cv=2, random_state=0).fit(X, 3 * X["a"])
    over_time = reg.performance_over_time_
    assert list(over_time.columns) == ["seconds", "number", "score", "best_score"]
    assert len(over_time) == int((reg.leaderboard()["state"] == "complete").sum())
    assert over_time["seconds"].is_monotonic_increasing and (over_time["seconds"] > 0).all()
    assert np.allclose(over_time["best_score"], over_time["score"].cummax())
    assert over_time["best_score"].iloc[-1] == pytest.approx(reg.best_score_)
    assert reg.search_time_ > 0 and reg.refit_time_ > 0
    assert reg.search_time_ >= over_time["seconds"].iloc[-1] - 1e-6


@pytest.mark.parametrize("metric", [None, "roc_auc", "log_loss"])
def test_explain_ranks_the_informative_column_first_by_the_search_metric(metric):
    from metaautoml import MetaAutoMLClassifier

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"noise": rng.normal(size=150), "signal": rng.normal(size=150)})
    y = np.where(X["signal"] > 0, "up", "down")
    model = MetaAutoMLClassifier(n_trials=2, cv=3, random_state=0, warm_start=False,
                                 include=["linear"], metric=metric).fit(X, y)
    table = model.explain(X, y, n_repeats=3, random_state=0)
    assert table.columns.tolist() == ["feature", "importance", "importance_std"]
    assert table["feature"].tolist() == ["signal", "noise"]
    assert table["importance"].iloc[0] > 0.1
    np.testing.assert_allclose(model.feature_importances_,
                               table.set_index("feature").loc[["noise", "signal"], "importance"])
    with pytest.raises(ValueError, match="n_repeats must be a positive integer"):
        model.explain(X, y, n_repeats=0)
    with pytest.raises(ValueError, match="X lacks 1 column"):
        model.explain(X[["noise"]], y)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_callback_ends_the_search_with_study_stop_and_the_fit_completes(n_jobs):
    from optuna.trial import TrialState

    X, y = _table()

    def stop_after_three(study, trial):
        if len(study.get_trials(states=(TrialState.COMPLETE,))) >= 3:
            study.stop()

    model = MetaAutoMLClassifier(n_trials=20, cv=2, random_state=0, warm_start=False,
                                 n_jobs=n_jobs, callbacks=[stop_after_three]).fit(X, y)
    # Trials already running when stop() is called finish; no new one starts.
    assert 3 <= len(model.leaderboard()) <= 3 + n_jobs - 1
    assert hasattr(model, "best_estimator_")


def _record_started(monkeypatch) -> list:
    from metaautoml.evaluation import TrialRunner

    started, start = [], TrialRunner.start

    def recording(runner):
        started.append(runner)
        start(runner)

    monkeypatch.setattr(TrialRunner, "start", recording)
    return started


def test_the_first_trial_runs_in_the_worker_started_before_planning(monkeypatch):
    import metaautoml.estimator._base as base

    started = _record_started(monkeypatch)
    used, real = [], base.run_search

    def spy(study, space, make_runner, **kwargs):
        def first_runner():
            runner = make_runner()
            used.append(runner)
            return runner
        return real(study, space, first_runner, **kwargs)

    monkeypatch.setattr(base, "run_search", spy)
    X, y = _table()
    model = MetaAutoMLClassifier(n_trials=2, time_budget=60, warm_start=False, cv=2,
                                 random_state=0).fit(X, y)
    assert len(model.study_.trials) == 2
    assert len(started) == 1 and used == started
    assert started[0]._process is None  # closed when the search ended


def test_a_failed_plan_leaves_no_worker_behind(monkeypatch):
    started = _record_started(monkeypatch)

    def failing_plan(self, objective, seed, **kwargs):
        raise RuntimeError("planning failed")

    monkeypatch.setattr(MetaAutoMLClassifier, "plan_search", failing_plan)
    X, y = _table()
    with pytest.raises(RuntimeError, match="planning failed"):
        MetaAutoMLClassifier(n_trials=2, time_budget=60, cv=2).fit(X, y)
    assert len(started) == 1
    assert started[0]._process is None and started[0]._starting is None
