"""The model families of the CASH space: the one registry of families, their hyperparameters,
library defaults and constructors.

Every family is declared once, at the end of this module, by one :func:`register_family` call
holding one :class:`Family` per task type it serves. Everything else derives from the registry:
the search space of a task (:func:`metaautoml.space.get_space`) has the families of
:func:`families_for`, in registration order; the default configurations, the Optuna
distributions, the encoding and the meta-database's pool of defaults follow from it. Adding a
family is adding one ``register_family`` call here and its tables in ``docs/search_space.md``
(``tests/space/test_space_docs.py`` fails until they match); see "Adding a family" there.

Hyperparameters whose sensible value depends on the data are expressed relative to it so that a
configuration transfers between datasets (see ``docs/search_space.md``):

* ``min_samples_leaf_fraction`` -- ``min_samples_leaf = max(1, round(fraction * n_train))``;
* ``max_features_exponent`` -- ``max_features = max(1, floor(n_features ** exponent))``
  (``0.5`` is ``"sqrt"``, ``1.0`` is all features);
* ``n_neighbors_exponent`` -- ``n_neighbors = max(1, round(n_train ** exponent))``;
* ``gamma_scale`` -- a multiple of scikit-learn's ``gamma="scale"``.

Each family's default configuration is the scikit-learn default. Where a default is absolute
(HistGradientBoosting's ``min_samples_leaf=20``, k-NN's ``n_neighbors=5``) the relative value is
the one that reproduces it at a 2,000-row (HGB) or 1,000-row (k-NN) training set: that is the
configuration the meta-database evaluated. Given a dataset's training rows
(:meth:`~metaautoml.space.SearchSpace.default_config`'s ``n_rows``), the default is the relative
value that reproduces the absolute default on those rows, which is what the cold start and the
warm start's leading default enqueue: on small tables, 1 % of the rows is a far smaller leaf
than scikit-learn's 20, and a default that overfits is no default.
"""

from __future__ import annotations

import math
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

from ..task import check_task
from ._hyperparameters import Categorical, Float, Hyperparameter, Int
from ._models import RelativeGammaSVC, RelativeGammaSVR, TargetTransformer
from ._preprocessing import RECIPES


@dataclass(frozen=True)
class DataShape:
    """What a relative hyperparameter is relative to: the rows and columns a model is fitted on."""

    n_samples: int
    n_features: int
    categorical_mask: list[bool] | None = None


@dataclass(frozen=True)
class Family:
    """One model family for one task type: its hyperparameters, preprocessing recipe and
    estimator constructor.

    Attributes
    ----------
    name
        The family's name, the value of ``config["family"]``; a Python identifier, the same for
        every task type the family serves.
    task
        The task type this variant serves (one of :data:`metaautoml.task.TASKS`).
    hyperparameters
        :class:`Float`, :class:`Int` and :class:`Categorical` hyperparameters, in the order the
        encoding and the documentation list them. Their defaults are the family's default
        configuration.
    preprocessing
        The preprocessing recipe: one of :data:`RECIPES`.
    build
        ``build(params, shape, seed)`` returns the unfitted scikit-learn estimator for
        ``params`` (hyperparameter name to value, without the family prefix), resolving
        relative hyperparameters against ``shape`` (a :class:`DataShape`).
    description
        One line for listings.
    """

    name: str
    task: str
    hyperparameters: tuple[Hyperparameter, ...]
    preprocessing: str
    build: Callable[[dict[str, Any], DataShape, int | None], Any]
    description: str

    def default_params(self, n_rows: int | None = None) -> dict[str, Any]:
        """scikit-learn's defaults; relative values reproduce them on ``n_rows`` training rows
        when given, else at the reference size the meta-database's pool used."""
        return {hp.name: hp.default_at(n_rows) if isinstance(hp, Float) else hp.default
                for hp in self.hyperparameters}

    def takes_sample_weight(self) -> bool:
        """Whether the family's estimator weights rows: its ``fit`` takes ``sample_weight``
        (through the target transform of a regressor that has one)."""
        from sklearn.utils.validation import has_fit_parameter

        model = self.build(self.default_params(), DataShape(n_samples=100, n_features=2), 0)
        # TransformedTargetRegressor passes **fit_params on to the regressor it wraps.
        model = getattr(model, "regressor", None) or model
        return has_fit_parameter(model, "sample_weight")

    def __reduce__(self):
        # Pickled by name: ``build`` is a closure, and whatever holds a family (a fitted
        # estimator's study and sampler, a trial worker's job) must still pickle. Unpickling
        # looks the family up in the registry of the unpickling process.
        return _family, (self.task, self.name)


#: The registry: family name -> {task: Family}, in registration order. Read it through
#: :func:`families_for`; change it only through :func:`register_family`.
_REGISTRY: dict[str, dict[str, Family]] = {}
#: Bumped whenever the registry changes, so cached search spaces are rebuilt.
_generation = 0


