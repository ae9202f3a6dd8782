"""The MAML-initialized surrogate: meta-trained ranking networks over (configuration, dataset)."""

from ._network import RankingMLP, pairwise_ranking_loss
from ._surrogate import MetaSurrogate
from ._training import VARIANTS, TrainingConfig, adapt, meta_train

__all__ = ["VARIANTS", "MetaSurrogate", "RankingMLP", "TrainingConfig", "adapt", "meta_train",
           "pairwise_ranking_loss"]
