"""Greedy portfolios over a normalized performance matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def greedy_portfolio(performance: np.ndarray, n: int, weights: np.ndarray | None = None,
                     prior: np.ndarray | None = None, prior_weight: float = 0.0,
                     exclude: np.ndarray | None = None, prior_start: int = 0,
                     start: Sequence[int] = (), cost: np.ndarray | None = None) -> list[int]:
    """Columns chosen one at a time to maximize the weighted mean of each dataset's best so far.

    With uniform ``weights`` this is auto-sklearn 2.0's static portfolio (Feurer et al., 2022):
    the first pick is the configuration best on average, each next one the configuration that
    adds most where the portfolio so far is weak. Weights concentrated on datasets similar to a
    new one make it a *matched* portfolio; ``prior`` adds a predicted performance row for the
    new dataset itself (a surrogate's zero-shot prediction) as one more weighted "dataset".

    Parameters
    ----------
    performance : ndarray of shape (n_datasets, n_configs)
        Per-dataset normalized scores in [0, 1] (1 = the dataset's best); failed runs 0.
    n : int
        Portfolio size (at most ``n_configs``).
    weights : ndarray of shape (n_datasets,), optional
        Non-negative dataset weights; uniform when omitted.
    prior : ndarray of shape (n_configs,), optional
        Predicted normalized scores on the new dataset.
    prior_weight : float
        Weight of ``prior`` relative to the datasets' total weight of 1.
    exclude : ndarray of bool, shape (n_configs,), optional
        Columns never to choose.
    prior_start : int, default=0
        Picks before this one ignore ``prior`` (they still count towards its best so far).
    start : sequence of int, optional
        Columns already chosen (under other weights, say): the portfolio continues from them.
        They lead the result and count towards ``n`` and ``prior_start``.
    cost : ndarray of shape (n_configs,), optional
        Each column's predicted seconds on the new dataset. Each pick then maximizes the gain
        it adds *per second* (FLAML's estimated cost for improvement, in its simplest form),
        so cheap strong configurations come first and the slow ones follow; once no column
        adds anything, the picks continue by plain gain. Without it, picks ignore time.

    Returns
    -------
    list of int
        Column indices in the order chosen; ties go to the lower index.

    Examples
    --------
    >>> import numpy as np
    >>> P = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.6]])
    >>> greedy_portfolio(P, 2)
    [2, 0]
    >>> greedy_portfolio(P, 2, start=[1])
    [1, 0]
    >>> greedy_portfolio(P, 3, cost=np.array([1.0, 1.0, 10.0]))
    [0, 1, 2]
    """
    performance = np.asarray(performance, dtype=np.float64)
    n_datasets, n_configs = performance.shape
    w = np.full(n_datasets, 1.0 / max(n_datasets, 1)) if weights is None else np.asarray(weights, float)
    if w.shape != (n_datasets,) or np.any(w < 0):
        raise ValueError("weights must be non-negative, one per dataset")
    w = w / w.sum() if w.sum() > 0 else np.full(n_datasets, 1.0 / max(n_datasets, 1))
    blocked = np.zeros(n_configs, bool) if exclude is None else np.asarray(exclude, bool).copy()
    chosen = [int(c) for c in start]
    if len(set(chosen)) != len(chosen) or any(not 0 <= c < n_configs for c in chosen):
        raise ValueError(f"start must hold distinct column indices in [0, {n_configs}), got {list(start)}")
    blocked[chosen] = True
    if cost is not None:
        cost = np.asarray(cost, dtype=np.float64)
        if cost.shape != (n_configs,) or not np.all(cost > 0):
            raise ValueError(f"cost must hold one positive number of seconds per column "
                             f"({n_configs}), got shape {cost.shape}")
    best = performance[:, chosen].max(axis=1) if chosen else np.zeros(n_datasets)
    prior_best = float(np.max(prior[chosen])) if prior is not None and chosen else 0.0
    for _ in range(min(n - len(chosen), int((~blocked).sum()))):
        gain = w @ np.maximum(best[:, None], performance)
        if prior is not None and prior_weight > 0 and len(chosen) >= prior_start:
            gain = gain + prior_weight * np.maximum(prior_best, prior)
        gain[blocked] = -np.inf
        if cost is not None:
            current = float(w @ best)
            if prior is not None and prior_weight > 0 and len(chosen) >= prior_start:
                current += prior_weight * prior_best
            added = gain - current
            # 1e-12: floating-point noise is no gain; a column that adds nothing waits.
            if np.any(added > 1e-12):
                gain = np.where(added > 1e-12, added / cost, -np.inf)
        pick = int(np.argmax(gain))
        chosen.append(pick)
        blocked[pick] = True
        best = np.maximum(best, performance[:, pick])
        if prior is not None:
            prior_best = max(prior_best, float(prior[pick]))
    return chosen[:n]