def register_family(*variants: Family, replace: bool = False) -> None:
    """Add a model family to the search space: one :class:`Family` per task type it serves.

    All ``variants`` share one name and serve different task types. The family joins each of
    those task types' spaces after the families registered before it. Spaces built before the
    call are not changed; :func:`metaautoml.space.get_space` builds new ones.

    A family is looked up by name when it is unpickled (in a trial worker, say), so a family
    that is not registered here, in ``metaautoml/space/_families.py``, must be registered in
    every process that unpickles it, before it does.

    Parameters
    ----------
    *variants : Family
        The family for each task type it serves.
    replace : bool, default=False
        Allow replacing a registered family of the same name (which keeps its place).

    Raises
    ------
    ValueError
        No variant, different names, an invalid name, an unknown task type or recipe, two
        variants for one task type, duplicate hyperparameter names, or a registered name
        without ``replace``.
    """
    global _generation
    if not variants:
        raise ValueError("register_family needs at least one Family")
    names = {family.name for family in variants}
    if len(names) != 1:
        raise ValueError(f"the variants of one family share its name, got {sorted(names)}")
    name = variants[0].name
    if not isinstance(name, str) or not name.isidentifier() or "__" in name:
        raise ValueError(f"a family name is an identifier without '__', got {name!r}")
    by_task: dict[str, Family] = {}
    for family in variants:
        if not isinstance(family, Family):
            raise ValueError(f"register_family takes Family objects, got {family!r}")
        task = check_task(family.task)
        if task in by_task:
            raise ValueError(f"family {name!r} has two variants for {task}")
        if family.preprocessing not in RECIPES:
            raise ValueError(f"family {name!r} ({task}): unknown preprocessing recipe "
                             f"{family.preprocessing!r}; expected one of {list(RECIPES)}")
        hp_names = [hp.name for hp in family.hyperparameters]
        if len(set(hp_names)) != len(hp_names):
            raise ValueError(f"family {name!r} ({task}) repeats a hyperparameter name: {hp_names}")
        by_task[task] = family
    if name in _REGISTRY and not replace:
        raise ValueError(f"model family {name!r} is already registered")
    _REGISTRY[name] = by_task
    _generation += 1


def unregister_family(name: str) -> None:
    """Remove a family registered with :func:`register_family` (a test's temporary one, say).

    Raises
    ------
    ValueError
        If no family of that name is registered.
    """
    global _generation
    if name not in _REGISTRY:
        raise ValueError(f"no model family {name!r} is registered")
    del _REGISTRY[name]
    _generation += 1


def families_for(task: str) -> tuple[Family, ...]:
    """The families serving ``task``, in registration order: the families of its space.

    Examples
    --------
    >>> from metaautoml.space import families_for
    >>> [family.name for family in families_for("regression")][:3]
    ['hist_gradient_boosting', 'random_forest', 'extra_trees']
    """
    task = check_task(task)
    return tuple(variants[task] for variants in _REGISTRY.values() if task in variants)


def registry_generation() -> int:
    """A number that changes whenever the registry does (what cached spaces are keyed on)."""
    return _generation


def _family(task: str, name: str) -> Family:
    try:
        return _REGISTRY[name][task]
    except KeyError:
        raise ValueError(f"model family {name!r} is not registered for {task}") from None


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


#: scikit-learn's absolute defaults that relative hyperparameters reproduce per dataset.
HGB_MIN_SAMPLES_LEAF = 20
KNN_N_NEIGHBORS = 5


# Module-level, not lambdas: the space is pickled with a fitted estimator.
def _hgb_leaf_fraction_for(n_rows: int) -> float:
    return HGB_MIN_SAMPLES_LEAF / n_rows


def _knn_exponent_for(n_rows: int) -> float:
    return math.log(KNN_N_NEIGHBORS) / math.log(n_rows)


def _hgb_hps(classification: bool) -> tuple:
    return (
        Float("learning_rate", 0.01, 1.0, 0.1, log=True),
        Int("max_iter", 32, 512, 100, log=True, doc="boosting rounds"),
        Int("max_leaf_nodes", 4, 256, 31, log=True),
        Float("min_samples_leaf_fraction", 1e-4, 0.1, 0.01, log=True,
              default_for_rows=_hgb_leaf_fraction_for),
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
          doc="n_neighbors = n_train ** exponent; the default gives 5 at 1,000 rows",
          default_for_rows=_knn_exponent_for),
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


