"""Group-aware cross-validation and explicit (train, test) pairs, as scikit-learn takes them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor
from metaautoml.evaluation import make_splits


def _table(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    return X, np.where(X["a"] > 0, "yes", "no"), np.repeat(np.arange(12), n // 12)


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_an_integer_cv_with_groups_keeps_each_group_in_one_fold(task):
    _, labels, groups = _table()
    y = labels if task == "classification" else np.arange(len(labels), dtype=float)
    splits = make_splits(y, task, 5, random_state=0, groups=groups)
    assert len(splits) == 5
    for train, test in splits:
        assert set(groups[train]).isdisjoint(groups[test])
    assert sorted(np.concatenate([test for _, test in splits]).tolist()) == list(range(len(y)))


def test_folds_are_clipped_to_the_groups_and_bad_groups_are_named():
    y = np.arange(40, dtype=float)
    assert len(make_splits(y, "regression", 10, groups=np.repeat([0, 1, 2], [10, 10, 20]))) == 3
    with pytest.raises(ValueError, match="single group"):
        make_splits(y, "regression", 5, groups=np.zeros(40))
    with pytest.raises(ValueError, match="one label per row"):
        make_splits(y, "regression", 5, groups=np.arange(39))
    with pytest.raises(ValueError, match="missing labels"):
        make_splits(y, "regression", 5, groups=pd.array([1, 2, None] * 13 + [1], dtype="Int64"))


def test_explicit_index_pairs_are_used_as_given_and_checked():
    y = np.arange(10, dtype=float)
    pairs = [(np.arange(5), np.arange(5, 10)), (np.arange(5, 10), np.arange(5))]
    splits = make_splits(y, "regression", pairs)
    assert [tr.tolist() for tr, _ in splits] == [list(range(5)), list(range(5, 10))]
    with pytest.raises(ValueError, match=r"indices must lie in \[0, 10\)"):
        make_splits(y, "regression", [(np.arange(5), np.arange(8, 11))])
    with pytest.raises(ValueError, match="not a \\(train, test\\) pair"):
        make_splits(y, "regression", [np.arange(5)])
    with pytest.raises(ValueError, match="integer row indices"):
        make_splits(y, "regression", [(np.arange(5) + 0.5, np.arange(5))])


def test_fit_takes_groups_and_scores_on_unseen_groups(monkeypatch):
    import metaautoml.estimator._base as base

    seen = {}
    real = base.make_splits

    def spy(*args, **kwargs):
        seen["splits"] = real(*args, **kwargs)
        return seen["splits"]

    monkeypatch.setattr(base, "make_splits", spy)
    X, y, groups = _table()
    clf = MetaAutoMLClassifier(n_trials=2, cv=3, random_state=0).fit(X, y, groups=pd.Series(groups))
    assert len(seen["splits"]) == 3
    for train, test in seen["splits"]:
        assert set(groups[train]).isdisjoint(groups[test])
    assert clf.predict(X.head()).shape == (5,)
    with pytest.raises(ValueError, match="groups must have one label per row"):
        MetaAutoMLClassifier(n_trials=2, cv=3).fit(X, y, groups=groups[:-1])


def test_fit_takes_a_list_of_index_pairs_as_cv():
    X, _, _ = _table()
    pairs = [(np.arange(0, 80), np.arange(80, 120)), (np.arange(40, 120), np.arange(0, 40))]
    reg = MetaAutoMLRegressor(n_trials=2, cv=pairs, random_state=0).fit(X, 2 * X["a"])
    assert reg.best_score_ > 0.5
    with pytest.raises(ValueError, match="cv"):
        MetaAutoMLRegressor(n_trials=2, cv=[]).fit(X, 2 * X["a"])


def test_a_group_splitter_receives_the_groups():
    from sklearn.model_selection import LeaveOneGroupOut

    y = np.arange(30, dtype=float)
    groups = np.repeat([0, 1, 2], 10)
    splits = make_splits(y, "regression", LeaveOneGroupOut(), groups=groups)
    assert [sorted(set(groups[test])) for _, test in splits] == [[0], [1], [2]]


def test_a_fractional_cv_is_one_hold_out_split():
    y = np.repeat(["a", "b", "c"], 20)
    [(train, test)] = make_splits(y, "classification", 0.25, random_state=0)
    assert len(test) == 15 and len(train) == 45
    assert sorted(np.unique(y[test], return_counts=True)[1].tolist()) == [5, 5, 5]  # stratified
    groups = np.repeat(np.arange(12), 5)
    [(train, test)] = make_splits(np.arange(60.0), "regression", 0.25, random_state=0,
                                  groups=groups)
    assert set(groups[train]).isdisjoint(groups[test]) and len(set(groups[test])) == 3
    with pytest.raises(ValueError, match="in \\(0, 1\\)"):
        make_splits(np.arange(60.0), "regression", 1.5)


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_validation_rows_score_every_trial_and_join_the_refit(task):
    X, labels, _ = _table(n=120)
    y = labels if task == "classification" else X["a"].to_numpy() * 2
    estimator = (MetaAutoMLClassifier if task == "classification" else MetaAutoMLRegressor)
    model = estimator(n_trials=3, random_state=0, warm_start=False).fit(
        X[:90], y[:90], X_val=X[90:], y_val=y[90:])
    assert len(model.study_.trials) == 3
    model_fraction = estimator(n_trials=3, cv=0.25, random_state=0, warm_start=False).fit(X, y)
    assert np.isfinite(model_fraction.best_score_)
    # The refit saw all 120 rows: nearest neighbours keep them.
    knn = estimator(n_trials=1, random_state=0, warm_start=False,
                    include=["knn"]).fit(X[:90], y[:90], X_val=X[90:], y_val=y[90:])
    assert knn.best_estimator_.named_steps["model"].n_samples_fit_ == 120


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"X_val": "X"}, "give both X_val and y_val"),
    ({"X_val": "X", "y_val": "y", "groups": "g"}, "cannot be combined with sample_weight or groups"),
    ({"X_val": "X1", "y_val": "y"}, "X_val must have X's 2 columns"),
    ({"X_val": "X", "y_val": "y3"}, "y_val has 3 values for X_val's 30 rows"),
])
def test_malformed_validation_rows_fail_with_one_line(kwargs, message):
    X, y, groups = _table(n=120)
    values = {"X": X[90:], "X1": X[90:][["a"]], "y": y[90:], "y3": y[:3], "g": groups[:90]}
    with pytest.raises(ValueError, match=message):
        MetaAutoMLClassifier(n_trials=2).fit(X[:90], y[:90],
                                             **{k: values[v] for k, v in kwargs.items()})
