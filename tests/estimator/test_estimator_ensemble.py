"""The post-hoc ensemble: selected on the trials' out-of-fold predictions, members refitted."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score, make_scorer
from sklearn.pipeline import Pipeline

import metaautoml.evaluation._runner
from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor
from metaautoml.ensemble import WeightedEnsemble
from metaautoml.space import SearchSpace


@pytest.fixture
def only_configs(monkeypatch):
    """Make the cold start try exactly these configurations, in this order."""
    def use(task, *configs):
        space = SearchSpace(task)
        validated = [space.validate(dict(config)) for config in configs]
        monkeypatch.setattr(SearchSpace, "default_configs", lambda self, n_rows=None: list(validated))
        return validated
    return use


def _noisy_tables(n=300, seed=0):
    """Three classes and a numeric target that a linear model and a k-NN each get partly
    wrong, differently; with the defaults of 300 rows, the selection's cross-validated gain is
    positive on both (n=150: not for the classes)."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.normal(size=n)})
    score = X["a"] + np.sin(3 * X["b"]) + 0.5 * rng.normal(size=n)
    classes = np.array(["low", "mid", "high"])[np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))]
    values = 2 * X["a"] + np.sin(3 * X["b"]) + 0.3 * rng.normal(size=n)
    return X, classes, values


def _noisy_classes(n=300, seed=0):
    X, classes, _ = _noisy_tables(n, seed)
    return X, classes


def _cls_configs(only_configs):
    space = SearchSpace("classification")
    return only_configs("classification", space.default_config("linear"),
                        space.default_config("knn"), space.default_config("random_forest"))


def test_a_classification_ensemble_predicts_the_users_labels(only_configs):
    _cls_configs(only_configs)
    X, y = _noisy_classes()
    clf = MetaAutoMLClassifier(n_trials=3, cv=3, warm_start=False, random_state=0,
                               ensemble_size=20).fit(X, y)
    board = clf.leaderboard()
    assert board["ensemble_weight"].sum() == pytest.approx(1.0)
    assert (board["ensemble_weight"] > 0).sum() == len(clf.ensemble_weights_) > 1
    assert isinstance(clf.best_estimator_, WeightedEnsemble)
    assert clf.ensemble_gain_ > 0
    assert clf.ensemble_weights_ == pytest.approx(clf.ensemble_selection_.weights)
    assert clf.ensemble_score_ == clf.ensemble_selection_.score >= clf.ensemble_selection_.single_score
    assert set(clf.predict(X)) <= {"low", "mid", "high"}
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))


def test_ensemble_size_zero_refits_the_best_trial_alone(only_configs):
    _cls_configs(only_configs)
    X, y = _noisy_classes()
    clf = MetaAutoMLClassifier(n_trials=3, cv=3, warm_start=False, random_state=0,
                               ensemble_size=0).fit(X, y)
    assert isinstance(clf.best_estimator_, Pipeline)
    best = int(clf.leaderboard()["number"][0])
    assert clf.ensemble_weights_ == {best: 1.0}
    assert clf.ensemble_score_ == clf.best_score_
    assert clf.ensemble_selection_ is None and np.isnan(clf.ensemble_gain_)
    assert clf.leaderboard()["ensemble_weight"].tolist() == [1.0, 0.0, 0.0]


def test_an_ensemble_that_does_not_beat_its_best_trial_out_of_sample_is_not_used(only_configs):
    _cls_configs(only_configs)
    X, y = _noisy_classes(n=150)
    clf = MetaAutoMLClassifier(n_trials=3, cv=3, warm_start=False, random_state=0,
                               ensemble_size=20).fit(X, y)
    # Selected on the out-of-fold rows it is scored on, the mixture looks better...
    assert len(clf.ensemble_selection_.weights) > 1
    assert clf.ensemble_selection_.score > clf.ensemble_selection_.single_score
    # ...but cross-validated over the search's folds it is not, so the best trial stays alone.
    assert clf.ensemble_gain_ <= 0
    assert isinstance(clf.best_estimator_, Pipeline)
    assert clf.ensemble_weights_ == {int(clf.leaderboard()["number"][0]): 1.0}


