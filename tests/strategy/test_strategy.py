"""Warm-start strategies: what each plans, the estimators' ``warm_start`` parameter, and the
search unchanged by the seam that introduced them."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import optuna
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from threadpoolctl import threadpool_limits

from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor
from metaautoml.search import MetaSurrogateSampler
from metaautoml.space import get_space
from metaautoml.strategy import (
    DEFAULT_SOURCE,
    ColdStart,
    MetaWarmStart,
    PlainSearch,
    PortfolioWarmStart,
    SearchPlan,
    WarmStartStrategy,
    resolve_strategy,
)
from metaautoml.warmstart import (
    LEAD_DEFAULT_SOURCE,
    PORTFOLIO_SOURCE,
    WarmStartProposer,
    load_proposer,
)

#: The trials of four fixed fits, recorded at commit f3c6f1f, before the strategy seam.
BEFORE = Path(__file__).with_name("trials_before_the_strategy_seam.json")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True, as_frame=True)
    return X, y.to_numpy()


def test_cold_start_is_every_family_default_then_tpe(iris):
    space = get_space("classification")
    plan = ColdStart().plan(space, *iris, "accuracy", seed=0, n_proposals=2)
    # scikit-learn's defaults on iris's 150 rows, not at the pool's reference size.
    assert [c for _, c in plan.enqueue] == space.default_configs(n_rows=150)
    hgb = plan.enqueue[0][1]
    # 20 / 150 rows, clipped to the range's upper bound: the largest leaf the space allows.
    assert hgb["hist_gradient_boosting__min_samples_leaf_fraction"] == 0.1
    assert {s for s, _ in plan.enqueue} == {DEFAULT_SOURCE}
    assert isinstance(plan.sampler, optuna.samplers.TPESampler)
    assert plan.warm_start is None and plan.meta_features is None


@pytest.mark.parametrize("kind, sampler", [("tpe", optuna.samplers.TPESampler),
                                           ("random", optuna.samplers.RandomSampler)])
def test_plain_search_enqueues_nothing(iris, kind, sampler):
    plan = PlainSearch(kind).plan(get_space("classification"), *iris, "accuracy", 0, 8)
    assert plan.enqueue == [] and isinstance(plan.sampler, sampler)
    with pytest.raises(ValueError, match="sampler must be 'tpe' or 'random'"):
        PlainSearch("grid")


def test_meta_warm_start_proposes_then_samples_with_tpe(iris):
    plan = MetaWarmStart().plan(get_space("classification"), *iris, "accuracy", 0, 5)
    assert len(plan.enqueue) == 5
    assert [c for _, c in plan.enqueue] == [c for _, c in plan.warm_start.proposals]
    assert isinstance(plan.sampler, optuna.samplers.TPESampler)
    assert plan.meta_features is not None and plan.meta_features["n_rows"] == 150


def test_meta_warm_start_can_hand_the_same_proposals_to_the_surrogate(iris):
    space = get_space("classification")
    tpe = MetaWarmStart().plan(space, *iris, "accuracy", 0, 5)
    surrogate = MetaWarmStart(sampler="surrogate").plan(space, *iris, "accuracy", 0, 5)
    assert tpe.enqueue == surrogate.enqueue
    assert isinstance(surrogate.sampler, MetaSurrogateSampler)
    assert MetaWarmStart(sampler="surrogate") != MetaWarmStart()
    with pytest.raises(ValueError, match="sampler must be one of"):
        MetaWarmStart(sampler="random")


def test_regression_hands_the_warm_start_to_tpe_by_default():
    # benchmarks/surrogate_refine.py: after the same proposals, the surrogate sampler did not
    # beat TPE, so it is gated off.
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    space = get_space("regression")
    default = MetaWarmStart().plan(space, X, y.to_numpy(), "r2", 0, 4)
    assert isinstance(default.sampler, optuna.samplers.TPESampler) and len(default.enqueue) == 4
    chosen = MetaWarmStart(sampler="surrogate").plan(space, X, y.to_numpy(), "r2", 0, 4)
    assert isinstance(chosen.sampler, MetaSurrogateSampler)
    assert chosen.enqueue == default.enqueue


def test_portfolio_warm_start_is_the_same_for_every_dataset(iris):
    space = get_space("classification")
    X, y = iris
    first = PortfolioWarmStart().plan(space, X, y, "accuracy", 0, 4)
    other = PortfolioWarmStart().plan(space, X.iloc[:, :2] * 7.0, y, "accuracy", 1, 4)
    assert first.enqueue == other.enqueue and len(first.enqueue) == 4
    assert {s for s, _ in first.enqueue} == {PORTFOLIO_SOURCE}
    for _, config in first.enqueue:
        assert space.validate(config) == config


def test_portfolio_warm_start_proposes_a_sized_default_sized_for_the_rows(iris):
    from _meta_fixtures import synthetic_training_set

    from metaautoml.metadb import MetaTrainingSet

    space = get_space("classification")
    training = synthetic_training_set()
    knn = space.default_config("knn")
    scores = training.scores.copy()
    scores[:, training.config_ids.index(space.config_id(knn))] += 1.0  # first everywhere
    sized = MetaTrainingSet(**{**training.__dict__, "scores": scores,
                               "sized_defaults": [space.config_id(knn)]})
    X, y = iris
    plan = PortfolioWarmStart(WarmStartProposer(sized)).plan(space, X, y, "accuracy", 0, 2)
    assert plan.enqueue[0] == (PORTFOLIO_SOURCE, space.sized_default(knn, len(X)))
    assert plan.enqueue[0][1] != knn


@pytest.mark.parametrize("strategy", [PortfolioWarmStart, MetaWarmStart])
def test_a_metric_the_meta_database_never_scored_proposes_by_the_default_metric(iris, strategy):
    # f1_macro is a metric the search can maximize but no meta-database evaluation stored: its
    # performance matrix would be all missing and the portfolio arbitrary.
    space = get_space("classification")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        f1 = strategy().plan(space, *iris, "f1_macro", 0, 4)
    accuracy = strategy().plan(space, *iris, "accuracy", 0, 4)
    assert f1.enqueue == accuracy.enqueue
    assert [c for _, c in f1.enqueue] != space.default_configs()[:4]


def _slow(family, seconds=1000.0):
    """A stand-in cost model: ``family`` takes ``seconds`` a configuration, the rest 0.01 s."""
    return lambda configs: np.array([seconds if c["family"] == family else 0.01 for c in configs])


def test_a_strategy_fits_its_plan_into_the_budget_by_default(iris):
    space = get_space("classification")
    plan = ColdStart().plan_in_budget(space, *iris, "accuracy", 0, 8,
                                      predict_seconds=_slow("svm"), budget=60.0)
    assert "svm" not in {c["family"] for _, c in plan.enqueue}
    assert [c["family"] for _, c in plan.left_out] == ["svm"]


def test_the_meta_warm_start_orders_by_gain_per_second_when_the_budget_binds(iris):
    space = get_space("classification")
    plain = MetaWarmStart().plan(space, *iris, "accuracy", 0, 5)
    first = plain.enqueue[0][1]["family"]
    slow = _slow(first, seconds=5.0)

    def planned(cost_order=True, budget=60.0, n_trials=None):
        plan = MetaWarmStart(cost_order=cost_order).plan_in_budget(space, *iris, "accuracy", 0, 5, predict_seconds=slow,
                                       budget=budget, n_trials=n_trials)
        return [c for _, c in plan.enqueue]

    # The budget binds (no trial limit): cheap strong configurations come first.
    assert planned()[0]["family"] != first
    # A trial limit whose proposals fit in the budget keeps the order it gets without one...
    assert planned(n_trials=5) == [c for _, c in plain.enqueue]
    # ...and one whose proposals do not fit is ordered by the budget.
    assert planned(budget=4.0, n_trials=5)[0]["family"] != first
    # cost_order=False keeps the plain order, less what does not fit.
    assert planned(cost_order=False) == [c for _, c in plain.enqueue]


def test_the_meta_warm_start_asks_for_the_trial_order_only_when_it_may_use_it(iris, monkeypatch):
    space = get_space("classification")
    proposer = load_proposer("classification")
    calls = []
    propose = proposer.propose

    def counting(*args, seconds=None, **kwargs):
        calls.append(seconds is not None)
        return propose(*args, seconds=seconds, **kwargs)

    # The family of the first proposal is slow, whichever the shipped models propose.
    first = MetaWarmStart(proposer).plan(space, *iris, "accuracy", 0, 5).enqueue[0][1]["family"]
    monkeypatch.setattr(proposer, "propose", counting)

    def cost_ordered_calls(budget, n_trials):
        calls.clear()
        MetaWarmStart(proposer).plan_in_budget(space, *iris, "accuracy", 0, 5,
                                               predict_seconds=_slow(first, seconds=5.0),
                                               budget=budget, n_trials=n_trials)
        return list(calls)

    # No trial limit: the budget binds, only the cost order is computed.
    assert cost_ordered_calls(60.0, None) == [True]
    # A trial limit: the trial order, and the cost order only when the budget binds.
    assert cost_ordered_calls(1e6, 5) == [False]
    assert cost_ordered_calls(0.5, 5) == [False, True]


def test_warm_start_parameter_resolves():
    proposer = load_proposer("regression")
    assert resolve_strategy(True) == MetaWarmStart()
    assert resolve_strategy(False) == ColdStart()
    assert resolve_strategy(np.bool_(False)) == ColdStart()
    assert resolve_strategy(proposer) == MetaWarmStart(proposer)
    assert resolve_strategy(PlainSearch("random")) == PlainSearch("random")
    with pytest.raises(ValueError, match="warm_start must be True, False, a WarmStartStrategy"):
        resolve_strategy("yes")


def test_a_custom_strategy_drives_fit(iris):
    class Only(WarmStartStrategy):
        def __init__(self, family="knn"):
            self.family = family

        def plan(self, space, frame, y, metric, seed, n_proposals):
            return SearchPlan([("mine", space.default_config(self.family))],
                              optuna.samplers.RandomSampler(seed=seed))

    X, y = iris
    model = MetaAutoMLClassifier(n_trials=2, cv=2, random_state=0, warm_start=Only())
    with threadpool_limits(1):
        model.fit(X, y)
    board = model.leaderboard().sort_values("number")
    assert board["source"].tolist()[0] == "mine" and board["family"].tolist()[0] == "knn"
    assert model.warm_start_configs_ == [get_space("classification").default_config("knn")]
    assert clone(model).warm_start == Only()


def test_recommend_goes_through_the_meta_warm_start(iris):
    X, y = iris
    cold = MetaAutoMLClassifier(warm_start=False, random_state=0).recommend(X, y, n=3)
    warm = MetaAutoMLClassifier(random_state=0).recommend(X, y, n=3)
    assert cold.proposals == warm.proposals and len(warm.proposals) == 3


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_a_one_trial_warm_start_above_the_row_cap_fits_the_cold_starts_first_model(task):
    # ProposerConfig.lead_defaults_min_rows: above the meta-database's 1,000-row cap, n_trials=1
    # gets what a cold start gives; at or below it, the meta-learned pick.
    from sklearn.datasets import make_classification, make_regression

    from metaautoml import MetaAutoMLRegressor

    make = make_classification if task == "classification" else make_regression
    X, y = make(n_samples=1200, n_features=5, random_state=0)
    estimator = MetaAutoMLClassifier if task == "classification" else MetaAutoMLRegressor
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warm = estimator(n_trials=1, cv=2, random_state=0).fit(X, y)
        cold = estimator(n_trials=1, cv=2, random_state=0, warm_start=False).fit(X, y)
        small = estimator(n_trials=1, cv=2, random_state=0).fit(X[:600], y[:600])
    # scikit-learn's default on the 1,200 rows: min_samples_leaf=20, not the pool's 1 %.
    assert warm.best_config_ == cold.best_config_ == get_space(task).default_configs(n_rows=1200)[0]
    assert warm.leaderboard()["source"].tolist() == [LEAD_DEFAULT_SOURCE]
    np.testing.assert_allclose(warm.predict(X), cold.predict(X))
    assert small.leaderboard()["source"].tolist() != [LEAD_DEFAULT_SOURCE]


def _fit_trials(estimator, task, X, y, warm):
    if warm:
        # Recorded before the cold start's default led classification's proposals
        # (ProposerConfig.lead_defaults): the seam is checked with the proposals as they were.
        shipped = load_proposer(task)
        warm = WarmStartProposer(shipped.training, shipped.matcher, shipped.surrogate,
                                 replace(shipped.config, lead_defaults=0))
        # The surrogate sampler, as recorded: the warm start now hands over to TPE by default
        # (benchmarks/surrogate_refine.py), which the seam did not change.
        warm = MetaWarmStart(warm, sampler="surrogate")
    model = estimator(n_trials=6 if warm is not False else 9, n_warm_start=3, cv=3, random_state=0,
                      warm_start=warm).fit(X, y)
    return [{"params": t.params, "source": t.user_attrs.get("source")} for t in model.study_.trials]


def test_the_search_is_what_it_was_before_the_strategy_seam():
    # The same trials, parameters and sources as the estimator gave before the warm start
    # became a strategy (tests/strategy/trials_before_the_strategy_seam.json). Regression's were
    # re-recorded when its space gained target_transform and its shipped models were retrained
    # (the cold search's sampled trials draw one more parameter). Both warm searches were
    # re-recorded when the shipped models were retrained on the v2 meta-database. The cold ones,
    # which no shipped model touches, changed once: their enqueued HistGradientBoosting and k-NN
    # defaults became scikit-learn's on the 200 rows (min_samples_leaf=20, n_neighbors=5); the
    # trials TPE drew after them are as recorded.
    before = json.loads(BEFORE.read_text())
    Xc, yc = load_breast_cancer(return_X_y=True, as_frame=True)
    Xr, yr = load_diabetes(return_X_y=True, as_frame=True)
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for task, estimator, X, y in [("classification", MetaAutoMLClassifier, Xc, yc),
                                      ("regression", MetaAutoMLRegressor, Xr, yr)]:
            for warm in (True, False):
                now = _fit_trials(estimator, task, X.iloc[:200], y.iloc[:200], warm)
                assert now == before[f"{task}-{'warm' if warm else 'cold'}"], (task, warm)
