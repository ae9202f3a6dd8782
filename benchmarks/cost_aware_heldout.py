"""The shipped warm start's gain-per-second order on datasets the shipped models never saw.

``MetaWarmStart`` orders its proposals by gain per predicted second when a time budget ends
the search (``WarmStartProposer.propose``'s ``seconds``, the shipped ``CostModel``'s
predictions). ``cost_ordered_portfolio.py`` replayed the idea on the shipped meta-database
itself, leave-one-group-out, with a median-duration stand-in for the cost model and uniform
weights. This is the independent check: the *shipped* proposer (matcher, surrogate, settings)
and the *shipped* cost model, unchanged, on the datasets of a later meta-database build (``--db``,
by default ``meta_db/build/metadb.sqlite``) that are not in the shipped meta-database and
whose source group is not either. Nothing here is tuned; both orders are what the library
ships:

- ``trial_order``: ``proposer.order(meta_features, n)``, what a search its trials bound tries;
- ``cost_order``: ``proposer.order(meta_features, n, seconds=...)``, what a search its time
  budget bounds tries.

The later build evaluated a different configuration pool, so both orders are restricted to
the shipped pool's configurations the build also evaluated (``exclude``), and a held-out
dataset counts only when all of them are evaluated on it. Each order is then replayed at the
dataset's recorded durations plus ``--overhead`` seconds a trial, as in
``cost_ordered_portfolio.py`` (whose replay and paired statistics this reuses): normalized
regret (min-max over the shared configurations) at equal seconds and at equal trials, paired
over datasets (one per group), bootstrap 95 % CI, Wilcoxon p, Holm within each task.

Usage::

    .venv/bin/python benchmarks/cost_aware_heldout.py --output benchmarks/results/cost-aware-heldout
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cost_ordered_portfolio import compare, durations, markdown, replay  # noqa: E402

from metaautoml.benchmark import write_run_notes  # noqa: E402
from metaautoml.cost import load_cost_model  # noqa: E402
from metaautoml.metadb import MetaDB, MetaTrainingSet, minmax_normalize  # noqa: E402
from metaautoml.warmstart import load_proposer  # noqa: E402

METHODS = ("trial_order", "cost_order")
DEFAULT_DB = "meta_db/build/metadb.sqlite"


def heldout(proposer, data: MetaTrainingSet) -> tuple[list[int], np.ndarray]:
    """Rows of ``data`` whose dataset and source group the proposer never saw, and for each
    shipped pool configuration its column in ``data`` (-1 where ``data`` lacks it)."""
    seen_names = set(proposer.training.datasets)
    seen_groups = set(proposer.training.groups)
    rows = [i for i, (name, group) in enumerate(zip(data.datasets, data.groups, strict=True))
            if name not in seen_names and group not in seen_groups]
    index = {config_id: j for j, config_id in enumerate(data.config_ids)}
    columns = np.array([index.get(config_id, -1) for config_id in proposer.training.config_ids])
    return rows, columns


def run(db: MetaDB, task: str, overhead: float = 0.1) -> pd.DataFrame:
    proposer = load_proposer(task)
    cost = load_cost_model(task)
    data = MetaTrainingSet.from_metadb(db, task)
    rows, columns = heldout(proposer, data)
    shared = columns >= 0
    seconds_recorded = durations(db, data)
    out = []
    for i in rows:
        scores = data.scores[i, columns[shared]]
        if not np.all(np.isfinite(scores)):
            continue  # not every shared configuration evaluated on it yet
        normalized = np.full(len(columns), np.nan)
        normalized[shared] = minmax_normalize(scores[None, :])[0]
        recorded = np.full(len(columns), np.nan)
        recorded[shared] = seconds_recorded[i, columns[shared]]
        info = data.info.loc[data.datasets[i]]
        n_classes = int(info["n_classes"]) if task == "classification" else None
        predicted = cost.predict_seconds(list(proposer.training.configs),
                                         n_rows=int(info["n_rows"]),  # as evaluated (capped)
                                         n_features=int(info["n_features"]), n_classes=n_classes)
        meta = data.meta_features.iloc[i]
        orders = {"trial_order": proposer.order(meta, int(shared.sum()), exclude=~shared).chosen,
                  "cost_order": proposer.order(meta, int(shared.sum()), exclude=~shared,
                                               seconds=predicted).chosen}
        for method, order in orders.items():
            for (kind, budget), regret in replay(order, normalized, recorded, overhead).items():
                out.append({"task": task, "dataset": data.datasets[i], "group": data.groups[i],
                            "method": method, "budget_kind": kind, "budget": budget,
                            "regret": regret, "first_pick_seconds": recorded[order[0]],
                            "first_pick_family": proposer.training.configs[order[0]]["family"]})
    return pd.DataFrame(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB, help="a later meta-database build")
    parser.add_argument("--overhead", type=float, default=0.1,
                        help="seconds each trial costs on top of its recorded duration")
    parser.add_argument("--output", default="benchmarks/results/cost-aware-heldout")
    args = parser.parse_args(argv)
    out = Path(args.output)
    db = MetaDB(args.db, readonly=True)
    # The later build may still be growing: its size identifies the state replayed.
    evaluated = {task: len(db.evaluations(task)) for task in ("classification", "regression")}
    write_run_notes(out, __file__, sys.argv[1:] if argv is None else argv,
                    database={"path": str(args.db), "evaluations": evaluated},
                    settings={"overhead per trial (s)": args.overhead})
    raws = [r for r in (run(db, task, args.overhead) for task in ("classification", "regression"))
            if len(r)]
    if not raws:
        print(f"{args.db} holds no fully evaluated dataset the shipped models never saw")
        return 1
    raw = pd.concat(raws, ignore_index=True)
    raw.to_csv(out / "raw.csv", index=False)
    table = compare(raw.replace({"method": {"trial_order": "portfolio",
                                            "cost_order": "cost_aware"}}))
    table.to_csv(out / "paired.csv", index=False)
    counts = raw.groupby("task")["dataset"].nunique()
    firsts = raw[(raw["budget_kind"] == "trials") & (raw["budget"] == 1)]
    first = firsts.groupby(["task", "method"])["first_pick_seconds"].median().unstack()
    families = (firsts.groupby(["task", "method"])["first_pick_family"]
                .agg(lambda s: ", ".join(f"{f} {n}" for f, n in s.value_counts().items()))
                .unstack())
    text = ["The shipped proposer's two orders on held-out datasets of a later build "
            f"({', '.join(f'{t} {n}' for t, n in counts.items())}; tasks without any are left "
            "out), replayed at their recorded seconds "
            f"(plus {args.overhead:g} s a trial) and at equal trials. Normalized regret "
            "(0 = the dataset's best shared configuration); portfolio = trial_order, "
            "cost_aware = cost_order.", "",
            markdown(table), "",
            "The first configuration each order tries: median recorded seconds, and families:", "",
            "| task | trial_order s | cost_order s | trial_order families | cost_order families |",
            "|---|---|---|---|---|",
            *[f"| {task} | {first.loc[task, 'trial_order']:.2f} | "
              f"{first.loc[task, 'cost_order']:.2f} | {families.loc[task, 'trial_order']} | "
              f"{families.loc[task, 'cost_order']} |" for task in first.index], ""]
    (out / "summary.md").write_text("\n".join(text))
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
