"""``as_frame`` gives every pandas column a dtype the preprocessing handles, NaN for missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metaautoml._validation import as_frame, plain_column
from metaautoml.space import ColumnTypes

DTYPES = ["Int64", "Float64", "boolean", "string", "string[pyarrow]", "str", "object",
          "category", "int64[pyarrow]", "double[pyarrow]", "bool[pyarrow]", "datetime",
          "datetime_tz", "timedelta", "timestamp[pyarrow]"]


def _column(kind: str, values: list[int], missing: list[bool]) -> pd.Series:
    base = pd.Series(values, dtype="int64")
    if kind in ("Int64", "int64[pyarrow]"):
        column = base.astype(kind)
    elif kind in ("Float64", "double[pyarrow]"):
        column = (base / 3).astype(kind)
    elif kind in ("boolean", "bool[pyarrow]"):
        column = (base % 2 == 0).astype(kind)
    elif kind in ("string", "string[pyarrow]", "str", "object", "category"):
        column = base.map(lambda v: f"v{v % 4}").astype(kind)
    elif kind.startswith("datetime") or kind == "timestamp[pyarrow]":
        column = pd.Series(pd.Timestamp("2020-01-01") + pd.to_timedelta(base, unit="D"))
        if kind == "datetime_tz":
            column = column.dt.tz_localize("Europe/Berlin")
        elif kind == "timestamp[pyarrow]":
            column = column.astype("timestamp[ns][pyarrow]")
    else:
        column = pd.Series(pd.to_timedelta(base, unit="h"))
    return column.mask(pd.Series(missing))


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(DTYPES),
       rows=st.lists(st.tuples(st.integers(-1000, 1000), st.booleans()), min_size=1, max_size=30))
def test_every_column_becomes_numpy_typed_with_nan_for_missing(kind, rows):
    values, missing = [v for v, _ in rows], [m for _, m in rows]
    column = _column(kind, values, missing)
    plain = plain_column(column)
    assert isinstance(plain.dtype, (np.dtype, pd.CategoricalDtype))
    assert plain.isna().tolist() == column.isna().tolist()
    assert not any(v is pd.NA for v in plain.astype(object))
    frame = as_frame(pd.DataFrame({"c": column}))
    ColumnTypes.infer(frame)  # no dtype left that the preprocessing rejects


def test_datetimes_and_durations_become_days():
    frame = as_frame(pd.DataFrame({
        "day": pd.to_datetime(["1970-01-02 00:00", None, "1970-01-01 12:00"]),
        "utc": pd.to_datetime(["1970-01-02", None, "1970-01-03"]).tz_localize("UTC"),
        "span": pd.to_timedelta(["1 days", None, "6h"]),
    }))
    np.testing.assert_allclose(frame["day"], [1.0, np.nan, 0.5])
    np.testing.assert_allclose(frame["utc"], [1.0, np.nan, 2.0])
    np.testing.assert_allclose(frame["span"], [1.0, np.nan, 0.25])


@pytest.mark.parametrize("dtype", ["Int64", "Float64"])
def test_nullable_numbers_become_float(dtype):
    column = plain_column(pd.Series([1, None, 3], dtype=dtype))
    assert column.dtype == np.float64
    assert np.isnan(column[1])


def test_numpy_columns_are_left_alone():
    frame = pd.DataFrame({"i": [1, 2], "f": [0.5, np.nan], "b": [True, False]})
    assert as_frame(frame) is frame
