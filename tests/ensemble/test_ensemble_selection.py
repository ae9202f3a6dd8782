"""Greedy ensemble selection: the weights, the best-prefix rule, every kind of metric."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import make_scorer, roc_auc_score

from metaautoml.ensemble import (
    cross_validated_gain,
    ensemble_score,
    ensemble_selection,
    prediction_scorer,
)
from metaautoml.evaluation import get_metric

R2 = get_metric("r2", "regression")
ACCURACY = get_metric("accuracy", "classification")
LOG_LOSS = get_metric("log_loss", "classification")


def _one_hot(codes, n_classes):
    return np.eye(n_classes)[codes]


def test_complementary_errors_are_averaged():
    y = np.linspace(0, 3, 20)
    selection = ensemble_selection({3: y + 1, 5: y - 1, 7: y + 2}, y, R2, "regression", 10)
    assert selection.weights == {3: 0.5, 5: 0.5}
    assert selection.score == pytest.approx(1.0)
    assert selection.single_score < selection.score
    assert selection.n_rounds == 2


def test_identical_candidates_give_one_member_the_earliest():
    y = np.arange(10.0)
    same = y + np.sin(y)
    selection = ensemble_selection({4: same, 2: same.copy()}, y, R2, "regression", 5)
    assert selection.weights == {2: 1.0}
    assert selection.score == selection.single_score


def test_the_best_single_candidate_leads_the_weights():
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    good = _one_hot(y, 3) * 0.6 + 0.4 / 3
    noisy = _one_hot(np.array([0, 1, 2, 1, 1, 2, 0, 0]), 3)
    selection = ensemble_selection({0: noisy, 1: good}, y, LOG_LOSS, "classification", 4)
    assert next(iter(selection.weights)) == 1


def test_classification_labels_are_the_argmax_of_the_averaged_probabilities():
    y = np.array([0, 1, 1, 0])
    # Each is right on three rows; their average is right on all four.
    a = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.6, 0.4]])
    b = np.array([[0.6, 0.4], [0.6, 0.4], [0.1, 0.9], [0.9, 0.1]])
    selection = ensemble_selection({0: a, 1: b}, y, ACCURACY, "classification", 4)
    assert selection.single_score == 0.75 and selection.score == 1.0
    assert set(selection.weights) == {0, 1}


def test_a_custom_scorer_scores_the_stored_predictions():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 60)
    proba = [np.column_stack([1 - p, p]) for p in
             (np.clip(y + rng.normal(0, 0.6, 60), 0, 1), np.clip(y + rng.normal(0, 0.6, 60), 0, 1))]
    scorer = get_metric(make_scorer(roc_auc_score, response_method="predict_proba"), "classification")
    assert prediction_scorer(scorer, "classification", y, 2)(proba[0]) == pytest.approx(
        roc_auc_score(y, proba[0][:, 1]))
    selection = ensemble_selection({0: proba[0], 1: proba[1]}, y, scorer, "classification", 10)
    assert selection.score >= selection.single_score
    named = get_metric("neg_mean_absolute_error", "regression")
    assert prediction_scorer(named, "regression", np.array([1.0, 2.0]))(np.array([1.5, 2.0])) == -0.25


def test_rows_a_trial_did_not_predict_are_left_out():
    y = np.arange(6.0)
    a, b = y + 1, y - 1
    a[0] = np.nan
    selection = ensemble_selection({0: a, 1: b}, y, R2, "regression", 4)
    assert selection.score == pytest.approx(1.0)
    assert ensemble_score({0: a, 1: b}, {0: 1, 1: 1}, y, R2, "regression") == pytest.approx(1.0)


def test_at_most_max_candidates_of_the_best_are_used():
    y = np.arange(8.0)
    predictions = {0: y + 1, 1: y - 1, 2: y + 0.1}
    selection = ensemble_selection(predictions, y, R2, "regression", 10,
                                   scores={0: 0.9, 1: 0.1, 2: 0.5}, max_candidates=2)
    assert 1 not in selection.weights


@pytest.mark.parametrize(("predictions", "size", "message"), [
    ({}, 5, "at least one trial"),
    ({0: np.arange(3.0)}, 0, "ensemble_size must be at least 1"),
    ({0: np.full(3, np.nan)}, 5, "no row was predicted"),
])
def test_bad_input_is_named(predictions, size, message):
    with pytest.raises(ValueError, match=message):
        ensemble_selection(predictions, np.arange(3.0), R2, "regression", size)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 4), st.integers(2, 4), st.integers(0, 10_000))
def test_weights_sum_to_one_and_the_ensemble_never_scores_below_the_best_single(
        n_trials, n_classes, ensemble_size, seed):
    rng = np.random.default_rng(seed)
    n_classes = max(n_classes, 2)
    y = rng.integers(0, n_classes, 30)
    predictions = {n: rng.dirichlet(np.ones(n_classes), 30) for n in range(n_trials)}
    for metric in (ACCURACY, LOG_LOSS):
        selection = ensemble_selection(predictions, y, metric, "classification", ensemble_size)
        assert sum(selection.weights.values()) == pytest.approx(1.0)
        assert all(w > 0 for w in selection.weights.values())
        singles = [prediction_scorer(metric, "classification", y, n_classes)(p)
                   for p in predictions.values()]
        assert selection.single_score == pytest.approx(max(singles))
        assert selection.score >= selection.single_score
        assert ensemble_score(predictions, selection.weights, y, metric, "classification") == \
            pytest.approx(selection.score)


# -- cross-validated gain -------------------------------------------------------------------------
def test_the_gain_of_complementary_errors_holds_on_unseen_rows():
    y = np.linspace(0, 5, 30)
    folds = np.array_split(np.arange(30), 3)
    gain = cross_validated_gain({0: y + 1, 1: y - 1}, y, R2, "regression", 10, folds)
    single = 1 - 1 / np.mean([np.var(y[f]) for f in folds])  # r2 of an error of 1
    assert gain == pytest.approx(1 - single, rel=0.05)


def test_a_selection_that_only_fits_noise_gains_nothing_out_of_sample():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 40)
    signal = np.column_stack([1 - y * 0.8 - 0.1, y * 0.8 + 0.1])  # right on every row
    noise = {n: rng.dirichlet([1, 1], 40) for n in range(1, 6)}
    folds = np.array_split(rng.permutation(40), 4)
    gain = cross_validated_gain({0: signal, **noise}, y, LOG_LOSS, "classification", 10, folds)
    assert gain <= 0


def test_identical_candidates_have_no_gain_and_unscorable_folds_give_nan():
    y = np.arange(9.0)
    folds = np.array_split(np.arange(9), 3)
    assert cross_validated_gain({0: y + 1, 1: y + 1}, y, R2, "regression", 5, folds) == 0.0
    labels = np.array([0, 0, 0, 1, 1, 1])
    proba = np.column_stack([1 - labels * 0.5, labels * 0.5])
    roc_auc = get_metric("roc_auc", "classification")
    # Each fold holds one class only: ROC-AUC is undefined on every one.
    assert np.isnan(cross_validated_gain({0: proba, 1: proba[::-1]}, labels, roc_auc,
                                         "classification", 5, [np.arange(3), np.arange(3, 6)]))



def test_row_weights_steer_the_selection_and_its_score():
    from metaautoml.ensemble import ensemble_score, ensemble_selection
    from metaautoml.evaluation import get_metric

    y = np.arange(10.0)
    # Trial 0 is exact on the first half, trial 1 on the second: the weights pick the winner.
    first = np.where(np.arange(10) < 5, y, y + 3.0)
    second = np.where(np.arange(10) < 5, y + 3.0, y)
    metric = get_metric("neg_mean_absolute_error", "regression")
    on_first = np.where(np.arange(10) < 5, 1.0, 0.0)
    selection = ensemble_selection({0: first, 1: second}, y, metric, "regression", 1,
                                   sample_weight=on_first)
    assert selection.weights == {0: 1.0} and selection.score == 0.0
    selection = ensemble_selection({0: first, 1: second}, y, metric, "regression", 1,
                                   sample_weight=1.0 - on_first)
    assert selection.weights == {1: 1.0}
    assert ensemble_score({0: first}, {0: 1.0}, y, metric, "regression", 1.0 - on_first) == -3.0
