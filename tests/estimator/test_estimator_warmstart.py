"""The estimators' warm start: proposals enqueued first, TPE (or the surrogate sampler when turned
on) after, fallbacks."""

from __future__ import annotations

import json

import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

import metaautoml.metadb._store
import metaautoml.warmstart._artifacts
from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor
from metaautoml.search import PROPOSAL_ATTR, SURROGATE_SOURCE
from metaautoml.space import families_for
from metaautoml.strategy import MetaWarmStart


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True, as_frame=True)


@pytest.fixture(scope="module")
def warm_fit(iris):
    X, y = iris
    return MetaAutoMLClassifier(n_trials=6, n_warm_start=3, cv=3, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def surrogate_fit(iris):
    X, y = iris
    return MetaAutoMLClassifier(n_trials=6, n_warm_start=3, cv=3, random_state=0,
                                warm_start=MetaWarmStart(sampler="surrogate")).fit(X, y)


def test_proposals_run_first_and_are_explained(warm_fit):
    trials = sorted(warm_fit.study_.trials, key=lambda t: t.number)
    sources = [t.user_attrs["source"] for t in trials]
    assert all(s.startswith("warm_start:") for s in sources[:3])
    assert not any(s.startswith("warm_start:") for s in sources[3:])
    assert [t.params for t in trials[:3]] == warm_fit.warm_start_configs_
    table = warm_fit.warm_start_.table
    assert list(table.columns) == ["rank", "source", "family", "params", "predicted_utility",
                                   "matched_best_on", "config_id"]
    assert table["predicted_utility"].notna().all()  # the shipped surrogate scored them
    # Each row shows the proposal's hyperparameters, as the configuration has them.
    for row, (_, config) in zip(table.itertuples(), warm_fit.warm_start_.proposals, strict=True):
        assert {f"{row.family}__{k}": v for k, v in row.params.items()} == {
            k: v for k, v in config.items() if k != "family"}
    assert len(warm_fit.warm_start_.neighbors) == 5
    assert 0.0 <= warm_fit.warm_start_.trust <= 1.0
    assert warm_fit.meta_features_["n_rows"] == 150


def test_the_surrogate_sampler_proposes_after_the_warm_start_when_turned_on(surrogate_fit):
    later = [t for t in surrogate_fit.study_.trials if t.number >= 3]
    assert later and all(PROPOSAL_ATTR in t.system_attrs for t in later)
    assert {t.user_attrs["source"] for t in later} == {SURROGATE_SOURCE}
    for trial in later:
        assert trial.params == json.loads(trial.system_attrs[PROPOSAL_ATTR])


def test_tpe_proposes_after_the_warm_start_by_default(warm_fit):
    # benchmarks/surrogate_refine.py: the surrogate sampler did not beat TPE after the same
    # proposals, so it is gated off.
    from sklearn.datasets import load_diabetes

    from metaautoml.search import OPTUNA_SOURCE

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    regressor = MetaAutoMLRegressor(n_trials=5, n_warm_start=2, cv=2, random_state=0).fit(X[:200], y[:200])
    for model, n_warm in ((warm_fit, 3), (regressor, 2)):
        trials = sorted(model.study_.trials, key=lambda t: t.number)
        sources = [t.user_attrs["source"] for t in trials]
        assert all(s.startswith("warm_start:") for s in sources[:n_warm])
        assert set(sources[n_warm:]) == {OPTUNA_SOURCE}


def test_cold_start_tries_the_defaults_then_tpe(iris):
    X, y = iris
    n_families = len(families_for("classification"))
    model = MetaAutoMLClassifier(n_trials=n_families + 1, cv=3, random_state=0,
                                 warm_start=False).fit(X, y)
    sources = [t.user_attrs["source"] for t in sorted(model.study_.trials, key=lambda t: t.number)]
    assert sources == ["default"] * n_families + ["optuna"]
    assert model.warm_start_ is None and model.warm_start_configs_ == []


def test_without_a_meta_database_it_warns_and_starts_cold(iris, tmp_path, monkeypatch):
    monkeypatch.setattr(metaautoml.metadb._store, "default_path", lambda: tmp_path / "missing.sqlite")
    metaautoml.warmstart._artifacts._cached_default.cache_clear()
    try:
        X, y = iris
        with pytest.warns(UserWarning, match="warm start unavailable .*missing.sqlite"):
            model = MetaAutoMLClassifier(n_trials=2, cv=3, random_state=0).fit(X, y)
        assert model.study_.trials[0].user_attrs["source"] == "default"
    finally:
        metaautoml.warmstart._artifacts._cached_default.cache_clear()


def test_recommend_proposes_without_fitting(iris):
    X, y = iris
    model = MetaAutoMLClassifier(random_state=0)
    warm = model.recommend(X, y, n=4)
    assert len(warm.proposals) == 4 and len(warm.table) == 4
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    assert not hasattr(model, "classes_")


def test_regressor_warm_start():
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    model = MetaAutoMLRegressor(n_trials=3, n_warm_start=2, cv=3, random_state=0).fit(X, y)
    sources = [t.user_attrs["source"] for t in sorted(model.study_.trials, key=lambda t: t.number)]
    assert all(s.startswith("warm_start:") for s in sources[:2])


@pytest.mark.parametrize("value", [0, -1, 2.5, "8", True])
def test_bad_n_warm_start(iris, value):
    X, y = iris
    with pytest.raises(ValueError, match="n_warm_start must be a positive integer"):
        MetaAutoMLClassifier(n_trials=2, n_warm_start=value).fit(X, y)


def test_bad_warm_start(iris):
    X, y = iris
    with pytest.raises(ValueError, match="warm_start must be a bool, a WarmStartStrategy or a WarmStartProposer"):
        MetaAutoMLClassifier(n_trials=2, warm_start="yes").fit(X, y)


@pytest.mark.slow
def test_no_collapse_on_tiny_data(iris):
    """Iris with a 50/50 split: 75 training rows, a small budget."""
    X, y = iris
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, stratify=y, random_state=0)
    model = MetaAutoMLClassifier(n_trials=8, cv=3, random_state=0).fit(X_train, y_train)
    assert model.score(X_test, y_test) >= 0.9


def test_a_warm_started_estimator_pickles(surrogate_fit, iris):
    # Its study keeps the MetaSurrogateSampler and the search space; joblib model files need both.
    import pickle

    X, _ = iris
    restored = pickle.loads(pickle.dumps(surrogate_fit))
    assert type(restored.study_.sampler).__name__ == "MetaSurrogateSampler"
    assert (restored.predict(X) == surrogate_fit.predict(X)).all()
