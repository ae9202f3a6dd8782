"""What the meta-database cannot know about a user's larger table: how each family's standing
changes with the training size, read off LCDB's learning curves.

Every meta-database evaluation is on at most 1,000 rows. On LCDB the learners' ranking on 1,024
rows correlates less and less with their ranking on more rows (``benchmarks/size_rank_transfer.py``:
Spearman 0.93 at ~2k rows, 0.54 above 32k), and some families move consistently: k-NN and the
MLP gain, logistic regression loses. :class:`FamilySizeShift` turns that into one number per
family and size: the median over LCDB's datasets of how much the family's min-max normalized
accuracy (among the families' learners, on one dataset at one size) rises or falls between
1,024 rows and that size. The proposer adds it, weighted by ``ProposerConfig.size_weight``, to the
normalized score of every pool configuration of the family before choosing (see
:class:`~metaautoml.warmstart.WarmStartProposer`).

HistGradientBoosting has no LCDB twin (its stand-in, GradientBoostingClassifier with 100 rounds
of depth 3, underfits large tables where HGB does not), so it is left out of the normalization
and gets no shift.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..metadb import LearningCurves

#: The training size LCDB's shifts are measured from: its curve point nearest the meta-database's
#: 1,000-row cap.
REFERENCE_ROWS = 1024
#: Families without a faithful LCDB twin: no shift, and not part of the normalization.
NO_TWIN = ("hist_gradient_boosting",)


@dataclass(frozen=True)
class FamilySizeShift:
    """Per family, the change of its normalized score from :data:`REFERENCE_ROWS` rows to larger
    training sizes.

    Attributes
    ----------
    sizes : ndarray
        The training sizes measured (increasing, all above the reference).
    shifts : dict of str to ndarray
        Per family, the median shift at each size (in units of a per-dataset min-max scale).
    n_datasets : ndarray
        How many LCDB datasets each size's shifts come from.

    Examples
    --------
    >>> from metaautoml.metadb import LearningCurves
    >>> from metaautoml.warmstart import FamilySizeShift
    >>> shift = FamilySizeShift.from_learning_curves(LearningCurves.shipped())
    >>> shift.at(1000)["knn"]
    0.0
    """

    sizes: np.ndarray
    shifts: dict[str, np.ndarray]
    n_datasets: np.ndarray

    @classmethod
    def from_learning_curves(cls, lcdb: LearningCurves, *, min_datasets: int = 20,
                             exclude: Iterable[str] = NO_TWIN) -> FamilySizeShift:
        """Measure the shifts on ``lcdb``'s family learners (mean test accuracy), at every size
        where at least ``min_datasets`` datasets have all of them at the reference and there."""
        excluded = set(exclude)
        curves = lcdb.family_curves()
        curves = curves[~curves["family"].isin(excluded)]
        table = curves.pivot_table(index=["openml_id", "size_train"], columns="family",
                                   values="accuracy_test")
        table = table.dropna()
        low, high = table.min(axis=1), table.max(axis=1)
        spread = (high - low).where(high > low)
        normalized = table.sub(low, axis=0).div(spread, axis=0).dropna()
        families = list(normalized.columns)
        reference = normalized.xs(REFERENCE_ROWS, level="size_train", drop_level=True) \
            if REFERENCE_ROWS in normalized.index.get_level_values("size_train") else None
        sizes, counts, shifts = [], [], {family: [] for family in families}
        if reference is not None:
            larger = normalized[normalized.index.get_level_values("size_train") > REFERENCE_ROWS]
            for size, at_size in larger.groupby(level="size_train"):
                at_size = at_size.droplevel("size_train")
                common = at_size.index.intersection(reference.index)
                if len(common) < min_datasets:
                    continue
                difference = at_size.loc[common] - reference.loc[common]
                sizes.append(int(size))
                counts.append(len(common))
                for family in families:
                    shifts[family].append(float(np.median(difference[family])))
        return cls(np.array(sizes, dtype=np.int64),
                   {family: np.array(values) for family, values in shifts.items()},
                   np.array(counts, dtype=np.int64))

    def at(self, n_rows: float) -> dict[str, float]:
        """Each measured family's shift for a table of ``n_rows`` rows: 0 up to the reference,
        the shift at the largest measured size not above ``n_rows`` beyond it (the last one
        beyond the largest); families not measured are absent (no shift)."""
        if not np.isfinite(n_rows) or n_rows <= REFERENCE_ROWS or not len(self.sizes):
            return {family: 0.0 for family in self.shifts}
        index = max(int(np.searchsorted(self.sizes, n_rows, side="right")) - 1, 0)
        return {family: float(values[index]) for family, values in self.shifts.items()}

    def table(self) -> pd.DataFrame:
        """The shifts as a table: one row per size, one column per family, and ``datasets``."""
        frame = pd.DataFrame(self.shifts, index=pd.Index(self.sizes, name="size_train"))
        return frame.assign(datasets=self.n_datasets)


@lru_cache(maxsize=1)
def shipped_size_shift() -> FamilySizeShift:
    """The shifts measured on the LCDB import shipped with the package (computed once)."""
    return FamilySizeShift.from_learning_curves(LearningCurves.shipped())
