"""Post-hoc ensembles of a search's trials.

A search that keeps its trials' out-of-fold predictions (:class:`PredictionStore`, within a
memory bound) can afterwards combine them: :func:`ensemble_selection` picks weights greedily
with replacement (Caruana et al., 2004, as auto-sklearn does), and :class:`WeightedEnsemble`
averages the refitted members' predictions with those weights. The estimators do this when
``ensemble_size > 0``.
"""

from ._model import WeightedEnsemble
from ._selection import (
    DEFAULT_ENSEMBLE_SIZE,
    DEFAULT_MAX_CANDIDATES,
    EnsembleSelection,
    cross_validated_gain,
    ensemble_score,
    ensemble_selection,
    prediction_scorer,
)
from ._store import DEFAULT_MAX_PREDICTION_MB, PredictionStore

__all__ = [
    "DEFAULT_ENSEMBLE_SIZE",
    "DEFAULT_MAX_CANDIDATES",
    "DEFAULT_MAX_PREDICTION_MB",
    "EnsembleSelection",
    "PredictionStore",
    "WeightedEnsemble",
    "cross_validated_gain",
    "ensemble_score",
    "ensemble_selection",
    "prediction_scorer",
]
