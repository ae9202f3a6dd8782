"""Two meta-databases' pool-benchmark runs compared: does the larger one help each method?

Issue #23 asks, once the v2 meta-database ships, for the leave-groups-out pool benchmark rerun
on it and compared with v1's run, method by method at k = 1, 3, 5, 10, 25. The two runs hold
out different datasets under different folds (v2 has more of them and a larger regression
pool), so this compares:

- each method's mean normalized regret on each run's own held-out datasets, with its standard
  error over datasets (``--old`` and ``--new``, unpaired);
- on the datasets both runs hold out, the paired difference new - old of each dataset's regret
  (negative: the new meta-database brings the method closer to that dataset's best), with its
  standard error, bootstrap 95 % CI and Wilcoxon signed-rank p, Holm-corrected over each task's
  rows. A dataset's regret is relative to the best configuration of its run's pool, so where
  the pools differ the paired difference also counts the new pool's own reach.

Usage::

    .venv/bin/python benchmarks/compare_metadb_versions.py --old benchmarks/results/pool-v1-current \\
        --new benchmarks/results/pool-v2 --output benchmarks/results/metadb-versions

Each of ``--old`` and ``--new`` may be given more than once: each task is read from the first
run that holds it, so that a task whose pool grew (regression's target transforms) compares on
the older pool (``pool_benchmark.py --max-configs``) while the other uses the whole run.

Both runs should be of the same code (the pool benchmark's methods change between commits):
rerun the old database's benchmark at the new run's commit. ``--output`` gets ``summary.md``
(the tables), ``versions.csv`` and ``run.json``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from resumable_runs import write_summary  # noqa: E402

from metaautoml.benchmark import holm_by, markdown_table, paired_test  # noqa: E402

K_VALUES = (1, 3, 5, 10, 25)


def load_runs(directories: Sequence[Path]) -> tuple[pd.DataFrame, dict[str, Path]]:
    """The raw regrets of one database's runs, each task from the first directory that holds
    it (e.g. regression from a run on the older database's pool, classification, whose pool
    did not grow, from the run on the whole pool), and where each task came from."""
    sources: dict[str, Path] = {}
    for directory in directories:
        for path in sorted(Path(directory).glob("raw_*.csv")):
            sources.setdefault(path.stem.removeprefix("raw_"), Path(directory))
    if not sources:
        raise SystemExit(f"no raw_*.csv in {', '.join(map(str, directories))}")
    frames = [pd.read_csv(directory / f"raw_{task}.csv") for task, directory in sources.items()]
    return pd.concat(frames, ignore_index=True), sources


def compare_versions(old: pd.DataFrame, new: pd.DataFrame,
                     k_values: Sequence[int] = K_VALUES, seed: int = 0) -> pd.DataFrame:
    """One row per task, method (in both runs) and ``k``: each run's mean regret and standard
    error over its datasets, and the paired new - old difference on the datasets both hold
    out."""
    rng = np.random.default_rng(seed)
    keys = ["task", "method", "k", "dataset"]
    # A dataset is held out once per run; its regret at k is the mean over any repeats.
    old = old[old["k"].isin(k_values)].groupby(keys)["regret"].mean()
    new = new[new["k"].isin(k_values)].groupby(keys)["regret"].mean()
    rows = []
    for task in sorted(set(old.index.get_level_values("task"))
                       & set(new.index.get_level_values("task"))):
        methods = [m for m in dict.fromkeys(new.loc[task].index.get_level_values("method"))
                   if m in set(old.loc[task].index.get_level_values("method"))]
        for method in methods:
            for k in k_values:
                try:
                    before, after = old.loc[(task, method, k)], new.loc[(task, method, k)]
                except KeyError:
                    continue
                common = before.index.intersection(after.index)
                row = {"task": task, "method": method, "k": k,
                       "old": before.mean(), "old_sem": _sem(before), "old_datasets": len(before),
                       "new": after.mean(), "new_sem": _sem(after), "new_datasets": len(after),
                       "common": len(common), "difference": np.nan, "difference_sem": np.nan,
                       "ci_low": np.nan, "ci_high": np.nan, "p": np.nan}
                if len(common):
                    test = paired_test((after[common] - before[common]).to_numpy(), rng)
                    row.update(difference=test.mean, difference_sem=test.sem,
                               ci_low=test.ci_low, ci_high=test.ci_high, p=test.p)
                rows.append(row)
    table = pd.DataFrame(rows)
    if len(table):
        table["p_holm"] = holm_by(table)
    return table


def _sem(values: pd.Series) -> float:
    return float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else float("nan")


def markdown(table: pd.DataFrame) -> str:
    """``compare_versions``' table for a page, one section per task."""
    parts = []
    for task, part in table.groupby("task", sort=False):
        shown = pd.DataFrame({
            "method": part["method"], "k": part["k"],
            "old (SE)": [f"{m:.4f} ({s:.4f})" for m, s in zip(part["old"], part["old_sem"],
                                                               strict=True)],
            "new (SE)": [f"{m:.4f} ({s:.4f})" for m, s in zip(part["new"], part["new_sem"],
                                                               strict=True)],
            "common datasets": part["common"],
            "new - old (SE) [95% CI]": [
                f"{r.difference:+.4f} ({r.difference_sem:.4f}) [{r.ci_low:+.4f}, {r.ci_high:+.4f}]"
                for r in part.itertuples()],
            "p (Holm)": [("n/a" if np.isnan(p) else f"{p:.3g}"
                          + ("" if p < 0.05 else ", not significant")) for p in part["p_holm"]]})
        datasets = f"{part['old_datasets'].max()} old, {part['new_datasets'].max()} new"
        parts += [f"#### {task} ({datasets} held-out datasets)", "",
                  markdown_table(shown.set_index("method")), ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, action="append",
                        help="the earlier database's run (repeat: each task from the first "
                             "run that holds it)")
    parser.add_argument("--new", type=Path, required=True, action="append",
                        help="the later database's run (repeatable like --old)")
    parser.add_argument("--output", type=Path, required=True,
                        help="a directory for summary.md, versions.csv and run.json")
    args = parser.parse_args(argv)
    (old, old_sources), (new, new_sources) = load_runs(args.old), load_runs(args.new)
    table = compare_versions(old, new)
    if table.empty:
        raise SystemExit(f"{_names(args.old)} and {_names(args.new)} share no task, method and k")
    runs = "; ".join(f"{task}: `{_name(old_sources[task])}` (old) and `{_name(new_sources[task])}` "
                     "(new)" for task in dict.fromkeys(table["task"]))
    text = (f"Mean normalized regret of each method on its run's held-out datasets ({runs}), "
            "with standard errors over datasets; then, on "
            "the datasets both runs hold out, the paired difference new - old (negative: the new "
            "meta-database brings the method closer to the dataset's best configuration of its "
            "run's pool), bootstrap 95 % CI, Wilcoxon signed-rank p, Holm within each task.\n\n"
            + markdown(table))
    args.output.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.output / "versions.csv", index=False)
    write_summary(args.output, text, __file__, argv)
    return 0


def _names(directories: Sequence[Path]) -> str:
    return ", ".join(map(str, directories))


def _name(directory: Path) -> str:
    try:
        return str(directory.resolve().relative_to(Path(__file__).resolve().parents[1]))
    except ValueError:
        return str(directory)


if __name__ == "__main__":
    raise SystemExit(main())
