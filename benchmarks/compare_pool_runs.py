"""Two pool-benchmark runs of the same folds, compared method by method.

What changed between ``--before`` and ``--after`` (e.g. the benchmark's own copy of the
sampler's pick replaced by the shipped ``MetaSurrogateSampler.select``): for each task and
method, the share of (dataset, k) regrets that are bit-identical, on how many datasets the
first pick changed, the mean regret at a few k, and the paired difference of each dataset's mean
regret over k = 1..horizon (after - before; negative is better) with a bootstrap 95 % CI and a
Wilcoxon signed-rank p-value, Holm-corrected over the table's rows.

    .venv/bin/python benchmarks/compare_pool_runs.py --before benchmarks/results/pool-seed1 \\
        --after benchmarks/results/pool-seed1-shipped --output benchmarks/results/pool-seed1-shipped/compare.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from metaautoml.benchmark import holm, paired_test

KEYS = ["task", "dataset", "group", "fold", "method", "k"]
SHOWN_K = (1, 10, 50)


def load_pair(before: Path, after: Path) -> pd.DataFrame:
    """Both runs' raw regrets, joined on (task, dataset, group, fold, method, k)."""
    frames = []
    for path in sorted(before.glob("raw_*.csv")):
        other = after / path.name
        if not other.is_file():
            raise SystemExit(f"{other} is missing: the runs must cover the same tasks")
        old, new = pd.read_csv(path), pd.read_csv(other)
        merged = old.merge(new, on=KEYS, suffixes=("_before", "_after"), validate="one_to_one")
        if len(merged) != len(old) or len(merged) != len(new):
            raise SystemExit(f"{path.name}: the runs differ in their folds, methods or k")
        frames.append(merged)
    if not frames:
        raise SystemExit(f"no raw_*.csv in {before}")
    return pd.concat(frames, ignore_index=True)


def compare(pair: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for (task, method), cells in pair.groupby(["task", "method"], sort=True):
        diff = cells["regret_after"] - cells["regret_before"]
        first = cells[cells["k"] == 1]
        per_dataset = cells.groupby("dataset")[["regret_before", "regret_after"]].mean()
        paired = (per_dataset["regret_after"] - per_dataset["regret_before"]).to_numpy()
        test = paired_test(paired, rng)
        row = {"task": task, "method": method, "datasets": len(paired),
               "identical cells": float((diff.abs() == 0).mean()),
               "first pick changed": int((first["regret_after"] != first["regret_before"]).sum())}
        for k in SHOWN_K:
            at_k = cells[cells["k"] == k]
            row[f"k={k} before"] = at_k["regret_before"].mean()
            row[f"k={k} after"] = at_k["regret_after"].mean()
        row["mean diff"] = test.mean
        row["95% CI"] = f"[{test.ci_low:.5f}, {test.ci_high:.5f}]"
        row["p"] = test.p
        rows.append(row)
    table = pd.DataFrame(rows)
    table["p (Holm)"] = holm(table["p"].to_numpy())
    return table


def to_markdown(table: pd.DataFrame) -> str:
    def cell(value):
        if isinstance(value, float):
            return "n/a" if np.isnan(value) else f"{value:.4f}"
        return str(value)

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--output", type=Path, default=None, help="also write the table here")
    args = parser.parse_args(argv)
    text = (f"Regret of `{args.after}` against `{args.before}` (after - before; negative is "
            "better; p: Wilcoxon signed-rank over datasets, n/a where fewer than 5 differ).\n\n"
            + to_markdown(compare(load_pair(args.before, args.after))))
    sys.stdout.write(text)
    if args.output is not None:
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
