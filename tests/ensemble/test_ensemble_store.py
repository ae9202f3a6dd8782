"""The prediction store keeps the best trials' predictions within its memory bound."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from metaautoml.ensemble import PredictionStore

ONE_KB = 1 / 1024  # megabytes


def _kb():
    return np.zeros(256, dtype=np.float32)  # 1 KB


def test_keeps_everything_under_the_bound_as_float32():
    store = PredictionStore(max_mb=4 * ONE_KB)
    store.add(0, 0.5, np.zeros(256))  # float64 in, float32 kept: 1 KB
    store.add(1, 0.6, _kb())
    assert len(store) == 2 and store.n_dropped == 0
    assert store.predictions()[0].dtype == np.float32
    assert store.scores() == {0: 0.5, 1: 0.6}


def test_over_the_bound_a_better_trial_replaces_the_worst_kept():
    store = PredictionStore(max_mb=2 * ONE_KB)
    for number, score in enumerate([0.5, 0.7, 0.6, 0.4]):
        store.add(number, score, _kb())
    assert sorted(store.predictions()) == [1, 2]
    assert store.n_dropped == 2


def test_a_prediction_larger_than_the_bound_is_not_kept():
    store = PredictionStore(max_mb=ONE_KB / 2)
    store.add(0, 1.0, _kb())
    assert len(store) == 0 and store.n_dropped == 1


def test_concurrent_adds_respect_the_bound():
    store = PredictionStore(max_mb=10 * ONE_KB)
    threads = [threading.Thread(target=lambda i=i: [store.add(100 * i + j, float(j), _kb())
                                                   for j in range(20)]) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store) == 10 and store.n_dropped == 70
    assert min(store.scores().values()) >= 17


@pytest.mark.parametrize("max_mb", [0, -1.0, float("nan")])
def test_a_bound_that_is_not_positive_is_refused(max_mb):
    with pytest.raises(ValueError, match="max_mb must be positive"):
        PredictionStore(max_mb=max_mb)
