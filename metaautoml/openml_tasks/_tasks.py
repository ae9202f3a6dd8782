"""Loading an OpenML task -- data, target, splits, evaluation measure -- through openml-python."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..evaluation import resolve_metric
from ..task import TASKS
from ._cache import (
    SUPPORTED_TASK_TYPES,
    OpenMLUnavailableError,
    UnsupportedTaskError,
    cached_task_files,
    client_mirror,
    openml_cache,
    resolve_cache_dir,
    server_unreachable_reason,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: OpenML evaluation measures with a metaautoml metric of the same definition, by task type.
#: metaautoml's metrics are "greater is better", so OpenML's errors map to negated ones.
EVALUATION_MEASURES: dict[str, dict[str, str]] = {
    "classification": {
        "predictive_accuracy": "accuracy",
        "area_under_roc_curve": "roc_auc",
    },
    "regression": {
        "root_mean_squared_error": "neg_root_mean_squared_error",
        "mean_absolute_error": "neg_mean_absolute_error",
    },
}


def metric_for_measure(measure: str | None, task_type: str) -> str:
    """The metaautoml metric for an OpenML evaluation measure.

    Parameters
    ----------
    measure : str or None
        The task's evaluation measure, as OpenML names it (``"predictive_accuracy"``); ``None``
        for a task that names none.
    task_type : {"classification", "regression"}

    Returns
    -------
    str
        The metric of the same definition, or the task type's default metric (accuracy, r2)
        when metaautoml has none.

    Examples
    --------
    >>> from metaautoml.openml_tasks import metric_for_measure
    >>> metric_for_measure("area_under_roc_curve", "classification")
    'roc_auc'
    >>> metric_for_measure("mean_absolute_error", "regression")
    'neg_mean_absolute_error'
    >>> metric_for_measure("kappa", "classification")
    'accuracy'
    """
    if task_type not in TASKS:
        raise ValueError(f"task_type must be {' or '.join(map(repr, TASKS))}, got {task_type!r}")
    known = EVALUATION_MEASURES[task_type].get(measure or "")
    return known if known is not None else resolve_metric(None, task_type).name


@dataclass(frozen=True, eq=False)
class OpenMLTaskData:
    """An OpenML supervised task as metaautoml runs it.

    Attributes
    ----------
    task_id, dataset_id : int
    dataset_name : str
    task_type : {"classification", "regression"}
    target : str
        The target column.
    X : DataFrame of shape (n_rows, n_features)
        The dataset's features, without OpenML's row-id and ignored columns, in OpenML's row
        order (the row ids of the splits are positions in it).
    y : Series of shape (n_rows,)
    splits : tuple of (ndarray, ndarray)
        The train and test row positions of each fold of the task's first repeat.
    evaluation_measure : str or None
        The task's evaluation measure as OpenML names it.
    metric : str
        The metaautoml metric for it; see :func:`metric_for_measure`.
    """

    task_id: int
    dataset_id: int
    dataset_name: str
    task_type: str
    target: str
    X: pd.DataFrame
    y: pd.Series
    splits: tuple[tuple[np.ndarray, np.ndarray], ...]
    evaluation_measure: str | None
    metric: str

    @property
    def n_folds(self) -> int:
        """Folds in the task's first repeat."""
        return len(self.splits)

    def fold(self, fold: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
        """``X_train, X_test, y_train, y_test`` of fold ``fold`` (0-based).

        Raises
        ------
        ValueError
            If the task has no such fold.
        """
        if not 0 <= fold < self.n_folds:
            raise ValueError(f"OpenML task {self.task_id} has folds 0 to {self.n_folds - 1}, "
                             f"not {fold}")
        train, test = self.splits[fold]
        return self.X.iloc[train], self.X.iloc[test], self.y.iloc[train], self.y.iloc[test]


def load_task(task_id: int, *, cache_dir: str | os.PathLike | None = None) -> OpenMLTaskData:
    """Load an OpenML supervised classification or regression task through openml-python.

    Reads the task from the OpenML cache when every file it needs is there, and makes no network
    request then. Otherwise it downloads the missing files into the cache, failing at once
    when OpenML's server cannot be reached.

    Only the files OpenML's server serves are read from the cache (XML, ARFF, Parquet); the
    pickles openml-python keeps next to them are never loaded, and none is written into the
    cache: the client runs on a private temporary mirror of the cache (see
    :func:`~metaautoml.openml_tasks._cache.client_mirror`).

    Parameters
    ----------
    task_id : int
        The OpenML task id.
    cache_dir : path-like, optional
        The root of the OpenML cache (it holds ``org/openml/www/tasks`` and ``.../datasets``);
        by default ``$OPENML_CACHE_DIR``, else openml-python's configured cache.

    Returns
    -------
    OpenMLTaskData

    Raises
    ------
    OpenMLUnavailableError
        If the task is not (fully) cached and the server cannot be reached or the download fails.
    UnsupportedTaskError
        For a task that is not supervised classification or regression (a ``ValueError``).
    ValueError
        For an invalid id, a task OpenML does not have, or a malformed cache file.

    Examples
    --------
    >>> from metaautoml.openml_tasks import load_task
    >>> task = load_task(59, cache_dir="~/openml-cache")  # doctest: +SKIP
    >>> task.task_type, task.metric, task.n_folds  # doctest: +SKIP
    ('classification', 'accuracy', 10)
    >>> X_train, X_test, y_train, y_test = task.fold(0)  # doctest: +SKIP
    """
    task_id = check_openml_id(task_id, "task_id")
    with openml_cache(cache_dir) as server_dir:
        files = cached_task_files(server_dir, task_id)
        if files.missing:
            note = None
            if files.unread_pickles:
                note = (f"metaautoml does not load the client's pickle "
                        f"{', '.join(files.unread_pickles)} in its place")
            _require_server(f"OpenML task {task_id}", cache_dir, files.missing, note=note)
        if files.dataset_id is None:
            # Without task.xml the dataset is unknown, so the mirror could not show its cached
            # files and the client would download them again: fetch the task's description first.
            with client_mirror(server_dir) as mirror:
                mirror.show("tasks", task_id)
                _fetch(task_id, download_features=False, description_only=True)
            files = cached_task_files(server_dir, task_id)
        with client_mirror(server_dir, skip_parquet=files.skip_parquet) as mirror:
            mirror.show("tasks", task_id)
            if files.dataset_id is not None:
                mirror.show("datasets", files.dataset_id)
            task, dataset = _fetch(task_id, download_features=files.task_type != "regression")
            X, y, _, _ = dataset.get_data(target=task.target_name, dataset_format="dataframe")
            splits = _first_repeat_splits(task)
    task_type = SUPPORTED_TASK_TYPES[task.task_type_id.value]
    splits = _checked_splits(task_id, splits, y)
    measure = _measure_name(task.evaluation_measure)
    metric = metric_for_measure(measure, task_type)
    if measure is not None and measure not in EVALUATION_MEASURES[task_type]:
        warnings.warn(f"OpenML task {task_id} is evaluated by {measure}, which metaautoml has no "
                      f"metric for; scoring it by {metric}", UserWarning, stacklevel=2)
    return OpenMLTaskData(task_id=task_id, dataset_id=int(dataset.dataset_id),
                          dataset_name=str(dataset.name), task_type=task_type,
                          target=str(task.target_name), X=X, y=y, splits=splits,
                          evaluation_measure=measure, metric=metric)


def check_openml_id(value, name: str) -> int:
    """``value`` as a positive integer id, or a ``ValueError`` that names ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, str)):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a positive integer, got {value!r}") from None
    if number < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return number


def _require_server(what: str, cache_dir, missing: tuple[str, ...], *,
                    note: str | None = None) -> None:
    """Fail with one line, fast, when the missing files cannot be downloaded."""
    reason = server_unreachable_reason()
    if reason is None:
        return
    more = f" and {len(missing) - 1} more file(s)" if len(missing) > 1 else ""
    note = f"; {note}" if note else ""
    raise OpenMLUnavailableError(
        f"{what} is not in the OpenML cache {resolve_cache_dir(cache_dir)} (missing "
        f"{missing[0]}{more}{note}) and OpenML's server {reason}; fill the cache on a machine with "
        "network access or point the cache directory (--cache-dir, $OPENML_CACHE_DIR) at one "
        "that holds it")


def _fetch(task_id: int, *, download_features: bool, description_only: bool = False):
    """The client's task and dataset objects, with its errors turned into ours.

    ``description_only`` fetches the task's and its dataset's descriptions (and, for a
    classification task, the dataset's features, where the client reads the class labels)
    without splits or data, and returns the task alone.
    """
    import openml
    import requests

    try:
        task = openml.tasks.get_task(task_id, download_splits=not description_only,
                                     download_data=not description_only,
                                     download_qualities=False,
                                     download_features_meta_data=download_features)
        if task.task_type_id.value not in SUPPORTED_TASK_TYPES:
            raise UnsupportedTaskError(f"OpenML task {task_id} is a {task.task_type} task; "
                                       "metaautoml runs supervised classification and "
                                       "regression tasks only")
        if description_only:
            return task, None
        dataset = openml.datasets.get_dataset(task.dataset_id, download_data=True,
                                              download_qualities=False,
                                              download_features_meta_data=False)
    except NotImplementedError as exc:  # the client's answer to task types it cannot parse
        raise UnsupportedTaskError(f"OpenML task {task_id}: {exc}") from exc
    except openml.exceptions.OpenMLServerException as exc:
        raise ValueError(f"OpenML's server cannot give task {task_id}: {exc}") from exc
    except (requests.exceptions.RequestException, openml.exceptions.PyOpenMLError) as exc:
        raise OpenMLUnavailableError(f"could not download OpenML task {task_id}: {exc}") from exc
    return task, dataset


def _first_repeat_splits(task) -> list[tuple[np.ndarray, np.ndarray]]:
    _, n_folds, _ = task.get_split_dimensions()
    return [tuple(np.asarray(i, dtype=np.intp) for i in task.get_train_test_split_indices(
        fold=fold, repeat=0, sample=0)) for fold in range(n_folds)]


def _checked_splits(task_id: int, splits, y: pd.Series) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """The splits with rows of missing target left out: they can be neither learned nor scored."""
    n_rows = len(y)
    known = ~y.isna().to_numpy()
    checked = []
    for fold, (train, test) in enumerate(splits):
        for part in (train, test):
            if part.size and (part.min() < 0 or part.max() >= n_rows):
                raise ValueError(f"the splits of OpenML task {task_id} name row {part.max()} but "
                                 f"its dataset has {n_rows} rows; the cached files do not match")
        train, test = train[known[train]], test[known[test]]
        if train.size == 0 or test.size == 0:
            raise ValueError(f"fold {fold} of OpenML task {task_id} has no labelled "
                             f"{'training' if train.size == 0 else 'test'} rows")
        checked.append((train, test))
    return tuple(checked)


def _measure_name(measure) -> str | None:
    """The client gives a string, a list of them (several measures) or None."""
    if isinstance(measure, (list, tuple)):
        measure = measure[0] if measure else None
    return str(measure) if measure else None
