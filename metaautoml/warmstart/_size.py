"""What the meta-database cannot know about a user's larger table: how each family's standing
changes with the training size, read off LCDB's learning curves and the meta-database's own
larger fidelity.

Every meta-database evaluation of the base matrix is on at most 1,000 rows. On LCDB the learners'
ranking on 1,024 rows correlates less and less with their ranking on more rows
(``benchmarks/size_rank_transfer.py``: Spearman 0.93 at ~2k rows, 0.54 above 32k), and some
families move consistently: k-NN and the MLP gain, logistic regression loses. On the
meta-database's own 5,000-row fidelity HistGradientBoosting's default gains most.
:class:`FamilySizeShift` turns that into one number per family and size: the median over datasets
of how much the family's min-max normalized score (on one dataset at one size) rises or falls
between the reference size and that size. The proposer adds it, weighted by
``ProposerConfig.size_weight``, to the normalized score of every pool configuration of the family
before choosing (see :class:`~metaautoml.warmstart.WarmStartProposer`).

Two sources, one per kind of evidence (:func:`size_shift_for`):

- LCDB (classification only, 1,024 rows up to millions, ~200 datasets): each family's
  default-like learner. HistGradientBoosting has no LCDB twin (its stand-in,
  GradientBoostingClassifier with 100 rounds of depth 3, underfits large tables where HGB does
  not), so it is left out of LCDB's normalization.
- The meta-database's larger fidelity (both tasks, every family, one size): the pool's first
  configurations at 5,000 rows against the same configurations at the base size
  (:meth:`FamilySizeShift.from_fidelity`).

Between the reference and the first measured size a shift grows linearly in log rows; beyond the
last it stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..metadb import LearningCurves, MetaTrainingSet

#: The training size LCDB's shifts are measured from: its curve point nearest the meta-database's
#: 1,000-row cap.
REFERENCE_ROWS = 1024
#: The size the meta-database's base matrix is evaluated at: a larger fidelity's shifts are
#: measured from it.
BASE_ROWS = 1000
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
        How many datasets each size's shifts come from.
    reference : int
        The size the shifts are measured from (no shift at or below it).

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
    reference: int = REFERENCE_ROWS

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

    @classmethod
    def from_fidelity(cls, training: MetaTrainingSet, *, min_datasets: int = 10) -> FamilySizeShift:
        """Measure the shifts on ``training``'s larger fidelities (its ``fidelity`` scores
        against its base ``scores``, on the configurations and datasets both hold): on each
        dataset the configurations' scores are min-max normalized at each size, a family's shift
        is the mean change of its configurations, and the size's shift the median over datasets
        (at least ``min_datasets`` of them, else that size is left out). Measured from
        :data:`BASE_ROWS`; every family of the fidelity's configurations is measured."""
        families = np.array([config["family"] for config in training.configs])
        column_of = {config_id: j for j, config_id in enumerate(training.config_ids)}
        row_of = {name: i for i, name in enumerate(training.datasets)}
        sizes, counts, per_size = [], [], []
        for max_rows in sorted(training.fidelity):
            larger = training.fidelity[max_rows]
            columns = np.array([column_of[c] for c in larger.columns if c in column_of], dtype=int)
            larger = larger[[c for c in larger.columns if c in column_of]]
            differences = []
            for name, high in larger.iterrows():
                if name not in row_of:
                    continue
                low = training.scores[row_of[name], columns]
                high = high.to_numpy(dtype=np.float64)
                both = np.isfinite(low) & np.isfinite(high)
                if both.sum() < 2 or np.ptp(low[both]) == 0 or np.ptp(high[both]) == 0:
                    continue
                change = _minmax(high[both]) - _minmax(low[both])
                differences.append(pd.Series(change).groupby(families[columns][both]).mean())
            if len(differences) < min_datasets:
                continue
            table = pd.DataFrame(differences)
            sizes.append(int(max_rows))
            counts.append(len(differences))
            per_size.append(table.median(axis=0, skipna=True))
        if not sizes:
            return cls(np.array([], dtype=np.int64), {}, np.array([], dtype=np.int64), BASE_ROWS)
        frame = pd.DataFrame(per_size)
        return cls(np.array(sizes, dtype=np.int64),
                   {family: frame[family].fillna(0.0).to_numpy() for family in frame.columns},
                   np.array(counts, dtype=np.int64), BASE_ROWS)

    def at(self, n_rows: float) -> dict[str, float]:
        """Each measured family's shift for a table of ``n_rows`` rows: 0 up to the reference,
        linear in log rows from there to the first measured size and between measured sizes,
        the last measured shift beyond the largest; families not measured are absent (no
        shift)."""
        if not np.isfinite(n_rows) or n_rows <= self.reference or not len(self.sizes):
            return {family: 0.0 for family in self.shifts}
        grid = np.log(np.concatenate([[self.reference], self.sizes]).astype(np.float64))
        return {family: float(np.interp(np.log(n_rows), grid, np.concatenate([[0.0], values])))
                for family, values in self.shifts.items()}

    def combine(self, other: FamilySizeShift) -> FamilySizeShift:
        """These shifts, with ``other``'s for the families these do not measure, on the union of
        both sizes (each source interpolated as :meth:`at` does). ``n_datasets`` becomes, per
        size, the fewest datasets behind any family's shift there."""
        if not len(other.sizes):
            return self
        if not len(self.sizes):
            return other
        added = [family for family in other.shifts if family not in self.shifts]
        if not added:
            return self
        sizes = np.union1d(self.sizes, other.sizes)
        mine = [self.at(size) for size in sizes]
        theirs = [other.at(size) for size in sizes]
        shifts = {family: np.array([at[family] for at in mine]) for family in self.shifts}
        shifts.update({family: np.array([at[family] for at in theirs]) for family in added})
        counts = np.minimum(self._count_at(sizes), other._count_at(sizes))
        return FamilySizeShift(sizes.astype(np.int64), shifts, counts, self.reference)

    def _count_at(self, sizes: np.ndarray) -> np.ndarray:
        """The datasets behind the shifts used at ``sizes`` (the nearest measured size above, or
        the last)."""
        index = np.minimum(np.searchsorted(self.sizes, sizes, side="left"), len(self.sizes) - 1)
        return self.n_datasets[index]

    def table(self) -> pd.DataFrame:
        """The shifts as a table: one row per size, one column per family, and ``datasets``."""
        frame = pd.DataFrame(self.shifts, index=pd.Index(self.sizes, name="size_train"))
        return frame.assign(datasets=self.n_datasets)


