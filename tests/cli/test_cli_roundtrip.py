"""fit -> predict round trips on real CSV files, output formats, metafeatures and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import joblib
import numpy as np
import pandas as pd
import pytest
from _cli_helpers import (
    assert_one_line_error,
    cli_env,
    diabetes_csv,
    iris_csv,
    needs_estimator,
    run_cli,
    single_cpu,
)

import metaautoml
from metaautoml.cli import _fit, main

pytestmark = needs_estimator

#: Small and fast: two default configurations, two folds.
FAST = ("--n-trials", "2", "--cv", "2", "--random-state", "0")


@pytest.fixture(scope="module")
def iris_model(tmp_path_factory):
    """A classifier fitted in-process with the table format; its stdout is kept for checks."""
    directory = tmp_path_factory.mktemp("iris")
    data = iris_csv(directory / "iris.csv")
    model = directory / "iris.joblib"
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with single_cpu(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["fit", str(data), "--target", "species", "--output", str(model), *FAST])
    assert code == 0, err.getvalue()
    return {"data": data, "model": model, "stdout": out.getvalue(), "stderr": err.getvalue()}


@pytest.fixture(scope="module")
def diabetes_model(tmp_path_factory):
    """A regressor fitted in a real process with the JSON format."""
    directory = tmp_path_factory.mktemp("diabetes")
    data = diabetes_csv(directory / "diabetes.csv")
    model = directory / "diabetes.joblib"
    with single_cpu():
        result = run_cli("fit", data, "--target", "target", "--task", "regression",
                         "--n-trials", "1", "--cv", "3", "--metric", "neg_mean_absolute_error",
                         "--output", model, "--format", "json", timeout=300)
    assert result.returncode == 0, result.stderr
    return {"data": data, "model": model, "summary": json.loads(result.stdout),
            "stderr": result.stderr}


# -- fit ------------------------------------------------------------------------------------------
def test_fit_writes_a_model_bundle(iris_model):
    bundle = joblib.load(iris_model["model"])
    assert set(bundle) == {"model", "target", "features", "task", "metaautoml_version"}
    assert bundle["target"] == "species"
    assert bundle["task"] == "classification"
    assert bundle["metaautoml_version"] == metaautoml.__version__
    assert bundle["features"] == ["site", "sepal_length", "sepal_width", "petal_length",
                                  "petal_width"]
    model = bundle["model"]
    assert type(model).__name__ == "MetaAutoMLClassifier"
    assert sorted(model.classes_) == ["setosa", "versicolor", "virginica"]
    assert model.n_trials == 2 and model.cv == 2 and model.random_state == 0
    # Not a terminal: no progress bar, and nothing else on stderr either.
    assert model.verbose == 0
    assert iris_model["stderr"] == ""


def test_fit_leaves_no_temporary_file_and_ordinary_permissions(iris_model):
    directory = iris_model["model"].parent
    assert sorted(p.name for p in directory.iterdir()) == ["iris.csv", "iris.joblib"]
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(iris_model["model"]).st_mode & 0o777 == 0o666 & ~umask


def test_fit_table_output(iris_model):
    out = iris_model["stdout"]
    model = joblib.load(iris_model["model"])["model"]
    lines = out.splitlines()
    assert lines[0] == "task: classification   metric: accuracy   trials: 2 (2 complete)"
    assert lines[1] == f"best score: {model.best_score_:.6g} ({model.best_config_['family']})"
    assert lines[2] == "best configuration:"
    for key, value in model.best_config_.items():
        assert any(line.split() == [key, str(value)] for line in lines), key
    assert f"model saved to {iris_model['model']}" in out
    header = lines[lines.index("leaderboard (top 2 of 2):") + 1].split()
    assert header == ["number", "family", "score", "score_std", "fit_time", "state", "source",
                      "ensemble_weight", "error"]


def test_fit_json_output(diabetes_model):
    summary = diabetes_model["summary"]
    model = joblib.load(diabetes_model["model"])["model"]
    assert type(model).__name__ == "MetaAutoMLRegressor"
    assert summary["task"] == "regression"
    assert summary["metric"] == "neg_mean_absolute_error" == model.metric_
    assert summary["best_score"] == pytest.approx(model.best_score_)
    assert summary["best_score"] < 0  # a negated error
    assert summary["best_config"] == model.best_config_
    assert summary["n_trials"] == summary["n_complete"] == 1
    assert summary["model"] == str(diabetes_model["model"])
    (row,) = summary["leaderboard"]
    assert set(row) == {"number", "family", "score", "score_std", "fit_time", "duration",
                        "started", "completed", "state", "source", "error", "params",
                        "ensemble_weight"}
    # One trial: no ensemble, the trial refitted alone.
    assert summary["ensemble"] == {"weights": {str(row["number"]): 1.0},
                                   "score": pytest.approx(model.best_score_), "refit_failures": []}
    assert row["state"] == "complete" and row["error"] is None  # NaN/None -> null
    # The family's hyperparameters without their prefix, and the target transform.
    assert row["params"] == {k.split("__", 1)[-1]: v for k, v in model.best_config_.items()
                             if k != "family"}
    assert "target_transform" in row["params"]
    assert diabetes_model["stderr"] == ""


def test_fit_top_is_capped():
    board = pd.DataFrame({"score": np.arange(25.0)[::-1], "state": "complete"})
    assert len(_fit._top(board)) == _fit.TOP == 10


# -- predict -------------------------------------------------------------------------------------
def test_predict_round_trip_ignores_the_target_column(iris_model, tmp_path, capsys):
    output = tmp_path / "predictions.csv"
    assert main(["predict", str(iris_model["model"]), str(iris_model["data"]),
                 "--output", str(output)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == f"wrote 150 predictions to {output}"
    predictions = pd.read_csv(output)
    assert predictions.columns.tolist() == ["species"]
    data = pd.read_csv(iris_model["data"])
    model = joblib.load(iris_model["model"])["model"]
    np.testing.assert_array_equal(predictions["species"],
                                  model.predict(data.drop(columns="species")))
    assert (predictions["species"] == data["species"]).mean() > 0.9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["predictions.csv"]


def test_predict_without_the_target_and_with_columns_reordered(iris_model, tmp_path, capsys):
    data = pd.read_csv(iris_model["data"]).drop(columns="species")
    shuffled = tmp_path / "new.csv"
    data[data.columns[::-1]].assign(extra=1).head(7).to_csv(shuffled, index=False)
    assert main(["predict", str(iris_model["model"]), str(shuffled), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    model = joblib.load(iris_model["model"])["model"]
    assert payload == {"target": "species", "predictions": model.predict(data.head(7)).tolist()}


def test_predict_proba_json(iris_model, capsys):
    assert main(["predict", str(iris_model["model"]), str(iris_model["data"]), "--proba",
                 "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["classes"] == ["setosa", "versicolor", "virginica"]
    proba = np.array(payload["probabilities"])
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(np.array(payload["classes"])[proba.argmax(axis=1)],
                                  payload["predictions"])


def test_predict_proba_table_and_csv(iris_model, tmp_path, capsys):
    assert main(["predict", str(iris_model["model"]), str(iris_model["data"]), "--proba"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["species", "proba_setosa", "proba_versicolor", "proba_virginica"]
    assert len(lines) == 151
    output = tmp_path / "p.csv"
    assert main(["predict", str(iris_model["model"]), str(iris_model["data"]), "--proba",
                 "-o", str(output)]) == 0
    frame = pd.read_csv(output)
    assert frame.columns.tolist() == ["species", "proba_setosa", "proba_versicolor",
                                      "proba_virginica"]


def test_predict_lacking_feature_columns(iris_model, tmp_path, capsys):
    path = tmp_path / "partial.csv"
    pd.read_csv(iris_model["data"]).drop(columns=["site", "petal_width"]).to_csv(path, index=False)
    assert main(["predict", str(iris_model["model"]), str(path)]) == 1
    assert_one_line_error(capsys.readouterr().err,
                          "lacks the model's feature column(s) site, petal_width")


def test_predict_accepts_a_bare_estimator(iris_model, tmp_path, capsys):
    bare = tmp_path / "bare.joblib"
    joblib.dump(joblib.load(iris_model["model"])["model"], bare)
    assert main(["predict", str(bare), str(iris_model["data"]), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    # Without the saved target name the column is generic, and the target column is still
    # ignored because the estimator matches columns by the names it was fitted on.
    assert payload["target"] == "prediction"
    assert len(payload["predictions"]) == 150


def test_predict_warns_on_another_version(iris_model, tmp_path, capsys):
    bundle = joblib.load(iris_model["model"]) | {"metaautoml_version": "0.0.1"}
    old = tmp_path / "old.joblib"
    joblib.dump(bundle, old)
    assert main(["predict", str(old), str(iris_model["data"]), "--format", "json"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"metaautoml: warning: {old} was saved by metaautoml 0.0.1; this is "
                   f"{metaautoml.__version__}"]


def test_predict_regression_in_a_real_process(diabetes_model, tmp_path):
    result = run_cli("predict", diabetes_model["model"], diabetes_model["data"], "--format",
                     "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    data = pd.read_csv(diabetes_model["data"])
    model = joblib.load(diabetes_model["model"])["model"]
    np.testing.assert_allclose(payload["predictions"],
                               model.predict(data.drop(columns="target")))
    assert payload["target"] == "target"


def test_predict_proba_of_a_regressor_is_a_usage_error(diabetes_model, capsys):
    code = main(["predict", str(diabetes_model["model"]), str(diabetes_model["data"]), "--proba"])
    assert code == 2
    assert_one_line_error(capsys.readouterr().err, "argument --proba: the model is a regressor")


def test_predict_into_a_closed_pipe_is_quiet(diabetes_model):
    reader = subprocess.Popen(
        [sys.executable, "-m", "metaautoml.cli", "predict", str(diabetes_model["model"]),
         str(diabetes_model["data"])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env())
    reader.stdout.readline()
    reader.stdout.close()  # as `| head -1` does
    _, err = reader.communicate(timeout=120)
    assert b"Traceback" not in err and b"BrokenPipe" not in err
    assert reader.returncode in (0, 1)


# -- metafeatures ----------------------------------------------------------------------------------
def test_metafeatures_json_matches_the_library(iris_model, capsys):
    from metaautoml.metafeatures import extract_meta_features

    assert main(["metafeatures", str(iris_model["data"]), "--target", "species", "--format",
                 "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["task"] == "classification"
    data = pd.read_csv(iris_model["data"])
    expected = extract_meta_features(data.drop(columns="species"), data["species"],
                                     task="classification")
    assert list(payload["meta_features"]) == list(expected.index)
    for name, value in expected.items():
        if np.isfinite(value):
            assert payload["meta_features"][name] == pytest.approx(value), name
        else:
            assert payload["meta_features"][name] is None, name


def test_metafeatures_table_in_a_real_process(diabetes_model):
    result = run_cli("metafeatures", diabetes_model["data"], "--target", "target", "--task",
                     "regression")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "task: regression"
    assert lines[1].split() == ["meta_feature", "value"]
    rows = dict(line.split() for line in lines[2:])
    assert float(rows["n_rows"]) == 200
    assert float(rows["n_features"]) == 10


# -- Ctrl-C ----------------------------------------------------------------------------------------
def test_keyboard_interrupt_during_fit_leaves_no_file(iris_model, tmp_path, monkeypatch, capsys):
    from metaautoml.estimator import MetaAutoMLClassifier

    def interrupted(self, X, y, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(MetaAutoMLClassifier, "fit", interrupted)
    output = tmp_path / "m.joblib"
    assert main(["fit", str(iris_model["data"]), "--target", "species", "-o", str(output)]) == 130
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "metaautoml: interrupted\n"
    assert list(tmp_path.iterdir()) == []


def test_keyboard_interrupt_while_writing_removes_the_temporary_file(iris_model, tmp_path,
                                                                      monkeypatch, capsys):
    def interrupted_dump(value, filename, **kwargs):
        with open(filename, "wb") as handle:
            handle.write(b"half a model")
        raise KeyboardInterrupt

    monkeypatch.setattr(joblib, "dump", interrupted_dump)
    output = tmp_path / "m.joblib"
    with single_cpu():
        code = main(["fit", str(iris_model["data"]), "--target", "species", "-o", str(output),
                     "--n-trials", "1", "--cv", "2"])
    assert code == 130
    assert capsys.readouterr().err == "metaautoml: interrupted\n"
    assert list(tmp_path.iterdir()) == []


def _workers_of(pid: int) -> list[int]:
    """Trial worker processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read()
        except (OSError, IndexError, ValueError):
            continue  # the process ended while being read
        if parent == pid and b"metaautoml.evaluation._worker" in command:
            found.append(int(entry))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="finds the trial worker through /proc")
