"""scikit-learn estimators that search the CASH space with Optuna and refit the best pipeline."""

from ._base import SearchObjective
from ._classifier import MetaAutoMLClassifier
from ._regressor import MetaAutoMLRegressor
from ._select import estimator_class

__all__ = ["MetaAutoMLClassifier", "MetaAutoMLRegressor", "SearchObjective", "estimator_class"]
