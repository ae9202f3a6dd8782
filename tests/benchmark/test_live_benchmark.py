"""A tiny live benchmark runs end to end and resumes, so the real one cannot rot."""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import pytest
from _meta_fixtures import synthetic_training_set
from sklearn.datasets import load_iris

from metaautoml.benchmark import (
    CURVE_COLUMNS,
    FIRST_MODEL_METHODS,
    LIVE_METHODS,
    SEARCH_METHODS,
    WARM_METHODS,
    LiveBenchmarkConfig,
    LiveDataset,
    anytime_comparison,
    default_dataset_names,
    first_model_summary,
    per_dataset_scores,
    prepare_dataset,
    run_live_benchmark,
    summarize_live,
    summarize_trials_to_match,
    time_to_first_model,
    trials_to_match,
)
from metaautoml.matcher import MatcherConfig
from metaautoml.surrogate import TrainingConfig

N_TRIALS = 2  # with 2 trials no searcher reaches the costlier boosting family


def _config(**changes) -> LiveBenchmarkConfig:
    settings = dict(n_trials=N_TRIALS, seeds=(0,), cv=2, per_trial_time_limit=None,
                    n_warm_start=2, training=TrainingConfig(meta_iterations=5, meta_batch=4, query_size=8),
                    matcher=MatcherConfig(epochs=5))
    settings.update(changes)
    return LiveBenchmarkConfig(**settings)


@pytest.fixture(scope="module")
def iris_dataset() -> LiveDataset:
    X, y = load_iris(return_X_y=True, as_frame=True)
    # Named after a group of the synthetic meta-database, which must then be held out.
    return LiveDataset("iris", "classification", X, y, group="A0")


@pytest.fixture(scope="module")
def run(tmp_path_factory, iris_dataset):
    out = tmp_path_factory.mktemp("live")
    meta = {"classification": synthetic_training_set(n_per_cluster=3)}
    lines: list[str] = []
    results, curves = run_live_benchmark([iris_dataset], meta, _config(), out, progress=lines.append)
    return out, meta, results, curves, lines


def test_every_method_has_a_finite_score(run):
    out, meta, results, curves, lines = run
    assert sorted(results["method"]) == sorted(LIVE_METHODS)
    assert np.isfinite(results["test_score"]).all()
    assert results["test_score"].between(0, 1).all()
    assert (results["wall_time"] > 0).all()
    assert len(lines) == len(LIVE_METHODS)
    assert list(pd.read_csv(out / "raw.csv")["method"]) == list(LIVE_METHODS)  # in run order
    by_method = results.set_index("method")
    assert (by_method.loc[[*SEARCH_METHODS, "flaml_trials"], "n_trials"] == N_TRIALS).all()
    assert (by_method.loc[list(FIRST_MODEL_METHODS), "n_trials"] == 1).all()
    # Leading with HGB's defaults on every table, the first model is HGB's defaults even on
    # iris's 112 training rows, where the shipped rule lets the meta-learned pick lead.
    assert by_method.loc["metaautoml_first_default", "best_model"] == "hist_gradient_boosting"
    for method in WARM_METHODS:
        warm = by_method.loc[method]
        assert warm["meta_datasets"] == 5  # the held-out group's dataset A0 left out of 6
        assert warm["meta_configs"] == meta["classification"].n_configs
    assert list(curves.columns) == list(CURVE_COLUMNS)
    assert sorted(set(curves["method"])) == sorted([*SEARCH_METHODS, *FIRST_MODEL_METHODS])
    for method, curve in curves.groupby("method"):
        n = 1 if method in FIRST_MODEL_METHODS else N_TRIALS
        assert list(curve["trial"]) == list(range(1, n + 1))
        scores = curve["best_cv_score"].to_numpy()
        assert np.all(np.diff(scores[np.isfinite(scores)]) >= 0)


