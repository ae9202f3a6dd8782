"""The full system with its settings chosen inside each outer fold (nested selection).

The pool benchmark's ``full`` runs with the defaults a sweep chose on the very datasets it
reports on. This script chooses the surrogate target and the proposer's temperature, first-pick
hedge, L1 neighbours' bests and leading defaults again in every outer fold, by inner group
cross-validation on that fold's training groups only (:mod:`metaautoml.benchmark`'s
``run_nested_pool_benchmark``), then scores the held-out datasets: method ``full_nested``, paired
with a pool benchmark run of the same folds and seed (``report.py --nested``).

    .venv/bin/python benchmarks/pool_nested.py --folds 5 --seed 1 --n-jobs -1 \\
        --output benchmarks/results/pool-nested
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

from metaautoml.benchmark import (
    NestedConfig,
    PoolBenchmarkConfig,
    database_notes,
    run_nested_pool_benchmark,
    summarize,
    write_results,
    write_run_notes,
)
from metaautoml.metadb import MetaDB, MetaTrainingSet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="meta-database (default: the shipped one)")
    parser.add_argument("--task", choices=("classification", "regression"), action="append",
                        help="task types to run (default: both)")
    parser.add_argument("--folds", type=int, default=5, help="outer folds of dataset groups")
    parser.add_argument("--inner-folds", type=int, default=3,
                        help="inner folds of each outer fold's training groups")
    parser.add_argument("--seed", type=int, default=1,
                        help="the outer split's seed: the same as the pool run it is paired with")
    parser.add_argument("--iterations", type=int, default=400, help="surrogate meta-iterations")
    parser.add_argument("--ensemble", type=int, default=3, help="surrogate ensemble members")
    parser.add_argument("--horizon", type=int, default=50)
    parser.add_argument("--n-jobs", type=int, default=1, help="outer folds run in parallel")
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/pool-nested"))
    args = parser.parse_args(argv)

    db = MetaDB(args.db, readonly=True) if args.db else MetaDB.default()
    args.output.mkdir(parents=True, exist_ok=True)
    database = database_notes(db, args.task or ("classification", "regression"), args.output,
                              label=str(args.db or "shipped (metaautoml/data/metadb.sqlite)"))
    pool = PoolBenchmarkConfig(methods=("full",), n_folds=args.folds, horizon=args.horizon,
                               n_ensemble=args.ensemble, seed=args.seed)
    pool = replace(pool, training=replace(pool.training, meta_iterations=args.iterations,
                                          seed=args.seed))
    config = NestedConfig(pool=pool, inner_folds=args.inner_folds)
    # Written before the run, so that an interrupted run resumes against the database it began on.
    write_run_notes(args.output, __file__, sys.argv[1:] if argv is None else argv, keep_earlier=True,
                    database=database)
    choices = []
    for task in args.task or ("classification", "regression"):
        data = MetaTrainingSet.from_metadb(db, task)
        print(f"{task}: {data.n_datasets} datasets x {data.n_configs} configurations", flush=True)
        results, chosen = run_nested_pool_benchmark(
            data, config, progress=lambda line: print(line, flush=True), n_jobs=args.n_jobs,
            checkpoints=args.output / f"folds-{task}")
        write_results(results, args.output / f"raw_{task}.csv")
        choices.append(chosen)
        # After each task, so the page can show a finished task while the next one runs.
        write_results(pd.concat(choices, ignore_index=True), args.output / "choices.csv")
        table = summarize(results)
        print(table.pivot(index="method", columns="k", values="regret").round(4).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
