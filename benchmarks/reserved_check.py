"""The held-out-table comparison on the reserved mlbench tables: data nobody here chose a
setting on.

The meta-database issue reserves Debian's R data packages r-cran-mlbench and others as an
external check of the product: no meta-database dataset comes from them and no setting was
chosen on them. This script runs, once, on mlbench's classification tables that are not twins
of a meta-database dataset (Glass, Ionosphere, Soybean, PimaIndiansDiabetes, BreastCancer and
HouseVotes84 are UCI tables the meta-database holds under other names): DNA, LetterRecognition,
Satellite, Shuttle, Sonar, Vehicle, Vowel (without its speaker column) and Zoo. Rows are capped
at 3,000 (stratified, seed 0), then split 75/25 (stratified, seed 0).

Fits, each the shipped estimator with ``cv=3, random_state=0``:

- ``warm_first`` / ``cold_first``: ``n_trials=1`` with the meta-learned first pick
  (``lead_defaults=0``) and with the cold start (HistGradientBoosting's defaults), as
  ``first_pick.py``;
- ``warm_lead0``, ``warm_lead1`` (the shipped classification default) and ``cold`` with
  ``n_trials=10``, as ``heldout_search.py``.

Needs ``pyreadr`` (``.venv/bin/pip install pyreadr``) and the package's files::

    apt-get download r-cran-mlbench && dpkg-deb -x r-cran-mlbench_*.deb build/r-cran-mlbench
    .venv/bin/python benchmarks/reserved_check.py --data build/r-cran-mlbench \\
        --output benchmarks/results/reserved-mlbench

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

from compare_pool_runs import to_markdown  # noqa: E402
from heldout_search import _warm_start  # noqa: E402
from heldout_search import summarize as summarize_search  # noqa: E402
from resumable_runs import open_runs, run_pending, write_summary  # noqa: E402

#: mlbench table -> (target column, columns to drop).
TABLES = {"DNA": ("Class", ()), "LetterRecognition": ("lettr", ()), "Satellite": ("classes", ()),
          "Shuttle": ("Class", ()), "Sonar": ("Class", ()), "Vehicle": ("Class", ()),
          "Vowel": ("Class", ("V1",)), "Zoo": ("type", ())}
MAX_ROWS = 3000
FIRST = {"warm_first": "warm_lead0", "cold_first": "cold"}
SEARCH = ("warm_lead0", "warm_lead1", "cold")


def load(data: Path, name: str) -> tuple[pd.DataFrame, pd.Series]:
    import pyreadr

    files = list(data.rglob(f"mlbench/data/{name}.rda"))
    if not files:
        raise FileNotFoundError(f"no mlbench/data/{name}.rda under {data}")
    frame = next(iter(pyreadr.read_r(str(files[0])).values()))
    target, drop = TABLES[name]
    y = frame[target].astype(str)
    X = frame.drop(columns=[target, *drop])
    if len(y) > MAX_ROWS:
        from sklearn.model_selection import train_test_split

        keep, _ = train_test_split(np.arange(len(y)), train_size=MAX_ROWS, stratify=y, random_state=0)
        X, y = X.iloc[np.sort(keep)], y.iloc[np.sort(keep)]
    # Classes too rare for a stratified split and 3-fold CV on its training part go.
    counts = y.value_counts()
    rare = y.isin(counts[counts < 8].index).to_numpy()
    return X[~rare].reset_index(drop=True), y[~rare].reset_index(drop=True)


def run_one(data: Path, name: str, method: str) -> dict:
    from sklearn.model_selection import train_test_split

    from metaautoml import MetaAutoMLClassifier

    X, y = load(data, name)
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
    n_trials = 1 if method in FIRST else 10
    model = MetaAutoMLClassifier(n_trials=n_trials, cv=3, random_state=0,
                                 warm_start=_warm_start(FIRST.get(method, method), "classification"))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X.iloc[train], y.iloc[train])
    return {"dataset": f"mlbench/{name}", "half": "reserved", "task": "classification",
            "method": method, "n_rows": len(y), "n_features": X.shape[1],
            "n_classes": y.nunique(), "best_family": model.best_config_["family"],
            "cv_score": model.best_score_, "test_score": model.score(X.iloc[test], y.iloc[test]),
            "fit_seconds": time.perf_counter() - start}


def summarize(runs: pd.DataFrame) -> str:
    wide = runs.pivot_table(index=["dataset", "n_rows"], columns="method", values="test_score")
    seconds = runs.pivot_table(index="dataset", columns="method", values="fit_seconds").round(1)
    search = runs[runs["method"].isin(SEARCH)]
    parts = ["Test accuracy per table (n_trials=1: `warm_first`, `cold_first`; n_trials=10: the "
             "others):", to_markdown(wide.reset_index()),
             "Fit seconds:", to_markdown(seconds.reset_index())]
    if {"warm_first", "cold_first"} <= set(wide):
        diff = (wide["warm_first"] - wide["cold_first"]).dropna()
        parts.append(f"Meta-learned first pick - HistGradientBoosting's defaults: mean "
                     f"{diff.mean():+.4f} over {len(diff)} tables, more than 0.02 below on "
                     f"{int((diff < -0.02).sum())}. With `lead_defaults=1` (classification's "
                     "default) the first model is the cold start's.")
    if len(search):
        parts.append(summarize_search(search).split("\n\n", 1)[1])
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="r-cran-mlbench, unpacked")
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/reserved-mlbench"))
    parser.add_argument("--n-jobs", type=int, default=1, help="fits at once")
    args = parser.parse_args(argv)
    if not any(args.data.rglob("mlbench/data/*.rda")):
        parser.error(f"--data {args.data}: no mlbench/data/*.rda below it (unpack r-cran-mlbench there)")
    path, done = open_runs(args.output)
    run_pending([(args.data, name, method) for name in TABLES for method in (*FIRST, *SEARCH)
                 if (f"mlbench/{name}", method) not in done], run_one, path, n_jobs=args.n_jobs,
                name=lambda job: f"{job[1]} {job[2]}")
    return write_summary(args.output, summarize(pd.read_csv(path)), __file__, argv,
                         resumed=True)


if __name__ == "__main__":
    raise SystemExit(main())
