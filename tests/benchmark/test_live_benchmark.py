"""A tiny live benchmark runs end to end and resumes, so the real one cannot rot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _meta_fixtures import synthetic_training_set
from sklearn.datasets import load_iris

from metaautoml.benchmark import (
    CURVE_COLUMNS,
    LIVE_METHODS,
    SEARCH_METHODS,
    LiveBenchmarkConfig,
    LiveDataset,
    default_dataset_names,
    per_dataset_scores,
    prepare_dataset,
    run_live_benchmark,
    summarize_live,
    summarize_trials_to_match,
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
    warm = by_method.loc["metaautoml_warm"]
    assert warm["meta_datasets"] == 5  # the held-out group's dataset A0 left out of 6
    assert warm["meta_configs"] == meta["classification"].n_configs
    assert list(curves.columns) == list(CURVE_COLUMNS)
    assert sorted(set(curves["method"])) == sorted(SEARCH_METHODS)
    for _, curve in curves.groupby("method"):
        assert list(curve["trial"]) == list(range(1, N_TRIALS + 1))
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
