"""The weighted ensemble averages its members' predictions."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from metaautoml.ensemble import WeightedEnsemble


def test_classification_averages_probabilities_with_every_class_column():
    X, y = load_iris(return_X_y=True, as_frame=True)
    keep = y < 2  # the second member never saw class 2: its column is zero
    members = [LogisticRegression(max_iter=500).fit(X, y), DecisionTreeClassifier(random_state=0).fit(X[keep], y[keep])]
    ensemble = WeightedEnsemble(members, [1, 3], "classification", n_classes=3)
    expected = 0.25 * members[0].predict_proba(X) + 0.75 * np.column_stack(
        [members[1].predict_proba(X), np.zeros(len(X))])
    np.testing.assert_allclose(ensemble.predict_proba(X), expected)
    np.testing.assert_array_equal(ensemble.predict(X), expected.argmax(axis=1))
    assert list(ensemble.feature_names_in_) == list(X.columns)
    assert "0.25 x LogisticRegression" in repr(ensemble)


def test_regression_averages_predictions_and_pickles():
    X, y = load_diabetes(return_X_y=True)
    members = [LinearRegression().fit(X, y), DecisionTreeRegressor(max_depth=3).fit(X, y)]
    ensemble = WeightedEnsemble(members, [0.5, 0.5], "regression")
    np.testing.assert_allclose(ensemble.predict(X),
                               (members[0].predict(X) + members[1].predict(X)) / 2)
    restored = pickle.loads(pickle.dumps(ensemble))
    np.testing.assert_allclose(restored.predict(X), ensemble.predict(X))
    with pytest.raises(AttributeError, match="no predict_proba"):
        ensemble.predict_proba(X)


@pytest.mark.parametrize(("members", "weights", "task", "message"), [
    ([], [], "regression", "one weight per member"),
    ([LinearRegression()], [1, 2], "regression", "one weight per member"),
    ([LinearRegression()], [-1], "regression", "non-negative"),
    ([LinearRegression()], [0], "regression", "positive sum"),
    ([LinearRegression()], [1], "classification", "n_classes"),
    ([LinearRegression()], [1], "ranking", "task"),
])
def test_bad_members_or_weights_are_named(members, weights, task, message):
    with pytest.raises(ValueError, match=message):
        WeightedEnsemble(members, weights, task)


def test_members_fitted_on_frames_predict_from_frames():
    X = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) % 3})
    y = 2 * X["a"] + X["b"]
    ensemble = WeightedEnsemble([LinearRegression().fit(X, y)], [1], "regression")
    np.testing.assert_allclose(ensemble.predict(X), y, atol=1e-9)
