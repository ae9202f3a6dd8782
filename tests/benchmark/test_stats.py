"""Paired statistics over datasets: intervals, signed-rank p-values and Holm's correction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import wilcoxon

from metaautoml.benchmark import (
    headline_table,
    holm,
    live_paired_comparison,
    paired_comparison,
    paired_test,
    significance_sentences,
)


def test_paired_test_summarizes_differences_and_tests_them():
    diff = np.array([0.3, 0.1, 0.2, 0.0, 0.4, 0.25, -0.05, np.nan])
    test = paired_test(diff, np.random.default_rng(0))
    finite = diff[~np.isnan(diff)]
    assert test.n == 7 and test.mean == pytest.approx(finite.mean())
    assert (test.wins, test.ties, test.losses) == (5, 1, 1) and test.record == "5/1/1"
    assert test.ci_low < test.mean < test.ci_high
    assert test.p == pytest.approx(wilcoxon(finite[finite != 0]).pvalue)
    assert test.ci.startswith("[") and test.median == pytest.approx(0.2)


def test_few_nonzero_differences_give_no_p_value_and_none_is_an_error():
    assert np.isnan(paired_test(np.array([0.1, 0.0, 0.0, 0.2]), np.random.default_rng(0)).p)
    with pytest.raises(ValueError, match="at least one dataset"):
        paired_test(np.array([np.nan]), np.random.default_rng(0))


def test_differences_within_the_tie_tolerance_are_ties():
    test = paired_test(np.array([1e-13, -1e-13, 0.2]), np.random.default_rng(0), tie=1e-12)
    assert (test.wins, test.ties, test.losses) == (1, 2, 0)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_holm_never_lowers_a_p_value_and_keeps_their_order(values):
    p = np.array(values)
    adjusted = holm(p)
    assert (adjusted >= p - 1e-15).all() and (adjusted <= 1).all()
    order = np.argsort(p, kind="stable")
    assert (np.diff(adjusted[order]) >= -1e-15).all()


def _pool_results(full, baselines):
    rows = []
    for method, regrets in {"full": full, **baselines}.items():
        for i, by_k in enumerate(regrets):
            rows += [{"task": "classification", "dataset": f"d{i}", "k": k, "method": method,
                      "regret": r} for k, r in zip((1, 3), by_k, strict=True)]
    return pd.DataFrame(rows)


@pytest.fixture
def clear_cut():
    """Twelve datasets: at k=1 the full system beats the portfolio on every one and loses to
    L1-kNN on every one; at k=3 the differences change sign at random."""
    rng = np.random.default_rng(0)
    full = [(0.1, 0.05 + rng.normal(0, 0.01)) for _ in range(12)]
    portfolio = [(0.3, 0.05 + rng.normal(0, 0.01)) for _ in range(12)]
    l1_knn = [(0.05 - 0.001 * i, 0.05 + rng.normal(0, 0.01)) for i in range(12)]
    return _pool_results(full, {"portfolio": portfolio, "l1_knn": l1_knn})


def test_paired_comparison_holm_corrects_over_its_table_and_says_which_way(clear_cut):
    table = paired_comparison(clear_cut, baselines=("portfolio", "l1_knn"), k_values=(1, 3))
    assert np.allclose(table["p_holm"], holm(table["p"].to_numpy()))
    verdict = table.set_index(["baseline", "k"])["significant"]
    assert verdict[("portfolio", 1)] == "better" and verdict[("l1_knn", 1)] == "worse"
    assert verdict[("portfolio", 3)] == "" and verdict[("l1_knn", 3)] == ""
    row = table.set_index(["baseline", "k"]).loc[("portfolio", 1)]
    assert row["ci_low"] == pytest.approx(0.2) and row["ci_high"] == pytest.approx(0.2)


def test_the_sentences_and_the_headline_follow_the_tests(clear_cut):
    table = paired_comparison(clear_cut, baselines=("portfolio", "l1_knn"), k_values=(1, 3))
    regret = clear_cut.groupby(["method", "k"])["regret"].mean().unstack()
    text = significance_sentences(table, regret, k_values=(1, 3))
    assert "significantly lower than every baseline's at no k" in text
    assert "The best baseline is significantly better than it at k = 1 (l1_knn, p = " in text
    assert "not significantly better than the best baseline at k = 3 (" in text
    assert "Other baselines" not in text
    headline = headline_table(table, regret, k_values=(1, 3))
    assert list(headline.index) == ["full", "portfolio", "l1_knn"]
    assert headline.loc["portfolio", "k=1"] == "**0.3000**"
    assert headline.loc["l1_knn", "k=1"].endswith(" †")
    assert "*" not in headline.loc["portfolio", "k=3"] and "†" not in headline.loc["full", "k=1"]


def test_live_paired_comparison_averages_seeds_and_tests_each_peer():
    rows = []
    for d in range(6):
        for seed in (0, 1):
            for method, score in (("metaautoml_warm", 0.8 + 0.01 * d), ("optuna_tpe", 0.75),
                                  ("hgb_default", 0.8 + 0.01 * d)):
                rows.append({"task": "classification", "dataset": f"d{d}", "seed": seed,
                             "method": method, "test_score": score + 0.001 * seed,
                             "wall_time": 1.0})
    table = live_paired_comparison(pd.DataFrame(rows)).set_index("peer")
    assert table.loc["optuna_tpe", "datasets"] == 6 and table.loc["optuna_tpe", "wins"] == 6
    assert table.loc["optuna_tpe", "p"] == pytest.approx(wilcoxon(
        0.05 + 0.01 * np.arange(6)).pvalue)
    assert table.loc["hgb_default", "ties"] == 6 and np.isnan(table.loc["hgb_default", "p"])
    assert table.loc["optuna_tpe", "p_holm"] == pytest.approx(table.loc["optuna_tpe", "p"])
