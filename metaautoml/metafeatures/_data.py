"""Input handling for meta-feature extraction: validation, bounded subsampling and encodings.

The groups never see the user's DataFrame. They work on a :class:`Dataset`: the full target
(for the exact counts), a row/feature sample with numeric columns as a float matrix (NaN for
missing) and categorical columns as integer codes (-1 for missing), and derived matrices that
several groups share, computed once on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .._validation import as_frame, check_target, infer_task
from ..space import ColumnTypes
from ..task import check_task
from ._stats import non_constant

#: Default cap on the rows used by every data-dependent meta-feature (stratified sample above).
MAX_ROWS = 10_000
#: Default cap on the features; a random subset of this size is used above it.
MAX_FEATURES = 100
#: Further cap on the rows the landmarkers use: 1-NN holds an n x n distance matrix and ten tree
#: fits dominate the cost on large data, while 1,000 rows pin an accuracy down to about +-1.5 %.
LANDMARK_MAX_ROWS = 1_000
#: One-hot width per categorical column in the design matrix (most frequent levels).
ONEHOT_LEVELS = 8
#: Smaller row caps would turn every sample statistic into noise; treat them as a mistake.
_MIN_MAX_ROWS = 50


def stratified_sample(codes: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of a stratified sample of ``size`` rows (all rows if there are fewer).

    Every class present keeps at least one row when ``size`` allows it; the remaining budget is
    shared in proportion to the other rows of each class, rounded by largest remainders.
    """
    n = codes.shape[0]
    if size >= n:
        return np.arange(n)
    counts = np.bincount(codes)
    present = counts > 0
    floor = present.astype(np.int64) if present.sum() <= size else np.zeros_like(counts)
    budget = size - floor.sum()
    spare = counts - floor
    quota = spare * (budget / spare.sum())
    take = floor + np.floor(quota).astype(np.int64)
    shortfall = size - take.sum()
    if shortfall > 0:
        # Stable sort: equal remainders go to the lower class code, so the result is deterministic.
        order = np.argsort(-(quota - np.floor(quota)), kind="stable")
        take[order[:shortfall]] += 1
    # A random order within each class: shuffle, then stable-sort by class.
    shuffled = rng.permutation(n)
    grouped = shuffled[np.argsort(codes[shuffled], kind="stable")]
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.arange(n) - starts[codes[grouped]]
    return np.sort(grouped[rank < take[codes[grouped]]])


def _factorize(values) -> np.ndarray:
    """Integer codes (-1 for missing) of a column or target, in sorted order of the values."""
    try:
        codes, _ = pd.factorize(values, sort=True, use_na_sentinel=True)
    except TypeError:  # mixed types, e.g. ints and strings in an object column
        series = pd.Series(values, dtype=object)
        codes, _ = pd.factorize(series.where(series.isna(), series.astype(str)), sort=True, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)


@dataclass
class Dataset:
    """A validated, subsampled dataset; see the module docstring.

    Attributes
    ----------
    task : {"classification", "regression"}
        The validated (or inferred) task.
    n_rows, n_features : int
        Shape of the full data.
    n_numeric, n_categorical : int
        Feature types of the full data.
    y_full : ndarray
        Class codes ``0..n_classes-1`` (classification) or float target (regression), all rows.
    numeric : ndarray of shape (n_sample, n_numeric_sampled)
        Sampled numeric features, NaN for missing.
    categorical : ndarray of shape (n_sample, n_categorical_sampled)
        Sampled categorical features as codes, -1 for missing.
    y : ndarray of shape (n_sample,)
        Target of the sampled rows.
    landmark_seed : int
        Seed of the landmarkers' own sample, folds and trees.
    """

    task: str
    n_rows: int
    n_features: int
    n_numeric: int
    n_categorical: int
    y_full: np.ndarray
    numeric: np.ndarray
    categorical: np.ndarray
    y: np.ndarray
    landmark_seed: int

    @property
    def n_sample(self) -> int:
        return self.y.shape[0]

    @property
    def n_classes(self) -> int:
        return int(self.y_full.max()) + 1 if self.task == "classification" else 0

    @cached_property
    def numeric_sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """Numeric columns sorted ascending (NaN last) and their non-missing counts."""
        return np.sort(self.numeric, axis=0), (~np.isnan(self.numeric)).sum(axis=0)

    @cached_property
    def numeric_varying(self) -> np.ndarray:
        """Mask of the numeric columns that are not constant in the sample."""
        return non_constant(self.numeric)

    @cached_property
    def design(self) -> np.ndarray:
        """Numeric design matrix for the landmarkers and PCA, without constant columns.

        Numeric features standardized (mean and sd of the non-missing values) with missing values
        at the mean, i.e. 0; each categorical feature one-hot encoded on its
        :data:`ONEHOT_LEVELS` most frequent levels (rarer and missing levels are all zeros), which
        bounds the width for 10,000-level columns.
        """
        numeric = self.numeric[:, self.numeric_varying]
        with np.errstate(all="ignore"):
            mean = np.nanmean(numeric, axis=0)
            sd = np.nanstd(numeric, axis=0)
        blocks = [np.nan_to_num((numeric - mean) / sd, nan=0.0)]
        for codes in self.categorical.T:
            counts = np.bincount(codes[codes >= 0], minlength=1)
            top = np.argsort(-counts, kind="stable")[:ONEHOT_LEVELS]
            top = top[counts[top] > 0]
            blocks.append((codes[:, None] == top[None, :]).astype(np.float64))
        design = np.hstack(blocks) if blocks else np.empty((self.n_sample, 0))
        # Indicator columns of a level present in every (or no) row carry nothing.
        return design[:, design.max(axis=0) > design.min(axis=0)]


