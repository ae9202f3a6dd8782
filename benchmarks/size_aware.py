"""The size-aware proposer against the size-blind one, on large tables the shipped meta-database
never saw.

Every meta-database evaluation is on at most 1,000 rows; ``ProposerConfig.size_weight`` moves each
family's pool configurations by the shift LCDB's learning curves show between 1,024 rows and the
table's size (:class:`metaautoml.warmstart.FamilySizeShift`). This script tests whether that
helps where it acts: corpus tables of at least 3,000 rows whose source group is not in the
shipped database (``shipped_datasets.txt``), capped at ``--max-rows`` (a stratified subsample),
each split 60/15/25 (train/validation/test, seed 0). The shipped proposer proposes k = 1, 3, 5
configurations with ``size_weight`` 0 (size-blind, the default) and 1 (the only weight tried:
one unit of LCDB's normalized shift, fixed before this run). Every distinct configuration is
fitted once on the training part; of the first k proposals the one with the best validation
score is scored on the test part (accuracy / r2). The summary gives, per task and k, the paired
difference (aware - blind) over tables with a bootstrap 95 % CI and a Wilcoxon signed-rank
p-value (Holm over the table's rows). The selection by one validation split stands in for the
search's cross-validation; the proposals are the shipped proposer's.

    .venv/bin/python benchmarks/size_aware.py --output benchmarks/results/size-aware

Resumable: finished (dataset, configuration) fits in ``fits.csv`` are kept.
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

from metaautoml.benchmark import holm, paired_test  # noqa: E402
from metaautoml.corpus import (  # noqa: E402
    available_entries,
    default_manifest_path,
    load_dataset,
    load_manifest,
)
from metaautoml.metadb import prepare_dataset  # noqa: E402
from metaautoml.metafeatures import extract_meta_features  # noqa: E402
from metaautoml.space import ColumnTypes, get_space  # noqa: E402
from metaautoml.warmstart import WarmStartProposer, load_proposer  # noqa: E402

MIN_ROWS = 3000
KS = (1, 3, 5)
WEIGHTS = {"size_blind": 0.0, "size_aware": 1.0}
SEED = 0


def held_out_entries(min_rows: int = MIN_ROWS):
    entries = load_manifest()
    shipped = set(default_manifest_path().with_name("shipped_datasets.txt").read_text().split())
    groups = {e.group for e in entries if e.name in shipped}
    seen, out = set(), []
    for entry in entries:
        if entry.group in groups or entry.group in seen or not (entry.n_rows or 0) >= min_rows:
            continue
        seen.add(entry.group)
        out.append(entry)
    # Tables whose source is not installed here are skipped with a warning naming why.
    return available_entries(out)


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


def run_dataset(entry, max_rows: int, fits_path: Path) -> pd.DataFrame:
    X, y = load_dataset(entry)
    X, y, n_original = prepare_dataset(X, y, entry.task, max_rows=max_rows)
    train, valid, test = _split(y, entry.task)
    meta_features = extract_meta_features(X.iloc[train], y[train], task=entry.task)
    proposer = load_proposer(entry.task)
    space = get_space(entry.task)
    proposals = {}
    for method, weight in WEIGHTS.items():
        config = replace(proposer.config, size_weight=weight)
        sized = WarmStartProposer(proposer.training, proposer.matcher, proposer.surrogate, config)
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
        f"size-aware (size_weight=1) vs size-blind (0), on {results['dataset'].nunique()} held-out "
        f"tables of >= {MIN_ROWS:,} rows; diff = aware - blind (p: Wilcoxon signed-rank, n/a with "
        "fewer than 5 non-zero differences). 'differ': tables where the chosen models' scores differ.",
        to_markdown(table),
        f"The first k proposals' families differ on {n_changed} of {len(changed)} (table, k) pairs."]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/size-aware"))
    parser.add_argument("--max-rows", type=int, default=10_000, help="subsample larger tables to this")
    parser.add_argument("--limit", type=int, default=None, help="at most this many tables")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    args.output.mkdir(parents=True, exist_ok=True)
    entries = held_out_entries()[:args.limit]
    results = []
    for i, entry in enumerate(entries, 1):
        frame = run_dataset(entry, args.max_rows, args.output / "fits.csv")
        results.append(frame)
        print(f"[{i}/{len(entries)}] {entry.name}: "
              + ", ".join(f"{r.method} k={r.k} {r.test_score:.3f}" for r in frame.itertuples() if r.k == 1),
              flush=True)
    results = pd.concat(results, ignore_index=True)
    results.to_csv(args.output / "results.csv", index=False)
    return write_summary(args.output, summarize(results), __file__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
