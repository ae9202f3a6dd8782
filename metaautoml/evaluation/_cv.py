"""Cross-validated evaluation of one configuration, in the calling process."""

from __future__ import annotations

import time
import traceback
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sklearn.model_selection import (
    GroupKFold,
    GroupShuffleSplit,
    KFold,
    ShuffleSplit,
    StratifiedGroupKFold,
    StratifiedKFold,
    StratifiedShuffleSplit,
)

from ..space import ColumnTypes, Config, get_space
from ..task import task_defaults
from ._metrics import ScorerMetric, clipped_probabilities

COMPLETE, FAILED, TIMEOUT = "complete", "failed", "timeout"


@dataclass
class TrialResult:
    """The outcome of evaluating one configuration.

    Attributes
    ----------
    state : {"complete", "failed", "timeout"}
    scores : dict
        Mean cross-validated score per metric name, greater is better; NaN where a secondary
        metric was undefined (the trial still completes if its primary metric is defined).
    score_std : float
        Standard deviation of the primary metric over folds.
    fit_time : float
        Seconds spent fitting, summed over folds.
    duration : float
        Wall-clock seconds of the whole evaluation.
    error : str or None
        Why a failed or timed-out trial ended.
    predictions : ndarray or None
        Out-of-fold predictions of a completed trial evaluated with ``keep_predictions``: each
        row predicted by the model of the fold that held it out (the mean where several folds
        did, NaN where none did), as float32; class probabilities of shape
        ``(n_samples, n_classes)`` for classification, values of shape ``(n_samples,)`` for
        regression. None otherwise.
    """

    state: str
    scores: dict[str, float] = field(default_factory=dict)
    score_std: float = float("nan")
    fit_time: float = 0.0
    duration: float = 0.0
    error: str | None = None
    predictions: np.ndarray | None = None

    @property
    def ok(self) -> bool:
        return self.state == COMPLETE

    def to_dict(self) -> dict:
        return asdict(self)


