"""Acceptance: a small search is competitive on a standard benchmark."""

from __future__ import annotations

import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from metaautoml import MetaAutoMLClassifier


@pytest.mark.slow
def test_breast_cancer_hold_out_accuracy():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                        stratify=y)
    clf = MetaAutoMLClassifier(n_trials=20, random_state=0).fit(X_train, y_train)
    assert len(clf.study_.trials) == 20
    assert clf.score(X_test, y_test) >= 0.95
