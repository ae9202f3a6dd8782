"""The public entry point: :func:`extract_meta_features`."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from functools import cache

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from ._data import MAX_FEATURES, MAX_ROWS, Dataset, load
from ._groups import compute_general, compute_info_theory, compute_pca, compute_statistical
from ._landmarking import compute_landmarking
from ._registry import check_groups, meta_feature_names

_COMPUTE: dict[str, Callable[[Dataset], dict[str, float]]] = {
    "general": compute_general,
    "statistical": compute_statistical,
    "info_theory": compute_info_theory,
    "landmarking": compute_landmarking,
    "pca": compute_pca,
}


@cache
def _blas_controller() -> ThreadpoolController:
    # Inspecting the loaded libraries takes milliseconds; limiting through a cached controller
    # takes microseconds, which matters when extraction itself takes a few milliseconds.
    return ThreadpoolController()


def extract_meta_features(
    X,
    y,
    task: str | None = None,
    *,
    groups: str | Iterable[str] | None = None,
    random_state: int | None = 0,
    max_rows: int | None = MAX_ROWS,
    max_features: int | None = MAX_FEATURES,
) -> pd.Series:
    """Describe a dataset by a fixed vector of meta-features.

    The values characterize the data a model will be tuned on -- size, feature types, missing
    values, distribution shapes, correlations, information content, the scores of cheap
    learners and the spread of its principal components -- so that datasets can be compared
    and past tuning results transferred. Every definition, and when a value is NaN, is listed
    in ``docs/metafeatures.md``.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_rows, n_features)
        Features. Numeric dtypes are numeric; category, string, object and bool columns are
        categorical. Missing values (NaN, None, ``pd.NA``) are allowed.
    y : array-like of shape (n_rows,)
        Target: class labels or a numeric regression target, without missing values.
    task : {"classification", "regression"}, optional
        Inferred from ``y`` when ``None`` (a float target with non-integer values is a
        regression target; see :func:`metaautoml._validation.infer_task`).
    groups : str or iterable of str, optional
        Subset of :data:`GROUPS` to compute; all when ``None``.
    random_state : int or None, default=0
        Seed of the row and feature subsamples, the cross-validation folds and the trees. A
        fixed seed gives identical results on every call; ``None`` draws a fresh one.
    max_rows : int or None, default=10,000
        Above this many rows, the data-dependent meta-features are computed on a stratified
        (classification) or uniform (regression) sample of ``max_rows`` rows; the landmarkers
        use a further sample of at most 1,000 rows. Counts and class shares always describe the
        full data. ``None`` disables the cap (at least 50 otherwise).
    max_features : int or None, default=100
        Above this many features, a random subset of ``max_features`` of them is used; counts
        and feature-type shares always describe all features. ``None`` disables the cap.

    Returns
    -------
    pandas.Series of float64
        Indexed by :func:`meta_feature_names` ``(task, groups)``, in that order. Values are
        finite, or NaN where a meta-feature is undefined for the dataset.

    Raises
    ------
    ValueError
        For empty or malformed ``X``, a ``y`` of another length or with missing values, a
        single class, an unknown task or group, or invalid caps.
    TypeError
        For sparse or non-tabular ``X`` and unsupported column dtypes (datetimes).

    Notes
    -----
    Numerical warnings (constant columns, tiny classes) are handled by defining the affected
    values as NaN and are not shown. Values depend on :data:`METAFEATURES_VERSION`; store it
    with them.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from metaautoml.metafeatures import extract_meta_features
    >>> X, y = load_iris(return_X_y=True, as_frame=True)
    >>> mf = extract_meta_features(X, y)
    >>> mf[["n_rows", "n_classes", "class_entropy"]].round(3).tolist()
    [150.0, 3.0, 1.585]
    >>> len(mf)
    55
    """
    selected = check_groups(groups)
    # One BLAS thread: the matrices here are at most 10,000 x a few hundred, where threading
    # gains little, while extraction often runs next to parallel trial workers and an
    # oversubscribed OpenBLAS spins its threads, which makes a product 50x slower.
    with (warnings.catch_warnings(), np.errstate(all="ignore"),
          _blas_controller().limit(limits=1, user_api="blas")):
        warnings.simplefilter("ignore")
        data = load(X, y, task, max_rows=max_rows, max_features=max_features, random_state=random_state)
        values: dict[str, float] = {}
        for group in selected:
            values |= _COMPUTE[group](data)
    names = meta_feature_names(data.task, selected)
    if set(values) != set(names):  # pragma: no cover - a registry/implementation mismatch is a bug
        raise RuntimeError(f"meta-feature registry out of sync: {sorted(set(values) ^ set(names))}")
    result = pd.Series([values[name] for name in names], index=pd.Index(names, name="meta_feature"),
                       dtype=np.float64, name="value")
    # Infinities cannot arise by construction; this keeps the "finite or NaN" contract even for
    # an overflow on extreme inputs.
    return result.where(np.isfinite(result))