def _minmax(values: np.ndarray) -> np.ndarray:
    return (values - values.min()) / np.ptp(values)


@lru_cache(maxsize=8)
def shipped_size_shift(exclude_groups: frozenset[str] = frozenset()) -> FamilySizeShift:
    """The shifts measured on the LCDB import shipped with the package, without its datasets
    of the source groups ``exclude_groups`` (computed once per set of groups)."""
    lcdb = LearningCurves.shipped()
    if exclude_groups:
        keep = lcdb.datasets.loc[~lcdb.datasets["group"].isin(exclude_groups), "openml_id"]
        lcdb = LearningCurves(lcdb.curves[lcdb.curves["openml_id"].isin(keep)].reset_index(drop=True),
                              lcdb.datasets[lcdb.datasets["openml_id"].isin(keep)].reset_index(drop=True))
    return FamilySizeShift.from_learning_curves(lcdb)


def size_shift_for(training: MetaTrainingSet,
                   exclude_groups: Iterable[str] = ()) -> FamilySizeShift:
    """The size evidence a proposer on ``training`` uses: for classification LCDB's shifts, with
    the training set's own larger fidelity for the families LCDB has no twin of
    (HistGradientBoosting); for regression the fidelity's alone (LCDB measures classifiers),
    LCDB's where the training set has no fidelity.

    ``exclude_groups``: source groups a benchmark holds out. LCDB's datasets that share one
    (an OpenML copy of a held-out corpus table) are left out of LCDB's shifts, as
    :meth:`MetaTrainingSet.subset` leaves the group's fidelity rows out of the training set's.
    """
    own = FamilySizeShift.from_fidelity(training)
    lcdb = shipped_size_shift(frozenset(exclude_groups))
    if training.task == "classification":
        return lcdb.combine(own)
    return own if len(own.sizes) else lcdb
