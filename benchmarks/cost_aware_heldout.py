"""The shipped warm start's gain-per-second order on datasets the shipped models never saw.

``MetaWarmStart`` orders its proposals by gain per predicted second when a time budget ends
the search (``WarmStartProposer.propose``'s ``seconds``, the shipped ``CostModel``'s
predictions). ``cost_ordered_portfolio.py`` replayed the idea on the shipped meta-database
itself, leave-one-group-out, with a median-duration stand-in for the cost model and uniform
weights. This is the independent check: the *shipped* proposer (matcher, surrogate, settings)
and the *shipped* cost model, unchanged, on the datasets of a later meta-database build (``--db``,
by default ``meta_db/build/metadb.sqlite``) that are not in the shipped meta-database and
whose source group is not either. Nothing here is tuned; both orders are what the library
ships (``MetaWarmStart(cost_order=...)``):

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

It then replays the whole time-budgeted warm search (:func:`replay_search`) at 5-40 recorded
seconds: the proposals fitted into the budget, then the shipped sampler's ``select`` over the
untried shared configurations under the cost limit of the time left, by each of the sampler's
``cost_acquisition`` settings.

Usage::

    .venv/bin/python benchmarks/cost_aware_heldout.py --output benchmarks/results/cost-aware-heldout
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import NamedTuple

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


class HeldOut(NamedTuple):
    """One held-out dataset, over the shipped pool's columns (NaN where the build lacks one)."""

    index: int
    raw: np.ndarray
    normalized: np.ndarray
    recorded: np.ndarray
    predict: Callable[[Sequence[dict]], np.ndarray]


def heldout_datasets(db: MetaDB, task: str, limit: int | None = None,
                     skip: frozenset[str] = frozenset()):
    """The shipped proposer, the shared columns and, one by one, the held-out datasets on
    which every shared configuration is evaluated (less those named in ``skip``), with the
    shipped cost model's predictions for their shape as evaluated (rows capped)."""
    proposer = load_proposer(task)
    cost = load_cost_model(task)
    data = MetaTrainingSet.from_metadb(db, task)
    rows, columns = heldout(proposer, data)
    shared = columns >= 0
    seconds_recorded = durations(db, data)

    def datasets():
        for i in rows[:limit]:
            if data.datasets[i] in skip:
                continue
            scores = data.scores[i, columns[shared]]
            if not np.all(np.isfinite(scores)):
                continue  # not every shared configuration evaluated on it yet
            raw, normalized, recorded = (np.full(len(columns), np.nan) for _ in range(3))
            raw[shared] = scores
            normalized[shared] = minmax_normalize(scores[None, :])[0]
            recorded[shared] = seconds_recorded[i, columns[shared]]
            info = data.info.loc[data.datasets[i]]
            shape = {"n_rows": int(info["n_rows"]), "n_features": int(info["n_features"]),
                     "n_classes": int(info["n_classes"]) if task == "classification" else None}
            yield HeldOut(i, raw, normalized, recorded,
                          partial(_predict_seconds, cost, shape=shape))

    return proposer, data, shared, datasets()


def _predict_seconds(cost, configs, *, shape) -> np.ndarray:
    return cost.predict_seconds(list(configs), **shape)


