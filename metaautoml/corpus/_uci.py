"""Source ``uci``: the 92 preprocessed UCI datasets of Fernandez-Delgado et al. (2014).

They lie in the corpus directory (``corpus_dir``; the project's ``shared/corpus``), which is not
redistributed with metaautoml; ``locator`` is a file relative to that directory.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._manifest import CorpusEntry
from ._paths import CORPUS_DIR_ENV


def read_entry(entry: CorpusEntry, corpus_dir: Path) -> pd.DataFrame:
    """The raw table of a ``uci`` entry, the target still a column."""
    if not corpus_dir.is_dir():
        raise FileNotFoundError(
            f"UCI corpus not found at {corpus_dir}; pass corpus_dir=... (--corpus-dir) or set "
            f"{CORPUS_DIR_ENV} to the directory holding manifest.json and uci/ (the project's "
            "shared/corpus)")
    path = corpus_dir / entry.locator
    if not path.is_file():
        raise FileNotFoundError(f"dataset {entry.name!r}: file {path} is missing from the UCI corpus")
    return pd.read_csv(path)


def missing(entry: CorpusEntry, corpus_dir: Path) -> str | None:
    """Why ``entry`` cannot be read here, or ``None``."""
    if not corpus_dir.is_dir():
        return f"UCI corpus not found at {corpus_dir} (pass corpus_dir=... or set {CORPUS_DIR_ENV})"
    if not (corpus_dir / entry.locator).is_file():
        return f"file missing from the UCI corpus at {corpus_dir}"
    return None
