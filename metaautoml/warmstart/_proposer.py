"""Warm-start proposals: a matched, surrogate-informed greedy portfolio with a transfer guard."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..matcher import BaseMatcher
from ..metadb import MetaTrainingSet
from ..space import FAMILY, Config
from ..surrogate import MetaSurrogate
from ._portfolio import greedy_portfolio

#: ``source`` tags of warm-start trials, by why a configuration was chosen.
MATCHED_SOURCE = "warm_start:matched"
SURROGATE_SOURCE = "warm_start:surrogate"
PORTFOLIO_SOURCE = "warm_start:portfolio"

#: Default matching temperature per task type: the full system's lowest mean regret over
#: k = 1-25 on the 5-fold sweep (benchmarks/pool_sweep.py; docs/benchmarks.md, "Warm-start
#: settings"), 0.5 for classification and 0.25 for regression. The former 1.0 was worse on both;
#: regression's sharper optimum is where the L1 nearest-neighbour baseline had led.
DEFAULT_TEMPERATURE = {"classification": 0.5, "regression": 0.25}


@dataclass
class ProposerConfig:
    """How the proposer blends its sources (stored with the meta-trained models).

    Attributes
    ----------
    temperature : float
        Dataset weights are ``exp(-(d - d_min) / (temperature * s))`` with ``s`` the median
        distance between a meta-training dataset and its nearest neighbour: small values trust
        the closest datasets, large ones approach the static portfolio. :meth:`for_task` gives
        each task type its default (:data:`DEFAULT_TEMPERATURE`).
    surrogate_weight : float
        Weight of the surrogate's zero-shot prediction for the new dataset, relative to the
        matched datasets' total weight of 1.
    matched_first : int
        Leading proposals chosen from the matched datasets alone, before the surrogate's
        prediction counts: the zero-shot prediction is the least reliable source on a dataset
        unlike the meta-database's, and a first pick it misjudges costs most (in the pool
        benchmark it raised the regret at k = 1 on both task types; docs/benchmarks.md).
    match_quantile : float
        A new dataset farther from its nearest neighbour than this quantile of the meta-training
        datasets' nearest-neighbour distances is poorly matched; trust falls linearly to 0 at
        twice that distance.
    out_of_range_trust : float
        Factor applied to trust for each of rows, features and classes outside the range seen in
        the meta-database.
    n_explain : int
        Neighbours listed in the explanation.
    """

    temperature: float = 0.5
    surrogate_weight: float = 0.5
    matched_first: int = 1
    match_quantile: float = 0.95
    out_of_range_trust: float = 0.5
    n_explain: int = 5

    @classmethod
    def for_task(cls, task: str, **overrides) -> ProposerConfig:
        """The defaults for ``task`` ("classification" or "regression"), with ``overrides``."""
        return cls(**{"temperature": DEFAULT_TEMPERATURE.get(task, cls.temperature), **overrides})


@dataclass
class WarmStart:
    """What a proposer suggests for one dataset, and why.

    Attributes
    ----------
    proposals : list of (str, dict)
        ``(source, configuration)`` in the order to try them.
    table : DataFrame
        One row per proposal: ``rank, source, family, predicted, matched_best_on, config_id``.
        ``predicted`` is the surrogate's standardized zero-shot utility (NaN without one).
    neighbors : DataFrame
        The nearest meta-database datasets: ``dataset, distance, weight``.
    trust : float
        In [0, 1]: 1 uses the matched datasets and the surrogate fully, 0 falls back to the
        static portfolio (the new dataset is out of range or poorly matched).
    reasons : list of str
        Why trust was lowered, if it was.
    """

    proposals: list[tuple[str, Config]]
    table: pd.DataFrame
    neighbors: pd.DataFrame
    trust: float
    reasons: list[str] = field(default_factory=list)


class WarmStartProposer:
    """Proposes configurations for a new dataset from the meta-database.

    The configurations come from the meta-database's pool and are picked by a greedy portfolio
    whose objective weights each meta-training dataset by its similarity to the new one (the
    matcher) and adds the surrogate's zero-shot prediction for the new dataset as one more
    "dataset". When the new dataset lies outside the meta-database's range or is poorly matched,
    the weights flatten towards uniform and the surrogate's share shrinks: the proposals become
    auto-sklearn 2.0's static portfolio, which is never far from the library defaults' quality.

    Parameters
    ----------
    training : MetaTrainingSet
        Pool, meta-features and performance of the meta-training datasets.
    matcher : BaseMatcher, optional
        Fitted on ``training`` (or a superset); without one, weights are uniform.
    surrogate : MetaSurrogate, optional
        Fitted; without one, no zero-shot prior.
    config : ProposerConfig, optional
    """

    def __init__(self, training: MetaTrainingSet, matcher: BaseMatcher | None = None,
                 surrogate: MetaSurrogate | None = None, config: ProposerConfig | None = None):
        self.training = training
        self.matcher = matcher
        self.surrogate = surrogate
        self.config = config or ProposerConfig.for_task(training.task)
        self.performance = training.normalized("minmax")
        if matcher is not None:
            known = set(matcher.datasets)
            self._rows = np.array([i for i, d in enumerate(training.datasets) if d in known])
            self._matcher_columns = np.array([matcher.datasets.index(training.datasets[i])
                                              for i in self._rows])
            train_mf = training.meta_features.iloc[self._rows]
            between = matcher.distances(train_mf)[:, self._matcher_columns]
            np.fill_diagonal(between, np.inf)
            self._nn_distances = between.min(axis=1)
        else:
            self._rows = np.arange(training.n_datasets)

    def _trust(self, meta_features: pd.Series, distances: np.ndarray | None) -> tuple[float, list[str]]:
        cfg, trust, reasons = self.config, 1.0, []
        info = self.training.info
        for column, feature in (("n_rows", "n_rows"), ("n_features", "n_features"),
                                ("n_classes", "n_classes")):
            value = meta_features.get(feature, np.nan)
            if column not in info or not np.isfinite(value) or info[column].isna().all():
                continue
            low, high = info[column].min(), info[column].max()
            # The meta-database caps rows, so anything larger looks like its largest datasets.
            if column == "n_rows":
                high = max(high, info["n_rows_original"].max()) if "n_rows_original" in info else high
            if value < low or value > high:
                trust *= cfg.out_of_range_trust
                reasons.append(f"{column}={value:g} is outside the meta-database's range [{low:g}, {high:g}]")
        if distances is not None and len(self._nn_distances) > 1:
            reference = float(np.quantile(self._nn_distances, cfg.match_quantile))
            nearest = float(distances.min())
            if reference > 0 and nearest > reference:
                factor = float(np.clip(2.0 - nearest / reference, 0.0, 1.0))
                trust *= factor
                reasons.append(f"nearest dataset at distance {nearest:.3g}, farther than "
                               f"{cfg.match_quantile:.0%} of the meta-database's own neighbours ({reference:.3g})")
        return trust, reasons

    def weights(self, meta_features: pd.Series) -> tuple[np.ndarray, np.ndarray | None, float, list[str]]:
        """Dataset weights (over ``training.datasets``), distances, trust and its reasons."""
        n = self.training.n_datasets
        uniform = np.full(n, 1.0 / n)
        if self.matcher is None:
            trust, reasons = self._trust(meta_features, None)
            return uniform, None, trust, reasons
        distances = np.full(n, np.inf)
        distances[self._rows] = self.matcher.distances(meta_features)[0, self._matcher_columns]
        trust, reasons = self._trust(meta_features, distances[self._rows])
        scale = float(np.median(self._nn_distances)) if len(self._nn_distances) else 1.0
        scale = max(scale * self.config.temperature, 1e-12)
        similarity = np.exp(-(distances - distances.min()) / scale)
        similarity /= similarity.sum()
        return trust * similarity + (1.0 - trust) * uniform, distances, trust, reasons

    def zero_shot(self, meta_features: pd.Series) -> np.ndarray | None:
        """The surrogate's standardized utility of every pool configuration (None without one)."""
        if self.surrogate is None:
            return None
        return self.surrogate.predict(meta_features, self.training.encodings)[0]

    def order(self, meta_features: pd.Series, n: int, *, exclude: np.ndarray | None = None
              ) -> tuple[list[int], np.ndarray, np.ndarray | None, np.ndarray | None, float, list[str]]:
        """Pool indices to try, in order, with what chose them (see :meth:`propose`)."""
        weights, distances, trust, reasons = self.weights(meta_features)
        predicted = self.zero_shot(meta_features)
        prior = None
        if predicted is not None:
            span = predicted.max() - predicted.min()
            prior = (predicted - predicted.min()) / (span if span > 0 else 1.0)
        chosen = greedy_portfolio(self.performance, n, weights=weights, prior=prior,
                                  prior_weight=self.config.surrogate_weight * trust, exclude=exclude,
                                  prior_start=self.config.matched_first)
        return chosen, weights, distances, predicted, trust, reasons

    def propose(self, meta_features: pd.Series, n: int) -> WarmStart:
        """Up to ``n`` pool configurations for a dataset with these meta-features.

        Parameters
        ----------
        meta_features : Series
            From :func:`~metaautoml.extract_meta_features` on the new dataset.
        n : int
            How many to propose.

        Returns
        -------
        WarmStart
        """
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        chosen, weights, distances, predicted, trust, reasons = self.order(meta_features, int(n))
        names = self.training.datasets
        if distances is not None:
            near = np.argsort(distances, kind="stable")[:self.config.n_explain]
            neighbors = pd.DataFrame({"dataset": [names[i] for i in near],
                                      "distance": distances[near], "weight": weights[near]})
        else:
            neighbors = pd.DataFrame({"dataset": [], "distance": [], "weight": []})
        top = set(neighbors["dataset"][:3]) if trust > 0 else set()
        best_on = {}
        for i, name in enumerate(names):
            if name in top:
                best_on.setdefault(int(np.argmax(self.performance[i])), []).append(name)
        surrogate_top = set(np.argsort(-predicted)[:max(n, 1)]) if predicted is not None and trust > 0 else set()
        rows, proposals = [], []
        for rank, index in enumerate(chosen):
            if index in best_on:
                source = MATCHED_SOURCE
            elif index in surrogate_top:
                source = SURROGATE_SOURCE
            else:
                source = PORTFOLIO_SOURCE
            config = self.training.configs[index]
            proposals.append((source, config))
            rows.append({"rank": rank + 1, "source": source, "family": config[FAMILY],
                         "predicted": float(predicted[index]) if predicted is not None else np.nan,
                         "matched_best_on": ", ".join(best_on.get(index, [])),
                         "config_id": self.training.config_ids[index]})
        return WarmStart(proposals=proposals, table=pd.DataFrame(rows), neighbors=neighbors,
                         trust=trust, reasons=reasons)

    def save_config(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self.config), indent=1))
