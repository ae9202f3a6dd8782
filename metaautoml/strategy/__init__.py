"""How a search starts: which configurations it tries first and which sampler proposes the rest.

A :class:`WarmStartStrategy` turns a dataset into a :class:`SearchPlan`. The estimators'
``warm_start`` parameter takes one (``True`` is :class:`MetaWarmStart`, ``False``
:class:`ColdStart`), and ``recommend``, ``metaautoml worker`` and the benchmarks go through the
same plans, so every path runs the code that ships.
"""

from ._base import SearchPlan, WarmStartStrategy
from ._cold import DEFAULT_SOURCE, ColdStart, PlainSearch
from ._meta import MetaWarmStart, load_shipped_proposer
from ._portfolio import PortfolioWarmStart
from ._resolve import resolve_strategy

__all__ = [
    "DEFAULT_SOURCE",
    "ColdStart",
    "MetaWarmStart",
    "PlainSearch",
    "PortfolioWarmStart",
    "SearchPlan",
    "WarmStartStrategy",
    "load_shipped_proposer",
    "resolve_strategy",
]
