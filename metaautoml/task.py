"""The two task types and what each one defaults to, in one table.

Code that needs a per-task default (the metric the search maximizes, the metrics every
meta-database evaluation stores, whether cross-validation folds are stratified) reads it from
:data:`TASK_DEFAULTS` rather than branching on the task's name, so a default changes in one
place. The model families of each task live with their definitions in :mod:`metaautoml.space`.

Example
-------
>>> from metaautoml.task import TASKS, check_task, task_defaults
>>> TASKS
('classification', 'regression')
>>> task_defaults("regression").metric
'r2'
>>> check_task("clustering")
Traceback (most recent call last):
...
ValueError: task must be one of ('classification', 'regression'), got 'clustering'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, get_args

#: A task type's name, as the estimators, the meta-database, the CLI and OpenML tasks spell it.
Task = Literal["classification", "regression"]

#: Every task type, in a fixed order.
TASKS: tuple[Task, ...] = get_args(Task)


@dataclass(frozen=True)
class TaskDefaults:
    """What one task type defaults to.

    Attributes
    ----------
    task
        The task type.
    metric
        What the search maximizes when the user names no metric (a name known to
        :func:`metaautoml.evaluation.get_metric`).
    stored_metrics
        The metrics computed for every trial and stored with every meta-database evaluation;
        ``metric`` comes first.
    stratified
        Whether cross-validation folds keep each class's share of the rows.
    """

    task: Task
    metric: str
    stored_metrics: tuple[str, ...]
    stratified: bool


#: Each task type's defaults, read-only.
TASK_DEFAULTS: Mapping[Task, TaskDefaults] = MappingProxyType({
    "classification": TaskDefaults(
        task="classification",
        metric="accuracy",
        stored_metrics=("accuracy", "balanced_accuracy", "log_loss", "roc_auc"),
        stratified=True,
    ),
    "regression": TaskDefaults(
        task="regression",
        metric="r2",
        stored_metrics=("r2", "neg_root_mean_squared_error", "neg_mean_absolute_error"),
        stratified=False,
    ),
})


def check_task(task: object) -> Task:
    """Return ``task`` if it names a task type; raise a one-line :class:`ValueError` if not."""
    if not isinstance(task, str) or task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    return task  # type: ignore[return-value]


def task_defaults(task: object) -> TaskDefaults:
    """The defaults of ``task`` (checked with :func:`check_task`)."""
    return TASK_DEFAULTS[check_task(task)]


__all__ = ["TASKS", "TASK_DEFAULTS", "Task", "TaskDefaults", "check_task", "task_defaults"]
