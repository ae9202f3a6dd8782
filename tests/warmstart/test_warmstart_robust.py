"""The robust first pick: better than the default on average, rarely far below it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _meta_fixtures import A_FAMILIES, synthetic_training_set

from metaautoml.warmstart import (
    ROBUST_SOURCE,
    ProposerConfig,
    WarmStartProposer,
    differences_to_reference,
    robust_first_pick,
)
from metaautoml.warmstart._robust import constrained_pick


def test_differences_count_a_failed_run_as_the_rows_worst():
    scores = np.array([[0.8, 0.9, np.nan], [0.5, 0.4, 0.7]])
    differences = differences_to_reference(scores, 0)
    np.testing.assert_allclose(differences, [[0.0, 0.1, 0.0], [0.0, -0.1, 0.2]])


def test_the_constraint_trades_the_mean_for_the_tail():
    # Column 1 gains most on average but loses 0.3 on a third of the rows; column 2 gains a
    # little everywhere; column 0 is the reference.
    differences = np.array([[0.0, 0.4, 0.02], [0.0, 0.4, 0.02], [0.0, -0.3, 0.01]] * 4)
    assert constrained_pick(differences, 0.5, 0) == 1
    assert constrained_pick(differences, 0.9, 0) == 2
    # Nothing but the reference stays within the margin everywhere once column 2 loses once.
    differences[0, 2] = -0.05
    assert constrained_pick(differences, 1.0, 0) == 0


def test_on_two_clusters_the_robust_pick_is_never_the_other_clusters_family():
    # The default (HistGradientBoosting) wins on cluster B by 0.25 and loses on A by as much:
    # an A-family configuration is far below it on half the datasets, a tree family never.
    training = synthetic_training_set(n_per_cluster=10)
    pick = robust_first_pick(training, 0)
    assert training.configs[pick.column]["family"] not in A_FAMILIES
    assert pick.tau in (0.85, 0.9, 0.95, 0.97, 1.0) and pick.share >= pick.tau
    assert pick.mean_difference >= 0.0


def _sized(training, n_rows: float) -> pd.Series:
    """The first training dataset's meta-features, as if it had ``n_rows`` rows."""
    meta = training.meta_features.iloc[0].copy()
    meta["n_rows"] = n_rows
    return meta


@pytest.mark.parametrize("n_rows, leads", [(500.0, False), (50_000.0, True)])
def test_the_robust_pick_comes_first_after_any_leading_default(n_rows, leads):
    training = synthetic_training_set(n_per_cluster=10)
    config = ProposerConfig.for_task("classification", first_pick="robust")
    proposer = WarmStartProposer(training, config=config)
    warm = proposer.propose(_sized(training, n_rows), 3)
    robust = proposer.robust_first.column
    position = 1 if leads else 0
    assert warm.table["config_id"].iloc[position] == training.config_ids[robust]
    assert warm.table["source"].iloc[position] == ROBUST_SOURCE
    matched = WarmStartProposer(training, config=ProposerConfig.for_task("classification"))
    assert matched.robust_first is None
    assert ROBUST_SOURCE not in set(matched.propose(_sized(training, n_rows), 3).table["source"])


def test_first_pick_must_be_a_known_rule():
    with pytest.raises(ValueError, match="first_pick must be one of"):
        ProposerConfig(first_pick="best")


def test_the_constrained_pick_is_the_matched_pick_among_the_eligible():
    from metaautoml.matcher import L1Matcher

    training = synthetic_training_set(n_per_cluster=10)
    meta = _sized(training, 500.0)  # a cluster-A dataset: the matched pick is an A family
    matcher = L1Matcher().fit(training)
    matched = WarmStartProposer(training, matcher, config=ProposerConfig.for_task("classification"))
    constrained = WarmStartProposer(training, matcher, config=ProposerConfig.for_task(
        "classification", first_pick="constrained"))
    assert matched.propose(meta, 1).table["family"].iloc[0] in A_FAMILIES
    first = constrained.propose(meta, 1).table["config_id"].iloc[0]
    column = training.config_ids.index(first)
    assert constrained.robust_first.eligible[column]
    assert training.configs[column]["family"] not in A_FAMILIES