def test_a_rerun_skips_the_units_it_has(run, iris_dataset):
    out, meta, results, curves, _ = run
    lines: list[str] = []
    again, again_curves = run_live_benchmark([iris_dataset], meta, _config(), out,
                                             progress=lines.append)
    assert lines == []
    assert len(again) == len(results) and len(again_curves) == len(curves)
    # A lost unit is the only one that runs again.
    raw = pd.read_csv(out / "raw.csv")
    raw[raw["method"] != "flaml_zeroshot"].to_csv(out / "raw.csv", index=False)
    again, _ = run_live_benchmark([iris_dataset], meta, _config(), out, progress=lines.append)
    assert len(lines) == 1 and "flaml_zeroshot" in lines[0]
    assert len(again) == len(results)


def test_a_file_of_another_layout_is_not_appended_to(tmp_path, iris_dataset):
    (tmp_path / "raw.csv").write_text("task,dataset,score\nclassification,iris,1.0\n")
    with pytest.raises(ValueError, match="has the columns"):
        run_live_benchmark([iris_dataset], {}, _config(), tmp_path)


def test_summaries_of_the_run(run):
    _, _, results, curves, _ = run
    table = summarize_live(results)
    assert list(table["method"]) == list(LIVE_METHODS)
    assert np.isclose(table["rank"].mean(), (len(LIVE_METHODS) + 1) / 2)
    assert (table["units"] == 1).all()
    per = per_dataset_scores(results)
    assert len(per) == len(LIVE_METHODS)
    detail = trials_to_match(curves, k=2)
    assert set(detail["method"]) == {"metaautoml_cold", "optuna_tpe"}
    assert (detail["trials"] >= 1).all() and (detail["trials"] <= N_TRIALS + 1).all()


def test_trials_to_match_on_a_hand_made_curve():
    def curve(method, scores, dataset="d", seed=0):
        return pd.DataFrame({"task": "classification", "dataset": dataset, "seed": seed,
                             "method": method, "trial": range(1, len(scores) + 1),
                             "best_cv_score": scores, "elapsed": 1.0})

    warm = [0.80, 0.85, 0.90, 0.90]           # best after 3 trials: 0.90
    cold = [0.50, 0.70, 0.80, 0.85, 0.90, 0.95]  # reaches 0.90 at trial 5
    slow = [0.50, 0.60, 0.70]                  # never does: 3 + 1, censored
    early = [np.nan, 0.95, 0.95]              # a failed first trial, then better at trial 2
    curves = pd.concat([curve("metaautoml_warm", warm), curve("metaautoml_cold", cold),
                        curve("optuna_tpe", slow),
                        curve("metaautoml_warm", warm, seed=1), curve("metaautoml_cold", early, seed=1)])
    detail = trials_to_match(curves, k=3).set_index(["seed", "method"])
    assert detail.loc[(0, "metaautoml_cold"), "target"] == pytest.approx(0.90)
    assert detail.loc[(0, "metaautoml_cold"), "trials"] == 5
    assert detail.loc[(0, "metaautoml_cold"), "ratio"] == pytest.approx(5 / 3)
    assert detail.loc[(0, "optuna_tpe"), "trials"] == 4
    assert not detail.loc[(0, "optuna_tpe"), "reached"]
    assert detail.loc[(1, "metaautoml_cold"), "trials"] == 2
    summary = summarize_trials_to_match(detail.reset_index()).set_index("method")
    assert summary.loc["metaautoml_cold", "ratio"] == pytest.approx((5 / 3 + 2 / 3) / 2)
    assert summary.loc["metaautoml_cold", "units"] == 2
    assert summary.loc["optuna_tpe", "reached"] == 0.0
    # k beyond the reference's trials is cut to them.
    assert trials_to_match(curves, k=10)["k"].eq(4).all()


