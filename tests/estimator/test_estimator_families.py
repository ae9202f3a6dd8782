"""``include`` and ``exclude``: the search, the warm start and its surrogate keep to the chosen
model families (auto-sklearn's ``include``, FLAML's ``estimator_list``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor
from metaautoml.strategy import MetaWarmStart, PortfolioWarmStart


def _table(n=90, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.normal(size=n)})
    return X, np.where(X["a"] + 0.3 * rng.normal(size=n) > 0, "yes", "no")


@pytest.mark.parametrize("warm_start", [True, False, PortfolioWarmStart(),
                                        MetaWarmStart(sampler="surrogate")],
                         ids=["meta", "cold", "portfolio", "meta-surrogate"])
def test_every_trial_and_proposal_is_of_an_included_family(warm_start):
    X, y = _table()
    model = MetaAutoMLClassifier(n_trials=10, n_warm_start=4, cv=3, random_state=0,
                                 warm_start=warm_start, include=["linear", "knn", "svm"],
                                 exclude=["svm"]).fit(X, y)
    board = model.leaderboard()
    assert len(board) == 10
    assert set(board["family"]) <= {"linear", "knn"}
    assert model.best_config_["family"] in {"linear", "knn"}
    assert {c["family"] for c in model.warm_start_configs_} <= {"linear", "knn"}
    if isinstance(warm_start, MetaWarmStart):
        # Trials after the warm start come from the surrogate, within the families too.
        assert "meta_surrogate" in set(board["source"])


def test_recommend_and_the_regressor_respect_the_restriction():
    X, y = _table()
    target = X["a"] * 2 + X["b"]
    model = MetaAutoMLRegressor(n_trials=4, cv=3, random_state=0, exclude=["mlp", "svm", "knn"])
    table = model.recommend(X, target, n=6).table
    assert len(table) == 6 and not set(table["family"]) & {"mlp", "svm", "knn"}
    model.fit(X, target)
    assert not set(model.leaderboard()["family"]) & {"mlp", "svm", "knn"}


@pytest.mark.parametrize(("params", "message"), [
    ({"include": ["xgboost"]}, "include: unknown model family 'xgboost' for classification"),
    ({"include": "svm"}, "include must be a list of model family names or None"),
    ({"exclude": ["svm", 3]}, "exclude must be a list of model family names or None"),
    ({"include": ["svm"], "exclude": ["svm"]}, "leave no model family of classification"),
])
def test_bad_family_choices_fail_before_the_search_with_one_line(params, message):
    X, y = _table()
    with pytest.raises(ValueError, match=message) as info:
        MetaAutoMLClassifier(n_trials=2, **params).fit(X, y)
    assert "\n" not in str(info.value)


def test_family_choices_are_parameters_and_survive_cloning():
    from sklearn.base import clone

    model = MetaAutoMLClassifier(include=["linear"], exclude=["knn"])
    assert clone(model).get_params()["include"] == ["linear"]
    assert clone(model).get_params()["exclude"] == ["knn"]
