"""Greedy ensemble selection with replacement (Caruana et al., 2004) on out-of-fold predictions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..evaluation import Metric, ScorerMetric, clipped_probabilities
from ..task import check_task

#: The estimators' default ``ensemble_size``: no ensemble. ``benchmarks/ensemble_gain.py``
#: measured auto-sklearn's 50 rounds against the best single trial on held-out tables twice;
#: by the rules fixed before each run (a mean paired test-score difference that is not
#: negative on both tasks) the ensemble did not earn the default either time. On the second,
#: fresh tables it gained on regression (significantly) but not on classification (see
#: docs/benchmarks.md, "Post-hoc ensemble").
DEFAULT_ENSEMBLE_SIZE = 0

#: At most this many of the best-scoring trials are candidates (auto-sklearn's
#: ``ensemble_nbest``): selection time grows with them, and the weaker ones are rarely picked.
DEFAULT_MAX_CANDIDATES = 50


@dataclass(frozen=True)
class EnsembleSelection:
    """The outcome of :func:`ensemble_selection`.

    Attributes
    ----------
    weights : dict
        Trial number to weight (the share of the selection rounds that picked it), for the
        trials with a positive weight; the weights sum to 1. Best single trial first.
    score : float
        The ensemble's out-of-fold score on the rows every candidate predicted.
    single_score : float
        The best single candidate's out-of-fold score on the same rows.
    n_rounds : int
        Selection rounds kept (the best-scoring prefix of ``ensemble_size`` rounds).
    """

    weights: dict[int, float]
    score: float
    single_score: float
    n_rounds: int


def prediction_scorer(metric: Metric | ScorerMetric, task: str, y: np.ndarray,
                      n_classes: int = 0, sample_weight: np.ndarray | None = None
                      ) -> Callable[[np.ndarray], float]:
    """A function scoring predictions of the rows of ``y`` by ``metric`` (greater is better).

    Predictions are what :attr:`~metaautoml.evaluation.TrialResult.predictions` holds: class
    probabilities for classification (labels are their argmax), values for regression. A
    scikit-learn scorer gets an estimator that returns these predictions of the rows whose
    indices are in the first column of the ``X`` it is given. ``sample_weight`` weights the
    rows (not for a scorer that takes no weights).
    """
    task = check_task(task)
    y = np.asarray(y)
    w = sample_weight
    labels = np.arange(n_classes) if task == "classification" else None
    if isinstance(metric, ScorerMetric):
        rows = np.arange(len(y))[:, None]
        w = w if metric.takes_sample_weight else None
        return lambda prediction: float(metric.score(_StoredPredictions(prediction, task, n_classes),
                                                     rows, y, w))
    if task == "regression":
        return lambda prediction: metric(y, prediction, labels, w)
    if metric.needs_proba:
        return lambda prediction: metric(y, clipped_probabilities(prediction), labels, w)
    return lambda prediction: metric(y, np.argmax(prediction, axis=1), labels, w)


def ensemble_selection(predictions: Mapping[int, np.ndarray], y: np.ndarray,
                       metric: Metric | ScorerMetric, task: str, ensemble_size: int, *,
                       scores: Mapping[int, float] | None = None,
                       max_candidates: int = DEFAULT_MAX_CANDIDATES,
                       sample_weight: np.ndarray | None = None) -> EnsembleSelection:
    """Weights of a greedy ensemble of trials, selected on their out-of-fold predictions.

    Each of ``ensemble_size`` rounds adds, with replacement, the trial whose predictions
    improve the average of those chosen so far the most (the lowest trial number among ties),
    as in Caruana et al. (2004) and auto-sklearn. The best-scoring prefix of the rounds is kept
    (the earliest among ties): its first round is the best single trial, so the ensemble never
    scores below it out of fold.

    Parameters
    ----------
    predictions : mapping of int to ndarray
        Trial number to out-of-fold predictions (see
        :attr:`~metaautoml.evaluation.TrialResult.predictions`); rows that some trial did not
        predict (NaN) are left out of the selection.
    y : ndarray of shape (n_samples,)
        The target the trials were scored on (class codes ``0..K-1`` for classification).
    metric : Metric or ScorerMetric
        What the ensemble maximizes.
    task : {"classification", "regression"}
    ensemble_size : int
        Selection rounds, at least 1.
    scores : mapping of int to float, optional
        Each trial's cross-validated score; with more than ``max_candidates`` trials, the best
        by it are the candidates (by their out-of-fold score when not given).
    max_candidates : int, default=DEFAULT_MAX_CANDIDATES
    sample_weight : ndarray of shape (n_samples,), optional
        Row weights of the metric.

    Returns
    -------
    EnsembleSelection

    Raises
    ------
    ValueError
        With no predictions, an ``ensemble_size`` below 1, no row every trial predicted, or a
        metric undefined on every trial's predictions.

    Examples
    --------
    >>> import numpy as np
    >>> from metaautoml.ensemble import ensemble_selection
    >>> from metaautoml.evaluation import get_metric
    >>> y = np.array([0.0, 1.0, 2.0, 3.0])
    >>> over, under = y + 1.0, y - 1.0  # each off by one; their average is exact
    >>> selection = ensemble_selection({0: over, 1: under}, y,
    ...                                get_metric("r2", "regression"), "regression", 10)
    >>> selection.weights, selection.score
    ({0: 0.5, 1: 0.5}, 1.0)
    """
    task = check_task(task)
    if not predictions:
        raise ValueError("ensemble selection needs the predictions of at least one trial")
    if ensemble_size < 1:
        raise ValueError(f"ensemble_size must be at least 1, got {ensemble_size!r}")
    numbers = sorted(predictions)
    stacked, y, sample_weight = _rows_all_predicted(predictions, numbers, y, sample_weight)
    n_classes = stacked.shape[2] if stacked.ndim == 3 else 0
    score = prediction_scorer(metric, task, y, n_classes, sample_weight)

    own = [score(p) for p in stacked]
    if not any(np.isfinite(own)):
        raise ValueError(f"the metric {metric.name!r} is undefined on every trial's predictions "
                         "of these rows")
    ranking = scores if scores is not None else dict(zip(numbers, own, strict=True))
    order = sorted(range(len(numbers)), key=lambda i: (-_finite(ranking.get(numbers[i])), numbers[i]))
    candidates = order[:max(1, int(max_candidates))]

    chosen: list[int] = []
    total = np.zeros_like(stacked[0])
    round_scores: list[float] = []
    for round_ in range(1, int(ensemble_size) + 1):
        trial_scores = [_finite(score((total + stacked[i]) / round_)) for i in candidates]
        best = candidates[int(np.argmax(trial_scores))]
        chosen.append(best)
        total += stacked[best]
        round_scores.append(max(trial_scores))
    n_rounds = int(np.argmax(round_scores)) + 1
    counts = Counter(chosen[:n_rounds])
    # The first round's pick, the best single candidate, leads; then by weight.
    others = sorted((i for i in counts if i != chosen[0]), key=lambda i: (-counts[i], numbers[i]))
    weights = {numbers[i]: counts[i] / n_rounds for i in [chosen[0], *others]}
    return EnsembleSelection(weights=weights, score=round_scores[n_rounds - 1],
                             single_score=round_scores[0], n_rounds=n_rounds)


def cross_validated_gain(predictions: Mapping[int, np.ndarray], y: np.ndarray,
                         metric: Metric | ScorerMetric, task: str, ensemble_size: int,
                         folds: Sequence[np.ndarray], *, scores: Mapping[int, float] | None = None,
                         max_candidates: int = DEFAULT_MAX_CANDIDATES,
                         sample_weight: np.ndarray | None = None) -> float:
    """How much an ensemble selection beats its own best single trial on rows it did not see.

    For each fold (an array of row indices, e.g. the test rows of the search's folds), the
    selection runs on the other rows and both its ensemble and its first pick (the best single
    candidate on those rows) are scored on the fold's rows; the result is the mean difference
    over folds (ensemble minus single; 0 for a fold whose selection kept one member). The
    selection is fitted to the same out-of-fold rows it is scored on, so its own ``score`` is
    optimistic, most of all on small data; this is the estimate the estimators use to decide
    whether to ensemble at all. NaN when no fold could be scored.

    Parameters
    ----------
    predictions, y, metric, task, ensemble_size, scores, max_candidates, sample_weight
        As for :func:`ensemble_selection`.
    folds : sequence of ndarray
        Row indices held out in turn.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from metaautoml.ensemble import cross_validated_gain
    >>> from metaautoml.evaluation import get_metric
    >>> y = np.arange(12.0)
    >>> folds = np.array_split(np.arange(12), 3)
    >>> gain = cross_validated_gain({0: y + 1, 1: y - 1}, y, get_metric("r2", "regression"),
    ...                             "regression", 10, folds)
    >>> gain > 0
    True
    """
    task = check_task(task)
    y = np.asarray(y)
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    gains = []
    for held in folds:
        held = np.asarray(held)
        seen = np.ones(len(y), dtype=bool)
        seen[held] = False
        try:
            selection = ensemble_selection({n: np.asarray(p)[seen] for n, p in predictions.items()},
                                           y[seen], metric, task, ensemble_size, scores=scores,
                                           max_candidates=max_candidates,
                                           sample_weight=None if w is None else w[seen])
            if len(selection.weights) < 2:
                gains.append(0.0)
                continue
            unseen = {n: np.asarray(predictions[n])[held] for n in selection.weights}
            first = next(iter(selection.weights))
            w_held = None if w is None else w[held]
            gains.append(ensemble_score(unseen, selection.weights, y[held], metric, task, w_held)
                         - ensemble_score(unseen, {first: 1.0}, y[held], metric, task, w_held))
        except ValueError:  # no row to select on or to score, or a metric undefined there
            continue
    gains = [g for g in gains if np.isfinite(g)]
    return float(np.mean(gains)) if gains else float("nan")


def ensemble_score(predictions: Mapping[int, np.ndarray], weights: Mapping[int, float],
                   y: np.ndarray, metric: Metric | ScorerMetric, task: str,
                   sample_weight: np.ndarray | None = None) -> float:
    """The out-of-fold score of the weighted average of ``predictions`` (trial number to
    predictions, as for :func:`ensemble_selection`) on the rows all of them predicted, the
    rows weighted by ``sample_weight`` if given."""
    task = check_task(task)
    numbers = list(weights)
    stacked, y, sample_weight = _rows_all_predicted(predictions, numbers, y, sample_weight)
    w = np.asarray([weights[n] for n in numbers], dtype=np.float64)
    average = np.tensordot(w / w.sum(), stacked, axes=1)
    n_classes = stacked.shape[2] if stacked.ndim == 3 else 0
    return prediction_scorer(metric, task, y, n_classes, sample_weight)(average)


def _rows_all_predicted(predictions: Mapping[int, np.ndarray], numbers: Sequence[int],
                        y: np.ndarray, sample_weight: np.ndarray | None = None
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The predictions of trials ``numbers`` stacked (trial first), ``y`` and the row weights,
    all restricted to the rows every one of those trials predicted."""
    stacked = np.stack([np.asarray(predictions[n], dtype=np.float64) for n in numbers])
    finite = np.isfinite(stacked.reshape(len(numbers), stacked.shape[1], -1)).all(axis=(0, 2))
    if not finite.any():
        raise ValueError("no row was predicted out of fold by every trial")
    weights = None if sample_weight is None else np.asarray(sample_weight, np.float64)[finite]
    return stacked[:, finite], np.asarray(y)[finite], weights


def _finite(value) -> float:
    return float(value) if value is not None and np.isfinite(value) else -np.inf


class _StoredPredictions:
    """An estimator whose predictions are given: what a scikit-learn scorer scores an ensemble's
    out-of-fold predictions through. ``X`` holds row indices in its first column."""

    def __init__(self, prediction: np.ndarray, task: str, n_classes: int):
        self._prediction = np.asarray(prediction)
        self._task = task
        if task == "classification":
            self.classes_ = np.arange(n_classes)

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags

        classifier = self._task == "classification"
        return Tags(estimator_type="classifier" if classifier else "regressor",
                    target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags() if classifier else None,
                    regressor_tags=None if classifier else RegressorTags())

    def _rows(self, X) -> np.ndarray:
        return np.asarray(X)[:, 0].astype(int)

    def predict(self, X) -> np.ndarray:
        prediction = self._prediction[self._rows(X)]
        return prediction.argmax(axis=1) if self._task == "classification" else prediction

    def predict_proba(self, X) -> np.ndarray:
        return clipped_probabilities(self._prediction[self._rows(X)])

    def decision_function(self, X) -> np.ndarray:
        proba = self.predict_proba(X)
        return proba[:, 1] if proba.shape[1] == 2 else proba
