"""What the estimators accept and reject: pandas dtypes, columns at predict time, bad data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor


@pytest.fixture(scope="module")
def fitted(mixed_frame):
    X, y = mixed_frame
    # Two trials reach hist_gradient_boosting and random_forest: both preprocessing recipes
    # for categorical columns get exercised across the tests below.
    return MetaAutoMLClassifier(n_trials=2, cv=2, random_state=0).fit(X, y)


def test_pandas_dtypes_and_missing_values_are_preprocessed(fitted, mixed_frame):
    X, _ = mixed_frame
    assert dict(zip(fitted.feature_names_in_, X.dtypes.astype(str), strict=True)) == {
        "signal": "float64", "noise": "float64", "color": "category", "city": "object",
        "flag": "bool", "count": "int64"}
    assert fitted.leaderboard()["state"].eq("complete").all()


def test_unseen_categories_and_missing_values_at_predict_time(fitted, mixed_frame):
    X, _ = mixed_frame
    new = X.head(4).copy()
    new["color"] = pd.Categorical(["purple", None, "red", "magenta"])
    new["city"] = ["berlin", None, "rome", "oslo"]
    new["signal"] = [np.nan, 1.0, np.nan, -1.0]
    assert set(fitted.predict(new)) <= {"no", "yes"}
    assert np.isfinite(fitted.predict_proba(new)).all()


def test_reordered_columns_are_matched_by_name(fitted, mixed_frame):
    X, _ = mixed_frame
    reordered = X[list(X.columns[::-1])]
    np.testing.assert_array_equal(fitted.predict_proba(reordered), fitted.predict_proba(X))


def test_extra_columns_are_ignored(fitted, mixed_frame):
    X, _ = mixed_frame
    extra = X.assign(unrelated=np.arange(len(X)))
    np.testing.assert_array_equal(fitted.predict(extra), fitted.predict(X))


def test_missing_columns_are_named(fitted, mixed_frame):
    X, _ = mixed_frame
    with pytest.raises(ValueError, match=r"lacks 2 column\(s\) seen during fit: 'color', 'flag'"):
        fitted.predict(X.drop(columns=["flag", "color"]))


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_arrays_are_matched_by_position():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
    y = (X["a"] > 0).astype(int)
    clf = MetaAutoMLClassifier(n_trials=1, cv=2, random_state=0).fit(X, y)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        np.testing.assert_array_equal(clf.predict(X.to_numpy()), clf.predict(X))
    with pytest.raises(ValueError, match="X has 2 features, but MetaAutoMLClassifier is expecting 3"):
        clf.predict(X.to_numpy()[:, :2])

    on_arrays = MetaAutoMLClassifier(n_trials=1, cv=2, random_state=0).fit(X.to_numpy(), y)
    assert not hasattr(on_arrays, "feature_names_in_")
    np.testing.assert_array_equal(on_arrays.predict(X.to_numpy()), clf.predict(X))
    with pytest.raises(ValueError, match="X has 4 features"):
        on_arrays.predict(np.ones((2, 4)))


def test_predict_before_fit_raises_not_fitted():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        MetaAutoMLClassifier().predict(np.ones((2, 2)))


def test_integer_and_boolean_labels_keep_their_type(mixed_frame):
    X, y = mixed_frame
    as_bool = (y == "yes").to_numpy()
    clf = MetaAutoMLClassifier(n_trials=1, cv=2, random_state=0).fit(X, as_bool)
    assert clf.classes_.dtype == bool and clf.predict(X).dtype == bool
    as_int = np.where(as_bool, 10, -3)
    clf = MetaAutoMLClassifier(n_trials=1, cv=2, random_state=0).fit(X, as_int)
    assert list(clf.classes_) == [-3, 10]
    assert set(clf.predict(X)) <= {-3, 10}


X_OK = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) % 3})
Y_CLASSES = np.arange(20) % 2
Y_VALUES = np.linspace(0.0, 1.0, 20)


@pytest.mark.parametrize("estimator, X, y, error, match", [
    (MetaAutoMLClassifier, X_OK.iloc[:0], Y_CLASSES[:0], ValueError, "0 rows"),
    (MetaAutoMLClassifier, np.empty((0, 2)), Y_CLASSES[:0], ValueError, "0 sample"),
    (MetaAutoMLClassifier, np.empty((20, 0)), Y_CLASSES, ValueError, "0 feature"),
    (MetaAutoMLClassifier, X_OK, Y_CLASSES[:15], ValueError, "X has 20 rows, y has 15"),
    (MetaAutoMLClassifier, X_OK, None, ValueError, "requires y"),
    (MetaAutoMLClassifier, X_OK, np.where(Y_CLASSES, 1.0, np.nan), ValueError, "missing value"),
    (MetaAutoMLClassifier, X_OK, np.where(Y_CLASSES, 1.0, np.inf), ValueError, "infinite"),
    (MetaAutoMLClassifier, X_OK, np.zeros(20), ValueError, "single class"),
    (MetaAutoMLClassifier, X_OK, Y_VALUES, ValueError, "Unknown label type"),
    (MetaAutoMLClassifier, X_OK, np.r_[np.zeros(19), 1], ValueError, "single member"),
    (MetaAutoMLClassifier, X_OK, np.c_[Y_CLASSES, Y_CLASSES], ValueError, "1-D"),
    (MetaAutoMLClassifier, X_OK.assign(a=np.inf), Y_CLASSES, ValueError, "infinite values"),
    (MetaAutoMLClassifier, X_OK["a"], Y_CLASSES, ValueError, "Series"),
    (MetaAutoMLClassifier, X_OK["a"].to_numpy(), Y_CLASSES, ValueError, "Expected 2D array"),
    (MetaAutoMLClassifier, sp.csr_matrix(X_OK.to_numpy()), Y_CLASSES, TypeError, "[Ss]parse"),
    (MetaAutoMLRegressor, X_OK.iloc[:3], Y_VALUES[:3], ValueError, "too few"),
    (MetaAutoMLRegressor, X_OK, np.array(["low", "high"] * 10), ValueError, "must be numeric"),
    (MetaAutoMLRegressor, X_OK, np.where(Y_CLASSES, 1.0, np.inf), ValueError, "infinite"),
    (MetaAutoMLRegressor, X_OK.iloc[:1], Y_VALUES[:1], ValueError, "too few"),
])
def test_bad_input_raises_a_clear_error(estimator, X, y, error, match):
    with pytest.raises(error, match=match):
        estimator(n_trials=1, cv=2).fit(X, y)
