"""The CASH search space: model families, configurations, their encoding and pipelines."""

from ._families import CLASSIFICATION_FAMILIES, REGRESSION_FAMILIES, DataShape, Family
from ._hyperparameters import Categorical, Float, Int
from ._models import RelativeGammaSVC, RelativeGammaSVR
from ._preprocessing import ColumnTypes, make_preprocessor
from ._space import FAMILY, INACTIVE, TASKS, Config, SearchSpace, get_space, param_name

__all__ = [
    "CLASSIFICATION_FAMILIES",
    "REGRESSION_FAMILIES",
    "FAMILY",
    "INACTIVE",
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
    "get_space",
    "make_preprocessor",
    "param_name",
]
