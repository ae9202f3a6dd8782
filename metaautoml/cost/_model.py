"""The cost model: how long one configuration's cross-validated evaluation takes on a dataset.

It predicts ``log10`` of the seconds one fit takes from the data's shape (log rows, log columns,
log classes) and the configuration's encoding (the search space's, as the surrogate reads it).
It is a small MLP, trained on the meta-database's recorded fit times, and shipped as a torch
``state_dict`` plus JSON (never a pickle). Gradient boosting predicts the recorded times a
little better on held-out datasets (``benchmarks/cost_model.py``), but a tree ensemble predicts
a constant beyond the largest table it saw, and the meta-database's tables have at most 1,000
rows. Beyond the largest table it was trained on, the network's prediction at that size grows
as a power of the rows, one exponent per family, measured on LCDB's learning curves
(:func:`lcdb_size_exponents`: 20 scikit-learn learners' train times up to 2 M rows).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

from .._torch import single_threaded
from ..metadb import MetaDB
from ..space import FAMILY, Config, get_space

#: The meta-database's cross-validation: each recorded fit saw this share of the rows.
BUILD_TRAIN_SHARE = 2 / 3
#: Folds of the meta-database's cross-validation, whose fit times are summed per evaluation.
BUILD_FOLDS = 3
#: How fit time grows with the rows beyond the training tables, for a family without an exponent.
DEFAULT_SIZE_EXPONENT = 1.0
#: Columns of the features before the configuration's encoding.
SHAPE_FEATURES = ("log10_rows", "log10_features", "log10_classes")


@dataclass(frozen=True)
class CostModelConfig:
    """How a :class:`CostModel` is trained (fixed before any benchmark looked at it)."""

    hidden: int = 64
    n_layers: int = 2
    epochs: int = 400
    learning_rate: float = 3e-3
    weight_decay: float = 1e-4
    seed: int = 0


def cost_training_table(db: MetaDB, task: str) -> pd.DataFrame:
    """One row per complete evaluation of ``db`` for ``task``: the dataset, its group, the rows
    one fold's fit saw (``n_train``), columns, classes, the configuration and ``log_seconds``,
    ``log10`` of one fold's fit seconds."""
    datasets = db.datasets(task)
    configs = db.configurations(task).reset_index()
    evaluations = db.evaluations(task)
    evaluations = evaluations[(evaluations["state"] == "complete") & (evaluations["fit_time"] > 0)]
    table = evaluations.merge(configs[["config_id", "family", "config"]], on="config_id")
    table = table.join(datasets[["group", "n_rows", "n_features", "n_classes"]], on="dataset")
    table["n_train"] = table["n_rows"].astype(float) * BUILD_TRAIN_SHARE
    table["log_seconds"] = np.log10(table["fit_time"] / BUILD_FOLDS)
    return table.reset_index(drop=True)


class _Network(nn.Module):
    def __init__(self, n_inputs: int, hidden: int, n_layers: int):
        super().__init__()
        layers: list[nn.Module] = []
        width = n_inputs
        for _ in range(n_layers):
            layers += [nn.Linear(width, hidden), nn.SiLU()]
            width = hidden
        layers.append(nn.Linear(width, 1))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x).squeeze(-1)