# -- hyperparameters of every configuration of a task, whatever its family -------------------
#: How a regression configuration transforms the target before fitting (predictions are mapped
#: back): heavy-tailed targets (prices, counts, durations) are often fitted better on a log or
#: power scale. Searched and pooled like any hyperparameter; see :class:`TargetTransformer`.
TARGET_TRANSFORM = Categorical(
    "target_transform", ("none", "log1p", "yeo_johnson"), "none",
    doc="'log1p' is sign(y) log(1 + |y|), log1p on a non-negative target; 'yeo_johnson' is the "
        "standardized Yeo-Johnson power transform")

_TASK_HYPERPARAMETERS: dict[str, tuple[Hyperparameter, ...]] = {
    "classification": (),
    "regression": (TARGET_TRANSFORM,),
}


def task_hyperparameters(task: str) -> tuple[Hyperparameter, ...]:
    """The hyperparameters every configuration of ``task`` has besides its family's, named
    without a family prefix (``config["target_transform"]``)."""
    return _TASK_HYPERPARAMETERS[check_task(task)]


def with_task_hyperparameters(model, task: str, params: dict[str, Any]):
    """``model`` with the task-level hyperparameters of ``params`` applied: a regressor wrapped
    in a ``TransformedTargetRegressor`` unless its target transform is ``"none"``."""
    transform = params.get(TARGET_TRANSFORM.name, TARGET_TRANSFORM.default)
    if task != "regression" or transform == "none":
        return model
    return TransformedTargetRegressor(regressor=model, transformer=TargetTransformer(transform),
                                      check_inverse=False)


# -- the registry: one register_family call per family, in the order of the spaces ------------
register_family(
    Family("hist_gradient_boosting", "classification", _hgb_hps(True), "native",
           _build_hgb(HistGradientBoostingClassifier), "histogram gradient boosting"),
    Family("hist_gradient_boosting", "regression", _hgb_hps(False), "native",
           _build_hgb(HistGradientBoostingRegressor), "histogram gradient boosting"),
)

register_family(
    Family("random_forest", "classification", _forest_hps(True, True), "ordinal",
           _build_forest(RandomForestClassifier, True), "random forest, 100 trees"),
    Family("random_forest", "regression", _forest_hps(True, False), "ordinal",
           _build_forest(RandomForestRegressor, False), "random forest, 100 trees"),
)

register_family(
    Family("extra_trees", "classification", _forest_hps(False, True), "ordinal",
           _build_forest(ExtraTreesClassifier, True), "extremely randomized trees, 100 trees"),
    Family("extra_trees", "regression", _forest_hps(False, False), "ordinal",
           _build_forest(ExtraTreesRegressor, False), "extremely randomized trees, 100 trees"),
)

register_family(
    Family("linear", "classification",
           (Float("C", 1e-4, 1e4, 1.0, log=True, doc="inverse L2 strength"), _CLASS_WEIGHT),
           "scaled",
           lambda p, shape, seed: LogisticRegression(C=p["C"], class_weight=_class_weight(p),
                                                     max_iter=1000),
           "L2-regularized logistic regression"),
    Family("linear", "regression", (Float("alpha", 1e-4, 1e4, 1.0, log=True),), "scaled",
           lambda p, shape, seed: Ridge(alpha=p["alpha"]), "ridge regression"),
)

register_family(
    Family("svm", "classification",
           (Float("C", 1e-2, 1e3, 1.0, log=True), Float("gamma_scale", 1e-3, 1e2, 1.0, log=True),
            _CLASS_WEIGHT),
           "scaled",
           lambda p, shape, seed: RelativeGammaSVC(C=p["C"], gamma_scale=p["gamma_scale"],
                                                   class_weight=_class_weight(p),
                                                   random_state=seed),
           "RBF-kernel support vector machine with sigmoid-calibrated probabilities"),
    Family("svm", "regression",
           (Float("C", 1e-2, 1e3, 1.0, log=True), Float("gamma_scale", 1e-3, 1e2, 1.0, log=True),
            Float("epsilon", 1e-3, 1.0, 0.1, log=True, doc="on the standardized target")),
           "scaled",
           lambda p, shape, seed: _scaled_target(RelativeGammaSVR(
               C=p["C"], gamma_scale=p["gamma_scale"], epsilon=p["epsilon"])),
           "RBF-kernel support vector regression on a standardized target"),
)

register_family(
    Family("knn", "classification", _KNN_HPS, "scaled", _build_knn(KNeighborsClassifier),
           "k-nearest neighbours"),
    Family("knn", "regression", _KNN_HPS, "scaled", _build_knn(KNeighborsRegressor),
           "k-nearest neighbours"),
)

register_family(
    Family("mlp", "classification", _MLP_HPS, "scaled", _build_mlp(MLPClassifier, False),
           "multi-layer perceptron (Adam, 200 epochs)"),
    Family("mlp", "regression", _MLP_HPS, "scaled", _build_mlp(MLPRegressor, True),
           "multi-layer perceptron (Adam, 200 epochs) on a standardized target"),
)
