"""The combined algorithm selection and hyperparameter (CASH) space of one task type."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution
from scipy.stats import qmc
from sklearn.pipeline import Pipeline

from ..task import TASKS as TASKS  # the task types, re-exported by metaautoml.space
from ..task import check_task
from ._families import (
    DataShape,
    Family,
    families_for,
    registry_generation,
    task_hyperparameters,
    with_task_hyperparameters,
)
from ._hyperparameters import Categorical, Int
from ._preprocessing import ColumnTypes, categorical_mask, make_preprocessor

#: Value of an encoding slot whose hyperparameter is inactive (belongs to another family).
INACTIVE = -1.0
#: Name of the family choice in a configuration and in Optuna's trial params.
FAMILY = "family"

Config = dict[str, Any]


def param_name(family: str, hyperparameter: str) -> str:
    """The Optuna parameter name of a family's hyperparameter, e.g. ``"svm__C"``."""
    return f"{family}__{hyperparameter}"


class SearchSpace:
    """Algorithm selection plus conditional hyperparameters over scikit-learn models.

    A configuration is a flat ``dict`` of Optuna parameter names: ``{"family": "svm", "svm__C": 1.0,
    ...}``, exactly what ``trial.params`` holds, so it can be enqueued as is. The space is the same
    for every dataset: relative hyperparameters are resolved against the data only when a pipeline
    is built, which keeps Optuna's distributions identical across studies and datasets.

    The families are those registered for ``task`` (:func:`~metaautoml.space.families_for`) when
    the space is built, in registration order, or the subset named by ``families``. A restricted
    space suggests and validates its own families only, but keeps the encoding of every
    registered family, so meta-learned models trained on the full space read its
    configurations unchanged.

    Parameters
    ----------
    task : {"classification", "regression"}
    families : iterable of str, optional
        The model families to search (see :func:`allowed_families`); all registered by default.

    Examples
    --------
    >>> from metaautoml.space import SearchSpace
    >>> space = SearchSpace("classification")
    >>> config = space.default_config("random_forest")
    >>> space.decode(space.encode(config)) == config
    True
    """

    def __init__(self, task: str, families: Iterable[str] | None = None):
        self.task = check_task(task)
        #: Every family registered for the task: the encoding's families.
        self.registered_families: tuple[Family, ...] = families_for(self.task)
        if not self.registered_families:
            raise ValueError(f"no model family is registered for {task}")
        if families is None:
            self.families: tuple[Family, ...] = self.registered_families
        else:
            names = set(allowed_families(self.task, include=families))
            self.families = tuple(f for f in self.registered_families if f.name in names)
        self._by_name = {f.name: f for f in self.families}
        #: Hyperparameters of every configuration whatever its family (regression: the target
        #: transform), named without a family prefix.
        self.task_hyperparameters = task_hyperparameters(self.task)
        self._slots = self._encoding_slots()

    @property
    def restricted(self) -> bool:
        """Whether the space searches fewer families than are registered for its task."""
        return len(self.families) < len(self.registered_families)

    def __repr__(self) -> str:
        if self.restricted:
            return f"SearchSpace({self.task!r}, families={list(self.family_names)!r})"
        return f"SearchSpace({self.task!r})"

    @property
    def family_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.families)

    def family(self, name: str) -> Family:
        try:
            return self._by_name[name]
        except KeyError:
            if any(f.name == name for f in self.registered_families):
                raise ValueError(f"model family {name!r} is not searched here; this space has "
                                 f"{list(self.family_names)}") from None
            raise ValueError(
                f"unknown model family {name!r} for {self.task}; expected one of {list(self.family_names)}"
            ) from None

    # -- Optuna -------------------------------------------------------------------------------
    def suggest(self, trial: optuna.Trial) -> Config:
        """Sample a configuration through ``trial``'s define-by-run API, of this space's
        families (a restricted space, :func:`get_space` with ``families``, restricts it)."""
        family = self.family(trial.suggest_categorical(FAMILY, list(self.family_names)))
        config: Config = {FAMILY: family.name}
        for hp in family.hyperparameters:
            name = param_name(family.name, hp.name)
            dist = hp.distribution()
            if isinstance(dist, CategoricalDistribution):
                config[name] = trial.suggest_categorical(name, list(dist.choices))
            elif hasattr(dist, "step") and type(dist).__name__ == "IntDistribution":
                config[name] = trial.suggest_int(name, dist.low, dist.high, log=dist.log)
            else:
                config[name] = trial.suggest_float(name, dist.low, dist.high, log=dist.log)
        for hp in self.task_hyperparameters:
            config[hp.name] = trial.suggest_categorical(hp.name, list(hp.choices))
        return config

    def distributions(self, config: Config) -> dict[str, BaseDistribution]:
        """Optuna distributions of the parameters active in ``config`` (for ``add_trial``)."""
        family = self.family(config[FAMILY])
        dists: dict[str, BaseDistribution] = {FAMILY: CategoricalDistribution(list(self.family_names))}
        for hp in family.hyperparameters:
            dists[param_name(family.name, hp.name)] = hp.distribution()
        for hp in self.task_hyperparameters:
            dists[hp.name] = hp.distribution()
        return dists

    # -- configurations -----------------------------------------------------------------------
    def default_config(self, family: str, n_rows: int | None = None) -> Config:
        """The scikit-learn default of one family as a configuration.

        Parameters
        ----------
        family : str
        n_rows : int, optional
            The training rows of the dataset it is for. Relative hyperparameters whose
            scikit-learn default is absolute (HistGradientBoosting's ``min_samples_leaf=20``,
            k-NN's ``n_neighbors=5``) then take the value that reproduces it on those rows;
            without it, the value that reproduces it at the reference size the meta-database's
            pool was built with (``docs/search_space.md``).
        """
        fam = self.family(family)
        config: Config = {FAMILY: fam.name}
        config.update({param_name(fam.name, k): v for k, v in fam.default_params(n_rows).items()})
        config.update({hp.name: hp.default for hp in self.task_hyperparameters})
        return config

    def default_configs(self, n_rows: int | None = None) -> list[Config]:
        """Every family's :meth:`default_config`, in registration order."""
        return [self.default_config(f.name, n_rows) for f in self.families]

    def sized_default(self, config: Config, n_rows: int | None) -> Config | None:
        """What ``config`` stands for on a dataset of ``n_rows`` rows, when it is its family's
        default at the reference size: the family's :meth:`default_config` on those rows, with
        ``config``'s task-level values (a regression target transform) as it has them. It equals
        ``config`` for a family without row-relative hyperparameters. None for any other
        configuration (it means the same on every dataset).

        The meta-database's pool holds each default at the reference size; where a relative
        hyperparameter stands for an absolute scikit-learn default, the default a user's search
        starts from is this one.
        """
        family = config[FAMILY]
        task_level = {hp.name for hp in self.task_hyperparameters}
        reference = self.default_config(family)
        if any(config.get(k) != v for k, v in reference.items() if k not in task_level):
            return None
        # Task-level values as ``config`` has them (one written before they existed lacks them).
        sized = {k: v for k, v in self.default_config(family, n_rows).items() if k not in task_level}
        sized.update({k: config[k] for k in task_level if k in config})
        return sized

    def validate(self, config: Config) -> Config:
        """Check a configuration is complete and in range; return it with canonical types.

        A task-level hyperparameter left out (a configuration written before it existed) takes
        its default.

        Raises
        ------
        ValueError
            Naming the unknown family, missing or unexpected parameter, or out-of-range value.
        """
        if not isinstance(config, dict) or FAMILY not in config:
            raise ValueError(f"a configuration is a dict with a {FAMILY!r} key, got {config!r}")
        family = self.family(config[FAMILY])
        expected = {param_name(family.name, hp.name): hp for hp in family.hyperparameters}
        task_level = {hp.name: hp for hp in self.task_hyperparameters}
        unexpected = sorted(set(config) - set(expected) - set(task_level) - {FAMILY})
        if unexpected:
            raise ValueError(f"parameters {unexpected} do not belong to family {family.name!r}")
        out: Config = {FAMILY: family.name}
        for name, hp in expected.items():
            if name not in config:
                raise ValueError(f"configuration of {family.name!r} lacks parameter {name!r}")
            value = config[name]
            if isinstance(hp, Categorical):
                out[name] = hp.clip(value)
            else:
                try:
                    number = float(value)
                except (TypeError, ValueError):
                    raise ValueError(f"{name}={value!r} must be a number") from None
                # Int.clip rounds, which would otherwise report 1.5 as "outside [1, 3]".
                if isinstance(hp, Int) and np.isfinite(number) and number != round(number):
                    raise ValueError(f"{name}={value!r} must be an integer")
                clipped = hp.clip(value)
                # np.isclose(clipped, number, rtol=1e-9, atol=0), without its per-call cost:
                # the surrogate sampler validates hundreds of candidates before every trial.
                if not (clipped == number or (math.isfinite(number)
                                              and abs(clipped - number) <= 1e-9 * abs(number))):
                    raise ValueError(f"{name}={value!r} outside [{hp.low}, {hp.high}]")
                out[name] = clipped
        for name, hp in task_level.items():
            out[name] = hp.clip(config.get(name, hp.default))
        return out

    def clip(self, config: Config) -> Config:
        """Bring numeric values into range (Optuna only warns on out-of-range enqueued values).

        Missing parameters take the family default; unknown categorical values raise.
        """
        family = self.family(config[FAMILY])
        out: Config = {FAMILY: family.name}
        for hp in family.hyperparameters:
            name = param_name(family.name, hp.name)
            out[name] = hp.clip(config.get(name, hp.default))
        for hp in self.task_hyperparameters:
            out[hp.name] = hp.clip(config.get(hp.name, hp.default))
        return out

    def config_id(self, config: Config) -> str:
        """A stable 16-hex-digit identifier of a configuration (task included).

        Task-level hyperparameters at their default are left out of what is hashed, so a
        configuration keeps the identifier it had before they existed (the meta-database's
        evaluations stay attached to it)."""
        config = self.validate(config)
        for hp in self.task_hyperparameters:
            if config[hp.name] == hp.default:
                del config[hp.name]
        canonical = json.dumps({"task": self.task, **config}, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def sample(self, n_per_family: int, seed: int = 0) -> list[Config]:
        """A space-filling sample: scrambled Sobol points per family, the same for every call.
        Task-level hyperparameters are at their defaults.

        Examples
        --------
        >>> space = SearchSpace("regression")
        >>> len(space.sample(4)) == 4 * len(space.families)
        True
        """
        configs: list[Config] = []
        for index, family in enumerate(self.families):
            sampler = qmc.Sobol(d=len(family.hyperparameters), scramble=True, seed=seed + 7919 * index)
            # Sobol balance properties hold for powers of two; draw one and keep a prefix.
            points = sampler.random(int(2 ** np.ceil(np.log2(max(n_per_family, 1)))))[:n_per_family]
            for u in points:
                config: Config = {FAMILY: family.name}
                for hp, value in zip(family.hyperparameters, u, strict=True):
                    name = param_name(family.name, hp.name)
                    if isinstance(hp, Categorical):
                        config[name] = hp.choices[min(int(value * len(hp.choices)), len(hp.choices) - 1)]
                    else:
                        config[name] = hp.from_unit(value)
                config.update({hp.name: hp.default for hp in self.task_hyperparameters})
                configs.append(config)
        return configs

    # -- fixed-length encoding ------------------------------------------------------------------
    def _encoding_slots(self) -> list[tuple[str, str, Any]]:
        slots: list[tuple[str, str, Any]] = [("onehot", FAMILY, f.name)
                                             for f in self.registered_families]
        for family in self.registered_families:
            for hp in family.hyperparameters:
                name = param_name(family.name, hp.name)
                if isinstance(hp, Categorical):
                    slots += [("choice", name, c) for c in hp.choices]
                else:
                    slots.append(("numeric", name, hp))
        # Last, so the family slots keep their positions whatever the task adds.
        for hp in self.task_hyperparameters:
            slots += [("choice", hp.name, c) for c in hp.choices]
        return slots

    @property
    def encoding_names(self) -> list[str]:
        """Names of the encoding's columns, e.g. ``family=svm``, ``svm__C``, ``knn__weights=distance``."""
        names = []
        for kind, name, extra in self._slots:
            names.append(name if kind == "numeric" else f"{name}={extra}")
        return names

    @property
    def n_encoding(self) -> int:
        return len(self._slots)

    def encode(self, config: Config) -> np.ndarray:
        """Family one-hot, then every hyperparameter scaled to [0, 1] (log where searched on log);
        categorical hyperparameters one-hot; slots of other families hold :data:`INACTIVE`; the
        task-level hyperparameters' one-hots last."""
        config = self.validate(config)
        vector = np.full(self.n_encoding, INACTIVE, dtype=np.float64)
        for i, (kind, name, extra) in enumerate(self._slots):
            if kind == "onehot":
                vector[i] = 1.0 if config[FAMILY] == extra else 0.0
            elif name in config:
                vector[i] = extra.to_unit(config[name]) if kind == "numeric" else float(config[name] == extra)
        return vector

    def encode_many(self, configs: list[Config]) -> np.ndarray:
        return np.stack([self.encode(c) for c in configs]) if configs else np.empty((0, self.n_encoding))

    def decode(self, vector) -> Config:
        """Inverse of :meth:`encode` (the family is the arg-max of its one-hot, over this
        space's families)."""
        vector = np.asarray(vector, dtype=np.float64)
        if vector.shape != (self.n_encoding,):
            raise ValueError(f"expected an encoding of length {self.n_encoding}, got shape {vector.shape}")
        onehot = {f.name: vector[i] for i, f in enumerate(self.registered_families)}
        family = max(self.families, key=lambda f: onehot[f.name])
        config: Config = {FAMILY: family.name}
        for hp in family.hyperparameters:
            name = param_name(family.name, hp.name)
            idx = [i for i, (_, n, _) in enumerate(self._slots) if n == name]
            if isinstance(hp, Categorical):
                config[name] = hp.from_one_hot(vector[idx])
            else:
                config[name] = hp.from_unit(vector[idx[0]])
        for hp in self.task_hyperparameters:
            config[hp.name] = hp.from_one_hot(vector[[i for i, (_, n, _) in enumerate(self._slots)
                                                      if n == hp.name]])
        return config

    # -- pipelines ------------------------------------------------------------------------------
    def family_params(self, config: Config) -> dict[str, Any]:
        """The active hyperparameters of ``config`` without the family prefix."""
        config = self.validate(config)
        prefix = config[FAMILY] + "__"
        return {k[len(prefix):]: v for k, v in config.items() if k.startswith(prefix)}

    def build_pipeline(self, config: Config, columns: ColumnTypes, n_samples: int,
                       random_state: int | None = None) -> Pipeline:
        """An unfitted ``Pipeline(preprocess, model)`` for data of this shape.

        ``n_samples`` is the number of rows the pipeline will be fitted on; relative
        hyperparameters are resolved against it and against ``columns``.
        """
        family = self.family(config[FAMILY])
        params = self.family_params(config)
        shape = DataShape(n_samples=int(n_samples), n_features=columns.n_columns,
                          categorical_mask=categorical_mask(columns) if family.preprocessing == "native" else None)
        model = with_task_hyperparameters(family.build(params, shape, random_state), self.task,
                                          self.validate(config))
        return Pipeline([
            ("preprocess", make_preprocessor(family.preprocessing, columns)),
            ("model", model),
        ])


def allowed_families(task: str, include: Iterable[str] | None = None,
                     exclude: Iterable[str] | None = None) -> tuple[str, ...]:
    """The registered families of ``task`` named by ``include`` (all when ``None``) and not by
    ``exclude``, in registration order.

    Raises
    ------
    ValueError
        For a name that is not a registered family of the task, a bare string instead of a
        list, or when nothing is left to search.

    Examples
    --------
    >>> from metaautoml.space import allowed_families
    >>> allowed_families("regression", include=["svm", "linear"])
    ('linear', 'svm')
    """
    registered = tuple(f.name for f in families_for(check_task(task)))
    chosen = {}
    for argument, names in (("include", include), ("exclude", exclude)):
        if names is None:
            continue
        if isinstance(names, str) or not isinstance(names, Iterable):
            raise ValueError(f"{argument} must be a list of model family names, got {names!r}")
        names = list(names)
        unknown = [n for n in names if n not in registered]
        if unknown:
            raise ValueError(f"{argument}: unknown model famil{'y' if len(unknown) == 1 else 'ies'} "
                             f"{', '.join(map(repr, unknown))} for {task}; expected some of "
                             f"{list(registered)}")
        chosen[argument] = set(names)
    kept = tuple(n for n in registered if n in chosen.get("include", registered)
                 and n not in chosen.get("exclude", ()))
    if not kept:
        raise ValueError(f"include={include!r} and exclude={exclude!r} leave no model family "
                         f"of {task} to search")
    return kept


def get_space(task: str, families: Iterable[str] | None = None) -> SearchSpace:
    """The (cached) search space of a task type, restricted to ``families`` if given, rebuilt
    after the family registry changes (:func:`~metaautoml.space.register_family`)."""
    task = check_task(task)
    key = None if families is None else allowed_families(task, include=families)
    if key is not None and len(key) == len(families_for(task)):
        key = None  # every family: the same space as no restriction
    return _cached_space(task, key, registry_generation())


@lru_cache(maxsize=32)
def _cached_space(task: str, families: tuple[str, ...] | None, generation: int) -> SearchSpace:
    del generation  # the cache key: a new registry gets a new space
    return SearchSpace(task, families)