def make_splits(y: np.ndarray, task: str, cv, random_state: int | None = 0,
                groups=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test index pairs: stratified for classification with folds clipped to the smallest
    class, shuffled K-fold for regression, or the splits of a scikit-learn CV splitter, or the
    given ``(train, test)`` index pairs; a float ``cv`` in (0, 1) is one hold-out split with
    that fraction of the rows (of the groups, with ``groups``) held out, stratified for
    classification where every class has two rows.

    Whether an integer ``cv`` stratifies is :attr:`metaautoml.task.TaskDefaults.stratified`.
    With ``groups`` (one label per row), an integer ``cv`` keeps each group's rows in one fold
    (``StratifiedGroupKFold`` for classification, ``GroupKFold`` for regression, both shuffled,
    folds clipped to the number of groups), and a splitter receives them.

    Raises
    ------
    ValueError
        When there are too few rows (or members of the smallest class, or groups) for two
        folds, ``groups`` does not have one label per row, or an index pair is malformed.
    """
    y = np.asarray(y)
    n = len(y)
    if groups is not None:
        groups = np.asarray(groups)
        if groups.ndim != 1 or len(groups) != n:
            raise ValueError(f"groups must have one label per row ({n}), got shape {groups.shape}")
        if pd.isna(groups).any():
            raise ValueError("groups has missing labels; every row needs a group")
    if isinstance(cv, (float, np.floating)):
        return [_hold_out(y, task, float(cv), random_state, groups)]
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"cv must be at least 2, got {cv}")
        if groups is not None:
            n_groups = len(np.unique(groups))
            if n_groups < 2:
                raise ValueError("groups has a single group; cross-validation needs at least 2")
            n_splits = int(min(cv, n_groups))
            splitter = (StratifiedGroupKFold(n_splits, shuffle=True, random_state=random_state)
                        if task_defaults(task).stratified
                        else GroupKFold(n_splits, shuffle=True, random_state=random_state))
            return [(tr, te) for tr, te in splitter.split(np.zeros((n, 1)), y, groups)]
        if task_defaults(task).stratified:
            _, counts = np.unique(y, return_counts=True)
            n_splits = int(min(cv, counts.min()))
            if n_splits < 2:
                raise ValueError(
                    "the smallest class has a single member; cross-validation needs at least 2 "
                    "rows per class"
                )
            splitter = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
        else:
            if n < 2 * 2:
                raise ValueError(f"{n} rows are too few for cross-validation (at least 4 needed)")
            splitter = KFold(int(min(cv, n // 2)), shuffle=True, random_state=random_state)
        return [(tr, te) for tr, te in splitter.split(np.zeros((n, 1)), y)]
    # A string has a ``split`` method too; cv="5" must not be mistaken for a splitter.
    if hasattr(cv, "split") and not isinstance(cv, str):
        return [(np.asarray(tr), np.asarray(te))
                for tr, te in cv.split(np.zeros((n, 1)), y, groups)]
    if isinstance(cv, Iterable) and not isinstance(cv, (str, bytes, dict)):
        return _index_pairs(cv, n)
    raise TypeError(f"cv must be an int >= 2, a fraction in (0, 1), a scikit-learn splitter or "
                    f"(train, test) index pairs, got {cv!r}")


def _hold_out(y: np.ndarray, task: str, fraction: float, random_state: int | None,
              groups) -> tuple[np.ndarray, np.ndarray]:
    """One shuffled (train, test) split holding out ``fraction`` of the rows or groups."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"a fractional cv is the share of rows held out, in (0, 1); got {fraction}")
    n = len(y)
    X = np.zeros((n, 1))
    if groups is not None:
        if len(np.unique(groups)) < 2:
            raise ValueError("groups has a single group; a hold-out split needs at least 2")
        splitter = GroupShuffleSplit(1, test_size=fraction, random_state=random_state)
        train, test = next(splitter.split(X, y, groups))
    else:
        if n < 4:
            raise ValueError(f"{n} rows are too few for a hold-out split (at least 4 needed)")
        n_test = int(np.ceil(fraction * n))
        counts = np.unique(y, return_counts=True)[1]
        # Stratified where every class has two rows and each side can hold one of each.
        stratify = (task_defaults(task).stratified and counts.min() >= 2
                    and min(n_test, n - n_test) >= len(counts))
        splitter = (StratifiedShuffleSplit if stratify else ShuffleSplit)(
            1, test_size=fraction, random_state=random_state)
        train, test = next(splitter.split(X, y))
    if len(train) == 0 or len(test) == 0:
        raise ValueError(f"cv={fraction} leaves no rows on one side of the hold-out split")
    return train, test


def _index_pairs(cv: Iterable, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``cv``'s ``(train, test)`` pairs as integer index arrays, checked against ``n`` rows."""
    pairs = []
    for number, pair in enumerate(cv):
        try:
            train, test = pair
        except (TypeError, ValueError):
            raise ValueError(f"cv's split {number} is not a (train, test) pair of row "
                             "indices") from None
        train, test = np.asarray(train), np.asarray(test)
        for name, index in (("train", train), ("test", test)):
            if index.ndim != 1 or len(index) == 0 or not np.issubdtype(index.dtype, np.integer):
                raise ValueError(f"cv's split {number}: {name} must be a non-empty 1-d array "
                                 "of integer row indices")
            if index.min() < 0 or index.max() >= n:
                raise ValueError(f"cv's split {number}: {name} indices must lie in [0, {n})")
        pairs.append((train, test))
    if not pairs:
        raise ValueError("cv holds no (train, test) pairs")
    return pairs


def full_proba(model, X, n_classes: int) -> np.ndarray:
    """``model.predict_proba(X)`` with a column for each of the classes ``0..n_classes - 1``,
    also when the model's training rows lacked some class (its column is then zero)."""
    proba = model.predict_proba(X)
    classes = np.asarray(model.classes_)
    if proba.shape[1] == n_classes and np.array_equal(classes, np.arange(n_classes)):
        return proba
    full = np.zeros((proba.shape[0], n_classes))
    full[:, classes.astype(int)] = proba
    return full


def fit_pipeline(config: Config, X: pd.DataFrame, y: np.ndarray, *, task: str,
                 columns: ColumnTypes, random_state: int | None = 0,
                 sample_weight: np.ndarray | None = None):
    """``config``'s preprocessing and model fitted on all of ``(X, y)``, the final refit.

    For classification ``y`` holds the same integer codes the trials scored, so a
    configuration that cross-validated refits the same way. Convergence and similar warnings
    are silenced: the configuration was chosen on its cross-validated score, convergence
    included. ``sample_weight`` goes to the model's ``fit``.
    """
    pipeline = get_space(task).build_pipeline(config, columns, n_samples=X.shape[0],
                                              random_state=random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pipeline.fit(X, y, **_model_weights(sample_weight))


def _model_weights(sample_weight: np.ndarray | None, rows: np.ndarray | None = None) -> dict:
    """The ``fit`` keyword that routes weights to the pipeline's model step (none without)."""
    if sample_weight is None:
        return {}
    return {"model__sample_weight": sample_weight if rows is None else sample_weight[rows]}


def evaluate_config(config: Config, X: pd.DataFrame, y: np.ndarray, *, task: str,
                    columns: ColumnTypes, splits, metrics: list, random_state: int | None = 0,
                    memory_limit_mb: int | None = None,
                    keep_predictions: bool = False,
                    sample_weight: np.ndarray | None = None) -> TrialResult:
    """Cross-validate ``config``; the first metric is primary. Never raises for model errors.

    For classification, ``y`` must hold integer codes ``0..K-1`` (the estimator encodes labels).
    ``memory_limit_mb`` is the limit the calling process runs under, named in the error of a
    trial that ran out of memory. With ``keep_predictions`` a completed trial's result carries
    its out-of-fold predictions (:attr:`TrialResult.predictions`), what a post-hoc ensemble is
    selected on. ``sample_weight`` weights the training rows of each fold's fit and the test
    rows of its scores (a scorer that takes no weights scores unweighted).
    """
    start = time.perf_counter()
    space = get_space(task)
    fold_scores: dict[str, list[float]] = {m.name: [] for m in metrics}
    fit_time = 0.0
    n_classes = int(y.max()) + 1 if task == "classification" else 0
    labels = np.arange(n_classes) if task == "classification" else None
    oof = _OutOfFold(len(y), n_classes) if keep_predictions else None
    try:
        with warnings.catch_warnings():
            # Convergence and similar warnings of candidate models are expected during search.
            warnings.simplefilter("ignore")
            for train, test in splits:
                model = space.build_pipeline(config, columns, len(train), random_state)
                t0 = time.perf_counter()
                model.fit(X.iloc[train], y[train], **_model_weights(sample_weight, train))
                fit_time += time.perf_counter() - t0
                X_test, y_test = X.iloc[test], y[test]
                w_test = None if sample_weight is None else sample_weight[test]
                predictions = {}
                if oof is not None:
                    # Probabilities for classification, whatever the metric: an ensemble
                    # averages them and takes the labels it predicts from their argmax.
                    if task == "regression":
                        kept = predictions["predict"] = model.predict(X_test)
                    else:
                        kept = predictions["raw_proba"] = full_proba(model, X_test, n_classes)
                    oof.add(test, kept)
                for metric in metrics:
                    if isinstance(metric, ScorerMetric):
                        weights = w_test if metric.takes_sample_weight else None
                        fold_scores[metric.name].append(
                            _safe(metric.score, model, X_test, y_test, weights))
                        continue
                    key = "proba" if metric.needs_proba else "predict"
                    if key not in predictions:
                        if key == "proba":
                            raw = predictions.get("raw_proba")
                            raw = full_proba(model, X_test, n_classes) if raw is None else raw
                            predictions[key] = clipped_probabilities(raw)
                        else:
                            predictions[key] = model.predict(X_test)
                    fold_scores[metric.name].append(
                        _safe(metric, y_test, predictions[key], labels, w_test))
    except Exception as exc:  # noqa: BLE001 -- any model error is a failed trial, not a crash
        return TrialResult(FAILED, fit_time=fit_time, duration=time.perf_counter() - start,
                           error=describe_error(exc, memory_limit_mb=memory_limit_mb))
    scores = {name: float(np.mean(v)) if v and np.all(np.isfinite(v)) else float("nan")
              for name, v in fold_scores.items()}
    primary = metrics[0].name
    duration = time.perf_counter() - start
    if not np.isfinite(scores[primary]):
        return TrialResult(FAILED, scores=scores, fit_time=fit_time, duration=duration,
                           error=f"metric {primary!r} is undefined on at least one fold")
    return TrialResult(COMPLETE, scores=scores, score_std=float(np.std(fold_scores[primary])),
                       fit_time=fit_time, duration=duration,
                       predictions=None if oof is None else oof.result())


class _OutOfFold:
    """Accumulates each fold's test-row predictions into one out-of-fold array."""

    def __init__(self, n_rows: int, n_classes: int):
        shape = (n_rows, n_classes) if n_classes else (n_rows,)
        self.total = np.zeros(shape)
        self.count = np.zeros(n_rows)

    def add(self, rows: np.ndarray, prediction) -> None:
        np.add.at(self.total, rows, np.asarray(prediction, dtype=np.float64))
        np.add.at(self.count, rows, 1.0)

    def result(self) -> np.ndarray:
        count = self.count if self.total.ndim == 1 else self.count[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            return (self.total / count).astype(np.float32)


def _safe(compute, *args) -> float:
    """A secondary metric that is undefined on a fold (e.g. ROC-AUC with one class) gives NaN."""
    try:
        return float(compute(*args))
    except (ValueError, ZeroDivisionError, IndexError):
        return float("nan")


def describe_error(exc: BaseException, *, memory_limit_mb: int | None = None) -> str:
    """One line naming the exception, plus where in the library it came from.

    Running out of memory shows up under many names (``MemoryError``, pyarrow's
    ``ArrowMemoryError: malloc of size 64 failed``, BLAS allocation errors); under a memory
    limit the line says so first, since the limit, not the model, is then what to change.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (in {frames[-1].name}, {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    described = f"{type(exc).__name__}: {message}{where}"
    if memory_limit_mb is not None and _is_out_of_memory(exc):
        described = f"out of memory under memory_limit_mb={memory_limit_mb} ({described})"
    return described[:500]


def _is_out_of_memory(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return isinstance(exc, MemoryError) or any(
        sign in text for sign in ("memoryerror", "malloc", "cannot allocate memory",
                                  "unable to allocate", "out of memory", "bad_alloc"))
