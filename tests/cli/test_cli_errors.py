"""Every failure is one ``metaautoml: error:`` line on stderr and a non-zero status.

These run in-process through ``main`` and stop before any search, so they are fast; a few are
repeated in a real process to check what a user's shell sees.
"""

from __future__ import annotations

import os
import stat

import joblib
import numpy as np
import pandas as pd
import pytest
from _cli_helpers import assert_one_line_error, iris_csv, needs_estimator, run_cli

from metaautoml.cli import _common, main


@pytest.fixture
def iris(tmp_path):
    return iris_csv(tmp_path / "iris.csv")


def _fit_args(data, output, *extra):
    return ["fit", str(data), "--target", "species", "--output", str(output), *extra]


def _error(capsys, argv, status=1):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert code == status, captured.err
    assert captured.out == ""
    return captured.err


# -- data files -----------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["fit", "metafeatures"])
def test_missing_data_file(command, tmp_path, capsys):
    argv = [command, tmp_path / "nope.csv", "--target", "species"]
    if command == "fit":
        argv += ["--output", tmp_path / "m.joblib"]
    err = _error(capsys, argv)
    assert_one_line_error(err, f"data file not found: {tmp_path / 'nope.csv'}")


def test_directory_as_data_file(tmp_path, capsys):
    err = _error(capsys, ["metafeatures", tmp_path, "--target", "y"])
    assert_one_line_error(err, "is a directory, not a file")


def test_binary_file_is_not_a_csv(tmp_path, capsys):
    path = tmp_path / "model.joblib"
    joblib.dump({"a": np.arange(10)}, path)
    err = _error(capsys, ["metafeatures", path, "--target", "y"])
    assert_one_line_error(err, f"{path} is not a CSV file: it contains binary data")


def test_non_utf8_file(tmp_path, capsys):
    path = tmp_path / "latin1.csv"
    path.write_bytes("name,y\ncaf\xe9,1\nna\xefve,0\n".encode("latin-1"))
    err = _error(capsys, ["metafeatures", path, "--target", "y"])
    assert_one_line_error(err, "is not a UTF-8 encoded CSV file")


def test_ragged_csv(tmp_path, capsys):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5,6\n")
    err = _error(capsys, ["metafeatures", path, "--target", "a"])
    assert_one_line_error(err, "is not a readable CSV file")


