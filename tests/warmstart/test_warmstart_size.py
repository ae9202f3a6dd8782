"""The size evidence: families' shifts measured on learning curves, and the proposer using them
for tables larger than the meta-database's row cap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metaautoml.metadb import LCDB_LEARNERS, LearningCurves, MetaTrainingSet
from metaautoml.warmstart import (
    FamilySizeShift,
    ProposerConfig,
    WarmStartProposer,
    load_proposer,
    size_shift_for,
)
from metaautoml.warmstart._size import shipped_size_shift


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
    assert shift.at(4096) == pytest.approx(dict(zip(shift.shifts, shift.table().iloc[0, :-1], strict=True)))
    # Between measured sizes the shift is linear in log rows: 8,192 is halfway to 16,384.
    assert shift.at(8192)["knn"] == pytest.approx((shift.at(4096)["knn"] + shift.at(16384)["knn"]) / 2)
    assert shift.at(2048)["knn"] == pytest.approx(shift.at(4096)["knn"] / 2)


def test_too_few_datasets_measure_nothing():
    shift = FamilySizeShift.from_learning_curves(synthetic_curves(5), min_datasets=20)
    assert len(shift.sizes) == 0 and shift.at(50_000)["knn"] == 0.0


def test_the_shipped_evidence_moves_logistic_regression_down_on_large_tables():
    shift = FamilySizeShift.from_learning_curves(LearningCurves.shipped())
    assert shift.n_datasets.min() >= 20 and shift.sizes.min() > 1024
    assert shift.at(30_000)["linear"] < -0.05
    assert set(shift.shifts) == set(LCDB_LEARNERS) - {"hist_gradient_boosting"}


def with_fidelity(training: MetaTrainingSet, n_datasets: int, gains: dict[str, float]) -> MetaTrainingSet:
    """``training`` with a 5,000-row fidelity on its first ``n_datasets``: every configuration's
    base score plus its family's gain (times the dataset's score range)."""
    families = [config["family"] for config in training.configs]
    rows = training.scores[:n_datasets]
    span = np.ptp(rows, axis=1, keepdims=True)
    larger = rows + span * np.array([gains.get(family, 0.0) for family in families])[None, :]
    frame = pd.DataFrame(larger, index=training.datasets[:n_datasets], columns=training.config_ids)
    return MetaTrainingSet(**{**training.__dict__, "fidelity": {5000: frame}})


def test_the_fidelity_measures_every_family_of_its_configurations():
    from _meta_fixtures import synthetic_training_set

    training = synthetic_training_set(n_per_cluster=6)
    families = {config["family"] for config in training.configs}
    shift = FamilySizeShift.from_fidelity(with_fidelity(training, 12, {"hist_gradient_boosting": 0.5}))
    assert list(shift.sizes) == [5000] and list(shift.n_datasets) == [12] and shift.reference == 1000
    assert set(shift.shifts) == families
    assert shift.at(1000) == {family: 0.0 for family in families}
    # Gaining half of the range lifts the family: it ends at most 0.5 and at least 0 higher.
    assert 0 < shift.at(5000)["hist_gradient_boosting"] <= 0.5
    assert shift.at(5000)["hist_gradient_boosting"] > max(v for f, v in shift.at(5000).items()
                                                          if f != "hist_gradient_boosting")
    assert shift.at(50_000) == shift.at(5000)
    # Too few datasets at the size: nothing is measured; without a fidelity neither.
    assert len(FamilySizeShift.from_fidelity(with_fidelity(training, 5, {}), min_datasets=10).sizes) == 0
    assert len(FamilySizeShift.from_fidelity(training).sizes) == 0


def test_classification_takes_lcdb_and_the_fidelity_only_for_hgb_regression_the_fidelity():
    from _meta_fixtures import synthetic_training_set

    classification = with_fidelity(synthetic_training_set(n_per_cluster=6), 12,
                                   {"hist_gradient_boosting": 0.5, "linear": 0.5})
    lcdb = shipped_size_shift()
    combined = size_shift_for(classification)
    own = FamilySizeShift.from_fidelity(classification)
    for rows in (3000, 5000, 30_000):
        at = combined.at(rows)
        assert at["hist_gradient_boosting"] == pytest.approx(own.at(rows)["hist_gradient_boosting"])
        assert at["linear"] == pytest.approx(lcdb.at(rows)["linear"])  # LCDB's twin wins
    regression = MetaTrainingSet(**{**classification.__dict__, "task": "regression"})
    assert size_shift_for(regression).at(30_000) == pytest.approx(own.at(30_000))
    # Without a fidelity, regression falls back on LCDB's evidence.
    assert size_shift_for(synthetic_training_set(n_per_cluster=2, task="regression")).at(30_000) \
        == pytest.approx(lcdb.at(30_000))


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


def test_a_held_out_groups_lcdb_copies_leave_the_lcdb_evidence():
    from _meta_fixtures import synthetic_training_set

    lcdb = LearningCurves.shipped()
    shared = sorted(g for g in lcdb.datasets["group"] if not g.startswith("lcdb-"))
    assert shared, "the shipped LCDB import shares no group with the corpus"
    training = synthetic_training_set(n_per_cluster=2)
    assert size_shift_for(training).at(30_000) == pytest.approx(shipped_size_shift().at(30_000))
    held_out = set(shared[: len(shared) // 2])
    keep = lcdb.datasets.loc[~lcdb.datasets["group"].isin(held_out), "openml_id"]
    without = FamilySizeShift.from_learning_curves(
        LearningCurves(lcdb.curves[lcdb.curves["openml_id"].isin(keep)], lcdb.datasets))
    measured = size_shift_for(training, exclude_groups=held_out)
    np.testing.assert_array_equal(measured.n_datasets, without.n_datasets)
    assert measured.at(30_000) == pytest.approx(without.at(30_000))
    assert (measured.n_datasets < shipped_size_shift().n_datasets).any()
