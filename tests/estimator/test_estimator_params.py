"""Parameter constraints: declared once per class, checked before fit or recommend does anything."""

from __future__ import annotations

import inspect

import numpy as np
import optuna
import pytest
from sklearn.model_selection import KFold

from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor
from metaautoml.strategy import ColdStart

ESTIMATORS = [MetaAutoMLClassifier, MetaAutoMLRegressor]
X = np.arange(40, dtype=float).reshape(20, 2)
Y = {MetaAutoMLClassifier: np.array([0, 1] * 10), MetaAutoMLRegressor: np.arange(20, dtype=float)}

BAD = [
    ("n_trials", 0), ("n_trials", True), ("n_trials", 2.0), ("n_trials", "5"),
    ("time_budget", 0), ("time_budget", -1.0), ("time_budget", float("inf")), ("time_budget", True),
    ("metric", 3),
    ("cv", 1), ("cv", True), ("cv", "5"), ("cv", 2.5),
    ("per_trial_time_limit", 0), ("per_trial_time_limit", "10"),
    ("n_jobs", 0), ("n_jobs", -2), ("n_jobs", True), ("n_jobs", 1.5),
    ("random_state", -1), ("random_state", "seed"), ("random_state", 1.5),
    ("storage", 3), ("study_name", 3),
    ("verbose", -1), ("verbose", None), ("verbose", "loud"),
    ("memory_limit_mb", 0), ("memory_limit_mb", 100.5), ("memory_limit_mb", True),
    ("warm_start", "yes"), ("warm_start", None), ("warm_start", 1),
    ("n_warm_start", 0), ("n_warm_start", True), ("n_warm_start", 2.5), ("n_warm_start", "8"),
]

GOOD = [
    ("n_trials", None), ("n_trials", np.int64(3)), ("time_budget", 2), ("time_budget", 0.5),
    ("metric", "roc_auc"), ("metric", lambda estimator, X, y: 0.0), ("cv", KFold(3)),
    ("cv", np.int32(3)), ("per_trial_time_limit", 10), ("n_jobs", -1), ("n_jobs", 2),
    ("random_state", np.random.RandomState(0)), ("random_state", 2**32 - 1),
    ("storage", "journal:///tmp/x.log"), ("storage", optuna.storages.InMemoryStorage()),
    ("study_name", "s"), ("verbose", True), ("verbose", 2), ("memory_limit_mb", 4000),
    ("warm_start", False), ("warm_start", np.bool_(True)), ("warm_start", ColdStart()),
    ("n_warm_start", 1),
]


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_every_parameter_has_a_constraint(estimator_class):
    parameters = set(inspect.signature(estimator_class.__init__).parameters) - {"self"}
    assert parameters == set(estimator_class._parameter_constraints)


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
@pytest.mark.parametrize(("name", "value"), BAD)
def test_a_bad_value_is_named_before_anything_runs(estimator_class, name, value):
    model = estimator_class(**{name: value})
    with pytest.raises(ValueError, match=rf"^{name} must be .*, got ") as caught:
        model.fit(X, Y[estimator_class])
    assert "\n" not in str(caught.value)
    assert not hasattr(model, "study_") and not hasattr(model, "n_features_in_")
    with pytest.raises(ValueError, match=rf"^{name} must be "):
        model.recommend(X, Y[estimator_class])


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
@pytest.mark.parametrize(("name", "value"), GOOD)
def test_good_values_pass(estimator_class, name, value):
    from metaautoml.estimator._params import validate_params

    validate_params(estimator_class(**{name: value}))


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_defaults_pass(estimator_class):
    from metaautoml.estimator._params import validate_params

    validate_params(estimator_class())
