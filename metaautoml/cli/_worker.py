"""``metaautoml worker``: join a study that ``metaautoml fit --storage`` runs and evaluate its trials.

``fit`` records in its study the absolute path, target column and SHA-256 of its data file
(:func:`record_data_file`) and, through the estimator, how the search runs and its budget
(:func:`metaautoml.search.share_study`). A worker reads both, rebuilds the same
objective -- the same rows, folds, metrics, search space and per-trial limits -- and runs the
search loop of :func:`metaautoml.search.run_search` on the shared budget until it is spent.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time

from . import _common
from ._common import CLIError

NAME = "worker"
#: User attribute of a study holding the data file ``fit`` searches on.
DATA_ATTR = "metaautoml:data"
#: Estimator parameters that belong to each process rather than to the objective: a worker sets
#: its own (parallelism, storage) or takes them from the search record (seed, budget); the fit's
#: callbacks observe the trials of its own process.
_PER_PROCESS = frozenset({"n_trials", "time_budget", "n_jobs", "random_state", "storage",
                          "study_name", "verbose", "callbacks"})
#: Seconds between two looks at a study that has not started yet.
_POLL_SECONDS = 0.25
_HASH_CHUNK = 1 << 20

_EPILOG = """\
The study must have been started by 'metaautoml fit' with the same --storage and --study-name;
the worker reads the data file, target and search settings that fit recorded in it, so it needs
no other options. Together, fit and its workers run exactly fit's --n-trials (or until its
--time-budget is spent); each worker then exits.

examples:
  metaautoml fit train.csv --target y --n-trials 200 --storage journal:///tmp/s.log \\
      --study-name s --output model.joblib &
  metaautoml worker --study s --storage journal:///tmp/s.log &
  metaautoml worker --study s --storage journal:///tmp/s.log"""


