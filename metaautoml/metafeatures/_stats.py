"""Vectorized, NaN-aware column statistics shared by the meta-feature groups.

Everything here works on whole 2-D arrays at once (one pass per moment, one sort per matrix)
because per-column Python loops and ``np.nanquantile`` dominate the cost of meta-feature
extraction otherwise.
"""

from __future__ import annotations

import numpy as np

SUMMARIES = ("mean", "sd", "min", "max")


def summarize(values: np.ndarray) -> tuple[float, float, float, float]:
    """Mean, sample sd (ddof=1), min and max of the finite entries of ``values``.

    NaN entries are per-feature values that are undefined (a constant column's skewness, say)
    and are left out; all four are NaN when nothing is left, the sd also with a single value.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (np.nan, np.nan, np.nan, np.nan)
    sd = float(np.std(finite, ddof=1)) if finite.size > 1 else np.nan
    return (float(finite.mean()), sd, float(finite.min()), float(finite.max()))


def non_constant(X: np.ndarray) -> np.ndarray:
    """Columns with at least two distinct non-missing values.

    Compared exactly (max > min) rather than through a variance threshold: a constant column's
    floating-point variance is tiny but not zero, and dividing by it turns noise into huge
    skewness values.
    """
    if X.shape[0] == 0:
        return np.zeros(X.shape[1], dtype=bool)
    present = ~np.isnan(X).all(axis=0)
    out = np.zeros(X.shape[1], dtype=bool)
    if present.any():
        sub = X[:, present]
        out[present] = np.nanmax(sub, axis=0) > np.nanmin(sub, axis=0)
    return out


def shape_moments(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-column sample sd, skewness ``m3 / s**3`` and excess kurtosis ``m4 / s**4 - 3``.

    ``m_k`` are central moments over the non-missing values and ``s`` the sample sd (ddof=1):
    pymfe's default (type 3 of R's e1071). Columns that are constant or have fewer than two
    non-missing values get NaN in all three outputs.
    """
    observed = ~np.isnan(X)
    count = observed.sum(axis=0).astype(np.float64)
    safe_count = np.maximum(count, 1.0)
    mean = np.where(observed, X, 0.0).sum(axis=0) / safe_count
    centered = np.where(observed, X - mean, 0.0)
    sq = centered * centered
    m2 = sq.sum(axis=0) / safe_count
    m3 = (sq * centered).sum(axis=0) / safe_count
    m4 = (sq * sq).sum(axis=0) / safe_count
    valid = non_constant(X) & (count >= 2)
    sd = np.full(X.shape[1], np.nan)
    skew = np.full(X.shape[1], np.nan)
    kurt = np.full(X.shape[1], np.nan)
    if valid.any():
        s = np.sqrt(m2[valid] * count[valid] / (count[valid] - 1.0))
        sd[valid] = s
        skew[valid] = m3[valid] / s**3
        kurt[valid] = m4[valid] / s**4 - 3.0
    return sd, skew, kurt


def sorted_quantiles(S: np.ndarray, counts: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quantiles ``q`` of every column of ``S`` (rows sorted ascending, NaN last).

    Same linear interpolation as ``np.quantile``'s default, over the first ``counts[j]`` rows of
    column ``j``; returns a ``(len(q), n_columns)`` array, NaN for columns without values.
    """
    q = np.asarray(q, dtype=np.float64)
    last = np.maximum(counts - 1, 0).astype(np.float64)
    position = q[:, None] * last[None, :]
    lower = np.floor(position).astype(np.intp)
    upper = np.minimum(lower + 1, last.astype(np.intp)[None, :])
    fraction = position - lower
    low_values = np.take_along_axis(S, lower, axis=0)
    high_values = np.take_along_axis(S, upper, axis=0)
    # np.quantile's lerp, rounding included (interpolate from the nearer neighbour), so edges
    # that coincide with data values compare exactly as they do in pymfe's discretization.
    diff = high_values - low_values
    out = np.where(fraction >= 0.5, high_values - diff * (1.0 - fraction), low_values + diff * fraction)
    out[:, counts == 0] = np.nan
    return out


def cube_root_bins(n_rows: int) -> int:
    """``floor(cbrt(n_rows))``, at least 1: pymfe's number of equal-frequency bins.

    Computed exactly on integers; ``int(n ** (1 / 3))`` gives 9 for 1,000.
    """
    root = max(1, round(n_rows ** (1.0 / 3.0)))
    while root**3 > n_rows and root > 1:
        root -= 1
    while (root + 1) ** 3 <= n_rows:
        root += 1
    return root


def equal_frequency_codes(S: np.ndarray, counts: np.ndarray, X: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin index of each entry of ``X`` in ``n_bins`` equal-frequency bins of its column.

    Follows pymfe's ``_equal_freq_discretization``: the upper edges are the quantiles
    ``1/b, 2/b, ..., 1``; an edge within 1e-8 of the preceding one is dropped (heavy ties), and a
    value gets the number of edges strictly below it. Missing values get their own code,
    ``n_bins``, so missingness counts as one more level. ``S`` is ``X`` sorted per column and
    ``counts`` the number of non-missing values per column.
    """
    edges = sorted_quantiles(S, counts, np.linspace(0.0, 1.0, n_bins + 1)[1:])
    keep = np.ones_like(edges, dtype=bool)
    keep[1:] = np.diff(edges, axis=0) > 1e-8
    edges = np.where(keep, edges, np.inf)
    codes = np.zeros(X.shape, dtype=np.intp)
    # b is at most cbrt(max_rows) (~22), so b vectorized comparisons beat a per-column loop.
    for edge in edges:
        codes += X > edge[None, :]
    codes[np.isnan(X)] = n_bins
    return codes


def entropy_of_counts(counts: np.ndarray) -> float:
    """Shannon entropy in bits of a vector of non-negative counts."""
    counts = counts[counts > 0].astype(np.float64)
    if counts.size <= 1:
        return 0.0
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def tukey_outlier_share(S: np.ndarray, counts: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Share of each column's non-missing values outside ``[Q1 - 1.5 IQR, Q3 + 1.5 IQR]``."""
    q1, q3 = sorted_quantiles(S, counts, np.array([0.25, 0.75]))
    iqr = q3 - q1
    outside = (X < q1 - 1.5 * iqr) | (X > q3 + 1.5 * iqr)  # NaN compares False
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, outside.sum(axis=0) / np.maximum(counts, 1), np.nan)
