"""``metaautoml run``: run metaautoml on OpenML tasks, on their own splits, and print the scores."""

from __future__ import annotations

import argparse
import os
import sys
import warnings

from . import _common
from ._common import UsageError
from ._search_options import add_search_arguments, estimator_params

NAME = "run"
#: Columns of a task's table, after the fold number.
_FOLD_COLUMNS = ("score", "cv_score", "best_family", "n_train", "n_test", "fit_seconds")

_EPILOG = """\
Each fold gets its own search on the fold's training rows; the model it finds is scored on the
fold's test rows, by the task's evaluation measure where metaautoml has it (predictive_accuracy,
area_under_roc_curve, root_mean_squared_error, mean_absolute_error), else by accuracy or r2.

Tasks are read from the OpenML cache (--cache-dir, else $OPENML_CACHE_DIR, else
openml-python's own) without any network request when they are there; otherwise they are
downloaded into it. Suites are kept in the cache's suites/ folder once fetched.

examples:
  metaautoml run --task 59 --n-trials 30 --folds 3
  metaautoml run --task 31 --time-budget 300 --predictions preds/ --format json
  metaautoml run --suite OpenML-CC18 --n-trials 20 --folds 1 --cache-dir ~/openml-cache"""


def add_parser(subparsers, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``run`` with its options on ``subparsers``."""
    parser = subparsers.add_parser(
        NAME, parents=parents, help="run on OpenML tasks and print per-fold test scores",
        description="Search a pipeline on each training fold of an OpenML task (or of every\n"
                    "task of a suite), score it on the fold's test rows and print the scores.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--task", type=_common.positive_int, metavar="ID",
                      help="an OpenML supervised classification or regression task")
    what.add_argument("--suite", metavar="ID", type=_suite_id,
                      help="every task of an OpenML benchmark suite (id or alias)")
    search = add_search_arguments(parser, each_fold=True)
    search.add_argument("--folds", type=_folds, default="all", metavar="all|N",
                        help="run all folds of the task's first repeat, or the first N "
                             "(default: %(default)s)")
    search.add_argument("--storage", default=None, metavar="URL",
                        help="Optuna storage URL (journal:///runs.log, sqlite:///runs.db, "
                             "postgresql://...) keeping each fold's study, named "
                             "NAME-taskID-foldK (default: in memory)")
    search.add_argument("--study-name", default=None, metavar="NAME",
                        help="prefix of the fold studies' names in --storage (default: run)")
    parser.add_argument("--cache-dir", metavar="DIR", default=None,
                        help="the OpenML cache (default: $OPENML_CACHE_DIR, else openml-python's "
                             "configured cache)")
    parser.add_argument("--predictions", metavar="DIR", default=None,
                        help="write each fold's test predictions to DIR/task_ID_fold_K.csv "
                             "(created if needed)")
    _common.add_format_argument(parser)
    parser.set_defaults(run=run)
    return parser


def _folds(text: str) -> str | int:
    """``all`` or a positive number of folds."""
    if text.strip().lower() == "all":
        return "all"
    try:
        return _common.positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"must be 'all' or an integer >= 1, got {text!r}") from None


def _suite_id(text: str) -> str:
    """A suite id or alias: anything but an empty string or a number below 1."""
    value = text.strip()
    if not value or (value.lstrip("-").isdigit() and int(value) < 1):
        raise argparse.ArgumentTypeError(f"must be a positive suite id or an alias, got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    """Run the task or the suite's tasks and print the per-fold scores."""
    if args.metric is not None:
        _check_metric(args.metric)
    from ..estimator import MetaAutoMLClassifier
    from ..openml_tasks import UnsupportedTaskError, load_suite, run_task

    # run_task gives these parameters to each task type's estimator.
    template = MetaAutoMLClassifier(**estimator_params(args), storage=args.storage,
                                    study_name=args.study_name)

    suite = None
    task_ids: tuple[int, ...] = (args.task,)
    if args.suite is not None:
        suite = load_suite(args.suite, cache_dir=args.cache_dir)
        task_ids = suite.task_ids
        if args.format == "table":
            _print_suite_header(suite)
    results = []
    for task_id in task_ids:
        try:
            with _common.trial_log(args.log_file):
                result = run_task(task_id, template, folds=args.folds, cache_dir=args.cache_dir,
                                  predictions_dir=args.predictions)
        except UnsupportedTaskError as exc:
            if suite is None:
                raise
            # Suites may mix task types; the others are still worth running.
            warnings.warn(f"skipping task {task_id} of suite {suite.suite_id}: {exc}",
                          UserWarning, stacklevel=1)
            continue
        results.append(result)
        if args.format == "table":
            _print_task_table(result, first=len(results) == 1 and suite is None)
    if suite is not None and not results:
        raise _common.CLIError(f"OpenML suite {suite.suite_id} has no task metaautoml can run")
    if args.format == "json":
        _common.print_json({"suite": _suite_dict(suite), "tasks": [r.to_dict() for r in results]})
    elif suite is not None:
        _print_suite_summary(results)
    return 0


def _check_metric(metric: str) -> None:
    """Refuse a metric neither task type knows before any download or search."""
    from ..evaluation import get_metric

    errors = []
    for task_type in _common.TASKS:
        try:
            get_metric(metric, task_type)
            return
        except ValueError as exc:
            errors.append(str(exc))
    raise UsageError(f"argument --metric: {errors[0]}")


def _suite_dict(suite) -> dict | None:
    if suite is None:
        return None
    return {"suite_id": suite.suite_id, "alias": suite.alias, "name": suite.name,
            "task_ids": list(suite.task_ids)}


def _print_suite_header(suite) -> None:
    alias = f" ({suite.alias})" if suite.alias else ""
    print(f"OpenML suite {suite.suite_id}{alias}: {suite.name}, {len(suite.task_ids)} tasks")
    sys.stdout.flush()


def _print_task_table(result, first: bool) -> None:
    import pandas as pd

    if not first:
        print()
    measure = result.evaluation_measure or "none"
    print(f"OpenML task {result.task_id}: dataset {result.dataset_name} ({result.dataset_id}), "
          f"{result.task_type}, target {result.target}")
    print(f"metric: {result.metric} (OpenML measure: {measure})   "
          f"folds: {len(result.folds)} of {result.n_folds}")
    table = result.to_frame()[["fold", *_FOLD_COLUMNS]]
    with pd.option_context("display.width", 200, "display.max_columns", None):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"mean {result.metric}: {result.mean_score:.6g} (std {result.std_score:.3g})")
    written = [f.predictions for f in result.folds if f.predictions]
    if written:
        print(f"predictions: {len(written)} file(s) in {os.path.dirname(written[0]) or '.'}")
    sys.stdout.flush()


def _print_suite_summary(results) -> None:
    import pandas as pd

    print()
    summary = pd.DataFrame([{"task": r.task_id, "dataset": r.dataset_name, "metric": r.metric,
                             "folds": len(r.folds), "mean_score": r.mean_score,
                             "std_score": r.std_score} for r in results])
    print("summary:")
    with pd.option_context("display.width", 200, "display.max_columns", None):
        print(summary.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    sys.stdout.flush()
