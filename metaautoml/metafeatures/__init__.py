"""Meta-features: a fixed-length numeric description of a dataset.

The meta-database stores these vectors for every dataset it learned from, and the estimators
compute one for the user's data to find similar datasets and warm-start the search.

>>> from metaautoml.metafeatures import GROUPS, meta_feature_names
>>> GROUPS
('general', 'statistical', 'info_theory', 'landmarking', 'pca')
>>> len(meta_feature_names("classification")), len(meta_feature_names("regression"))
(55, 54)
"""

from ._extract import extract_meta_features
from ._registry import GROUPS, META_FEATURES, METAFEATURES_VERSION, MetaFeature, meta_feature_names

__all__ = [
    "GROUPS",
    "META_FEATURES",
    "METAFEATURES_VERSION",
    "MetaFeature",
    "extract_meta_features",
    "meta_feature_names",
]
