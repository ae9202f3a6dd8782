"""Sensitivity of the warm start to its two meta-hyperparameters, on the pool benchmark.

The proposer's matching temperature and the score normalization the surrogate learns from
(``TrainingConfig.target``) were chosen with this sweep: the pool benchmark on its 5-fold split
of dataset groups, once per setting, every setting side by side in one run. Writes one raw CSV
per setting and task (reused when present and of the same methods, so an interrupted sweep
resumes; ``--force`` reruns all), ``sweep.csv`` and ``sweep.md`` (mean normalized regret per
setting, method and ``k``).

Usage::

    .venv/bin/python benchmarks/pool_sweep.py --output benchmarks/results/pool-sweep --n-jobs -1

The defaults are then the settings with the lowest mean regret over k = 1-25 for the full
system. The leave-one-group-out run (``pool_benchmark.py --folds loo``) holds out the same
datasets, so it confirms this choice rather than testing it independently.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from metaautoml.benchmark import PoolBenchmarkConfig, run_pool_benchmark, summarize, write_results
from metaautoml.benchmark._report import check_same_database, database_fingerprint, write_run_notes
from metaautoml.metadb import NORMALIZATIONS, MetaDB, MetaTrainingSet
from metaautoml.warmstart import ProposerConfig

METHODS = ("portfolio", "l1_knn", "matcher", "surrogate_adapted", "full")
SWEEP_K = (1, 3, 5, 10, 25, 50)


def _floats(text: str) -> list[float]:
    return [float(value) for value in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="meta-database (default: the shipped one)")
    parser.add_argument("--task", choices=("classification", "regression"), action="append",
                        help="task types to run (default: both)")
    parser.add_argument("--folds", type=int, default=5, help="folds of dataset groups")
    parser.add_argument("--temperatures", type=_floats, default=[0.25, 0.5, 1.0])
    parser.add_argument("--targets", default="minmax,median_clipped",
                        help=f"comma-separated surrogate targets, of {sorted(NORMALIZATIONS)}")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated methods")
    parser.add_argument("--iterations", type=int, default=400, help="surrogate meta-iterations")
    parser.add_argument("--output", default="benchmarks/results/pool-sweep")
    parser.add_argument("--n-jobs", type=int, default=1, help="folds run in parallel processes")
    parser.add_argument("--force", action="store_true", help="rerun settings with results on disk")
    args = parser.parse_args(argv)
    targets = args.targets.split(",")
    unknown = sorted(set(targets) - set(NORMALIZATIONS))
    if unknown:
        parser.error(f"unknown --targets {unknown}; expected some of {sorted(NORMALIZATIONS)}")

    db = MetaDB(args.db, readonly=True) if args.db else MetaDB.default()
    fingerprint = database_fingerprint(db.path)
    out = Path(args.output)
    if not args.force:
        check_same_database(out, fingerprint)
    write_run_notes(out, __file__, sys.argv[1:] if argv is None else argv,
                    database={"path": str(args.db or "shipped (metaautoml/data/metadb.sqlite)"),
                              "fingerprint": fingerprint})
    base = PoolBenchmarkConfig(methods=tuple(args.methods.split(",")), n_folds=args.folds)
    frames = []
    for task in args.task or ("classification", "regression"):
        data = MetaTrainingSet.from_metadb(db, task)
        for target in targets:
            for temperature in args.temperatures:
                raw = out / f"raw_{task}_{target}_t{temperature:g}.csv"
                results = None if args.force or not raw.exists() else pd.read_csv(raw)
                if results is None or set(results["method"]) != set(base.methods):
                    start = time.perf_counter()
                    config = replace(base, training=replace(base.training, target=target,
                                                            meta_iterations=args.iterations),
                                     proposer=ProposerConfig.for_task(task, temperature=temperature))
                    results = run_pool_benchmark(data, config, n_jobs=args.n_jobs)
                    write_results(results, raw)
                    print(f"{task} target={target} temperature={temperature:g}: "
                          f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
                table = summarize(results, SWEEP_K)
                table["target"], table["temperature"] = target, temperature
                frames.append(table)
    sweep = pd.concat(frames, ignore_index=True)
    sweep.to_csv(out / "sweep.csv", index=False)
    (out / "sweep.md").write_text(sweep_markdown(sweep))
    print(sweep_markdown(sweep))
    return 0


def sweep_markdown(sweep: pd.DataFrame) -> str:
    """Mean normalized regret per task, setting and method, one row each."""
    lines = []
    for task, part in sweep.groupby("task"):
        n = int(part["datasets"].max())
        wide = part.pivot_table(index=["target", "temperature", "method"], columns="k",
                                values="regret")
        ks = [k for k in SWEEP_K if k in wide.columns]  # a small pool stops before k = 50
        lines += [f"#### {task} ({n} held-out datasets)", "",
                  "| target | temperature | method | " + " | ".join(f"k={k}" for k in ks)
                  + " | mean k<=25 |",
                  "| --- | --- | --- | " + " | ".join("---" for _ in ks) + " | --- |"]
        for (target, temperature, method), row in wide.iterrows():
            early = row[[k for k in ks if k <= 25]].mean()
            lines.append(f"| {target} | {temperature:g} | {method} | "
                         + " | ".join(f"{row[k]:.4f}" for k in ks) + f" | {early:.4f} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
