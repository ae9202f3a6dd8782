"""The size-aware proposer against the size-blind one, on the meta-database's large tables held
out by group.

Every evaluation of the meta-database's base matrix is on at most 1,000 rows;
``ProposerConfig.size_weight`` moves each family's pool configurations by the shift the size
evidence shows between the base size and the table's size (:func:`metaautoml.warmstart.size_shift_for`:
LCDB's learning curves, and the meta-database's own 5,000-row fidelity for HistGradientBoosting
and for regression). This script tests whether that helps where it acts: the shipped
meta-database's datasets of at least 3,000 rows, each loaded whole from the corpus (capped at
``--max-rows`` by a stratified subsample) and split 60/15/25 (train/validation/test, seed 0).
The datasets are held out in 5 folds of source groups (``metaautoml.benchmark.group_folds``,
seed 0): for each fold the warm start is meta-trained without it
(``metaautoml.benchmark.fit_proposer``, the shipped training code path), so neither the
surrogate, the matcher, the portfolio nor the fidelity's size shift has seen a held-out table;
LCDB's shifts leave out its copies of the fold's tables (``size_shift_for``'s
``exclude_groups``; the run committed in ``size-aware-v2`` predates that and kept the 28 LCDB
datasets that share a corpus group, which could only favour the size-aware arm).
The proposer proposes k = 1, 3, 5 configurations with ``size_weight`` 0 (size-blind, the
default) and 1 (the only weight tried: one unit of the normalized shift, fixed beforehand).
Every distinct configuration is fitted once on the training part; of the first k proposals the
one with the best validation score is scored on the test part (accuracy / r2). The summary
gives, per task and k, the paired difference (aware - blind) over tables with a bootstrap 95 %
CI and a Wilcoxon signed-rank p-value (Holm over the table's rows). The selection by one
validation split stands in for the search's cross-validation.

    .venv/bin/python benchmarks/size_aware.py --output benchmarks/results/size-aware-v2

Resumable: finished (dataset, configuration) fits in ``fits.csv`` and finished tables in
``results.csv`` are kept (``--force`` starts afresh); ``--task`` runs one task (two runs side
by side share the output folder's files by task).

The run in ``benchmarks/results/size-aware`` is this comparison's first form: on the v1
database, LCDB's evidence only, on corpus tables outside the shipped database (36 of them; v2
holds every corpus group).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_pool_runs import to_markdown  # noqa: E402
from resumable_runs import write_summary  # noqa: E402

from metaautoml.benchmark import fit_proposer, group_folds, holm, paired_test  # noqa: E402
from metaautoml.corpus import available_entries, load_dataset, load_manifest  # noqa: E402
from metaautoml.metadb import MetaDB, MetaTrainingSet, prepare_dataset  # noqa: E402
from metaautoml.metafeatures import extract_meta_features  # noqa: E402
from metaautoml.space import ColumnTypes, get_space  # noqa: E402
from metaautoml.warmstart import WarmStartProposer, size_shift_for  # noqa: E402

MIN_ROWS = 3000
KS = (1, 3, 5)
WEIGHTS = {"size_blind": 0.0, "size_aware": 1.0}
SEED = 0
N_FOLDS = 5
TASKS = ("classification", "regression")


def large_tables(training: MetaTrainingSet, min_rows: int = MIN_ROWS) -> list[str]:
    """The training set's datasets whose whole table has at least ``min_rows`` rows."""
    rows = training.info["n_rows_original"]
    return [name for name in training.datasets if rows.get(name, 0) >= min_rows]


def folds_to_run(training: MetaTrainingSet, targets: list[str], n_folds: int = N_FOLDS,
                 seed: int = SEED) -> list[tuple[list[str], list[str]]]:
    """Per fold of source groups that holds a target: (its targets, the datasets left to
    meta-train on)."""
    out = []
    for fold in group_folds(training.groups, n_folds, seed):
        held = {training.datasets[i] for i in fold}
        fold_targets = [name for name in targets if name in held]
        if fold_targets:
            out.append((fold_targets, [d for d in training.datasets if d not in held]))
    return out

def _split(y: np.ndarray, task: str):
    from sklearn.model_selection import train_test_split

    positions = np.arange(len(y))
    stratify = y if task == "classification" else None
    rest, test = train_test_split(positions, test_size=0.25, random_state=SEED, stratify=stratify)
    train, valid = train_test_split(rest, test_size=0.2, random_state=SEED,
                                    stratify=None if stratify is None else y[rest])
    return train, valid, test


def _score(task: str, model, X, y) -> float:
    from sklearn.metrics import accuracy_score, r2_score

    prediction = model.predict(X)
    return float(accuracy_score(y, prediction) if task == "classification" else r2_score(y, prediction))


