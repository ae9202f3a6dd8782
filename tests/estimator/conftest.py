"""Estimator tests fit, refit and predict on one thread."""

from __future__ import annotations

import pytest
from threadpoolctl import threadpool_limits

import metaautoml.estimator._base


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """On a busy machine an OpenMP pool waits on descheduled threads at every parallel region:
    HistGradientBoosting on iris then takes seconds instead of 0.1 s. These tests are about
    behaviour, not parallel speed-ups. Trials and the refit set their own thread limit from
    ``default_n_threads``, hence the patch; predictions run under the process-wide limit.
    Module scope, so module-scoped fits are covered too."""
    with pytest.MonkeyPatch.context() as patch, threadpool_limits(1):
        patch.setattr(metaautoml.estimator._base, "default_n_threads", lambda *args, **kwargs: 1)
        yield
