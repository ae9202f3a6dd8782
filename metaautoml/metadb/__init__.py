"""The meta-database: a SQLite store of past evaluations, its builder and Parquet exchange, and
LCDB's learning curves as a sibling store (:class:`LearningCurves`)."""

from ._builder import (
    BUILD_DEFAULTS,
    DEFAULT_CV,
    DEFAULT_FIDELITY_CONFIGS,
    DEFAULT_FIDELITY_ROWS,
    DEFAULT_MAX_ROWS,
    DEFAULT_N_PER_FAMILY,
    DEFAULT_N_VIEWS,
    DEFAULT_TIME_LIMIT,
    BuildDataset,
    BuildReport,
    build,
    build_fidelity,
    build_sized_defaults,
    configuration_pool,
    dataset_views,
    prepare_dataset,
)
from ._lcdb import LCDB_LEARNERS, QUALITY_META_FEATURES, LearningCurves, import_lcdb
from ._schema import SCHEMA_VERSION
from ._store import MetaDB, MetaDBError, default_path
from ._training import (
    NORMALIZATIONS,
    MetaFeatureScaler,
    MetaTrainingSet,
    group_folds,
    median_clipped_normalize,
    minmax_normalize,
    normalize_scores,
    rank_normalize,
)

__all__ = [
    "BUILD_DEFAULTS",
    "DEFAULT_CV",
    "DEFAULT_FIDELITY_CONFIGS",
    "DEFAULT_FIDELITY_ROWS",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_N_PER_FAMILY",
    "DEFAULT_N_VIEWS",
    "DEFAULT_TIME_LIMIT",
    "LCDB_LEARNERS",
    "NORMALIZATIONS",
    "QUALITY_META_FEATURES",
    "SCHEMA_VERSION",
    "BuildDataset",
    "BuildReport",
    "LearningCurves",
    "MetaDB",
    "MetaDBError",
    "MetaFeatureScaler",
    "MetaTrainingSet",
    "build",
    "build_fidelity",
    "build_sized_defaults",
    "configuration_pool",
    "dataset_views",
    "default_path",
    "group_folds",
    "import_lcdb",
    "median_clipped_normalize",
    "minmax_normalize",
    "normalize_scores",
    "prepare_dataset",
    "rank_normalize",
]