def run_dataset(entry, proposer: WarmStartProposer, max_rows: int, fits_path: Path,
                size_shift=None) -> pd.DataFrame:
    """One table's proposals and fits; ``size_shift`` is the size-aware arm's evidence (default:
    ``size_shift_for(proposer.training)``)."""
    X, y = load_dataset(entry)
    X, y, n_original = prepare_dataset(X, y, entry.task, max_rows=max_rows)
    train, valid, test = _split(y, entry.task)
    meta_features = extract_meta_features(X.iloc[train], y[train], task=entry.task)
    space = get_space(entry.task)
    proposals = {}
    for method, weight in WEIGHTS.items():
        config = replace(proposer.config, size_weight=weight)
        sized = WarmStartProposer(proposer.training, proposer.matcher, proposer.surrogate, config,
                                  size_shift=size_shift if weight > 0 else None)
        proposals[method] = [c for _, c in sized.propose(meta_features, max(KS)).proposals]
    done = pd.read_csv(fits_path) if fits_path.is_file() else pd.DataFrame(columns=["dataset", "config_id"])
    done = done[done["dataset"] == entry.name].set_index("config_id")
    columns = ColumnTypes.infer(X)
    scores = {}
    for config in {space.config_id(c): c for cs in proposals.values() for c in cs}.values():
        config_id = space.config_id(config)
        if config_id in done.index:
            scores[config_id] = tuple(done.loc[config_id, ["valid_score", "test_score"]])
            continue
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = space.build_pipeline(config, columns, len(train), random_state=SEED)
                model.fit(X.iloc[train], y[train])
                result = (_score(entry.task, model, X.iloc[valid], y[valid]),
                          _score(entry.task, model, X.iloc[test], y[test]))
        except Exception as exc:  # noqa: BLE001 - a failed configuration scores nothing
            print(f"{entry.name} {config['family']}: {type(exc).__name__}: {exc}", flush=True)
            result = (-np.inf, np.nan)
        scores[config_id] = result
        pd.DataFrame([{"dataset": entry.name, "config_id": config_id, "family": config["family"],
                       "valid_score": result[0], "test_score": result[1],
                       "seconds": time.perf_counter() - start}]).to_csv(
            fits_path, mode="a", header=not fits_path.is_file(), index=False)
    rows = []
    for method, configs in proposals.items():
        for k in KS:
            chosen = max(configs[:k], key=lambda c: scores[space.config_id(c)][0])
            rows.append({"dataset": entry.name, "task": entry.task, "rows": len(y),
                         "rows_original": n_original, "method": method, "k": k,
                         "family": chosen["family"], "test_score": scores[space.config_id(chosen)][1],
                         "families": " ".join(c["family"] for c in configs[:k])})
    return pd.DataFrame(rows)


def summarize(results: pd.DataFrame, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    wide = results.pivot_table(index=["task", "k", "dataset"], columns="method", values="test_score")
    table = []
    for (task, k), part in wide.groupby(level=["task", "k"]):
        part = part.dropna()
        diff = (part["size_aware"] - part["size_blind"]).to_numpy()
        test = paired_test(diff, rng)
        table.append({"task": task, "k": k, "tables": len(diff),
                      "size-blind": part["size_blind"].mean(), "size-aware": part["size_aware"].mean(),
                      "mean diff": test.mean, "95% CI": test.ci,
                      "differ": int((diff != 0).sum()), "wins/losses": f"{(diff > 0).sum()}/{(diff < 0).sum()}",
                      "p": test.p})
    table = pd.DataFrame(table)
    table["p (Holm)"] = holm(table["p"].to_numpy())
    changed = results.pivot_table(index=["dataset", "k"], columns="method", values="families", aggfunc="first")
    n_changed = int((changed["size_aware"] != changed["size_blind"]).sum())
    return "\n\n".join([
        f"Test score (accuracy / r2) of the best of the first k proposals by validation score, "
        f"size-aware (size_weight=1) vs size-blind (0), on {results['dataset'].nunique()} tables "
        f"of >= {MIN_ROWS:,} rows held out by group ({N_FOLDS} folds, models retrained without "
        "each); diff = aware - blind (p: Wilcoxon signed-rank, n/a with "
        "fewer than 5 non-zero differences). 'differ': tables where the chosen models' scores differ.",
        to_markdown(table),
        f"The first k proposals' families differ on {n_changed} of {len(changed)} (table, k) pairs."]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/size-aware-v2"))
    parser.add_argument("--max-rows", type=int, default=10_000, help="subsample larger tables to this")
    parser.add_argument("--task", choices=TASKS, action="append", help="only this task (repeatable)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many tables per task")
    parser.add_argument("--force", action="store_true", help="start afresh (drop earlier fits)")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    args.output.mkdir(parents=True, exist_ok=True)
    db = MetaDB.default()
    manifest = {entry.name: entry for entry in load_manifest()}
    for task in args.task or TASKS:
        fits_path, results_path = (args.output / f"{name}-{task}.csv" for name in ("fits", "results"))
        if args.force:
            fits_path.unlink(missing_ok=True)
            results_path.unlink(missing_ok=True)
        done = set(pd.read_csv(results_path)["dataset"]) if results_path.is_file() else set()
        training = MetaTrainingSet.from_metadb(db, task)
        # Tables whose source is not installed here are skipped with a warning naming why.
        loadable = {e.name for e in available_entries(
            [manifest[name] for name in large_tables(training) if name in manifest])}
        targets = [name for name in large_tables(training) if name in loadable][:args.limit]
        print(f"{task}: {len(targets)} tables of >= {MIN_ROWS:,} rows, {len(done & set(targets))} done",
              flush=True)
        for fold_targets, keep in folds_to_run(training, targets):
            todo = [name for name in fold_targets if name not in done]
            if not todo:
                continue
            train = training.subset(keep)
            proposer = fit_proposer(train)
            # LCDB's copies of the fold's tables leave its evidence too.
            held_out = set(training.groups) - set(train.groups)
            shift = size_shift_for(train, exclude_groups=held_out)
            for name in todo:
                frame = run_dataset(manifest[name], proposer, args.max_rows, fits_path, shift)
                frame.to_csv(results_path, mode="a", header=not results_path.is_file(), index=False)
                print(f"{task} {name}: " + ", ".join(
                    f"{r.method} k={r.k} {r.test_score:.3f}" for r in frame.itertuples() if r.k == 3),
                    flush=True)
    frames = [pd.read_csv(path) for path in sorted(args.output.glob("results-*.csv"))]
    if not frames:
        print("no results yet", flush=True)
        return 1
    results = pd.concat(frames, ignore_index=True)
    return write_summary(args.output, summarize(results), __file__, argv,
                         resumed=not args.force)


if __name__ == "__main__":
    raise SystemExit(main())
