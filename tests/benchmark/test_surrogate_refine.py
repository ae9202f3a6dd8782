"""benchmarks/surrogate_refine.py: disjoint tables, paired tables and the fixed rule."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _results(warm_minus_tpe: float, n: int = 6) -> pd.DataFrame:
    rows = []
    for i in range(n):
        base = 0.5 + 0.03 * i
        for method, score in (("metaautoml_warm_surrogate", base + warm_minus_tpe),
                              ("metaautoml_warm_tpe", base), ("metaautoml_cold", base - 0.01)):
            rows.append({"task": "classification", "dataset": f"d{i}", "group": f"d{i}",
                         "seed": 0, "method": method, "metric": "accuracy",
                         "test_score": score, "cv_score": score, "wall_time": 30.0,
                         "n_trials": 10})
    return pd.DataFrame(rows)


def _curves(results: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in results.itertuples():
        rows += [{"task": r.task, "dataset": r.dataset, "seed": r.seed, "method": r.method,
                  "trial": 1, "best_cv_score": r.cv_score - 0.1, "elapsed": 2.0},
                 {"task": r.task, "dataset": r.dataset, "seed": r.seed, "method": r.method,
                  "trial": 2, "best_cv_score": r.cv_score, "elapsed": 20.0}]
    return pd.DataFrame(rows)


def test_the_study_leaves_out_live_v2s_groups(script):
    module = script("surrogate_refine")
    from metaautoml.benchmark import default_dataset_names
    from metaautoml.corpus import load_manifest

    group_of = {e.name: e.group for e in load_manifest()}
    for task in ("classification", "regression"):
        names = module.study_datasets(task, 8)
        live_v2 = default_dataset_names(task, module.LIVE_V2_DATASETS)
        assert len(names) == 8
        assert not {group_of[n] for n in names} & {group_of[n] for n in live_v2}


def test_the_rule_keeps_the_surrogate_only_when_it_gains(script):
    module = script("surrogate_refine")
    for gain, choice in ((0.01, "surrogate"), (0.0, "tpe"), (-0.01, "tpe")):
        results = _results(gain)
        table = module.paired_table(module.per_dataset_scores(results), "test_score", "test")
        assert module.decide(table) == {"classification": choice}


def test_paired_table_holds_every_pair_with_holm(script):
    module = script("surrogate_refine")
    results = _results(0.02)
    table = module.paired_table(module.per_dataset_scores(results), "test_score", "test")
    assert list(table["comparison"]) == [f"{a} - {b}" for a, b in module.PAIRS]
    np.testing.assert_allclose(table["mean"], [0.02, 0.01, 0.03])
    assert (table["p_holm"] >= table["p"]).all()


def test_best_cv_at_a_time_counts_only_trials_finished_by_then(script):
    module = script("surrogate_refine")
    results = _results(0.0, n=2)
    early = module.best_cv_at(_curves(results), 5.0)
    late = module.best_cv_at(_curves(results), 30.0)
    merged = early.merge(late, on=["task", "dataset", "method"], suffixes=("_early", "_late"))
    np.testing.assert_allclose(merged["score_late"] - merged["score_early"], 0.1)
    summary = module.summarize(results, _curves(results))
    assert "classification: **tpe**" in summary and "best CV at 5 s" in summary


def test_round_two_takes_classification_tables_neither_live_v2_nor_round_one_used(script):
    module = script("surrogate_refine")
    from metaautoml.corpus import load_manifest

    group_of = {e.name: e.group for e in load_manifest()}
    second = {group_of[n] for n in module.study_datasets("classification", 12, round_=2)}
    first = {group_of[n] for n in module.study_datasets("classification", module.N_DATASETS)}
    live_v2 = {group_of[n] for n in module.default_dataset_names(
        "classification", module.LIVE_V2_DATASETS)}
    assert len(second) == 12 and not second & (first | live_v2)


def test_round_two_keeps_the_surrogate_only_when_its_gain_is_significant(script):
    module = script("surrogate_refine")
    table = pd.DataFrame({"task": ["classification"] * 3,
                          "comparison": ["metaautoml_warm_surrogate - metaautoml_warm_tpe"] * 3,
                          "mean": [0.01, 0.01, -0.01], "p": [0.2, 0.01, 0.01]})
    for row in range(3):
        part = table.iloc[[row]]
        assert module.decide(part, 1) == {"classification": "tpe" if row == 2 else "surrogate"}
        assert module.decide(part, 2) == {"classification": "surrogate" if row == 1 else "tpe"}
