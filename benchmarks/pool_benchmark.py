"""Offline warm-start benchmark over the meta-database (leave-groups-out), HPO-B style.

Every method orders the configuration pool for each held-out dataset using only the other
datasets (models retrained per fold, a dataset's whole source group held out with it); the
held-out scores are looked up in the performance matrix. Prints mean normalized regret and
mean rank at k = 1, 3, 5, 10, 25, 50, the share of datasets whose best configuration was found,
and trials-to-target relative to random order; writes the raw per-dataset curves as CSV.

Usage::

    .venv/bin/python benchmarks/pool_benchmark.py --output benchmarks/results/pool
    .venv/bin/python benchmarks/pool_benchmark.py --db meta_db/build/metadb.sqlite --folds 10

Runs resume: a task whose raw CSV exists in ``--output`` is not rerun, and within a task every
finished fold is saved under ``--output/folds-<task>/`` and reused (``--force`` reruns all).
``--folds loo`` (one dataset group per fold) retrains the models once per group: use
``--n-jobs`` to run folds in parallel.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from metaautoml.benchmark import (
    ABLATIONS,
    METHODS,
    PoolBenchmarkConfig,
    database_notes,
    paired_comparison,
    run_pool_benchmark,
    summarize,
    trials_to_target,
    write_results,
    write_run_notes,
)
from metaautoml.metadb import NORMALIZATIONS, MetaDB, MetaTrainingSet
from metaautoml.warmstart import ProposerConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="meta-database (default: the shipped one)")
    parser.add_argument("--task", choices=("classification", "regression"), action="append",
                        help="task types to run (default: both)")
    parser.add_argument("--folds", default="5", help="folds of dataset groups, or 'loo'")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated methods")
    parser.add_argument("--iterations", type=int, default=400, help="surrogate meta-iterations")
    parser.add_argument("--ensemble", type=int, default=3,
                        help="surrogate ensemble members (default: 3, as meta-train ships them)")
    parser.add_argument("--surrogate-target", choices=sorted(NORMALIZATIONS), default=None,
                        help="score normalization the surrogate learns from (default: its own)")
    parser.add_argument("--temperature", type=float, default=None,
                        help="proposer matching temperature (default: each task's)")
    parser.add_argument("--horizon", type=int, default=50)
    parser.add_argument("--max-configs", type=int, default=None, metavar="N",
                        help="only the pool's first N configurations: an older database's pool, "
                             "which a newer one extends, so that two databases compare on one pool")
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds the fold split, random orders, surrogate and matcher: a fresh "
                             "split validates a design choice without looking at the reported one")
    parser.add_argument("--output", default="benchmarks/results/pool", help="output directory")
    parser.add_argument("--n-jobs", type=int, default=1, help="folds run in parallel processes")
    parser.add_argument("--force", action="store_true", help="rerun tasks with results on disk")
    args = parser.parse_args(argv)

    db = MetaDB(args.db, readonly=True) if args.db else MetaDB.default()
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    task_names = args.task or ("classification", "regression")
    database = database_notes(db, task_names, out, check=not args.force,
                              label=str(args.db or "shipped (metaautoml/data/metadb.sqlite)"))
    base = PoolBenchmarkConfig(methods=tuple(args.methods.split(",")),
                               n_folds=None if args.folds == "loo" else int(args.folds),
                               horizon=args.horizon, n_ensemble=args.ensemble, seed=args.seed)
    base = replace(base, training=replace(base.training, meta_iterations=args.iterations,
                                          seed=args.seed),
                   matcher=replace(base.matcher, seed=args.seed))
    if args.surrogate_target is not None:
        base = replace(base, training=replace(base.training, target=args.surrogate_target))
    training = {task: MetaTrainingSet.from_metadb(db, task) for task in task_names}
    if args.max_configs is not None:
        training = {task: data.subset_configs(data.config_ids[:args.max_configs])
                    for task, data in training.items()}
    # Written before the run, so that an interrupted run resumes against the database it began on.
    write_run_notes(out, __file__, sys.argv[1:] if argv is None else argv, keep_earlier=not args.force,
                    database={**database,
                              "tasks": {task: {"datasets": data.n_datasets, "configs": data.n_configs,
                                               "groups": len(set(data.groups)), "metric": data.metric}
                                        for task, data in training.items()}})
    frames = []
    for task, data in training.items():
        raw, checkpoints = out / f"raw_{task}.csv", out / f"folds-{task}"
        if args.force:
            shutil.rmtree(checkpoints, ignore_errors=True)
        elif raw.exists():
            print(f"{task}: reusing {raw}", file=sys.stderr)
            frames.append(pd.read_csv(raw))
            continue
        print(f"{task}: {data.n_datasets} datasets x {data.n_configs} configurations "
              f"({len(set(data.groups))} groups), metric {data.metric}", file=sys.stderr)
        start = time.perf_counter()
        config = base if args.temperature is None else replace(
            base, proposer=ProposerConfig.for_task(task, temperature=args.temperature))
        results = run_pool_benchmark(data, config, progress=lambda line: print(line, file=sys.stderr),
                                     n_jobs=args.n_jobs, checkpoints=checkpoints)
        print(f"{task}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
        write_results(results, raw)
        shutil.rmtree(checkpoints)  # the raw CSV now holds every fold
        frames.append(results)
    results = pd.concat(frames, ignore_index=True)
    table = summarize(results)
    table.to_csv(out / "summary.csv", index=False)
    ttt = trials_to_target(results)
    ttt.to_csv(out / "trials_to_target.csv", index=False)
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        for task, part in table.groupby("task"):
            regret = part.pivot(index="method", columns="k", values="regret")
            rank = part.pivot(index="method", columns="k", values="rank")
            solved = part.pivot(index="method", columns="k", values="solved")
            n = int(part["datasets"].max())
            print(f"\n== {task}: mean normalized regret ({n} held-out datasets) ==")
            print(regret.reindex([m for m in METHODS if m in regret.index]).round(4).to_string())
            print(f"\n== {task}: mean rank ==")
            print(rank.reindex([m for m in METHODS if m in rank.index]).round(2).to_string())
            print(f"\n== {task}: share of datasets whose best configuration was found ==")
            print(solved.reindex([m for m in METHODS if m in solved.index]).round(3).to_string())
        print("\n== trials to reach regret <= 0.05 (horizon + 1 if never) ==")
        print(ttt.round(3).to_string(index=False))
        if "full" in set(results["method"]):
            paired = paired_comparison(results)
            paired.to_csv(out / "paired.csv", index=False)
            print("\n== baseline minus full regret, per dataset (positive: full is better) ==")
            print(paired.round(4).to_string(index=False))
            if set(ABLATIONS) & set(results["method"]):
                ablation = paired_comparison(results, baselines=ABLATIONS)
                ablation.to_csv(out / "ablation.csv", index=False)
                print("\n== the full system without a part minus the full system (its own "
                      "Holm family) ==")
                print(ablation.round(4).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