def _check_optional_int(name: str, value, minimum: int) -> None:
    # bool is an int subclass, but max_rows=True is surely a mistake.
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum} or None, got {value!r}")


def load(X, y, task: str | None, *, max_rows: int | None, max_features: int | None,
         random_state: int | None) -> Dataset:
    """Validate the inputs, sample rows and features, and encode them into a :class:`Dataset`."""
    _check_optional_int("max_rows", max_rows, _MIN_MAX_ROWS)
    _check_optional_int("max_features", max_features, 1)
    _check_optional_int("random_state", random_state, 0)

    if isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind in "fiu":
        # Wrap a real-valued array without the copy pandas makes by default (60 ms for
        # 100,000 x 100); nothing below writes to the frame.
        X = pd.DataFrame(X, copy=False)
    frame = as_frame(X)
    task = infer_task(y) if task is None else check_task(task)
    target = check_target(y, task, n_rows=frame.shape[0])
    types = ColumnTypes.infer(frame)
    n_rows, n_features = frame.shape
    # Independent streams, so that e.g. the feature subset does not depend on whether rows were
    # subsampled.
    row_seed, column_seed, landmark_seed = np.random.SeedSequence(random_state).spawn(3)

    if task == "classification":
        y_full = _factorize(target)
        if max_rows is not None and n_rows > max_rows:
            rows = stratified_sample(y_full, max_rows, np.random.default_rng(row_seed))
        else:
            rows = np.arange(n_rows)
    else:
        y_full = target.astype(np.float64)
        if max_rows is not None and n_rows > max_rows:
            rows = np.sort(np.random.default_rng(row_seed).choice(n_rows, max_rows, replace=False))
        else:
            rows = np.arange(n_rows)

    if max_features is not None and n_features > max_features:
        keep = np.sort(np.random.default_rng(column_seed).choice(n_features, max_features, replace=False))
        columns = set(frame.columns[keep])
    else:
        columns = set(frame.columns)
    numeric_columns = [c for c in types.numeric if c in columns]
    categorical_columns = [c for c in types.categorical if c in columns]

    sample = frame.iloc[rows] if rows.shape[0] < n_rows else frame
    if numeric_columns:
        numeric = sample[numeric_columns].to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        numeric = np.empty((rows.shape[0], 0))
    if categorical_columns:
        categorical = np.column_stack([_factorize(sample[c].to_numpy()) for c in categorical_columns])
    else:
        categorical = np.empty((rows.shape[0], 0), dtype=np.int64)

    return Dataset(
        task=task,
        n_rows=n_rows,
        n_features=n_features,
        n_numeric=len(types.numeric),
        n_categorical=len(types.categorical),
        y_full=y_full,
        numeric=numeric,
        categorical=categorical,
        y=y_full[rows],
        landmark_seed=int(np.random.default_rng(landmark_seed).integers(2**31 - 1)),
    )
