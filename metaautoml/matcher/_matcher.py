"""Dataset matchers: which datasets of the meta-database resemble a new one.

Two matchers share one interface (:class:`BaseMatcher`), and both are registered matcher kinds
(:func:`~metaautoml.matcher.register_matcher`), so the warm start's artifacts can save and load
either:

- :class:`L1Matcher` is auto-sklearn 1.0's: L1 distance between min-max scaled meta-features.
- :class:`LearnedMatcher` embeds robustly scaled meta-features with a small network trained so
  that the distance between two datasets tracks how differently the configuration pool performs
  on them (one minus the Spearman correlation of their performance vectors), with a
  prototypical loss that pulls subsampled views of one dataset together.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

from .._torch import single_threaded
from ..metadb import MetaFeatureScaler, MetaTrainingSet
from ._registry import register_matcher


def performance_similarity(scores: np.ndarray) -> np.ndarray:
    """Spearman correlation between datasets' performance vectors (failed runs rank last).

    Parameters
    ----------
    scores : ndarray of shape (n_datasets, n_configs)
        Raw scores, NaN for failed evaluations.

    Returns
    -------
    ndarray of shape (n_datasets, n_datasets)
        Symmetric, ones on the diagonal; 0 for a dataset on which every configuration tied.
    """
    filled = np.where(np.isfinite(scores), scores, -np.inf)
    ranks = np.vstack([pd.Series(row).rank(method="average").to_numpy() for row in filled])
    ranks -= ranks.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(ranks, axis=1)
    with np.errstate(all="ignore"):
        similarity = (ranks @ ranks.T) / np.outer(norms, norms)
    similarity = np.where(np.isfinite(similarity), similarity, 0.0)
    np.fill_diagonal(similarity, 1.0)
    return similarity


class BaseMatcher(ABC):
    """Finds the datasets of a meta-training set closest to a new dataset's meta-features.

    A subclass satisfies :class:`~metaautoml.matcher.Matcher`, what the warm-start proposer
    needs; to be saved with the meta-trained artifacts it also implements ``save`` and ``load``,
    sets ``kind`` (and ``artifact_suffixes``) and is registered with
    :func:`~metaautoml.matcher.register_matcher`.
    """

    #: The name a saved matcher's JSON carries (a registered class's).
    kind: str = ""
    #: Suffixes of the files ``save`` writes next to each other.
    artifact_suffixes: tuple[str, ...] = (".json",)
    datasets: list[str]

    @abstractmethod
    def fit(self, training: MetaTrainingSet) -> BaseMatcher:
        """Learn from ``training``; returns self."""

    @abstractmethod
    def distances(self, meta_features: pd.Series | pd.DataFrame) -> np.ndarray:
        """Distances from each row of ``meta_features`` to every training dataset,
        shape ``(n_rows, n_datasets)`` (a Series is one row)."""

    def neighbors(self, meta_features: pd.Series, k: int = 5) -> pd.DataFrame:
        """The ``k`` nearest training datasets, nearest first.

        Parameters
        ----------
        meta_features : Series
            Meta-features of the new dataset (:func:`~metaautoml.extract_meta_features`).
        k : int
            Number of neighbours (at most the number of training datasets).

        Returns
        -------
        DataFrame
            Columns ``dataset`` and ``distance``.
        """
        if not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        distances = self.distances(meta_features)[0]
        order = np.argsort(distances, kind="stable")[:k]
        return pd.DataFrame({"dataset": [self.datasets[i] for i in order],
                             "distance": distances[order]})


@register_matcher
class L1Matcher(BaseMatcher):
    """auto-sklearn 1.0's matcher: L1 distance on meta-features min-max scaled to the training set.

    Examples
    --------
    >>> import pandas as pd
    >>> from metaautoml.matcher import L1Matcher
    >>> matcher = L1Matcher().fit_frame(pd.DataFrame({"rows": [10.0, 20.0, 30.0]},
    ...                                              index=["a", "b", "c"]))
    >>> matcher.neighbors(pd.Series({"rows": 19.0}), k=2)["dataset"].tolist()
    ['b', 'a']
    """

    kind = "l1"

    def fit(self, training: MetaTrainingSet) -> L1Matcher:
        return self.fit_frame(training.meta_features)

    def fit_frame(self, meta_features: pd.DataFrame) -> L1Matcher:
        """Fit on a datasets x meta-features frame."""
        self.names = list(meta_features.columns)
        self.datasets = list(meta_features.index)
        values = meta_features.to_numpy(dtype=np.float64)
        with np.errstate(all="ignore"):
            self.low = np.nanmin(values, axis=0)
            self.high = np.nanmax(values, axis=0)
        self.low = np.where(np.isfinite(self.low), self.low, 0.0)
        self.high = np.where(np.isfinite(self.high), self.high, 1.0)
        self.train_ = self._scale(meta_features)
        return self

    def _scale(self, frame: pd.DataFrame | pd.Series) -> np.ndarray:
        if isinstance(frame, pd.Series):
            frame = frame.to_frame().T
        values = frame.reindex(columns=self.names).to_numpy(dtype=np.float64)
        span = np.where(self.high - self.low > 0, self.high - self.low, 1.0)
        scaled = (values - self.low) / span
        # An undefined meta-feature says nothing: put it mid-range rather than at an extreme.
        return np.where(np.isfinite(scaled), scaled, 0.5)

    def distances(self, meta_features: pd.Series | pd.DataFrame) -> np.ndarray:
        query = self._scale(meta_features)
        return np.abs(query[:, None, :] - self.train_[None, :, :]).sum(axis=2)

    def save(self, path: str | Path) -> None:
        """Write ``path.json``: the meta-feature names, datasets and scaling."""
        meta = {"kind": self.kind, "names": self.names, "datasets": self.datasets,
                "low": self.low.tolist(), "high": self.high.tolist(), "train": self.train_.tolist()}
        Path(path).with_suffix(".json").write_text(json.dumps(meta))

    @classmethod
    def load(cls, path: str | Path) -> L1Matcher:
        """Read what :meth:`save` wrote."""
        meta = json.loads(Path(path).with_suffix(".json").read_text())
        matcher = cls()
        matcher.names = list(meta["names"])
        matcher.datasets = list(meta["datasets"])
        matcher.low = np.asarray(meta["low"], dtype=np.float64)
        matcher.high = np.asarray(meta["high"], dtype=np.float64)
        matcher.train_ = np.asarray(meta["train"], dtype=np.float64).reshape(
            len(matcher.datasets), len(matcher.names))
        return matcher


@dataclass
class MatcherConfig:
    """Hyperparameters of :class:`LearnedMatcher` (stored with its weights)."""

    embedding_dim: int = 16
    hidden: int = 64
    epochs: int = 400
    lr: float = 3e-3
    weight_decay: float = 1e-4
    prototype_weight: float = 0.5
    n_shots: int = 3
    seed: int = 0


class _Embedding(nn.Module):
    def __init__(self, n_inputs: int, hidden: int, dim: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_inputs, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
                                 nn.ReLU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


@register_matcher
class LearnedMatcher(BaseMatcher):
    """A metric-learned embedding of meta-features (Siamese regression + prototypical loss).

    Two datasets are close when the configuration pool ranks alike on them: the squared
    embedding distance is regressed on ``1 - spearman`` of their performance vectors (the
    Siamese part), and each dataset's prototype -- the mean embedding of a few row/feature
    subsampled *views* of it -- must classify another view of the same dataset against the other
    prototypes (the prototypical part), which makes the embedding robust to sampling noise in
    the meta-features.

    Parameters
    ----------
    config : MatcherConfig, optional
    """

    kind = "learned"
    artifact_suffixes = (".json", ".pt")

    def __init__(self, config: MatcherConfig | None = None):
        self.config = config or MatcherConfig()

    @single_threaded
    def fit(self, training: MetaTrainingSet) -> LearnedMatcher:
        cfg = self.config
        torch.manual_seed(cfg.seed)
        rng = np.random.default_rng(cfg.seed)
        self.datasets = list(training.datasets)
        self.scaler = MetaFeatureScaler.fit(training.meta_features)
        base = torch.as_tensor(self.scaler.transform(training.meta_features))
        views = [torch.as_tensor(self.scaler.transform(training.views[d]))
                 if d in training.views and len(training.views[d]) else base[i:i + 1]
                 for i, d in enumerate(self.datasets)]
        target = torch.as_tensor(1.0 - performance_similarity(training.scores), dtype=torch.float32)
        n = len(self.datasets)
        self.model = _Embedding(base.shape[1], cfg.hidden, cfg.embedding_dim)
        optimizer = torch.optim.Adam(self.model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        upper = torch.triu_indices(n, n, offset=1)
        self.history_: list[float] = []
        for _ in range(cfg.epochs):
            optimizer.zero_grad()
            # One random view per dataset stands for it this epoch (the full data half the time).
            pick = [v[rng.integers(len(v))] if rng.random() < 0.5 else base[i]
                    for i, v in enumerate(views)]
            emb = self.model(torch.stack(pick))
            dist = torch.cdist(emb, emb).pow(2)
            loss = (dist[upper[0], upper[1]] - target[upper[0], upper[1]]).pow(2).mean()
            if cfg.prototype_weight > 0:
                loss = loss + cfg.prototype_weight * self._prototype_loss(views, base, rng)
            loss.backward()
            optimizer.step()
            self.history_.append(float(loss.detach()))
        self.model.eval()
        with torch.no_grad():
            self.train_ = self.model(base).numpy()
        return self

    def _prototype_loss(self, views: list[torch.Tensor], base: torch.Tensor,
                        rng: np.random.Generator) -> torch.Tensor:
        shots, queries = [], []
        for i, v in enumerate(views):
            pool = torch.cat([base[i:i + 1], v])
            order = rng.permutation(len(pool))
            support = order[:min(self.config.n_shots, max(len(pool) - 1, 1))]
            shots.append(self.model(pool[support]).mean(dim=0))
            queries.append(pool[order[-1]])
        prototypes = torch.stack(shots)
        logits = -torch.cdist(self.model(torch.stack(queries)), prototypes).pow(2)
        return nn.functional.cross_entropy(logits, torch.arange(len(views)))

    @single_threaded
    def embed(self, meta_features: pd.Series | pd.DataFrame) -> np.ndarray:
        """Embedding of each row of ``meta_features``, shape ``(n_rows, embedding_dim)``."""
        with torch.no_grad():
            return self.model(torch.as_tensor(self.scaler.transform(meta_features))).numpy()

    def distances(self, meta_features: pd.Series | pd.DataFrame) -> np.ndarray:
        query = self.embed(meta_features)
        return np.sqrt(((query[:, None, :] - self.train_[None, :, :]) ** 2).sum(axis=2))

    # -- persistence: a state_dict and JSON, never pickle --------------------------------------
    def save(self, path: str | Path) -> None:
        """Write ``path.pt`` (weights) and ``path.json`` (scaler, datasets, config)."""
        path = Path(path)
        torch.save(self.model.state_dict(), path.with_suffix(".pt"))
        meta = {"kind": self.kind, "config": asdict(self.config), "datasets": self.datasets,
                "scaler": self.scaler.to_dict(), "train": self.train_.tolist()}
        path.with_suffix(".json").write_text(json.dumps(meta))

    @classmethod
    def load(cls, path: str | Path) -> LearnedMatcher:
        """Read what :meth:`save` wrote (weights loaded with ``weights_only=True``); files from
        before matchers named their kind load too."""
        path = Path(path)
        meta = json.loads(path.with_suffix(".json").read_text())
        matcher = cls(MatcherConfig(**meta["config"]))
        matcher.datasets = list(meta["datasets"])
        matcher.scaler = MetaFeatureScaler.from_dict(meta["scaler"])
        matcher.model = _Embedding(len(matcher.scaler.names), matcher.config.hidden,
                                   matcher.config.embedding_dim)
        state = torch.load(path.with_suffix(".pt"), weights_only=True)
        matcher.model.load_state_dict(state)
        matcher.model.eval()
        matcher.train_ = np.asarray(meta["train"], dtype=np.float32)
        return matcher
