"""The controls FLAML and auto-sklearn users reach for, on the command line: ``--include`` and
``--exclude``, ``--group-column``, ``--sample-weight-column``, ``--log-file``, and
``db info --format json``."""

from __future__ import annotations

import json

import joblib
import pandas as pd
import pytest
from _cli_helpers import assert_one_line_error, iris_csv, needs_estimator, run_cli, single_cpu

from metaautoml import MetaAutoMLClassifier
from metaautoml.cli import main
from metaautoml.cli._worker import record_data_file
from metaautoml.search import create_study
from metaautoml.search._shared import share_study

pytestmark = needs_estimator


def _iris_with_patients(path):
    frame = pd.read_csv(iris_csv(path))
    frame["patient"] = [f"p{i % 15}" for i in range(len(frame))]
    # Only the versicolor rows count: a weighted search sees a one-class-dominated problem.
    frame["weight"] = (frame["species"] == "versicolor").astype(float) + 0.01
    frame.to_csv(path, index=False)
    return path


def test_fit_keeps_to_the_families_groups_the_folds_and_logs_each_trial(tmp_path, capsys,
                                                                         monkeypatch):
    data = _iris_with_patients(tmp_path / "iris.csv")
    seen = {}
    original = MetaAutoMLClassifier.search_objective

    def spy(self, X, y, **kwargs):
        seen["groups"], seen["columns"] = kwargs.get("groups"), list(X.columns)
        objective = original(self, X, y, **kwargs)
        seen["splits"], seen["weights"] = objective.splits, objective.sample_weight
        return objective

    monkeypatch.setattr(MetaAutoMLClassifier, "search_objective", spy)
    log = tmp_path / "trials.log"
    with single_cpu():
        code = main(["fit", str(data), "--target", "species", "--group-column", "patient",
                     "--sample-weight-column", "weight",
                     "--include", "linear,knn,svm", "--exclude", "svm", "--n-trials", "5",
                     "--cv", "3", "--random-state", "0", "--log-file", str(log),
                     "--output", str(tmp_path / "model.joblib"), "--format", "json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert {row["family"] for row in summary["leaderboard"]} <= {"linear", "knn"}
    # The JSON leaderboard's wall-clock times are ISO strings.
    from datetime import datetime

    assert all(datetime.fromisoformat(row["completed"]) >= datetime.fromisoformat(row["started"])
               for row in summary["leaderboard"])
    assert "patient" not in seen["columns"] and "weight" not in seen["columns"]
    assert seen["weights"].tolist() == pd.read_csv(data)["weight"].tolist()
    groups = seen["groups"].to_numpy()
    for train, test in seen["splits"]:
        assert set(groups[train]).isdisjoint(groups[test])
    bundle = joblib.load(tmp_path / "model.joblib")
    assert "patient" not in bundle["features"] and "weight" not in bundle["features"]
    lines = log.read_text().splitlines()
    assert len(lines) == 5
    assert all("metaautoml.search: trial " in line and "accuracy" in line for line in lines)
    # predict reads the same file: the group column is not a feature it needs.
    assert main(["predict", str(tmp_path / "model.joblib"), str(data)]) == 0


@pytest.mark.parametrize(("args", "fragments"), [
    (("--include", "xgboost"), ("argument --include: unknown model family 'xgboost' for "
                                "classification",)),
    (("--exclude", ","), ("argument --exclude: must name model families",)),
    (("--include", "svm", "--exclude", "svm"), ("leave no model family of classification",)),
    (("--group-column", "nope"), ("--group-column 'nope' not found in",)),
    (("--sample-weight-column", "species"),
     ("argument --sample-weight-column: 'species' is the target",)),
    (("--sample-weight-column", "patient", "--n-trials", "1"), ("sample_weight",)),
    (("--group-column", "species"), ("argument --group-column: 'species' is the target",)),
    (("--log-file", "/no/such/dir/trials.log", "--n-trials", "1"),
     ("cannot write the log file /no/such/dir/trials.log",)),
])
def test_bad_controls_fail_with_one_line_and_no_model(tmp_path, args, fragments):
    data = _iris_with_patients(tmp_path / "iris.csv")
    result = run_cli("fit", data, "--target", "species", "--output", tmp_path / "m.joblib", *args)
    assert result.returncode != 0
    assert_one_line_error(result.stderr, *fragments)
    assert not (tmp_path / "m.joblib").exists()


def test_a_worker_rebuilds_the_groups_and_families_fit_recorded(tmp_path, capsys, monkeypatch):
    data = _iris_with_patients(tmp_path / "iris.csv")
    storage = f"journal://{tmp_path / 'study.log'}"
    record_data_file(storage, "s", str(data), "species", group_column="patient",
                     sample_weight_column="weight")
    settings = MetaAutoMLClassifier(cv=3, warm_start=False, include=["linear"]).get_params()
    share_study(create_study(storage, "s"), storage, n_trials=2, time_budget=None,
                settings={"task": "classification", "seed": 0, **settings})
    seen = {}
    original = MetaAutoMLClassifier.search_objective

    def spy(self, X, y, **kwargs):
        seen["groups"], seen["columns"] = kwargs.get("groups"), list(X.columns)
        objective = original(self, X, y, **kwargs)
        seen["families"] = objective.space.family_names
        seen["weights"] = objective.sample_weight
        return objective

    monkeypatch.setattr(MetaAutoMLClassifier, "search_objective", spy)
    # No fit runs here, so the worker gives up waiting for the search to start -- after it
    # rebuilt the objective, which is what this test reads.
    assert main(["worker", "--study", "s", "--storage", storage, "--wait", "0.5"]) == 1
    assert "has not started" in capsys.readouterr().err
    assert "patient" not in seen["columns"]
    assert seen["groups"].tolist() == pd.read_csv(data)["patient"].tolist()
    assert seen["families"] == ("linear",)
    assert seen["weights"].tolist() == pd.read_csv(data)["weight"].tolist()


def test_db_info_json_has_numbers_as_numbers_and_the_families(capsys):
    assert main(["db", "info", "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert isinstance(info["build"]["cv"], int)
    assert isinstance(info["build"]["time_limit"], float)
    assert "hist_gradient_boosting" in info["classification"]["families"]
    assert main(["db", "info"]) == 0
    assert "regression families: hist_gradient_boosting" in capsys.readouterr().out


def test_a_stored_study_without_a_name_says_its_generated_name_first(tmp_path, capsys):
    data = _iris_with_patients(tmp_path / "iris.csv")
    storage = f"journal://{tmp_path / 'study.log'}"
    with single_cpu():
        assert main(["fit", str(data), "--target", "species", "--n-trials", "2", "--cv", "2",
                     "--include", "linear", "--storage", storage, "--format", "json",
                     "--output", str(tmp_path / "m.joblib")]) == 0
    captured = capsys.readouterr()
    name = json.loads(captured.out)["study_name"]
    assert f"study name: {name} (in {storage}" in captured.err
    assert f"metaautoml worker --study {name} --storage {storage}" in captured.err
