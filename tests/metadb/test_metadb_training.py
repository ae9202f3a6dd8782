"""The meta-learners' training set: the largest complete sub-matrix of a build in progress."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metaautoml.metadb import (
    NORMALIZATIONS,
    MetaTrainingSet,
    median_clipped_normalize,
    minmax_normalize,
    normalize_scores,
)
from metaautoml.metadb._training import _largest_complete


def test_a_partial_wave_is_left_out_when_keeping_it_would_drop_more_cells():
    # 10 datasets x 8 configurations done; the next 4 configurations reached 6 datasets so far.
    done = np.zeros((10, 12), dtype=bool)
    done[:, :8] = True
    done[:6, 8:] = True
    columns, rows = _largest_complete(done, min_coverage=0.5)
    assert columns == list(range(8)) and rows == list(range(10))  # 80 cells, not 6 x 12 = 72


def test_a_nearly_finished_wave_is_kept():
    done = np.zeros((10, 12), dtype=bool)
    done[:, :8] = True
    done[:9, 8:] = True
    columns, rows = _largest_complete(done, min_coverage=0.5)
    assert columns == list(range(12)) and rows == list(range(9))  # 108 cells beat 80


def test_the_first_wave_in_progress_counts_only_the_datasets_reached():
    # A build that has reached 3 of 10 datasets: coverage is judged against those 3.
    done = np.zeros((10, 5), dtype=bool)
    done[:3, :] = True
    done[3, :2] = True
    columns, rows = _largest_complete(done, min_coverage=0.5)
    assert columns == list(range(5)) and rows == [0, 1, 2]


def test_nothing_evaluated_gives_nothing():
    assert _largest_complete(np.zeros((4, 3), dtype=bool), min_coverage=0.5) == ([], [])


# -- per-dataset score normalizations ------------------------------------------------------------

finite_rows = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=30)


@given(finite_rows)
@settings(max_examples=200, deadline=None)
def test_median_clipped_keeps_the_order_of_the_better_half(row):
    scores = np.array(row)
    out = median_clipped_normalize(scores)[0]
    assert ((out >= 0) & (out <= 1)).all()
    assert out[np.argmax(scores)] == 1.0
    assert (out[scores < np.median(scores)] == 0).all()
    upper = scores >= np.median(scores)
    order = np.argsort(scores[upper], kind="stable")
    assert (np.diff(out[upper][order]) >= 0).all()


def test_one_disaster_does_not_squeeze_the_rest():
    scores = np.array([[-100.0, 0.40, 0.45, 0.50, 0.55]])
    assert minmax_normalize(scores)[0, 1:].min() > 0.99  # what median clipping avoids
    np.testing.assert_allclose(median_clipped_normalize(scores)[0], [0, 0, 0, 0.5, 1.0])


def test_median_clipped_scores_failures_zero_and_constant_rows_one():
    out = median_clipped_normalize(np.array([[np.nan, 0.2, 0.4, 0.6, 1.0], [0.3, 0.3, 0.3, 0.3, np.nan]]))
    np.testing.assert_allclose(out, [[0, 0, 0, 0.2, 1.0], [1, 1, 1, 1, 0]])


def test_normalize_scores_dispatches_by_name_and_rejects_others():
    scores = np.array([[0.1, 0.5, 0.9]])
    for kind, function in NORMALIZATIONS.items():
        np.testing.assert_array_equal(normalize_scores(scores, kind), function(scores))
    with pytest.raises(ValueError, match="normalization must be one of"):
        normalize_scores(scores, "zscore")


def test_a_pool_restricted_to_some_configurations_keeps_their_columns_in_order():
    from _meta_fixtures import synthetic_training_set

    data = synthetic_training_set(n_per_cluster=2)
    chosen = [data.config_ids[3], data.config_ids[0]]
    part = data.subset_configs(chosen)
    assert part.config_ids == chosen and part.datasets == data.datasets
    np.testing.assert_array_equal(part.scores, data.scores[:, [3, 0]])
    np.testing.assert_array_equal(part.encodings, data.encodings[[3, 0]])
    assert part.configs == [data.configs[3], data.configs[0]]
    with pytest.raises(ValueError, match="not in the pool: nope"):
        data.subset_configs(["nope"])


def test_a_larger_fidelity_comes_along_and_follows_the_subsets(tmp_path):
    from _meta_fixtures import synthetic_metadb

    from metaautoml.evaluation import TrialResult

    db = synthetic_metadb(tmp_path / "meta.sqlite", n_per_cluster=3)
    data = MetaTrainingSet.from_metadb(db, "classification")
    assert data.fidelity == {}
    first, second = data.config_ids[:2]
    for name in data.datasets[:2]:
        db.record_fidelity_evaluations(name, 5000, [
            (first, TrialResult("complete", scores={"accuracy": 0.9}, fit_time=1.0, duration=1.0)),
            (second, TrialResult("timeout", error="too slow", duration=9.0))])
    data = MetaTrainingSet.from_metadb(db, "classification")
    larger = data.fidelity[5000]
    assert list(larger.index) == data.datasets[:2] and list(larger.columns) == [first, second]
    assert larger[first].tolist() == [0.9, 0.9] and larger[second].isna().all()
    # Holding a dataset out holds out its larger fidelity; a smaller pool keeps its columns.
    assert list(data.subset(data.datasets[1:]).fidelity[5000].index) == [data.datasets[1]]
    assert list(data.subset_configs([second, data.config_ids[5]]).fidelity[5000].columns) == [second]
