"""The search options ``fit`` and ``run`` share, and the estimator parameters they make.

Declared once, so both commands expose every estimator parameter a file or an OpenML task can
use, with the same names, checks and help.
"""

from __future__ import annotations

import argparse
from typing import Any

from . import _common

#: Estimator parameters the shared options set (``storage`` and ``study_name`` are fit's own).
PARAMETERS = ("n_trials", "time_budget", "metric", "cv", "per_trial_time_limit",
              "memory_limit_mb", "n_jobs", "warm_start", "n_warm_start", "ensemble_size",
              "random_state", "include", "exclude")


def add_search_arguments(parser: argparse.ArgumentParser, *, each_fold: bool = False
                         ) -> argparse._ArgumentGroup:
    """Add the ``search`` option group; ``each_fold`` words the help for one search per fold."""
    search = parser.add_argument_group("search")
    per = "each fold's search" if each_fold else "the search"
    search.add_argument("--n-trials", type=_common.positive_int, default=None, metavar="N",
                        help=f"configurations {per} evaluates (default: until --time-budget is "
                             "spent, or 50 without one)")
    search.add_argument("--time-budget", type=_common.positive_seconds, default=None, metavar="S",
                        help=f"seconds for {per} (default: no limit)")
    search.add_argument("--metric", default=None, metavar="M",
                        help="metric to maximize: accuracy, balanced_accuracy, roc_auc, log_loss, "
                             "f1_macro (classification); r2, neg_root_mean_squared_error, "
                             "neg_mean_absolute_error (regression); or any scikit-learn scoring "
                             "name (default: " + ("the task's evaluation measure, else "
                                                  if each_fold else "") + "accuracy or r2)")
    search.add_argument("--cv", type=_common.cv_or_hold_out, default=5, metavar="K",
                        help="cross-validation folds" + (" within the training fold" if each_fold
                                                          else "")
                             + ", reduced to the size of the smallest class, or a number in "
                               "(0, 1): one hold-out split of that share of the rows "
                               "(default: %(default)s)")
    search.add_argument("--per-trial-time-limit", type=_common.positive_seconds, default=None,
                        metavar="S", help="stop a trial that runs longer than S seconds and "
                                          "record it as timed out (default: no limit)")
    search.add_argument("--memory-limit-mb", type=_common.positive_int, default=None,
                        metavar="MB", help="address-space limit of the process evaluating "
                                           "trials; a trial exceeding it fails (default: none)")
    search.add_argument("--n-jobs", type=_common.n_jobs, default=1, metavar="N",
                        help="trials evaluated in parallel; -1 for one per CPU "
                             "(default: %(default)s)")
    search.add_argument("--no-warm-start", dest="warm_start", action="store_false",
                        help="start cold: each model family's scikit-learn default, then TPE, "
                             "instead of the meta-database's proposals and the surrogate")
    search.add_argument("--n-warm-start", type=_common.positive_int, default=8, metavar="N",
                        help="warm-start configurations to try first (default: %(default)s)")
    search.add_argument("--ensemble-size", type=_common.non_negative_int, default=0, metavar="N",
                        help="rounds of greedy ensemble selection over the trials after "
                             f"{per}, e.g. 50; 0 keeps the best trial alone (default: %(default)s)")
    search.add_argument("--random-state", type=_common.seed, default=None, metavar="N",
                        help=f"seed of {per}, for reproducible results (default: unseeded)")
    search.add_argument("--include", type=_common.family_list, default=None, metavar="F,F",
                        help="model families to search, separated by commas, e.g. "
                             "hist_gradient_boosting,random_forest; the warm start proposes "
                             "only these (default: all; 'metaautoml db info' lists them)")
    search.add_argument("--exclude", type=_common.family_list, default=None, metavar="F,F",
                        help="model families not to search, separated by commas "
                             "(default: none)")
    search.add_argument("--log-file", default=None, metavar="PATH",
                        help="append one line per trial (number, source, family, score, "
                             "seconds) to PATH (default: no log)")
    return search


def estimator_params(args: argparse.Namespace) -> dict[str, Any]:
    """The estimator parameters of the shared options, with a progress bar on a terminal."""
    params = {name: getattr(args, name) for name in PARAMETERS}
    # The progress bar goes to stderr; drawn into a pipe or a log file it is only noise.
    params["verbose"] = 1 if _common.stderr_is_terminal() else 0
    return params
