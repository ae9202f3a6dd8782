"""The CASH search space: model families, configurations, their encoding and pipelines.

The model families live in one registry (``metaautoml/space/_families.py``, one
:func:`register_family` call per family); :func:`families_for` lists those of a task type and
:func:`get_space` builds the task's space from them.
"""

from ._families import (
    DataShape,
    Family,
    families_for,
    register_family,
    unregister_family,
)
from ._hyperparameters import Categorical, Float, Int
from ._models import RelativeGammaSVC, RelativeGammaSVR
from ._preprocessing import RECIPES, ColumnTypes, make_preprocessor
from ._space import (
    FAMILY,
    INACTIVE,
    TASKS,
    Config,
    SearchSpace,
    allowed_families,
    get_space,
    param_name,
)

__all__ = [
    "FAMILY",
    "INACTIVE",
    "RECIPES",
    "TASKS",
    "Categorical",
    "ColumnTypes",
    "Config",
    "DataShape",
    "Family",
    "Float",
    "Int",
    "RelativeGammaSVC",
    "RelativeGammaSVR",
    "SearchSpace",
    "allowed_families",
    "families_for",
    "get_space",
    "make_preprocessor",
    "param_name",
    "register_family",
    "unregister_family",
]
