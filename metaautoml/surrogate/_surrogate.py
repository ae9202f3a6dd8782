"""The meta-learned surrogate: an ensemble of meta-trained ranking networks that adapts in a few
gradient steps to the trials a study has observed."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch.func import functional_call

from .._torch import single_threaded
from ..metadb import MetaFeatureScaler, MetaTrainingSet, normalize_scores
from ._network import RankingMLP
from ._training import TrainingConfig, adapt_eager, meta_train


class MetaSurrogate:
    """Predicts how configurations rank on a dataset from its meta-features.

    ``n_ensemble`` networks are meta-trained with different seeds (MAML by default; see
    :class:`TrainingConfig` for the variants). A prediction is the mean of the members'
    standardized outputs and its uncertainty their spread. Given observed ``(configuration,
    score)`` pairs, each member first takes the meta-learned number of inner gradient steps on
    them -- the few-shot adaptation MAML trains for.

    Parameters
    ----------
    config : TrainingConfig, optional
    n_ensemble : int, default=3

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from metaautoml.surrogate import MetaSurrogate, TrainingConfig
    >>> from metaautoml.metadb import MetaTrainingSet
    >>> rng = np.random.default_rng(0)
    >>> enc = rng.random((12, 3)).astype("float32")
    >>> mf = pd.DataFrame(rng.random((6, 2)), index=list("abcdef"), columns=["m1", "m2"])
    >>> training = MetaTrainingSet(task="regression", metric="r2", datasets=list(mf.index),
    ...     groups=list(mf.index), meta_features=mf, views={}, configs=[{}] * 12,
    ...     config_ids=[str(i) for i in range(12)], encodings=enc, scores=rng.random((6, 12)),
    ...     info=pd.DataFrame(index=mf.index))
    >>> surrogate = MetaSurrogate(TrainingConfig(meta_iterations=5, meta_batch=4), n_ensemble=2)
    >>> mean, std = surrogate.fit(training).predict(mf.iloc[0], enc)
    >>> mean.shape, std.shape
    ((12,), (12,))
    """

    def __init__(self, config: TrainingConfig | None = None, n_ensemble: int = 3):
        self.config = config or TrainingConfig()
        self.n_ensemble = n_ensemble

    @single_threaded
    def fit(self, training: MetaTrainingSet) -> MetaSurrogate:
        """Meta-train the ensemble on ``training`` (targets: per-dataset normalized scores,
        ``config.target``)."""
        if self.n_ensemble < 1:
            raise ValueError(f"n_ensemble must be at least 1, got {self.n_ensemble!r}")
        self.scaler = MetaFeatureScaler.fit(training.meta_features)
        meta = self.scaler.transform(training.meta_features)
        views = [self.scaler.transform(training.views[d]) if d in training.views
                 else np.empty((0, meta.shape[1]), dtype=np.float32) for d in training.datasets]
        targets = training.normalized(self.config.target)
        self.n_encoding = training.encodings.shape[1]
        self.members_: list[tuple[dict[str, torch.Tensor], dict[str, torch.Tensor] | float]] = []
        self.history_: list[list[float]] = []
        for member in range(self.n_ensemble):
            config = replace(self.config, seed=self.config.seed + 1000 * member)
            model, lrs, history = meta_train(training.encodings, meta, views, targets, config)
            params = {k: v.detach().clone() for k, v in model.named_parameters()}
            self.members_.append((params, lrs))
            self.history_.append(history)
        self._network = model
        return self

    def _inputs(self, meta_features: pd.Series, encodings: np.ndarray) -> torch.Tensor:
        meta = torch.as_tensor(self.scaler.transform(meta_features))
        enc = torch.as_tensor(np.asarray(encodings, dtype=np.float32))
        return torch.cat([enc, meta.expand(enc.shape[0], -1)], dim=1)

    @single_threaded
    def predict(self, meta_features: pd.Series, encodings: np.ndarray,
                observed_encodings: np.ndarray | None = None,
                observed_scores: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Predicted utility (standardized; higher is better) and its uncertainty.

        Parameters
        ----------
        meta_features : Series
            The dataset's meta-features.
        encodings : ndarray of shape (n_candidates, n_encoding)
            Candidates to score (:meth:`SearchSpace.encode_many`).
        observed_encodings, observed_scores : ndarray, optional
            Configurations evaluated so far on this dataset and their scores (greater is
            better; NaN for failed ones, which count as the worst). With two or more, every
            member adapts to them before predicting.

        Returns
        -------
        mean, std : ndarray of shape (n_candidates,)
        """
        x = self._inputs(meta_features, encodings)
        adapt_on = None
        if observed_encodings is not None and observed_scores is not None and len(observed_scores) >= 2:
            scores = np.asarray(observed_scores, dtype=np.float64)
            target = normalize_scores(np.where(np.isfinite(scores), scores, np.nan)[None, :],
                                      self.config.target)[0]
            adapt_on = (self._inputs(meta_features, observed_encodings),
                        torch.as_tensor(target, dtype=torch.float32))
        outputs = []
        for params, lrs in self.members_:
            if adapt_on is not None:
                xs, ys = adapt_on
                params = adapt_eager(self._network, params, xs, ys, lrs, self.config.inner_steps)
            with torch.no_grad():
                out = functional_call(self._network, params, (x,)).numpy().astype(np.float64)
            # A ranking loss fixes order, not scale: standardize before averaging members.
            spread = out.std()
            outputs.append((out - out.mean()) / (spread if spread > 1e-12 else 1.0))
        stacked = np.stack(outputs)
        return stacked.mean(axis=0), stacked.std(axis=0)

    # -- persistence: state_dicts and JSON, never pickle ---------------------------------------
    def save(self, path: str | Path) -> None:
        """Write ``path.pt`` (every member's weights and inner rates) and ``path.json``."""
        path = Path(path)
        state: dict[str, torch.Tensor] = {}
        for m, (params, lrs) in enumerate(self.members_):
            for name, value in params.items():
                state[f"member{m}.param.{name}"] = value
            if isinstance(lrs, dict):
                for name, value in lrs.items():
                    state[f"member{m}.lr.{name}"] = value
        torch.save(state, path.with_suffix(".pt"))
        meta = {"config": asdict(self.config), "n_ensemble": self.n_ensemble,
                "n_encoding": self.n_encoding, "scaler": self.scaler.to_dict()}
        path.with_suffix(".json").write_text(json.dumps(meta))

    @classmethod
    def load(cls, path: str | Path) -> MetaSurrogate:
        """Read what :meth:`save` wrote (weights loaded with ``weights_only=True``)."""
        path = Path(path)
        meta = json.loads(path.with_suffix(".json").read_text())
        # Artifacts written before the target option existed were trained on min-max targets.
        surrogate = cls(TrainingConfig(**{"target": "minmax", **meta["config"]}),
                        int(meta["n_ensemble"]))
        surrogate.scaler = MetaFeatureScaler.from_dict(meta["scaler"])
        surrogate.n_encoding = int(meta["n_encoding"])
        state = torch.load(path.with_suffix(".pt"), weights_only=True)
        cfg = surrogate.config
        surrogate._network = RankingMLP(surrogate.n_encoding + len(surrogate.scaler.names),
                                        cfg.hidden, cfg.n_layers)
        surrogate.members_ = []
        for m in range(surrogate.n_ensemble):
            params = {k.split(".param.", 1)[1]: v for k, v in state.items()
                      if k.startswith(f"member{m}.param.")}
            lrs = {k.split(".lr.", 1)[1]: v for k, v in state.items() if k.startswith(f"member{m}.lr.")}
            surrogate.members_.append((params, lrs or cfg.inner_lr))
        return surrogate
