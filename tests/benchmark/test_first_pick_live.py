"""benchmarks/first_pick_live.py: the first-pick rules at test time and the rule fixed before
the run."""

from __future__ import annotations

import pandas as pd

from metaautoml.benchmark import RESULT_COLUMNS, default_dataset_names


def results_of(gains: dict[str, list[float]], task: str = "classification") -> pd.DataFrame:
    """Each method's test score = 0.7 + its gain on dataset i, the same on every seed."""
    rows = []
    for method, per_dataset in gains.items():
        for i, gain in enumerate(per_dataset):
            for seed in (0, 1, 2):
                row = dict.fromkeys(RESULT_COLUMNS)
                row.update(task=task, dataset=f"d{i}", group=f"d{i}", seed=seed, method=method,
                           metric="accuracy", test_score=0.7 + gain, wall_time=1.0)
                rows.append(row)
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS))


def test_the_qualifying_pick_with_the_best_mean_becomes_the_default(script):
    module = script("first_pick_live")
    n = 10
    results = results_of({
        "metaautoml_first": [0.08] * 7 + [-0.05] * 3,      # best mean, within 0.02 on 70 %
        "metaautoml_first_constrained": [0.02] * n,       # qualifies, the better mean
        "metaautoml_first_robust": [0.01] * 9 + [-0.01],  # qualifies
        "metaautoml_first_default": [0.0] * n,
        "hgb_default": [0.0] * n})
    table = module.rule_table(results).set_index("rule")
    assert table.loc["metaautoml_first", "within 0.02"] == 0.7
    assert table.loc["metaautoml_first_constrained", "within 0.02"] == 1.0
    assert table.loc["metaautoml_first", "worst dataset"] == "d7"
    assert module.decide(table.reset_index()) == {"classification": 'first_pick="constrained"'}


def test_without_a_qualifying_pick_hgb_leads_everywhere_or_nothing_changes(script):
    module = script("first_pick_live")
    risky = [0.1] * 8 + [-0.1] * 2  # 80 %
    gains = {"metaautoml_first": risky, "metaautoml_first_constrained": risky,
             "metaautoml_first_robust": risky, "metaautoml_first_default": [0.0] * 10,
             "hgb_default": [0.0] * 10}
    table = module.rule_table(results_of(gains))
    assert "lead_defaults_min_rows=0" in module.decide(table)["classification"]
    gains["metaautoml_first_default"] = risky
    assert module.decide(module.rule_table(results_of(gains))) == {
        "classification": "unchanged (no rule qualifies)"}


def test_fresh_tables_are_small_and_outside_the_other_runs_groups(script):
    from metaautoml.corpus import load_manifest

    module = script("first_pick_live")
    entries = load_manifest()
    by_name = {e.name: e for e in entries}
    for task in ("classification", "regression"):
        fresh = module.fresh_tables(task, entries)
        assert len(fresh) == module.N_DATASETS
        assert all(300 <= by_name[n].n_rows <= 1000 and by_name[n].task == task for n in fresh)
        live_v2 = {by_name[n].group for t in ("classification", "regression")
                   for n in default_dataset_names(t, module.LIVE_V2_DATASETS, entries=entries)}
        assert not live_v2 & {by_name[n].group for n in fresh}


def test_a_live_study_runs_resumes_and_records_its_settings(script, tmp_path):
    import json

    from metaautoml.benchmark import LiveBenchmarkConfig

    module = script("resumable_runs")
    config = LiveBenchmarkConfig(methods=("hgb_default",), seeds=(0,), cv=2)
    args = ("first_pick_live.py", [], ["wine-sklearn"], config, tmp_path)
    results, _ = module.run_live_study(*args, proposer_cache=str(tmp_path / "cache"),
                                       settings={"tables": "test"})
    assert results[["dataset", "method"]].values.tolist() == [["wine-sklearn", "hgb_default"]]
    notes = json.loads((tmp_path / "run.json").read_text())
    assert notes["settings"] == {"tables": "test", "cv": 2, "rows at most": config.max_rows,
                                 "datasets": "wine-sklearn"}
    module.run_live_study(*args, proposer_cache=str(tmp_path / "cache"))
    assert len(pd.read_csv(tmp_path / "raw.csv")) == 1  # resumed: the unit was not fitted again


def test_fresh_2_tables_avoid_both_tasks_fresh_tables(script):
    from metaautoml.corpus import load_manifest

    module = script("first_pick_live")
    entries = load_manifest()
    group = {e.name: e.group for e in entries}
    fresh = {group[n] for t in ("classification", "regression")
             for n in module.fresh_tables(t, entries)}
    for task in ("classification", "regression"):
        second = module.fresh2_tables(task, entries)
        assert second and not fresh & {group[n] for n in second}
        assert set(second) <= set(module.fresh_tables(task, entries, n=len(entries)))


def test_the_sized_candidate_is_adopted_only_if_it_is_safe_and_not_worse(script):
    module = script("first_pick_live")
    n = 10
    plain = results_of({"metaautoml_first": [0.05] * 8 + [-0.1] * 2, "hgb_default": [0.0] * n})
    sized = results_of({"metaautoml_first": [0.05] * n,
                        "metaautoml_first_constrained": [0.01] * n,   # safe, far below shipped
                        "metaautoml_first_robust": [0.02] * 8 + [-0.05] * 2,
                        "hgb_default": [0.0] * n})
    table = module.compare_sized(plain, sized).set_index("rule")
    assert table.loc["shipped_first", "within 0.02"] == 0.8
    assert table.loc["metaautoml_first (sized)", "within 0.02"] == 1.0
    assert table.loc["metaautoml_first (sized)", "mean vs shipped"] > 0
    decision = module.adopt_sized(table.reset_index(), {"classification": "matched"})
    assert decision == {"classification": 'adopt the sized defaults with first_pick="matched"'}
    assert module.adopt_sized(table.reset_index(), {"classification": "robust"}) == {
        "classification": "not adopted (80% within 0.02)"}
    # Safe, but below a shipped pick that was safe too on every table: not adopted.
    plain = results_of({"metaautoml_first": [0.05] * n, "hgb_default": [0.0] * n})
    table = module.compare_sized(plain, sized)
    assert module.adopt_sized(table, {"classification": "constrained"}) == {
        "classification": "not adopted (100% within 0.02, significantly below the shipped pick)"}


def test_bad_arguments_are_one_line_errors(script, tmp_path, capsys):
    import pytest

    module = script("first_pick_live")
    for argv, message in ((["--methods", "metaautoml_first"], "--methods must name hgb_default"),
                          (["--db", str(tmp_path / "none.sqlite")], "no such file"),
                          (["--candidate", "classification=best"], "expected TASK=RULE")):
        with pytest.raises(SystemExit):
            module.main([*argv, "--output", str(tmp_path / "out")])
        assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
