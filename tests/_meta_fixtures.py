"""Synthetic meta-knowledge with a known structure, for testing the meta-learners' logic.

Two clusters of datasets: on cluster "A" the distance- and kernel-based families win, on cluster
"B" the tree ensembles. The first meta-feature separates the clusters; the others are noise.
A learner that uses the meta-features should find a dataset's own cluster; one that ignores them
can only learn the average. (Real meta-data is what the benchmarks measure on.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metaautoml.evaluation import TrialResult
from metaautoml.metadb import MetaDB, MetaTrainingSet
from metaautoml.metafeatures import METAFEATURES_VERSION
from metaautoml.space import get_space

A_FAMILIES = {"svm", "knn", "linear"}
N_META = 6


def synthetic_pool(task: str = "classification") -> list[dict]:
    space = get_space(task)
    return space.default_configs() + space.sample(3, seed=1)


def cluster_scores(pool: list[dict], cluster: str, rng: np.random.Generator) -> np.ndarray:
    base = np.linspace(0.6, 0.7, len(pool))
    bonus = np.array([0.25 if (c["family"] in A_FAMILIES) == (cluster == "A") else 0.0 for c in pool])
    return base + bonus + rng.normal(0.0, 0.02, len(pool))


def synthetic_training_set(n_per_cluster: int = 12, seed: int = 0,
                           task: str = "classification") -> MetaTrainingSet:
    """A :class:`MetaTrainingSet` of ``2 * n_per_cluster`` datasets named ``A0.., B0..``."""
    rng = np.random.default_rng(seed)
    pool = synthetic_pool(task)
    names, rows, scores, views = [], [], [], {}
    columns = ["n_rows", "n_features", "n_classes"] + [f"m{i}" for i in range(N_META)]
    for cluster, center in (("A", -2.0), ("B", 2.0)):
        for i in range(n_per_cluster):
            name = f"{cluster}{i}"
            names.append(name)
            meta = np.concatenate([[rng.integers(100, 1000), rng.integers(2, 30), rng.integers(2, 5)],
                                   [center + rng.normal(0, 0.3)], rng.normal(0, 1, N_META - 1)])
            rows.append(meta)
            scores.append(cluster_scores(pool, cluster, rng))
            views[name] = pd.DataFrame(meta + rng.normal(0, 0.05, (4, len(meta))) * np.r_[0, 0, 0, np.ones(N_META)],
                                       columns=columns, index=pd.Index(range(1, 5), name="view"))
    meta_features = pd.DataFrame(rows, index=names, columns=columns)
    info = meta_features[["n_rows", "n_features", "n_classes"]].assign(
        n_rows_original=meta_features["n_rows"], group=names, source="synthetic")
    space = get_space(task)
    return MetaTrainingSet(task=task, metric="accuracy" if task == "classification" else "r2",
                           datasets=names, groups=names, meta_features=meta_features, views=views,
                           configs=pool, config_ids=[space.config_id(c) for c in pool],
                           encodings=space.encode_many(pool).astype(np.float32),
                           scores=np.array(scores), info=info)


def synthetic_metadb(path, n_per_cluster: int = 6, seed: int = 0) -> MetaDB:
    """The same structure written to a real meta-database file (classification)."""
    training = synthetic_training_set(n_per_cluster, seed)
    db = MetaDB(path, create=True)
    space = get_space("classification")
    ids = db.add_configurations("classification", training.configs, n_defaults=len(space.families))
    for i, name in enumerate(training.datasets):
        meta = training.meta_features.loc[name]
        db.add_dataset(name, task="classification", source="synthetic", n_rows_original=int(meta["n_rows"]),
                       n_rows=int(meta["n_rows"]), n_features=int(meta["n_features"]),
                       n_classes=int(meta["n_classes"]), content_hash=name)
        db.set_meta_features(name, [meta] + [row for _, row in training.views[name].iterrows()],
                             METAFEATURES_VERSION)
        db.record_evaluations(name, [
            (cid, TrialResult(state="complete", scores={"accuracy": float(s)}, fit_time=0.1, duration=0.1))
            for cid, s in zip(ids, training.scores[i], strict=True)])
    return db
