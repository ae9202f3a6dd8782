"""Does ordering a portfolio by gain per second beat the plain greedy order at equal time?

A time-budgeted search ends when its seconds do, not after k trials, and the meta-database
records what every evaluation took. This replays, on the meta-database alone and leaving one
source group out at a time, two orderings of the same greedy machinery:

- ``portfolio``: the shipped greedy portfolio (``metaautoml.warmstart.greedy_portfolio``, auto-
  sklearn 2.0's), built on the training groups' min-max normalized scores;
- ``cost_aware``: the same greedy, each step choosing the configuration with the most gain per
  predicted second, the prediction being the configuration's median recorded duration on the
  training groups (nothing about the held-out dataset; FLAML's "estimated cost for improvement"
  in its simplest form). Its one setting, the ratio itself (gain / seconds), is fixed a priori:
  nothing here is tuned.

On the held-out dataset each ordering is evaluated in turn at its recorded durations (3-fold
cross-validation, <= 1,000 rows, one of two busy cores, as the build ran) plus ``--overhead``
seconds a trial (default 0.1 s: the most a trial spent outside its worker process in
``trial_cost.py``'s profile, medians per task and method), so that many cheap trials are not
free: the normalized regret (1 - the best normalized score so far) once ``t`` seconds are
spent, and after ``k`` trials. Paired over datasets: cost_aware - portfolio (negative = cost-aware better), bootstrap
95 % CI, Wilcoxon signed-rank p, Holm over each task's budgets.

Usage::

    .venv/bin/python benchmarks/cost_ordered_portfolio.py --output benchmarks/results/cost-ordered-portfolio
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from metaautoml.benchmark import holm_by, markdown_table, paired_test, write_run_notes
from metaautoml.metadb import MetaDB, MetaTrainingSet, minmax_normalize
from metaautoml.warmstart import greedy_portfolio

SECONDS = (5.0, 10.0, 20.0, 40.0, 80.0, 160.0)
TRIALS = (1, 3, 5, 10, 25)
METHODS = ("portfolio", "cost_aware")
N_PICKS = 60


def cost_aware_portfolio(performance: np.ndarray, seconds: np.ndarray, n: int) -> list[int]:
    """Greedy by gain per second: each step the column adding most to the mean best-so-far of
    ``performance`` (datasets x configs, in [0, 1]) per predicted ``seconds`` of that column;
    once no column adds anything, the plain greedy order continues."""
    n_datasets, n_configs = performance.shape
    chosen: list[int] = []
    best = np.zeros(n_datasets)
    for _ in range(min(n, n_configs)):
        gain = np.maximum(best[:, None], performance).mean(axis=0) - best.mean()
        gain[chosen] = -np.inf
        if not np.any(gain > 1e-12):
            break
        pick = int(np.argmax(gain / seconds))
        chosen.append(pick)
        best = np.maximum(best, performance[:, pick])
    return greedy_portfolio(performance, n, start=chosen) if len(chosen) < n else chosen


def replay(order: list[int], normalized: np.ndarray, seconds: np.ndarray,
           overhead: float = 0.0) -> dict:
    """Regret of evaluating ``order`` on one dataset: after each budget of seconds (each trial
    costing its recorded seconds plus ``overhead``) and of trials."""
    best = np.maximum.accumulate(normalized[order])
    spent = np.cumsum(seconds[order] + overhead)
    out = {}
    for t in SECONDS:
        done = int(np.searchsorted(spent, t, side="right"))
        out[("seconds", t)] = 1.0 - best[done - 1] if done else 1.0
    for k in TRIALS:
        out[("trials", k)] = 1.0 - best[min(k, len(best)) - 1]
    return out


def durations(db: MetaDB, data: MetaTrainingSet) -> np.ndarray:
    """Datasets x configurations of recorded seconds (the evaluation's whole duration); a
    missing record gets the configuration's median."""
    evaluations = db.evaluations(data.task)
    wide = evaluations.pivot_table(index="dataset", columns="config_id", values="duration",
                                   aggfunc="first")
    frame = wide.reindex(index=data.datasets, columns=data.config_ids)
    frame = frame.fillna(frame.median(axis=0))
    return np.clip(frame.to_numpy(dtype=np.float64), 1e-3, None)


def run(db: MetaDB, task: str, overhead: float = 0.1) -> pd.DataFrame:
    data = MetaTrainingSet.from_metadb(db, task)
    normalized = minmax_normalize(data.scores)
    seconds = durations(db, data)
    groups = np.asarray(data.groups)
    rows = []
    for i, dataset in enumerate(data.datasets):
        train = groups != groups[i]
        predicted = np.exp(np.median(np.log(seconds[train]), axis=0))
        orders = {"portfolio": greedy_portfolio(normalized[train], N_PICKS),
                  "cost_aware": cost_aware_portfolio(normalized[train], predicted, N_PICKS)}
        for method, order in orders.items():
            for (kind, budget), regret in replay(order, normalized[i], seconds[i],
                                                 overhead).items():
                rows.append({"task": task, "dataset": dataset, "group": groups[i],
                             "method": method, "budget_kind": kind, "budget": budget,
                             "regret": regret, "first_pick_seconds": seconds[i, order[0]]})
    return pd.DataFrame(rows)


def compare(raw: pd.DataFrame, pairs: Sequence[tuple[str, str]] = (("cost_aware", "portfolio"),),
            seed: int = 0) -> pd.DataFrame:
    """``a - b`` per task and budget for each ``(a, b)`` of ``pairs``, paired over source
    groups (a group's datasets averaged first, so it counts once); Holm over each task's rows.

    ``raw`` has one row per task, group, method and budget (``budget_kind`` "seconds" or
    "trials", ``budget``) with its ``regret``.
    """
    rng = np.random.default_rng(seed)
    per_group = raw.groupby(["task", "budget_kind", "budget", "group", "method"])["regret"].mean()
    wide = per_group.unstack("method")
    rows = []
    for a, b in pairs:
        for (task, kind, budget), part in wide.groupby(level=[0, 1, 2], sort=False):
            test = paired_test((part[a] - part[b]).to_numpy(), rng)
            rows.append({"task": task, "comparison": f"{a} - {b}", "budget_kind": kind,
                         "budget": budget, "groups": test.n, "a": part[a].mean(),
                         "b": part[b].mean(), "difference": test.mean, "ci_low": test.ci_low,
                         "ci_high": test.ci_high, "record": test.record, "p": test.p})
    table = pd.DataFrame(rows)
    table["p_holm"] = holm_by(table)
    return table


def markdown(table: pd.DataFrame, extra: pd.DataFrame | None = None) -> str:
    """``compare``'s table for the page, with ``extra`` columns (same index) before p."""
    def p(value: float) -> str:
        if np.isnan(value):
            return "n/a"
        return f"{value:.3g}" + ("" if value < 0.05 else ", not significant")

    shown = pd.DataFrame({
        "task": table["task"], "comparison (a - b)": table["comparison"],
        "budget": [f"{b:g} {'s' if k == 'seconds' else 'trials'}"
                   for k, b in zip(table["budget_kind"], table["budget"], strict=True)],
        "groups": table["groups"], "a": table["a"], "b": table["b"],
        "a - b [95% CI]": [f"{r.difference:+.4f} [{r.ci_low:+.4f}, {r.ci_high:+.4f}]"
                           for r in table.itertuples()],
        "a worse/tie/better": table["record"]})
    if extra is not None:
        shown = pd.concat([shown, extra], axis=1)
    shown["p (Holm)"] = table["p_holm"].map(p)
    return markdown_table(shown.set_index("task"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="meta-database (default: the shipped one)")
    parser.add_argument("--overhead", type=float, default=0.1,
                        help="seconds each trial costs on top of its recorded duration")
    parser.add_argument("--output", default="benchmarks/results/cost-ordered-portfolio")
    args = parser.parse_args(argv)
    out = Path(args.output)
    db = MetaDB(args.db, readonly=True) if args.db else MetaDB.default()
    write_run_notes(out, __file__, sys.argv[1:] if argv is None else argv,
                    database={"path": str(args.db or "shipped (metaautoml/data/metadb.sqlite)")},
                    settings={"picks": N_PICKS, "seconds": list(SECONDS), "trials": list(TRIALS),
                              "overhead per trial (s)": args.overhead})
    raw = pd.concat([run(db, task, args.overhead) for task in ("classification", "regression")])
    raw.to_csv(out / "raw.csv", index=False)
    table = compare(raw)
    table.to_csv(out / "paired.csv", index=False)
    first = (raw[(raw["budget_kind"] == "trials") & (raw["budget"] == 1)]
             .groupby(["task", "method"])["first_pick_seconds"].median().unstack())
    text = ["Normalized regret (min-max, 0 = the dataset's best configuration in the pool) of "
            "each ordering, leave-one-group-out over the meta-database, at equal recorded seconds "
            f"(plus {args.overhead:g} s a trial) and at equal trials; groups count once (their "
            "datasets averaged).", "",
            markdown(table), "",
            "Median recorded seconds of the first configuration each ordering tries:", "",
            "| task | portfolio | cost_aware |", "|---|---|---|",
            *[f"| {task} | {r['portfolio']:.2f} | {r['cost_aware']:.2f} |"
              for task, r in first.iterrows()], ""]
    (out / "summary.md").write_text("\n".join(text))
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
