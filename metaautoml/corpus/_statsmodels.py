"""Source ``statsmodels``: a dataset module of ``statsmodels.datasets`` (``locator``: its name)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

from ._manifest import CorpusEntry

#: The package this source needs (the ``corpus`` extra).
PACKAGE = "statsmodels"


def read_entry(entry: CorpusEntry, directory: Path | None = None) -> pd.DataFrame:
    """The raw table of a ``statsmodels`` entry, the target still a column."""
    if not entry.locator.isidentifier():
        raise ValueError(f"dataset {entry.name!r}: statsmodels locator must be a module name, "
                         f"got {entry.locator!r}")
    # Importing the one dataset module avoids the seconds statsmodels.api takes to import.
    try:
        module = importlib.import_module(f"statsmodels.datasets.{entry.locator}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("statsmodels.datasets"):
            raise ValueError(f"dataset {entry.name!r}: statsmodels has no dataset "
                             f"{entry.locator!r}") from None
        raise
    return module.load_pandas().data
