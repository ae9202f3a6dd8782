"""Cross-validation splits and the in-process evaluation of one configuration."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from _evaluation_helpers import FailingClassifier, FakeSpace
from sklearn.datasets import load_iris
from sklearn.model_selection import KFold

from metaautoml.evaluation import COMPLETE, FAILED, _cv, evaluate_config, get_metric, make_splits
from metaautoml.space import ColumnTypes, get_space


def _check_partition(splits, n):
    tests = np.concatenate([test for _, test in splits])
    np.testing.assert_array_equal(np.sort(tests), np.arange(n))
    for train, test in splits:
        assert len(np.intersect1d(train, test)) == 0
        assert len(train) + len(test) == n


# -- make_splits ------------------------------------------------------------------------------------
def test_stratified_folds_are_clipped_to_the_smallest_class():
    y = np.array([0] * 10 + [1] * 3)
    splits = make_splits(y, "classification", cv=5)
    assert len(splits) == 3
    _check_partition(splits, len(y))
    for _, test in splits:
        assert np.sum(y[test] == 1) == 1  # stratified: every fold gets one minority row


def test_stratified_folds_keep_cv_when_classes_are_large_enough():
    y = np.repeat([0, 1, 2], 10)
    splits = make_splits(y, "classification", cv=5)
    assert len(splits) == 5
    for _, test in splits:
        assert np.bincount(y[test]).tolist() == [2, 2, 2]


def test_a_single_member_class_is_an_error():
    with pytest.raises(ValueError, match="the smallest class has a single member; "
                                         "cross-validation needs at least 2 rows per class"):
        make_splits(np.array([0, 0, 0, 1, 1, 2]), "classification", cv=3)


def test_string_labels_are_stratified_too():
    y = np.array(["a"] * 6 + ["b"] * 2, dtype=object)
    assert len(make_splits(y, "classification", cv=4)) == 2


def test_regression_folds():
    splits = make_splits(np.arange(20.0), "regression", cv=4)
    assert len(splits) == 4
    _check_partition(splits, 20)
    # Shuffled: the first fold is not simply the first rows.
    assert not np.array_equal(np.sort(splits[0][1]), np.arange(5))
    # Too few rows for cv folds of two rows each: the folds shrink.
    assert len(make_splits(np.arange(7.0), "regression", cv=5)) == 3
    with pytest.raises(ValueError, match="3 rows are too few for cross-validation"):
        make_splits(np.arange(3.0), "regression", cv=2)


def test_splits_are_deterministic_per_seed():
    y = np.repeat([0, 1], 20)
    a = make_splits(y, "classification", cv=3, random_state=1)
    b = make_splits(y, "classification", cv=3, random_state=1)
    c = make_splits(y, "classification", cv=3, random_state=2)
    assert all(np.array_equal(x[1], z[1]) for x, z in zip(a, b, strict=True))
    assert not all(np.array_equal(x[1], z[1]) for x, z in zip(a, c, strict=True))


def test_a_splitter_object_is_used_as_is():
    splitter = KFold(3)
    splits = make_splits(np.arange(9.0), "regression", cv=splitter)
    expected = list(splitter.split(np.zeros((9, 1))))
    for (train, test), (etrain, etest) in zip(splits, expected, strict=True):
        np.testing.assert_array_equal(train, etrain)
        np.testing.assert_array_equal(test, etest)


@pytest.mark.parametrize("cv,error,message", [
    (1, ValueError, "cv must be at least 2, got 1"),
    (True, TypeError, "cv must be an int >= 2, a fraction in (0, 1), a scikit-learn splitter or (train, test) index pairs, got True"),
    ("5", TypeError, "cv must be an int >= 2, a fraction in (0, 1), a scikit-learn splitter or (train, test) index pairs, got '5'"),
])
def test_bad_cv(cv, error, message):
    with pytest.raises(error, match=re.escape(message)):
        make_splits(np.repeat([0, 1], 5), "classification", cv=cv)


# -- evaluate_config ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True, as_frame=True)
    return X, y.to_numpy()


def _evaluate(config, X, y, metrics, splits=None, task="classification"):
    splits = splits if splits is not None else make_splits(y, task, cv=3)
    return evaluate_config(config, X, y, task=task, columns=ColumnTypes.infer(X), splits=splits,
                           metrics=[get_metric(m, task) for m in metrics])


def test_evaluate_config_scores_every_metric(iris):
    X, y = iris
    result = _evaluate(get_space("classification").default_config("linear"), X, y,
                       ["accuracy", "log_loss", "roc_auc", "balanced_accuracy"])
    assert result.state == COMPLETE and result.ok and result.error is None
    assert list(result.scores) == ["accuracy", "log_loss", "roc_auc", "balanced_accuracy"]
    assert result.scores["accuracy"] > 0.9
    assert result.scores["log_loss"] < 0
    assert 0.9 < result.scores["roc_auc"] <= 1
    assert result.score_std >= 0
    assert 0 < result.fit_time <= result.duration
    assert result.to_dict()["state"] == COMPLETE


def test_evaluate_config_matches_a_manual_cross_validation(iris):
    X, y = iris
    space = get_space("classification")
    config = space.default_config("knn")
    splits = make_splits(y, "classification", cv=3, random_state=0)
    result = _evaluate(config, X, y, ["accuracy"], splits=splits)
    manual = []
    for train, test in splits:
        model = space.build_pipeline(config, ColumnTypes.infer(X), len(train), 0)
        manual.append(np.mean(model.fit(X.iloc[train], y[train]).predict(X.iloc[test]) == y[test]))
    assert result.scores["accuracy"] == pytest.approx(np.mean(manual))
    assert result.score_std == pytest.approx(np.std(manual))


def test_a_raising_model_is_a_failed_trial_with_the_reason(iris, monkeypatch):
    X, y = iris
    monkeypatch.setattr(_cv, "get_space", lambda task: FakeSpace(FailingClassifier()))
    result = _evaluate({"family": "linear"}, X, y, ["accuracy"])
    assert result.state == FAILED and not result.ok
    assert result.error.startswith("RuntimeError: cannot fit this data (in fit, "
                                   "_evaluation_helpers.py:")
    assert result.scores == {}


def test_a_model_that_cannot_read_the_data_fails_without_raising(iris):
    X, y = iris
    broken = X.assign(**{"sepal length (cm)": "not a number"})
    result = evaluate_config(get_space("classification").default_config("linear"), broken, y,
                             task="classification", columns=ColumnTypes.infer(X),
                             splits=make_splits(y, "classification", cv=3),
                             metrics=[get_metric("accuracy", "classification")])
    assert result.state == FAILED
    assert result.error.startswith("ValueError: could not convert string to float")


def test_an_undefined_secondary_metric_is_nan_but_the_trial_completes():
    X = pd.DataFrame({"x": np.r_[np.linspace(0, 1, 10), np.linspace(2, 3, 10)]})
    y = np.repeat([0, 1], 10)
    # The first test fold holds class 0 only: ROC AUC is undefined there, accuracy is not.
    splits = [(np.setdiff1d(np.arange(20), test), test) for test in (np.r_[0:5], np.r_[5:15])]
    result = _evaluate(get_space("classification").default_config("linear"), X, y,
                       ["accuracy", "roc_auc"], splits=splits)
    assert result.state == COMPLETE
    assert result.scores["accuracy"] == pytest.approx(1.0)
    assert np.isnan(result.scores["roc_auc"])


def test_an_undefined_primary_metric_fails_the_trial():
    X = pd.DataFrame({"x": np.arange(20.0)})
    y = np.repeat([0, 1], 10)
    splits = [(np.setdiff1d(np.arange(20), test), test) for test in (np.r_[0:5], np.r_[5:15])]
    result = _evaluate(get_space("classification").default_config("linear"), X, y,
                       ["roc_auc", "accuracy"], splits=splits)
    assert result.state == FAILED
    assert result.error == "metric 'roc_auc' is undefined on at least one fold"
    assert np.isfinite(result.scores["accuracy"])


def test_a_class_missing_from_a_training_fold_still_gets_probabilities():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.normal(size=30)})
    y = np.repeat([0, 1, 2], 10)
    # The first fold never trains on class 2; its probabilities get a zero column for it.
    splits = [(np.r_[0:20], np.r_[20:30]), (np.r_[5:30], np.r_[0:5])]
    result = _evaluate(get_space("classification").default_config("linear"), X, y,
                       ["accuracy", "log_loss"], splits=splits)
    assert result.state == COMPLETE
    assert np.isfinite(result.scores["log_loss"])


def test_regression_evaluation():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=60), "b": rng.choice(["u", "v"], 60)})
    y = 3 * X["a"].to_numpy() + (X["b"] == "u") + 0.01 * rng.normal(size=60)
    result = _evaluate(get_space("regression").default_config("linear"), X, y,
                       ["r2", "neg_mean_absolute_error"], task="regression")
    assert result.state == COMPLETE
    assert result.scores["r2"] > 0.99
    assert -0.1 < result.scores["neg_mean_absolute_error"] < 0


# -- out-of-fold predictions ------------------------------------------------------------------------
def test_kept_predictions_are_each_rows_out_of_fold_probabilities(iris):
    X, y = iris
    space = get_space("classification")
    config = space.default_config("knn")
    splits = make_splits(y, "classification", cv=3, random_state=0)
    result = evaluate_config(config, X, y, task="classification", columns=ColumnTypes.infer(X),
                             splits=splits, metrics=[get_metric("accuracy", "classification")],
                             keep_predictions=True)
    assert result.predictions.shape == (len(y), 3) and result.predictions.dtype == np.float32
    manual = np.zeros((len(y), 3))
    for train, test in splits:
        model = space.build_pipeline(config, ColumnTypes.infer(X), len(train), 0)
        manual[test] = model.fit(X.iloc[train], y[train]).predict_proba(X.iloc[test])
    np.testing.assert_allclose(result.predictions, manual, atol=1e-6)
    # The accuracy the trial reports is that of these predictions, fold by fold.
    assert result.scores["accuracy"] == pytest.approx(np.mean(
        [np.mean(manual[test].argmax(axis=1) == y[test]) for _, test in splits]))
    assert _evaluate(config, X, y, ["accuracy"], splits=splits).predictions is None


def test_kept_regression_predictions_average_overlapping_folds_and_leave_others_nan():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=30)})
    y = 3 * X["a"].to_numpy()
    rows = np.arange(30)
    # Rows 0-9 are in both test folds, rows 25-29 in none.
    splits = [(rows[10:], rows[:10]), (rows[10:25], rows[:25])]
    config = get_space("regression").default_config("linear")
    result = evaluate_config(config, X, y, task="regression", columns=ColumnTypes.infer(X),
                             splits=splits, metrics=[get_metric("r2", "regression")],
                             keep_predictions=True)
    space, columns = get_space("regression"), ColumnTypes.infer(X)
    fold = [space.build_pipeline(config, columns, len(train), 0).fit(X.iloc[train], y[train])
            .predict(X.iloc[test]) for train, test in splits]
    assert result.predictions.shape == (30,)
    np.testing.assert_allclose(result.predictions[:10], (fold[0] + fold[1][:10]) / 2, rtol=1e-5)
    np.testing.assert_allclose(result.predictions[10:25], fold[1][10:], rtol=1e-5)
    assert np.isnan(result.predictions[25:]).all()


def test_a_failed_trial_keeps_no_predictions(iris, monkeypatch):
    X, y = iris
    monkeypatch.setattr(_cv, "get_space", lambda task: FakeSpace(FailingClassifier()))
    result = evaluate_config({"family": "linear"}, X, y, task="classification",
                             columns=ColumnTypes.infer(X),
                             splits=make_splits(y, "classification", cv=3),
                             metrics=[get_metric("accuracy", "classification")],
                             keep_predictions=True)
    assert result.state == FAILED and result.predictions is None
