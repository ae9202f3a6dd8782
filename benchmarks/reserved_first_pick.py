"""The first model alone (``n_trials=1``) on reserved R tables nobody here chose a setting on:
the meta-learned first pick, HistGradientBoosting's defaults, and a size-conditional lead.

The question (#24, "a first model that is never a gamble"): with one trial, the user gets the
warm start's first pick. On the bundled held-out tables (``first_pick.py``) the meta-learned
pick beat HGB's defaults on 301-1,000 rows and lost to them above 1,000, which is where the
meta-database stops: it evaluated every configuration on at most 1,000 rows (its build
protocol's ``max_rows``), so its ranking of configurations is evidence about tables up to that
size. The rule under test, fixed before this run and not tuned here:

    lead with HGB's defaults when the training rows exceed the meta-database's row cap (1,000),
    else with the meta-learned pick.

It was read off ``first_pick.py``'s tables, so it is judged here on tables of the reserved
packages (the meta-database issue reserves r-cran-aer, r-cran-caret, r-cran-kernlab and others
as an external check; r-cran-mlbench was used once before, by ``reserved_check.py``, and is not
reused). Tables twinned by a meta-database dataset (Ecdat's copies of HMDA, Mroz, Caschool,
DoctorAus, Fair, Housing, OFP, Participation, bioChemists; UCI's German credit and promoters)
are left out. Targets are each table's documented response; columns that restate it (a card
holder's expenditure, other crime counts) are dropped.

Rows are capped at 3,000 (seed 0), then split 75/25 (stratified for classification, seed 0).
Two fits per table, each the shipped estimator with ``n_trials=1, cv=3, random_state=0``:
``meta_first`` (the meta-learned pick, ``lead_defaults=0``) and ``hgb_first`` (the cold start's
first configuration, HGB's defaults). The rule's score is whichever of the two it picks for the
table's training rows. The summary gives, per task, each policy's share of tables within 0.02 of
HGB's defaults (#24's criterion: >= 90 %), and the paired differences with bootstrap CIs and
Wilcoxon p-values, Holm-corrected within each task's table.

    apt-get download r-cran-aer r-cran-caret r-cran-kernlab
    for f in r-cran-*.deb; do dpkg-deb -x "$f" build/reserved; done
    .venv/bin/pip install pyreadr
    .venv/bin/python benchmarks/reserved_first_pick.py --data build/reserved \\
        --output benchmarks/results/reserved-first-pick

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
from resumable_runs import open_runs, run_pending, write_summary  # noqa: E402

from metaautoml.benchmark import holm, paired_test  # noqa: E402

#: (package, file stem, object, target, task, columns to drop).
TABLES = (
    ("AER", "ResumeNames", "ResumeNames", "call", "classification", ()),
    ("AER", "SmokeBan", "SmokeBan", "smoker", "classification", ()),
    ("AER", "Fertility2", "Fertility2", "morekids", "classification", ()),
    ("AER", "BankWages", "BankWages", "job", "classification", ()),
    ("AER", "HealthInsurance", "HealthInsurance", "insurance", "classification", ()),
    ("AER", "CreditCard", "CreditCard", "card", "classification", ("share", "expenditure")),
    ("caret", "segmentationData", "segmentationData", "Class", "classification", ("Cell", "Case")),
    ("caret", "dhfr", "dhfr", "Y", "classification", ()),
    ("kernlab", "spam", "spam", "type", "classification", ()),
    ("kernlab", "musk", "musk", "Class", "classification", ()),
    ("kernlab", "ticdata", "ticdata", "CARAVAN", "classification", ()),
    ("kernlab", "income", "income", "INCOME", "classification", ()),
    ("AER", "CPS1985", "CPS1985", "wage", "regression", ()),
    ("AER", "CPS1988", "CPS1988", "wage", "regression", ()),
    ("AER", "TeachingRatings", "TeachingRatings", "eval", "regression", ()),
    ("AER", "Guns", "Guns", "violent", "regression", ("murder", "robbery")),
    ("AER", "USSeatBelts", "USSeatBelts", "fatalities", "regression", ()),
    ("AER", "Medicaid1986", "Medicaid1986", "visits", "regression", ()),
    ("AER", "RecreationDemand", "RecreationDemand", "trips", "regression", ()),
    ("AER", "CPSSWEducation", "CPSSWEducation", "earnings", "regression", ()),
    ("AER", "CollegeDistance", "CollegeDistance", "education", "regression", ()),
    ("AER", "GSS7402", "GSS7402", "kids", "regression", ()),
    ("caret", "Sacramento", "Sacramento", "price", "regression", ()),
    ("caret", "cars", "cars", "Price", "regression", ()),
)
METHODS = {"meta_first": "warm_lead0", "hgb_first": "cold"}
MAX_ROWS = 3000
#: The meta-database's row cap (its build protocol's ``max_rows``): the rule's threshold.
ROW_CAP = 1000
MARGIN = 0.02


def load(data: Path, package: str, stem: str, name: str, target: str, drop) -> tuple:
    import pyreadr

    files = [f for f in data.rglob(f"{package}/data/{stem}.*") if f.suffix in (".rda", ".RData")]
    if not files:
        raise FileNotFoundError(f"no {package}/data/{stem}.rda under {data}")
    frame = pyreadr.read_r(str(files[0]))[name]
    frame = frame[frame[target].notna()].reset_index(drop=True)
    y = frame[target]
    X = frame.drop(columns=[target, *drop])
    if len(y) > MAX_ROWS:
        keep = np.sort(np.random.default_rng(0).choice(len(y), MAX_ROWS, replace=False))
        X, y = X.iloc[keep].reset_index(drop=True), y.iloc[keep].reset_index(drop=True)
    return X, y


def run_one(data: Path, table: tuple, method: str) -> dict:
    from sklearn.model_selection import train_test_split

    from metaautoml.estimator import estimator_class

    package, stem, name, target, task, drop = table
    X, y = load(data, package, stem, name, target, drop)
    if task == "classification":
        y = y.astype(str)
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, random_state=0,
                                   stratify=y if task == "classification" else None)
    model = estimator_class(task)(n_trials=1, cv=3, random_state=0,
                                  warm_start=_warm_start(METHODS[method], task))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X.iloc[train], y.iloc[train])
    return {"dataset": f"{package}/{name}", "task": task, "method": method,
            "n_train": len(train), "n_features": X.shape[1], "family": model.best_config_["family"],
            "cv_score": model.best_score_, "test_score": model.score(X.iloc[test], y.iloc[test]),
            "fit_seconds": time.perf_counter() - start}


def summarize(runs: pd.DataFrame, seed: int = 0) -> str:
    wide = runs.pivot_table(index=["dataset", "task", "n_train"], columns="method",
                            values="test_score").dropna().reset_index()
    wide["rule"] = np.where(wide["n_train"] > ROW_CAP, wide["hgb_first"], wide["meta_first"])
    parts = [f"First model alone (n_trials=1), test score (accuracy / r2) on {len(wide)} reserved "
             f"tables; `rule` leads with HGB's defaults above {ROW_CAP:,} training rows and with "
             "the meta-learned pick below:", to_markdown(wide.round(4))]
    rng = np.random.default_rng(seed)
    for task, part in wide.groupby("task"):
        within = {policy: float((part[policy] >= part["hgb_first"] - MARGIN).mean())
                  for policy in ("meta_first", "rule")}
        parts.append(f"**{task}** ({len(part)} tables, {int((part['n_train'] > ROW_CAP).sum())} "
                     f"above {ROW_CAP:,} training rows): within {MARGIN} of HGB's defaults on "
                     f"{within['meta_first']:.0%} of tables with the meta-learned pick, "
                     f"{within['rule']:.0%} with the rule (criterion: 90 %).")
        rows = []
        for a, b in (("rule", "meta_first"), ("rule", "hgb_first"), ("meta_first", "hgb_first")):
            test = paired_test((part[a] - part[b]).to_numpy(), rng)
            rows.append({"comparison": f"{a} - {b}", "mean": test.mean,
                         "median": test.median,
                         "95% CI": f"[{test.ci_low:+.4f}, {test.ci_high:+.4f}]",
                         "wins/ties/losses": f"{test.wins}/{test.ties}/{test.losses}",
                         "p": test.p})
        table = pd.DataFrame(rows)
        table["p (Holm)"] = holm(table["p"].to_numpy())
        table["verdict"] = [("better" if m > 0 else "worse") if q < 0.05 else "not significant"
                            for m, q in zip(table["mean"], table["p (Holm)"], strict=True)]
        parts.append(to_markdown(table.round(4)))
    families = runs[runs["method"] == "meta_first"].groupby(["task", "family"]).size()
    parts.append("Families of the meta-learned first pick:")
    parts.append(to_markdown(families.rename("tables").reset_index()))
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="r-cran-aer, r-cran-caret and r-cran-kernlab, unpacked below it")
    parser.add_argument("--output", type=Path,
                        default=Path("benchmarks/results/reserved-first-pick"))
    parser.add_argument("--n-jobs", type=int, default=1, help="fits at once")
    args = parser.parse_args(argv)
    missing = sorted({package for package, *_ in TABLES
                      if not any(args.data.rglob(f"{package}/data/*"))})
    if missing:
        parser.error(f"--data {args.data}: no {', '.join(missing)}/data below it (unpack the "
                     "r-cran packages there)")
    path, done = open_runs(args.output)
    run_pending([(args.data, table, method) for table in TABLES for method in METHODS
                 if (f"{table[0]}/{table[2]}", method) not in done], run_one, path,
                n_jobs=args.n_jobs, name=lambda job: f"{job[1][2]} {job[2]}")
    return write_summary(args.output, summarize(pd.read_csv(path)), __file__, argv,
                         resumed=True)


if __name__ == "__main__":
    raise SystemExit(main())
