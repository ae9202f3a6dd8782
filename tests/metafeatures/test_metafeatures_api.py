"""Public behaviour of extract_meta_features: names and order, caps, edge cases, errors, docs."""

from __future__ import annotations

import doctest
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes, load_iris

import metaautoml
import metaautoml.metafeatures
import metaautoml.metafeatures._extract
import metaautoml.metafeatures._registry
from metaautoml.metafeatures import (
    GROUPS,
    META_FEATURES,
    METAFEATURES_VERSION,
    extract_meta_features,
    meta_feature_names,
)
from metaautoml.metafeatures._data import LANDMARK_MAX_ROWS, load
from metaautoml.metafeatures._registry import markdown_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "metafeatures.md"


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True, as_frame=True)


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    # The raw target is integer-valued (a disease score), which infer_task reads as labels;
    # a rescaled copy is unambiguously continuous.
    return X, y / 7.0


# ---------------------------------------------------------------------------- names and registry


def test_exports():
    assert GROUPS == ("general", "statistical", "info_theory", "landmarking", "pca")
    assert isinstance(METAFEATURES_VERSION, str) and METAFEATURES_VERSION
    assert metaautoml.extract_meta_features is extract_meta_features
    assert metaautoml.meta_feature_names is meta_feature_names


def test_name_counts_and_uniqueness():
    clf, reg = meta_feature_names("classification"), meta_feature_names("regression")
    assert len(clf) >= 40 and len(reg) >= 40
    assert len(set(clf)) == len(clf) and len(set(reg)) == len(reg)
    # Every registered feature belongs to some task, and only to the tasks it declares.
    assert set(clf) | set(reg) == set(META_FEATURES)
    for name in clf:
        assert "classification" in META_FEATURES[name].tasks
    assert "n_classes" in clf and "n_classes" not in reg
    assert "target_skewness" in reg and "target_skewness" not in clf


def test_names_follow_group_order_regardless_of_request_order():
    for task in ("classification", "regression"):
        everything = meta_feature_names(task)
        subset = meta_feature_names(task, groups=["pca", "general"])
        assert subset == [n for n in everything if META_FEATURES[n].group in ("general", "pca")]
        assert meta_feature_names(task, groups="pca") == [n for n in everything if META_FEATURES[n].group == "pca"]
        groups_in_order = [META_FEATURES[n].group for n in everything]
        assert groups_in_order == sorted(groups_in_order, key=GROUPS.index)


@pytest.mark.parametrize("groups", [["bogus"], [], "landmark"])
def test_bad_groups(groups):
    with pytest.raises(ValueError, match="group"):
        meta_feature_names("classification", groups=groups)


def test_bad_task():
    with pytest.raises(ValueError, match="task"):
        meta_feature_names("clustering")


def test_every_name_and_group_table_is_in_the_docs():
    text = DOC.read_text(encoding="utf-8")
    for name in META_FEATURES:
        assert f"`{name}`" in text, name
    # The tables are rendered from the registry; a stale doc means a definition changed.
    for group in GROUPS:
        assert markdown_table(group) in text, f"regenerate the {group!r} table in {DOC.name}"
    assert METAFEATURES_VERSION in text