def test_the_ensemble_search_is_the_single_models_search(only_configs):
    _cls_configs(only_configs)
    X, y = _noisy_classes()
    fits = [MetaAutoMLClassifier(n_trials=3, cv=3, warm_start=False, random_state=0,
                                 ensemble_size=size).fit(X, y) for size in (0, 20)]
    boards = [fit.leaderboard() for fit in fits]
    pd.testing.assert_series_equal(boards[0]["score"], boards[1]["score"])
    assert fits[0].best_config_ == fits[1].best_config_
    # The ensemble fit keeps the single model beside it: what ensemble_size=0 returned.
    single, ensembled = fits
    assert single.best_single_estimator_ is single.best_estimator_
    assert isinstance(ensembled.best_estimator_, WeightedEnsemble)
    assert isinstance(ensembled.best_single_estimator_, Pipeline)
    np.testing.assert_array_equal(ensembled.best_single_estimator_.predict(X),
                                  single.best_estimator_.predict(X))
    for fit in fits:
        assert 0 < fit.best_refit_time_ <= fit.refit_time_


def test_a_regression_ensemble_averages_and_beats_its_parts_out_of_fold(only_configs):
    space = SearchSpace("regression")
    only_configs("regression", space.default_config("linear"), space.default_config("knn"),
                 space.default_config("extra_trees"))
    X, _, y = _noisy_tables(n=150)
    reg = MetaAutoMLRegressor(n_trials=3, cv=3, warm_start=False, random_state=0,
                              ensemble_size=25).fit(X, y)
    assert len(reg.ensemble_weights_) > 1 and reg.ensemble_gain_ > 0
    assert isinstance(reg.best_estimator_, WeightedEnsemble)
    members = reg.best_estimator_.members
    expected = sum(w * m.predict(X) for m, w in zip(members, reg.best_estimator_.weights, strict=True))
    np.testing.assert_allclose(reg.predict(X), expected)
    assert reg.ensemble_score_ > reg.best_score_ - 0.05  # pooled out of fold vs the fold mean


def test_a_custom_scorer_selects_the_ensemble_too(only_configs):
    _cls_configs(only_configs)
    X, y = _noisy_classes()
    scorer = make_scorer(f1_score, average="macro")
    clf = MetaAutoMLClassifier(n_trials=3, cv=3, warm_start=False, random_state=0, metric=scorer,
                               ensemble_size=20).fit(X, y)
    assert np.isfinite(clf.ensemble_score_)
    assert clf.score(X, y) > 0.5


def test_an_isolated_search_keeps_predictions_through_the_worker(only_configs):
    _cls_configs(only_configs)
    X, y = _noisy_classes()
    clf = MetaAutoMLClassifier(n_trials=3, cv=3, warm_start=False, random_state=0,
                               per_trial_time_limit=120, ensemble_size=20).fit(X, y)
    local = MetaAutoMLClassifier(n_trials=3, cv=3, warm_start=False, random_state=0,
                                 ensemble_size=20).fit(X, y)
    assert clf.ensemble_weights_ == pytest.approx(local.ensemble_weights_)


def test_a_member_that_fails_to_refit_is_left_out(monkeypatch, only_configs):
    _cls_configs(only_configs)
    X, y = _noisy_classes()
    reference = MetaAutoMLClassifier(n_trials=3, cv=3, warm_start=False, random_state=0,
                                     ensemble_size=20).fit(X, y)
    assert len(reference.ensemble_weights_) > 1
    best = int(reference.leaderboard()["number"][0])
    failing = next(n for n in reference.ensemble_weights_ if n != best)
    failing_family = reference.study_.trials[failing].params["family"]
    real_fit = metaautoml.evaluation._runner.fit_pipeline

    def fail_for_one_member(config, *args, **kwargs):
        if config["family"] == failing_family:
            raise MemoryError("no room for this member")
        return real_fit(config, *args, **kwargs)

    monkeypatch.setattr(metaautoml.evaluation._runner, "fit_pipeline", fail_for_one_member)
    clf = MetaAutoMLClassifier(n_trials=3, cv=3, warm_start=False, random_state=0,
                               ensemble_size=20)
    with pytest.warns(UserWarning, match="ensemble members failed to refit .*no room"):
        clf.fit(X, y)
    assert failing not in clf.ensemble_weights_
    assert sum(clf.ensemble_weights_.values()) == pytest.approx(1.0)
    assert [f["number"] for f in clf.ensemble_refit_failures_] == [failing]
    assert "no room for this member" in clf.ensemble_refit_failures_[0]["error"]
    assert clf.refit_fallbacks_ == []
    assert clf.score(X, y) > 0.5


@pytest.mark.parametrize("size", [-1, 2.5, "10", True])
def test_a_bad_ensemble_size_is_named(size):
    X, y = _noisy_classes(30)
    with pytest.raises(ValueError, match="ensemble_size"):
        MetaAutoMLClassifier(n_trials=1, ensemble_size=size).fit(X, y)