def add_parser(subparsers, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``worker`` with its options on ``subparsers``."""
    parser = subparsers.add_parser(
        NAME, parents=parents,
        help="evaluate trials of a search that 'metaautoml fit --storage' runs",
        description="Join a stored study started by 'metaautoml fit --storage URL --study-name\n"
                    "NAME' and evaluate its trials in this process until the search's budget is\n"
                    "spent.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--study", required=True, metavar="NAME",
                        help="the study name given to 'metaautoml fit --study-name'")
    parser.add_argument("--storage", required=True, metavar="URL",
                        help="the storage given to 'metaautoml fit --storage'")
    parser.add_argument("--n-jobs", type=_common.n_jobs, default=1, metavar="N",
                        help="trials this worker evaluates in parallel; -1 for one per CPU "
                             "(default: %(default)s)")
    parser.add_argument("--wait", type=_common.positive_seconds, default=60.0, metavar="S",
                        help="how long to wait for fit to create the study and start its search "
                             "(default: %(default)g)")
    _common.add_format_argument(parser)
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Evaluate trials of ``args.study`` until its budget is spent and print what was done."""
    from ..search import optuna_verbosity, run_search, search_started

    waiting = _Waiting(args.wait)
    with optuna_verbosity(0):
        study, record = _wait_for_record(args.storage, args.study, waiting)
        search = _rebuild_search(study, record, args.storage, args.n_jobs)
        # fit enqueues its configurations after recording the search and before its first
        # trial: a worker claiming earlier could take budget they need.
        while not search_started(study, record):
            waiting.sleep_or_fail(f"the search of study {args.study!r} has not started")
        budget = search["budget"]
        trials = []
        with budget.lock:
            spent = budget.spent(study)
        if not spent:
            trials = run_search(
                study, search["space"], search["make_runner"], n_trials=budget.trials_left(study),
                time_budget=budget.time_left(), per_trial_time_limit=search["per_trial_time_limit"],
                n_jobs=search["n_jobs"], progress=_common.stderr_is_terminal(), shared=budget,
                predict_seconds=search["predict_seconds"])
    _report(args, study, budget, trials)
    return 0


def record_data_file(storage: str, study_name: str | None, path: str, target: str, *,
                     group_column: str | None = None,
                     sample_weight_column: str | None = None) -> str:
    """Create (or load) the study of ``fit`` and record its data file for joining workers.

    Recorded before the search starts, so a worker that finds the search started finds the data
    file too. Returns the study's name (a new unique one when ``study_name`` is ``None``).
    """
    from ..search import create_study, optuna_verbosity

    with optuna_verbosity(0):  # Optuna would log the creation of the study on stderr
        study = create_study(storage, study_name)
    study.set_user_attr(DATA_ATTR, {"path": os.path.abspath(path), "target": target,
                                    "group_column": group_column,
                                    "sample_weight_column": sample_weight_column,
                                    "sha256": _sha256(path)})
    return study.study_name


def _wait_for_record(storage: str, name: str, waiting: _Waiting):
    """The study and its search record, once ``fit`` has created and recorded them."""
    from optuna.exceptions import StorageInternalError
    from sqlalchemy.exc import OperationalError

    from ..search import (
        load_study,
        open_storage,
        read_search_record,
        storage_file,
    )

    path = storage_file(storage)
    # Opening a missing file would create it: wait for fit to do so, and never leave an empty
    # storage file behind for a mistyped path.
    while path is not None and not os.path.exists(path):
        waiting.sleep_or_fail(f"storage file {path} does not exist")
    while True:
        try:
            storage_object = open_storage(storage)
            break
        except (OperationalError, StorageInternalError) as exc:
            # A database that fit is creating at this very moment can be locked or half made.
            waiting.sleep_or_fail(f"cannot open {storage}: {_common.one_line(str(exc))}")
    while True:
        try:
            study = load_study(storage_object, name)
        except KeyError:
            waiting.sleep_or_fail(f"study {name!r} not found in {storage}")
            continue
        record = read_search_record(study)
        if record is not None:
            return study, record
        waiting.sleep_or_fail(f"study {name!r} in {storage} has no search record: only "
                              "studies that 'metaautoml fit --storage' runs can be joined")


class _Waiting:
    """Polls until ``--wait`` seconds are over, then fails with the reason still standing."""

    def __init__(self, wait: float):
        self.wait = wait
        self.deadline = time.monotonic() + wait

    def sleep_or_fail(self, reason: str) -> None:
        if time.monotonic() >= self.deadline:
            raise CLIError(f"{reason} (waited {self.wait:g} s; see --wait)")
        time.sleep(_POLL_SECONDS)


def _rebuild_search(study, record: dict, storage: str, n_jobs: int) -> dict:
    """The objective ``fit`` searches, rebuilt from what it recorded in ``study``."""
    from ..estimator import estimator_class
    from ..search import joined_budget

    name = study.study_name
    data = study.user_attrs.get(DATA_ATTR)
    if data is None:
        raise CLIError(f"study {name!r} records no data file: it was fitted from Python, and only "
                       "studies that 'metaautoml fit --storage' runs can be joined by a worker")
    settings = record["settings"]
    unrecorded = sorted(set(record["unrecorded"]) - _PER_PROCESS)
    if unrecorded:
        raise CLIError(f"study {name!r} was fitted with {', '.join(unrecorded)} given as Python "
                       "objects, which a worker cannot rebuild")
    path = data["path"]
    _common.check_input_file(path)
    if _sha256(path) != data["sha256"]:
        raise CLIError(f"data file {path} changed since 'metaautoml fit' started study {name!r}")
    X, y = _common.split_target(_common.read_table(path), data["target"], path)
    X, groups = _common.take_column(X, data.get("group_column"), "--group-column",
                                    data["target"], path)
    X, weights = _common.take_column(X, data.get("sample_weight_column"),
                                     "--sample-weight-column", data["target"], path)

    task, seed = settings["task"], int(settings["seed"])
    known = estimator_class(task)().get_params()
    params = {k: v for k, v in settings.items() if k in known and k not in _PER_PROCESS}
    estimator = estimator_class(task)(**params, n_jobs=n_jobs, random_state=seed)
    budget = joined_budget(record, storage, study.study_name)
    objective = estimator.search_objective(X, y, seed=seed, timed=budget.deadline is not None,
                                           groups=groups, sample_weight=weights)
    # The fit's sampler, but seeded apart: with one seed, every process would propose the same
    # configurations.
    plan = estimator.plan_search(objective, _independent_seed(), deadline=budget.deadline)
    study.sampler = plan.sampler
    return {"budget": budget, "space": objective.space, "make_runner": objective.make_runner,
            "n_jobs": objective.n_jobs, "per_trial_time_limit": estimator.per_trial_time_limit,
            "predict_seconds": plan.predict_seconds}


def _independent_seed() -> int:
    import secrets

    return secrets.randbelow(2**31 - 1)


def _report(args: argparse.Namespace, study, budget, trials) -> None:
    from ..search import count_claimed

    numbers = [t.number for t in trials]
    n_complete = sum(t.user_attrs.get("state") == "complete" for t in trials)
    started = count_claimed(study)
    if args.format == "json":
        _common.print_json({"study": study.study_name, "trials": numbers,
                            "n_complete": n_complete, "study_trials": started,
                            "total_trials": budget.total_trials})
        return
    of = "" if budget.total_trials is None else f" of {budget.total_trials}"
    print(f"study {study.study_name}: this worker ran {len(numbers)} trials ({n_complete} "
          f"complete); the study has started {started}{of} trials")
    sys.stdout.flush()


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_HASH_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror or exc}") from None
    return digest.hexdigest()
