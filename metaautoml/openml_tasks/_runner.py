"""Running metaautoml on an OpenML task: one search per fold, scored on the fold's test rows."""

from __future__ import annotations

import math
import os
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ._tasks import OpenMLTaskData, load_task

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True)
class FoldResult:
    """The outcome of one fold.

    Attributes
    ----------
    fold : int
        The fold of the task's first repeat (0-based).
    score : float
        The test score of the model searched on the fold's training rows (greater is better).
    n_train, n_test : int
        Rows the search saw and rows it was scored on.
    best_family : str
        The model family the search chose.
    cv_score : float
        The chosen configuration's cross-validated score on the training rows.
    fit_seconds : float
        Wall time of the search and the refit.
    predictions : str or None
        The CSV file with the fold's test predictions, when they were written.
    refit_fallbacks : int
        Better-scoring configurations that failed to refit on the fold's training rows before
        ``best_family``'s did (see the estimators' ``refit_fallbacks_``).
    """

    fold: int
    score: float
    n_train: int
    n_test: int
    best_family: str
    cv_score: float
    fit_seconds: float
    predictions: str | None = None
    refit_fallbacks: int = 0


@dataclass(frozen=True)
class TaskResult:
    """Per-fold test scores of metaautoml on an OpenML task.

    Attributes
    ----------
    task_id, dataset_id : int
    dataset_name : str
    task_type : {"classification", "regression"}
    target : str
    metric : str
        The metaautoml metric of the scores (and of the search).
    evaluation_measure : str or None
        The task's evaluation measure as OpenML names it.
    n_folds : int
        Folds in the task's first repeat; ``folds`` may hold fewer.
    folds : tuple of FoldResult
    """

    task_id: int
    dataset_id: int
    dataset_name: str
    task_type: str
    target: str
    metric: str
    evaluation_measure: str | None
    n_folds: int
    folds: tuple[FoldResult, ...]

    @property
    def mean_score(self) -> float:
        """The mean test score over the folds run."""
        return float(np.mean([f.score for f in self.folds])) if self.folds else math.nan

    @property
    def std_score(self) -> float:
        """The standard deviation of the test scores (0 for one fold)."""
        return float(np.std([f.score for f in self.folds])) if self.folds else math.nan

    def to_frame(self) -> pd.DataFrame:
        """One row per fold, with the columns of :class:`FoldResult`."""
        import pandas as pd

        columns = list(FoldResult.__dataclass_fields__)
        return pd.DataFrame([asdict(f) for f in self.folds], columns=columns)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the fields, the folds as dicts, ``mean_score``, ``std_score``."""
        data = asdict(self)
        data["folds"] = [asdict(f) for f in self.folds]
        data["mean_score"] = self.mean_score
        data["std_score"] = self.std_score
        return data


def run_task(task_id: int, estimator=None, *, folds: int | Literal["all"] = "all",
             cache_dir: str | os.PathLike | None = None,
             predictions_dir: str | os.PathLike | None = None) -> TaskResult:
    """Search a model on each fold's training rows of an OpenML task and score it on the test rows.

    The task's own splits (its first repeat) are used, so the scores compare with OpenML's runs
    of other methods. Each fold fits a fresh, unfitted copy of ``estimator`` (as
    :func:`sklearn.model_selection.cross_validate` clones its estimator), which never sees the
    fold's test rows; ``estimator`` itself is left untouched.

    Parameters
    ----------
    task_id : int
        An OpenML supervised classification or regression task.
    estimator : MetaAutoMLClassifier, MetaAutoMLRegressor or None, default=None
        The template whose parameters every fold's search uses (budget, metric, warm start,
        limits, seed, ...). Its parameters are given to the estimator class of the task's type,
        so one template serves a suite of classification and regression tasks. With
        ``metric=None`` (the default) the search maximizes, and the test score measures, the
        task's evaluation measure where metaautoml has it, else the task type's default (see
        :func:`metric_for_measure`). ``None`` is the task type's estimator with its defaults.
        With a ``storage``, each fold's study is kept there under
        :func:`fold_study_name`, so that a rerun continues it and a dashboard shows it.
    folds : int or "all", default="all"
        The first ``folds`` folds of the task, or all of them.
    cache_dir : path-like, optional
        The root of the OpenML cache, as for :func:`load_task`.
    predictions_dir : path-like, optional
        Write each fold's test predictions to ``task_<id>_fold_<k>.csv`` in this directory
        (created if needed), in the columns of OpenML's run predictions: ``repeat, fold,
        row_id, prediction, correct`` and, for classification, ``confidence.<class>``.

    Returns
    -------
    TaskResult

    Raises
    ------
    OpenMLUnavailableError
        If the task is not cached and OpenML's server cannot be reached.
    TypeError
        If ``estimator`` is not a metaautoml estimator.
    ValueError
        For bad arguments or estimator parameters, more folds than the task has, or a metric
        of the other task type.

    Examples
    --------
    >>> from metaautoml import MetaAutoMLClassifier
    >>> from metaautoml.openml_tasks import run_task
    >>> template = MetaAutoMLClassifier(n_trials=10, random_state=0)
    >>> result = run_task(59, template, folds=2, cache_dir="~/openml-cache")  # doctest: +SKIP
    >>> result.to_frame()[["fold", "score", "best_family"]]  # doctest: +SKIP
       fold     score   best_family
    0     0  0.933333   extra_trees
    1     1  1.000000   extra_trees
    >>> result.mean_score  # doctest: +SKIP
    0.9666666666666667
    """
    _check_template(estimator)
    _check_folds_argument(folds)
    predictions_path = _prepare_predictions_dir(predictions_dir)
    task = load_task(task_id, cache_dir=cache_dir)
    n_run = task.n_folds if folds == "all" else int(folds)
    if n_run > task.n_folds:
        raise ValueError(f"OpenML task {task.task_id} has {task.n_folds} fold(s); cannot run "
                         f"the first {n_run}")
    from ..evaluation import get_metric

    template = _fold_template(estimator, task.task_type)
    metric = template.get_params()["metric"]
    scorer = get_metric(metric if metric is not None else task.metric, task.task_type)
    # The search maximizes what the test score measures: the task's measure by default.
    if metric is None:
        template.set_params(metric=scorer.name)
    results = tuple(_run_fold(task, fold, scorer, predictions_path, template)
                    for fold in range(n_run))
    return TaskResult(task_id=task.task_id, dataset_id=task.dataset_id,
                      dataset_name=task.dataset_name, task_type=task.task_type,
                      target=task.target, metric=scorer.name,
                      evaluation_measure=task.evaluation_measure, n_folds=task.n_folds,
                      folds=results)


def fold_study_name(prefix: str | None, task_id: int, fold: int) -> str:
    """The study a fold's search keeps in the template's ``storage``:
    ``<prefix>-task<id>-fold<k>`` (prefix ``"run"`` when the template names no study)."""
    return f"{prefix or 'run'}-task{int(task_id)}-fold{int(fold)}"


def predictions_filename(task_id: int, fold: int) -> str:
    """The name of a fold's predictions file in ``predictions_dir``."""
    return f"task_{int(task_id)}_fold_{int(fold)}.csv"