def test_sigint_stops_a_real_search(tmp_path):
    """Ctrl-C in the middle of a trial: status 130, one line, no model file, no worker left.

    A per-trial time limit runs trials in a worker process; once that worker exists the search
    is under way, and the interrupt must also take the worker down.
    """
    data = iris_csv(tmp_path / "iris.csv")
    output = tmp_path / "m.joblib"
    with single_cpu():
        process = subprocess.Popen(
            [sys.executable, "-m", "metaautoml.cli", "fit", str(data), "--target", "species",
             "--n-trials", "1000", "--per-trial-time-limit", "600", "-o", str(output)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())
    try:
        deadline = time.monotonic() + 120
        while not (workers := _workers_of(process.pid)):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the search did not start"
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert out == ""
    assert err == "metaautoml: interrupted\n"
    assert [p.name for p in tmp_path.iterdir()] == ["iris.csv"]
    for worker in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(worker, 0)


def test_fit_table_names_the_ensemble_and_members_left_out(capsys):
    from types import SimpleNamespace

    import pandas as pd

    board = pd.DataFrame({"number": [3, 1, 0], "family": ["svm", "knn", "linear"],
                          "score": [0.9, 0.85, 0.8], "state": ["complete"] * 3,
                          "ensemble_weight": [0.6, 0.4, 0.0]})
    estimator = SimpleNamespace(
        metric_="accuracy", best_score_=0.9, best_config_={"family": "svm"}, refit_fallbacks_=[],
        ensemble_weights_={3: 0.6, 1: 0.4}, ensemble_score_=0.93,
        ensemble_refit_failures_=[{"number": 0, "family": "linear", "error": "MemoryError: x"}])
    _fit._print_table(estimator, "classification", board, "model.joblib")
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "ensemble of 2 trials (0.60 x trial 3, 0.40 x trial 1): out-of-fold score 0.93"
    assert lines[3] == ("  ensemble member trial 0 (linear) failed to refit on all the data and "
                        "was left out: MemoryError: x")
    assert lines[4] == "best configuration:"
    summary = _fit._summary(estimator, "classification", board, "model.joblib")
    assert summary["ensemble"] == {"weights": {"3": 0.6, "1": 0.4}, "score": 0.93,
                                   "refit_failures": estimator.ensemble_refit_failures_}


def test_an_interrupt_inside_exec_source_still_exits_130(tmp_path):
    """A Ctrl-C that lands in code run by ``exec`` (a dataclass being built during a lazy
    import) must not turn the handled interrupt into death by SIGINT under ``python -m``."""
    probe = tmp_path / "interrupted_in_exec.py"
    probe.write_text(
        "import argparse, sys\n"
        "from metaautoml.cli import _main\n"
        "class Parser:\n"
        "    def parse_args(self, argv):\n"
        "        return argparse.Namespace(debug=False,\n"
        "                                  run=lambda args: exec('raise KeyboardInterrupt'))\n"
        "_main.build_parser = Parser\n"
        "sys.exit(_main.main([]))\n")
    env = cli_env()
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env["PYTHONPATH"]])
    process = subprocess.run([sys.executable, "-m", probe.stem], capture_output=True,
                             text=True, env=env, timeout=120)
    assert (process.returncode, process.stderr) == (130, "metaautoml: interrupted\n")
