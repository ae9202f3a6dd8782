"""Estimator tests run their trials and refits on one thread."""

from __future__ import annotations

import pytest

import metaautoml.estimator._base


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """On a busy machine an OpenMP pool waits on descheduled threads at every parallel region:
    HistGradientBoosting on iris then takes seconds instead of 0.1 s. These tests are about
    behaviour, not parallel speed-ups. Module scope, so module-scoped fits are covered too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(metaautoml.estimator._base, "default_n_threads", lambda n_workers=1: 1)
        yield
