"""OpenML tests run offline, against a cache built per test from scikit-learn's datasets."""

from __future__ import annotations

import openml
import pytest
from _openml_cache import SERVER, build_cache, forbid_network
from threadpoolctl import threadpool_limits

import metaautoml.estimator._base


def _offline(monkeypatch) -> list[str]:
    # The cache layout (org/openml/www) follows the server's name: pin the default server, in
    # case this machine's openml config names another, and keep the environment from choosing
    # the cache or the data format.
    monkeypatch.setattr(openml.config, "server", SERVER)
    monkeypatch.delenv("OPENML_CACHE_DIR", raising=False)
    monkeypatch.delenv("OPENML_SKIP_PARQUET", raising=False)
    return forbid_network(monkeypatch)


@pytest.fixture(autouse=True)
def network_attempts(monkeypatch) -> list[str]:
    """No test here may reach the internet; the list records every attempt."""
    return _offline(monkeypatch)


@pytest.fixture
def cache_root(tmp_path):
    """A fresh cache for each test: the client writes pickles into it, and deletes a task's or
    dataset's folder after a failed lookup, so no two tests may share one."""
    return build_cache(tmp_path / "openml-cache")


@pytest.fixture(scope="module")
def offline_module():
    """The offline settings for module-scoped fixtures, which cannot use ``monkeypatch``."""
    with pytest.MonkeyPatch.context() as patch:
        yield _offline(patch)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Fits on one thread: on two busy cores OpenMP pools spin against other work and tiny
    searches take minutes instead of seconds (as in tests/estimator/conftest.py)."""
    with pytest.MonkeyPatch.context() as patch, threadpool_limits(1):
        patch.setattr(metaautoml.estimator._base, "default_n_threads", lambda *args, **kwargs: 1)
        yield
