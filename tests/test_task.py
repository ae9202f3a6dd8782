"""The task table: one TASKS tuple and one place per-task defaults come from."""

from __future__ import annotations

import pytest

from metaautoml import _validation, task
from metaautoml.cli import _common
from metaautoml.corpus import TASKS as CORPUS_TASKS
from metaautoml.corpus import _manifest
from metaautoml.evaluation import (
    DEFAULT_METRIC,
    METRICS,
    default_metrics,
    get_metric,
    make_splits,
    resolve_metric,
)
from metaautoml.task import TASK_DEFAULTS, TASKS, check_task, task_defaults


def test_tasks_is_one_object_everywhere():
    assert TASKS == ("classification", "regression")
    for alias in (CORPUS_TASKS, _manifest.TASKS, _common.TASKS, _validation.TASKS):
        assert alias is TASKS


def test_table_covers_every_task_in_order():
    assert tuple(TASK_DEFAULTS) == TASKS
    for name, defaults in TASK_DEFAULTS.items():
        assert defaults.task == name
        assert defaults.stored_metrics[0] == defaults.metric
        assert all(metric in METRICS[name] for metric in defaults.stored_metrics)
    with pytest.raises(TypeError):
        TASK_DEFAULTS["clustering"] = TASK_DEFAULTS["regression"]  # type: ignore[index]


@pytest.mark.parametrize("name", TASKS)
def test_table_drives_default_metrics(name):
    defaults = task_defaults(name)
    assert DEFAULT_METRIC[name] == defaults.metric
    assert [m.name for m in default_metrics(name)] == list(defaults.stored_metrics)
    assert all(m is METRICS[name][m.name] for m in default_metrics(name))


def test_default_metric_is_read_only_and_complete():
    assert dict(DEFAULT_METRIC) == {"classification": "accuracy", "regression": "r2"}
    with pytest.raises(TypeError):
        DEFAULT_METRIC["classification"] = "roc_auc"  # type: ignore[index]


@pytest.mark.parametrize("bad", ["clustering", "Classification", "", None, 1, ("classification",)])
def test_check_task_error_is_one_line_naming_the_value(bad):
    with pytest.raises(ValueError) as info:
        check_task(bad)
    message = str(info.value)
    assert "\n" not in message
    assert repr(bad) in message
    assert str(TASKS) in message


@pytest.mark.parametrize("name", TASKS)
def test_check_task_returns_a_valid_task(name):
    assert check_task(name) == name


@pytest.mark.parametrize("call", [
    lambda: task_defaults("ranking"),
    lambda: default_metrics("ranking"),
    lambda: resolve_metric(None, "ranking"),
    lambda: get_metric("accuracy", "ranking"),
    lambda: _validation.check_target([0, 1], "ranking"),
])
def test_every_entry_point_rejects_an_unknown_task_alike(call):
    with pytest.raises(ValueError, match=r"task must be one of .*'ranking'"):
        call()


@pytest.mark.parametrize("name", TASKS)
def test_resolve_metric_defaults_to_the_table(name):
    assert resolve_metric(None, name) is METRICS[name][TASK_DEFAULTS[name].metric]


def test_resolve_metric_passes_a_named_metric_through():
    assert resolve_metric("roc_auc", "classification") is get_metric("roc_auc", "classification")
    assert resolve_metric("mae", "regression").name == "neg_mean_absolute_error"
    assert resolve_metric("precision_macro", "classification").name == "precision_macro"


def test_resolve_metric_rejects_a_metric_of_the_other_task():
    with pytest.raises(ValueError) as info:
        resolve_metric("r2", "classification")
    assert "regression" in str(info.value) and "classification" in str(info.value)
    with pytest.raises(ValueError, match="classification metric, but the task is regression"):
        resolve_metric("accuracy", "regression")


def test_stratification_follows_the_table():
    import numpy as np

    y = np.array([0] * 6 + [1] * 18)
    assert task_defaults("classification").stratified and not task_defaults("regression").stratified
    for _train, test in make_splits(y, "classification", cv=3):
        assert np.bincount(y[test]).tolist() == [2, 6]


def test_task_module_is_light():
    # metaautoml.task is imported by the CLI's parser modules, so it must not pull in NumPy & co.
    import subprocess
    import sys

    code = ("import sys, metaautoml.task; "
            "print(sorted(m for m in ('numpy', 'pandas', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert task.__all__
