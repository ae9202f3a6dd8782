"""Ten-trial searches on bundled classification tables the meta-database never saw: the warm
start with and without the cold start's first default leading, and the cold start.

Held-out tables are ``first_pick.py``'s (soak datasets whose name is not a meta-database
dataset or group), each on the soak's 75/25 split. They are divided before any run into two
halves by the parity of the SHA-1 of the dataset name: the **selection** half decides
:data:`metaautoml.warmstart.DEFAULT_LEAD_DEFAULTS` for classification, the **report** half
checks that decision on tables it was not made on. The rule, fixed before the runs: lead with
the default (1) if, on the selection half, its mean paired test-score difference against the
plain warm start (0) is not negative; the ``n_trials=1`` behaviour of 1 is the cold start's
by construction (``first_pick.py`` measured that against the plain warm start's first pick).

Methods, each the shipped estimator with ``n_trials=10, cv=3, random_state=0`` (the default
``n_warm_start`` of 8, then the shipped sampler):

- ``warm_lead0``: the shipped proposer with ``lead_defaults=0`` (the meta-learned first pick);
- ``warm_lead1``: the same with ``lead_defaults=1`` (HistGradientBoosting's defaults first);
- ``cold``: ``warm_start=False`` (each family's default, then TPE).

The summary gives, per half and pair, the paired test-score difference over datasets with a
bootstrap 95 % CI and a Wilcoxon signed-rank p-value (Holm over the table), and the median fit
seconds (equal trials, not equal wall time: the seconds are reported next to the scores).

    .venv/bin/python benchmarks/heldout_search.py --output benchmarks/results/heldout-search

Resumable: finished (dataset, method) rows in ``runs.csv`` are kept.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import soak  # noqa: E402  (the sibling script: its datasets, split and dummy score)
from compare_pool_runs import to_markdown  # noqa: E402
from first_pick import held_out  # noqa: E402
from resumable_runs import open_runs, run_datasets, write_summary  # noqa: E402

from metaautoml.benchmark import holm, paired_test  # noqa: E402

METHODS = ("warm_lead0", "warm_lead1", "cold")
PAIRS = (("warm_lead1", "warm_lead0"), ("warm_lead1", "cold"), ("warm_lead0", "cold"))
N_TRIALS = 10


def half(name: str) -> str:
    """``selection`` or ``report``, by the parity of the name's SHA-1 (fixed before any run)."""
    return "selection" if int(hashlib.sha1(name.encode()).hexdigest(), 16) % 2 == 0 else "report"


def _warm_start(method: str, task: str):
    if method == "cold":
        return False
    from metaautoml.strategy import load_shipped_proposer
    from metaautoml.task import task_defaults
    from metaautoml.warmstart import WarmStartProposer

    shipped = load_shipped_proposer(task, task_defaults(task).metric)
    config = replace(shipped.config, lead_defaults=int(method[-1]))
    return WarmStartProposer(shipped.training, shipped.matcher, shipped.surrogate, config)


def run_one(dataset, method: str) -> dict:
    from metaautoml.estimator import estimator_class

    X, y = soak.load_dataset(dataset)
    train, test = soak.split(y, dataset.task)
    model = estimator_class(dataset.task)(n_trials=N_TRIALS, cv=3, random_state=0,
                                          warm_start=_warm_start(method, dataset.task))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X.iloc[train], y.iloc[train])
    seconds = time.perf_counter() - start
    first = model.leaderboard().sort_values("number").iloc[0] if "number" in model.leaderboard() else None
    return {"dataset": dataset.name, "half": half(dataset.name), "task": dataset.task,
            "method": method, "n_rows": dataset.n_rows, "n_features": dataset.n_features,
            "n_classes": dataset.n_classes, "best_family": model.best_config_["family"],
            "first_family": None if first is None else first.get("family"),
            "cv_score": model.best_score_, "test_score": model.score(X.iloc[test], y.iloc[test]),
            "fit_seconds": seconds}


def summarize(runs: pd.DataFrame, seed: int = 0) -> str:
    wide = runs.pivot_table(index=["dataset", "half", "n_rows"], columns="method",
                            values="test_score").reset_index()
    rng = np.random.default_rng(seed)
    rows = []
    halves = sorted(set(wide["half"]), key=lambda h: (h != "selection", h != "report", h))
    for part_name in [*halves, "all"] if len(halves) > 1 else halves:
        part = wide if part_name == "all" else wide[wide["half"] == part_name]
        for a, b in PAIRS:
            if a not in part or b not in part:
                continue
            diff = (part[a] - part[b]).dropna().to_numpy()
            if len(diff) == 0:
                continue
            test = paired_test(diff, rng)
            rows.append({"half": part_name, "comparison": f"{a} - {b}", "datasets": len(diff),
                         "mean diff": test.mean, "median diff": test.median, "95% CI": test.ci,
                         "wins/ties/losses": test.record, "p": test.p})
    table = pd.DataFrame(rows)
    if len(table):
        for index in table.groupby("half").groups.values():
            table.loc[index, "p (Holm)"] = holm(table.loc[index, "p"].to_numpy())
    means = wide.groupby("half")[[m for m in METHODS if m in wide]].mean().reset_index()
    seconds = runs.groupby("method")["fit_seconds"].median().round(2).reset_index()
    return "\n\n".join([
        f"Test accuracy after {N_TRIALS} trials on held-out classification tables; diff = first "
        "- second method over datasets. p: Wilcoxon signed-rank (n/a with fewer than 5 non-zero "
        "differences), Holm within each half.",
        to_markdown(table), "Mean test accuracy:", to_markdown(means),
        "Median fit seconds (search and refit):", to_markdown(seconds)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/heldout-search"))
    parser.add_argument("--limit", type=int, default=None, help="at most this many datasets")
    parser.add_argument("--half", choices=("selection", "report"), default=None,
                        help="only this half (default: selection first, then report)")
    parser.add_argument("--n-jobs", type=int, default=1, help="datasets fitted at once")
    args = parser.parse_args(argv)
    path, done = open_runs(args.output)
    datasets, _ = soak.discover()
    datasets = [d for d in held_out(datasets) if d.task == "classification"]
    datasets = sorted(datasets, key=lambda d: half(d.name) != "selection")
    datasets = [d for d in datasets if args.half in (None, half(d.name))][:args.limit]
    run_datasets(datasets, METHODS, run_one, path, done, n_jobs=args.n_jobs)
    return write_summary(args.output, summarize(pd.read_csv(path)), __file__, argv,
                         resumed=True)


if __name__ == "__main__":
    raise SystemExit(main())
