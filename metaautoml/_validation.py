"""Input validation shared by the estimators, the meta-feature extractor and the CLI.

Every check raises ``ValueError`` or ``TypeError`` with a message that names the problem, so a
user never sees a traceback from deep inside scikit-learn for malformed data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

TASKS = ("classification", "regression")


def as_frame(X, *, name: str = "X") -> pd.DataFrame:
    """``X`` as a DataFrame with unique string column names (``x0, x1, ...`` for arrays).

    Numeric arrays keep their dtype; object arrays have columns that parse as numbers converted
    to float and the rest kept as categoricals.

    Raises
    ------
    TypeError
        For sparse matrices, complex numbers or a non-tabular ``X``.
    ValueError
        For empty data, a 1-D array, duplicate column names or infinite values.
    """
    if sp.issparse(X):
        raise TypeError(f"{name} is a sparse matrix; pass a dense array or a DataFrame")
    if isinstance(X, pd.Series):
        raise ValueError(f"{name} must be 2-D (a DataFrame or 2-D array); got a Series. "
                         "Use X.to_frame() for a single feature")
    if isinstance(X, pd.DataFrame):
        frame = X
        if any(not isinstance(c, str) for c in frame.columns):
            frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
        duplicated = frame.columns[frame.columns.duplicated()].unique().tolist()
        if duplicated:
            raise ValueError(f"{name} has duplicate column names: {duplicated}")
    else:
        try:
            array = np.asarray(X)
        except Exception as exc:  # noqa: BLE001 - ragged lists and the like
            raise TypeError(f"{name} is not tabular data: {exc}") from None
        if array.ndim != 2:
            raise ValueError(f"{name} must be 2-D (rows x features); got an array of shape {array.shape}. "
                             "Reshape a single feature with X.reshape(-1, 1)")
        if np.iscomplexobj(array):
            raise ValueError(f"{name} contains complex numbers, which are not supported")
        columns = [f"x{i}" for i in range(array.shape[1])]
        frame = pd.DataFrame(array, columns=columns)
        if array.dtype == object:
            frame = frame.apply(_numeric_if_possible)
    if frame.shape[0] == 0:
        raise ValueError(f"{name} is empty: it has 0 rows")
    if frame.shape[1] == 0:
        raise ValueError(f"{name} has no columns (0 features)")
    for column, dtype in frame.dtypes.items():
        if pd.api.types.is_complex_dtype(dtype):
            raise ValueError(f"{name} column {column!r} contains complex numbers, which are not supported")
    numeric = frame.select_dtypes(include=[np.number])
    if numeric.shape[1]:
        infinite = numeric.columns[np.isinf(numeric.to_numpy(dtype=np.float64, na_value=np.nan)).any(axis=0)]
        if len(infinite):
            raise ValueError(f"{name} contains infinite values in column(s) {list(infinite)[:10]}")
    return frame


def _numeric_if_possible(column: pd.Series) -> pd.Series:
    try:
        return pd.to_numeric(column).astype(np.float64)
    except (ValueError, TypeError):
        return column


def infer_task(y) -> str:
    """``"regression"`` for a float target with non-integer values, else ``"classification"``.

    This is scikit-learn's ``type_of_target`` rule: an integer-valued target is treated as class
    labels. Pass the task explicitly for counts and other integer regression targets.
    """
    values = pd.Series(np.asarray(y).ravel()) if not isinstance(y, pd.Series) else y
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if len(finite) and not np.all(np.mod(finite.to_numpy(), 1) == 0):
            return "regression"
    return "classification"


def check_target(y, task: str, *, n_rows: int | None = None) -> np.ndarray:
    """Validate a 1-D target for ``task`` and return it as an array.

    Raises
    ------
    ValueError
        For an empty, 2-D or length-mismatched target, missing or infinite values, a single
        class, or a non-numeric regression target.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    if sp.issparse(y):
        raise TypeError("y is a sparse matrix; pass a 1-D array")
    array = np.asarray(y)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(f"y must be 1-D; got shape {array.shape} (multi-output targets are not supported)")
    if array.shape[0] == 0:
        raise ValueError("y is empty: it has 0 rows")
    if n_rows is not None and array.shape[0] != n_rows:
        raise ValueError(f"X and y have different lengths: X has {n_rows} rows, y has {array.shape[0]}")
    missing = pd.isna(pd.Series(array, dtype=object if array.dtype == object else None))
    if missing.any():
        raise ValueError(f"y contains {int(missing.sum())} missing value(s) (NaN/None); drop or impute those rows")
    if task == "regression":
        try:
            numeric = array.astype(np.float64)
        except (ValueError, TypeError):
            raise ValueError("the regression target y must be numeric; got non-numeric values "
                             f"such as {array[0]!r}") from None
        if np.iscomplexobj(array):
            raise ValueError("y contains complex numbers, which are not supported")
        if not np.all(np.isfinite(numeric)):
            raise ValueError("y contains infinite values")
        return numeric
    if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        raise ValueError("y contains infinite values")
    if np.iscomplexobj(array):
        raise ValueError("y contains complex numbers, which are not supported")
    if len(np.unique(array.astype(str) if array.dtype == object else array)) < 2:
        raise ValueError("y has a single class; classification needs at least 2 classes")
    return array