def _check_template(estimator) -> None:
    from ..estimator import MetaAutoMLClassifier, MetaAutoMLRegressor

    if estimator is not None and not isinstance(estimator,
                                                (MetaAutoMLClassifier, MetaAutoMLRegressor)):
        raise TypeError("estimator must be a MetaAutoMLClassifier, a MetaAutoMLRegressor or "
                        f"None, got {type(estimator).__name__}")


def _fold_template(estimator, task_type: str):
    """An unfitted copy of ``estimator`` for ``task_type``: a clone when it is of that type,
    else the task type's estimator with its parameters (the defaults for ``None``)."""
    from sklearn.base import clone

    from ..estimator import estimator_class

    target_class = estimator_class(task_type)
    if estimator is None:
        return target_class()
    if isinstance(estimator, target_class):
        return clone(estimator)
    return target_class(**estimator.get_params(deep=False))


def _check_folds_argument(folds) -> None:
    if folds == "all":
        return
    if (isinstance(folds, (bool, np.bool_)) or not isinstance(folds, (int, np.integer))
            or folds < 1):
        raise ValueError(f"folds must be 'all' or a positive integer, got {folds!r}")


def _prepare_predictions_dir(predictions_dir) -> Path | None:
    """Create the directory before any search, so a bad path fails in seconds, not hours."""
    if predictions_dir is None:
        return None
    path = Path(predictions_dir).expanduser()
    if path.exists() and not path.is_dir():
        raise ValueError(f"predictions directory {path} exists and is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"cannot create predictions directory {path}: "
                         f"{exc.strerror or exc}") from None
    if not os.access(path, os.W_OK):
        raise ValueError(f"predictions directory {path} is not writable")
    return path


def _run_fold(task: OpenMLTaskData, fold: int, scorer, predictions_dir: Path | None,
              template) -> FoldResult:
    from sklearn.base import clone

    X_train, X_test, y_train, y_test = task.fold(fold)
    estimator = clone(template)
    if estimator.storage is not None:
        # One study per fold, named after the template's study (or "run"), task and fold.
        estimator.set_params(study_name=fold_study_name(template.study_name, task.task_id, fold))
    start = time.perf_counter()
    estimator.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    prediction = estimator.predict(X_test)
    proba = (estimator.predict_proba(X_test) if task.task_type == "classification" else None)
    score = _test_score(estimator, scorer, X_test, y_test, prediction, proba)
    written = None
    if predictions_dir is not None:
        path = predictions_dir / predictions_filename(task.task_id, fold)
        _write_csv(_predictions_frame(task, fold, y_test, prediction, proba,
                                      getattr(estimator, "classes_", None)), path)
        written = str(path)
    return FoldResult(fold=fold, score=score, n_train=len(y_train), n_test=len(y_test),
                      best_family=str(estimator.best_config_.get("family", "")),
                      cv_score=float(estimator.best_score_), fit_seconds=fit_seconds,
                      predictions=written, refit_fallbacks=len(estimator.refit_fallbacks_))


def _test_score(estimator, scorer, X_test, y_test, prediction, proba) -> float:
    """The score the search's cross-validation computes, on the fold's test rows."""
    from ..evaluation import ScorerMetric, clipped_probabilities

    if isinstance(scorer, ScorerMetric):
        return scorer.score(estimator, X_test, y_test)
    labels = getattr(estimator, "classes_", None)
    y_true = np.asarray(y_test)
    if scorer.needs_proba:
        return scorer(y_true, clipped_probabilities(proba), labels)
    return scorer(y_true, prediction, labels)


def _predictions_frame(task: OpenMLTaskData, fold: int, y_test, prediction, proba, classes):
    """OpenML's run-predictions columns, so the file can go into an OpenML run as it is."""
    import pandas as pd

    _, test = task.splits[fold]
    frame = pd.DataFrame({"repeat": 0, "fold": fold, "row_id": test,
                          "prediction": np.asarray(prediction), "correct": np.asarray(y_test)})
    if proba is not None:
        for column, label in enumerate(classes):
            frame[f"confidence.{label}"] = proba[:, column]
    return frame


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write through a temporary file in the same directory and rename: all or nothing."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        frame.to_csv(temporary, index=False)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
