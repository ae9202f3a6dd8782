"""The results page is made from the raw benchmark files alone, with every method and figure."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _meta_fixtures import synthetic_metadb

from metaautoml.benchmark import (
    CURVE_COLUMNS,
    LIVE_METHODS,
    RESULT_COLUMNS,
    SEARCH_METHODS,
    check_same_database,
    code_notes,
    database_fingerprint,
    database_notes,
    live_regret,
    markdown_table,
    write_run_notes,
)
from metaautoml.evaluation import TrialResult
from metaautoml.metadb import MetaDB

POOL_METHODS = ("random", "portfolio", "l1_knn", "matcher", "full")


def _live_results(directory: Path) -> None:
    """Raw live results for 2 datasets x 2 seeds: the warm start best on every split."""
    rows, curves = [], []
    for dataset in ("a", "b"):
        for seed in (0, 1):
            for rank, method in enumerate(LIVE_METHODS):
                row = dict.fromkeys(RESULT_COLUMNS)
                row.update(task="classification", dataset=dataset, group=dataset, seed=seed,
                           method=method, metric="accuracy", test_score=0.9 - 0.01 * rank,
                           cv_score=0.9 - 0.01 * rank, wall_time=1.0, n_trials=12)
                rows.append(row)
                if method in SEARCH_METHODS:
                    for trial in range(12):
                        curves.append({"task": "classification", "dataset": dataset, "seed": seed,
                                       "method": method, "trial": trial,
                                       "best_cv_score": 0.9 - 0.01 * rank - 0.1 / (trial + 1),
                                       "elapsed": float(trial)})
    directory.mkdir(parents=True)
    pd.DataFrame(rows, columns=list(RESULT_COLUMNS)).to_csv(directory / "raw.csv", index=False)
    pd.DataFrame(curves, columns=list(CURVE_COLUMNS)).to_csv(directory / "curves.csv", index=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory, script):
    root = tmp_path_factory.mktemp("report")
    synthetic_metadb(root / "meta.sqlite", n_per_cluster=3).close()
    pool = root / "pool"
    assert script("pool_benchmark").main(
        ["--db", str(root / "meta.sqlite"), "--task", "classification", "--folds", "2",
         "--methods", ",".join(POOL_METHODS), "--iterations", "5", "--horizon", "5",
         "--output", str(pool)]) == 0
    sweep = ["--db", str(root / "meta.sqlite"), "--task", "classification", "--folds", "2",
             "--temperatures", "0.5", "--methods", "portfolio,full", "--iterations", "5",
             "--output", str(root / "sweep")]
    assert script("pool_sweep").main(sweep) == 0
    # A second grid into the same directory: the page lists both commands.
    assert script("pool_sweep").main([*sweep, "--targets", "minmax", "--hedges", "1",
                                      "--neighbor-bests", "1"]) == 0
    # A second pool run without the full system (another protocol, say) gets its own part.
    assert script("pool_benchmark").main(
        ["--db", str(root / "meta.sqlite"), "--task", "classification", "--folds", "3",
         "--methods", "random,portfolio", "--horizon", "5", "--output", str(root / "pool-other")]) == 0
    # The nested run of the same folds and seed heads the page.
    assert script("pool_nested").main(
        ["--db", str(root / "meta.sqlite"), "--task", "classification", "--folds", "2",
         "--inner-folds", "2", "--iterations", "5", "--horizon", "5", "--seed", "0",
         "--output", str(root / "nested")]) == 0
    # Two runs compared as if of two meta-databases (here: two protocols of one).
    assert script("compare_metadb_versions").main(
        ["--old", str(root / "pool-other"), "--new", str(pool),
         "--output", str(root / "versions")]) == 0
    _live_results(root / "live")
    output = root / "docs" / "benchmarks.md"
    output.parent.mkdir()
    assert script("report").main(["--pool", str(pool), "--pool", str(root / "pool-other"),
                                   "--sweep", str(root / "sweep"), "--nested", str(root / "nested"),
                                   "--versions", str(root / "versions"),
                                   "--live", str(root / "live"),
                                   "--output", str(output), "--figures",
                                   str(root / "docs" / "figures")]) == 0
    return root, output.read_text()


@pytest.mark.slow
def test_the_page_shows_every_method_of_both_benchmarks(page):
    _, text = page
    assert "## Offline: leave-groups-out" in text and "## Live: searches" in text
    for method in (*POOL_METHODS, *LIVE_METHODS):
        assert f"| {method} |" in text, method
    assert "`full`'s regret is significantly lower than every baseline's" in text
    assert "Protocol for classification: 2 folds of source groups" in text
    assert "| full vs | k=1 | k=3 | k=5 |" in text  # the paired differences to the baselines
    # The live part tests the warm start against each peer over datasets.
    assert "| metaautoml_warm vs | datasets | warm - peer | wins/ties/losses | p (Holm) |" in text
    gap = 0.01 * LIVE_METHODS.index("optuna_tpe")  # the synthetic scores fall by rank
    assert (f"| optuna_tpe | 2 | +{gap:.4f} [+{gap:.4f}, +{gap:.4f}] | 2/0/0 | n/a (fewer than 5"
            in text)
    # The first model alone against default boosting, and the seconds until a first model.
    first_gap = 0.01 * (LIVE_METHODS.index("hgb_default") - LIVE_METHODS.index("metaautoml_first"))
    assert f"| 2 | 1.0000 | {first_gap:.4f} |" in text
    assert "Seconds from the start of `fit` until the first model" in text


@pytest.mark.slow
def test_the_page_leads_with_the_nested_answer(page):
    root, text = page
    answer = text[text.index("## The answer first"):text.index("## Regenerate")]
    assert text.index("## The answer first") < text.index("## Offline")
    assert "### classification (6 held-out datasets, 2 folds of source groups)" in answer
    assert "| method | k=1 | k=3 | k=5 |" in answer
    # The nested system heads the table; the sweep-chosen one is shown as an unmarked ablation.
    rows = [line.split("|")[1].strip() for line in answer.splitlines() if line.startswith("| ")]
    assert rows[2:4] == ["full_nested", "full"]  # after the header and its rule
    assert "`full_nested`'s regret is significantly lower than every baseline's" in answer
    assert "chosen again in every outer fold" in answer
    assert "| classification | 0 | 3 |" in answer  # the choices table: task, fold, datasets
    assert "](figures/pool_classification.png)" in answer
    assert f"--nested {root / 'nested'}" in text and "pool_nested.py" in text


@pytest.mark.slow
def test_the_page_names_its_commands_and_database(page):
    root, text = page
    notes = json.loads((root / "pool" / "run.json").read_text())
    assert "pool_benchmark.py --db" in notes["command"]
    assert notes["command"] in text
    assert "benchmarks/report.py" in text
    assert f"Meta-database: `{root / 'meta.sqlite'}`" in text
    assert f"cpus {notes['machine']['cpus']}" in text


@pytest.mark.slow
def test_the_page_shows_the_settings_sweep_and_its_command(page):
    root, text = page
    assert "### Warm-start settings" in text
    assert "| median_clipped | 0.5 | 0 | 0 | full |" in text and "| minmax | 0.5 | 0 | 0 | portfolio |" in text
    assert "| minmax | 0.5 | 1 | 1 | full |" in text
    assert "The `code` column names the commit that measured each row" in text
    notes = json.loads((root / "sweep" / "run.json").read_text())
    assert "--neighbor-bests 1" in notes["command"] and notes["command"] in text
    assert len(notes["earlier_commands"]) == 1 and notes["earlier_commands"][0] in text


@pytest.mark.slow
def test_a_second_pool_run_has_its_own_part_figure_and_command(page):
    root, text = page
    other = text[text.index(f"### Run in `{root / 'pool-other'}`"):text.index("## Live")]
    assert "Protocol for classification: 3 folds of source groups" in other
    assert "| portfolio |" in other and "| full |" not in other
    assert "--folds 3" in json.loads((root / "pool-other" / "run.json").read_text())["command"]
    assert f"--pool {root / 'pool'} --pool {root / 'pool-other'}" in text


@pytest.mark.slow
def test_the_surrogate_is_tested_against_the_system_without_it(page):
    root, text = page
    main = text[text.index("## Offline"):text.index(f"### Run in `{root / 'pool-other'}`")]
    assert "Does each part of the full system earn its place?" in main
    assert "| matcher | " in main.split("Does each part of the full system")[1]
    # A run without the full system or its parts has no such table.
    other = text[text.index(f"### Run in `{root / 'pool-other'}`"):text.index("## Live")]
    assert "Does each part of the full system" not in other


@pytest.mark.slow
def test_the_meta_database_versions_have_their_part_and_command(page):
    root, text = page
    part = text[text.index("## Meta-database versions"):text.index("## Live")]
    assert "#### classification" in part and "| portfolio |" in part
    assert "compare_metadb_versions.py --old" in part  # the run's command, under its heading
    assert f"--versions {root / 'versions'}" in text


@pytest.mark.slow
def test_the_figures_are_written_and_linked(page):
    root, text = page
    for name in ("pool_classification.png", "pool2_classification.png", "live_classification.png"):
        path = root / "docs" / "figures" / name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"](figures/{name})" in text


def test_live_regret_runs_from_one_to_zero_per_split():
    curves = pd.DataFrame({"task": "t", "dataset": "d", "seed": 0,
                           "method": ["x", "x", "y", "y"], "trial": [0, 1, 0, 1],
                           "best_cv_score": [0.5, 0.7, 0.6, 0.9], "elapsed": 0.0})
    regret = live_regret(curves).set_index(["method", "trial"])["regret"]
    # 0 is the best score any searcher reached (0.9), 1 the worst first trial (0.5).
    np.testing.assert_allclose(regret.to_numpy(), [1.0, 0.5, 0.75, 0.0])


def test_markdown_table_formats_floats_and_blanks_nan():
    frame = pd.DataFrame({"a": [0.123456, np.nan], "b": ["x", "y"]}, index=pd.Index(["m", "n"], name="method"))
    assert markdown_table(frame, "{:.2f}").splitlines() == [
        "| method | a | b |", "| --- | --- | --- |", "| m | 0.12 | x |", "| n |  | y |"]


def test_results_of_another_database_are_not_resumed(tmp_path):
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    first.write_bytes(b"one database")
    second.write_bytes(b"another database")
    assert database_fingerprint(first) == database_fingerprint(first)
    assert database_fingerprint(first) != database_fingerprint(second)
    check_same_database(tmp_path / "nothing-yet", database_fingerprint(first))
    write_run_notes(tmp_path, __file__, [], database={"fingerprint": database_fingerprint(first)})
    check_same_database(tmp_path, database_fingerprint(first))
    with pytest.raises(RuntimeError, match="another meta-database.*--force"):
        check_same_database(tmp_path, database_fingerprint(second))


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_code_notes_name_the_commit_and_say_when_files_differ(tmp_path):
    def git(*args):
        return subprocess.run(["git", *args], cwd=tmp_path / "repo", check=True,
                              capture_output=True, text=True).stdout.strip()

    (tmp_path / "repo").mkdir()
    script = tmp_path / "repo" / "bench.py"
    script.write_text("print(1)\n")
    git("init", "-q")
    git("add", "bench.py")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    assert code_notes(script) == {"code": {"commit": git("rev-parse", "--short=12", "HEAD"),
                                           "modified": False}}
    script.write_text("print(2)\n")
    assert code_notes(script)["code"]["modified"] is True
    (tmp_path / "loose").mkdir()
    assert code_notes(tmp_path / "loose" / "bench.py") == {}


def test_a_resumed_run_keeps_the_commands_and_code_of_the_runs_before_it(tmp_path, monkeypatch):
    from metaautoml.benchmark import _report

    codes = iter([{"commit": "aaa", "modified": False}, {"commit": "bbb", "modified": True},
                  {"commit": "bbb", "modified": True}, {"commit": "ccc", "modified": False}])
    monkeypatch.setattr(_report, "code_notes", lambda script: {"code": next(codes)})

    def notes(argv, keep_earlier=True):
        path = write_run_notes(tmp_path, __file__, argv, keep_earlier=keep_earlier)
        return json.loads(path.read_text())

    assert "earlier" not in notes(["--task", "regression"])
    second = notes(["--task", "classification"])
    assert [run["code"]["commit"] for run in second["earlier"]] == ["aaa"]
    assert second["earlier"][0]["command"].endswith("--task regression")
    # The same command on the same code again adds nothing; a fresh run (--force) keeps nothing.
    assert notes(["--task", "classification"])["earlier"] == second["earlier"]
    assert "earlier" not in notes([], keep_earlier=False)


def test_the_page_names_the_commits_of_resumed_results(script):
    report = script("report")
    notes = {"code": {"commit": "ccc", "modified": False},
             "earlier": [{"command": "x", "code": {"commit": "aaa", "modified": False}},
                         {"command": "y", "code": {"commit": "bbb", "modified": True}}]}
    text = "\n".join(report._provenance(notes))
    assert "Code: commit `ccc`." in text
    assert "earlier runs of this directory, at commit `aaa`, `bbb` with uncommitted changes" in text
    assert "earlier" not in "\n".join(report._provenance({"code": notes["code"]}))


def test_a_run_resumes_when_only_the_other_task_changed(tmp_path):
    db = synthetic_metadb(tmp_path / "meta.sqlite", n_per_cluster=2)
    out = tmp_path / "run"
    notes = database_notes(db, ["classification"], out, label="shipped")
    assert notes["path"] == "shipped" and set(notes["content_fingerprints"]) == {"classification"}
    write_run_notes(out, __file__, [], database=notes)
    # The file changes (another key in ``meta``): the classification data did not, so it resumes,
    # and a later run of the regression task keeps classification's record.
    db.set_meta("unrelated", "1")
    db.close()  # written through to the file (out of the write-ahead log)
    db = MetaDB(db.path)
    assert database_fingerprint(db.path) != notes["fingerprint"]
    later = database_notes(db, ["regression"], out)
    assert set(later["content_fingerprints"]) == {"classification", "regression"}
    write_run_notes(out, __file__, [], database=later)
    # Its own data changes: refused, naming the task.
    name = db.datasets("classification").index[0]
    config = db.configurations("classification").index[0]
    db.record_fidelity_evaluations(name, 5000, [(config, TrialResult(
        "complete", scores={"accuracy": 0.5}, fit_time=1.0, duration=1.0))])
    with pytest.raises(RuntimeError, match="another meta-database's classification data.*--force"):
        database_notes(db, ["classification"], out)
    database_notes(db, ["regression"], out)  # the other task still resumes
    assert database_notes(db, ["classification"], out, check=False)["content_fingerprints"].keys() \
        == {"classification"}


def test_the_live_section_states_the_ensembles_gain_over_the_single_model(tmp_path):
    from metaautoml.benchmark import live_section

    rows = []
    for i in range(6):
        for method, score in (("metaautoml_warm", 0.80), ("metaautoml_warm_ensemble", 0.80 + 0.01 * (i + 1)),
                              ("hgb_default", 0.70)):
            row = dict.fromkeys(RESULT_COLUMNS)
            row.update(task="regression", dataset=f"d{i}", group=f"d{i}", seed=0, method=method,
                       metric="r2", test_score=score, cv_score=score, wall_time=1.0, n_trials=5)
            rows.append(row)
    results = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    curves = pd.DataFrame(columns=list(CURVE_COLUMNS))
    text = live_section(results, curves, [], tmp_path)
    assert ("gain over the best single model (`metaautoml_warm_ensemble` minus `metaautoml_warm`, "
            "the same searcher): +0.0350") in text
    assert "over 6 datasets, 6 better / 0 tied / 0 worse (Wilcoxon p = 0.0312)" in text
