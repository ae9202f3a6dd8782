"""The estimators' ``warm_start`` parameter as a strategy."""

from __future__ import annotations

import numpy as np

from ._base import WarmStartStrategy
from ._cold import ColdStart
from ._meta import MetaWarmStart


def resolve_strategy(warm_start) -> WarmStartStrategy:
    """``True`` is :class:`MetaWarmStart`, ``False`` :class:`ColdStart`, a
    :class:`~metaautoml.warmstart.WarmStartProposer` a :class:`MetaWarmStart` with it, and a
    strategy itself.

    Raises
    ------
    ValueError
        For anything else.
    """
    from ..warmstart import WarmStartProposer

    if isinstance(warm_start, WarmStartStrategy):
        return warm_start
    if isinstance(warm_start, WarmStartProposer):
        return MetaWarmStart(warm_start)
    if isinstance(warm_start, (bool, np.bool_)):
        return MetaWarmStart() if warm_start else ColdStart()
    raise ValueError("warm_start must be True, False, a WarmStartStrategy or a "
                     f"WarmStartProposer, got {warm_start!r}")
