"""How well the meta-database's recorded fit times predict a configuration's fit time on a
dataset it never saw: the groundwork of the cost model (#24, item 1).

Every complete evaluation records the seconds its 3-fold cross-validation spent in ``fit``
(all folds). Per fold, that is one fit on two thirds of the (at most 1,000) rows. For each task
type the script predicts ``log10`` of those per-fold seconds, leaving out each fold of dataset
groups in turn (5 folds, seed 0: a dataset's group never trains its own predictions), with:

- ``config_median``: the configuration's median time over the training datasets (ignores size);
- ``family_per_row``: the family's median seconds per training row, times the rows;
- ``gbm``: gradient boosting on the data's shape (log rows, log columns, log classes) and the
  configuration's encoding (the space's, as the surrogate reads it), a candidate cost model;
- ``ridge_per_family``: one ridge regression per family on the shape, the family's
  hyperparameters and their products with log rows -- a model that ships as a few JSON
  coefficients, the other candidate.
- ``shipped_mlp``: :class:`metaautoml.cost.CostModel`, the model the package ships (an MLP on
  the same features, trained as shipped), retrained on each fold's training groups.

Then, since the meta-database's tables have at most 1,000 rows, a check beyond them
(``--size-check``): each family's default is evaluated (3-fold, one thread, as the build does)
on synthetic tables of 2,000, 5,000 and 20,000 rows by 20 columns on this machine, and its
measured fit seconds are compared with the shipped model's prediction (which grows beyond 1,000
rows by LCDB's per-family exponents), the same network growing linearly, and gradient boosting
(which cannot extrapolate).

It reports the median absolute error in decades (0.30 is a factor of 2) and the share of
predictions within a factor of 2, per task, and compares the models dataset by dataset (each
dataset's median absolute error; paired bootstrap CI and Wilcoxon, Holm over the task's table).
The rows never exceed the meta-database's cap, so this says nothing about larger tables.

    .venv/bin/python benchmarks/cost_model.py --output benchmarks/results/cost-model
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_pool_runs import to_markdown  # noqa: E402
from resumable_runs import write_summary  # noqa: E402

from metaautoml.benchmark import group_folds, holm, paired_test  # noqa: E402
from metaautoml.cost import CostModel, cost_training_table, load_cost_model  # noqa: E402
from metaautoml.metadb import MetaDB  # noqa: E402
from metaautoml.space import get_space  # noqa: E402

MODELS = ("config_median", "family_per_row", "gbm", "ridge_per_family", "shipped_mlp")
SIZE_CHECK_ROWS = (2_000, 5_000, 20_000)
SIZE_CHECK_FEATURES = 20
N_FOLDS = 5
#: The meta-database's cross-validation: each fit saw this share of the rows.
TRAIN_SHARE = 2 / 3


def evaluation_table(db: MetaDB, task: str) -> pd.DataFrame:
    """One row per complete evaluation: the data's shape, the configuration, log10 seconds."""
    return cost_training_table(db, task)


def features(table: pd.DataFrame, task: str) -> np.ndarray:
    space = get_space(task)
    classes = pd.to_numeric(table["n_classes"], errors="coerce").fillna(1).clip(lower=1)
    shape = np.log10(np.column_stack([table["n_train"].astype(float),
                                      table["n_features"].astype(float),
                                      classes.astype(float)]))
    return np.hstack([shape, space.encode_many(list(table["config"]))])


def predict(model: str, train: pd.DataFrame, test: pd.DataFrame, X_train, X_test,
            task: str = "classification") -> np.ndarray:
    if model == "shipped_mlp":
        fitted = CostModel(task).fit(train)
        return fitted.predict_log_seconds(list(test["config"]), test["n_train"].to_numpy(),
                                          test["n_features"].to_numpy(), test["n_classes"].to_numpy())
    if model == "config_median":
        medians = train.groupby("config_id")["log_seconds"].median()
        fallback = train["log_seconds"].median()
        return test["config_id"].map(medians).fillna(fallback).to_numpy()
    if model == "family_per_row":
        per_row = (train["log_seconds"] - np.log10(train["n_train"])).groupby(train["family"]).median()
        return (test["family"].map(per_row) + np.log10(test["n_train"])).to_numpy()
    if model == "ridge_per_family":
        return _ridge_per_family(train, test, X_train, X_test)
    from sklearn.ensemble import HistGradientBoostingRegressor

    gbm = HistGradientBoostingRegressor(max_iter=300, learning_rate=0.1, random_state=0)
    return gbm.fit(X_train, train["log_seconds"]).predict(X_test)