@pytest.mark.parametrize("module", [metaautoml.metafeatures, metaautoml.metafeatures._extract,
                                    metaautoml.metafeatures._registry], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    failures, attempted = doctest.testmod(module)
    assert attempted > 0 and failures == 0


# ------------------------------------------------------------------------------- extraction


def test_series_matches_names_and_is_float(iris, diabetes):
    for (X, y), task in ((iris, "classification"), (diabetes, "regression")):
        result = extract_meta_features(X, y)
        assert result.dtype == np.float64
        assert result.index.tolist() == meta_feature_names(task)
        assert np.isfinite(result.to_numpy()).all(), result[~np.isfinite(result)]


def test_task_inference_and_override(iris, diabetes):
    X, y = diabetes
    assert "target_skewness" in extract_meta_features(X, y, groups="statistical").index
    X, y = iris
    as_regression = extract_meta_features(X, y.astype(float), "regression", groups="general")
    assert as_regression.index.tolist() == meta_feature_names("regression", "general")


def test_group_subset_equals_slice_of_full_result(iris):
    X, y = iris
    full = extract_meta_features(X, y)
    part = extract_meta_features(X, y, groups=["landmarking", "info_theory"])
    pd.testing.assert_series_equal(part, full[part.index])


def test_deterministic_for_fixed_random_state(iris):
    X, y = iris
    first = extract_meta_features(X, y, random_state=3)
    pd.testing.assert_series_equal(first, extract_meta_features(X, y, random_state=3))


def test_general_hand_computed():
    X = pd.DataFrame({
        "a": [1.0, np.nan, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        "b": pd.Series(["u", "v", None, "u", "v", "u", "v", "u"], dtype="string"),
        "c": [True, False, True, False, True, True, False, False],
    })
    y = np.array(["p", "p", "p", "p", "p", "p", "q", "q"])
    result = extract_meta_features(X, y, groups="general")
    assert result["n_rows"] == 8 and result["n_features"] == 3
    assert result["log_features_to_rows"] == pytest.approx(math.log(3 / 8))
    assert result["numeric_share"] == pytest.approx(1 / 3)  # bool counts as categorical
    assert result["categorical_share"] == pytest.approx(2 / 3)
    assert result["missing_cell_share"] == pytest.approx(2 / 24)
    assert result["missing_row_share"] == pytest.approx(2 / 8)
    assert result["n_classes"] == 2
    assert result["class_min_share"] == pytest.approx(0.25)
    assert result["class_max_share"] == pytest.approx(0.75)
    assert result["class_imbalance_ratio"] == pytest.approx(3.0)


def test_regression_target_analogs_hand_computed():
    y = np.array([1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 100.0])
    X = np.column_stack([np.arange(8.0), np.arange(8.0) ** 2])
    result = extract_meta_features(X, y, "regression", groups=["general", "statistical"])
    assert result["target_unique_share"] == pytest.approx(7 / 8)
    q1, q3 = np.quantile(y, [0.25, 0.75])
    assert result["target_outlier_share"] == pytest.approx(np.mean((y < q1 - 1.5 * (q3 - q1)) | (y > q3 + 1.5 * (q3 - q1))))
    assert result["target_abs_cor_max"] == pytest.approx(max(abs(np.corrcoef(X[:, j], y)[0, 1]) for j in range(2)))
    centered = y - y.mean()
    assert result["target_skewness"] == pytest.approx((centered**3).mean() / y.std(ddof=1) ** 3)
    assert result["target_kurtosis"] == pytest.approx((centered**4).mean() / y.std(ddof=1) ** 4 - 3)


def test_information_hand_computed():
    # x0 determines the class (MI = H(y) = 1 bit); x1 is independent of it (MI = 0).
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1] * 4)
    X = pd.DataFrame({"x0": pd.Categorical(np.where(y == 0, "a", "b")),
                      "x1": pd.Categorical(["c", "d"] * 16)})
    result = extract_meta_features(X, y, groups="info_theory")
    assert result["class_entropy"] == pytest.approx(1.0)
    assert result["attr_entropy_mean"] == pytest.approx(1.0)
    assert result["mut_inf_mean"] == pytest.approx(0.5)
    assert result["mut_inf_max"] == pytest.approx(1.0)
    assert result["joint_entropy_mean"] == pytest.approx((1.0 + 2.0) / 2)
    assert result["eq_num_attr"] == pytest.approx(2.0)  # H(y) / mean MI
    assert result["ns_ratio"] == pytest.approx(1.0)  # (1 - 0.5) / 0.5
    # With no informative feature, the ratios are undefined rather than infinite.
    X_noise = X[["x1"]]
    noise = extract_meta_features(X_noise, y, groups="info_theory")
    assert noise["mut_inf_mean"] == pytest.approx(0.0, abs=1e-12)
    assert np.isnan(noise["eq_num_attr"]) and np.isnan(noise["ns_ratio"])


