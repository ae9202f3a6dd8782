"""benchmarks/size_aware.py: which tables it tests, how they are held out, and its summary."""

from __future__ import annotations

import pandas as pd
from _meta_fixtures import synthetic_training_set


def test_large_tables_are_held_out_by_group_and_never_trained_on(script):
    module = script("size_aware")
    training = synthetic_training_set(n_per_cluster=6)
    training.info["n_rows_original"] = [5000 if i % 3 == 0 else 500 for i in range(training.n_datasets)]
    groups = [f"g{i // 2}" for i in range(training.n_datasets)]
    training.groups = groups
    targets = module.large_tables(training)
    assert targets == [name for i, name in enumerate(training.datasets) if i % 3 == 0]
    folds = module.folds_to_run(training, targets)
    assert sorted(name for fold_targets, _ in folds for name in fold_targets) == sorted(targets)
    group_of = dict(zip(training.datasets, groups, strict=True))
    for fold_targets, keep in folds:
        held = {group_of[name] for name in fold_targets}
        assert not held & {group_of[name] for name in keep}  # a held-out group trains nothing
        assert len(keep) + sum(group_of[n] in held for n in training.datasets) == training.n_datasets


def test_the_summary_pairs_aware_and_blind_per_task_and_k(script):
    module = script("size_aware")
    rows = []
    for task in ("classification", "regression"):
        for i in range(6):
            for method, gain in (("size_blind", 0.0), ("size_aware", 0.01 * (i + 1))):
                for k in module.KS:
                    rows.append({"dataset": f"{task[0]}{i}", "task": task, "method": method, "k": k,
                                 "test_score": 0.5 + gain, "families": "knn" if gain else "svm"})
    text = module.summarize(pd.DataFrame(rows))
    assert "on 12 tables of >= 3,000 rows held out by group" in text
    table = [line for line in text.splitlines() if line.startswith("| classification | 3 ")]
    assert table and "| 6 | 0.5000 | 0.5350 | 0.0350 |" in table[0] and "6/0" in table[0]
    assert "differ on 36 of 36" in text
