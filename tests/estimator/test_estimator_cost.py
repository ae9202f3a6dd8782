"""With a time budget, the search leaves out the configurations predicted not to finish."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris

from metaautoml import MetaAutoMLClassifier
from metaautoml.estimator import _base

SLOW = {"svm", "mlp"}


class _SlowKernels:
    """A stand-in cost model: kernels and networks take 1,000 s a fit, the rest 0.01 s."""

    def predict_log_seconds(self, configs, n_train, n_features, n_classes=None):
        return np.array([3.0 if c["family"] in SLOW else -2.0 for c in configs])


@pytest.fixture
def slow_kernels(monkeypatch):
    monkeypatch.setattr(_base, "load_cost_model", lambda task: _SlowKernels())


def test_configurations_predicted_to_overrun_are_left_out(slow_kernels):
    X, y = load_iris(return_X_y=True)
    model = MetaAutoMLClassifier(time_budget=20, n_trials=6, warm_start=False, cv=2,
                                 random_state=0).fit(X, y)
    left_out = {c["family"] for c in model.warm_start_left_out_}
    assert left_out == SLOW
    assert not SLOW & set(model.leaderboard()["family"].head(5))


def test_without_a_budget_nothing_is_left_out(slow_kernels):
    X, y = load_iris(return_X_y=True)
    model = MetaAutoMLClassifier(n_trials=7, warm_start=False, cv=2, random_state=0).fit(X, y)
    assert model.warm_start_left_out_ == []
    assert SLOW <= set(model.leaderboard()["family"])


def test_the_shipped_cost_model_keeps_a_cheap_plan_whole():
    X, y = load_iris(return_X_y=True)
    model = MetaAutoMLClassifier(time_budget=60, n_trials=3, cv=2, random_state=0).fit(X, y)
    assert model.warm_start_left_out_ == []  # iris: every proposal takes well under a second


def test_a_joining_process_plans_for_the_searchs_deadline(slow_kernels):
    from metaautoml.search import MetaSurrogateSampler
    from metaautoml.strategy import MetaWarmStart

    X, y = load_iris(return_X_y=True)
    model = MetaAutoMLClassifier(time_budget=60, n_trials=4, cv=2, random_state=0,
                                 warm_start=MetaWarmStart(sampler="surrogate"))
    objective = model.search_objective(X, y, seed=0)
    plan = model.plan_search(objective, 0, deadline=123.0)
    if not isinstance(plan.sampler, MetaSurrogateSampler):
        pytest.skip("the warm start fell back to a cold start here")
    assert plan.sampler._deadline == 123.0
    assert model.plan_search(objective, 0).sampler._deadline > 123.0


class _SlowFamily:
    """A stand-in cost model: one family takes 10 s a fit (log10 = 1), the rest 0.01 s."""

    def __init__(self, family):
        self.family = family

    def predict_log_seconds(self, configs, n_train, n_features, n_classes=None):
        return np.array([1.0 if c["family"] == self.family else -2.0 for c in configs])


def test_a_budget_that_ends_the_search_orders_the_warm_start_by_gain_per_second(monkeypatch):
    X, y = load_iris(return_X_y=True)

    def first_family(**params):
        model = MetaAutoMLClassifier(cv=2, random_state=0, **params)
        return model.plan_search(model.search_objective(X, y, seed=0), 0).enqueue[0][1]["family"]

    plain = first_family(n_trials=5)
    monkeypatch.setattr(_base, "load_cost_model", lambda task: _SlowFamily(plain))
    assert first_family(time_budget=60) != plain  # the seconds end it: cheap first
    assert first_family(time_budget=60, n_trials=5) == plain  # 5 trials fit in 60 s


class _LastFamilyFillsTheBudget:
    """A stand-in cost model: ``family`` is predicted to take ``seconds`` over 2 folds, the
    rest 2 ms a fit."""

    def __init__(self, family, seconds):
        self.family, self.seconds = family, seconds

    def predict_log_seconds(self, configs, n_train, n_features, n_classes=None):
        return np.array([np.log10(self.seconds / 2) if c["family"] == self.family else -3.0
                         for c in configs])


def test_an_enqueued_configuration_predicted_to_overrun_the_time_left_is_skipped(monkeypatch):
    from metaautoml.strategy import ColdStart

    X, y = load_iris(return_X_y=True)
    last = ColdStart().plan(*_iris_space_args(X, y)).enqueue[-1][1]["family"]
    # Predicted to fit when the plan is made (the budget less the others' 2 ms fits), but not
    # once the trials before it have run.
    monkeypatch.setattr(_base, "load_cost_model",
                        lambda task: _LastFamilyFillsTheBudget(last, seconds=29.9))
    model = MetaAutoMLClassifier(time_budget=30, n_trials=7, warm_start=False, cv=2,
                                 random_state=0).fit(X, y)
    assert model.warm_start_left_out_ == []
    board = model.leaderboard()
    skipped = board[board["family"] == last]
    assert list(skipped["state"]) == ["skipped"]
    assert skipped["error"].iloc[0].startswith("not started: predicted to take 29.9 s, with")
    assert len(board) == 7  # it counts toward n_trials
    assert model.score(X, y) > 0.9


def _iris_space_args(X, y):
    from metaautoml.space import get_space

    return get_space("classification"), None, y, "accuracy", 0, 8
