"""The single registry of meta-features: name, group, tasks, definition and when it is NaN.

Everything else follows this table: :func:`meta_feature_names` reads its order, the extractor
checks that it computed exactly these names, and ``docs/metafeatures.md`` embeds the table that
:func:`markdown_table` renders from it (a test keeps the two in sync).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..task import TASKS, check_task

#: Bump whenever a definition, a default threshold or an estimator behind a value changes: the
#: meta-database stores it next to each row so stale meta-features can be detected and recomputed.
METAFEATURES_VERSION = "1.0"

#: Meta-feature groups in output order; any subset can be requested with ``groups=``.
GROUPS = ("general", "statistical", "info_theory", "landmarking", "pca")

_BOTH = TASKS
_CLF = ("classification",)
_REG = ("regression",)

# Shared wording of the NaN conditions, so the documentation stays consistent.
_NO_NUMERIC = "there is no non-constant numeric feature"
_ONE_VALUE = "fewer than two values enter the standard deviation"


@dataclass(frozen=True)
class MetaFeature:
    """One registered meta-feature.

    Attributes
    ----------
    name : str
        Column name in the output of :func:`extract_meta_features`.
    group : str
        One of :data:`GROUPS`.
    tasks : tuple of str
        The tasks it is computed for.
    definition : str
        What the value means, precise enough to recompute it.
    nan_when : str
        When the value is NaN; ``"never"`` for meta-features defined on every dataset.
    """

    name: str
    group: str
    tasks: tuple[str, ...]
    definition: str
    nan_when: str = "never"


def _summaries(stem: str, group: str, tasks: tuple[str, ...], what: str, nan_when: str) -> list[MetaFeature]:
    """Mean, sample sd (ddof=1), min and max of a per-feature (or per-pair) quantity."""
    labels = {"mean": "Mean", "sd": "Sample standard deviation (ddof=1)", "min": "Minimum", "max": "Maximum"}
    out = []
    for summary, label in labels.items():
        nan = nan_when if summary != "sd" else f"{nan_when}, or {_ONE_VALUE}"
        out.append(MetaFeature(f"{stem}_{summary}", group, tasks, f"{label} of {what}.", nan))
    return out


_REGISTRY: tuple[MetaFeature, ...] = (
    # ------------------------------------------------------------------ general
    MetaFeature("n_rows", "general", _BOTH, "Number of rows of the full dataset (before subsampling)."),
    MetaFeature("n_features", "general", _BOTH, "Number of features of the full dataset (before the feature cap)."),
    MetaFeature("log_n_rows", "general", _BOTH, "Natural logarithm of `n_rows`."),
    MetaFeature("log_n_features", "general", _BOTH, "Natural logarithm of `n_features`."),
    MetaFeature("log_features_to_rows", "general", _BOTH, "`log(n_features / n_rows)`; negative for tall data."),
    MetaFeature("numeric_share", "general", _BOTH,
                "Share of features with a numeric dtype (bool counts as categorical)."),
    MetaFeature("categorical_share", "general", _BOTH,
                "Share of features with a categorical, string, object or bool dtype."),
    MetaFeature("missing_cell_share", "general", _BOTH, "Share of missing cells (on the row/feature sample)."),
    MetaFeature("missing_row_share", "general", _BOTH,
                "Share of rows with at least one missing cell (on the row/feature sample)."),
    MetaFeature("n_classes", "general", _CLF, "Number of distinct classes in the full target."),
    MetaFeature("class_min_share", "general", _CLF, "Share of rows in the rarest class (full target)."),
    MetaFeature("class_max_share", "general", _CLF, "Share of rows in the most frequent class (full target)."),
    MetaFeature("class_imbalance_ratio", "general", _CLF,
                "`class_max_share / class_min_share`; 1 for balanced classes."),
    MetaFeature("target_unique_share", "general", _REG, "Number of distinct target values divided by `n_rows`."),
    MetaFeature("target_outlier_share", "general", _REG,
                "Share of target values outside `[Q1 - 1.5 IQR, Q3 + 1.5 IQR]` (full target)."),
    # -------------------------------------------------------------- statistical
    *_summaries("skewness", "statistical", _BOTH,
                "the skewness `m3 / s**3` of each non-constant numeric feature (`m3`: third central "
                "moment, `s`: sample sd; pymfe's and e1071's type 3), over its non-missing values",
                _NO_NUMERIC),
    *_summaries("kurtosis", "statistical", _BOTH,
                "the excess kurtosis `m4 / s**4 - 3` of each non-constant numeric feature (type 3, as "
                "pymfe), over its non-missing values", _NO_NUMERIC),
    *_summaries("abs_cor", "statistical", _BOTH,
                "the absolute Pearson correlation of every pair of non-constant numeric features "
                "(missing values mean-imputed)", "there are fewer than two non-constant numeric features"),
    *_summaries("outlier_share", "statistical", _BOTH,
                "the share of each numeric feature's non-missing values outside `[Q1 - 1.5 IQR, "
                "Q3 + 1.5 IQR]` (Tukey's fences)", "there is no numeric feature with a non-missing value"),
    *_summaries("iqr_to_sd", "statistical", _BOTH,
                "`IQR / s` of each non-constant numeric feature: a scale-free dispersion shape ratio "
                "(1.349 for a normal distribution, small for heavy tails or spikes) used instead of "
                "the coefficient of variation, which is undefined on standardized data", _NO_NUMERIC),
    *_summaries("class_corr_ratio", "statistical", _CLF,
                "the correlation ratio eta² (between-class sum of squares / total sum of squares) "
                "of each non-constant numeric feature with the class (missing values mean-imputed): "
                "the classification analog of a squared correlation with the target", _NO_NUMERIC),
    *_summaries("target_abs_cor", "statistical", _REG,
                "the absolute Pearson correlation of each non-constant numeric feature with the "
                "target (missing values mean-imputed)", f"{_NO_NUMERIC} or the target is constant"),
    MetaFeature("target_skewness", "statistical", _REG, "Skewness `m3 / s**3` of the target (type 3).",
                "the target is constant"),
    MetaFeature("target_kurtosis", "statistical", _REG, "Excess kurtosis `m4 / s**4 - 3` of the target (type 3).",
                "the target is constant"),
    # -------------------------------------------------------------- info_theory
    MetaFeature("class_entropy", "info_theory", _CLF, "Shannon entropy (bits) of the class, `H(y)`."),
    MetaFeature("target_entropy", "info_theory", _REG,
                "Shannon entropy (bits) of the target after the same equal-frequency discretization "
                "as the numeric features."),
    MetaFeature("attr_entropy_mean", "info_theory", _BOTH,
                "Mean Shannon entropy (bits) `H(x)` of the features: numeric features are discretized "
                "into `floor(cbrt(n))` equal-frequency (quantile) bins as pymfe does, categoricals "
                "keep their levels; a missing value is one more level."),
    MetaFeature("attr_entropy_sd", "info_theory", _BOTH,
                "Sample standard deviation (ddof=1) of the feature entropies.", "there is a single feature"),
    MetaFeature("joint_entropy_mean", "info_theory", _BOTH, "Mean joint entropy `H(x, y)` of each feature and the target."),
    MetaFeature("mut_inf_mean", "info_theory", _BOTH,
                "Mean mutual information `MI(x, y) = H(x) + H(y) - H(x, y)` of the features with the target."),
    MetaFeature("mut_inf_sd", "info_theory", _BOTH,
                "Sample standard deviation (ddof=1) of the mutual informations.", "there is a single feature"),
    MetaFeature("mut_inf_max", "info_theory", _BOTH, "Largest mutual information of a feature with the target."),
    MetaFeature("eq_num_attr", "info_theory", _BOTH,
                "Equivalent number of attributes `H(y) / mut_inf_mean`: how many average features "
                "it takes to carry the target's information (Michie et al., 1994).",
                "no feature shares information with the target (all `MI(x, y) = 0`)"),
    MetaFeature("ns_ratio", "info_theory", _BOTH,
                "Noise-signal ratio `(attr_entropy_mean - mut_inf_mean) / mut_inf_mean` (Michie et al., 1994).",
                "no feature shares information with the target (all `MI(x, y) = 0`)"),
    # -------------------------------------------------------------- landmarking
    MetaFeature("lm_1nn_acc", "landmarking", _CLF,
                "Cross-validated accuracy of 1-nearest-neighbour (Euclidean) on the design matrix.",
                "the landmark sample has fewer than 10 rows or the design matrix has no non-constant column"),
    MetaFeature("lm_stump_acc", "landmarking", _CLF,
                "Cross-validated accuracy of a decision stump (Gini, depth 1).",
                "as `lm_1nn_acc`"),
    MetaFeature("lm_tree_acc", "landmarking", _CLF,
                "Cross-validated accuracy of a decision tree of depth at most 3 (Gini).", "as `lm_1nn_acc`"),
    MetaFeature("lm_naive_bayes_acc", "landmarking", _CLF,
                "Cross-validated accuracy of Gaussian naive Bayes (scikit-learn's variance smoothing 1e-9).",
                "as `lm_1nn_acc`"),
    MetaFeature("lm_lda_acc", "landmarking", _CLF,
                "Cross-validated accuracy of linear discriminant analysis (pooled covariance, "
                "pseudo-inverse for collinear columns, empirical priors).", "as `lm_1nn_acc`"),
    MetaFeature("lm_1nn_r2", "landmarking", _REG,
                "Cross-validated R² of 1-nearest-neighbour regression (Euclidean) on the design matrix.",
                "the landmark sample has fewer than 10 rows, the design matrix has no non-constant "
                "column, or the target is constant"),
    MetaFeature("lm_stump_r2", "landmarking", _REG,
                "Cross-validated R² of a regression stump (squared error, depth 1).", "as `lm_1nn_r2`"),
    MetaFeature("lm_tree_r2", "landmarking", _REG,
                "Cross-validated R² of a regression tree of depth at most 3.", "as `lm_1nn_r2`"),
    MetaFeature("lm_linear_r2", "landmarking", _REG,
                "Cross-validated R² of least-squares linear regression (minimum-norm solution for "
                "collinear columns).", "as `lm_1nn_r2`"),
    # ---------------------------------------------------------------------- pca
    MetaFeature("pca_n95_share", "pca", _BOTH,
                "Number of principal components that explain 95 % of the variance, divided by the "
                "number of non-constant design columns (PCA of the correlation matrix).",
                "the design matrix has no non-constant column"),
    MetaFeature("pca_first_var_share", "pca", _BOTH,
                "Share of the total variance explained by the first principal component.",
                "the design matrix has no non-constant column"),
    MetaFeature("pca_first_abs_skewness", "pca", _BOTH,
                "Absolute skewness (type 3) of the scores on the first principal component; absolute "
                "because the sign of a component is arbitrary.", "the design matrix has no non-constant column"),
    MetaFeature("pca_first_kurtosis", "pca", _BOTH,
                "Excess kurtosis (type 3) of the scores on the first principal component.",
                "the design matrix has no non-constant column"),
)

#: Name -> :class:`MetaFeature`, in registry order.
META_FEATURES: dict[str, MetaFeature] = {feature.name: feature for feature in _REGISTRY}


def check_groups(groups: str | Iterable[str] | None) -> tuple[str, ...]:
    """Validated groups in :data:`GROUPS` order; ``None`` means all of them."""
    if groups is None:
        return GROUPS
    requested = [groups] if isinstance(groups, str) else list(groups)
    unknown = [group for group in requested if group not in GROUPS]
    if unknown:
        raise ValueError(f"unknown meta-feature group(s) {unknown}; choose from {GROUPS}")
    if not requested:
        raise ValueError(f"groups is empty; choose at least one of {GROUPS} (or None for all)")
    return tuple(group for group in GROUPS if group in requested)


def meta_feature_names(task: str, groups: str | Iterable[str] | None = None) -> list[str]:
    """The names :func:`extract_meta_features` returns for ``task`` and ``groups``, in order.

    The order is fixed by the registry (group by group, in :data:`GROUPS` order) and does not
    depend on the order in which ``groups`` are given.

    Parameters
    ----------
    task : {"classification", "regression"}
        The learning task.
    groups : str or iterable of str, optional
        Subset of :data:`GROUPS`; all groups when ``None``.

    Returns
    -------
    list of str
        Meta-feature names.

    Raises
    ------
    ValueError
        For an unknown task or group.

    Examples
    --------
    >>> from metaautoml.metafeatures import meta_feature_names
    >>> meta_feature_names("classification", groups="pca")
    ['pca_n95_share', 'pca_first_var_share', 'pca_first_abs_skewness', 'pca_first_kurtosis']
    """
    check_task(task)
    selected = check_groups(groups)
    return [f.name for group in selected for f in _REGISTRY if f.group == group and task in f.tasks]


def markdown_table(group: str) -> str:
    """The Markdown table of one group, as embedded in ``docs/metafeatures.md``."""
    task_label = {_BOTH: "both", _CLF: "classification", _REG: "regression"}
    lines = ["| name | task | definition | NaN when |", "|---|---|---|---|"]
    for f in _REGISTRY:
        if f.group == group:
            lines.append(f"| `{f.name}` | {task_label[f.tasks]} | {f.definition} | {f.nan_when} |")
    return "\n".join(lines)
