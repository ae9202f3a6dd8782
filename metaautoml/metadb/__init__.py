"""The meta-database: a SQLite store of past evaluations, its builder and Parquet exchange."""

from ._builder import (
    DEFAULT_CV,
    DEFAULT_MAX_ROWS,
    DEFAULT_N_PER_FAMILY,
    DEFAULT_N_VIEWS,
    DEFAULT_TIME_LIMIT,
    BuildDataset,
    BuildReport,
    build,
    configuration_pool,
    dataset_views,
    prepare_dataset,
)
from ._schema import SCHEMA_VERSION
from ._store import MetaDB, MetaDBError, default_path
from ._training import MetaFeatureScaler, MetaTrainingSet, minmax_normalize, rank_normalize

__all__ = [
    "DEFAULT_CV",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_N_PER_FAMILY",
    "DEFAULT_N_VIEWS",
    "DEFAULT_TIME_LIMIT",
    "SCHEMA_VERSION",
    "BuildDataset",
    "BuildReport",
    "MetaDB",
    "MetaDBError",
    "MetaFeatureScaler",
    "MetaTrainingSet",
    "build",
    "configuration_pool",
    "dataset_views",
    "default_path",
    "minmax_normalize",
    "prepare_dataset",
    "rank_normalize",
]
