"""Misbehaving trials for the evaluation tests, importable inside the trial worker process.

The worker is a separate ``python -m`` process: a monkeypatch in the test process never reaches
it. What does reach it is a picklable custom scorer, which the worker unpickles by importing
this module (the tests put its directory on the worker's ``PYTHONPATH``). Each scorer
misbehaves only for one model family, so the same runner can show that the next trial works.
"""

from __future__ import annotations

import os
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.neighbors import KNeighborsClassifier

#: Address space a memory hog asks for: far above the limits the tests set, below the RAM of
#: the machines they run on, so without a working limit the allocation succeeds and the test fails.
HOG_BYTES = 8 * 1024**3


def _is(estimator, model_class) -> bool:
    return isinstance(estimator.named_steps["model"], model_class)


def _accuracy(estimator, X, y) -> float:
    return float(np.mean(estimator.predict(X) == y))


def hang_on_knn(estimator, X, y) -> float:
    """Accuracy, except that a k-NN trial never finishes."""
    if _is(estimator, KNeighborsClassifier):
        time.sleep(3600)
    return _accuracy(estimator, X, y)


def hog_memory_on_knn(estimator, X, y) -> float:
    """Accuracy, except that a k-NN trial reserves ``HOG_BYTES`` of address space.

    ``np.empty`` only reserves the pages, so a broken limit costs no real memory.
    """
    if _is(estimator, KNeighborsClassifier):
        block = np.empty(HOG_BYTES, dtype=np.uint8)
        return float(block.size)
    return _accuracy(estimator, X, y)


def exit_on_knn(estimator, X, y) -> float:
    """Accuracy, except that a k-NN trial ends the worker process abruptly (a crashing library)."""
    if _is(estimator, KNeighborsClassifier):
        os._exit(3)
    return _accuracy(estimator, X, y)


class FailingClassifier(ClassifierMixin, BaseEstimator):
    """A model whose ``fit`` always raises."""

    def fit(self, X, y):
        raise RuntimeError("cannot fit this data")


class FakeSpace:
    """Stands in for the search space in-process: every configuration builds ``model``."""

    def __init__(self, model):
        self.model = model

    def build_pipeline(self, config, columns, n_samples, random_state=None):
        from sklearn.pipeline import Pipeline

        return Pipeline([("model", self.model)])


def worker_openmp_threads(estimator, X, y) -> float:
    """The OpenMP threads the process evaluating the trial may use (a 'score' to read back)."""
    from threadpoolctl import threadpool_info

    return float(max(info["num_threads"] for info in threadpool_info()
                     if info["user_api"] == "openmp"))


def worker_wait_policy_passive(estimator, X, y) -> float:
    """1.0 when the trial's process runs under ``OMP_WAIT_POLICY=PASSIVE``, else 0.0."""
    return float(os.environ.get("OMP_WAIT_POLICY", "").upper() == "PASSIVE")
