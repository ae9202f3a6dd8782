"""What the first model alone is, on named corpus tables: the configuration behind a first-pick
result, next to default HistGradientBoosting's test score.

The live benchmark records a first model's family and score, not its hyperparameters. This
script refits it as ``first_pick_live.py`` does -- the warm start meta-trained without the
table's source group (:func:`metaautoml.benchmark.fit_proposer`, the shipped recipe), the rows
and outer splits of the live benchmark, ``n_trials=1``, cv=3 -- and prints, per seed, the first
configuration, its CV and test score, default HistGradientBoosting's test score and the range
of the predictions against the training target's. It diagnoses; nothing is decided on it.

    .venv/bin/python benchmarks/first_pick_explain.py star98

(~1-2 min a table: the meta-training.)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor
from metaautoml.benchmark import (
    LiveBenchmarkConfig,
    corpus_datasets,
    fit_proposer,
    hgb_frame,
    outer_split,
    prepare_dataset,
)
from metaautoml.corpus import load_manifest
from metaautoml.metadb import MetaDB, MetaTrainingSet
from metaautoml.strategy import MetaWarmStart

SEEDS = (0, 1, 2)
MAX_ROWS = 5000


def held_out_training(db: MetaDB, task: str, name: str, group: str) -> MetaTrainingSet:
    """The task's training set without ``name`` and its source ``group``."""
    training = MetaTrainingSet.from_metadb(db, task)
    keep = [d for d, g in zip(training.datasets, training.groups, strict=True)
            if g != group and d != name]
    return training.subset(keep) if len(keep) < training.n_datasets else training


def explain(dataset, proposer, seeds=SEEDS, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """One row per seed: the first configuration, its scores and default HGB's."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.metrics import accuracy_score, r2_score

    classification = dataset.task == "classification"
    X, y = prepare_dataset(dataset, max_rows=max_rows)
    rows = []
    for seed in seeds:
        X_train, X_test, y_train, y_test = outer_split(X, y, dataset.task, seed)
        estimator = MetaAutoMLClassifier if classification else MetaAutoMLRegressor
        model = estimator(n_trials=1, cv=3, n_jobs=1, random_state=seed,
                          warm_start=MetaWarmStart(proposer)).fit(X_train, y_train)
        default = (HistGradientBoostingClassifier if classification
                   else HistGradientBoostingRegressor)(random_state=seed)
        default.fit(hgb_frame(X_train), y_train)
        score = accuracy_score if classification else r2_score
        predicted = model.predict(X_test)
        row = {"dataset": dataset.name, "seed": seed, "n_train": len(y_train),
               "test_score": score(y_test, predicted), "cv_score": model.best_score_,
               "hgb_default": score(y_test, default.predict(hgb_frame(X_test))),
               "config": json.dumps(model.best_config_, sort_keys=True)}
        if not classification:
            row.update(prediction_range=f"[{np.min(predicted):.4g}, {np.max(predicted):.4g}]",
                       target_range=f"[{y_train.min():.4g}, {y_train.max():.4g}]")
        rows.append(row)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", help="corpus table names")
    parser.add_argument("--db", type=Path, default=None,
                        help="meta-database to meta-train on (default: the shipped one)")
    parser.add_argument("--first-pick", choices=("matched", "constrained", "robust"), default=None,
                        help="the proposer's first_pick (default: the task's)")
    args = parser.parse_args(argv)
    entries = load_manifest()
    unknown = sorted(set(args.datasets) - {e.name for e in entries})
    if unknown:
        parser.error(f"not in the corpus manifest: {', '.join(unknown)}")
    if args.db is not None and not args.db.is_file():
        parser.error(f"--db {args.db}: no such file")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    db = MetaDB(args.db, readonly=True) if args.db is not None else MetaDB.default()
    config = LiveBenchmarkConfig()
    proposer_config = None
    for dataset in corpus_datasets(args.datasets, entries=entries):
        train = held_out_training(db, dataset.task, dataset.name, dataset.group)
        if args.first_pick is not None:
            from metaautoml.warmstart import ProposerConfig
            proposer_config = ProposerConfig.for_task(dataset.task, first_pick=args.first_pick)
        proposer = fit_proposer(train, config.training, config.n_ensemble, config.matcher,
                                proposer_config)
        with pd.option_context("display.width", 250, "display.max_colwidth", 400):
            print(explain(dataset, proposer).to_string(index=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
