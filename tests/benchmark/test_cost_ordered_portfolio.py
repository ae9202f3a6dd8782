"""benchmarks/cost_ordered_portfolio.py: gain per second, replayed at equal time and trials."""

from __future__ import annotations

import numpy as np
from _meta_fixtures import synthetic_metadb


def test_gain_per_second_takes_the_cheap_good_column_first(script):
    module = script("cost_ordered_portfolio")
    # Column 0 is best everywhere but slow; column 1 nearly as good and cheap.
    performance = np.array([[1.0, 0.9, 0.0], [1.0, 0.8, 0.1]])
    seconds = np.array([10.0, 0.1, 0.1])
    order = module.cost_aware_portfolio(performance, seconds, 3)
    assert order[0] == 1 and sorted(order) == [0, 1, 2]
    from metaautoml.warmstart import greedy_portfolio
    assert greedy_portfolio(performance, 3)[0] == 0


def test_replay_counts_seconds_with_the_overhead_and_trials(script):
    module = script("cost_ordered_portfolio")
    normalized = np.array([0.2, 1.0, 0.5])
    seconds = np.array([2.0, 4.0, 1.0])
    out = module.replay([0, 1, 2], normalized, seconds, overhead=0.5)
    assert out[("seconds", 5.0)] == 0.8  # 2.5 s spent; the second trial ends at 7 s
    assert out[("seconds", 10.0)] == 0.0
    assert out[("trials", 1)] == 0.8 and out[("trials", 3)] == 0.0
    assert module.replay([1], normalized, seconds)[("seconds", 5.0)] == 0.0
    assert module.replay([1], normalized, np.array([9.0, 9.0, 9.0]))[("seconds", 5.0)] == 1.0


def test_the_script_runs_on_a_small_database(script, tmp_path):
    synthetic_metadb(tmp_path / "meta.sqlite", n_per_cluster=3).close()
    module = script("cost_ordered_portfolio")
    raw = module.run(module.MetaDB(tmp_path / "meta.sqlite", readonly=True), "classification")
    assert set(raw["method"]) == set(module.METHODS)
    assert raw["regret"].between(0, 1).all()
    per_budget = raw.groupby(["method", "budget_kind", "budget"]).size()
    assert per_budget.nunique() == 1  # every dataset has every budget
    table = module.compare(raw)
    assert len(table) == len(module.SECONDS) + len(module.TRIALS)
    assert isinstance(module.markdown(table), str) and "| classification |" in module.markdown(table)
