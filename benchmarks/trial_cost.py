"""Where a time-budgeted search's seconds go: set-up, model fits, scoring, the sampler, refit.

FLAML's ``AutoML`` runs 10-20x more trials than the estimators in the same 30 s (the live
benchmark's ``n_trials`` column). This profile says whether that gap is overhead of ours (the
meta-features, the proposer, the surrogate sampler, Optuna's bookkeeping, the worker process)
or the models' own fit and predict time, which only cheaper configurations can shrink.

For each dataset (the live benchmark's fixed rule, rows capped as there) and method, the
shipped estimator runs with ``time_budget`` on the training part of seed 0's outer split, and its
wall time is split into:

- ``setup``: ``fit`` until the search starts (validation, meta-features, proposals, sampler);
- per trial, from Optuna's timestamps and the trial's recorded times:
  ``fit`` (the folds' model fits), ``score`` (the rest of the cross-validation: predicting and
  scoring, inside the worker), ``sampler`` (the trial's wall time outside the worker: sampling,
  suggesting, sending the trial to the worker and back, telling Optuna) and ``gap`` (between one
  trial's end and the next one's start);
- ``tail``: the search's end until ``fit`` returns (refit on all rows, the ensemble).

This is a cost profile, not a quality comparison: the shipped proposer is used as is (the
datasets may be in its meta-database), which does not change what a trial costs.

Runs append to ``phases.csv`` and ``trials.csv`` in ``--output`` and skip the (label, dataset,
method) units already there, so two versions of the code can be compared side by side: run
each, with ``PYTHONPATH`` pointing at its checkout and its own ``--label``, one dataset at a
time in turn, so that both see the same load on the machine. The tables summarize every label.

Usage::

    .venv/bin/python benchmarks/trial_cost.py --output benchmarks/results/trial-cost
    for d in tea wages; do
        PYTHONPATH=/tmp/before .venv/bin/python benchmarks/trial_cost.py --datasets $d --label before
        .venv/bin/python benchmarks/trial_cost.py --datasets $d --label after
    done
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before any OpenMP runtime loads

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import optuna  # noqa: E402
import pandas as pd  # noqa: E402

from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor  # noqa: E402
from metaautoml.benchmark import (  # noqa: E402
    corpus_datasets,
    default_dataset_names,
    holm,
    markdown_table,
    outer_split,
    paired_test,
    prepare_dataset,
    write_run_notes,
)
from metaautoml.corpus import load_manifest  # noqa: E402
from metaautoml.strategy import ColdStart, PlainSearch  # noqa: E402

ESTIMATORS = {"classification": MetaAutoMLClassifier, "regression": MetaAutoMLRegressor}
#: Each method's ``warm_start``: ``True`` is the estimators' default (the meta-learned one).
STRATEGIES = {"warm": lambda: True, "cold": ColdStart, "tpe": lambda: PlainSearch("tpe")}
PHASES = ("setup", "fit", "score", "sampler", "gap", "tail")


def profile(model, wall: float) -> tuple[dict, list[dict]]:
    """One fitted estimator's phases (seconds) and its trials' rows."""
    trials = sorted(model.study_.get_trials(deepcopy=False), key=lambda t: t.number)
    rows, previous_end = [], None
    for trial in trials:
        attrs = trial.user_attrs
        start, end = trial.datetime_start, trial.datetime_complete
        span = (end - start).total_seconds()
        duration = float(attrs.get("duration") or 0.0)
        fit = float(attrs.get("fit_time") or 0.0)
        rows.append({"trial": trial.number, "family": attrs.get("family"),
                     "source": attrs.get("source"), "state": attrs.get("state"),
                     "wall": span, "fit": fit, "score": max(duration - fit, 0.0),
                     "sampler": max(span - duration, 0.0),
                     "gap": (start - previous_end).total_seconds() if previous_end else 0.0})
        previous_end = end
    frame = pd.DataFrame(rows)
    phases = {"setup": wall - model.search_time_ - model.refit_time_,
              "tail": model.refit_time_}
    for column in ("fit", "score", "sampler", "gap"):
        phases[column] = float(frame[column].sum()) if len(frame) else 0.0
    # What the trials' timestamps do not cover (the search's own start and end).
    phases["search_other"] = model.search_time_ - float(frame["wall"].sum() + frame["gap"].sum())
    phases["n_trials"] = len(frame)
    return phases, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=("classification", "regression"), action="append",
                        help="task types (default: both)")
    parser.add_argument("--datasets", default=None, help="comma-separated corpus names")
    parser.add_argument("--n-datasets", type=int, default=4,
                        help="datasets per task by the live benchmark's rule")
    parser.add_argument("--methods", default=",".join(STRATEGIES), help="comma-separated methods")
    parser.add_argument("--time-budget", type=float, default=30.0, help="seconds of search")
    parser.add_argument("--max-rows", type=int, default=2000, help="rows kept per dataset")
    parser.add_argument("--label", default="this code",
                        help="names the code version in the tables (compare versions with it)")
    parser.add_argument("--output", default="benchmarks/results/trial-cost")
    args = parser.parse_args(argv)

    tasks = args.task or ("classification", "regression")
    entries = load_manifest()
    if args.datasets:
        names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    else:
        names = [n for task in tasks
                 for n in default_dataset_names(task, args.n_datasets, entries=entries)]
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = sorted(set(methods) - set(STRATEGIES))
    if unknown:
        parser.error(f"unknown methods {unknown}; expected some of {list(STRATEGIES)}")
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    phases_path, trials_path = out / "phases.csv", out / "trials.csv"
    summary = pd.read_csv(phases_path).to_dict("records") if phases_path.exists() else []
    trials = pd.read_csv(trials_path).to_dict("records") if trials_path.exists() else []
    done = {(row["label"], row["dataset"], row["method"]) for row in summary}
    todo = [name for name in names if any((args.label, name, m) not in done for m in methods)]
    if todo:
        # Only a call that measures something says how the results were made; one that only
        # rewrites the tables keeps the notes of the runs that did.
        write_run_notes(out, __file__, sys.argv[1:] if argv is None else argv,
                        settings={"time budget (s)": args.time_budget,
                                  "rows at most": args.max_rows, "cv": 3, "seed": 0})
    for dataset in corpus_datasets(todo, entries=entries):
        X, y = prepare_dataset(dataset, max_rows=args.max_rows)
        X_train, _, y_train, _ = outer_split(X, y, dataset.task, seed=0)
        for method in methods:
            if (args.label, dataset.name, method) in done:
                continue
            model = ESTIMATORS[dataset.task](time_budget=args.time_budget, n_trials=None,
                                             random_state=0, warm_start=STRATEGIES[method]())
            clock = time.perf_counter()
            model.fit(X_train, y_train)
            wall = time.perf_counter() - clock
            phases, rows = profile(model, wall)
            base = {"label": args.label, "task": dataset.task, "dataset": dataset.name,
                    "n_train": len(y_train), "method": method}
            summary.append({**base, "wall": wall, **phases})
            trials += [{**base, **row} for row in rows]
            # After every unit: an interrupted run keeps what it measured.
            pd.DataFrame(summary).to_csv(phases_path, index=False)
            pd.DataFrame(trials).to_csv(trials_path, index=False)
            print(f"{dataset.name} {method}: {phases['n_trials']} trials in {wall:.1f} s "
                  + ", ".join(f"{p} {phases[p]:.1f}" for p in PHASES), file=sys.stderr, flush=True)
    summary_frame, trial_frame = pd.DataFrame(summary), pd.DataFrame(trials)
    keys = ["label", "task", "method"]
    # Median seconds per trial of each part (the first trial, which starts the worker, apart),
    # and each part's share of the wall time.
    later = trial_frame[trial_frame["trial"] > 0]
    per_trial = (later.groupby(keys)[["wall", "fit", "score", "sampler"]]
                 .median().add_prefix("median_"))
    first = (trial_frame[trial_frame["trial"] == 0].groupby(keys)["sampler"].median()
             .rename("first_trial_sampler"))
    share = summary_frame.groupby(keys)[list(PHASES) + ["wall"]].sum()
    share = share[list(PHASES)].div(share["wall"], axis=0).add_suffix("_share")
    counts = summary_frame.groupby(keys)["n_trials"].agg(["mean", "sum"]).rename(
        columns={"mean": "mean_trials", "sum": "trials"})
    units = summary_frame.groupby(keys)["dataset"].nunique().rename("datasets")
    table = pd.concat([units, counts, per_trial, first, share], axis=1).reset_index()
    table.to_csv(out / "summary.csv", index=False)
    by_family = (later.groupby(["label", "task", "family"])[["wall", "fit", "score", "sampler"]]
                 .median().reset_index())
    paired = compare_labels(summary_frame)
    markdown = ["Seconds per trial (medians; trial 0, which starts the worker process, apart: "
                "its time outside the worker is `first_trial_sampler`) and each phase's share of "
                "the wall time, per code version, task and method.", "",
                markdown_table(table.round(3).set_index("label"), "{}"), ""]
    if len(paired):
        paired.to_csv(out / "paired.csv", index=False)
        markdown += [f"Trials finished within the budget, `{paired['label'].iloc[0]}`, paired "
                     "over (dataset, method) units: mean difference, bootstrap 95 % CI, "
                     "wins/ties/losses and Wilcoxon signed-rank p (Holm over the rows).", "",
                     markdown_table(paired.drop(columns="label").set_index("units"), "{}"), ""]
    markdown += ["Median seconds per trial by family (trials after the first).", "",
                 markdown_table(by_family.round(3).set_index("label"), "{}"), ""]
    (out / "summary.md").write_text("\n".join(markdown))
    print("\n".join(markdown))
    return 0 if np.isfinite(summary_frame["wall"]).all() else 1


def compare_labels(summary: pd.DataFrame) -> pd.DataFrame:
    """Each later label's trial count against the first label's, paired over the (dataset,
    method) units both ran: all units, then per task and per method."""
    labels = list(dict.fromkeys(summary["label"]))
    rows, rng = [], np.random.default_rng(0)
    for label in labels[1:]:
        pivot = summary.pivot_table(index=["task", "dataset", "method"], columns="label",
                                    values="n_trials").dropna(subset=[labels[0], label])
        differences = (pivot[label] - pivot[labels[0]]).reset_index(name="difference")
        parts = [("all", differences)]
        parts += [(task, part) for task, part in differences.groupby("task")]
        parts += [(method, part) for method, part in differences.groupby("method")]
        for name, part in parts:
            test = paired_test(part["difference"].to_numpy(), rng)
            rows.append({"label": f"{label} - {labels[0]}", "units": name, "n": test.n,
                         "mean": round(test.mean, 2), "95% CI": f"[{test.ci_low:.2f}, {test.ci_high:.2f}]",
                         "w/t/l": test.record, "p": test.p})
    frame = pd.DataFrame(rows)
    if len(frame):
        frame["p (Holm)"] = holm(frame["p"].to_numpy())
        frame[["p", "p (Holm)"]] = frame[["p", "p (Holm)"]].map(lambda v: f"{v:.3g}")
    return frame


if __name__ == "__main__":
    raise SystemExit(main())
