"""The model families of the CASH space: hyperparameters, library defaults and constructors.

Hyperparameters whose sensible value depends on the data are expressed relative to it so that a
configuration transfers between datasets (see ``docs/search_space.md``):

* ``min_samples_leaf_fraction`` -- ``min_samples_leaf = max(1, round(fraction * n_train))``;
* ``max_features_exponent`` -- ``max_features = max(1, floor(n_features ** exponent))``
  (``0.5`` is ``"sqrt"``, ``1.0`` is all features);
* ``n_neighbors_exponent`` -- ``n_neighbors = max(1, round(n_train ** exponent))``;
* ``gamma_scale`` -- a multiple of scikit-learn's ``gamma="scale"``.

Each family's default configuration is the scikit-learn default. Where a default is absolute
(HistGradientBoosting's ``min_samples_leaf=20``, k-NN's ``n_neighbors=5``) the relative value is
the one that reproduces it at a 2,000-row (HGB) or 1,000-row (k-NN) training set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from ._hyperparameters import Categorical, Float, Hyperparameter, Int
from ._models import RelativeGammaSVC, RelativeGammaSVR


@dataclass(frozen=True)
class DataShape:
    """What a relative hyperparameter is relative to: the rows and columns a model is fitted on."""

    n_samples: int
    n_features: int
    categorical_mask: list[bool] | None = None


@dataclass(frozen=True)
class Family:
    """One model family: its hyperparameters, preprocessing recipe and estimator constructor."""

    name: str
    task: str
    hyperparameters: tuple[Hyperparameter, ...]
    preprocessing: str
    build: Callable[[dict[str, Any], DataShape, int | None], Any]
    description: str

    def default_params(self) -> dict[str, Any]:
        return {hp.name: hp.default for hp in self.hyperparameters}

    def __reduce__(self):
        # Pickled by name: ``build`` is a closure, and whatever holds a family (a fitted
        # estimator's study and sampler, a trial worker's job) must still pickle.
        return _family, (self.task, self.name)


def _family(task: str, name: str) -> Family:
    families = CLASSIFICATION_FAMILIES if task == "classification" else REGRESSION_FAMILIES
    return next(family for family in families if family.name == name)


def _leaf(fraction: float, shape: DataShape) -> int:
    return max(1, int(round(fraction * shape.n_samples)))


def _max_features(exponent: float, shape: DataShape) -> float:
    d = max(1, shape.n_features)
    # Floored as scikit-learn floors "sqrt" (int(sqrt(d))), so the default exponent 0.5 picks
    # exactly as many features; the 1e-9 keeps a perfect power from flooring one short.
    k = max(1, min(d, int(d**exponent + 1e-9)))
    # scikit-learn turns a fraction f into int(f * n_features); half a feature of headroom keeps
    # k / d * d from flooring to k - 1 through rounding error (e.g. 7 / 55 * 55 < 7).
    return min(1.0, (k + 0.5) / d)


def _neighbors(exponent: float, shape: DataShape) -> int:
    return int(max(1, min(round(shape.n_samples**exponent), shape.n_samples - 1)))


_CLASS_WEIGHT = Categorical("class_weight", ("none", "balanced"), "none",
                            doc="'balanced' reweights classes inversely to their frequency")


def _class_weight(p):
    return None if p["class_weight"] == "none" else "balanced"


def _hgb_hps(classification: bool) -> tuple:
    return (
        Float("learning_rate", 0.01, 1.0, 0.1, log=True),
        Int("max_iter", 32, 512, 100, log=True, doc="boosting rounds"),
        Int("max_leaf_nodes", 4, 256, 31, log=True),
        Float("min_samples_leaf_fraction", 1e-4, 0.1, 0.01, log=True),
        Float("l2_regularization", 1e-10, 10.0, 1e-10, log=True, doc="1e-10 stands for 0, the default"),
        Float("max_features", 0.1, 1.0, 1.0, doc="share of features considered per split"),
    )


def _forest_hps(bootstrap_default: bool, classification: bool) -> tuple:
    hps = [
        Float("max_features_exponent", 0.0, 1.0, 0.5 if classification else 1.0),
        Float("min_samples_leaf_fraction", 1e-4, 0.1, 1e-4, log=True,
              doc="the lower bound gives min_samples_leaf=1, the default, below 15,000 rows"),
        Categorical("bootstrap", (True, False), bootstrap_default),
    ]
    if classification:
        hps += [Categorical("criterion", ("gini", "entropy"), "gini"), _CLASS_WEIGHT]
    return tuple(hps)


def _build_hgb(cls):
    def build(p, shape, seed):
        return cls(learning_rate=p["learning_rate"], max_iter=p["max_iter"],
                   max_leaf_nodes=p["max_leaf_nodes"],
                   min_samples_leaf=_leaf(p["min_samples_leaf_fraction"], shape),
                   l2_regularization=p["l2_regularization"], max_features=p["max_features"],
                   categorical_features=shape.categorical_mask, random_state=seed)
    return build


def _build_forest(cls, classification):
    def build(p, shape, seed):
        kwargs = {}
        if classification:
            kwargs = {"criterion": p["criterion"], "class_weight": _class_weight(p)}
        return cls(n_estimators=100, max_features=_max_features(p["max_features_exponent"], shape),
                   min_samples_leaf=_leaf(p["min_samples_leaf_fraction"], shape),
                   bootstrap=p["bootstrap"], n_jobs=1, random_state=seed, **kwargs)
    return build


def _scaled_target(model):
    """Fit on a standardized target so epsilon, alpha and step sizes mean the same on any scale."""
    return TransformedTargetRegressor(regressor=model, transformer=StandardScaler())


_KNN_HPS = (
    Float("n_neighbors_exponent", 0.0, 0.6, 0.233,
          doc="n_neighbors = n_train ** exponent; the default gives 5 at 1,000 rows"),
    Categorical("weights", ("uniform", "distance"), "uniform"),
    Categorical("metric", ("euclidean", "manhattan"), "euclidean"),
)

_MLP_HPS = (
    Int("hidden_units", 16, 512, 100, log=True),
    Int("n_layers", 1, 3, 1),
    Float("alpha", 1e-7, 1e-1, 1e-4, log=True, doc="L2 penalty"),
    Float("learning_rate_init", 1e-4, 1e-1, 1e-3, log=True),
)


def _build_knn(cls):
    def build(p, shape, seed):
        return cls(n_neighbors=_neighbors(p["n_neighbors_exponent"], shape), weights=p["weights"],
                   metric=p["metric"])
    return build


def _build_mlp(cls, regression):
    def build(p, shape, seed):
        model = cls(hidden_layer_sizes=(p["hidden_units"],) * p["n_layers"], alpha=p["alpha"],
                    learning_rate_init=p["learning_rate_init"], random_state=seed)
        return _scaled_target(model) if regression else model
    return build


CLASSIFICATION_FAMILIES: tuple[Family, ...] = (
    Family("hist_gradient_boosting", "classification", _hgb_hps(True), "native",
           _build_hgb(HistGradientBoostingClassifier), "histogram gradient boosting"),
    Family("random_forest", "classification", _forest_hps(True, True), "ordinal",
           _build_forest(RandomForestClassifier, True), "random forest, 100 trees"),
    Family("extra_trees", "classification", _forest_hps(False, True), "ordinal",
           _build_forest(ExtraTreesClassifier, True), "extremely randomized trees, 100 trees"),
    Family("linear", "classification",
           (Float("C", 1e-4, 1e4, 1.0, log=True, doc="inverse L2 strength"), _CLASS_WEIGHT),
           "scaled",
           lambda p, shape, seed: LogisticRegression(C=p["C"], class_weight=_class_weight(p),
                                                     max_iter=1000),
           "L2-regularized logistic regression"),
    Family("svm", "classification",
           (Float("C", 1e-2, 1e3, 1.0, log=True), Float("gamma_scale", 1e-3, 1e2, 1.0, log=True),
            _CLASS_WEIGHT),
           "scaled",
           lambda p, shape, seed: RelativeGammaSVC(C=p["C"], gamma_scale=p["gamma_scale"],
                                                   class_weight=_class_weight(p),
                                                   random_state=seed),
           "RBF-kernel support vector machine with sigmoid-calibrated probabilities"),
    Family("knn", "classification", _KNN_HPS, "scaled", _build_knn(KNeighborsClassifier),
           "k-nearest neighbours"),
    Family("mlp", "classification", _MLP_HPS, "scaled", _build_mlp(MLPClassifier, False),
           "multi-layer perceptron (Adam, 200 epochs)"),
)

REGRESSION_FAMILIES: tuple[Family, ...] = (
    Family("hist_gradient_boosting", "regression", _hgb_hps(False), "native",
           _build_hgb(HistGradientBoostingRegressor), "histogram gradient boosting"),
    Family("random_forest", "regression", _forest_hps(True, False), "ordinal",
           _build_forest(RandomForestRegressor, False), "random forest, 100 trees"),
    Family("extra_trees", "regression", _forest_hps(False, False), "ordinal",
           _build_forest(ExtraTreesRegressor, False), "extremely randomized trees, 100 trees"),
    Family("linear", "regression", (Float("alpha", 1e-4, 1e4, 1.0, log=True),), "scaled",
           lambda p, shape, seed: Ridge(alpha=p["alpha"]), "ridge regression"),
    Family("svm", "regression",
           (Float("C", 1e-2, 1e3, 1.0, log=True), Float("gamma_scale", 1e-3, 1e2, 1.0, log=True),
            Float("epsilon", 1e-3, 1.0, 0.1, log=True, doc="on the standardized target")),
           "scaled",
           lambda p, shape, seed: _scaled_target(RelativeGammaSVR(
               C=p["C"], gamma_scale=p["gamma_scale"], epsilon=p["epsilon"])),
           "RBF-kernel support vector regression on a standardized target"),
    Family("knn", "regression", _KNN_HPS, "scaled", _build_knn(KNeighborsRegressor),
           "k-nearest neighbours"),
    Family("mlp", "regression", _MLP_HPS, "scaled", _build_mlp(MLPRegressor, True),
           "multi-layer perceptron (Adam, 200 epochs) on a standardized target"),
)
