"""Sensitivity of the warm start to its meta-hyperparameters, on the pool benchmark.

The proposer's matching temperature, first-pick hedge and L1 neighbours' bests and the score
normalization the surrogate learns from (``TrainingConfig.target``) were chosen with this sweep:
the pool benchmark on its 5-fold split of dataset groups, once per setting (the grid of
``--targets``, ``--temperatures``, ``--hedges`` and ``--neighbor-bests``). Writes one raw CSV per setting and task, with a JSON file
beside it naming the code (commit, and a digest of uncommitted changes), methods, folds and
meta-iterations that measured it. A raw CSV is reused only when all of these match the run
asked for, so an interrupted sweep resumes and a sweep after a code change reruns instead of
mixing old numbers with new ones; ``--force`` reruns the requested settings regardless. Then
``sweep.csv`` and ``sweep.md``: mean normalized regret per setting, method and ``k`` over every
raw CSV in the output directory, each row naming the commit it was measured at, so grids run
one after another are reported side by side and rows from older code stand out.

Usage::

    .venv/bin/python benchmarks/pool_sweep.py --output benchmarks/results/pool-sweep --n-jobs -1
    .venv/bin/python benchmarks/pool_sweep.py --task regression --targets median_clipped \
        --temperatures 0.25 --hedges 0,0.4 --neighbor-bests 0,3,7 --n-jobs -1

The defaults are then the settings with the lowest mean regret over k = 1-25 for the full
system. The leave-one-group-out run (``pool_benchmark.py --folds loo``) holds out the same
datasets, so it confirms this choice rather than testing it independently.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from metaautoml.benchmark import (
    PoolBenchmarkConfig,
    code_notes,
    database_notes,
    run_pool_benchmark,
    summarize,
    write_results,
    write_run_notes,
)
from metaautoml.metadb import NORMALIZATIONS, MetaDB, MetaTrainingSet
from metaautoml.warmstart import ProposerConfig

METHODS = ("portfolio", "l1_knn", "matcher", "surrogate_adapted", "full")
SWEEP_K = (1, 3, 5, 10, 25, 50)
#: A raw CSV's name holds its setting.
_RAW = re.compile(r"raw_(?P<task>classification|regression)_(?P<target>.+)"
                  r"_t(?P<temperature>[0-9.e+-]+)_h(?P<hedge>[0-9.e+-]+)_n(?P<neighbor_best>[0-9]+)\.csv")
#: The proposer settings a raw CSV's name records, in order.
SETTINGS = ("target", "temperature", "hedge", "neighbor_best")


def raw_name(task: str, target: str, temperature: float, hedge: float, neighbor_best: int) -> str:
    return f"raw_{task}_{target}_t{temperature:g}_h{hedge:g}_n{neighbor_best:d}.csv"


def _ints(text: str) -> list[int]:
    return [int(value) for value in text.split(",")]


def _floats(text: str) -> list[float]:
    return [float(value) for value in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="meta-database (default: the shipped one)")
    parser.add_argument("--task", choices=("classification", "regression"), action="append",
                        help="task types to run (default: both)")
    parser.add_argument("--folds", type=int, default=5, help="folds of dataset groups")
    parser.add_argument("--temperatures", type=_floats, default=[0.25, 0.5, 1.0])
    parser.add_argument("--hedges", type=_floats, default=[0.0],
                        help="first-pick hedges (ProposerConfig.first_pick_hedge)")
    parser.add_argument("--neighbor-bests", type=_ints, default=[0],
                        help="L1 neighbours' bests after the first pick (ProposerConfig.neighbor_best)")
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
    out = Path(args.output)
    database = database_notes(db, args.task or ("classification", "regression"), out,
                              check=not args.force,
                              label=str(args.db or "shipped (metaautoml/data/metadb.sqlite)"))
    # The tables cover every grid run into ``out``, so the notes keep the earlier grids' commands.
    notes = out / "run.json"
    earlier = json.loads(notes.read_text()) if notes.exists() else {}
    earlier = [*earlier.get("earlier_commands", []), *filter(None, [earlier.get("command")])]
    write_run_notes(out, __file__, sys.argv[1:] if argv is None else argv,
                    database=database,
                    earlier_commands=list(dict.fromkeys(earlier)))
    base = PoolBenchmarkConfig(methods=tuple(args.methods.split(",")), n_folds=args.folds)
    # The code this process loaded, once: a commit made while the sweep runs does not change it.
    measured = {"methods": sorted(base.methods), "folds": args.folds,
                "iterations": args.iterations, "ensemble": base.n_ensemble, **code_notes(__file__)}
    for task in args.task or ("classification", "regression"):
        data = MetaTrainingSet.from_metadb(db, task)
        for target, temperature, hedge, neighbor_best in itertools.product(
                targets, args.temperatures, args.hedges, args.neighbor_bests):
            raw = out / raw_name(task, target, temperature, hedge, neighbor_best)
            if not args.force and raw.exists():
                recorded = _measured_with(raw)
                if "code" in measured and recorded == measured:
                    continue
                changed = sorted(key for key in {*measured, *recorded}
                                 if recorded.get(key) != measured.get(key))
                print(f"{raw.name}: measured with other {', '.join(changed)}; rerunning",
                      file=sys.stderr)
            start = time.perf_counter()
            proposer = ProposerConfig.for_task(task, temperature=temperature,
                                               first_pick_hedge=hedge, neighbor_best=neighbor_best)
            config = replace(base, training=replace(base.training, target=target,
                                                    meta_iterations=args.iterations),
                             proposer=proposer)
            write_results(run_pool_benchmark(data, config, n_jobs=args.n_jobs), raw)
            _notes_path(raw).write_text(json.dumps(measured, indent=2) + "\n")
            print(f"{task} target={target} temperature={temperature:g} hedge={hedge:g} "
                  f"neighbor_best={neighbor_best}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    sweep = collect(out)
    sweep.to_csv(out / "sweep.csv", index=False)
    (out / "sweep.md").write_text(sweep_markdown(sweep))
    print(sweep_markdown(sweep))
    return 0


def _notes_path(raw: Path) -> Path:
    return raw.with_suffix(".json")


def _measured_with(raw: Path) -> dict:
    """What measured ``raw``, as recorded beside it (empty for CSVs from before the record)."""
    path = _notes_path(raw)
    return json.loads(path.read_text()) if path.exists() else {}


def _code_label(measured: dict) -> str:
    code = measured.get("code")
    if code is None:
        return "unrecorded"
    return code["commit"] + (f"+{code['diff']}" if code.get("modified") else "")


def collect(directory: Path) -> pd.DataFrame:
    """:func:`summarize` of every raw CSV in ``directory``, with its setting and the code that
    measured it as columns."""
    frames = []
    for path in sorted(directory.glob("raw_*.csv")):
        match = _RAW.fullmatch(path.name)
        if match is None:
            raise ValueError(f"{path} is not named like a sweep's raw CSV "
                             f"({raw_name('<task>', '<target>', 1, 0, 0)})")
        table = summarize(pd.read_csv(path), SWEEP_K)
        table["target"] = match["target"]
        table["temperature"] = float(match["temperature"])
        table["hedge"] = float(match["hedge"])
        table["neighbor_best"] = int(match["neighbor_best"])
        measured = _measured_with(path)
        # Records from before "ensemble" was one: the benchmark then ran a single member.
        table["members"] = int(measured.get("ensemble", 1))
        table["code"] = _code_label(measured)
        frames.append(table)
    if not frames:
        raise ValueError(f"no sweep results in {directory}")
    return pd.concat(frames, ignore_index=True)


def sweep_markdown(sweep: pd.DataFrame) -> str:
    """Mean normalized regret per task, setting and method, one row each, with the surrogate's
    ensemble members and the code (commit, ``+digest`` of uncommitted changes) that measured
    it: rows measured on different code are not comparable."""
    lines = []
    for task, part in sweep.groupby("task"):
        n = int(part["datasets"].max())
        wide = part.pivot_table(index=[*SETTINGS, "method", "members", "code"], columns="k",
                                values="regret")
        ks = [k for k in SWEEP_K if k in wide.columns]  # a small pool stops before k = 50
        lines += [f"#### {task} ({n} held-out datasets)", "",
                  "| " + " | ".join([*SETTINGS, "method", *(f"k={k}" for k in ks), "mean k<=25",
                                     "members", "code"]) + " |",
                  "| --- " * (len(SETTINGS) + 1 + len(ks) + 3) + "|"]
        for (target, temperature, hedge, neighbor_best, method, members, code), row in wide.iterrows():
            early = row[[k for k in ks if k <= 25]].mean()
            lines.append(f"| {target} | {temperature:g} | {hedge:g} | {neighbor_best} | {method} | "
                         + " | ".join(f"{row[k]:.4f}" for k in ks)
                         + f" | {early:.4f} | {members} | {code} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
