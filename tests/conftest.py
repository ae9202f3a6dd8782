"""Fixtures shared by the test packages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def mixed_frame() -> tuple[pd.DataFrame, pd.Series]:
    """120 rows of numeric, category, object and bool columns with missing values; string labels
    that depend on a numeric and a categorical column, so a model can learn them.

    Shared by the session: copy before modifying.
    """
    rng = np.random.default_rng(0)
    n = 120
    signal = rng.normal(size=n)
    color = rng.choice(["red", "green", "blue"], size=n)
    X = pd.DataFrame({
        "signal": signal,
        "noise": rng.normal(size=n),
        "color": pd.Categorical(color),
        "city": pd.Series(rng.choice(["paris", "rome", None], size=n), dtype=object),
        "flag": rng.random(n) > 0.5,
        "count": rng.integers(0, 10, size=n),
    })
    X.loc[::7, "signal"] = np.nan
    X.loc[3::11, "color"] = np.nan
    positive = np.nan_to_num(signal) + (color == "red") > 0.3
    y = pd.Series(np.where(positive, "yes", "no"), name="target")
    return X, y


@pytest.fixture(scope="session")
def postgres_url():
    """A SQLAlchemy URL of an empty database on a PostgreSQL server started for the session."""
    from _postgres import postgres_server, server_bindir

    if server_bindir() is None:
        pytest.skip("PostgreSQL's server programs are not installed (`apt-get install "
                    "postgresql`; .ci/run installs them)")
    pytest.importorskip("psycopg", reason="the postgres extra: pip install 'metaautoml[postgres]'")
    with postgres_server() as url:
        yield url