def test_pca_and_correlation_ratio_hand_computed():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 50)
    base = rng.normal(size=100)
    # Two perfectly correlated columns on different scales: one component holds all variance.
    X = np.column_stack([base, 1000.0 * base + 5.0])
    pca = extract_meta_features(X, y, groups="pca")
    assert pca["pca_first_var_share"] == pytest.approx(1.0)
    assert pca["pca_n95_share"] == pytest.approx(0.5)
    scores = (base - base.mean()) / base.std()
    assert pca["pca_first_abs_skewness"] == pytest.approx(abs((scores**3).mean() / scores.std(ddof=1) ** 3))
    # A feature equal to the class has correlation ratio 1.
    stats = extract_meta_features(np.column_stack([y, base]), y, groups="statistical")
    assert stats["class_corr_ratio_max"] == pytest.approx(1.0)
    assert stats["abs_cor_mean"] == pytest.approx(abs(np.corrcoef(y, base)[0, 1]))


def test_scale_and_shift_invariance(iris):
    """Standardized corpus data and raw user data must describe the same dataset identically."""
    X, y = iris
    raw = extract_meta_features(X, y)
    transformed = extract_meta_features(X * [3.0, 0.01, 50.0, 2.0] + [1e3, -7.0, 0.0, 42.0], y)
    pd.testing.assert_series_equal(raw, transformed, rtol=1e-7, atol=1e-9)


# ------------------------------------------------------------------------- bounded cost, caps


def _statistics(X, y, seed, **caps):
    return extract_meta_features(X, y, groups=["statistical", "info_theory"], random_state=seed, **caps)


def test_row_subsampling_kicks_in_above_max_rows():
    rng = np.random.default_rng(1)
    X = rng.exponential(size=(121, 4))
    y = rng.integers(0, 3, 121)
    # At the threshold every row is used: the seed cannot matter for these groups.
    pd.testing.assert_series_equal(_statistics(X[:120], y[:120], 0, max_rows=120),
                                   _statistics(X[:120], y[:120], 1, max_rows=120))
    # One row more and a seed-dependent sample is drawn.
    assert not _statistics(X, y, 0, max_rows=120).equals(_statistics(X, y, 1, max_rows=120))
    # Counts still describe the full data.
    assert extract_meta_features(X, y, groups="general", max_rows=60)["n_rows"] == 121


def test_row_sample_is_stratified_and_keeps_rare_classes():
    y = np.array([0] * 900 + [1] * 95 + [2] * 5)
    X = np.arange(1000.0).reshape(-1, 1)
    data = load(X, y, None, max_rows=100, max_features=None, random_state=0)
    counts = np.bincount(data.y)
    assert data.n_sample == 100
    assert counts.tolist() == [89, 10, 1]  # one row per class first, the rest in proportion
    assert len(np.unique(data.numeric[:, 0])) == 100  # no row drawn twice
    assert data.n_classes == 3


def test_feature_cap():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(80, 12)) * rng.exponential(size=12)
    X[:, :6] **= 3  # so that different subsets have different shape statistics
    y = rng.integers(0, 2, 80)
    pd.testing.assert_series_equal(_statistics(X, y, 0, max_features=12), _statistics(X, y, 5, max_features=12))
    assert not _statistics(X, y, 0, max_features=5).equals(_statistics(X, y, 5, max_features=5))
    data = load(X, y, None, max_rows=None, max_features=5, random_state=0)
    assert data.numeric.shape == (80, 5)
    general = extract_meta_features(X, y, groups="general", max_features=5)
    assert general["n_features"] == 12


def test_landmark_sample_is_capped(monkeypatch):
    seen = []
    import metaautoml.metafeatures._landmarking as landmarking

    original = landmarking.one_nn_predict

    def spy(Z, y, folds):
        seen.append(Z.shape[0])
        return original(Z, y, folds)

    monkeypatch.setattr(landmarking, "one_nn_predict", spy)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(LANDMARK_MAX_ROWS + 500, 3))
    extract_meta_features(X, (X[:, 0] > 0).astype(int), groups="landmarking")
    assert seen == [LANDMARK_MAX_ROWS]


# ------------------------------------------------------------------------------- edge cases


def _assert_contract(result, task, groups=None):
    assert result.index.tolist() == meta_feature_names(task, groups)
    values = result.to_numpy()
    assert result.dtype == np.float64
    assert not np.isinf(values).any()


def test_single_feature():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 1))
    result = extract_meta_features(X, (X[:, 0] + rng.normal(size=60) > 0).astype(int))
    _assert_contract(result, "classification")
    assert np.isnan(result["abs_cor_mean"]) and np.isnan(result["skewness_sd"])
    assert np.isnan(result["attr_entropy_sd"])
    assert result["pca_n95_share"] == 1.0 and result["pca_first_var_share"] == pytest.approx(1.0)
    assert np.isfinite(result[meta_feature_names("classification", "landmarking")]).all()


