"""The general, statistical, information-theoretic and PCA meta-feature groups.

Each ``compute_*`` function returns a ``{name: value}`` dict holding exactly the registry's
names of its group for the dataset's task (the extractor checks this). Definitions, and when a
value is NaN, are documented once, in :mod:`._registry`.
"""

from __future__ import annotations

import math

import numpy as np

from ._data import Dataset
from ._stats import (
    SUMMARIES,
    cube_root_bins,
    entropy_of_counts,
    equal_frequency_codes,
    shape_moments,
    sorted_quantiles,
    summarize,
    tukey_outlier_share,
)


def _summary_dict(stem: str, values: np.ndarray) -> dict[str, float]:
    return {f"{stem}_{name}": value for name, value in zip(SUMMARIES, summarize(values), strict=True)}


def _shape_of_vector(values: np.ndarray) -> tuple[float, float]:
    """Type-3 skewness and excess kurtosis of a 1-D vector (NaN if it is constant)."""
    _, skew, kurt = shape_moments(values.reshape(-1, 1))
    return float(skew[0]), float(kurt[0])


def compute_general(data: Dataset) -> dict[str, float]:
    n, d = data.n_rows, data.n_features
    missing = np.hstack([np.isnan(data.numeric), data.categorical < 0])
    out = {
        "n_rows": float(n),
        "n_features": float(d),
        "log_n_rows": math.log(n),
        "log_n_features": math.log(d),
        "log_features_to_rows": math.log(d / n),
        "numeric_share": data.n_numeric / d,
        "categorical_share": data.n_categorical / d,
        "missing_cell_share": float(missing.mean()),
        "missing_row_share": float(missing.any(axis=1).mean()),
    }
    if data.task == "classification":
        shares = np.bincount(data.y_full) / n
        out |= {
            "n_classes": float(shares.shape[0]),
            "class_min_share": float(shares.min()),
            "class_max_share": float(shares.max()),
            "class_imbalance_ratio": float(shares.max() / shares.min()),
        }
    else:
        y = data.y_full
        q1, q3 = np.quantile(y, [0.25, 0.75])
        fence = 1.5 * (q3 - q1)
        out |= {
            "target_unique_share": np.unique(y).shape[0] / n,
            "target_outlier_share": float(np.mean((y < q1 - fence) | (y > q3 + fence))),
        }
    return out


def _abs_correlations(standardized: np.ndarray, n_rows: int) -> np.ndarray:
    """Upper-triangle absolute correlations of columns already centred and scaled to unit sd."""
    corr = standardized.T @ standardized / n_rows
    upper = np.triu_indices(corr.shape[0], k=1)
    return np.clip(np.abs(corr[upper]), 0.0, 1.0)


def compute_statistical(data: Dataset) -> dict[str, float]:
    X = data.numeric
    S, counts = data.numeric_sorted
    sd, skew, kurt = shape_moments(X)
    varying = data.numeric_varying
    out = _summary_dict("skewness", skew) | _summary_dict("kurtosis", kurt)

    # Mean-impute and standardize the varying columns once; correlations with each other and
    # with the target are then plain dot products.
    Z = X[:, varying]
    with np.errstate(all="ignore"):
        Z = np.nan_to_num((Z - np.nanmean(Z, axis=0)) / np.nanstd(Z, axis=0), nan=0.0)
    # Imputation at the mean shrinks the sd; rescale so each column has unit sd again.
    scale = np.sqrt((Z * Z).mean(axis=0)) if Z.size else np.ones(0)
    Z = Z / np.where(scale > 0, scale, 1.0)
    out |= _summary_dict("abs_cor", _abs_correlations(Z, data.n_sample) if Z.shape[1] >= 2 else np.empty(0))
    out |= _summary_dict("outlier_share", tukey_outlier_share(S, counts, X))
    q1, q3 = sorted_quantiles(S, counts, np.array([0.25, 0.75]))
    with np.errstate(all="ignore"):
        out |= _summary_dict("iqr_to_sd", (q3 - q1) / sd)

    if data.task == "classification":
        out |= _summary_dict("class_corr_ratio", _correlation_ratios(Z, data.y))
    else:
        y = data.y
        # Exact constancy test: a constant target's floating-point sd need not be exactly 0.
        if np.ptp(y) > 0 and Z.shape[1]:
            target_cor = np.clip(np.abs(Z.T @ ((y - y.mean()) / y.std()) / data.n_sample), 0.0, 1.0)
        else:
            target_cor = np.empty(0)
        skewness, kurtosis = _shape_of_vector(y)
        out |= _summary_dict("target_abs_cor", target_cor)
        out |= {"target_skewness": skewness, "target_kurtosis": kurtosis}
    return out


