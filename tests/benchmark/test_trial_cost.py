"""benchmarks/trial_cost.py: a fit's wall time split into phases, and code versions paired."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.datasets import load_iris

from metaautoml import MetaAutoMLClassifier


def test_the_phases_account_for_a_time_budgeted_fit(script):
    trial_cost = script("trial_cost")
    X, y = load_iris(return_X_y=True, as_frame=True)
    model = MetaAutoMLClassifier(n_trials=3, time_budget=60, warm_start=False, cv=2,
                                 random_state=0)
    clock = pd.Timestamp.now()
    model.fit(X, y)
    wall = (pd.Timestamp.now() - clock).total_seconds()
    phases, rows = trial_cost.profile(model, wall)
    assert phases["n_trials"] == len(rows) == 3
    parts = [phases[p] for p in (*trial_cost.PHASES, "search_other")]
    assert all(np.isfinite(parts)) and min(phases[p] for p in ("fit", "score", "sampler")) >= 0
    assert np.isclose(sum(parts), wall, rtol=0.05, atol=0.2)
    # Trials ran in the worker: fits were timed there, and each trial's wall time covers them.
    assert all(row["wall"] >= row["fit"] + row["score"] - 1e-6 for row in rows)
    assert {row["source"] for row in rows} == {"default"}


def test_versions_are_paired_over_units(script):
    trial_cost = script("trial_cost")
    rows = []
    for label, extra in (("old", 0), ("new", 3)):
        for task in ("classification", "regression"):
            for i, dataset in enumerate("pqrst"):
                for method in ("warm", "cold"):
                    rows.append({"label": label, "task": task, "dataset": f"{dataset}-{task}",
                                 "method": method, "n_trials": 10 + i + extra})
    # A unit only one version ran is left out of the pairs.
    rows.append({"label": "new", "task": "regression", "dataset": "u", "method": "warm",
                 "n_trials": 99})
    table = trial_cost.compare_labels(pd.DataFrame(rows)).set_index("units")
    assert table.loc["all", "n"] == 20 and table.loc["all", "mean"] == 3.0
    assert table.loc["all", "w/t/l"] == "20/0/0"
    assert table.loc["warm", "n"] == 10 and table.loc["regression", "n"] == 10
    assert float(table.loc["all", "p (Holm)"]) < 0.05
    assert set(table["label"]) == {"new - old"}
    assert trial_cost.compare_labels(pd.DataFrame(rows[:20])).empty  # one version: no pairs
