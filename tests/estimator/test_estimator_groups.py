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
