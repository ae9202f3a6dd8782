"""The meta-learners' training set: the largest complete sub-matrix of a build in progress."""

from __future__ import annotations

import numpy as np

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
