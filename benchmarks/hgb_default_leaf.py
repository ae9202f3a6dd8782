"""HistGradientBoosting's default leaf on small tables: scikit-learn's absolute
``min_samples_leaf=20`` against the space's relative default (1 % of the training rows).

The search space expresses HGB's ``min_samples_leaf`` as a fraction of the training rows, so that
a configuration transfers between datasets of different sizes; its default fraction, 0.01,
reproduces scikit-learn's 20 at 2,000 rows. On a table of 300 training rows it gives a leaf of 3.
The cold start's first configuration and the warm start's leading default were that relative
default, and issue 24 compares the first model with scikit-learn's own default. This script asks
whether the difference matters, on tables no decision here was tuned on: the held-out tables of
``surrogate_refine.py`` (its four result folders; outside live-v2's source groups), rows capped
at 5,000, three outer 75/25 splits (the live benchmark's), scikit-learn's
``HistGradientBoosting{Classifier,Regressor}`` fitted on the training part with each leaf
(categorical columns as the live benchmark's ``hgb_default`` gets them) and scored on the test
part (accuracy, r2).

Per task and training-size band: the paired difference (absolute minus relative) over tables,
mean over seeds, bootstrap 95 % CI, wins/ties/losses and Wilcoxon p, Holm within the task.

    .venv/bin/python benchmarks/hgb_default_leaf.py --output benchmarks/results/hgb-default-leaf
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, r2_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_pool_runs import to_markdown  # noqa: E402
from resumable_runs import write_summary  # noqa: E402

from metaautoml.benchmark import (  # noqa: E402
    corpus_datasets,
    holm_by,
    outer_split,
    paired_test,
    prepare_dataset,
)
from metaautoml.corpus import load_manifest  # noqa: E402

RUNS = ("surrogate-refine-classification", "surrogate-refine-regression",
        "surrogate-refine-round2-0", "surrogate-refine-round2-1")
SEEDS = (0, 1, 2)
MAX_ROWS = 5000
SKLEARN_LEAF = 20
DEFAULT_FRACTION = 0.01
#: Training-row bands the summary splits by (the relative leaf is 20 at 2,000 rows).
BANDS = ((0, 750), (750, 1500), (1500, MAX_ROWS))


def leaves(n_train: int) -> dict[str, int]:
    return {"absolute": SKLEARN_LEAF, "relative": max(1, round(DEFAULT_FRACTION * n_train))}


def _categorical(X: pd.DataFrame) -> pd.DataFrame:
    """Text and categorical columns as pandas categories (HGB's native categorical support)."""
    out = X.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) or isinstance(out[column].dtype,
                                                                        pd.CategoricalDtype):
            out[column] = out[column].astype("category")
    return out


def run(names: list[str], entries) -> pd.DataFrame:
    rows = []
    for dataset in corpus_datasets(names, entries=entries):
        X, y = prepare_dataset(dataset, MAX_ROWS)
        X = _categorical(X)
        model_class = (HistGradientBoostingClassifier if dataset.task == "classification"
                       else HistGradientBoostingRegressor)
        metric = accuracy_score if dataset.task == "classification" else r2_score
        for seed in SEEDS:
            X_train, X_test, y_train, y_test = outer_split(X, y, dataset.task, seed)
            for leaf_name, leaf in leaves(len(y_train)).items():
                model = model_class(min_samples_leaf=leaf, categorical_features="from_dtype",
                                    random_state=seed)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model.fit(X_train, y_train)
                rows.append({"task": dataset.task, "dataset": dataset.name,
                             "n_train": len(y_train), "seed": seed, "leaf": leaf_name,
                             "min_samples_leaf": leaf,
                             "test_score": metric(y_test, model.predict(X_test))})
        print(f"{dataset.task} {dataset.name}: {len(y_train)} training rows", file=sys.stderr,
              flush=True)
    return pd.DataFrame(rows)


def summarize(rows: pd.DataFrame, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    wide = (rows.groupby(["task", "dataset", "leaf"])
            .agg(score=("test_score", "mean"), n_train=("n_train", "mean")).reset_index()
            .pivot_table(index=["task", "dataset", "n_train"], columns="leaf", values="score")
            .reset_index())
    wide["difference"] = wide["absolute"] - wide["relative"]
    table = []
    for task, part in wide.groupby("task", sort=False):
        for low, high in BANDS:
            band = part[(part["n_train"] > low) & (part["n_train"] <= high)]
            if band.empty:
                continue
            test = paired_test(band["difference"].to_numpy(), rng)
            table.append({"task": task, "training rows": f"{low + 1}-{high}",
                          "tables": test.n, "absolute - relative": test.mean,
                          "95% CI": f"[{test.ci_low:+.4f}, {test.ci_high:+.4f}]",
                          "w/t/l": f"{test.wins}/{test.ties}/{test.losses}", "p": test.p})
    table = pd.DataFrame(table)
    table["p (Holm)"] = holm_by(table)
    return "\n".join([
        "scikit-learn's `min_samples_leaf=20` minus the space's relative default (1 % of the "
        "training rows) for HistGradientBoosting's test score, per table (mean over 3 seeds); "
        "bootstrap 95 % CI, Wilcoxon signed-rank p, Holm within the task. Tables: "
        "surrogate-refine's, outside live-v2's source groups.", "",
        to_markdown(table.drop(columns="p").round(4)), ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=Path("benchmarks/results"),
                        help="where surrogate-refine's folders are")
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/hgb-default-leaf"))
    args = parser.parse_args(argv)
    names = sorted({name for run_name in RUNS
                    for name in pd.read_csv(args.results / run_name / "raw.csv")["dataset"]})
    rows = run(names, load_manifest())
    args.output.mkdir(parents=True, exist_ok=True)
    rows.to_csv(args.output / "raw.csv", index=False)
    return write_summary(args.output, summarize(rows), __file__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
