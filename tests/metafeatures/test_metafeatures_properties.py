"""Property-based tests: messy random frames never break the output contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metaautoml.metafeatures import extract_meta_features, meta_feature_names

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def frames(draw, *, task: str):
    n_rows = draw(st.integers(2, 200))
    n_columns = draw(st.integers(1, 20))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    columns = {}
    for j in range(n_columns):
        kind = draw(st.sampled_from(["normal", "skewed", "integer", "constant", "string", "category", "bool"]))
        if kind == "normal":
            values = pd.Series(rng.normal(size=n_rows) * 10.0 ** draw(st.integers(-6, 6)))
        elif kind == "skewed":
            values = pd.Series(rng.lognormal(sigma=3.0, size=n_rows))
        elif kind == "integer":
            values = pd.Series(rng.integers(-3, 4, size=n_rows))
        elif kind == "constant":
            values = pd.Series(np.full(n_rows, draw(st.floats(-1e6, 1e6))))
        elif kind == "string":
            levels = draw(st.integers(1, n_rows))
            values = pd.Series([f"s{k}" for k in rng.integers(0, levels, n_rows)], dtype="string")
        elif kind == "category":
            values = pd.Series(pd.Categorical(rng.choice(["a", "b", "c"], n_rows)))
        else:
            values = pd.Series(rng.random(n_rows) < 0.5)
        missing = draw(st.sampled_from([0.0, 0.0, 0.2, 0.9, 1.0]))
        if missing and kind not in ("integer", "bool"):
            values = values.mask(rng.random(n_rows) < missing)
        columns[f"c{j}"] = values
    X = pd.DataFrame(columns)
    if task == "classification":
        n_classes = draw(st.integers(2, min(10, n_rows)))
        # Every class appears at least once so that y is a valid classification target.
        y = np.concatenate([np.arange(n_classes), rng.integers(0, n_classes, n_rows - n_classes)])
        y = rng.permutation(y)
    else:
        y = rng.normal(size=n_rows) + 0.5
    return X, y


def _check(result, task):
    assert result.index.tolist() == meta_feature_names(task)
    assert result.dtype == np.float64
    values = result.to_numpy()
    assert np.all(np.isfinite(values) | np.isnan(values))
    # Counts are always defined, even on the most degenerate frame.
    assert result[["n_rows", "n_features", "missing_cell_share"]].notna().all()


@SETTINGS
@given(frames(task="classification"))
def test_random_classification_frames(frame):
    X, y = frame
    _check(extract_meta_features(X, y, "classification"), "classification")


@SETTINGS
@given(frames(task="regression"))
def test_random_regression_frames(frame):
    X, y = frame
    _check(extract_meta_features(X, y, "regression"), "regression")


@settings(max_examples=15, deadline=None)
@given(frames(task="classification"), st.integers(0, 1000))
def test_fixed_seed_is_reproducible(frame, seed):
    X, y = frame
    first = extract_meta_features(X, y, random_state=seed, max_rows=50)
    pd.testing.assert_series_equal(first, extract_meta_features(X, y, random_state=seed, max_rows=50))
