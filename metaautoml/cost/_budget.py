"""Fitting a list of configurations into a time budget by their predicted cost."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def fit_in_budget(items: Sequence[T], seconds: Sequence[float], budget: float
                  ) -> tuple[list[T], list[T]]:
    """Keep, in order, the items whose predicted seconds still fit in what the ones kept before
    them leave of ``budget``; return ``(kept, left_out)``.

    The order is the proposer's (best first), so a configuration too slow for the budget makes
    room for the cheaper ones behind it rather than eating the budget. When not even one fits,
    the cheapest is kept: a search should end with a model.

    Examples
    --------
    >>> fit_in_budget(["a", "b", "c"], [10.0, 50.0, 15.0], budget=30.0)
    (['a', 'c'], ['b'])
    """
    seconds = np.asarray(seconds, dtype=float)
    if len(items) != len(seconds):
        raise ValueError(f"{len(items)} items but {len(seconds)} predicted times")
    kept, left_out, spent = [], [], 0.0
    for item, cost in zip(items, seconds, strict=True):
        if spent + cost <= budget:
            kept.append(item)
            spent += cost
        else:
            left_out.append(item)
    if not kept and len(items):
        cheapest = int(np.argmin(seconds))
        kept = [items[cheapest]]
        left_out = [item for i, item in enumerate(items) if i != cheapest]
    return kept, left_out
