"""The combined algorithm selection and hyperparameter (CASH) space of one task type."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

import numpy as np
import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution
from scipy.stats import qmc
from sklearn.pipeline import Pipeline

from ..task import TASKS as TASKS  # the task types, re-exported by metaautoml.space
from ..task import check_task
from ._families import DataShape, Family, families_for, registry_generation
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
    the space is built, in registration order.

    Parameters
    ----------
    task : {"classification", "regression"}

    Examples
    --------
    >>> from metaautoml.space import SearchSpace
    >>> space = SearchSpace("classification")
    >>> config = space.default_config("random_forest")
    >>> space.decode(space.encode(config)) == config
    True
    """

    def __init__(self, task: str):
        self.task = check_task(task)
        self.families: tuple[Family, ...] = families_for(self.task)
        if not self.families:
            raise ValueError(f"no model family is registered for {task}")
        self._by_name = {f.name: f for f in self.families}
        self._slots = self._encoding_slots()

    def __repr__(self) -> str:
        return f"SearchSpace({self.task!r})"

    @property
    def family_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.families)

    def family(self, name: str) -> Family:
        try:
            return self._by_name[name]
        except KeyError:
            raise ValueError(
                f"unknown model family {name!r} for {self.task}; expected one of {list(self.family_names)}"
            ) from None

    # -- Optuna -------------------------------------------------------------------------------
    def suggest(self, trial: optuna.Trial, families: tuple[str, ...] | None = None) -> Config:
        """Sample a configuration through ``trial``'s define-by-run API."""
        del families  # restricting the choice would change the distribution: keep it fixed
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
        return config

    def distributions(self, config: Config) -> dict[str, BaseDistribution]:
        """Optuna distributions of the parameters active in ``config`` (for ``add_trial``)."""
        family = self.family(config[FAMILY])
        dists: dict[str, BaseDistribution] = {FAMILY: CategoricalDistribution(list(self.family_names))}
        for hp in family.hyperparameters:
            dists[param_name(family.name, hp.name)] = hp.distribution()
        return dists

    # -- configurations -----------------------------------------------------------------------
    def default_config(self, family: str) -> Config:
        """The scikit-learn default of one family as a configuration."""
        fam = self.family(family)
        config: Config = {FAMILY: fam.name}
        config.update({param_name(fam.name, k): v for k, v in fam.default_params().items()})
        return config

    def default_configs(self) -> list[Config]:
        return [self.default_config(f.name) for f in self.families]

    def validate(self, config: Config) -> Config:
        """Check a configuration is complete and in range; return it with canonical types.

        Raises
        ------
        ValueError
            Naming the unknown family, missing or unexpected parameter, or out-of-range value.
        """
        if not isinstance(config, dict) or FAMILY not in config:
            raise ValueError(f"a configuration is a dict with a {FAMILY!r} key, got {config!r}")
        family = self.family(config[FAMILY])
        expected = {param_name(family.name, hp.name): hp for hp in family.hyperparameters}
        unexpected = sorted(set(config) - set(expected) - {FAMILY})
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
                if not np.isclose(clipped, float(value), rtol=1e-9, atol=0):
                    raise ValueError(f"{name}={value!r} outside [{hp.low}, {hp.high}]")
                out[name] = clipped
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
        return out

    def config_id(self, config: Config) -> str:
        """A stable 16-hex-digit identifier of a configuration (task included)."""
        canonical = json.dumps({"task": self.task, **self.validate(config)}, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def sample(self, n_per_family: int, seed: int = 0) -> list[Config]:
        """A space-filling sample: scrambled Sobol points per family, the same for every call.

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
                configs.append(config)
        return configs

    # -- fixed-length encoding ------------------------------------------------------------------
    def _encoding_slots(self) -> list[tuple[str, str, Any]]:
        slots: list[tuple[str, str, Any]] = [("onehot", FAMILY, f.name) for f in self.families]
        for family in self.families:
            for hp in family.hyperparameters:
                name = param_name(family.name, hp.name)
                if isinstance(hp, Categorical):
                    slots += [("choice", name, c) for c in hp.choices]
                else:
                    slots.append(("numeric", name, hp))
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
        categorical hyperparameters one-hot; slots of other families hold :data:`INACTIVE`."""
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
        """Inverse of :meth:`encode` (the family is the arg-max of its one-hot)."""
        vector = np.asarray(vector, dtype=np.float64)
        if vector.shape != (self.n_encoding,):
            raise ValueError(f"expected an encoding of length {self.n_encoding}, got shape {vector.shape}")
        n_families = len(self.families)
        family = self.families[int(np.argmax(vector[:n_families]))]
        config: Config = {FAMILY: family.name}
        for hp in family.hyperparameters:
            name = param_name(family.name, hp.name)
            idx = [i for i, (_, n, _) in enumerate(self._slots) if n == name]
            if isinstance(hp, Categorical):
                config[name] = hp.from_one_hot(vector[idx])
            else:
                config[name] = hp.from_unit(vector[idx[0]])
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
        return Pipeline([
            ("preprocess", make_preprocessor(family.preprocessing, columns)),
            ("model", family.build(params, shape, random_state)),
        ])


def get_space(task: str) -> SearchSpace:
    """The (cached) search space of a task type, rebuilt after the family registry changes
    (:func:`~metaautoml.space.register_family`)."""
    return _cached_space(check_task(task), registry_generation())


@lru_cache(maxsize=8)
def _cached_space(task: str, generation: int) -> SearchSpace:
    del generation  # the cache key: a new registry gets a new space
    return SearchSpace(task)
