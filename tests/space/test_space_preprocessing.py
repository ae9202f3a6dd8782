"""The categorical recipes' string conversion: fast, and the same strings as pandas' own."""

import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from metaautoml.space import ColumnTypes
from metaautoml.space import _preprocessing as preprocessing
from metaautoml.space._preprocessing import _categories_as_strings, make_preprocessor


def _pandas_reference(X) -> np.ndarray:
    # What the conversion did before it was rewritten on NumPy arrays.
    frame = pd.DataFrame(X).astype(object)
    return frame.where(frame.isna(), frame.astype(str)).to_numpy()


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and all(
        (pd.isna(x) and pd.isna(y)) or x == y for x, y in zip(a.ravel(), b.ravel(), strict=True))


_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 5),
                    st.floats(-10, 10, width=32), st.just(float("nan")), st.text(max_size=3))


@st.composite
def _columns(draw):
    n = draw(st.integers(1, 12))
    kind = draw(st.sampled_from(["object", "categorical", "str", "bool"]))
    if kind == "bool":
        return pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    if kind == "str":
        texts = draw(st.lists(st.one_of(st.none(), st.text(max_size=3)), min_size=n, max_size=n))
        return pd.Series(texts, dtype="str")
    values = draw(st.lists(_values, min_size=n, max_size=n))
    if kind == "categorical":
        # Categories of one type, as pandas builds them from real columns.
        numbers = [v if isinstance(v, float) else None for v in values]
        return pd.Series(pd.Categorical(numbers if draw(st.booleans()) else
                                        [None if v is None else str(v) for v in values]))
    return pd.Series(values, dtype=object)


@settings(max_examples=150, deadline=None)
@given(st.lists(_columns(), min_size=1, max_size=4))
@example([pd.Series(["\x00", "", "a\x00"], dtype=object)])  # NumPy's str arrays drop NULs
def test_strings_match_pandas_conversion(columns):
    n = min(len(c) for c in columns)
    X = pd.DataFrame({f"c{i}": c.iloc[:n].reset_index(drop=True) for i, c in enumerate(columns)})
    out = _categories_as_strings(X)
    assert out.dtype == object
    assert _same(out, _pandas_reference(X))
    missing = pd.isna(out)
    assert all(isinstance(v, str) for v in out[~missing])
    assert all(isinstance(v, float) and np.isnan(v) for v in out[missing])


def test_recipes_encode_categoricals_as_before(monkeypatch):
    X = pd.DataFrame({"size": pd.Categorical(["s", "m", None, "l", "m", "s"]),
                      "code": pd.Series([1, "a", np.nan, 2.5, "a", 1], dtype=object),
                      "flag": [True, False, True, True, False, True],
                      "x": [0.1, 0.2, np.nan, 0.4, 0.5, 0.6]})
    columns = ColumnTypes.infer(X)
    new = {recipe: make_preprocessor(recipe, columns).fit_transform(X)
           for recipe in ("native", "ordinal", "scaled")}
    monkeypatch.setattr(preprocessing, "_categories_as_strings", _pandas_reference)
    for recipe, encoded in new.items():
        before = make_preprocessor(recipe, columns).fit_transform(X)
        np.testing.assert_array_equal(encoded, before, err_msg=recipe)
    # Sorted strings: "1" < "2.5" < "a"; the missing value stays missing for HGB.
    np.testing.assert_array_equal(new["native"][:, 2], [0, 2, np.nan, 1, 2, 0])
