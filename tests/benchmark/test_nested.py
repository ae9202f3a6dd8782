"""Nested selection: every outer fold chooses the warm start's settings from its training groups."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from _meta_fixtures import synthetic_training_set

from metaautoml.benchmark import (
    NESTED_METHOD,
    NestedConfig,
    NestedGrid,
    PoolBenchmarkConfig,
    _nested,
    choose_settings,
    group_folds,
    run_nested_pool_benchmark,
)
from metaautoml.surrogate import TrainingConfig


def _tiny_config(**grid) -> NestedConfig:
    pool = PoolBenchmarkConfig(methods=("full",), n_folds=2, horizon=8, n_warm_start=3,
                               training=TrainingConfig(meta_iterations=5, meta_batch=4, query_size=8))
    pool = replace(pool, matcher=replace(pool.matcher, epochs=5))
    return NestedConfig(pool=pool, inner_folds=2, selection_horizon=5,
                        grid=NestedGrid(**{"temperatures": (0.5,), "neighbor_bests": (0, 3), **grid}))


@pytest.fixture(scope="module")
def training():
    return synthetic_training_set(n_per_cluster=4)


def test_the_grid_crosses_every_proposer_setting():
    configs = NestedGrid(temperatures=(0.25, 1.0), first_pick_hedges=(0.0,), neighbor_bests=(0, 3),
                         lead_defaults=(0, 1)).proposers("regression")
    assert len(configs) == 8
    assert {(c.temperature, c.neighbor_best, c.lead_defaults) for c in configs} == {
        (t, n, lead) for t in (0.25, 1.0) for n in (0, 3) for lead in (0, 1)}


def test_choices_are_made_on_the_training_datasets_alone(training, monkeypatch):
    seen = []
    original = _nested.fit_proposer

    def spy(train, *args, **kwargs):
        seen.append(set(train.datasets))
        return original(train, *args, **kwargs)

    monkeypatch.setattr(_nested, "fit_proposer", spy)
    train = training.subset(training.datasets[:6])
    chosen = choose_settings(train, _tiny_config())
    assert seen and all(names < set(train.datasets) for names in seen)
    assert chosen["target"] in ("median_clipped", "minmax")
    assert set(chosen["inner_target_regret"]) == {"median_clipped", "minmax"}
    assert chosen["proposer"]["neighbor_best"] in (0, 3)
    # The chosen proposer is at least as good as the default inside, by construction.
    if chosen["inner_default_regret"] is not None:
        assert chosen["inner_setting_regret"] <= chosen["inner_default_regret"] + 1e-12


def test_the_nested_run_scores_every_held_out_dataset_and_resumes(training, tmp_path):
    config = _tiny_config()
    results, choices = run_nested_pool_benchmark(training, config, checkpoints=tmp_path)
    assert set(results["method"]) == {NESTED_METHOD}
    assert set(results["dataset"]) == set(training.datasets)
    assert results.groupby("dataset")["k"].max().eq(8).all()
    assert results["regret"].between(0, 1).all()
    assert list(choices["fold"]) == [0, 1] and set(choices["target"]) <= {"median_clipped", "minmax"}
    folds = group_folds(training.groups, 2, config.pool.seed)
    saved = json.loads((tmp_path / "fold-001.json").read_text())
    assert set(saved["held_out"]) == {training.datasets[i] for i in folds[1]}
    stamps = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    again, _ = run_nested_pool_benchmark(training, config, checkpoints=tmp_path)
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == stamps
    assert np.allclose(again["regret"], results["regret"])


def test_the_script_writes_results_choices_and_notes(tmp_path, script):
    from _meta_fixtures import synthetic_metadb

    synthetic_metadb(tmp_path / "meta.sqlite", n_per_cluster=3).close()
    out = tmp_path / "nested"
    assert script("pool_nested").main(
        ["--db", str(tmp_path / "meta.sqlite"), "--task", "classification", "--folds", "2",
         "--inner-folds", "2", "--iterations", "5", "--horizon", "5", "--seed", "0",
         "--output", str(out)]) == 0
    assert (out / "raw_classification.csv").exists() and (out / "choices.csv").exists()
    notes = json.loads((out / "run.json").read_text())
    assert "pool_nested.py" in notes["command"] and notes["database"]["fingerprint"]