def _ridge_per_family(train, test, X_train, X_test) -> np.ndarray:
    """Per family: ridge on the shape, the active encoding columns and their products with
    log rows (column 0 of the features)."""
    from sklearn.linear_model import Ridge

    def design(X, columns):
        active = X[:, columns]
        return np.hstack([X[:, :3], active, active * X[:, :1]])

    predicted = np.full(len(test), np.nan)
    for family in test["family"].unique():
        rows_train = (train["family"] == family).to_numpy()
        rows_test = (test["family"] == family).to_numpy()
        block = X_train[rows_train]
        # The family's own columns: those its configurations set (others hold INACTIVE).
        columns = [j for j in range(3, X_train.shape[1]) if np.ptp(block[:, j]) > 0]
        ridge = Ridge(alpha=1.0).fit(design(block, columns), train["log_seconds"][rows_train])
        predicted[rows_test] = ridge.predict(design(X_test[rows_test], columns))
    return predicted


def cross_validate(table: pd.DataFrame, task: str, seed: int = 0) -> pd.DataFrame:
    X = features(table, task)
    names = sorted(table["dataset"].unique())
    group_of = table.drop_duplicates("dataset").set_index("dataset")["group"]
    out = []
    for test_datasets in group_folds([group_of[n] for n in names], N_FOLDS, seed):
        held = table["dataset"].isin([names[i] for i in test_datasets]).to_numpy()
        train, test = table[~held], table[held]
        for model in MODELS:
            part = test[["dataset", "config_id", "family", "log_seconds"]].assign(
                model=model, predicted=predict(model, train, test, X[~held], X[held], task))
            out.append(part)
    result = pd.concat(out, ignore_index=True)
    result["error"] = (result["predicted"] - result["log_seconds"]).abs()
    return result


def summarize(results: dict[str, pd.DataFrame], seed: int = 0) -> str:
    parts = ["Predicted per-fold fit seconds against the recorded ones, on datasets whose group "
             f"the predictor never saw ({N_FOLDS} folds of groups): median absolute error in "
             "decades of seconds (0.30 = a factor of 2), and the share within a factor of 2.", ""]
    rows = []
    for task, result in results.items():
        for model, part in result.groupby("model", sort=False):
            rows.append({"task": task, "model": model, "evaluations": len(part),
                         "datasets": part["dataset"].nunique(),
                         "median abs error (decades)": part["error"].median(),
                         "within 2x": (part["error"] <= np.log10(2)).mean()})
    table = pd.DataFrame(rows)
    parts += [to_markdown(table.round(3)), ""]
    rng = np.random.default_rng(seed)
    for task, result in results.items():
        per_dataset = result.pivot_table(index="dataset", columns="model", values="error",
                                         aggfunc="median")
        comparisons = []
        for a, b in (("gbm", "family_per_row"), ("gbm", "config_median"),
                     ("family_per_row", "config_median"), ("gbm", "ridge_per_family"),
                     ("ridge_per_family", "config_median"), ("shipped_mlp", "config_median"),
                     ("gbm", "shipped_mlp")):
            test = paired_test((per_dataset[b] - per_dataset[a]).to_numpy(), rng)
            comparisons.append({"comparison": f"{b} - {a}", "mean": test.mean,
                                "95% CI": f"[{test.ci_low:+.3f}, {test.ci_high:+.3f}]",
                                "wins/ties/losses": f"{test.wins}/{test.ties}/{test.losses}",
                                "p": test.p})
        frame = pd.DataFrame(comparisons)
        frame["p (Holm)"] = holm(frame["p"].to_numpy())
        parts += [f"**{task}**: each dataset's median absolute error, paired over datasets "
                  "(positive: the second-named model's error is lower):", "",
                  to_markdown(frame.round(4)), ""]
        by_family = result[result["model"] == "gbm"].groupby("family")["error"].median()
        parts += [f"`gbm`'s median absolute error by family ({task}): "
                  + ", ".join(f"{f} {e:.2f}" for f, e in by_family.items()), ""]
    return "\n".join(parts) + "\n"


