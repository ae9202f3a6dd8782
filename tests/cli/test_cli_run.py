"""``metaautoml run``: OpenML tasks and suites from an offline cache, tables, JSON, predictions."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
from pathlib import Path

import openml
import optuna
import pandas as pd
import pytest
from _cli_helpers import assert_one_line_error, cli_env, needs_estimator
from threadpoolctl import threadpool_limits

import metaautoml.estimator._base
from metaautoml.cli import main
from metaautoml.search import open_storage

pytestmark = needs_estimator


def _load_cache_builder():
    """The OpenML cache builder of tests/openml_tasks; tests/ is not a package, so by path."""
    name = "_openml_cache"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "openml_tasks" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while being created
        spec.loader.exec_module(module)
    return sys.modules[name]


builder = _load_cache_builder()
TINY = ["--n-trials", "2", "--cv", "2", "--random-state", "0"]


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Every run here is offline, on one thread (see tests/openml_tasks/conftest.py)."""
    monkeypatch.setattr(openml.config, "server", builder.SERVER)
    monkeypatch.delenv("OPENML_CACHE_DIR", raising=False)
    monkeypatch.setattr(metaautoml.estimator._base, "default_n_threads", lambda *args, **kwargs: 1)
    attempts = builder.forbid_network(monkeypatch)
    with threadpool_limits(1):
        yield attempts


@pytest.fixture
def cache_root(tmp_path):
    return builder.build_cache(tmp_path / "openml-cache")


def _fold_rows(stdout: str) -> list[list[str]]:
    """The rows of the per-fold tables: lines that start with a fold number."""
    return [line.split() for line in stdout.splitlines() if line.split()[:1] and
            line.split()[0].isdigit() and len(line.split()) == 7]


def test_task_prints_per_fold_scores_as_a_table(cache_root, capsys, offline):
    code = main(["run", "--task", "9101", "--folds", "2", "--cache-dir", str(cache_root), *TINY])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "OpenML task 9101: dataset iris (9001), classification, target class"
    assert lines[1] == "metric: accuracy (OpenML measure: predictive_accuracy)   folds: 2 of 10"
    assert lines[2].split() == ["fold", "score", "cv_score", "best_family", "n_train", "n_test",
                                "fit_seconds"]
    rows = _fold_rows(out)
    assert [row[0] for row in rows] == ["0", "1"]
    scores = [float(row[1]) for row in rows]
    assert all(0 <= s <= 1 for s in scores) and [row[4:6] for row in rows] == [["135", "15"]] * 2
    assert lines[-1].startswith("mean accuracy: ")
    assert float(lines[-1].split()[2]) == pytest.approx(sum(scores) / 2, abs=1e-3)
    assert "error" not in err and offline == []


def test_json_output_and_predictions(cache_root, tmp_path, capsys):
    predictions = tmp_path / "out" / "predictions"
    code = main(["run", "--task", "9103", "--folds", "1", "--format", "json",
                 "--predictions", str(predictions), "--cache-dir", str(cache_root), *TINY])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["suite"] is None and len(data["tasks"]) == 1
    task = data["tasks"][0]
    assert {k: task[k] for k in ("task_id", "dataset_name", "task_type", "metric",
                                 "evaluation_measure", "n_folds")} == {
        "task_id": 9103, "dataset_name": "diabetes", "task_type": "regression",
        "metric": "neg_mean_absolute_error", "evaluation_measure": "mean_absolute_error",
        "n_folds": 5}
    (fold,) = task["folds"]
    assert fold["fold"] == 0 and fold["score"] < 0 and task["mean_score"] == fold["score"]
    assert fold["predictions"] == str(predictions / "task_9103_fold_0.csv")
    written = pd.read_csv(fold["predictions"])
    assert len(written) == fold["n_test"] == 89
    assert [p.name for p in predictions.iterdir()] == ["task_9103_fold_0.csv"]


