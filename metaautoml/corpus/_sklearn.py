"""Source ``sklearn``: a ``sklearn.datasets.load_*`` function bundled with scikit-learn.

``locator`` names the function. The ``fetch_*`` functions download from the internet and are
refused.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pandas as pd

from ._manifest import CorpusEntry

#: The package this source needs.
PACKAGE = "sklearn"


def read_entry(entry: CorpusEntry, directory: Path | None = None) -> pd.DataFrame:
    """The raw table of a ``sklearn`` entry, the target still a column."""
    # fetch_* functions download from the internet; only the bundled load_* ones are allowed.
    if not re.fullmatch(r"load_[a-z_]+", entry.locator):
        raise ValueError(f"dataset {entry.name!r}: sklearn locator must name a bundled "
                         f"sklearn.datasets.load_* function, got {entry.locator!r}")
    datasets = importlib.import_module("sklearn.datasets")
    loader = getattr(datasets, entry.locator, None)
    if loader is None:
        raise ValueError(f"dataset {entry.name!r}: sklearn.datasets has no {entry.locator!r}")
    return loader(as_frame=True).frame
