"""``metaautoml fit``: search for the best pipeline on a data file and save it with joblib."""

from __future__ import annotations

import argparse
import sys

from . import _common
from ._common import UsageError
from ._search_options import add_search_arguments, estimator_params

NAME = "fit"
#: Leaderboard rows printed; the saved model keeps the whole study.
TOP = 10
#: Leaderboard columns of the table format (the JSON format has them all, params included).
_TABLE_COLUMNS = ("number", "family", "score", "score_std", "fit_time", "state", "source",
                  "ensemble_weight", "error")
_ERROR_WIDTH = 60

_EPILOG = """\
The saved file is a joblib pickle of a dict with the fitted estimator ("model"), the target
column ("target"), the feature columns ("features"), the task and the metaautoml version; it is
written to a temporary file first and renamed, so an interrupted run leaves no partial file.

examples:
  metaautoml fit iris.csv --target species --n-trials 30 --output iris.joblib
  metaautoml fit houses.csv --target price --time-budget 600 --metric neg_mean_absolute_error \\
      --output houses.joblib --format json
  metaautoml fit visits.csv --target outcome --group-column patient \\
      --include hist_gradient_boosting,random_forest --log-file visits.log --output visits.joblib"""


def add_parser(subparsers, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``fit`` with its options on ``subparsers``."""
    parser = subparsers.add_parser(
        NAME, parents=parents,
        help="search for the best pipeline on a data file (CSV or Parquet) and save it",
        description="Search model families and hyperparameters by cross-validation on a data\n"
                    "file (CSV, possibly compressed, or Parquet), save the best pipeline refitted\n"
                    "on all rows, and print the leaderboard and the best configuration.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", metavar="DATA", help=f"training data: {_common.DATA_HELP}")
    parser.add_argument("--target", required=True, metavar="COL", help="the column to predict")
    parser.add_argument("--group-column", default=None, metavar="COL",
                        help="a column of group labels (a patient, a site): the folds keep each "
                             "group's rows together, and the model does not use the column")
    parser.add_argument("--sample-weight-column", default=None, metavar="COL",
                        help="a column of non-negative row weights for every fit and score; "
                             "the model does not use the column, and families that cannot "
                             "weight rows (knn) are left out")
    _common.add_task_argument(parser)
    search = add_search_arguments(parser)
    search.add_argument("--storage", default=None, metavar="URL",
                        help="Optuna storage URL (e.g. sqlite:///study.db) to keep or resume "
                             "the study (default: in memory)")
    search.add_argument("--study-name", default=None, metavar="NAME",
                        help="name of the study in --storage (default: a new unique name)")
    parser.add_argument("--output", "-o", required=True, metavar="MODEL.joblib",
                        help="where to save the fitted model")
    _common.add_format_argument(parser)
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Fit on ``args.data``, save the model to ``args.output`` and print the results."""
    # Fail before a possibly hour-long search rather than after it.
    _common.check_output_path(args.output)
    frame = _common.read_table(args.data)
    X, y = _common.split_target(frame, args.target, args.data)
    X, groups = _common.take_column(X, args.group_column, "--group-column", args.target,
                                    args.data)
    if args.sample_weight_column is not None and args.sample_weight_column == args.group_column:
        raise UsageError("argument --sample-weight-column: it names the group column")
    X, weights = _common.take_column(X, args.sample_weight_column, "--sample-weight-column",
                                     args.target, args.data)
    task = _common.resolve_task(args.task, y)
    _common.check_families(args, task)
    if args.metric is not None:
        from ..evaluation import get_metric

        try:
            get_metric(args.metric, task)
        except ValueError as exc:
            raise UsageError(f"argument --metric: {exc}") from None

    from .. import __version__
    from ..estimator import estimator_class

    study_name = args.study_name
    if args.storage is not None:
        from ._worker import record_data_file

        # `metaautoml worker` processes that join the study read the data from this file.
        study_name = record_data_file(args.storage, args.study_name, args.data, args.target,
                                      group_column=args.group_column,
                                      sample_weight_column=args.sample_weight_column)
        if args.study_name is None:
            # Workers and a later --study-name resume need the generated name now, not after
            # a search that may take hours; stderr keeps --format json's stdout pure JSON.
            print(f"study name: {study_name} (in {args.storage}; workers join it with "
                  f"'metaautoml worker --study {study_name} --storage {args.storage}')",
                  file=sys.stderr, flush=True)

    estimator = estimator_class(task)(**estimator_params(args), storage=args.storage,
                                      study_name=study_name)
    try:
        with _common.trial_log(args.log_file):
            estimator.fit(X, y, sample_weight=weights, groups=groups)
    except ValueError as exc:
        if args.task is None and task == "classification" and _numeric(y):
            # An integer-valued numeric target (counts, prices in whole units) is read as class
            # labels; the resulting error (e.g. a class with one member) rarely says so.
            raise ValueError(f"{exc} (the task was inferred as classification because "
                             f"{args.target!r} holds whole numbers; pass --task regression "
                             "if it is a quantity)") from exc
        raise

    bundle = {"model": estimator, "target": args.target, "features": list(X.columns),
              "task": task, "metaautoml_version": __version__}
    import joblib

    with _common.atomic_output(args.output) as temporary:
        joblib.dump(bundle, temporary, compress=3)

    leaderboard = estimator.leaderboard()
    if args.format == "json":
        _common.print_json(_summary(estimator, task, leaderboard, args.output))
    else:
        _print_table(estimator, task, leaderboard, args.output)
    return 0


def _numeric(y) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(y.dtype) and not pd.api.types.is_bool_dtype(y.dtype)


def _top(leaderboard):
    """The best ``TOP`` trials: the leaderboard is best first, failures last."""
    return leaderboard.head(TOP)


def _summary(estimator, task: str, leaderboard, output: str) -> dict:
    top = _top(leaderboard)
    return {
        "task": task,
        "metric": str(estimator.metric_),
        "best_score": float(estimator.best_score_),
        "best_config": dict(estimator.best_config_),
        "n_trials": int(len(leaderboard)),
        "n_complete": int((leaderboard["state"] == "complete").sum()),
        "model": output,
        "study_name": (estimator.study_.study_name
                       if getattr(estimator, "storage", None) is not None else None),
        "refit_fallbacks": list(estimator.refit_fallbacks_),
        "ensemble": {"weights": {str(n): float(w) for n, w in estimator.ensemble_weights_.items()},
                     "score": float(estimator.ensemble_score_),
                     "refit_failures": list(estimator.ensemble_refit_failures_)},
        "leaderboard": top.to_dict(orient="records"),
    }


def _print_table(estimator, task: str, leaderboard, output: str) -> None:
    import pandas as pd

    config = dict(estimator.best_config_)
    n_complete = int((leaderboard["state"] == "complete").sum())
    print(f"task: {task}   metric: {estimator.metric_}   "
          f"trials: {len(leaderboard)} ({n_complete} complete)")
    print(f"best score: {float(estimator.best_score_):.6g} ({config.get('family', '?')})")
    for fallback in estimator.refit_fallbacks_:
        print(f"  better trial {fallback['number']} ({fallback['family']}) failed to refit on all "
              f"the data: {_short_error(fallback['error'])}")
    weights = estimator.ensemble_weights_
    if len(weights) > 1:
        members = ", ".join(f"{w:.2f} x trial {n}" for n, w in weights.items())
        print(f"ensemble of {len(weights)} trials ({members}): out-of-fold score "
              f"{float(estimator.ensemble_score_):.6g}")
    for failure in estimator.ensemble_refit_failures_:
        print(f"  ensemble member trial {failure['number']} ({failure['family']}) failed to "
              f"refit on all the data and was left out: {_short_error(failure['error'])}")
    print("best configuration:")
    width = max(len(str(k)) for k in config)
    for key, value in config.items():
        print(f"  {str(key):<{width}}  {value}")
    print(f"model saved to {output}")
    print()
    top = _top(leaderboard)
    columns = [c for c in _TABLE_COLUMNS if c in top.columns]
    table = top[columns].copy()
    if "error" in table:
        table["error"] = table["error"].map(_short_error)
    print(f"leaderboard (top {min(TOP, len(leaderboard))} of {len(leaderboard)}):")
    with pd.option_context("display.width", 200, "display.max_columns", None):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}", na_rep="-"))
    sys.stdout.flush()


def _short_error(value) -> str:
    if not isinstance(value, str) or not value:
        return ""
    return value if len(value) <= _ERROR_WIDTH else value[: _ERROR_WIDTH - 3] + "..."
