"""scikit-learn's estimator checks, with budgets small enough for the ~100 fits they make."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from metaautoml.estimator import MetaAutoMLClassifier, MetaAutoMLRegressor


@parametrize_with_checks([MetaAutoMLClassifier(n_trials=2, cv=2, random_state=0),
                          MetaAutoMLRegressor(n_trials=2, cv=2, random_state=0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)
