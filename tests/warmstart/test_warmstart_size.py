"""The size evidence: families' shifts measured on learning curves, and the proposer using them
for tables larger than the meta-database's row cap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metaautoml.metadb import LCDB_LEARNERS, LearningCurves
from metaautoml.warmstart import (
    FamilySizeShift,
    ProposerConfig,
    WarmStartProposer,
    load_proposer,
)


def synthetic_curves(n_datasets: int = 30) -> LearningCurves:
    """Three families on every dataset: knn climbs from worst to best with the rows, linear falls
    from best to worst, random_forest stays in the middle; hist_gradient_boosting (no twin) is
    best everywhere and must not count."""
    rows = []
    for dataset in range(n_datasets):
        for size in (512, 1024, 4096, 16384):
            t = np.log2(size / 1024) / 4  # 0 at the reference, 0.5 at 16,384
            accuracy = {"knn": 0.6 + 0.4 * t, "linear": 0.8 - 0.4 * t, "random_forest": 0.7,
                        "hist_gradient_boosting": 0.99}
            for family, value in accuracy.items():
                rows.append({"openml_id": dataset, "learner": LCDB_LEARNERS[family], "family": family,
                             "size_train": size, "accuracy_test": value})
    return LearningCurves(pd.DataFrame(rows), pd.DataFrame({"openml_id": range(n_datasets)}))


def test_shifts_follow_the_families_along_the_curves():
    shift = FamilySizeShift.from_learning_curves(synthetic_curves())
    assert list(shift.sizes) == [4096, 16384] and list(shift.n_datasets) == [30, 30]
    assert "hist_gradient_boosting" not in shift.shifts
    # At the reference knn is worst (0) and linear best (1) of the three; at 16,384 rows they
    # have swapped, and random_forest stays halfway between them (0.5) at both sizes.
    at_large = shift.at(50_000)
    assert at_large["knn"] == pytest.approx(1.0) and at_large["linear"] == pytest.approx(-1.0)
    assert at_large["random_forest"] == pytest.approx(0.0)
    assert shift.at(1000) == {family: 0.0 for family in shift.shifts}
    assert shift.at(float("nan"))["knn"] == 0.0
    assert shift.at(5000) == pytest.approx(dict(zip(shift.shifts, shift.table().iloc[0, :-1], strict=True)))


def test_too_few_datasets_measure_nothing():
    shift = FamilySizeShift.from_learning_curves(synthetic_curves(5), min_datasets=20)
    assert len(shift.sizes) == 0 and shift.at(50_000)["knn"] == 0.0


def test_the_shipped_evidence_moves_logistic_regression_down_on_large_tables():
    shift = FamilySizeShift.from_learning_curves(LearningCurves.shipped())
    assert shift.n_datasets.min() >= 20 and shift.sizes.min() > 1024
    assert shift.at(30_000)["linear"] < -0.05
    assert set(shift.shifts) == set(LCDB_LEARNERS) - {"hist_gradient_boosting"}


def test_proposals_for_a_large_table_follow_the_size_evidence_only_when_asked():
    from sklearn.datasets import make_classification

    from metaautoml.metafeatures import extract_meta_features

    X, y = make_classification(50_000, 20, n_informative=10, random_state=0)
    X = pd.DataFrame(X).add_prefix("x")
    shipped = load_proposer("classification")

    def families(n_rows: int, size_weight: float) -> list[str]:
        # Two subsamples of one dataset: 1,000 rows and all 50,000.
        meta = extract_meta_features(X.iloc[:n_rows], y[:n_rows], task="classification")
        config = ProposerConfig.for_task("classification", size_weight=size_weight)
        proposer = WarmStartProposer(shipped.training, shipped.matcher, shipped.surrogate, config)
        return proposer.propose(meta, 10).table["family"].tolist()

    # Up to the meta-database's cap the size evidence says nothing, so nothing changes.
    assert families(1000, 1.0) == families(1000, 0.0)
    blind, aware = families(50_000, 0.0), families(50_000, 1.0)
    assert aware != blind
    # Logistic regression, which LCDB shows losing ground on more rows, is proposed less.
    assert aware.count("linear") < blind.count("linear")


def test_size_weight_must_be_non_negative():
    with pytest.raises(ValueError, match="size_weight must be non-negative"):
        ProposerConfig(size_weight=-0.5)
    assert ProposerConfig().size_weight == 0.0  # off until it beats the size-blind proposer