def test_anytime_comparison_reads_the_curves_after_trials_and_seconds():
    def curve(method, scores, elapsed, dataset, seed=0):
        return pd.DataFrame({"task": "regression", "dataset": dataset, "seed": seed,
                             "method": method, "trial": range(1, len(scores) + 1),
                             "best_cv_score": scores, "elapsed": elapsed})

    parts = []
    for i in range(6):
        d = f"d{i}"
        # Warm leads after 1 trial by 0.1 on every dataset; cold catches up by trial 3.
        parts += [curve("metaautoml_warm", [0.8, 0.8, 0.8], [1.0, 2.0, 3.0], d),
                  curve("metaautoml_cold", [0.7, 0.7, 0.8], [4.0, 5.0, 6.0], d)]
    # A second seed of d0 where the warm start leads by 0.3: the dataset's mean is 0.2.
    parts += [curve("metaautoml_warm", [1.0], [1.0], "d0", seed=1),
              curve("metaautoml_cold", [0.7], [1.5], "d0", seed=1)]
    table = anytime_comparison(pd.concat(parts), trials=(1, 3), seconds=(2.0, 5.0))
    rows = table.set_index("at")
    assert list(rows.index) == ["1 trials", "3 trials", "2 s", "5 s"]
    assert rows.loc["1 trials", "difference"] == pytest.approx((0.2 + 5 * 0.1) / 6)
    assert rows.loc["1 trials", "wins"] == 6 and rows.loc["1 trials", "p"] < 0.05
    # After 3 trials only d0's second seed still differs.
    assert rows.loc["3 trials", "difference"] == pytest.approx(0.15 / 6)
    assert rows.loc["3 trials", "ties"] == 5
    # After 2 s cold has a finished trial only in d0's second seed; the rest are left out.
    assert rows.loc["2 s", "datasets"] == 1
    assert rows.loc["2 s", "difference"] == pytest.approx(0.3)
    assert (table["p_holm"].dropna() >= table["p"].dropna()).all()
    assert anytime_comparison(pd.concat(parts), peer="optuna_tpe").empty
    # By default the cuts in seconds stop at the run's length (6 s here).
    assert list(anytime_comparison(pd.concat(parts), trials=())["at"]) == ["2 s", "5 s"]


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="unknown live benchmark methods"):
        LiveBenchmarkConfig(methods=("metaautoml_warm", "oracle"))


def test_rows_are_capped_with_every_class_kept(iris_dataset):
    X, y = prepare_dataset(iris_dataset, max_rows=60)
    assert len(X) == len(y) == 60
    assert y.value_counts().tolist() == [20, 20, 20]
    rare = LiveDataset("r", "classification", iris_dataset.X.iloc[:105], iris_dataset.y.iloc[:105])
    assert set(prepare_dataset(rare, min_class_rows=10)[1]) == {0, 1}  # class 2 has 5 rows


def test_default_datasets_follow_the_rule():
    names = default_dataset_names("regression")
    assert len(names) == 4 and len(set(names)) == 4
    assert default_dataset_names("regression") == names  # deterministic
    assert len(default_dataset_names("classification")) == 6


def test_default_datasets_can_leave_out_another_runs_groups():
    from metaautoml.corpus import load_manifest

    group_of = {e.name: e.group for e in load_manifest()}
    first = default_dataset_names("classification", 10)
    other = default_dataset_names("classification", 10,
                                  exclude_groups={group_of[n] for n in first})
    assert len(other) == 10
    assert not {group_of[n] for n in first} & {group_of[n] for n in other}


def test_default_datasets_within_other_row_bounds():
    from metaautoml.corpus import load_manifest

    rows_of = {e.name: e.n_rows for e in load_manifest()}
    large = default_dataset_names("regression", 6, min_rows=5001, max_rows=None)
    assert len(large) == 6 and min(rows_of[n] for n in large) > 5000
    assert max(rows_of[n] for n in large) > 20000  # no upper bound: the largest table is in
    small = default_dataset_names("regression", 6, min_rows=300, max_rows=600)
    assert all(300 <= rows_of[n] <= 600 for n in small)
    # The bounds are the rule's defaults when not given.
    assert default_dataset_names("regression", 6, min_rows=300, max_rows=5000) == \
        default_dataset_names("regression", 6)


