"""Input validation shared by the estimators, the meta-feature extractor and the CLI.

Every check raises ``ValueError`` or ``TypeError`` with a message that names the problem, so a
user never sees a traceback from deep inside scikit-learn for malformed data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .task import TASKS as TASKS  # re-exported for code that imports it from here
from .task import Task, check_task


def as_frame(X, *, name: str = "X") -> pd.DataFrame:
    """``X`` as a DataFrame with unique string column names (``x0, x1, ...`` for arrays).

    Numeric arrays keep their dtype; object arrays have columns that parse as numbers converted
    to float and the rest kept as categoricals. Every column then gets a dtype the
    preprocessing handles, with ``NaN`` as its only missing value (see :func:`plain_column`):
    pandas' nullable and pyarrow-backed columns holding ``pd.NA``, text columns of the ``str``
    and ``string`` dtypes, and datetimes, which become numbers.

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
    if any(_needs_conversion(dtype) for dtype in frame.dtypes):
        frame = pd.DataFrame({column: plain_column(frame[column]) for column in frame.columns},
                             index=frame.index)
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


#: Nanoseconds in a day: datetimes become (fractional) days since 1970-01-01.
_NS_PER_DAY = 86_400 * 10**9


def _label_kind(value) -> str:
    if isinstance(value, (str, bytes)):
        return "text"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, float, np.number)):
        return "number"
    return type(value).__name__


def _check_one_label_type(labels: np.ndarray) -> None:
    """Class labels must be of one kind: they are sorted, and 1 < "a" has no answer."""
    examples: dict[str, object] = {}
    for value in labels:
        examples.setdefault(_label_kind(value), value)
        if len(examples) > 1:
            shown = " and ".join(f"{v!r} ({type(v).__name__})" for v in examples.values())
            raise ValueError(f"y mixes labels of different types, such as {shown}; convert them "
                             "to one type first, e.g. y.astype(str)")


def _needs_conversion(dtype) -> bool:
    """Whether a column of this dtype is rewritten by :func:`plain_column`."""
    if isinstance(dtype, pd.CategoricalDtype):
        return False
    if isinstance(dtype, np.dtype):
        # NumPy numbers, bools and objects are handled as they are; objects may hold pd.NA.
        return dtype.kind in "OMm"
    return True  # every extension dtype: nullable, pyarrow, str/string, datetime with a zone


def plain_column(column: pd.Series) -> pd.Series:
    """One column with a NumPy dtype the preprocessing handles and ``NaN`` for missing values.

    * nullable and pyarrow numbers (``Int64``, ``Float64``, ``int64[pyarrow]``, ...) become
      ``float64``, ``pd.NA`` becoming ``NaN``;
    * booleans with missing values become an object column of ``True``/``False``/``NaN``
      (a categorical, as ``bool`` columns are); without missing values, ``bool``;
    * text (``object``, pandas 3's ``str``, ``string``, ``string[pyarrow]``) becomes an object
      column whose missing values are ``NaN``;
    * datetimes (time zone or not, NumPy or pyarrow) become fractional days since 1970-01-01
      and timedeltas fractional days, ``NaT`` becoming ``NaN``: one numeric column per input
      column, so names and meta-features line up; derive calendar features (month, weekday)
      yourself where they matter;
    * categoricals are kept.
    """
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return column
    if pd.api.types.is_datetime64_any_dtype(dtype) or getattr(dtype, "kind", None) == "m":
        return _days(column)
    if pd.api.types.is_bool_dtype(dtype):
        if not column.isna().any():
            return column.astype(bool)
        return pd.Series(column.astype(object).where(column.notna(), np.nan), index=column.index,
                         dtype=object)
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        if isinstance(dtype, np.dtype):
            return column
        return pd.Series(column.to_numpy(dtype=np.float64, na_value=np.nan), index=column.index)
    if isinstance(dtype, np.dtype) and dtype.kind != "O":
        return column
    # Text and anything else (objects, periods, intervals): objects with NaN for missing.
    values = column.astype(object)
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        missing = column.isna()
        return values.where(~missing, np.nan) if missing.any() else values
    return values.where(column.notna(), np.nan).map(lambda v: v if v is np.nan else str(v))


def _days(column: pd.Series) -> pd.Series:
    """Datetimes as days since the epoch, timedeltas as days; ``NaN`` where missing."""
    missing = column.isna().to_numpy()
    if getattr(column.dtype, "kind", None) == "m":  # NumPy or pyarrow durations
        nanoseconds = column.astype("timedelta64[ns]")
    else:
        if getattr(column.dtype, "tz", None) is not None or (
                not isinstance(column.dtype, np.dtype)
                and getattr(getattr(column.dtype, "pyarrow_dtype", None), "tz", None)):
            column = pd.to_datetime(column, utc=True).dt.tz_localize(None)
        nanoseconds = column.astype("datetime64[ns]")
    days = nanoseconds.to_numpy().astype("int64").astype(np.float64) / _NS_PER_DAY
    days[missing] = np.nan
    return pd.Series(days, index=column.index)


def _numeric_if_possible(column: pd.Series) -> pd.Series:
    try:
        return pd.to_numeric(column).astype(np.float64)
    except (ValueError, TypeError):
        return column


def infer_task(y) -> Task:
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
    task = check_task(task)
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
    if array.dtype == object:
        _check_one_label_type(array)
    if np.iscomplexobj(array):
        raise ValueError("y contains complex numbers, which are not supported")
    if len(np.unique(array.astype(str) if array.dtype == object else array)) < 2:
        raise ValueError("y has a single class; classification needs at least 2 classes")
    return array
