"""What the adapted surrogate adds after the warm start's proposals, at equal wall time, on
tables that live-v2 does not use.

The question comes from live-v2's interim best-so-far CV curves (30 s, the 11 smallest tables
of each task; not read as live-v2's results). There the warm search led the cold one over the
first 2-5 seconds and 3-10 trials. Then the cold search overtook it: at 30 s, cold's best CV
score was higher on 18 of 33 classification splits and 22 of 33 regression splits. After its
proposals, ``metaautoml_warm`` searches with the adapted surrogate
(:class:`metaautoml.search.MetaSurrogateSampler`); ``metaautoml_cold`` searches with TPE. So
the surrogate, not the proposals, may be what loses. This script separates the two with three
arms of the live benchmark (:func:`metaautoml.benchmark.run_live_benchmark`, the shipped
estimators):

- ``metaautoml_warm_surrogate``: the warm start's proposals, then the adapted surrogate
  (``MetaWarmStart(sampler="surrogate")``, what both tasks shipped when this ran);
- ``metaautoml_warm_tpe``: the same proposals, then TPE (``MetaWarmStart(sampler="tpe")``);
- ``metaautoml_cold``: each family's default, then TPE.

(The run named the first arm ``metaautoml_warm``, the shipped default then; its rows were
relabelled when this run made the default per task, so that a rerun measures the same arms.)

**Tables.** Per task, the live benchmark's rule (:func:`metaautoml.benchmark.default_dataset_names`:
300 to 5,000 rows, at most 100 features and 10 classes, one table per source group, evenly
spaced by rows) applied after leaving out live-v2's source groups (its 18 tables per task). So
no table here prompted the question or is scored by live-v2. Each table is held out by group:
the warm start is meta-trained without its group. Rows are capped at 5,000, with one outer
75/25 split (seed 0), cv=3, and a 30 s budget per search.

**Rule, fixed before the run.** Per task, the surrogate keeps its place as ``MetaWarmStart``'s
default sampler only if ``metaautoml_warm_surrogate - metaautoml_warm_tpe``'s mean paired
test-score difference over the tables is above 0. Otherwise the default becomes TPE for that task: the
surrogate is gated off, and live-v2's warm arms are rerun with the new default. The summary
reports every pair's mean, bootstrap 95 % CI, wins/ties/losses and Wilcoxon p (Holm over the
task's three pairs). It also reports the same pairs on the best CV score at 5 and 30 seconds,
which is what the searches optimize.

**Round 2 (classification), fixed after round 1 and before it ran.** Round 1 left the
surrogate level with TPE on classification (+0.0003, 95 % CI [-0.006, +0.007], p = 0.92): it
stayed by round 1's rule, which favoured the incumbent, without earning its place. Round 2
(``--round 2``) asks for that on fresh tables: the live rule's classification tables outside
live-v2's groups and round 1's, 30 of them, the two warm arms only (one seed, 30 s). The
surrogate stays classification's default only if ``metaautoml_warm_surrogate -
metaautoml_warm_tpe``'s mean test-score difference over round 2's tables is above 0 with a
Wilcoxon signed-rank p below 0.05. Otherwise classification hands its warm start to TPE too.

    .venv/bin/python benchmarks/surrogate_refine.py --output benchmarks/results/surrogate-refine

Resumable (the live benchmark's files). ``--task`` runs one task, so two runs can go side by
side into separate folders; ``--summarize`` then reads them into one summary:

    .venv/bin/python benchmarks/surrogate_refine.py --task classification \
        --output benchmarks/results/surrogate-refine-classification &
    .venv/bin/python benchmarks/surrogate_refine.py --task regression \
        --output benchmarks/results/surrogate-refine-regression
    .venv/bin/python benchmarks/surrogate_refine.py --output benchmarks/results/surrogate-refine \
        --summarize benchmarks/results/surrogate-refine-{classification,regression}
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_pool_runs import to_markdown  # noqa: E402
from resumable_runs import run_live_study  # noqa: E402

from metaautoml.benchmark import (  # noqa: E402
    LiveBenchmarkConfig,
    complete_units,
    default_dataset_names,
    holm_by,
    paired_test,
    per_dataset_scores,
    read_curves,
    read_results,
    write_run_notes,
)
from metaautoml.corpus import load_manifest  # noqa: E402

METHODS = ("metaautoml_warm_surrogate", "metaautoml_warm_tpe", "metaautoml_cold")
PAIRS = (("metaautoml_warm_surrogate", "metaautoml_warm_tpe"),
         ("metaautoml_warm_tpe", "metaautoml_cold"), ("metaautoml_warm_surrogate", "metaautoml_cold"))
#: live-v2's tables per task (``make live-v2``'s ``--n-datasets``), whose groups are left out.
LIVE_V2_DATASETS = 18
N_DATASETS = 20
TIME_BUDGET = 30.0
MAX_ROWS = 5000
CV_SECONDS = (5.0, 30.0)


#: Round 2: classification only, its tables outside round 1's groups too, the warm arms only.
ROUND_2_TASK = "classification"
ROUND_2_DATASETS = 30
ROUND_2_METHODS = METHODS[:2]
ALPHA = 0.05


def study_datasets(task: str, n: int = N_DATASETS, entries=None, round_: int = 1) -> list[str]:
    """The live rule's tables of ``task`` outside live-v2's source groups (and, for round 2,
    outside round 1's)."""
    entries = load_manifest() if entries is None else list(entries)
    group_of = {e.name: e.group for e in entries}
    taken = default_dataset_names(task, LIVE_V2_DATASETS, entries=entries)
    if round_ == 2:
        taken += study_datasets(task, N_DATASETS, entries)
    return default_dataset_names(task, n, entries=entries,
                                 exclude_groups={group_of[name] for name in taken})


def best_cv_at(curves: pd.DataFrame, seconds: float) -> pd.DataFrame:
    """Each (task, dataset, method)'s best CV score among trials finished by ``seconds``
    (mean over seeds); NaN when none had."""
    within = curves[curves["elapsed"] <= seconds]
    best = within.groupby(["task", "dataset", "seed", "method"])["best_cv_score"].max()
    return best.groupby(["task", "dataset", "method"]).mean().rename("score").reset_index()


def paired_table(scores: pd.DataFrame, value: str, label: str, seed: int = 0) -> pd.DataFrame:
    """:data:`PAIRS`' paired differences per task over datasets, Holm over a task's pairs."""
    rng = np.random.default_rng(seed)
    rows = []
    for task, part in scores.groupby("task", sort=False):
        wide = part.pivot(index="dataset", columns="method", values=value)
        for a, b in PAIRS:
            if a not in wide or b not in wide:
                continue
            test = paired_test((wide[a] - wide[b]).dropna().to_numpy(), rng)
            rows.append({"task": task, "score": label, "comparison": f"{a} - {b}",
                         "datasets": test.n, "mean": test.mean, "ci_low": test.ci_low,
                         "ci_high": test.ci_high, "w/t/l": f"{test.wins}/{test.ties}/{test.losses}",
                         "p": test.p})
    table = pd.DataFrame(rows)
    if len(table):
        table["p_holm"] = holm_by(table)
    return table


def decide(test_table: pd.DataFrame, round_: int = 1) -> dict[str, str]:
    """The rule: per task, ``"surrogate"`` if warm_surrogate - warm_tpe's mean test difference
    is > 0 (round 2: and its Wilcoxon p < :data:`ALPHA`), else ``"tpe"``."""
    key = f"{PAIRS[0][0]} - {PAIRS[0][1]}"
    rows = test_table[test_table["comparison"] == key]
    return {row.task: "surrogate" if row.mean > 0 and (round_ == 1 or row.p < ALPHA) else "tpe"
            for row in rows.itertuples()}


RULES = {1: "surrogate only if warm_surrogate - warm_tpe's mean test difference > 0",
         2: f"surrogate only if warm_surrogate - warm_tpe's mean test difference > 0 with "
            f"Wilcoxon p < {ALPHA}"}


def summarize(results: pd.DataFrame, curves: pd.DataFrame, round_: int = 1) -> str:
    complete = complete_units(results)
    scores = per_dataset_scores(complete)
    units = set(map(tuple, complete[["task", "dataset", "seed"]].drop_duplicates().to_numpy()))
    curves = curves[[(t, d, s) in units for t, d, s in
                     curves[["task", "dataset", "seed"]].itertuples(index=False)]]
    tables = [paired_table(scores, "test_score", "test")]
    tables += [paired_table(best_cv_at(curves, s), "score", f"best CV at {s:g} s")
               for s in CV_SECONDS]
    table = pd.concat(tables, ignore_index=True)
    decision = decide(tables[0], round_)
    trials = complete.groupby(["task", "method"])["n_trials"].median().unstack()
    mean = scores.pivot_table(index="task", columns="method", values="test_score")
    lines = [
        "Paired differences over held-out tables (first minus second, mean over seeds), "
        "bootstrap 95 % CI, Wilcoxon signed-rank p, Holm over each task's pairs within each "
        "score:", "", to_markdown(table.round(4)), "",
        "Mean test score:", "", to_markdown(mean.round(4).reset_index()), "",
        "Median trials in the budget:", "", to_markdown(trials.reset_index()), "",
        f"The rule fixed before round {round_} ran ({RULES[round_]}): "
        + ", ".join(f"{task}: **{choice}**" for task, choice in decision.items()), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=("classification", "regression"), action="append",
                        help="task types to run (default: both)")
    parser.add_argument("--n-datasets", type=int, default=N_DATASETS)
    parser.add_argument("--time-budget", type=float, default=TIME_BUDGET)
    parser.add_argument("--proposer-cache", default="build/surrogate-refine-proposers",
                        metavar="DIR")
    parser.add_argument("--output", default="benchmarks/results/surrogate-refine")
    parser.add_argument("--summarize", nargs="*", metavar="DIR", default=None,
                        help="only summarize these runs' folders (e.g. one per task) into --output")
    parser.add_argument("--round", type=int, choices=(1, 2), default=1, dest="round_",
                        help="1: both tasks, three arms; 2: classification's confirmation")
    parser.add_argument("--shard", default="0/1", metavar="K/N",
                        help="run every N-th table from the K-th (runs side by side)")
    parser.add_argument("--force", action="store_true", help="discard results already on disk")
    args = parser.parse_args(argv)
    shard, n_shards = (int(part) for part in args.shard.split("/"))
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    if args.summarize is not None:
        folders = [Path(d) for d in args.summarize] or [out]
        results = pd.concat([read_results(d / "raw.csv") for d in folders], ignore_index=True)
        curves = pd.concat([read_curves(d / "curves.csv") for d in folders], ignore_index=True)
        (out / "summary.md").write_text(summarize(results, curves, args.round_))
        write_run_notes(out, __file__, sys.argv[1:] if argv is None else argv,
                        runs=[str(d) for d in folders],
                        settings={"time budget (s)": args.time_budget, "seeds": 1,
                                  "rows at most": MAX_ROWS})
        print((out / "summary.md").read_text())
        return 0

    entries = load_manifest()
    if args.round_ == 2:
        tasks, methods, n = (ROUND_2_TASK,), ROUND_2_METHODS, ROUND_2_DATASETS
    else:
        tasks, methods, n = args.task or ("classification", "regression"), METHODS, args.n_datasets
    names = [name for task in tasks for name in study_datasets(task, n, entries, args.round_)]
    names = names[shard::n_shards]
    config = LiveBenchmarkConfig(methods=methods, seeds=(0,), cv=3, max_rows=MAX_ROWS,
                                 time_budget=args.time_budget)
    results, curves = run_live_study(__file__, argv, names, config, out,
                                     proposer_cache=args.proposer_cache, force=args.force,
                                     settings={"time budget (s)": config.time_budget, "seeds": 1})
    (out / "summary.md").write_text(summarize(results, curves, args.round_))
    print((out / "summary.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