def _correlation_ratios(Z: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """eta² of each (centred, unit-sd) column of ``Z`` with the class labels.

    The between-class sum of squares of a centred column is ``sum_c n_c * mean_c**2``; the total
    is ``n`` for unit sd, so one scatter-add of the rows into per-class sums does it all.
    """
    if Z.shape[1] == 0:
        return np.empty(0)
    counts = np.bincount(classes)
    sums = np.zeros((counts.shape[0], Z.shape[1]))
    np.add.at(sums, classes, Z)
    present = counts > 0
    between = (sums[present] ** 2 / counts[present, None]).sum(axis=0)
    return np.clip(between / Z.shape[0], 0.0, 1.0)


def compute_info_theory(data: Dataset) -> dict[str, float]:
    n_bins = cube_root_bins(data.n_sample)
    if data.task == "classification":
        y_codes = data.y
        target_name = "class_entropy"
    else:
        y = data.y.reshape(-1, 1)
        y_codes = equal_frequency_codes(np.sort(y, axis=0), np.array([y.shape[0]]), y, n_bins)[:, 0]
        target_name = "target_entropy"
    n_target = int(y_codes.max()) + 1
    target_entropy = entropy_of_counts(np.bincount(y_codes))

    columns: list[np.ndarray] = []
    if data.numeric.shape[1]:
        S, counts = data.numeric_sorted
        columns.extend(equal_frequency_codes(S, counts, data.numeric, n_bins).T)
    # Missing categorical values (-1) become one more level, like missing numeric values.
    columns.extend(np.where(codes < 0, codes.max(initial=-1) + 1, codes) for codes in data.categorical.T)

    attr_entropy = np.empty(len(columns))
    joint_entropy = np.empty(len(columns))
    for j, codes in enumerate(columns):
        attr_entropy[j] = entropy_of_counts(np.bincount(codes))
        joint_entropy[j] = entropy_of_counts(np.bincount(codes * n_target + y_codes))
    # H(x) + H(y) - H(x, y) is >= 0 mathematically; clip the rounding error.
    mutual_info = np.maximum(attr_entropy + target_entropy - joint_entropy, 0.0)
    mi_mean = float(mutual_info.mean())
    # A difference of entropies is zero only up to rounding: below 1e-12 bits on average, no
    # feature carries information and the ratios below are undefined.
    informative = mi_mean > 1e-12
    attr_mean = float(attr_entropy.mean())
    return {
        target_name: target_entropy,
        "attr_entropy_mean": attr_mean,
        "attr_entropy_sd": float(np.std(attr_entropy, ddof=1)) if len(columns) > 1 else np.nan,
        "joint_entropy_mean": float(joint_entropy.mean()),
        "mut_inf_mean": mi_mean,
        "mut_inf_sd": float(np.std(mutual_info, ddof=1)) if len(columns) > 1 else np.nan,
        "mut_inf_max": float(mutual_info.max()),
        "eq_num_attr": target_entropy / mi_mean if informative else np.nan,
        "ns_ratio": (attr_mean - mi_mean) / mi_mean if informative else np.nan,
    }


def compute_pca(data: Dataset) -> dict[str, float]:
    design = data.design
    names = ("pca_n95_share", "pca_first_var_share", "pca_first_abs_skewness", "pca_first_kurtosis")
    if design.shape[1] == 0:
        return dict.fromkeys(names, np.nan)
    # PCA of the correlation matrix: standardize every column (one-hot ones included) so the
    # result does not depend on feature scales, which differ between the corpus and user data.
    Z = (design - design.mean(axis=0)) / design.std(axis=0)
    eigenvalues, eigenvectors = np.linalg.eigh(Z.T @ Z / Z.shape[0])
    eigenvalues = np.clip(eigenvalues[::-1], 0.0, None)
    explained = np.cumsum(eigenvalues) / eigenvalues.sum()
    # 1e-12 guards against 0.95 being missed by rounding when one component explains it exactly.
    n95 = int(np.searchsorted(explained, 0.95 - 1e-12)) + 1
    skewness, kurtosis = _shape_of_vector(Z @ eigenvectors[:, -1])
    return {
        "pca_n95_share": n95 / design.shape[1],
        "pca_first_var_share": float(eigenvalues[0] / eigenvalues.sum()),
        "pca_first_abs_skewness": abs(skewness),
        "pca_first_kurtosis": kurtosis,
    }