def size_check(db: MetaDB, task: str) -> pd.DataFrame:
    """Measured against predicted fit seconds of each family's default on larger tables."""
    from sklearn.datasets import make_classification, make_regression
    from sklearn.ensemble import HistGradientBoostingRegressor

    from metaautoml.evaluation import TrialRunner, default_metrics, make_splits
    from metaautoml.space import ColumnTypes

    space = get_space(task)
    configs = [space.default_config(f) for f in space.family_names]
    shipped = load_cost_model(task)
    linear = CostModel.load(_shipped_path(task)).with_size_exponents({})
    table = evaluation_table(db, task)
    gbm = HistGradientBoostingRegressor(max_iter=300, random_state=0).fit(
        features(table, task), table["log_seconds"])
    rows = []
    for n_rows in SIZE_CHECK_ROWS:
        if task == "classification":
            X, y = make_classification(n_rows, SIZE_CHECK_FEATURES, n_informative=10,
                                       random_state=0)
        else:
            X, y = make_regression(n_rows, SIZE_CHECK_FEATURES, n_informative=10, noise=1.0,
                                   random_state=0)
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        splits = make_splits(y, task, 3, random_state=0)
        n_train = n_rows * TRAIN_SHARE
        n_classes = 2 if task == "classification" else None
        frame = pd.DataFrame({"config": configs, "n_train": n_train,
                              "n_features": SIZE_CHECK_FEATURES,
                              "n_classes": n_classes if n_classes else np.nan})
        predicted = {
            "shipped_mlp": shipped.predict_log_seconds(configs, n_train, SIZE_CHECK_FEATURES, n_classes),
            "mlp_linear_growth": linear.predict_log_seconds(configs, n_train, SIZE_CHECK_FEATURES,
                                                            n_classes),
            "gbm": gbm.predict(features(frame, task)),
        }
        with TrialRunner(X, y, task=task, columns=ColumnTypes.infer(X), splits=splits,
                         metrics=default_metrics(task), random_state=0, isolate=False,
                         n_threads=1) as runner:
            for i, config in enumerate(configs):
                result = runner.evaluate(config)
                measured = np.log10(result.fit_time / 3.0) if result.fit_time > 0 else np.nan
                for model, values in predicted.items():
                    rows.append({"task": task, "rows": n_rows, "family": config["family"],
                                 "model": model, "measured_seconds": result.fit_time / 3.0,
                                 "predicted_seconds": 10.0 ** values[i],
                                 "error": abs(values[i] - measured)})
                print(f"{task} {n_rows} {config['family']}: {result.fit_time / 3:.2f} s per fold",
                      flush=True)
    return pd.DataFrame(rows)


def _shipped_path(task: str) -> Path:
    from metaautoml.cost import cost_model_path

    return cost_model_path(task)


def summarize_size_check(check: pd.DataFrame) -> str:
    parts = [f"**Beyond the meta-database's tables**: each family's default on synthetic tables "
             f"of {', '.join(f'{n:,}' for n in SIZE_CHECK_ROWS)} rows x {SIZE_CHECK_FEATURES} "
             "columns, measured here (3-fold, one thread, seconds per fold) against the "
             "predictions. Synthetic data, one machine, defaults only: a sanity check of the "
             "growth, not an accuracy estimate.", ""]
    table = check.pivot_table(index=["task", "rows"], columns="model", values="error",
                              aggfunc="median").reset_index()
    parts += ["Median absolute error (decades) over the families:", "",
              to_markdown(table.round(3)), ""]
    detail = check[check["model"] == "shipped_mlp"].pivot_table(
        index=["task", "family"], columns="rows", values=["measured_seconds", "predicted_seconds"])
    detail.columns = [f"{'measured' if a.startswith('measured') else 'predicted'} {b:,}"
                      for a, b in detail.columns]
    parts += ["The shipped model's predictions, family by family (seconds per fold):", "",
              to_markdown(detail.reset_index().round(2)), ""]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/cost-model"))
    parser.add_argument("--no-size-check", dest="size_check", action="store_false",
                        help="skip the check on synthetic tables beyond 1,000 rows (minutes)")
    args = parser.parse_args(argv)
    db = MetaDB.default()
    results = {}
    for task in ("classification", "regression"):
        results[task] = cross_validate(evaluation_table(db, task), task)
        print(f"{task}: {len(results[task]) // len(MODELS)} evaluations", flush=True)
    summary = summarize(results)
    if args.size_check:
        check = pd.concat([size_check(db, task) for task in ("classification", "regression")],
                          ignore_index=True)
        args.output.mkdir(parents=True, exist_ok=True)
        check.to_csv(args.output / "size_check.csv", index=False)
        summary += "\n" + summarize_size_check(check)
    return write_summary(args.output, summary, __file__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