def test_live_script_leaves_out_the_groups_of_the_rule_and_of_runs(script, tmp_path):
    from metaautoml.corpus import load_manifest

    module = script("live_benchmark")
    entries = load_manifest()
    group_of = {e.name: e.group for e in entries}
    ruled = {group_of[n] for task in ("classification", "regression")
             for n in default_dataset_names(task, 3, entries=entries)}
    assert module.excluded_groups(entries, 3, []) == ruled
    run = tmp_path / "run"
    run.mkdir()
    pd.DataFrame({"dataset": ["iris", "iris"], "seed": [0, 1]}).to_csv(run / "raw.csv", index=False)
    assert module.excluded_groups(entries, None, [run]) == {group_of["iris"]}
    with pytest.raises(SystemExit, match="no raw.csv"):
        module.excluded_groups(entries, None, [tmp_path])
    assert module._row_range("5001:") == (5001, None)
    assert module._row_range("300:5000") == (300, 5000)
    for bad in ("5000", "a:b", "10:5", "-1:"):
        with pytest.raises(argparse.ArgumentTypeError, match="--table-rows"):
            module._row_range(bad)


def test_at_equal_wall_time_every_searcher_and_flaml_get_the_budget(tmp_path, iris_dataset):
    meta = {"classification": synthetic_training_set(n_per_cluster=3)}
    methods = ("metaautoml_cold", "flaml_time")
    results, curves = run_live_benchmark([iris_dataset], meta,
                                         _config(methods=methods, time_budget=3.0), tmp_path)
    by_method = results.set_index("method")
    assert list(by_method.index) == list(methods)
    # The search ran until its budget, not for N_TRIALS trials; FLAML had the same budget.
    assert by_method.loc["metaautoml_cold", "n_trials"] > N_TRIALS
    assert 2.5 <= by_method.loc["metaautoml_cold", "wall_time"]
    assert np.isfinite(by_method["test_score"]).all()


def test_a_time_budget_must_be_positive():
    with pytest.raises(ValueError, match="time_budget"):
        LiveBenchmarkConfig(time_budget=0)


def test_the_ensemble_arm_runs_the_warm_search_with_an_ensemble(run):
    _, _, results, curves, _ = run
    warm = curves[curves["method"] == "metaautoml_warm"]["best_cv_score"].to_numpy()
    ensemble = curves[curves["method"] == "metaautoml_warm_ensemble"]["best_cv_score"].to_numpy()
    np.testing.assert_allclose(warm, ensemble)  # the same trials: only the final model differs


def _results(rows):
    return pd.DataFrame([dict(zip(("task", "dataset", "seed", "method", "test_score"), row,
                                  strict=True), wall_time=1.0) for row in rows])


def test_first_model_summary_counts_datasets_within_two_points():
    rows = []
    for i, (first, hgb) in enumerate([(0.90, 0.91), (0.80, 0.85), (0.70, 0.70), (0.95, 0.90)]):
        for seed in (0, 1):  # means over seeds: the second seed shifts both alike
            rows += [("classification", f"d{i}", seed, "metaautoml_first", first + seed / 100),
                     ("classification", f"d{i}", seed, "hgb_default", hgb + seed / 100)]
    table = first_model_summary(_results(rows)).set_index("task")
    row = table.loc["classification"]
    assert row["datasets"] == 4
    assert row["within_margin"] == 0.75  # d1 is 5 points below
    assert np.isclose(row["difference"], (-0.01 - 0.05 + 0.0 + 0.05) / 4)
    assert row["worst_dataset"] == "d1" and np.isclose(row["worst"], -0.05)
    assert first_model_summary(_results(rows[:1])).empty  # no baseline, no row


