"""The vectorized building blocks against their straightforward reference implementations."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import LinearRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from metaautoml.metafeatures._data import stratified_sample
from metaautoml.metafeatures._landmarking import (
    N_FOLDS,
    TREE_DEPTH,
    assign_folds,
    lda_predict,
    linear_predict,
    naive_bayes_predict,
    one_nn_predict,
    tree_predict,
)
from metaautoml.metafeatures._stats import (
    cube_root_bins,
    equal_frequency_codes,
    shape_moments,
    sorted_quantiles,
    summarize,
    tukey_outlier_share,
)


@pytest.fixture(scope="module")
def with_missing():
    rng = np.random.default_rng(0)
    X = rng.gamma(2.0, size=(97, 6)) ** np.arange(1, 7)
    X[rng.random(X.shape) < 0.15] = np.nan
    X[:, 5] = 4.0  # constant
    return X


def test_sorted_quantiles_match_numpy(with_missing):
    X = with_missing
    q = np.array([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0])
    ours = sorted_quantiles(np.sort(X, axis=0), (~np.isnan(X)).sum(axis=0), q)
    np.testing.assert_array_equal(ours, np.nanquantile(X, q, axis=0))


def test_shape_moments_match_scipy(with_missing):
    sd, skew, kurt = shape_moments(with_missing)
    for j in range(5):
        x = with_missing[~np.isnan(with_missing[:, j]), j]
        n = x.size
        assert sd[j] == pytest.approx(x.std(ddof=1))
        # Type 3 = scipy's biased estimate rescaled to the sample sd.
        assert skew[j] == pytest.approx(scipy.stats.skew(x) * ((n - 1) / n) ** 1.5)
        assert kurt[j] == pytest.approx((scipy.stats.kurtosis(x) + 3) * (1 - 1 / n) ** 2 - 3)
    assert np.isnan([sd[5], skew[5], kurt[5]]).all()


def test_outlier_share_matches_definition(with_missing):
    X = with_missing
    ours = tukey_outlier_share(np.sort(X, axis=0), (~np.isnan(X)).sum(axis=0), X)
    for j in range(X.shape[1]):
        x = X[~np.isnan(X[:, j]), j]
        q1, q3 = np.quantile(x, [0.25, 0.75])
        assert ours[j] == pytest.approx(np.mean((x < q1 - 1.5 * (q3 - q1)) | (x > q3 + 1.5 * (q3 - q1))))


def test_summarize():
    assert summarize(np.array([1.0, np.nan, 3.0])) == (2.0, pytest.approx(np.sqrt(2.0)), 1.0, 3.0)
    single = summarize(np.array([5.0]))
    assert single[0] == 5.0 and np.isnan(single[1])
    assert np.isnan(summarize(np.array([np.nan]))).all()


@pytest.mark.parametrize("n", [1, 7, 8, 26, 27, 124, 125, 150, 999, 1000, 1001, 10_000])
def test_cube_root_bins_is_exact(n):
    b = cube_root_bins(n)
    assert b**3 <= n < (b + 1) ** 3


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_breast_cancer])
def test_discretization_matches_pymfe(loader):
    internal = pytest.importorskip("pymfe._internal")
    X, _ = loader(return_X_y=True)
    n_bins = cube_root_bins(X.shape[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymfe warns about tied edges, which it then drops
        reference = internal.transform_num(X, num_bins=n_bins)
    ours = equal_frequency_codes(np.sort(X, axis=0), np.full(X.shape[1], X.shape[0]), X, n_bins)
    np.testing.assert_array_equal(ours, reference)


def test_discretization_puts_missing_in_own_bin():
    X = np.array([[1.0], [2.0], [np.nan], [3.0], [4.0], [5.0], [6.0], [7.0], [8.0]])
    codes = equal_frequency_codes(np.sort(X, axis=0), np.array([8]), X, 2)
    assert codes[:, 0].tolist() == [0, 0, 2, 0, 0, 1, 1, 1, 1]


def test_stratified_sample_properties():
    codes = np.random.default_rng(1).permutation(np.repeat(np.arange(5), [600, 200, 100, 99, 1]))
    sample = stratified_sample(codes, 200, np.random.default_rng(0))
    assert sample.shape == (200,) and np.all(np.diff(sample) > 0)
    counts = np.bincount(codes)
    sample_counts = np.bincount(codes[sample], minlength=5)
    # One guaranteed row per class, the other 195 shared in proportion (rounded).
    proportional = 1 + (counts - 1) * (200 - 5) / (counts.sum() - 5)
    assert np.all(np.abs(sample_counts - proportional) < 1.0)
    assert sample_counts[4] == 1
    np.testing.assert_array_equal(sample, stratified_sample(codes, 200, np.random.default_rng(0)))
    np.testing.assert_array_equal(stratified_sample(codes, 5000, np.random.default_rng(0)), np.arange(1000))


def test_folds_are_stratified_and_balanced():
    y = np.repeat([0, 1, 2], [50, 23, 3])
    folds = assign_folds(y, y.size, np.random.default_rng(0))
    sizes = np.bincount(folds)
    assert sizes.max() - sizes.min() <= 1
    for label in range(3):
        per_fold = np.bincount(folds[y == label], minlength=N_FOLDS)
        assert per_fold.max() - per_fold.min() <= 1


@pytest.fixture(scope="module", params=[load_iris, load_wine, load_breast_cancer], ids=lambda f: f.__name__[5:])
def split(request):
    X, y = request.param(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y, assign_folds(y, y.size, np.random.default_rng(0))


def _sklearn_out_of_fold(model, X, y, folds):
    predictions = np.empty_like(y, dtype=float)
    for fold in range(N_FOLDS):
        test = folds == fold
        predictions[test] = model.fit(X[~test], y[~test]).predict(X[test])
    return predictions


def test_naive_bayes_matches_sklearn(split):
    X, y, folds = split
    expected = _sklearn_out_of_fold(GaussianNB(), X, y, folds)
    np.testing.assert_array_equal(naive_bayes_predict(X, y, folds, int(y.max()) + 1), expected)


def test_lda_matches_sklearn(split):
    X, y, folds = split
    expected = _sklearn_out_of_fold(LinearDiscriminantAnalysis(), X, y, folds)
    ours = lda_predict(X, y, folds, int(y.max()) + 1)
    # Solvers differ (pseudo-inverse vs scikit-learn's SVD); allow one borderline row.
    assert np.sum(ours != expected) <= 1


def test_one_nn_matches_sklearn(split):
    X, y, folds = split
    expected = _sklearn_out_of_fold(KNeighborsClassifier(n_neighbors=1, algorithm="brute"), X, y, folds)
    # Exact ties (duplicate rows) may pick a different neighbour; they are rare here.
    assert np.mean(one_nn_predict(X, y, folds) == expected) >= 0.99


def test_linear_matches_sklearn(split):
    X, _, folds = split
    target = X[:, 0] * 2.0 - X[:, 1] + np.sin(X[:, 2])
    features = X[:, 1:]
    expected = _sklearn_out_of_fold(LinearRegression(), features, target, folds)
    np.testing.assert_allclose(linear_predict(features, target, folds), expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("classification", [True, False])
def test_stump_read_off_the_deeper_tree_equals_a_fitted_stump(split, classification):
    X, y, folds = split
    target = y if classification else X[:, 0] + np.cos(3 * X[:, 1])
    features = X if classification else X[:, 1:]
    model = DecisionTreeClassifier if classification else DecisionTreeRegressor
    stump, tree = tree_predict(features, target, folds, classification=classification, seed=7)
    as_float32 = features.astype(np.float32)
    for depth, ours in ((1, stump), (TREE_DEPTH, tree)):
        expected = _sklearn_out_of_fold(model(max_depth=depth, random_state=7), as_float32, target, folds)
        np.testing.assert_array_equal(ours, expected)
