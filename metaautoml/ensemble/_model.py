"""A weighted average of fitted pipelines: what an ensemble selection predicts with."""

from __future__ import annotations

import numpy as np

from ..evaluation import full_proba
from ..task import check_task


class WeightedEnsemble:
    """Fitted pipelines whose predictions are averaged with weights.

    For classification the members predict class codes ``0..n_classes - 1``;
    ``predict_proba`` is the weighted average of their probabilities and ``predict`` its
    argmax, as the selection scored them out of fold. For regression ``predict`` is the
    weighted average of their predictions.

    Parameters
    ----------
    members : list of fitted estimators
        Each with ``predict`` (and ``predict_proba`` for classification).
    weights : list of float
        One per member; normalized to sum to 1.
    task : {"classification", "regression"}
    n_classes : int, default=0
        Number of classes (classification only).

    Attributes
    ----------
    feature_names_in_ : ndarray
        The first member's, where it has them.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from metaautoml.ensemble import WeightedEnsemble
    >>> X, y = load_iris(return_X_y=True)
    >>> members = [LogisticRegression(max_iter=500).fit(X, y), DecisionTreeClassifier().fit(X, y)]
    >>> ensemble = WeightedEnsemble(members, [3, 1], "classification", n_classes=3)
    >>> ensemble.weights, ensemble.predict_proba(X[:1]).shape
    ([0.75, 0.25], (1, 3))
    """

    def __init__(self, members: list, weights: list[float], task: str, n_classes: int = 0):
        task = check_task(task)
        weights = [float(w) for w in weights]
        if not members or len(members) != len(weights):
            raise ValueError(f"an ensemble needs one weight per member, got {len(members)} "
                             f"member(s) and {len(weights)} weight(s)")
        if any(not np.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError(f"ensemble weights must be non-negative with a positive sum, got {weights}")
        if task == "classification" and n_classes < 1:
            raise ValueError("a classification ensemble needs n_classes")
        total = sum(weights)
        self.members = list(members)
        self.weights = [w / total for w in weights]
        self.task = task
        self.n_classes = int(n_classes)

    @property
    def feature_names_in_(self) -> np.ndarray:
        return self.members[0].feature_names_in_

    def predict_proba(self, X) -> np.ndarray:
        """Weighted average of the members' class probabilities (classification only)."""
        if self.task != "classification":
            raise AttributeError("a regression ensemble has no predict_proba")
        return sum(w * full_proba(m, X, self.n_classes) for m, w in zip(self.members, self.weights, strict=True))

    def predict(self, X) -> np.ndarray:
        """Class codes (the argmax of ``predict_proba``) or the weighted average prediction."""
        if self.task == "classification":
            return np.argmax(self.predict_proba(X), axis=1)
        return sum(w * np.asarray(m.predict(X), dtype=np.float64)
                   for m, w in zip(self.members, self.weights, strict=True))

    def __repr__(self) -> str:
        parts = ", ".join(f"{w:.2f} x {_name(m)}" for m, w in zip(self.members, self.weights, strict=True))
        return f"WeightedEnsemble({parts})"


def _name(member) -> str:
    steps = getattr(member, "steps", None)
    return type(steps[-1][1] if steps else member).__name__
