"""The helpers the subcommands share: atomic output, strict JSON, argument types."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pandas as pd
import pytest

from metaautoml.cli import _common


def test_atomic_output_replaces_the_file_only_on_success(tmp_path):
    target = tmp_path / "model.joblib"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with _common.atomic_output(str(target)) as temporary:
            with open(temporary, "w") as handle:
                handle.write("half")
            raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.joblib"]
    with _common.atomic_output(str(target)) as temporary:
        assert temporary != str(target) and temporary.startswith(str(tmp_path))
        with open(temporary, "w") as handle:
            handle.write("new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["model.joblib"]


def test_print_json_is_strict(capsys):
    _common.print_json({
        "nan": float("nan"), "inf": np.inf, "int": np.int64(3), "float": np.float32(0.5),
        "array": np.array([1.0, np.nan]), "na": pd.NA, "bool": np.bool_(True),
        "nested": [{"x": None}], 1: "key",
    })
    payload = json.loads(capsys.readouterr().out)
    assert payload == {"nan": None, "inf": None, "int": 3, "float": 0.5, "array": [1.0, None],
                       "na": None, "bool": True, "nested": [{"x": None}], "1": "key"}


@pytest.mark.parametrize("function,text,value", [
    (_common.positive_int, "3", 3),
    (_common.cv_folds, "2", 2),
    (_common.cv_or_hold_out, "5", 5),
    (_common.cv_or_hold_out, "0.2", 0.2),
    (_common.n_jobs, "-1", -1),
    (_common.n_jobs, "4", 4),
    (_common.seed, "0", 0),
    (_common.positive_seconds, "1.5", 1.5),
    (_common.positive_seconds, "1e3", 1000.0),
])
def test_argument_types_accept(function, text, value):
    assert function(text) == value


@pytest.mark.parametrize("function,text", [
    (_common.positive_int, "0"), (_common.positive_int, "1.5"), (_common.cv_folds, "1"),
    (_common.cv_or_hold_out, "1"), (_common.cv_or_hold_out, "1.0"), (_common.cv_or_hold_out, "nan"),
    (_common.n_jobs, "-2"), (_common.seed, "-1"), (_common.positive_seconds, "0"),
    (_common.positive_seconds, "inf"), (_common.positive_seconds, "abc"),
])
def test_argument_types_reject(function, text):
    with pytest.raises(argparse.ArgumentTypeError, match=repr(text).replace(".", r"\.")):
        function(text)


def test_one_line():
    assert _common.one_line("a\n  b\n\nc  ") == "a b c"
    assert _common.one_line("") == ""


def test_resolve_task():
    assert _common.resolve_task("regression", pd.Series(["a", "b"])) == "regression"
    assert _common.resolve_task(None, pd.Series([1.5, 2.0])) == "regression"
    assert _common.resolve_task(None, pd.Series([1.0, 2.0])) == "classification"