def test_time_to_first_model_reads_the_first_trial():
    curves = pd.DataFrame({"task": "regression", "dataset": ["a", "a", "b", "b"], "seed": 0,
                           "method": "metaautoml_warm", "trial": [1, 2, 1, 2],
                           "best_cv_score": 0.5, "elapsed": [2.0, 5.0, 4.0, 9.0]})
    results = _results([("regression", "a", 0, "hgb_default", 0.5)]).assign(wall_time=0.3)
    table = time_to_first_model(curves, results).set_index("method")
    assert table.loc["metaautoml_warm", "median_seconds"] == 3.0
    assert table.loc["metaautoml_warm", "units"] == 2
    assert table.loc["hgb_default", "median_seconds"] == 0.3


def test_a_proposer_cache_is_reused_across_runs_and_keyed_by_the_settings(
        tmp_path, iris_dataset, monkeypatch):
    from metaautoml.benchmark import _live

    meta = {"classification": synthetic_training_set(n_per_cluster=3)}
    cache = tmp_path / "proposers"
    config = _config(methods=("metaautoml_first",))
    first, _ = run_live_benchmark([iris_dataset], meta, config, tmp_path / "a",
                                  proposer_cache=cache)
    entries = sorted(p.name for p in cache.iterdir())
    assert len(entries) == 1 and entries[0].startswith("classification-")
    assert (cache / entries[0] / "trained.json").exists()

    def no_training(*args, **kwargs):
        raise AssertionError("meta-trained again despite the cache")

    monkeypatch.setattr(_live, "fit_proposer", no_training)
    lines: list[str] = []
    again, _ = run_live_benchmark([iris_dataset], meta, config, tmp_path / "b",
                                  progress=lines.append, proposer_cache=cache)
    assert not any("FAILED" in line for line in lines)
    assert again["test_score"].tolist() == first["test_score"].tolist()
    assert again["meta_train_time"].tolist() == pytest.approx(first["meta_train_time"].tolist())

    # Other meta-training settings are another entry: here, a training the patch refuses.
    other = _config(methods=("metaautoml_first",),
                    training=TrainingConfig(meta_iterations=6, meta_batch=4, query_size=8))
    run_live_benchmark([iris_dataset], meta, other, tmp_path / "c", progress=lines.append,
                       proposer_cache=cache)
    assert any("FAILED" in line and "cache" in line for line in lines)
    assert sorted(p.name for p in cache.iterdir()) == entries  # nothing half-written is left


def test_a_cache_that_cannot_be_written_is_logged_and_leaves_nothing_behind(
        tmp_path, iris_dataset, monkeypatch, caplog):
    from metaautoml.benchmark import _live

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(_live, "save_matcher", disk_full)
    cache = tmp_path / "proposers"
    with caplog.at_level("WARNING", logger="metaautoml.benchmark._live"):
        results, _ = run_live_benchmark(
            [iris_dataset], {"classification": synthetic_training_set(n_per_cluster=3)},
            _config(methods=("metaautoml_first",)), tmp_path / "out", proposer_cache=cache)
    assert "could not keep the meta-trained models" in caplog.text
    assert "No space left on device" in caplog.text
    assert len(results) == 1  # the run went on with the proposer it trained
    assert list(cache.iterdir()) == []


def test_discarded_units_leave_both_files_and_are_measured_again(run, tmp_path):
    import shutil

    from metaautoml.benchmark import discard_units, read_curves, read_results

    out = tmp_path / "copy"
    shutil.copytree(run[0], out)
    before = read_results(out / "raw.csv")
    assert discard_units(out, ["metaautoml_cold"], min_train_rows=10**6) == 0
    assert discard_units(out, ["metaautoml_cold", "optuna_tpe"]) == 2
    after = read_results(out / "raw.csv")
    assert set(before["method"]) - set(after["method"]) == {"metaautoml_cold", "optuna_tpe"}
    assert len(after) == len(before) - 2
    curves = read_curves(out / "curves.csv")
    assert not {"metaautoml_cold", "optuna_tpe"} & set(curves["method"])
    assert set(curves["method"]) == set(read_curves(run[0] / "curves.csv")["method"]) - {
        "metaautoml_cold", "optuna_tpe"}
    assert discard_units(tmp_path / "nothing-here", ["metaautoml_cold"]) == 0
