"""``metaautoml recommend`` and ``metaautoml meta-train``."""

from __future__ import annotations

import json

from _cli_helpers import assert_one_line_error, diabetes_csv, iris_csv, run_cli
from _meta_fixtures import synthetic_metadb

from metaautoml.cli import _metatrain, main
from metaautoml.metadb import NORMALIZATIONS
from metaautoml.surrogate import VARIANTS, TrainingConfig


def test_recommend_table(tmp_path, capsys):
    assert main(["recommend", str(iris_csv(tmp_path / "iris.csv")), "--target", "species", "--n", "4"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("task: classification   trust: ")
    assert "most similar meta-database datasets:" in out
    assert "proposals, in the order a search tries them:" in out
    assert out.count("warm_start:") == 4


def test_recommend_json_regression(tmp_path, capsys):
    path = diabetes_csv(tmp_path / "diabetes.csv")
    assert main(["recommend", str(path), "--target", "target", "--task", "regression",
                 "--n", "3", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["task"] == "regression" and 0.0 <= payload["trust"] <= 1.0
    assert len(payload["proposals"]) == 3
    assert all("family" in p["config"] for p in payload["proposals"])
    assert {"dataset", "distance", "weight"} <= set(payload["neighbors"][0])


def test_recommend_errors_are_one_line(tmp_path):
    result = run_cli("recommend", iris_csv(tmp_path / "iris.csv"), "--target", "nope")
    assert result.returncode == 1
    assert_one_line_error(result.stderr, "target column 'nope' not found")


def test_meta_train_writes_artifacts(tmp_path, capsys):
    synthetic_metadb(tmp_path / "meta.sqlite").close()
    out = tmp_path / "artifacts"
    assert main(["meta-train", "--db", str(tmp_path / "meta.sqlite"), "--output-dir", str(out),
                 "--task", "classification", "--iterations", "5", "--ensemble", "1",
                 "--variant", "reptile", "--target", "rank", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["tasks"]["classification"]["datasets"] == 12
    assert (out / "surrogate-classification.pt").exists()
    config = json.loads((out / "surrogate-classification.json").read_text())["config"]
    assert config["variant"] == "reptile" and config["target"] == "rank"


def test_meta_train_errors(tmp_path):
    result = run_cli("meta-train", "--db", tmp_path / "missing.sqlite")
    assert result.returncode == 1
    assert_one_line_error(result.stderr, "meta-database not found")
    (tmp_path / "file").write_text("x")
    synthetic_metadb(tmp_path / "meta.sqlite").close()
    result = run_cli("meta-train", "--db", tmp_path / "meta.sqlite", "--output-dir", tmp_path / "file")
    assert_one_line_error(result.stderr, "is a file, not a directory")


def test_the_cli_lists_the_surrogate_variants_and_targets():
    assert _metatrain.VARIANTS == VARIANTS
    assert _metatrain.TARGETS == tuple(sorted(NORMALIZATIONS))
    assert _metatrain.DEFAULT_TARGET == TrainingConfig().target
