"""The meta-database as training data for the meta-learners.

A :class:`MetaTrainingSet` holds, for one task type and one metric, the datasets' meta-features
(robustly scaled), the configuration pool's encodings, and the performance matrix normalized per
dataset -- everything the matcher and the surrogate learn from and the benchmarks score against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..evaluation import resolve_metric
from ..space import get_space
from ._store import MetaDB


@dataclass
class MetaFeatureScaler:
    """Robust scaling of meta-features: ``clip((x - median) / IQR, -clip, clip)``, NaN to 0.

    Meta-features span many orders of magnitude and are sometimes undefined; a median/IQR scale
    fitted on the meta-database keeps one odd dataset from dominating, and 0 (the median) is the
    neutral value for an undefined feature. Serializable as JSON (:meth:`to_dict`).
    """

    names: list[str]
    center: np.ndarray
    scale: np.ndarray
    clip: float = 5.0

    @classmethod
    def fit(cls, frame: pd.DataFrame, clip: float = 5.0) -> MetaFeatureScaler:
        values = frame.to_numpy(dtype=np.float64)
        with np.errstate(all="ignore"):
            center = np.nanmedian(values, axis=0)
            q75, q25 = np.nanpercentile(values, [75, 25], axis=0)
            scale = q75 - q25
            std = np.nanstd(values, axis=0)
        center = np.where(np.isfinite(center), center, 0.0)
        scale = np.where(np.isfinite(scale) & (scale > 1e-12), scale,
                         np.where(np.isfinite(std) & (std > 1e-12), std, 1.0))
        return cls(list(frame.columns), center, scale, clip)

    def transform(self, frame: pd.DataFrame | pd.Series) -> np.ndarray:
        """Scaled values in the fitted column order; columns it lacks count as undefined."""
        if isinstance(frame, pd.Series):
            frame = frame.to_frame().T
        values = frame.reindex(columns=self.names).to_numpy(dtype=np.float64)
        scaled = np.clip((values - self.center) / self.scale, -self.clip, self.clip)
        return np.where(np.isfinite(scaled), scaled, 0.0).astype(np.float32)

    def to_dict(self) -> dict:
        return {"names": self.names, "center": self.center.tolist(), "scale": self.scale.tolist(),
                "clip": self.clip}

    @classmethod
    def from_dict(cls, data: dict) -> MetaFeatureScaler:
        return cls(list(data["names"]), np.asarray(data["center"], dtype=np.float64),
                   np.asarray(data["scale"], dtype=np.float64), float(data["clip"]))


def _largest_complete(done: np.ndarray, min_coverage: float) -> tuple[list[int], list[int]]:
    """Columns and rows of the largest all-true sub-matrix of ``done`` among those made of the
    columns covering at least ``t`` rows and the rows that have all of them, over every ``t``."""
    coverage = done.sum(axis=0)
    best: tuple[int, int, list[int], list[int]] = (0, 0, [], [])
    # Relative to the datasets the build has reached, as a first wave in progress is all there is.
    floor = max(min_coverage * int(done.any(axis=1).sum()), 1)
    for threshold in np.unique(coverage[coverage >= floor]):
        columns = np.flatnonzero(coverage >= threshold)
        rows = np.flatnonzero(done[:, columns].all(axis=1))
        candidate = (len(rows) * len(columns), len(rows), columns.tolist(), rows.tolist())
        if candidate[:2] > best[:2]:
            best = candidate
    return best[2], best[3]


def rank_normalize(scores: np.ndarray) -> np.ndarray:
    """Per-row average ranks scaled to [0, 1] (best = 1); NaN (failed) ranks below everything."""
    scores = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    filled = np.where(np.isfinite(scores), scores, -np.inf)
    out = np.empty_like(filled)
    for i, row in enumerate(filled):
        out[i] = pd.Series(row).rank(method="average").to_numpy()
    n = scores.shape[1]
    return (out - 1) / max(n - 1, 1)


def median_clipped_normalize(scores: np.ndarray) -> np.ndarray:
    """Per-row ``(s - median) / (max - median)`` over completed entries, clipped at 0.

    Min-max scaling lets one disastrous configuration (an r2 of -100 next to a best of 0.5)
    squeeze every reasonable one into the top few percent, so a loss weighted by score gaps
    learns little beyond "avoid the disaster". Here everything below the row's median scores
    0 and the scale is set by the better half, where the search for the best takes place.
    Failed entries score 0; a row whose median equals its maximum scores 1 wherever it attains it.
    """
    scores = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    with np.errstate(all="ignore"):
        middle = np.nanmedian(scores, axis=1, keepdims=True)
        high = np.nanmax(scores, axis=1, keepdims=True)
        spread = high - middle
        out = np.where(spread > 0, (scores - middle) / np.where(spread > 0, spread, 1.0),
                       (scores >= high).astype(np.float64))
    return np.where(np.isfinite(out), np.clip(out, 0.0, 1.0), 0.0)


def normalize_scores(scores: np.ndarray, kind: str = "minmax") -> np.ndarray:
    """Per-row normalization by name: ``"minmax"``, ``"rank"`` or ``"median_clipped"``."""
    if kind not in NORMALIZATIONS:
        raise ValueError(f"normalization must be one of {sorted(NORMALIZATIONS)}, got {kind!r}")
    return NORMALIZATIONS[kind](scores)


def minmax_normalize(scores: np.ndarray) -> np.ndarray:
    """Per-row ``(s - min) / (max - min)`` over completed entries; failed entries score 0.

    This is HPO-B's normalization: a normalized regret of ``1 - max`` over the chosen entries.
    """
    scores = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    with np.errstate(all="ignore"):
        low = np.nanmin(scores, axis=1, keepdims=True)
        high = np.nanmax(scores, axis=1, keepdims=True)
        out = (scores - low) / np.where(high - low > 0, high - low, 1.0)
    return np.where(np.isfinite(out), out, 0.0)


#: Per-dataset score normalizations, by name.
NORMALIZATIONS = {"minmax": minmax_normalize, "rank": rank_normalize,
                  "median_clipped": median_clipped_normalize}


def group_folds(groups: Sequence[str], n_folds: int | None, seed: int = 0) -> list[np.ndarray]:
    """Dataset indices per fold; datasets of one group always share a fold (``n_folds=None``:
    one group per fold). The groups are shuffled by ``seed`` and dealt round-robin."""
    unique = sorted(set(groups))
    order = np.random.default_rng(seed).permutation(len(unique))
    n = len(unique) if n_folds is None else min(n_folds, len(unique))
    fold_of = {unique[g]: i % n for i, g in enumerate(order)}
    return [np.array([i for i, g in enumerate(groups) if fold_of[g] == f]) for f in range(n)]


@dataclass
class MetaTrainingSet:
    """Aligned arrays for meta-learning on one task type and metric.

    Attributes
    ----------
    task, metric : str
    datasets : list of str
        Row order of every per-dataset array.
    groups : list of str
        Source group of each dataset (held out together in benchmarks).
    meta_features : DataFrame
        Raw meta-features (datasets x names), view 0.
    views : dict of str to DataFrame
        Raw meta-features of each dataset's subsampled views (may be empty).
    configs : list of dict
        The configuration pool, in column order.
    config_ids : list of str
    encodings : ndarray of shape (n_configs, n_encoding)
    scores : ndarray of shape (n_datasets, n_configs)
        Raw scores (greater is better); NaN for failed evaluations.
    info : DataFrame
        The datasets table (rows, features, classes, source, ...).
    fidelity : dict of int to DataFrame
        Raw scores at the meta-database's larger fidelities, by their row cap: for each, the
        datasets evaluated there (a subset of ``datasets``) x the configurations evaluated there
        (a subset of ``config_ids``, pool order), NaN for failed runs. Empty without any.
    sized_defaults : list of str
        The pool defaults whose column holds their sized evaluations: on every dataset, the
        score of scikit-learn's default on its own rows
        (:meth:`~metaautoml.space.SearchSpace.sized_default`) rather than of the reference-size
        configuration the pool holds. A proposer that picks one proposes it sized for the new
        dataset. Empty for a database without them.
    """

    task: str
    metric: str
    datasets: list[str]
    groups: list[str]
    meta_features: pd.DataFrame
    views: dict[str, pd.DataFrame]
    configs: list[dict]
    config_ids: list[str]
    encodings: np.ndarray
    scores: np.ndarray
    info: pd.DataFrame
    fidelity: dict[int, pd.DataFrame] = field(default_factory=dict)
    sized_defaults: list[str] = field(default_factory=list)

    @classmethod
    def from_metadb(cls, db: MetaDB, task: str, metric: str | None = None, *,
                    min_coverage: float = 0.5, sized_defaults: bool = True) -> MetaTrainingSet:
        """Collect the training set: the largest complete sub-matrix of a build.

        A build in progress evaluates the pool in waves, so the datasets it reached last lack the
        newest configurations. Of the sub-matrices "every configuration evaluated on at least
        ``t`` datasets, and the datasets that have all of them", for every ``t``, the one with the
        most cells is kept (more datasets on a tie); configurations evaluated on fewer than
        ``min_coverage`` of the datasets are never kept. A finished build keeps everything.

        With ``sized_defaults`` (the default), a pool default whose sized evaluations
        (:func:`~metaautoml.metadb.build_sized_defaults`) cover every kept dataset on which it
        differs from the pool's configuration takes those scores in its column
        (:attr:`sized_defaults` names them); a partial build of them changes nothing.
        """
        metric = resolve_metric(metric or None, task).name
        configs = db.configurations(task)
        # Which cells a build has reached (any state), without the scores ``evaluations`` joins.
        evaluated = db.evaluated_pairs(task)
        matrix = db.performance_matrix(metric, task)
        mf = db.meta_features(task)
        candidates = [d for d in matrix.index if d in mf.index]
        done = np.zeros((len(candidates), len(configs)), dtype=bool)
        if evaluated and candidates:
            # Index lookups, not pd.crosstab, whose per-cell Python aggregation took most of a
            # second of every warm-started fit's start on the shipped database.
            datasets, config_ids = zip(*evaluated, strict=True)
            rows = pd.Index(candidates).get_indexer(list(datasets))
            cols = pd.Index(configs.index).get_indexer(list(config_ids))
            known = (rows >= 0) & (cols >= 0)
            done[rows[known], cols[known]] = True
        columns, keep = _largest_complete(done, min_coverage)
        columns = [configs.index[j] for j in columns]
        keep = [candidates[i] for i in keep]
        if not keep or len(columns) < 2:
            raise ValueError(f"{db!r} has no {task} datasets with meta-features and a common set "
                             "of evaluated configurations to learn from")
        all_views = db.meta_features(task, views=True)
        views = {}
        if len(all_views):
            for name in keep:
                if name in all_views.index.get_level_values(0):
                    frame = all_views.loc[name]
                    views[name] = frame[frame.index > 0]
        info = db.datasets(task).loc[keep]
        space = get_space(task)
        pool = [configs.loc[c, "config"] for c in columns]
        fidelity = {}
        for max_rows in db.fidelities():
            scores = db.fidelity_performance_matrix(metric, max_rows, task)
            scores = scores.loc[scores.index.isin(keep), scores.columns.isin(columns)]
            if scores.size:
                fidelity[max_rows] = scores
        scores = matrix.loc[keep, columns]
        sized = _sized_columns(db, task, metric, scores, pool, info) if sized_defaults else []
        return cls(task=task, metric=metric, datasets=keep, groups=list(info["group"]),
                   meta_features=mf.loc[keep], views=views, configs=pool, config_ids=columns,
                   encodings=space.encode_many(pool).astype(np.float32),
                   scores=scores.to_numpy(dtype=np.float64), info=info, fidelity=fidelity,
                   sized_defaults=sized)

    @property
    def n_datasets(self) -> int:
        return len(self.datasets)

    @property
    def n_configs(self) -> int:
        return len(self.configs)

    def normalized(self, kind: str = "minmax") -> np.ndarray:
        """Scores normalized per dataset (:func:`normalize_scores`): ``"minmax"`` (HPO-B),
        ``"rank"`` or ``"median_clipped"``, all in [0, 1]."""
        return normalize_scores(self.scores, kind)

    def subset_configs(self, config_ids: list[str]) -> MetaTrainingSet:
        """The same datasets restricted to some configurations of the pool (e.g. the pool of an
        older database, which a newer one extends), in the order given."""
        missing = [c for c in config_ids if c not in set(self.config_ids)]
        if missing:
            raise ValueError(f"configurations not in the pool: {', '.join(missing[:5])}")
        index = [self.config_ids.index(c) for c in config_ids]
        return MetaTrainingSet(
            task=self.task, metric=self.metric, datasets=list(self.datasets),
            groups=list(self.groups), meta_features=self.meta_features, views=self.views,
            configs=[self.configs[i] for i in index], config_ids=list(config_ids),
            encodings=self.encodings[index], scores=self.scores[:, index], info=self.info,
            fidelity={rows: scores.loc[:, scores.columns.isin(config_ids)]
                      for rows, scores in self.fidelity.items()},
            sized_defaults=[c for c in self.sized_defaults if c in set(config_ids)])

    def subset(self, datasets: list[str]) -> MetaTrainingSet:
        """The same pool restricted to some datasets (e.g. all but a held-out one)."""
        index = [self.datasets.index(d) for d in datasets]
        return MetaTrainingSet(
            task=self.task, metric=self.metric, datasets=list(datasets),
            groups=[self.groups[i] for i in index], meta_features=self.meta_features.loc[datasets],
            views={d: self.views[d] for d in datasets if d in self.views}, configs=self.configs,
            config_ids=self.config_ids, encodings=self.encodings, scores=self.scores[index],
            info=self.info.loc[datasets],
            fidelity={rows: scores.loc[scores.index.isin(datasets)]
                      for rows, scores in self.fidelity.items()},
            sized_defaults=list(self.sized_defaults))


def _sized_columns(db: MetaDB, task: str, metric: str, scores: pd.DataFrame, pool: list[dict],
                   info: pd.DataFrame) -> list[str]:
    """Replace, in place, the columns of ``scores`` whose sized defaults cover every dataset that
    needs one; return their ids (pool order)."""
    sized = db.sized_default_matrix(metric, task)
    if sized.empty:
        return []
    recorded = db.sized_default_pairs(task)
    space = get_space(task)
    replaced = []
    for config_id, config in zip(scores.columns, pool, strict=True):
        if config_id not in sized.columns:
            continue
        # A dataset on which the sized default is the pool's own configuration needs no record.
        needed = [d for d in scores.index
                  if space.sized_default(config, int(info.loc[d, "n_rows"])) != config]
        if not needed or any((d, config_id) not in recorded for d in needed):
            continue
        values = sized[config_id].reindex(needed)
        scores.loc[needed, config_id] = values.to_numpy(dtype=np.float64)
        replaced.append(config_id)
    return replaced
