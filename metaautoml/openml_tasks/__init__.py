"""OpenML tasks and suites: load them through openml-python, offline from its cache, and run
metaautoml on their own train/test splits.

An OpenML task fixes a dataset, a target, train/test splits and an evaluation measure, so
scores on it compare with every method run on the same task. :func:`run_task` searches a model
on each fold's training rows and scores it on the fold's test rows; :func:`load_task` gives the
task itself. Both read OpenML's cache (``--cache-dir``, ``$OPENML_CACHE_DIR`` or openml-python's
own) and make no network request when it holds the task.
"""

from ._cache import CACHE_DIR_ENV, OpenMLUnavailableError, UnsupportedTaskError, resolve_cache_dir
from ._runner import FoldResult, TaskResult, fold_study_name, predictions_filename, run_task
from ._suites import SUITES_DIR, OpenMLSuite, load_suite, read_suite_xml, write_suite_xml
from ._tasks import EVALUATION_MEASURES, OpenMLTaskData, load_task, metric_for_measure

__all__ = [
    "CACHE_DIR_ENV",
    "EVALUATION_MEASURES",
    "SUITES_DIR",
    "FoldResult",
    "OpenMLSuite",
    "OpenMLTaskData",
    "OpenMLUnavailableError",
    "TaskResult",
    "UnsupportedTaskError",
    "fold_study_name",
    "load_suite",
    "load_task",
    "metric_for_measure",
    "predictions_filename",
    "read_suite_xml",
    "resolve_cache_dir",
    "run_task",
    "write_suite_xml",
]
