"""The surrogate network and its ranking loss."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class RankingMLP(nn.Module):
    """Scores a configuration on a dataset from ``[configuration encoding, meta-features]``.

    The output is a utility whose *order* matters, not its scale: it is trained with a pairwise
    ranking loss, so it transfers across metrics and adapts from raw study scores.
    """

    def __init__(self, n_inputs: int, hidden: int = 64, n_layers: int = 2):
        super().__init__()
        layers: list[nn.Module] = []
        width = n_inputs
        for _ in range(n_layers):
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)


def pairwise_ranking_loss(scores: torch.Tensor, targets: torch.Tensor,
                          valid: torch.Tensor | None = None) -> torch.Tensor:
    """Logistic loss over all ordered pairs, weighted by their target gap.

    For a pair with ``targets[i] > targets[j]`` the loss is ``softplus(scores[j] - scores[i])``
    times ``targets[i] - targets[j]``: wide gaps matter more than near-ties (often noise).
    Invariant to any increasing transformation of the targets' scale beyond that weight.

    Parameters
    ----------
    scores, targets : Tensor of shape (n,)
    valid : Tensor of shape (n,), optional
        1 for entries that take part (for padded, vectorized batches).
    """
    gap = targets.unsqueeze(-1) - targets.unsqueeze(-2)
    weight = torch.clamp(gap, min=0.0)
    if valid is not None:
        weight = weight * valid.unsqueeze(-1) * valid.unsqueeze(-2)
    margin = scores.unsqueeze(-1) - scores.unsqueeze(-2)
    total = weight.sum()
    return (F.softplus(-margin) * weight).sum() / torch.clamp(total, min=1e-8)
