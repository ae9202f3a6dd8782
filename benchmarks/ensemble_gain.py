"""What the post-hoc ensemble adds to the best single model, on held-out tables of both tasks.

Held-out tables are ``first_pick.py``'s (soak datasets whose name is not a meta-database
dataset or group), each on the soak's 75/25 split, classification and regression. Each is
fitted once with the shipped estimator (``n_trials=10, cv=3, random_state=0``, the shipped warm
start) and ``ensemble_size=50``; its test score is compared with that of the best single trial's
pipeline, refitted exactly as ``ensemble_size=0`` refits it (``fit_pipeline`` of
``best_config_`` on the same frame, codes and seed): the search is the same either way, since
keeping out-of-fold predictions changes no score.

The tables are divided before any run into two halves by the parity of the SHA-1 of the
dataset name (``heldout_search.half``). The rule, fixed before the runs: the estimators'
default ``ensemble_size`` is 50 if, on the **selection** half, the ensemble's mean paired
test-score difference against the single model is not negative on either task, else 0; the
**report** half checks that decision on tables it was not made on.

The summary gives, per task and half, the paired test-score difference (ensemble - single)
over datasets with a bootstrap 95 % CI and a Wilcoxon signed-rank p-value (Holm within each
task), the ensemble's mean number of members, and the median fit seconds (search, ensemble
selection and the members' refits) next to the single refit's seconds.

    .venv/bin/python benchmarks/ensemble_gain.py --output benchmarks/results/ensemble-gain

Resumable: finished datasets in ``runs.csv`` are kept.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import wilcoxon

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak  # noqa: E402  (the sibling script: its datasets and split)
from compare_pool_runs import holm, to_markdown  # noqa: E402
from first_pick import held_out  # noqa: E402
from heldout_search import half  # noqa: E402
from resumable_runs import open_runs, run_datasets, write_summary  # noqa: E402

METHOD = "ensemble50"
ENSEMBLE_SIZE = 50
N_TRIALS = 10
SEED = 0


def run_one(dataset, method: str) -> dict:
    from metaautoml.estimator import estimator_class
    from metaautoml.evaluation import fit_pipeline

    X, y = soak.load_dataset(dataset)
    train, test = soak.split(y, dataset.task)
    X_train, y_train, X_test, y_test = X.iloc[train], y.iloc[train], X.iloc[test], y.iloc[test]
    model = estimator_class(dataset.task)(n_trials=N_TRIALS, cv=3, random_state=SEED,
                                          ensemble_size=ENSEMBLE_SIZE)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    ensemble_score = model.score(X_test, y_test)
    # The best single trial, refitted as ensemble_size=0 refits it.
    objective = model.search_objective(X_train, y_train, seed=SEED)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline = fit_pipeline(model.best_config_, objective.frame, objective.y_search,
                                task=dataset.task, columns=objective.columns, random_state=SEED)
    single_seconds = time.perf_counter() - start
    single = copy.copy(model)
    single.best_estimator_ = pipeline
    return {"dataset": dataset.name, "half": half(dataset.name), "task": dataset.task,
            "method": method, "n_rows": dataset.n_rows, "n_features": dataset.n_features,
            "n_classes": dataset.n_classes, "best_family": model.best_config_["family"],
            "n_members": len(model.ensemble_weights_),
            "ensemble_families": " ".join(sorted(
                str(model.study_.trials[n].user_attrs.get("family")) for n in model.ensemble_weights_)),
            "cv_score": model.best_score_, "ensemble_oof_score": model.ensemble_score_,
            "test_score": ensemble_score, "single_test_score": single.score(X_test, y_test),
            "fit_seconds": seconds, "single_refit_seconds": single_seconds}


def summarize(runs: pd.DataFrame, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    rows = []
    for task in ("classification", "regression"):
        of_task = runs[runs["task"] == task]
        start = len(rows)
        for part_name in ("selection", "report", "all"):
            part = of_task if part_name == "all" else of_task[of_task["half"] == part_name]
            diff = (part["test_score"] - part["single_test_score"]).dropna().to_numpy()
            if len(diff) == 0:
                continue
            boots = rng.choice(diff, (5000, len(diff))).mean(axis=1)
            nonzero = diff[diff != 0]
            rows.append({"task": task, "half": part_name, "datasets": len(diff),
                         "mean diff": diff.mean(), "median diff": np.median(diff),
                         "95% CI": f"[{np.percentile(boots, 2.5):.4f}, {np.percentile(boots, 97.5):.4f}]",
                         "wins/ties/losses": f"{(diff > 0).sum()}/{(diff == 0).sum()}/{(diff < 0).sum()}",
                         "p": wilcoxon(nonzero).pvalue if len(nonzero) >= 5 else np.nan,
                         "ensembles (>1 member)": int((part["n_members"] > 1).sum()),
                         "mean members": part["n_members"].mean()})
        table_rows = rows[start:]
        for row, p in zip(table_rows, holm(np.array([r["p"] for r in table_rows])), strict=True):
            row["p (Holm)"] = p
    table = pd.DataFrame(rows)
    seconds = runs.groupby("task")[["fit_seconds", "single_refit_seconds"]].median().round(2)
    return "\n\n".join([
        f"Test score (accuracy, r2) of the ensemble (ensemble_size={ENSEMBLE_SIZE}) minus the "
        f"best single trial's, after {N_TRIALS} trials on held-out tables; paired over "
        "datasets. p: Wilcoxon signed-rank (n/a with fewer than 5 non-zero differences), Holm "
        "within each task. A table whose selection kept one member has a difference of 0.",
        to_markdown(table),
        "Median seconds: the ensemble fit (search, selection, members' refits) and the single "
        "best trial's refit alone:", to_markdown(seconds.reset_index())]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/ensemble-gain"))
    parser.add_argument("--limit", type=int, default=None, help="at most this many datasets")
    parser.add_argument("--half", choices=("selection", "report"), default=None,
                        help="only this half (default: selection first, then report)")
    parser.add_argument("--n-jobs", type=int, default=1, help="datasets fitted at once")
    args = parser.parse_args(argv)
    path, done = open_runs(args.output)
    datasets, _ = soak.discover()
    datasets = sorted(held_out(datasets), key=lambda d: half(d.name) != "selection")
    datasets = [d for d in datasets if args.half in (None, half(d.name))][:args.limit]
    run_datasets(datasets, (METHOD,), run_one, path, done, n_jobs=args.n_jobs)
    if not path.is_file():
        print("no fit finished", file=sys.stderr)
        return 1
    return write_summary(args.output, summarize(pd.read_csv(path)), __file__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