def run(db: MetaDB, task: str, overhead: float = 0.1,
        skip: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Both orders over the whole shared pool, replayed on every held-out dataset not in
    ``skip``."""
    proposer, data, shared, datasets = heldout_datasets(db, task, skip=skip)
    out = []
    for held in datasets:
        meta = data.meta_features.iloc[held.index]
        seconds = held.predict(proposer.training.configs)
        orders = {"trial_order": proposer.order(meta, int(shared.sum()), exclude=~shared).chosen,
                  "cost_order": proposer.order(meta, int(shared.sum()), exclude=~shared,
                                               seconds=seconds).chosen}
        for method, order in orders.items():
            for (kind, budget), regret in replay(order, held.normalized, held.recorded,
                                                 overhead).items():
                out.append({"task": task, "dataset": data.datasets[held.index],
                            "group": data.groups[held.index], "method": method,
                            "budget_kind": kind, "budget": budget, "regret": regret,
                            "first_pick_seconds": held.recorded[order[0]],
                            "first_pick_family": proposer.training.configs[order[0]]["family"]})
    return pd.DataFrame(out)


#: The time-budgeted search replays: ``(cost-ordered proposals, sampler cost_acquisition)``.
SEARCH_ARMS = {"trial_order+ucb": (False, "ucb"), "cost_order+ucb": (True, "ucb"),
               "cost_order+ei_per_second": (True, "ei_per_second"),
               "cost_order+ei_cooled": (True, "ei_cooled")}
#: Budgets of the search replay, in recorded seconds (the orders' regret is flat beyond them).
SEARCH_SECONDS = (5.0, 10.0, 20.0, 40.0)


def replay_search(proposer, sampler, meta, proposals: list[int], candidates: list[int],
                  raw: np.ndarray, normalized: np.ndarray, recorded: np.ndarray,
                  predict, budget: float, overhead: float) -> tuple[float, int]:
    """A time-budgeted search replayed on one dataset: the ``proposals`` (pool indices, fitted
    into ``budget`` by their predicted seconds as the estimators do, and, after the first, each
    skipped when predicted to overrun the time left at its turn, as ``run_search`` does), then ``sampler.select``
    over the untried ``candidates`` under the cost limit of the time left, every trial costing
    its recorded seconds plus ``overhead``; a trial still running at ``budget`` counts for
    nothing. Returns the normalized regret at ``budget`` and the trials finished."""
    from metaautoml.cost import fit_in_budget

    configs = proposer.training.configs
    planned, _ = fit_in_budget(proposals, predict([configs[i] for i in proposals]), budget)
    spent, tried, skipped = 0.0, [], []
    for index in planned:
        # As run_search: once a trial completed, a proposal predicted to overrun the time
        # left is not started.
        if tried and float(predict([configs[index]])[0]) > budget - spent:
            skipped.append(index)
            continue
        spent += recorded[index] + overhead
        if spent > budget:
            return _regret(normalized, tried), len(tried)
        tried.append(index)
    left = [i for i in candidates if i not in tried and i not in skipped]
    while left:
        sampler.limit_cost(predict, deadline=time.time() + budget - spent, budget=budget)
        pick = sampler.select([configs[i] for i in left], [configs[i] for i in tried],
                              raw[tried])
        if pick is None:
            break
        index = left[[configs[i] for i in left].index(pick)]
        spent += recorded[index] + overhead
        if spent > budget:
            break
        tried.append(index)
        left.remove(index)
    return _regret(normalized, tried), len(tried)


def _regret(normalized: np.ndarray, tried: list[int]) -> float:
    return 1.0 - float(np.max(normalized[tried])) if tried else 1.0


def run_search(db: MetaDB, task: str, overhead: float = 0.1, n_warm_start: int = 8,
               limit: int | None = None, skip: frozenset[str] = frozenset()) -> pd.DataFrame:
    """:func:`replay_search` of every arm of :data:`SEARCH_ARMS` at every budget of
    :data:`SEARCH_SECONDS` on the held-out datasets (the first ``limit`` of them, less those
    in ``skip``)."""
    from metaautoml.search import MetaSurrogateSampler
    from metaautoml.space import get_space

    proposer, data, shared, datasets = heldout_datasets(db, task, limit, skip)
    space = get_space(task)
    candidates = [int(j) for j in np.flatnonzero(shared)]
    out = []
    for held in datasets:
        meta = data.meta_features.iloc[held.index]
        pool_seconds = held.predict(proposer.training.configs)
        for arm, (cost_order, acquisition) in SEARCH_ARMS.items():
            proposals = proposer.order(meta, n_warm_start, exclude=~shared,
                                       seconds=pool_seconds if cost_order else None).chosen
            for budget in SEARCH_SECONDS:
                sampler = MetaSurrogateSampler(proposer.surrogate, space, meta,
                                               cost_acquisition=acquisition, seed=0)
                regret, n_trials = replay_search(proposer, sampler, meta, proposals,
                                                 candidates, held.raw, held.normalized,
                                                 held.recorded, held.predict, budget, overhead)
                out.append({"task": task, "dataset": data.datasets[held.index],
                            "group": data.groups[held.index], "method": arm,
                            "budget_kind": "seconds", "budget": budget, "regret": regret,
                            "n_trials": n_trials})
    return pd.DataFrame(out)


def compare_arms(raw: pd.DataFrame, pairs: list[tuple[str, str]], seed: int = 0) -> pd.DataFrame:
    """``compare``'s table for the search replays, with each arm's median number of trials
    (``trials_a``, ``trials_b``)."""
    table = compare(raw, pairs, seed)
    trials = raw.groupby(["task", "budget", "method"])["n_trials"].median()
    for side in ("a", "b"):
        methods = table["comparison"].str.split(" - ").str[0 if side == "a" else 1]
        table[f"trials_{side}"] = [trials[(task, budget, method)] for task, budget, method
                                   in zip(table["task"], table["budget"], methods, strict=True)]
    return table


def search_markdown(table: pd.DataFrame) -> str:
    """``compare_arms``' table for the page."""
    trials = pd.DataFrame({"median trials a / b": [
        f"{a:g} / {b:g}" for a, b in zip(table["trials_a"], table["trials_b"], strict=True)]},
        index=table.index)
    return markdown(table, extra=trials)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB, help="a later meta-database build")
    parser.add_argument("--overhead", type=float, default=0.1,
                        help="seconds each trial costs on top of its recorded duration")
    parser.add_argument("--output", default="benchmarks/results/cost-aware-heldout")
    parser.add_argument("--exclude-run", type=Path, default=None,
                        help="an earlier run's output directory: replay only the datasets it "
                             "did not (the build has grown since), an independent check of it")
    args = parser.parse_args(argv)
    out = Path(args.output)
    db = MetaDB(args.db, readonly=True)
    skip = frozenset()
    if args.exclude_run is not None:
        skip = frozenset(pd.read_csv(args.exclude_run / "raw.csv")["dataset"])
    raws = [r for r in (run(db, task, args.overhead, skip)
                        for task in ("classification", "regression")) if len(r)]
    if not raws:
        # Once the build is shipped (and the models retrained on it) there is nothing left to
        # hold out; the earlier results stay as they are, reproducible at their run.json commit.
        print(f"{args.db} holds no fully evaluated dataset the shipped models never saw: "
              f"nothing replayed, {out} left as it is")
        return 0
    # The later build may still be growing: its size identifies the state replayed.
    evaluated = {task: len(db.evaluations(task)) for task in ("classification", "regression")}
    write_run_notes(out, __file__, sys.argv[1:] if argv is None else argv,
                    database={"path": str(args.db), "evaluations": evaluated},
                    settings={"overhead per trial (s)": args.overhead,
                              "datasets of an earlier run left out": len(skip)})
    raw = pd.concat(raws, ignore_index=True)
    raw.to_csv(out / "raw.csv", index=False)
    table = compare(raw, [("cost_order", "trial_order")])
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
            "(0 = the dataset's best shared configuration)."
            + (f" Only the datasets the run in `{args.exclude_run}` did not replay: an "
               "independent check of it." if skip else ""), "",
            markdown(table), "",
            "The first configuration each order tries: median recorded seconds, and families:", "",
            "| task | trial_order s | cost_order s | trial_order families | cost_order families |",
            "|---|---|---|---|---|",
            *[f"| {task} | {first.loc[task, 'trial_order']:.2f} | "
              f"{first.loc[task, 'cost_order']:.2f} | {families.loc[task, 'trial_order']} | "
              f"{families.loc[task, 'cost_order']} |" for task in first.index], ""]
    searches = [r for r in (run_search(db, task, args.overhead, skip=skip)
                            for task in ("classification", "regression")) if len(r)]
    search_raw = pd.concat(searches, ignore_index=True)
    search_raw.to_csv(out / "search-raw.csv", index=False)
    search_table = compare_arms(search_raw, [
        ("cost_order+ucb", "trial_order+ucb"),
        ("cost_order+ei_cooled", "cost_order+ucb"),
        ("cost_order+ei_per_second", "cost_order+ucb"),
        ("cost_order+ei_cooled", "trial_order+ucb")])
    search_table.to_csv(out / "search-paired.csv", index=False)
    text += ["The whole time-budgeted warm search replayed (`replay_search`): the shipped "
             "proposer's 8 proposals fitted into the budget by their predicted seconds, then "
             "the shipped `MetaSurrogateSampler.select` over the untried shared configurations "
             "under the cost limit of the time left, by its `cost_acquisition`: upper "
             "confidence bound (`ucb`), expected improvement per predicted second "
             "(`ei_per_second`) or with the cost's power cooled to the share of the budget "
             "left (`ei_cooled`); a trial still running at the budget counts for nothing. "
             "Normalized regret at the budget, paired over held-out datasets, Holm within "
             "each task's table.", "",
             search_markdown(search_table), ""]
    (out / "summary.md").write_text("\n".join(text))
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
