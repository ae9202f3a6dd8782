"""What the post-hoc ensemble adds to the best single model, on held-out tables of both tasks.

Held-out tables are ``first_pick.py``'s (soak datasets whose name is not a meta-database
dataset or group), each on the soak's 75/25 split, classification and regression. Each is
fitted once with the shipped estimator (``n_trials=10, cv=3, random_state=0``, the shipped warm
start) and ``ensemble_size=50``. Three test scores are compared:

- ``test_score``: the estimator as shipped, which keeps the ensemble only when its selection,
  cross-validated over the search's folds, beats its best single trial (``ensemble_gain_``);
- ``ungated_test_score``: the selected ensemble whatever that gain (its members refitted with
  ``fit_pipeline`` and averaged by ``WeightedEnsemble``, as the estimator does);
- ``single_test_score``: the best single trial's pipeline, refitted exactly as
  ``ensemble_size=0`` refits it (``fit_pipeline`` of ``best_config_`` on the same frame, codes
  and seed): the search is the same either way, since keeping out-of-fold predictions changes
  no score.

The tables are divided before any run into two halves by the parity of the SHA-1 of the
dataset name (``heldout_search.half``), and each half is taken in ``soak.discover``'s order.

Run 1 (``benchmarks/results/ensemble-gain``, the first 80 tables of each half, before the
gate existed; its ``test_score`` column was the ungated ensemble and is stored as
``ungated_test_score``). The rule, fixed before it: the default ``ensemble_size`` is 50 if, on
the **selection** half, the ensemble's mean paired test-score difference against the single
model is not negative on either task, else 0. It was negative on both (one 65-row table,
Animals2, lost 93 points of r2), so the default is 0.

Run 2 (``benchmarks/results/ensemble-gain-fresh``, ``--skip 80``: the tables of each half after
those 80, which no design decision has seen). The gate was designed after run 1; the rule,
fixed before run 2: the default becomes 50 if the shipped (gated) ensemble's mean paired
test-score difference against the single model is not negative on either task, over all the
fresh tables; else it stays 0.

The summary gives, per task and half, the paired test-score differences (gated and ungated
ensemble - single) over datasets with a bootstrap 95 % CI and a Wilcoxon signed-rank p-value
(Holm within each task), how often the ensemble was kept, and the median fit seconds (search,
ensemble selection and the members' refits) next to the single refit's seconds.

    .venv/bin/python benchmarks/ensemble_gain.py --skip 80 --output benchmarks/results/ensemble-gain-fresh

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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import soak  # noqa: E402  (the sibling script: its datasets and split)
from compare_pool_runs import to_markdown  # noqa: E402
from first_pick import held_out  # noqa: E402
from heldout_search import half  # noqa: E402
from resumable_runs import open_runs, run_datasets, write_summary  # noqa: E402

from metaautoml.benchmark import holm, paired_test  # noqa: E402

METHOD = "ensemble50"
ENSEMBLE_SIZE = 50
N_TRIALS = 10
SEED = 0


def run_one(dataset, method: str) -> dict:
    from metaautoml.ensemble import WeightedEnsemble
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

    def refit(config):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fit_pipeline(config, objective.frame, objective.y_search, task=dataset.task,
                                columns=objective.columns, random_state=SEED)

    def test_score_of(best_estimator):
        variant = copy.copy(model)
        variant.best_estimator_ = best_estimator
        return variant.score(X_test, y_test)

    start = time.perf_counter()
    pipeline = refit(model.best_config_)
    single_seconds = time.perf_counter() - start
    selection = model.ensemble_selection_
    if len(model.ensemble_weights_) > 1 or selection is None or len(selection.weights) < 2:
        ungated_score = ensemble_score  # the estimator kept the ensemble, or there was none
    else:
        trials = model.study_.trials
        ungated = WeightedEnsemble([refit(objective.space.validate(dict(trials[n].params)))
                                    for n in selection.weights],
                                   list(selection.weights.values()), dataset.task,
                                   n_classes=len(getattr(model, "classes_", ())))
        ungated_score = test_score_of(ungated)
    return {"dataset": dataset.name, "half": half(dataset.name), "task": dataset.task,
            "method": method, "n_rows": dataset.n_rows, "n_features": dataset.n_features,
            "n_classes": dataset.n_classes, "best_family": model.best_config_["family"],
            "n_members": len(model.ensemble_weights_),
            "n_selected": 1 if selection is None else len(selection.weights),
            "ensemble_gain": model.ensemble_gain_,
            "ensemble_families": " ".join(sorted(
                str(model.study_.trials[n].user_attrs.get("family")) for n in model.ensemble_weights_)),
            "cv_score": model.best_score_, "ensemble_oof_score": model.ensemble_score_,
            "test_score": ensemble_score, "ungated_test_score": ungated_score,
            "single_test_score": test_score_of(pipeline),
            "fit_seconds": seconds, "single_refit_seconds": single_seconds}


#: The ensembles compared with the best single trial: column and label.
VARIANTS = (("test_score", "shipped (gated)"), ("ungated_test_score", "ungated"))


def summarize(runs: pd.DataFrame, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    rows = []
    for task in ("classification", "regression"):
        of_task = runs[runs["task"] == task]
        start = len(rows)
        for column, label in VARIANTS:
            if column not in of_task or of_task[column].isna().all():
                continue
            for part_name in ("selection", "report", "all"):
                part = of_task if part_name == "all" else of_task[of_task["half"] == part_name]
                diff = (part[column] - part["single_test_score"]).dropna().to_numpy()
                if len(diff) == 0:
                    continue
                test = paired_test(diff, rng)
                kept = (part["n_members"] > 1) if column == "test_score" else (part["n_selected"] > 1)
                rows.append({
                    "task": task, "ensemble": label, "half": part_name, "datasets": len(diff),
                    "mean diff": test.mean, "median diff": test.median, "95% CI": test.ci,
                    "wins/ties/losses": test.record, "p": test.p,
                    "ensembles used": int(kept.sum())})
        table_rows = rows[start:]
        for row, p in zip(table_rows, holm(np.array([r["p"] for r in table_rows])), strict=True):
            row["p (Holm)"] = p
    table = pd.DataFrame(rows)
    seconds = runs.groupby("task")[["fit_seconds", "single_refit_seconds"]].median().round(2)
    return "\n\n".join([
        f"Test score (accuracy, r2) of the ensemble (ensemble_size={ENSEMBLE_SIZE}) minus the "
        f"best single trial's, after {N_TRIALS} trials on held-out tables; paired over "
        "datasets. `shipped (gated)`: the estimator, which keeps the ensemble only when its "
        "cross-validated gain is positive; `ungated`: the selected ensemble regardless. p: "
        "Wilcoxon signed-rank (n/a with fewer than 5 non-zero differences), Holm within each "
        "task. A table without an ensemble has a difference of 0.",
        to_markdown(table),
        "Median seconds: the ensemble fit (search, selection, members' refits) and the single "
        "best trial's refit alone:", to_markdown(seconds.reset_index())]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/ensemble-gain"))
    parser.add_argument("--limit", type=int, default=None,
                        help="at most this many datasets of each half")
    parser.add_argument("--skip", type=int, default=0,
                        help="leave out the first SKIP datasets of each half (those of run 1)")
    parser.add_argument("--half", choices=("selection", "report"), default=None,
                        help="only this half (default: selection first, then report)")
    parser.add_argument("--n-jobs", type=int, default=1, help="datasets fitted at once")
    args = parser.parse_args(argv)
    path, done = open_runs(args.output)
    datasets, _ = soak.discover()
    datasets = held_out(datasets)
    chosen = []
    for part in ("selection", "report"):
        if args.half in (None, part):
            of_half = [d for d in datasets if half(d.name) == part][args.skip:]
            chosen += of_half[:args.limit]
    run_datasets(chosen, (METHOD,), run_one, path, done, n_jobs=args.n_jobs)
    if not path.is_file():
        print("no fit finished", file=sys.stderr)
        return 1
    return write_summary(args.output, summarize(pd.read_csv(path)), __file__, argv,
                         resumed=True)


if __name__ == "__main__":
    raise SystemExit(main())
