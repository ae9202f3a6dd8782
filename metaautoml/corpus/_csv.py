"""Source ``csv``: a user's CSV file (``locator``: its path; ``~`` is expanded)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._manifest import CorpusEntry


def read_entry(entry: CorpusEntry, directory: Path | None = None) -> pd.DataFrame:
    """The raw table of a ``csv`` entry, the target still a column."""
    path = Path(entry.locator).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"dataset {entry.name!r}: CSV file {path} not found")
    return pd.read_csv(path)


def missing(entry: CorpusEntry, directory: Path | None = None) -> str | None:
    """Why ``entry`` cannot be read here, or ``None``."""
    return None if Path(entry.locator).expanduser().is_file() else "CSV file not found"
