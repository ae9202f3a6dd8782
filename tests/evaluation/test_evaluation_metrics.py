"""Metrics by name agree with scikit-learn, greater is better, and bad names are explained."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from metaautoml.evaluation import (
    DEFAULT_METRIC,
    METRICS,
    Metric,
    ScorerMetric,
    default_metrics,
    get_metric,
)
from metaautoml.evaluation._metrics import clipped_probabilities

Y_TRUE = np.array([0, 0, 1, 1, 2, 2, 2, 1])
Y_PRED = np.array([0, 1, 1, 1, 2, 0, 2, 2])
PROBA = np.array([
    [0.7, 0.2, 0.1], [0.4, 0.5, 0.1], [0.1, 0.8, 0.1], [0.2, 0.6, 0.2],
    [0.1, 0.1, 0.8], [0.5, 0.2, 0.3], [0.2, 0.2, 0.6], [0.1, 0.4, 0.5],
])
LABELS = np.arange(3)


def test_label_metrics_on_known_inputs():
    metric = get_metric("accuracy", "classification")
    assert metric(Y_TRUE, Y_PRED) == pytest.approx(5 / 8)
    # Recall per class: 1/2, 2/3, 2/3.
    balanced = get_metric("balanced_accuracy", "classification")
    assert balanced(Y_TRUE, Y_PRED) == pytest.approx((1 / 2 + 2 / 3 + 2 / 3) / 3)
    f1 = get_metric("f1_macro", "classification")
    assert f1(Y_TRUE, Y_PRED, LABELS) == pytest.approx(
        skm.f1_score(Y_TRUE, Y_PRED, average="macro"))


def test_f1_macro_counts_a_class_absent_from_the_fold():
    f1 = get_metric("f1_macro", "classification")
    y_true, y_pred = np.array([0, 0, 1]), np.array([0, 0, 1])
    # Class 2 exists in the data but not in this fold: it scores 0 instead of being dropped.
    assert f1(y_true, y_pred, LABELS) == pytest.approx(2 / 3)


def test_roc_auc_binary_uses_the_positive_column():
    y = np.array([0, 1, 1, 0, 1])
    proba = np.array([[0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.4, 0.6], [0.1, 0.9]])
    metric = get_metric("roc_auc", "classification")
    assert metric.needs_proba
    assert metric(y, proba, np.arange(2)) == pytest.approx(skm.roc_auc_score(y, proba[:, 1]))
    assert metric(y, proba, np.arange(2)) == pytest.approx(5 / 6)


def test_roc_auc_multiclass_is_one_vs_rest():
    metric = get_metric("roc_auc", "classification")
    expected = skm.roc_auc_score(Y_TRUE, PROBA, multi_class="ovr", labels=LABELS)
    assert metric(Y_TRUE, PROBA, LABELS) == pytest.approx(expected)
    assert metric(Y_TRUE, PROBA, LABELS) != pytest.approx(
        skm.roc_auc_score(Y_TRUE, PROBA, multi_class="ovo", labels=LABELS))


def test_log_loss_is_negated():
    metric = get_metric("log_loss", "classification")
    assert metric.needs_proba
    value = metric(Y_TRUE, PROBA, LABELS)
    assert value == pytest.approx(-skm.log_loss(Y_TRUE, PROBA, labels=LABELS))
    assert value < 0
    # Better probabilities score higher.
    assert metric(Y_TRUE, np.eye(3)[Y_TRUE] * 0.9 + 0.1 / 3, LABELS) > value


def test_regression_metrics():
    y = np.array([3.0, -0.5, 2.0, 7.0])
    p = np.array([2.5, 0.0, 2.0, 8.0])
    assert get_metric("r2", "regression")(y, p) == pytest.approx(skm.r2_score(y, p))
    rmse = get_metric("neg_root_mean_squared_error", "regression")(y, p)
    assert rmse == pytest.approx(-np.sqrt(np.mean((y - p) ** 2)))
    mae = get_metric("neg_mean_absolute_error", "regression")(y, p)
    assert mae == pytest.approx(-0.5)


@pytest.mark.parametrize("alias,name,task", [
    ("neg_log_loss", "log_loss", "classification"),
    ("roc_auc_ovr", "roc_auc", "classification"),
    ("rmse", "neg_root_mean_squared_error", "regression"),
    ("mae", "neg_mean_absolute_error", "regression"),
])
def test_aliases(alias, name, task):
    assert get_metric(alias, task) is METRICS[task][name]


def test_unknown_metric_lists_the_valid_ones():
    with pytest.raises(ValueError) as info:
        get_metric("acuracy", "classification")
    assert str(info.value) == ("unknown metric 'acuracy'; use one of ['accuracy', "
                               "'balanced_accuracy', 'f1_macro', 'log_loss', 'roc_auc'] or any "
                               "scikit-learn scoring name")
    with pytest.raises(ValueError, match=r"\['neg_mean_absolute_error', "
                                         r"'neg_root_mean_squared_error', 'r2'\]"):
        get_metric("r3", "regression")


def test_metric_of_the_other_task():
    with pytest.raises(ValueError, match="metric 'accuracy' is a classification metric, but the "
                                         "task is regression"):
        get_metric("accuracy", "regression")
    with pytest.raises(ValueError, match="'rmse' is a regression metric"):
        get_metric("rmse", "classification")


def test_scikit_learn_scoring_names_and_callables_become_scorer_metrics():
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=500).fit(X, y)
    metric = get_metric("precision_macro", "classification")
    assert isinstance(metric, ScorerMetric) and metric.name == "precision_macro"
    assert metric.score(model, X, y) == pytest.approx(
        skm.precision_score(y, model.predict(X), average="macro"))

    def agreement(estimator, X, y):
        return float(np.mean(estimator.predict(X) == y))

    custom = get_metric(agreement, "classification")
    assert isinstance(custom, ScorerMetric) and custom.name == "agreement"
    assert custom.score(model, X, y) == pytest.approx(skm.accuracy_score(y, model.predict(X)))
    with pytest.raises(TypeError, match="metric must be a name or a scorer callable, got int"):
        get_metric(3, "classification")


def test_defaults():
    assert DEFAULT_METRIC == {"classification": "accuracy", "regression": "r2"}
    assert [m.name for m in default_metrics("classification")] == [
        "accuracy", "balanced_accuracy", "log_loss", "roc_auc"]
    assert [m.name for m in default_metrics("regression")] == [
        "r2", "neg_root_mean_squared_error", "neg_mean_absolute_error"]
    for task, metrics in METRICS.items():
        for name, metric in metrics.items():
            assert isinstance(metric, Metric) and metric.name == name and metric.task == task


def test_clipped_probabilities_keep_log_loss_finite():
    hard = np.array([[1.0, 0.0], [0.0, 1.0]])
    clipped = clipped_probabilities(hard)
    np.testing.assert_allclose(clipped.sum(axis=1), 1.0)
    assert np.all(clipped > 0)
    loss = get_metric("log_loss", "classification")(np.array([1, 1]), clipped, np.arange(2))
    # One confident mistake costs -log(1e-15), averaged over the two rows.
    assert loss == pytest.approx(np.log(1e-15) / 2, rel=1e-6)


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_every_builtin_metric_weights_rows_as_scikit_learn_does(task):
    from metaautoml.evaluation import METRICS

    rng = np.random.default_rng(0)
    weights = rng.uniform(0.1, 3.0, 40)
    if task == "classification":
        y = np.arange(40) % 3
        proba = rng.dirichlet(np.ones(3), 40)
        predicted = proba.argmax(axis=1)
    else:
        y = rng.normal(size=40)
        predicted = y + rng.normal(0, 0.5, 40)
    for metric in METRICS[task].values():
        prediction = proba if metric.needs_proba else predicted
        labels = np.arange(3) if task == "classification" else None
        weighted = metric(y, prediction, labels, weights)
        # Whole-number weights are repeated rows to every one of these metrics.
        counts = np.round(weights * 3).astype(int)
        repeated = metric(np.repeat(y, counts, axis=0), np.repeat(prediction, counts, axis=0),
                          labels)
        assert weighted != pytest.approx(metric(y, prediction, labels), rel=1e-6), metric.name
        assert metric(y, prediction, labels, counts) == pytest.approx(repeated, rel=1e-9), metric.name
        assert np.isfinite(weighted)
