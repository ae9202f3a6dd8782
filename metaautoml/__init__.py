"""metaautoml: AutoML that learns from past experiments how to tune models for a new dataset.

The public API is imported lazily (PEP 562) so that light entry points -- the trial worker
process, ``metaautoml --help`` -- do not pay for importing torch and Optuna.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_LAZY = {
    "MetaAutoMLClassifier": "metaautoml.estimator",
    "MetaAutoMLRegressor": "metaautoml.estimator",
    "extract_meta_features": "metaautoml.metafeatures",
    "meta_feature_names": "metaautoml.metafeatures",
    "MetaDB": "metaautoml.metadb",
    "SearchSpace": "metaautoml.space",
    "get_space": "metaautoml.space",
}

__all__ = [
    "MetaAutoMLClassifier",
    "MetaAutoMLRegressor",
    "MetaDB",
    "SearchSpace",
    "__version__",
    "extract_meta_features",
    "get_space",
    "meta_feature_names",
]

if TYPE_CHECKING:  # pragma: no cover
    from .estimator import MetaAutoMLClassifier, MetaAutoMLRegressor
    from .metadb import MetaDB
    from .metafeatures import extract_meta_features, meta_feature_names
    from .space import SearchSpace, get_space


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'metaautoml' has no attribute {name!r}")


def __dir__():
    return __all__
