"""``fit(X, y, sample_weight=...)``: the weights reach every trial's fit and score, the
worker process, the ensemble and the refit; families that cannot weight rows are left out."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor


def _half_flipped(n=160, seed=0):
    """Half the rows follow ``a > 0``, the other half its opposite; only the first half is
    weighted, so a search that honours the weights sees a clean problem."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    clean = np.arange(n) < n // 2
    y = np.where((X["a"] > 0) == clean, "yes", "no")
    return X, y, clean.astype(float)


@pytest.mark.parametrize("isolated", [False, True], ids=["in_process", "worker_process"])
def test_weights_reach_the_fits_and_the_scores(isolated):
    X, y, weights = _half_flipped()
    params = dict(n_trials=4, cv=3, random_state=0, warm_start=False,
                  include=["hist_gradient_boosting", "linear", "random_forest", "svm"],
                  time_budget=120 if isolated else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weighted = MetaAutoMLClassifier(**params).fit(X, y, sample_weight=weights)
        plain = MetaAutoMLClassifier(**params).fit(X, y)
    # Scored on the weighted rows alone, with models fitted on them: nearly perfect.
    assert weighted.best_score_ > 0.9
    assert plain.best_score_ < 0.7
    clean = weights > 0
    assert (weighted.predict(X[clean]) == y[clean]).mean() > 0.9


def test_a_family_that_cannot_weight_rows_is_left_out_with_a_warning():
    X, y, weights = _half_flipped()
    with pytest.warns(UserWarning, match="sample_weight: knn cannot weight rows and is left out"):
        model = MetaAutoMLClassifier(n_trials=8, cv=3, random_state=0, warm_start=False,
                                     ).fit(X, y, sample_weight=weights)
    assert "knn" not in set(model.leaderboard()["family"])
    with pytest.raises(ValueError, match=r"none of the model families searched \(knn\) can weight"):
        MetaAutoMLClassifier(n_trials=2, include=["knn"]).fit(X, y, sample_weight=weights)


def test_a_scorer_without_weights_scores_unweighted_with_a_warning():
    X, y, weights = _half_flipped()

    def agreement(estimator, X, y):
        return float(np.mean(estimator.predict(X) == y))

    with pytest.warns(UserWarning, match="'agreement' takes no sample_weight"):
        model = MetaAutoMLClassifier(n_trials=2, cv=3, random_state=0, warm_start=False,
                                     metric=agreement, include=["linear"]).fit(
            X, y, sample_weight=weights)
    assert model.best_score_ < 0.7  # every row counts


def test_the_ensemble_is_selected_and_scored_with_the_weights():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=150), "b": rng.normal(size=150)})
    y = X["a"] * 3 + np.sin(X["b"] * 3) + rng.normal(0, 0.1, 150)
    weights = rng.uniform(0.2, 2.0, 150)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MetaAutoMLRegressor(n_trials=6, cv=3, random_state=0, ensemble_size=20,
                                    warm_start=False).fit(X, y, sample_weight=weights)
    assert model.ensemble_selection_ is not None
    assert model.ensemble_selection_.single_score == pytest.approx(model.best_score_, abs=0.05)


@pytest.mark.parametrize(("weights", "message"), [
    (np.ones(3), r"sample_weight.shape == \(3,\), expected \(160,\)"),
    (-np.ones(160), "Negative values in data passed to `sample_weight`"),
    (np.zeros(160), "sample_weight: Sample weights must contain at least one non-zero number"),
    (np.full(160, np.nan), "Input sample_weight contains NaN"),
    (pd.array([1.0, None] * 80, dtype="Float64"), "sample_weight"),
])
def test_bad_weights_fail_before_the_search_with_one_line(weights, message):
    X, y, _ = _half_flipped()
    with pytest.raises(ValueError, match=message) as info:
        MetaAutoMLClassifier(n_trials=2).fit(X, y, sample_weight=weights)
    assert "\n" not in str(info.value)