def test_constant_and_empty_columns():
    rng = np.random.default_rng(5)
    X = pd.DataFrame({"const": 3.0, "all_nan": np.nan, "cat_const": "k", "x": rng.normal(size=40)})
    y = rng.integers(0, 2, 40)
    result = extract_meta_features(X, y)
    _assert_contract(result, "classification")
    # Only "x" is a varying numeric column: its skewness is the only one summarized.
    assert np.isnan(result["skewness_sd"]) and np.isfinite(result["skewness_mean"])
    assert result["missing_cell_share"] == pytest.approx(40 / 160)
    only_constant = extract_meta_features(X[["const", "all_nan", "cat_const"]], y)
    _assert_contract(only_constant, "classification")
    nan_groups = meta_feature_names("classification", ["landmarking", "pca"])
    assert only_constant[nan_groups].isna().all()
    assert np.isnan(only_constant["eq_num_attr"])


def test_high_cardinality_categorical():
    n = 10_000
    rng = np.random.default_rng(6)
    X = pd.DataFrame({"id": pd.Series([f"level{i}" for i in range(n)], dtype="string"),
                      "x": rng.normal(size=n)})
    result = extract_meta_features(X, rng.integers(0, 2, n))
    _assert_contract(result, "classification")
    info = extract_meta_features(X[["id"]], rng.integers(0, 2, n), groups="info_theory")
    assert info["attr_entropy_mean"] == pytest.approx(math.log2(n))


def test_hundred_classes():
    rng = np.random.default_rng(7)
    y = np.repeat(np.arange(100), 6)
    X = rng.normal(size=(600, 5)) + y[:, None] * 0.05
    result = extract_meta_features(X, y)
    _assert_contract(result, "classification")
    assert result["n_classes"] == 100
    assert result["class_entropy"] == pytest.approx(math.log2(100))
    assert np.isfinite(result[meta_feature_names("classification", "landmarking")]).all()


def test_regression_constant_target():
    rng = np.random.default_rng(8)
    result = extract_meta_features(rng.normal(size=(30, 3)), np.full(30, 2.5), "regression")
    _assert_contract(result, "regression")
    for name in ("target_skewness", "target_abs_cor_mean", "lm_1nn_r2", "lm_linear_r2"):
        assert np.isnan(result[name]), name


def test_no_warnings_leak():
    X = pd.DataFrame({"const": 0.0, "nan": np.nan, "x": [0.0, 1e300, -1e300, 1.0] * 5,
                      "mixed": np.array([1, "a", None, 2.5] * 5, dtype=object)})
    y = [0] * 19 + [1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = extract_meta_features(X, y)
    _assert_contract(result, "classification")


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "message"),
    [
        (np.empty((0, 3)), [], {}, "0 rows"),
        (np.empty((5, 0)), [0, 1, 0, 1, 0], {}, "no columns"),
        (np.zeros((5, 2)), [0, 1, 0], {}, "different lengths"),
        (np.zeros((4, 2)), [1, 1, 1, 1], {}, "single class"),
        (np.zeros((4, 2)), [0, 1, np.nan, 1], {}, "missing"),
        (np.zeros((4, 2)), [0, 1, 0, 1], {"task": "ranking"}, "task"),
        (np.zeros((4, 2)), [0, 1, 0, 1], {"groups": ["nope"]}, "group"),
        (np.zeros((4, 2)), [0, 1, 0, 1], {"max_rows": 10}, "max_rows"),
        (np.zeros((4, 2)), [0, 1, 0, 1], {"max_features": 0}, "max_features"),
        (np.zeros((4, 2)), [0, 1, 0, 1], {"random_state": -1}, "random_state"),
    ],
)
def test_bad_input(X, y, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        extract_meta_features(X, y, **kwargs)


def test_a_datetime_column_is_a_numeric_feature():
    X = pd.DataFrame({"when": pd.date_range("2020-01-01", periods=4)})
    features = extract_meta_features(X, [0, 1, 0, 1], random_state=0)
    assert features["numeric_share"] == 1.0
