"""A tiny pool benchmark runs end to end, so the real one cannot rot."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from _meta_fixtures import synthetic_metadb, synthetic_training_set

from metaautoml.benchmark import (
    METHODS,
    PoolBenchmarkConfig,
    cold_surrogate_search,
    group_folds,
    paired_comparison,
    run_pool_benchmark,
    summarize,
    trials_to_target,
)
from metaautoml.metadb import MetaDB, MetaTrainingSet
from metaautoml.space import get_space
from metaautoml.surrogate import TrainingConfig


def test_group_folds_keep_groups_together_and_cover_everything():
    groups = ["a", "a", "b", "c", "c", "d"]
    folds = group_folds(groups, 3)
    assert sorted(np.concatenate(folds).tolist()) == list(range(6))
    for fold in folds:
        assert {groups[i] for i in fold}.isdisjoint({groups[i] for f in folds if f is not fold for i in f})
    assert len(group_folds(groups, None)) == 4


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="unknown benchmark methods"):
        PoolBenchmarkConfig(methods=("portfolio", "oracle"))


@pytest.fixture(scope="module")
def results():
    training = synthetic_training_set(n_per_cluster=5)
    config = PoolBenchmarkConfig(n_folds=2, horizon=10, n_random=3,
                                 training=TrainingConfig(meta_iterations=10, meta_batch=4, query_size=8))
    config = replace(config, matcher=replace(config.matcher, epochs=10))
    return run_pool_benchmark(training, config)


def test_every_method_orders_every_held_out_dataset(results):
    assert set(results["method"]) == set(METHODS)
    counts = results.groupby("method").size()
    assert (counts == 10 * 10).all()  # 10 datasets x horizon 10
    assert results["regret"].between(0, 1).all()
    monotone = results.sort_values("k").groupby(["method", "dataset"])["regret"].apply(
        lambda r: bool(np.all(np.diff(r.to_numpy()) <= 1e-12)))
    assert monotone.all()


def test_matching_beats_the_average_on_clustered_data(results):
    table = summarize(results, k_values=(1,))
    regret = table.set_index("method")["regret"]
    assert regret["matcher"] < regret["random"]


def test_summaries(results):
    table = summarize(results)
    assert set(table["k"]) == {1, 3, 5, 10}
    ranks = table.groupby("k")["rank"].mean()
    assert np.allclose(ranks, (len(METHODS) + 1) / 2)
    ttt = trials_to_target(results)
    assert ttt.set_index("method").loc["random", "relative_to_random"] == pytest.approx(1.0)


@pytest.mark.slow
def test_the_script_runs_and_resumes(tmp_path, capsys, script):
    synthetic_metadb(tmp_path / "meta.sqlite", n_per_cluster=3).close()
    pool_benchmark = script("pool_benchmark")
    argv = ["--db", str(tmp_path / "meta.sqlite"), "--task", "classification", "--folds", "2",
            "--methods", "random,portfolio,matcher,full", "--iterations", "5", "--horizon", "5",
            "--output", str(tmp_path / "out")]
    assert pool_benchmark.main(argv) == 0
    out = capsys.readouterr().out
    assert "mean normalized regret (6 held-out datasets)" in out
    assert (tmp_path / "out" / "raw_classification.csv").exists()
    assert not (tmp_path / "out" / "folds-classification").exists()  # merged into the raw CSV
    assert "baseline minus full regret" in out
    assert set(pd.read_csv(tmp_path / "out" / "paired.csv")["baseline"]) == {"portfolio", "random"}
    assert pool_benchmark.main(argv) == 0
    assert "reusing" in capsys.readouterr().err
    # A changed database must not resume the other one's results.
    synthetic_metadb(tmp_path / "other.sqlite", n_per_cluster=4).close()
    other = ["--db", str(tmp_path / "other.sqlite"), *argv[2:]]
    with pytest.raises(RuntimeError, match="measured on another meta-database"):
        pool_benchmark.main(other)
    assert pool_benchmark.main([*other, "--force"]) == 0
    # --seed draws another split of the same datasets (to validate a choice on a fresh one).
    assert pool_benchmark.main([*argv[:-1], str(tmp_path / "seed3"), "--seed", "3"]) == 0
    raw = pd.read_csv(tmp_path / "seed3" / "raw_classification.csv").drop_duplicates("dataset")
    data = MetaTrainingSet.from_metadb(MetaDB(tmp_path / "meta.sqlite", readonly=True), "classification")
    expected = {data.datasets[i]: fold for fold, test in enumerate(group_folds(data.groups, 2, seed=3))
                for i in test}
    assert dict(zip(raw["dataset"], raw["fold"], strict=True)) == expected


@pytest.mark.slow
def test_the_sweep_runs_every_setting_side_by_side_and_resumes(tmp_path, capsys, script):
    synthetic_metadb(tmp_path / "meta.sqlite", n_per_cluster=3).close()
    pool_sweep = script("pool_sweep")
    argv = ["--db", str(tmp_path / "meta.sqlite"), "--task", "classification", "--folds", "2",
            "--temperatures", "0.5,1", "--methods", "portfolio,full", "--iterations", "5",
            "--output", str(tmp_path / "out")]
    assert pool_sweep.main(argv) == 0
    sweep = pd.read_csv(tmp_path / "out" / "sweep.csv")
    settings = sweep[["target", "temperature", "hedge", "neighbor_best"]].drop_duplicates()
    assert len(settings) == 4 and set(settings["target"]) == {"minmax", "median_clipped"}
    assert set(settings["hedge"]) == {0.0} and set(settings["neighbor_best"]) == {0}
    assert set(sweep["method"]) == {"portfolio", "full"}
    # The portfolio does not depend on either setting: the sweep must not pretend it does.
    portfolio = sweep[sweep["method"] == "portfolio"].groupby("k")["regret"].nunique()
    assert (portfolio == 1).all()
    assert "| median_clipped | 0.5 | 0 | 0 | full |" in (tmp_path / "out" / "sweep.md").read_text()
    capsys.readouterr()
    assert pool_sweep.main(argv) == 0
    assert "temperature=" not in capsys.readouterr().err  # every setting reused
    # Results measured by other code, or with other options, are rerun rather than mixed in.
    notes = tmp_path / "out" / "raw_classification_minmax_t1_h0_n0.json"
    measured = json.loads(notes.read_text())
    assert measured["iterations"] == 5 and measured["methods"] == ["full", "portfolio"]
    assert measured["ensemble"] == 3  # the surrogate as shipped
    # An old record: other code, and from before the ensemble was recorded (one member then).
    old = {key: value for key, value in measured.items() if key != "ensemble"}
    notes.write_text(json.dumps({**old, "code": {"commit": "0ldc0de", "modified": False}}))
    sweep = pool_sweep.collect(tmp_path / "out")
    stale = (sweep["target"] == "minmax") & (sweep["temperature"] == 1)
    assert set(sweep.loc[stale, "code"]) == {"0ldc0de"} and "0ldc0de" not in set(sweep.loc[~stale, "code"])
    assert set(sweep.loc[stale, "members"]) == {1} and set(sweep.loc[~stale, "members"]) == {3}
    assert "| 1 | 0ldc0de |" in pool_sweep.sweep_markdown(sweep)
    assert pool_sweep.main(argv) == 0
    err = capsys.readouterr().err
    assert "raw_classification_minmax_t1_h0_n0.csv: measured with other code, ensemble; rerunning" in err
    assert err.count("temperature=") == 1
    assert "0ldc0de" not in (tmp_path / "out" / "sweep.md").read_text()
    assert pool_sweep.main([*argv, "--iterations", "6"]) == 0
    assert capsys.readouterr().err.count("measured with other iterations; rerunning") == 4
    notes.unlink()  # a CSV from before the record is not trusted either
    assert pool_sweep.main([*argv, "--iterations", "6"]) == 0
    assert "measured with other code, ensemble, folds, iterations, methods" in capsys.readouterr().err
    assert pool_sweep.main([*argv, "--iterations", "6"]) == 0
    assert "temperature=" not in capsys.readouterr().err
    # A later grid adds its settings to the tables beside the earlier ones.
    assert pool_sweep.main([*argv, "--targets", "minmax", "--temperatures", "1",
                            "--hedges", "0,1", "--neighbor-bests", "2"]) == 0
    assert capsys.readouterr().err.count("temperature=") == 2
    sweep = pd.read_csv(tmp_path / "out" / "sweep.csv")
    assert len(sweep[["target", "temperature", "hedge", "neighbor_best"]].drop_duplicates()) == 6
    assert "| minmax | 1 | 1 | 2 | full |" in (tmp_path / "out" / "sweep.md").read_text()
    (tmp_path / "out" / "raw_minmax_t1_h1.csv").write_text("")
    with pytest.raises(ValueError, match="not named like a sweep's raw CSV"):
        pool_sweep.main(argv)
    (tmp_path / "out" / "raw_minmax_t1_h1.csv").unlink()
    capsys.readouterr()  # that run remeasured the --iterations 6 settings before it failed
    for extra in ("h0_n2", "h1_n2"):
        (tmp_path / "out" / f"raw_classification_minmax_t1_{extra}.csv").unlink()
    # Other methods, or --force, rerun the settings instead of reusing them.
    assert pool_sweep.main([*argv, "--methods", "portfolio"]) == 0
    reruns = [line for line in capsys.readouterr().err.splitlines() if line.endswith("; rerunning")]
    assert len(reruns) == 4 and all(line.endswith("other methods; rerunning") for line in reruns)
    assert set(pd.read_csv(tmp_path / "out" / "sweep.csv")["method"]) == {"portfolio"}
    assert pool_sweep.main([*argv, "--force"]) == 0
    assert capsys.readouterr().err.count("temperature=") == 4
    with pytest.raises(SystemExit):
        pool_sweep.main([*argv, "--targets", "zscore"])
    assert "unknown --targets ['zscore']" in capsys.readouterr().err


@pytest.fixture(scope="module")
def small_run():
    training = synthetic_training_set(n_per_cluster=3)
    config = PoolBenchmarkConfig(methods=("random", "portfolio", "matcher", "full"), n_folds=3,
                                 horizon=5, n_random=3,
                                 training=TrainingConfig(meta_iterations=5, meta_batch=4, query_size=8))
    return training, replace(config, matcher=replace(config.matcher, epochs=5))


def test_folds_resume_from_checkpoints(small_run, tmp_path):
    training, config = small_run
    first = run_pool_benchmark(training, config, checkpoints=tmp_path)
    saved = sorted(p.name for p in tmp_path.glob("fold-*.csv"))
    assert saved == ["fold-000.csv", "fold-001.csv", "fold-002.csv"]
    (tmp_path / "fold-001.csv").unlink()
    lines = []
    resumed = run_pool_benchmark(training, config, progress=lines.append, checkpoints=tmp_path)
    assert lines[0].endswith(f"2 of 3 folds reused from {tmp_path}")
    assert [line.split(" (")[0] for line in lines[1:]] == ["classification fold 2"]
    pd.testing.assert_frame_equal(resumed, first)


def test_a_checkpoint_of_other_methods_or_horizon_is_rerun(small_run, tmp_path):
    training, config = small_run
    run_pool_benchmark(training, replace(config, methods=("random",)), checkpoints=tmp_path)
    lines = []
    results = run_pool_benchmark(training, config, progress=lines.append, checkpoints=tmp_path)
    assert len(lines) == 3  # nothing reused
    assert set(results["method"]) == set(config.methods)
    lines = []
    results = run_pool_benchmark(training, replace(config, horizon=4), progress=lines.append,
                                 checkpoints=tmp_path)
    assert len(lines) == 3 and results["k"].max() == 4


def test_parallel_folds_reproduce_the_serial_run(small_run):
    training, config = small_run
    serial = run_pool_benchmark(training, config)
    parallel = run_pool_benchmark(training, config, n_jobs=2)
    pd.testing.assert_frame_equal(parallel, serial)


def test_n_jobs_zero_is_rejected(small_run):
    training, config = small_run
    with pytest.raises(ValueError, match="n_jobs must be a non-zero integer"):
        run_pool_benchmark(training, config, n_jobs=0)


def test_paired_comparison_counts_datasets_where_the_method_is_better():
    regrets = {"full": [0.1, 0.2, 0.3], "portfolio": [0.2, 0.2, 0.1]}
    results = pd.DataFrame([{"task": "classification", "dataset": f"d{i}", "k": 1, "method": m,
                             "regret": r[i]} for m, r in regrets.items() for i in range(3)])
    table = paired_comparison(results, baselines=("portfolio", "l1_knn"), k_values=(1,))
    assert len(table) == 1  # l1_knn has no results
    row = table.iloc[0]
    assert (row["baseline"], row["wins"], row["ties"], row["losses"]) == ("portfolio", 1, 1, 1)
    assert row["difference"] == pytest.approx((0.1 + 0.0 - 0.2) / 3)
    assert row["difference_sem"] == pytest.approx(np.std([0.1, 0.0, -0.2], ddof=1) / np.sqrt(3))
    with pytest.raises(ValueError, match="no results for method 'surrogate'"):
        paired_comparison(results, method="surrogate")


def test_the_sequential_phase_is_the_shipped_samplers_acquisition():
    # The pool benchmark runs MetaSurrogateSampler.select over the pool: each pick is what the
    # sampler the estimators use would choose from the untried pool configurations.
    from metaautoml.benchmark._pool import _sequential
    from metaautoml.search import MetaSurrogateSampler
    from metaautoml.space import get_space
    from metaautoml.surrogate import MetaSurrogate

    training = synthetic_training_set(n_per_cluster=3)
    surrogate = MetaSurrogate(TrainingConfig(meta_iterations=5, meta_batch=4, query_size=8),
                              n_ensemble=2).fit(training)
    meta, scores = training.meta_features.iloc[0], training.scores[0]
    order = _sequential(surrogate, meta, training, scores, horizon=8, start=[0, 1, 2])
    assert order[:3] == [0, 1, 2] and len(set(order)) == 8
    sampler = MetaSurrogateSampler(surrogate, get_space(training.task), meta)
    configs = list(training.configs)
    for step in range(3, 8):
        left = [c for i, c in enumerate(configs) if i not in order[:step]]
        expected = sampler.select(left, [configs[i] for i in order[:step]], scores[order[:step]])
        if expected is not None:
            assert configs[order[step]] == expected


def test_the_cold_surrogate_search_starts_with_its_start_and_climbs_a_learnable_score():
    rng = np.random.default_rng(0)
    encodings = rng.uniform(size=(200, 4))
    scores = encodings @ np.array([1.0, 0.5, 0.0, 0.0])
    start = [3, 3, 17, 40]
    order = cold_surrogate_search(encodings, scores, 20, start, seed=0)
    assert order[:3] == [3, 17, 40] and len(order) == len(set(order)) == 20
    # Sixteen model-based picks find a configuration in the pool's top 2 %; sixteen random
    # ones would with probability 1 - 0.98**16, about 28 %.
    assert scores[order].max() >= np.quantile(scores, 0.98)


def test_the_cold_start_tries_the_family_defaults_first():
    training = synthetic_training_set(n_per_cluster=3)
    space = get_space(training.task)
    defaults = {training.config_ids.index(space.config_id(c)) for c in space.default_configs()}
    config = PoolBenchmarkConfig(methods=("cold_start", "portfolio_smac", "l1_knn_smac"),
                                 n_folds=2, horizon=9)
    results = run_pool_benchmark(training, config)
    assert set(results["method"]) == set(config.methods)
    # Only the orders are checked here, on one held-out dataset through the same path.
    from metaautoml.benchmark._pool import _FoldMethods

    train = training.subset(training.datasets[1:])
    methods = _FoldMethods(train, config)
    meta, scores = training.meta_features.iloc[0], training.scores[0]
    order = methods.order("cold_start", meta, scores, np.random.default_rng(0))
    assert set(order[:len(defaults)]) == defaults and len(order) == 9
    assert methods.order("portfolio_smac", meta, scores,
                         np.random.default_rng(0))[:config.n_warm_start] == methods.portfolio[:config.n_warm_start]
