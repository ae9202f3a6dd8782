"""Source ``openml``: an OpenML dataset through the ``openml`` client (``locator``: its id), and
manifest entries built from OpenML tasks and suites for online users.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._manifest import CorpusEntry

#: The package this source needs.
PACKAGE = "openml"


def read_entry(entry: CorpusEntry, directory: Path | None = None) -> pd.DataFrame:
    """The raw table of an ``openml`` entry, the target still a column; needs OpenML's server
    or the ``openml`` client's cache."""
    import openml

    try:
        dataset_id = int(entry.locator)
    except ValueError:
        raise ValueError(f"dataset {entry.name!r}: openml locator must be a dataset id, "
                         f"got {entry.locator!r}") from None
    dataset = openml.datasets.get_dataset(dataset_id, download_data=True, download_qualities=False,
                                          download_features_meta_data=False)
    # get_data already leaves out OpenML's row-id and ignore attributes.
    X, y, _, _ = dataset.get_data(target=entry.target, dataset_format="dataframe")
    frame = X.copy()
    frame[entry.target] = np.asarray(y) if y is not None else np.nan
    return frame


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-.") or "dataset"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _openml_entry(task: Any, existing: Sequence[CorpusEntry]) -> CorpusEntry:
    import openml

    task_type = task.task_type_id
    if task_type == openml.tasks.TaskType.SUPERVISED_CLASSIFICATION:
        kind = "classification"
    elif task_type == openml.tasks.TaskType.SUPERVISED_REGRESSION:
        kind = "regression"
    else:
        raise ValueError(f"OpenML task {task.task_id} is a {task_type} task; only supervised "
                         "classification and regression tasks can join the corpus")
    dataset = openml.datasets.get_dataset(task.dataset_id, download_data=False, download_qualities=True,
                                          download_features_meta_data=True)
    target = task.target_name
    qualities = dataset.qualities or {}
    excluded = {target, *_as_list(dataset.row_id_attribute), *_as_list(dataset.ignore_attribute)}
    features = getattr(dataset, "features", None) or {}
    n_features: int | None = sum(1 for f in features.values() if f.name not in excluded) if features else None
    n_rows = qualities.get("NumberOfInstances")
    n_classes: int | None = None
    if kind == "classification":
        labels = getattr(task, "class_labels", None)
        n_classes = len(labels) if labels else qualities.get("NumberOfClasses")
        n_classes = int(n_classes) if n_classes is not None and not pd.isna(n_classes) else None
    # A dataset already in the corpus under another source keeps that group, so benchmarks hold
    # both copies out together.
    group = next((e.group for e in existing if e.openml_id == int(dataset.dataset_id)), "")
    return CorpusEntry(
        name=f"openml-{int(dataset.dataset_id)}-{_slug(dataset.name)}",
        source="openml",
        locator=str(int(dataset.dataset_id)),
        task=kind,
        target=target,
        # OpenML's loader already leaves out row-id and ignore attributes.
        drop=(),
        licence=dataset.licence or "",
        citation=dataset.citation or "",
        openml_id=int(dataset.dataset_id),
        n_rows=int(n_rows) if n_rows is not None and not pd.isna(n_rows) else None,
        n_features=n_features,
        n_classes=n_classes,
        group=group,
    )


def entries_from_openml_task(task_id: int, *, existing: Sequence[CorpusEntry] = ()) -> list[CorpusEntry]:
    """Manifest entries (one) for an OpenML supervised task; needs OpenML's server.

    Parameters
    ----------
    task_id : int
        An OpenML supervised classification or regression task.
    existing : sequence of CorpusEntry, optional
        Entries already in the corpus; one with the same ``openml_id`` lends its ``group``.

    Returns
    -------
    list of CorpusEntry
        The task's dataset, named ``openml-<id>-<name>``, with shape fields from OpenML's
        metadata (``n_rows`` counts rows before those with a missing target are removed).

    Raises
    ------
    ValueError
        If the task is not supervised classification or regression.
    """
    import openml

    task = openml.tasks.get_task(int(task_id), download_splits=False, download_data=False,
                                 download_qualities=False, download_features_meta_data=False)
    return [_openml_entry(task, existing)]


def entries_from_openml_suite(suite_id: int | str, *, existing: Sequence[CorpusEntry] = ()) -> list[CorpusEntry]:
    """Manifest entries for every supervised task of an OpenML benchmark suite (e.g. 99, CC18).

    Tasks of other types are skipped with a warning; a dataset used by several tasks appears
    once. Needs OpenML's server.

    Parameters
    ----------
    suite_id : int or str
        The suite's id or alias.
    existing : sequence of CorpusEntry, optional
        As for :func:`entries_from_openml_task`.

    Returns
    -------
    list of CorpusEntry
    """
    import openml

    suite = openml.study.get_suite(suite_id)
    entries: list[CorpusEntry] = []
    seen: set[int] = set()
    for task_id in suite.tasks or []:
        task = openml.tasks.get_task(int(task_id), download_splits=False, download_data=False,
                                     download_qualities=False, download_features_meta_data=False)
        if int(task.dataset_id) in seen:
            continue
        try:
            entry = _openml_entry(task, existing)
        except ValueError as exc:
            warnings.warn(f"skipping OpenML task {task_id} of suite {suite_id}: {exc}", UserWarning, stacklevel=2)
            continue
        seen.add(int(task.dataset_id))
        entries.append(entry)
    return entries
