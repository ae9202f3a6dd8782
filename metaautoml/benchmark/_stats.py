"""Paired statistics for comparisons over datasets: every benchmark table uses these.

A difference between two methods is measured dataset by dataset (paired), summarized by its
mean with a bootstrap 95 % confidence interval over datasets and a Wilcoxon signed-rank
p-value, and the p-values of one table are Holm-corrected together, so a table with many cells
does not find wins by chance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import wilcoxon

#: Bootstrap resamples of the datasets behind each confidence interval.
N_BOOTSTRAP = 5000
#: Fewer non-zero differences than this give no p-value (the test has no power there).
MIN_NONZERO = 5
#: Significance level the reports apply to Holm-corrected p-values.
ALPHA = 0.05


@dataclass(frozen=True)
class PairedTest:
    """One paired comparison over datasets (``differences`` = a - b per dataset)."""

    n: int
    mean: float
    sem: float
    median: float
    ci_low: float
    ci_high: float
    p: float
    wins: int
    ties: int
    losses: int

    @property
    def ci(self) -> str:
        return f"[{self.ci_low:.4f}, {self.ci_high:.4f}]"

    @property
    def record(self) -> str:
        """``wins/ties/losses`` of ``a``."""
        return f"{self.wins}/{self.ties}/{self.losses}"


def paired_test(differences: np.ndarray, rng: np.random.Generator,
                n_bootstrap: int = N_BOOTSTRAP, tie: float = 0.0) -> PairedTest:
    """Mean, bootstrap 95 % CI and Wilcoxon signed-rank p-value of per-dataset differences.

    Parameters
    ----------
    differences : array-like of shape (n_datasets,)
        ``a - b`` per dataset; NaN entries are dropped.
    rng : numpy.random.Generator
        Draws the bootstrap resamples (pass one generator through a table to make it
        reproducible).
    n_bootstrap : int, default=5000
    tie : float, default=0.0
        Differences within ``tie`` of 0 count as ties and are left out of the Wilcoxon test
        (its ``zero_method="wilcox"``).

    Returns
    -------
    PairedTest
        ``p`` is NaN when fewer than :data:`MIN_NONZERO` differences are non-zero.

    Examples
    --------
    >>> import numpy as np
    >>> test = paired_test(np.array([0.1, 0.2, 0.05, 0.3, 0.15, 0.1]), np.random.default_rng(0))
    >>> round(test.mean, 3), test.wins, test.p < 0.05
    (0.15, 6, True)
    """
    diff = np.asarray(differences, float)
    diff = diff[~np.isnan(diff)]
    if len(diff) == 0:
        raise ValueError("a paired test needs at least one dataset with both scores")
    boots = rng.choice(diff, (n_bootstrap, len(diff))).mean(axis=1)
    nonzero = diff[np.abs(diff) > tie]
    p = float(wilcoxon(nonzero).pvalue) if len(nonzero) >= MIN_NONZERO else float("nan")
    return PairedTest(
        n=len(diff), mean=float(diff.mean()),
        sem=float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else float("nan"),
        median=float(np.median(diff)), ci_low=float(np.percentile(boots, 2.5)),
        ci_high=float(np.percentile(boots, 97.5)), p=p, wins=int((diff > tie).sum()),
        ties=int((np.abs(diff) <= tie).sum()), losses=int((diff < -tie).sum()))


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of a table's p-values; NaN stays NaN.

    Examples
    --------
    >>> holm(np.array([0.01, 0.04, np.nan, 0.03])).round(2).tolist()
    [0.03, 0.06, nan, 0.06]
    """
    p = np.asarray(p_values, float)
    out = np.full_like(p, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    order = valid[np.argsort(p[valid])]
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(order) - rank) * p[index]))
        out[index] = running
    return out


def holm_by(table: pd.DataFrame, by: str = "task", column: str = "p") -> pd.Series:
    """Holm's adjustment of ``table[column]`` within each value of ``table[by]`` (each task's
    rows are one table of tests), aligned with ``table``'s index; NaN stays NaN.

    Examples
    --------
    >>> table = pd.DataFrame({"task": ["a", "a", "b"], "p": [0.01, 0.04, 0.04]})
    >>> holm_by(table).round(2).tolist()
    [0.02, 0.04, 0.04]
    """
    out = pd.Series(np.nan, index=table.index, dtype=float)
    for _, index in table.groupby(by).groups.items():
        out.loc[index] = holm(table.loc[index, column].to_numpy())
    return out