class CostModel:
    """Predicts the seconds a configuration's fit takes on data of a given shape.

    Parameters
    ----------
    task : {"classification", "regression"}
    config : CostModelConfig or None

    Examples
    --------
    >>> from metaautoml.cost import load_cost_model
    >>> from metaautoml.space import get_space
    >>> model = load_cost_model("classification")
    >>> config = get_space("classification").default_config("random_forest")
    >>> seconds = model.predict_seconds([config], n_rows=5000, n_features=20, n_classes=2, cv=3)
    >>> bool(seconds[0] > 0)
    True
    """

    def __init__(self, task: str, config: CostModelConfig | None = None):
        self.task = task
        self.config = config or CostModelConfig()
        self.space = get_space(task)
        self.size_exponents: dict[str, float] = {}
        self.max_log_rows = np.inf
        self._network: _Network | None = None
        self._mean = self._scale = None

    def with_size_exponents(self, exponents: dict[str, float]) -> CostModel:
        """Set how each family's time grows beyond the largest training table: ``seconds ~
        rows ** exponent`` (e.g. from :func:`lcdb_size_exponents`); a family without one grows
        linearly. Returns ``self``."""
        self.size_exponents = {str(k): float(v) for k, v in exponents.items()}
        return self

    def _features(self, configs: list[Config], n_train, n_features, n_classes) -> np.ndarray:
        n = len(configs)
        classes = np.nan_to_num(np.broadcast_to(np.asarray(n_classes, float), (n,)), nan=1.0)
        shape = np.column_stack([np.broadcast_to(np.asarray(v, float), (n,))
                                 for v in (n_train, n_features)] + [classes])
        return np.hstack([np.log10(np.clip(shape, 1.0, None)), self.space.encode_many(configs)])

    @single_threaded
    def fit(self, table: pd.DataFrame) -> CostModel:
        """Train on a :func:`cost_training_table`."""
        X = self._features(list(table["config"]), table["n_train"], table["n_features"],
                           table["n_classes"])
        y = table["log_seconds"].to_numpy(float)
        self._mean = X.mean(axis=0)
        self._scale = np.where(X.std(axis=0) > 1e-9, X.std(axis=0), 1.0)
        cfg = self.config
        torch.manual_seed(cfg.seed)
        network = _Network(X.shape[1], cfg.hidden, cfg.n_layers)
        self.max_log_rows = float(X[:, 0].max())
        inputs = torch.as_tensor((X - self._mean) / self._scale, dtype=torch.float32)
        target = torch.as_tensor(y.copy(), dtype=torch.float32)
        optimizer = torch.optim.AdamW(network.parameters(), lr=cfg.learning_rate,
                                      weight_decay=cfg.weight_decay)
        generator = torch.Generator().manual_seed(cfg.seed)
        batch = 512
        for _ in range(cfg.epochs):
            order = torch.randperm(len(target), generator=generator)
            for start in range(0, len(target), batch):
                rows = order[start:start + batch]
                # The median error is what matters (a cost is a factor, not an amount): L1.
                loss = (network(inputs[rows]) - target[rows]).abs().mean()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        self._network = network.eval()
        return self

    @single_threaded
    def predict_log_seconds(self, configs: list[Config], n_train, n_features,
                            n_classes=None) -> np.ndarray:
        """``log10`` seconds of one fit of each configuration on ``n_train`` rows."""
        if self._network is None:
            raise RuntimeError("this CostModel is not fitted; call fit or load")
        if not configs:
            return np.empty(0)
        X = self._features(list(configs), n_train, n_features, n_classes)
        # Beyond the largest table it was trained on, the network is not asked: the time grows
        # from there as the family's power of the rows.
        beyond = np.maximum(X[:, 0] - self.max_log_rows, 0.0)
        X[:, 0] -= beyond
        inputs = torch.as_tensor((X - self._mean) / self._scale, dtype=torch.float32)
        with torch.no_grad():
            inside = self._network(inputs).numpy().astype(float)
        exponents = np.array([self.size_exponents.get(c[FAMILY], DEFAULT_SIZE_EXPONENT)
                              for c in configs])
        return inside + exponents * beyond

    def predict_seconds(self, configs: list[Config], *, n_rows: int, n_features: int,
                        n_classes: int | None = None, cv: int = 3) -> np.ndarray:
        """Seconds the fits of a ``cv``-fold evaluation of each configuration take on
        ``n_rows`` rows (each fold fits on ``(cv - 1) / cv`` of them).

        The meta-database's times were recorded on two shared cores with one thread per fit;
        read them as that machine's seconds.
        """
        n_train = n_rows * (cv - 1) / cv if cv > 1 else n_rows
        return cv * 10.0 ** self.predict_log_seconds(configs, n_train, n_features, n_classes)

    # -- persistence: a state_dict and JSON, never pickle ---------------------------------------
    def save(self, path: str | Path) -> None:
        """Write ``path.pt`` (the weights) and ``path.json`` (settings and input scaling)."""
        if self._network is None:
            raise RuntimeError("this CostModel is not fitted; nothing to save")
        path = Path(path)
        torch.save(self._network.state_dict(), path.with_suffix(".pt"))
        path.with_suffix(".json").write_text(json.dumps({
            "task": self.task, "config": asdict(self.config), "n_inputs": len(self._mean),
            "mean": self._mean.tolist(), "scale": self._scale.tolist(),
            "max_log_rows": self.max_log_rows, "size_exponents": self.size_exponents}))

    @classmethod
    def load(cls, path: str | Path) -> CostModel:
        """Read what :meth:`save` wrote (weights loaded with ``weights_only=True``)."""
        path = Path(path)
        meta = json.loads(path.with_suffix(".json").read_text())
        model = cls(meta["task"], CostModelConfig(**meta["config"]))
        model._mean, model._scale = np.asarray(meta["mean"]), np.asarray(meta["scale"])
        model.max_log_rows = float(meta["max_log_rows"])
        model.size_exponents = {k: float(v) for k, v in meta["size_exponents"].items()}
        if len(model._mean) != len(SHAPE_FEATURES) + model.space.n_encoding:
            raise ValueError(f"cost model {path} was trained on another search space "
                             f"({meta['n_inputs']} inputs); retrain it")
        network = _Network(int(meta["n_inputs"]), model.config.hidden, model.config.n_layers)
        network.load_state_dict(torch.load(path.with_suffix(".pt"), weights_only=True))
        model._network = network.eval()
        return model
