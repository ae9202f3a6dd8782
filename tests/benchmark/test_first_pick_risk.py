"""benchmarks/first_pick_risk.py: first-pick rules against the default, held out by group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _meta_fixtures import A_FAMILIES, synthetic_training_set


def test_every_dataset_is_held_out_once_and_the_default_differs_by_nothing(script):
    module = script("first_pick_risk")
    training = synthetic_training_set(n_per_cluster=10)
    results = module.run_task(training, ("hgb_default", "static_mean", "risk_constrained"))
    assert sorted(results["dataset"].unique()) == sorted(training.datasets)
    assert results.groupby("method")["dataset"].nunique().eq(training.n_datasets).all()
    assert (results.loc[results["method"] == "hgb_default", "difference"] == 0).all()
    # The default wins on cluster B and loses on A by 0.25: the constrained rule never picks
    # an A family, whose configurations are far below it on half the datasets.
    constrained = results[results["method"] == "risk_constrained"]
    assert not constrained["family"].isin(A_FAMILIES).any()
    assert (constrained["difference"] >= -0.02).mean() >= 0.9


def test_the_summary_reports_the_share_within_the_margin_and_the_mean(script):
    module = script("first_pick_risk")
    training = synthetic_training_set(n_per_cluster=10)
    results = module.run_task(training, ("hgb_default", "static_mean", "risk_constrained"))
    text = module.summarize(results)
    assert "**classification** (20 datasets; tau chosen per fold:" in text
    row = next(line for line in text.splitlines() if line.startswith("| hgb_default |"))
    assert row.startswith("| hgb_default | 20 | 1.0000 | 0.0000 |")
    share = (results[results["method"] == "static_mean"]["difference"] >= -0.02).mean()
    assert f"| static_mean | 20 | {share:.4f} |" in text
    assert np.isfinite(results["difference"]).all()


def test_the_summary_names_the_reference_it_was_measured_against(script):
    module = script("first_pick_risk")
    results = module.run_task(synthetic_training_set(n_per_cluster=10), ("hgb_default",))
    assert "each dataset's own rows (the sized default)" in module.summarize(results, sized=True)
    assert "at the reference size" in module.summarize(results)


def test_a_missing_database_is_a_one_line_error(script, tmp_path, capsys):
    module = script("first_pick_risk")
    missing = tmp_path / "nowhere.sqlite"
    with pytest.raises(SystemExit) as raised:
        module.main(["--db", str(missing), "--output", str(tmp_path / "out")])
    assert raised.value.code == 2
    assert f"--db {missing}: no such file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_sized_candidate_is_the_safe_rule_with_the_best_mean(script):
    module = script("first_pick_risk")

    def rows(task, method, differences):
        return [{"task": task, "dataset": f"d{i}", "method": method, "difference": d}
                for i, d in enumerate(differences)]

    frame = pd.DataFrame(
        rows("classification", "shipped", [0.1] * 8 + [-0.1] * 2)          # best mean, 80 %
        + rows("classification", "shipped_constrained", [0.02] * 10)       # safe, the better mean
        + rows("classification", "risk_constrained", [0.01] * 10)
        + rows("regression", "shipped", [0.1] * 8 + [-0.1] * 2)
        + rows("regression", "shipped_constrained", [0.03] * 10)           # a tie: the earlier,
        + rows("regression", "risk_constrained", [0.03] * 10)              # robust, wins
        + rows("classification", "hgb_default", [0.0] * 10))
    assert module.sized_candidate(frame) == {"classification": "constrained",
                                             "regression": "robust"}
    unsafe = frame[frame["method"] == "shipped"]
    assert module.sized_candidate(unsafe) == {"classification": "default",
                                              "regression": "default"}
