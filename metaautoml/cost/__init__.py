"""Predicting what a configuration costs: the seconds its cross-validated fits take.

:class:`CostModel` is trained on the meta-database's recorded fit times
(:func:`cost_training_table`) and shipped per task type in ``metaautoml/data``
(:func:`load_cost_model`). With a ``time_budget``, the search uses it to leave out warm-start
configurations predicted not to finish in the budget (:func:`fit_in_budget`).
"""

from ._budget import fit_in_budget
from ._lcdb import lcdb_size_exponents, read_lcdb_train_times
from ._model import CostModel, CostModelConfig, cost_training_table
from ._shipped import cost_model_path, load_cost_model, train_shipped_cost_models

__all__ = [
    "CostModel",
    "CostModelConfig",
    "cost_model_path",
    "cost_training_table",
    "fit_in_budget",
    "lcdb_size_exponents",
    "load_cost_model",
    "read_lcdb_train_times",
    "train_shipped_cost_models",
]