@pytest.mark.parametrize("kind", ["journal", "postgres"])
def test_storage_keeps_one_study_per_fold(cache_root, tmp_path, capsys, request, kind):
    storage = (request.getfixturevalue("postgres_url") if kind == "postgres"
               else f"journal://{tmp_path / 'runs.log'}")
    code = main(["run", "--task", "9101", "--folds", "2", "--cache-dir", str(cache_root),
                 "--storage", storage, "--study-name", "cc", *TINY])
    _, err = capsys.readouterr()
    assert code == 0, err
    studies = {s.study_name: s.n_trials for s in optuna.get_all_study_summaries(open_storage(storage))
               if s.study_name.startswith("cc-")}
    assert studies == {"cc-task9101-fold0": 2, "cc-task9101-fold1": 2}


def test_suite_runs_its_tasks_and_skips_the_unsupported_one(cache_root, capsys):
    code = main(["run", "--suite", builder.SUITE_ALIAS, "--folds", "1",
                 "--cache-dir", str(cache_root), *TINY])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines()[0] == ("OpenML suite 9201 (metaautoml-test-suite): metaautoml test "
                                   "suite, 3 tasks")
    assert "OpenML task 9104: dataset iris" in out and "OpenML task 9103: dataset diabetes" in out
    assert "OpenML task 9105" not in out
    summary = out.split("summary:\n", 1)[1].splitlines()
    assert summary[0].split() == ["task", "dataset", "metric", "folds", "mean_score", "std_score"]
    assert [line.split()[0] for line in summary[1:]] == ["9104", "9103"]
    warnings = err.strip().splitlines()
    assert any(w.startswith("metaautoml: warning: skipping task 9105 of suite 9201: OpenML task "
                            "9105 is a clustering task") for w in warnings), err
    assert any("evaluated by kappa" in w for w in warnings), err


@pytest.mark.parametrize(("args", "fragments"), [
    (["--task", "0"], ["argument --task: must be an integer >= 1, got '0'"]),
    (["--folds", "0", "--task", "1"], ["argument --folds: must be 'all' or an integer >= 1"]),
    (["--task", "1", "--suite", "2"], ["argument --suite: not allowed with argument --task"]),
    ([], ["one of the arguments --task --suite is required"]),
    (["--suite", "0"], ["argument --suite: must be a positive suite id or an alias"]),
    (["--task", "1", "--metric", "bogus"], ["argument --metric: unknown metric 'bogus'"]),
    (["--task", "1", "--cv", "1"], ["argument --cv: must be an integer >= 2"]),
])
def test_usage_errors_exit_2_with_one_line(args, fragments, capsys):
    assert main(["run", *args]) == 2
    assert_one_line_error(capsys.readouterr().err, *fragments)


@pytest.mark.parametrize(("args", "fragments"), [
    (["--task", "9105"], ["OpenML task 9105 is a clustering task"]),
    (["--task", "9101", "--folds", "11"], ["OpenML task 9101 has 10 fold(s)"]),
    (["--task", "9101", "--metric", "r2"], ["'r2' is a regression metric"]),
    (["--suite", "77"], ["OpenML suite 77 is not in the OpenML cache", "cannot be reached"]),
])
def test_failures_exit_1_with_one_line(cache_root, args, fragments, capsys):
    assert main(["run", *args, "--cache-dir", str(cache_root), *TINY]) == 1
    assert_one_line_error(capsys.readouterr().err, *fragments)


def _closed_port() -> int:
    """A local port nothing listens on: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_without_cache_or_network_fails_fast_with_one_line(tmp_path):
    """As a user sees it, in a fresh process: the openml config names a server that refuses
    connections, so the test is offline whatever this machine's network."""
    config_home = tmp_path / "config"
    (config_home / "openml").mkdir(parents=True)
    (config_home / "openml" / "config").write_text(
        f"server = http://127.0.0.1:{_closed_port()}/api/v1/xml\n")
    empty = tmp_path / "empty-cache"
    env = cli_env()
    env.update(XDG_CONFIG_HOME=str(config_home), OPENML_CACHE_DIR=str(tmp_path / "unused"))
    result = subprocess.run([sys.executable, "-m", "metaautoml.cli", "run", "--task", "9101",
                             "--cache-dir", str(empty)], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert_one_line_error(result.stderr, "OpenML task 9101 is not in the OpenML cache",
                          f"{empty} (missing tasks/9101/task.xml)", "cannot be reached",
                          "--cache-dir")
