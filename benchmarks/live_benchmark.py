"""Live benchmark: the warm start against cold searches, FLAML and defaults on unseen datasets.

Each method is fitted on the training part of an outer split of a corpus dataset and scored on
its test part (accuracy, r2), for several seeds. ``metaautoml_warm`` uses a warm start
meta-trained on the meta-database without the dataset's source group; ``metaautoml_cold``,
``optuna_tpe`` and ``random_search`` run the same search from scratch (the cold start's
family defaults then TPE; plain TPE; random sampling); ``flaml_trials`` and ``flaml_time`` are
FLAML's AutoML with as many trials, or as much time as the warm start took; ``flaml_zeroshot``
is FLAML's zero-shot LightGBM; ``hgb_default`` scikit-learn's default boosting;
``metaautoml_warm_ensemble`` is the warm search with a post-hoc ensemble and
``metaautoml_first`` the warm start's first proposal alone (``n_trials=1``).

Prints, per task, mean test score and mean rank per method, the per-dataset scores, and how
many cold-start trials it takes to match the warm start's best CV score after 10 trials
(``ratio`` = those trials / 10; censored at n_trials + 1 when never matched). Writes
``raw.csv`` (one row per task, dataset, seed and method), ``curves.csv`` (best-so-far CV score
per trial of the searchers) and the summary tables to ``--output``.

Default datasets (see ``metaautoml.benchmark.default_dataset_names``): 6 classification and
4 regression corpus entries of 300 to 5,000 rows (``--table-rows``), one per source group,
groups outside the shipped meta-database preferred, evenly spaced by size; rows capped at
``--max-rows``. ``--exclude-groups-of-rule`` and ``--exclude-groups-of-run`` leave out the source
groups of another run's tables first, so that a follow-up study's tables are disjoint from them.

Usage::

    .venv/bin/python benchmarks/live_benchmark.py --output benchmarks/results/live
    .venv/bin/python benchmarks/live_benchmark.py --n-trials 20 --seeds 2 --task regression
    .venv/bin/python benchmarks/live_benchmark.py --datasets pima,boston --methods metaautoml_warm,metaautoml_cold

Runs resume: a (dataset, seed, method) already in ``raw.csv`` is skipped, so rerunning the same
command continues an interrupted run (``--force`` starts the files afresh). OpenMP threads wait
passively (``OMP_WAIT_POLICY=PASSIVE`` unless set), which keeps boosting from stalling on a
busy machine.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before any OpenMP runtime loads

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from metaautoml.benchmark import (  # noqa: E402
    LIVE_METHODS,
    LiveBenchmarkConfig,
    corpus_datasets,
    database_notes,
    default_dataset_names,
    discard_units,
    first_model_summary,
    per_dataset_scores,
    run_live_benchmark,
    summarize_live,
    summarize_trials_to_match,
    time_to_first_model,
    trials_to_match,
    write_run_notes,
)
from metaautoml.corpus import load_manifest  # noqa: E402
from metaautoml.metadb import MetaDB  # noqa: E402


def _seeds(text: str) -> tuple[int, ...]:
    """``"3"`` is seeds 0, 1, 2; ``"0,5,7"`` those seeds."""
    parts = [int(p) for p in text.split(",") if p.strip()]
    if len(parts) == 1 and "," not in text:
        if parts[0] < 1:
            raise argparse.ArgumentTypeError("--seeds needs at least one seed")
        return tuple(range(parts[0]))
    return tuple(parts)


def _row_range(text: str) -> tuple[int, int | None]:
    """``"300:5000"``: tables of 300 to 5,000 rows; ``"5001:"``: 5,001 rows or more."""
    low, sep, high = text.partition(":")
    try:
        bounds = (int(low), int(high) if high.strip() else None)
    except ValueError:
        bounds = None
    if not sep or bounds is None or bounds[0] < 0 or (bounds[1] is not None and bounds[1] < bounds[0]):
        raise argparse.ArgumentTypeError(f"--table-rows takes MIN:MAX or MIN:, got {text!r}")
    return bounds


def _discarded(text: str) -> tuple[str, int | None]:
    """``"metaautoml_cold"`` or ``"metaautoml_warm:1001"`` (its units of >= 1,001 training rows)."""
    method, _, rows = text.partition(":")
    if method not in LIVE_METHODS or (rows and not rows.isdigit()):
        raise argparse.ArgumentTypeError(f"--discard takes METHOD[:ROWS] with a live method, "
                                         f"got {text!r}")
    return method, int(rows) if rows else None


def excluded_groups(entries, rule_tables: int | None, runs) -> set[str]:
    """Source groups of the default rule's first ``rule_tables`` tables of both tasks and of the
    datasets in each run directory's ``raw.csv``."""
    group_of = {e.name: e.group for e in entries}
    names: set[str] = set()
    if rule_tables:
        for task in ("classification", "regression"):
            names.update(default_dataset_names(task, rule_tables, entries=entries))
    for run in runs or ():
        path = Path(run) / "raw.csv"
        if not path.is_file():
            raise SystemExit(f"live_benchmark.py: error: no raw.csv in {run}")
        names.update(pd.read_csv(path, usecols=["dataset"])["dataset"])
    unknown = sorted(names - set(group_of))
    if unknown:
        raise SystemExit(f"live_benchmark.py: error: datasets not in the manifest: {unknown}")
    return {group_of[name] for name in names}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="meta-database (default: the shipped one)")
    parser.add_argument("--task", choices=("classification", "regression"), action="append",
                        help="task types to run (default: both)")
    parser.add_argument("--datasets", default=None,
                        help="comma-separated corpus names (default: the fixed rule's list)")
    parser.add_argument("--methods", default=",".join(LIVE_METHODS), help="comma-separated methods")
    parser.add_argument("--n-trials", type=int, default=20, help="trials of every searcher")
    parser.add_argument("--time-budget", type=float, default=None,
                        help="seconds of search for every searcher and flaml_time instead of "
                             "--n-trials: the methods at equal wall time")
    parser.add_argument("--n-datasets", type=int, default=None,
                        help="datasets per task by the fixed rule (default: the rule's count)")
    parser.add_argument("--table-rows", type=_row_range, default=None, metavar="MIN:MAX",
                        help="rows of the tables the fixed rule picks (default: the rule's, "
                             "300:5000; MIN: for no upper bound)")
    parser.add_argument("--exclude-groups-of-rule", type=int, default=None, metavar="N",
                        help="leave out the source groups of the fixed rule's N tables per task "
                             "(both tasks, default rows): another run's, e.g. live-v2's 18")
    parser.add_argument("--exclude-groups-of-run", action="append", metavar="DIR",
                        help="leave out the source groups of the datasets in DIR/raw.csv "
                             "(repeatable)")
    parser.add_argument("--seeds", type=_seeds, default=(0, 1, 2),
                        help="number of seeds (N: 0..N-1) or a comma-separated list")
    parser.add_argument("--cv", type=int, default=3, help="cross-validation folds in the search")
    parser.add_argument("--time-limit", type=float, default=30.0,
                        help="seconds per trial (0: no limit)")
    parser.add_argument("--max-rows", type=int, default=2000, help="rows kept per dataset")
    shipped = LiveBenchmarkConfig()
    parser.add_argument("--iterations", type=int, default=shipped.training.meta_iterations,
                        help="surrogate meta-iterations (default: the shipped models', %(default)s)")
    parser.add_argument("--matcher-epochs", type=int, default=shipped.matcher.epochs,
                        help="matcher epochs (default: the shipped matcher's, %(default)s)")
    parser.add_argument("--ensemble", type=int, default=shipped.n_ensemble,
                        help="surrogate ensemble members (default: the shipped surrogate's, "
                             "%(default)s)")
    parser.add_argument("--proposer-cache", default=None, metavar="DIR",
                        help="keep the meta-trained models per held-out group here, for runs "
                             "side by side or resumed (e.g. build/live-proposers)")
    parser.add_argument("--match-trials", type=int, default=10,
                        help="the warm start's trials the cold searches must match")
    parser.add_argument("--corpus-dir", default=None,
                        help="UCI corpus (default: $METAAUTOML_CORPUS_DIR, else ../shared/corpus)")
    parser.add_argument("--weka-dir", default=None,
                        help="weka ARFF files (default: $METAAUTOML_WEKA_DIR, else meta_db/build/weka)")
    parser.add_argument("--rdata-dir", default=None,
                        help="installed R packages (default: $METAAUTOML_RDATA_DIR, else meta_db/build/rdata)")
    parser.add_argument("--manifest", default=None,
                        help="corpus manifest (default: the one shipped with metaautoml)")
    parser.add_argument("--output", default="benchmarks/results/live", help="output directory")
    parser.add_argument("--force", action="store_true", help="discard results already on disk")
    parser.add_argument("--discard", action="append", type=_discarded, metavar="METHOD[:ROWS]",
                        help="remove METHOD's results (on tables of at least ROWS training rows) "
                             "before running, so they are measured again after a change to what "
                             "it runs (repeatable)")
    args = parser.parse_args(argv)

    tasks = args.task or ("classification", "regression")
    entries = load_manifest(args.manifest)
    if args.datasets:
        names = [n.strip() for n in args.datasets.split(",") if n.strip()]
        task_of = {e.name: e.task for e in entries}
        names = [n for n in names if task_of.get(n, tasks[0]) in tasks]
    else:
        exclude = excluded_groups(entries, args.exclude_groups_of_rule, args.exclude_groups_of_run)
        rows = {} if args.table_rows is None else dict(
            zip(("min_rows", "max_rows"), args.table_rows, strict=True))
        names = [n for task in tasks
                 for n in default_dataset_names(task, args.n_datasets, entries=entries,
                                                exclude_groups=exclude, **rows)]
    config = LiveBenchmarkConfig(
        methods=tuple(m.strip() for m in args.methods.split(",") if m.strip()),
        n_trials=args.n_trials, seeds=args.seeds, cv=args.cv,
        per_trial_time_limit=args.time_limit or None, max_rows=args.max_rows,
        n_ensemble=args.ensemble, time_budget=args.time_budget)
    config = replace(config, training=replace(config.training, meta_iterations=args.iterations),
                     matcher=replace(config.matcher, epochs=args.matcher_epochs))
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    db = MetaDB(args.db, readonly=True) if args.db else MetaDB.default()
    datasets = corpus_datasets(names, entries=entries, corpus_dir=args.corpus_dir,
                               weka_dir=args.weka_dir, rdata_dir=args.rdata_dir)
    # Each task's results are checked against its own data: the other task's may change.
    database = database_notes(db, sorted({d.task for d in datasets}), out, check=not args.force,
                              label=str(args.db or "shipped (metaautoml/data/metadb.sqlite)"))
    if args.force:
        for name in ("raw.csv", "curves.csv"):
            (out / name).unlink(missing_ok=True)
    for method, min_rows in args.discard or ():
        removed = discard_units(out, [method], min_train_rows=min_rows)
        print(f"discarded {removed} results of {method}"
              + (f" on >= {min_rows} training rows" if min_rows else ""), file=sys.stderr)
    print(f"{len(datasets)} datasets ({', '.join(names)}), {len(config.seeds)} seeds, "
          f"{len(config.methods)} methods, {config.n_trials} trials, cv={config.cv}",
          file=sys.stderr)

    write_run_notes(out, __file__, sys.argv[1:] if argv is None else argv, keep_earlier=not args.force,
                    database=database,
                    settings={**({"time budget (s)": config.time_budget} if config.time_budget
                                 else {"trials": config.n_trials}),
                              "seeds": len(config.seeds), "cv": config.cv,
                              "rows at most": config.max_rows,
                              "surrogate meta-iterations": args.iterations,
                              "surrogate members": args.ensemble,
                              "matcher epochs": args.matcher_epochs})
    start = time.perf_counter()
    results, curves = run_live_benchmark(datasets, db, config, out,
                                         progress=lambda line: print(line, file=sys.stderr,
                                                                     flush=True),
                                         proposer_cache=args.proposer_cache)
    print(f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
    results = results[results["dataset"].isin(names)]
    curves = curves[curves["dataset"].isin(names)]

    table = summarize_live(results)
    table.to_csv(out / "summary.csv", index=False)
    per = per_dataset_scores(results)
    per.to_csv(out / "per_dataset.csv", index=False)
    detail = trials_to_match(curves, k=args.match_trials)
    detail.to_csv(out / "trials_to_match_detail.csv", index=False)
    ttm = summarize_trials_to_match(detail)
    ttm.to_csv(out / "trials_to_match.csv", index=False)
    first = first_model_summary(results)
    first.to_csv(out / "first_model.csv", index=False)
    first_time = time_to_first_model(curves, results)
    first_time.to_csv(out / "time_to_first_model.csv", index=False)
    with pd.option_context("display.width", 200, "display.max_rows", 500,
                           "display.max_columns", 50):
        for task, part in table.groupby("task", sort=False):
            print(f"\n== {task}: mean test score and rank ({int(part['units'].max())} "
                  f"dataset x seed units with every method, {int(part['datasets'].max())} datasets) ==")
            print(part.drop(columns="task").round(4).to_string(index=False))
        for task, part in per.groupby("task", sort=False):
            print(f"\n== {task}: mean test score per dataset ==")
            pivot = part.pivot(index="dataset", columns="method", values="test_score")
            print(pivot.reindex(columns=[m for m in LIVE_METHODS if m in pivot.columns])
                  .round(4).to_string())
        print(f"\n== trials to reach metaautoml_warm's best CV score after {args.match_trials} "
              f"trials (ratio = trials / {args.match_trials}; n_trials + 1 when never) ==")
        print(ttm.round(3).to_string(index=False))
        if len(first):
            print("\n== the first model alone (metaautoml_first) against default HGB: share of "
                  "datasets within 2 points, mean difference ==")
            print(first.round(4).to_string(index=False))
        if len(first_time):
            print("\n== seconds until the first model: a search's first trial, a default's fit ==")
            print(first_time.round(2).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