def test_empty_file_and_header_only(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert_one_line_error(_error(capsys, ["metafeatures", empty, "--target", "y"]),
                          "is empty: expected a CSV file with a header row")
    header = tmp_path / "header.csv"
    header.write_text("a,b,y\n")
    assert_one_line_error(_error(capsys, ["metafeatures", header, "--target", "y"]),
                          "has a header but no data rows")


@pytest.mark.parametrize("command", ["fit", "metafeatures"])
def test_unknown_target_lists_the_columns(command, iris, tmp_path, capsys):
    argv = [command, iris, "--target", "Species"]
    if command == "fit":
        argv += ["--output", tmp_path / "m.joblib"]
    err = _error(capsys, argv)
    assert_one_line_error(err, "target column 'Species' not found in", "available columns: site, "
                          "sepal_length, sepal_width, petal_length, petal_width, species")


def test_long_column_lists_are_cut(tmp_path, capsys):
    path = tmp_path / "wide.csv"
    pd.DataFrame(np.zeros((2, 40)), columns=[f"c{i}" for i in range(40)]).to_csv(path, index=False)
    err = _error(capsys, ["metafeatures", path, "--target", "y"])
    assert_one_line_error(err, "c29, ... (10 more)")
    assert "c30" not in err


def test_target_as_the_only_column(tmp_path, capsys):
    path = tmp_path / "only.csv"
    path.write_text("y\n1\n2\n")
    err = _error(capsys, ["metafeatures", path, "--target", "y"])
    assert_one_line_error(err, "has no feature columns besides the target 'y'")


# -- output paths -------------------------------------------------------------------------------
def test_fit_output_directory_must_exist(iris, tmp_path, capsys):
    err = _error(capsys, _fit_args(iris, tmp_path / "missing" / "m.joblib"))
    assert_one_line_error(err, "output directory does not exist")


def test_fit_output_must_not_be_a_directory(iris, tmp_path, capsys):
    err = _error(capsys, _fit_args(iris, tmp_path))
    assert_one_line_error(err, "is a directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_fit_output_directory_must_be_writable(iris, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        err = _error(capsys, _fit_args(iris, locked / "m.joblib"))
    finally:
        locked.chmod(stat.S_IRWXU)
    assert_one_line_error(err, "output directory is not writable")


# -- option values the library checks --------------------------------------------------------------
@needs_estimator
@pytest.mark.parametrize("metric,fragment", [
    ("r2", "argument --metric: metric 'r2' is a regression metric, but the task is classification"),
    ("bogus", "argument --metric: unknown metric 'bogus'; use one of ['accuracy', "
              "'balanced_accuracy', 'f1_macro', 'log_loss', 'roc_auc']"),
])
def test_bad_metric_is_a_usage_error(metric, fragment, iris, tmp_path, capsys):
    err = _error(capsys, _fit_args(iris, tmp_path / "m.joblib", "--metric", metric), status=2)
    assert_one_line_error(err, fragment)
    assert not (tmp_path / "m.joblib").exists()


@needs_estimator
def test_value_error_from_the_library(tmp_path, capsys):
    path = tmp_path / "gaps.csv"
    pd.DataFrame({"x": np.arange(10.0), "y": ["a", "b", None, "a", "b"] * 2}).to_csv(path, index=False)
    err = _error(capsys, ["fit", path, "--target", "y", "-o", tmp_path / "m.joblib"])
    assert_one_line_error(err, "y contains 2 missing value(s)")


@needs_estimator
def test_inferred_task_hint_for_whole_number_targets(tmp_path, capsys):
    path = tmp_path / "counts.csv"
    rng = np.random.default_rng(0)
    pd.DataFrame({"x": rng.normal(size=30), "visits": rng.permutation(30)}).to_csv(path, index=False)
    err = _error(capsys, ["fit", path, "--target", "visits", "-o", tmp_path / "m.joblib"])
    *warnings, error = err.strip().splitlines()
    # scikit-learn warns that 30 classes in 30 rows look like regression: shown on one line.
    assert all(line.startswith("metaautoml: warning: ") for line in warnings), err
    assert_one_line_error(error, "the task was inferred as classification because 'visits' holds "
                          "whole numbers; pass --task regression")


@needs_estimator
def test_bad_storage_url(iris, tmp_path, capsys):
    err = _error(capsys, _fit_args(iris, tmp_path / "m.joblib", "--storage", "study.db"))
    assert_one_line_error(err, "malformed storage URL 'study.db'")


def test_debug_shows_the_traceback(tmp_path, capsys):
    code = main(["--debug", "metafeatures", str(tmp_path / "nope.csv"), "--target", "y"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Traceback (most recent call last):")
    assert err.strip().splitlines()[-1].startswith("metaautoml: error: data file not found")


def test_unexpected_errors_are_one_line_and_point_at_debug(monkeypatch, iris, capsys):
    def broken(path):
        raise KeyError("boom")

    monkeypatch.setattr(_common, "read_table", broken)
    err = _error(capsys, ["metafeatures", iris, "--target", "species"])
    assert_one_line_error(err, "KeyError: 'boom' (run with --debug for the traceback)")


def test_multi_line_library_messages_become_one_line(monkeypatch, iris, capsys):
    def broken(path):
        raise ValueError("first line\n  second line\n")

    monkeypatch.setattr(_common, "read_table", broken)
    assert_one_line_error(_error(capsys, ["metafeatures", iris, "--target", "species"]),
                          "first line second line")


# -- predict ---------------------------------------------------------------------------------------
def test_predict_missing_model(iris, tmp_path, capsys):
    err = _error(capsys, ["predict", tmp_path / "nope.joblib", iris])
    assert_one_line_error(err, "model file not found")


@pytest.mark.parametrize("content", ["csv", "pickle"])
def test_predict_rejects_files_that_are_not_models(content, iris, tmp_path, capsys):
    path = tmp_path / "model.joblib"
    if content == "csv":
        path.write_bytes(iris.read_bytes())
        fragment = "cannot load model file"
    else:
        joblib.dump([1, 2, 3], path)
        fragment = "does not hold a model saved by 'metaautoml fit' (found a list)"
    err = _error(capsys, ["predict", path, iris])
    assert_one_line_error(err, fragment)


def test_predict_data_file_is_checked_before_the_model_is_loaded(tmp_path, capsys):
    err = _error(capsys, ["predict", tmp_path / "nope.joblib", tmp_path / "nope.csv"])
    assert_one_line_error(err, "data file not found")


# -- a real process ---------------------------------------------------------------------------------
def test_errors_in_a_real_process(tmp_path):
    result = run_cli("metafeatures", tmp_path / "nope.csv", "--target", "y")
    assert result.returncode == 1
    assert result.stdout == ""
    assert_one_line_error(result.stderr, "data file not found")
    joblib.dump([1], tmp_path / "m.joblib")
    (tmp_path / "d.csv").write_text("a,b\n1,2\n")
    result = run_cli("predict", tmp_path / "m.joblib", tmp_path / "d.csv")
    assert result.returncode == 1
    assert_one_line_error(result.stderr, "does not hold a model")
