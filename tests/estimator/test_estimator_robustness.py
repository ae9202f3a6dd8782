"""Real data never kills a fit: one label space, refit fallbacks, pandas' many dtypes."""

from __future__ import annotations

import io
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris

import metaautoml.evaluation._runner
from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor, extract_meta_features
from metaautoml.space import SearchSpace

BALANCED_FOREST = {"family": "random_forest", "random_forest__bootstrap": True,
                   "random_forest__class_weight": "balanced", "random_forest__criterion": "gini",
                   "random_forest__max_features_exponent": 0.5,
                   "random_forest__min_samples_leaf_fraction": 0.01}


@pytest.fixture
def only_configs(monkeypatch):
    """Make the cold start try exactly these configurations, in this order."""
    def use(*configs):
        space = SearchSpace("classification")
        validated = [space.validate(dict(config)) for config in configs]
        monkeypatch.setattr(SearchSpace, "default_configs", lambda self, n_rows=None: list(validated))
    return use


def _binary(n=80, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    codes = (X["a"] + 0.3 * rng.normal(size=n) > 0).astype(int).to_numpy()
    return X, codes


def test_integer_looking_string_labels_refit_with_class_weight(only_configs):
    # scikit-learn's forests with class_weight="balanced" reject labels "0"/"1"; the refit fits
    # the codes the trials scored, so the configuration that won refits the same way.
    only_configs(BALANCED_FOREST)
    X, codes = _binary()
    y = codes.astype(str)
    clf = MetaAutoMLClassifier(n_trials=1, cv=2, warm_start=False, random_state=0).fit(X, y)
    assert clf.best_config_["random_forest__class_weight"] == "balanced"
    assert clf.refit_fallbacks_ == []
    predicted = clf.predict(X)
    assert predicted.dtype == y.dtype and set(predicted) <= {"0", "1"}
    assert clf.score(X, y) > 0.8


@pytest.mark.parametrize("labels", [
    np.array([3, 7]), np.array(["0", "1"]), np.array([True, False]), np.array([1.0, 2.0]),
    pd.array(["no", "yes"], dtype="string"), pd.array([10, 20], dtype="Int64"),
    pd.Categorical(["low", "high"]),
], ids=["int", "str-digits", "bool", "float", "string", "Int64", "category"])
def test_predict_returns_the_labels_given_to_fit(labels, only_configs):
    only_configs(SearchSpace("classification").default_config("linear"))
    X, codes = _binary()
    y = pd.Series(labels[codes] if not isinstance(labels, pd.Categorical) else labels.take(codes))
    clf = MetaAutoMLClassifier(n_trials=1, cv=2, warm_start=False, random_state=0).fit(X, y)
    predicted = clf.predict(X)
    expected = np.asarray(y)
    assert predicted.dtype == expected.dtype
    assert set(predicted) <= set(expected)
    assert (predicted == expected).mean() > 0.8


def test_a_failed_refit_falls_back_to_the_next_best_trial(monkeypatch, only_configs):
    space = SearchSpace("classification")
    only_configs(space.default_config("linear"), space.default_config("knn"))
    X, codes = _binary()
    real_fit = metaautoml.evaluation._runner.fit_pipeline
    fitted_families = []

    def fail_for_the_best(config, *args, **kwargs):
        fitted_families.append(config["family"])
        if len(fitted_families) == 1:
            raise MemoryError("no room for this one")
        return real_fit(config, *args, **kwargs)

    monkeypatch.setattr(metaautoml.evaluation._runner, "fit_pipeline", fail_for_the_best)
    clf = MetaAutoMLClassifier(n_trials=2, cv=2, warm_start=False, random_state=0)
    with pytest.warns(UserWarning, match="failed to refit on all the data .*MemoryError"):
        clf.fit(X, codes)
    board = clf.leaderboard()
    assert [f["number"] for f in clf.refit_fallbacks_] == [int(board["number"][0])]
    assert "no room for this one" in clf.refit_fallbacks_[0]["error"]
    assert clf.best_config_["family"] == fitted_families[1] != fitted_families[0]
    assert clf.best_score_ == board["score"][1]
    assert clf.score(X, codes) > 0.7


def test_fit_raises_only_when_no_trial_refits(monkeypatch, only_configs):
    only_configs(SearchSpace("classification").default_config("linear"))

    def always_fail(*args, **kwargs):
        raise ValueError("cannot refit")

    monkeypatch.setattr(metaautoml.evaluation._runner, "fit_pipeline", always_fail)
    X, codes = _binary()
    with pytest.raises(RuntimeError, match="none of the 1 completed trials could be refitted.*"
                                           "cannot refit"):
        MetaAutoMLClassifier(n_trials=1, cv=2, warm_start=False, random_state=0).fit(X, codes)


def test_the_refit_runs_under_the_trial_limits(only_configs):
    # With limits the refit runs in the worker process and its pipeline comes back from it.
    only_configs(SearchSpace("classification").default_config("knn"))
    X, codes = _binary()
    clf = MetaAutoMLClassifier(n_trials=1, cv=2, warm_start=False, random_state=0,
                               per_trial_time_limit=120).fit(X, codes)
    plain = MetaAutoMLClassifier(n_trials=1, cv=2, warm_start=False, random_state=0).fit(X, codes)
    np.testing.assert_array_equal(clf.predict_proba(X), plain.predict_proba(X))


def _messy_frame(n=120, seed=0):
    """Every column kind pandas 3 gives a user, each with missing values."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=n)
    holes = rng.random((n, 11)) < 0.1
    frame = pd.DataFrame({
        "signal": pd.array(np.round(signal * 100), dtype="Int64"),
        "ratio": pd.array(signal + rng.normal(scale=0.3, size=n), dtype="Float64"),
        "flag": pd.array(signal > 0, dtype="boolean"),
        "text_str": pd.Series(np.where(signal > 0, "up", "down"), dtype="str"),
        "text_string": pd.array(rng.choice(["a", "b", "c"], n), dtype="string"),
        "text_arrow": pd.Series(rng.choice(["x", "y"], n)).astype("string[pyarrow]"),
        "text_object": pd.Series(rng.choice(["p", "q"], n), dtype=object),
        "kind": pd.Categorical(rng.choice(["k1", "k2", "k3"], n)),
        "when": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
        "when_utc": pd.Series(pd.date_range("2021-01-01", periods=n, freq="h", tz="UTC")),
        "count_arrow": pd.Series(rng.integers(0, 9, n)).astype("int64[pyarrow]"),
    })
    for j, column in enumerate(frame.columns):
        frame.loc[holes[:, j], column] = None
    return frame, signal


def test_every_pandas_dtype_with_missing_values_fits_and_predicts():
    X, signal = _messy_frame()
    y = np.where(signal > 0, "pos", "neg")
    clf = MetaAutoMLClassifier(n_trials=2, cv=2, random_state=0).fit(X, y)
    assert clf.leaderboard()["state"].eq("complete").all(), clf.leaderboard()["error"].tolist()
    assert clf.score(X, y) > 0.8
    reg = MetaAutoMLRegressor(n_trials=2, cv=2, random_state=0).fit(X, signal)
    assert reg.leaderboard()["state"].eq("complete").all(), reg.leaderboard()["error"].tolist()
    assert reg.score(X.iloc[:20], signal[:20]) > 0.5


@pytest.mark.parametrize("convert", ["convert_dtypes", "pyarrow_csv", "numpy_nullable_csv"])
def test_nullable_and_pyarrow_frames_fit(convert):
    iris = load_iris(as_frame=True).frame
    iris.loc[::7, "sepal length (cm)"] = np.nan
    iris["target"] = iris["target"].map({0: "setosa", 1: "versicolor", 2: "virginica"})
    if convert == "convert_dtypes":
        frame = iris.convert_dtypes()
    else:
        backend = "pyarrow" if convert == "pyarrow_csv" else "numpy_nullable"
        frame = pd.read_csv(io.StringIO(iris.to_csv(index=False)), dtype_backend=backend)
    X, y = frame.drop(columns="target"), frame["target"]
    features = extract_meta_features(X, y, task="classification", random_state=0)
    assert np.isfinite(features.to_numpy(dtype=float, na_value=np.nan)).mean() > 0.8
    clf = MetaAutoMLClassifier(n_trials=2, cv=2, random_state=0).fit(X, y)
    assert clf.leaderboard()["state"].eq("complete").all(), clf.leaderboard()["error"].tolist()
    assert clf.score(X, y) > 0.9
    assert len(MetaAutoMLClassifier().recommend(X, y, n=3).proposals) == 3


def test_mixed_label_types_are_named():
    X, codes = _binary(20)
    y = np.array([1 if code else "a" for code in codes], dtype=object)
    with pytest.raises(ValueError, match=r"y mixes labels of different types, such as .*\(int\)"):
        MetaAutoMLClassifier(n_trials=1).fit(X, y)


def _local_scorer():
    return lambda estimator, X, y: float((estimator.predict(X) == y).mean())


def test_an_unpicklable_metric_with_a_time_limit_fails_up_front():
    X, codes = _binary(40)
    clf = MetaAutoMLClassifier(n_trials=1, metric=_local_scorer(), per_trial_time_limit=10)
    with pytest.raises(ValueError, match="cannot be pickled .* define the scorer as a module-level"):
        clf.fit(X, codes)
    # Without limits the trials run in this process, where any callable works.
    assert MetaAutoMLClassifier(n_trials=1, cv=2, metric=_local_scorer(),
                                warm_start=False).fit(X, codes).best_score_ > 0.5


def test_a_memory_limit_below_the_workers_own_use_is_named():
    X, codes = _binary(40)
    clf = MetaAutoMLClassifier(n_trials=1, cv=2, warm_start=False, memory_limit_mb=100)
    with pytest.raises(RuntimeError, match=r"memory_limit_mb=100 is below what the trial worker "
                                           r"already uses .* give it at least \d+"):
        clf.fit(X, codes)


def test_a_fitted_model_still_pickles():
    X, codes = _binary(40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MetaAutoMLClassifier(n_trials=1, cv=2, warm_start=False, random_state=0)
        clf.fit(X, np.where(codes == 1, "1", "0"))
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))


def test_a_whole_number_quantity_gets_the_regressor_hint():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=60)})
    y = rng.integers(0, 300, 60)
    with pytest.raises(ValueError, match="y holds .* distinct numbers, .* use MetaAutoMLRegressor"):
        MetaAutoMLClassifier(n_trials=1).fit(X, y)
    with pytest.warns(UserWarning, match="use MetaAutoMLRegressor"):
        MetaAutoMLClassifier().recommend(X, y, n=1)
