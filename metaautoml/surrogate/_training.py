"""Meta-training of the surrogate: MAML and its variants, and the pooled-pretraining baseline.

Tasks are datasets; a task's *support* set is a few evaluated configurations (what a study has
observed so far) and its *query* set other configurations of the same dataset. All tasks of a
meta-batch are processed at once with ``torch.func.vmap`` over a functional form of the network.

Variants
--------
``"maml"``
    Second-order MAML (Finn et al., 2017): the outer gradient flows through the inner steps.
``"fomaml"``
    First-order MAML: inner gradients are treated as constants.
``"reptile"``
    Reptile (Nichol et al., 2018): adapt on support and query, move the initialization toward
    the adapted weights.
``"metasgd"``
    Meta-SGD (Li et al., 2017): second-order MAML with a learned learning rate per parameter.
``"pretrain"``
    FSBO-style baseline (Wistuba & Grabocka, 2021): the same network trained on all tasks
    pooled, no inner loop; it is fine-tuned with the same inner steps at test time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch.func import functional_call, grad, vmap

from ..metadb import NORMALIZATIONS
from ._network import RankingMLP, pairwise_ranking_loss

VARIANTS = ("maml", "fomaml", "reptile", "metasgd", "pretrain")


@dataclass
class TrainingConfig:
    """Hyperparameters of meta-training (stored with the weights)."""

    variant: str = "maml"
    hidden: int = 64
    n_layers: int = 2
    meta_iterations: int = 1500
    meta_batch: int = 16
    inner_steps: int = 3
    inner_lr: float = 0.05
    outer_lr: float = 1e-3
    query_size: int = 48
    max_support: int = 24
    view_probability: float = 0.5
    # Per-dataset normalization of the scores the ranking loss learns from (at meta-training
    # and when adapting to a study's trials). Min-max lets one disastrous configuration (an r2
    # of -100) squeeze all others into a sliver, so the gap-weighted loss learns little more
    # than "avoid it"; "median_clipped" scales by the better half (docs/benchmarks.md).
    target: str = "median_clipped"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown meta-training variant {self.variant!r}; expected one of {VARIANTS}")
        if self.target not in NORMALIZATIONS:
            raise ValueError(f"unknown target normalization {self.target!r}; expected one of "
                             f"{sorted(NORMALIZATIONS)}")

    def to_dict(self) -> dict:
        return asdict(self)


def adapt(model: RankingMLP, params: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor,
          valid: torch.Tensor, lrs: dict[str, torch.Tensor] | float, steps: int,
          first_order: bool) -> dict[str, torch.Tensor]:
    """``steps`` gradient steps on the ranking loss of ``(x, y)`` from ``params`` (functional)."""

    def loss(p):
        return pairwise_ranking_loss(functional_call(model, p, (x,)), y, valid)

    for _ in range(steps):
        grads = grad(loss)(params)
        if first_order:
            grads = {k: g.detach() for k, g in grads.items()}
        params = {k: params[k] - (lrs[k] if isinstance(lrs, dict) else lrs) * grads[k] for k in params}
    return params


def adapt_eager(model: RankingMLP, params: dict[str, torch.Tensor], x: torch.Tensor,
                y: torch.Tensor, lrs: dict[str, torch.Tensor] | float, steps: int
                ) -> dict[str, torch.Tensor]:
    """:func:`adapt` (first order) for one task at prediction time, with plain autograd.

    ``torch.func.grad`` costs seconds of imports on its first call, paid again by every process
    that proposes (each trial worker of a search); the inner loop needs no vmap here.
    """
    valid = torch.ones_like(y)
    params = {k: v.detach().requires_grad_(True) for k, v in params.items()}
    for _ in range(steps):
        loss = pairwise_ranking_loss(functional_call(model, params, (x,)), y, valid)
        grads = torch.autograd.grad(loss, list(params.values()))
        params = {k: (v - (lrs[k] if isinstance(lrs, dict) else lrs) * g).detach().requires_grad_(True)
                  for (k, v), g in zip(params.items(), grads, strict=True)}
    return {k: v.detach() for k, v in params.items()}


class _TaskSampler:
    """Draws meta-batches of (support, query) sets from the normalized performance matrix."""

    def __init__(self, encodings: np.ndarray, meta: np.ndarray, views: list[np.ndarray],
                 targets: np.ndarray, config: TrainingConfig):
        self.encodings = torch.as_tensor(encodings, dtype=torch.float32)
        self.meta = meta.astype(np.float32)
        self.views = views
        self.targets = torch.as_tensor(targets, dtype=torch.float32)
        self.config = config
        self.rng = np.random.default_rng(config.seed)

    def sample(self):
        cfg, rng = self.config, self.rng
        n_tasks, n_configs = self.targets.shape
        tasks = rng.choice(n_tasks, size=min(cfg.meta_batch, n_tasks), replace=False)
        # One support size per batch keeps shapes equal for vmap; 0 and 1 train the zero-shot case.
        k = int(rng.choice([0, 1, 2, 3, 5, 8, 12, 16, cfg.max_support]))
        q = min(cfg.query_size, n_configs - k)
        xs, ys, xq, yq = [], [], [], []
        for t in tasks:
            order = rng.permutation(n_configs)
            meta = self.meta[t]
            if self.views[t].shape[0] and rng.random() < cfg.view_probability:
                meta = self.views[t][rng.integers(self.views[t].shape[0])]
            meta = torch.as_tensor(meta).expand(n_configs, -1)
            x = torch.cat([self.encodings, meta], dim=1)
            support, query = order[:k], order[k:k + q]
            xs.append(x[support])
            ys.append(self.targets[t, support])
            xq.append(x[query])
            yq.append(self.targets[t, query])
        return torch.stack(xs), torch.stack(ys), torch.stack(xq), torch.stack(yq), k


def meta_train(encodings: np.ndarray, meta: np.ndarray, views: list[np.ndarray],
               targets: np.ndarray, config: TrainingConfig,
               ) -> tuple[RankingMLP, dict[str, torch.Tensor] | float, list[float]]:
    """Train one network. Returns it, its inner learning rate(s) and the loss curve.

    Parameters
    ----------
    encodings : (n_configs, n_encoding) configuration encodings
    meta : (n_tasks, n_meta) scaled meta-features of each task
    views : list of (n_views_t, n_meta) scaled meta-features of subsampled views per task
    targets : (n_tasks, n_configs) per-task normalized scores in [0, 1]
    """
    torch.manual_seed(config.seed)
    model = RankingMLP(encodings.shape[1] + meta.shape[1], config.hidden, config.n_layers)
    params = dict(model.named_parameters())
    metasgd = config.variant == "metasgd"
    lrs: dict[str, torch.Tensor] | float = config.inner_lr
    trainable = list(params.values())
    if metasgd:
        lrs = {k: torch.full_like(v, config.inner_lr, requires_grad=True) for k, v in params.items()}
        trainable += list(lrs.values())
    optimizer = torch.optim.Adam(trainable, lr=config.outer_lr)
    sampler = _TaskSampler(encodings, meta, views, targets, config)
    first_order = config.variant == "fomaml"
    history: list[float] = []

    def query_loss(p, x_s, y_s, x_q, y_q):
        if x_s.shape[0] >= 2:
            p = adapt(model, p, x_s, y_s, torch.ones_like(y_s), lrs, config.inner_steps, first_order)
        return pairwise_ranking_loss(functional_call(model, p, (x_q,)), y_q)

    def pooled_loss(p, x, y):
        return pairwise_ranking_loss(functional_call(model, p, (x,)), y)

    def reptile_weights(p, x, y):
        return adapt(model, p, x, y, torch.ones_like(y), config.inner_lr, config.inner_steps, True)

    for _ in range(config.meta_iterations):
        x_s, y_s, x_q, y_q, k = sampler.sample()
        optimizer.zero_grad()
        if config.variant == "pretrain":
            x = torch.cat([x_s, x_q], dim=1)
            y = torch.cat([y_s, y_q], dim=1)
            loss = vmap(pooled_loss, in_dims=(None, 0, 0))(params, x, y).mean()
            loss.backward()
        elif config.variant == "reptile":
            x = torch.cat([x_s, x_q], dim=1)
            y = torch.cat([y_s, y_q], dim=1)
            detached = {n: v.detach() for n, v in params.items()}
            adapted = vmap(reptile_weights, in_dims=(None, 0, 0))(detached, x, y)
            with torch.no_grad():
                loss = vmap(pooled_loss, in_dims=(None, 0, 0))(detached, x, y).mean()
            # Reptile's update direction, handed to Adam as if it were a gradient.
            for n, v in params.items():
                v.grad = v.detach() - adapted[n].mean(dim=0)
        else:
            loss = vmap(query_loss, in_dims=(None, 0, 0, 0, 0))(params, x_s, y_s, x_q, y_q).mean()
            loss.backward()
        optimizer.step()
        if metasgd:
            with torch.no_grad():
                for v in lrs.values():
                    v.clamp_(min=0.0)
        history.append(float(loss.detach()))
    if metasgd:
        lrs = {k: v.detach() for k, v in lrs.items()}
    return model, lrs, history
