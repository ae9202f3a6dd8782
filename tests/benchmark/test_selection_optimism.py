"""benchmarks/selection_optimism.py: the optimism of the learned first pick and the defaults."""

from __future__ import annotations

import numpy as np
from _meta_fixtures import synthetic_training_set


def test_optimism_and_paired_tables_on_a_synthetic_pool(script):
    module = script("selection_optimism")
    data = synthetic_training_set(n_per_cluster=6)
    ranks, picks = module.run(data)
    assert len(picks) == len(data.datasets)  # every dataset held out once
    assert set(ranks["pick"]) == {f"rank {r}" for r in range(1, module.RANKS + 1)} | {"best default"}
    defaults = {data.configs[i]["family"] for i in module.default_columns(data)}
    assert set(ranks.loc[ranks["pick"] == "best default", "family"]) <= defaults
    # Rank 1 has the best training mean of every pick in its fold.
    for _, fold in ranks.groupby("fold"):
        assert fold.loc[fold["pick"] == "rank 1", "train"].iloc[0] == fold["train"].max()
    assert picks["effective_datasets"].between(1, len(data.datasets)).all()
    optimism = module.optimism_table(ranks, picks)
    np.testing.assert_allclose(optimism["optimism"], optimism["train"] - optimism["heldout"])
    paired = module.paired_table(picks)
    assert list(paired["weights"]) == ["uniform", "matched"]
    assert paired["p (Holm)"].between(0, 1).all()
