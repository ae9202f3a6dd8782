"""Source ``weka``: an ARFF file of the Debian ``weka`` package, and the ARFF reader.

``locator`` is the file's path relative to the weka directory (``weka_dir``); a gzipped twin
(``name.arff.gz``) is read as well. The files are not redistributed with metaautoml:
``meta_db/README.md`` says how to fetch them.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ._manifest import CorpusEntry
from ._paths import WEKA_DIR_ENV

#: The package this source needs (``liac-arff``, the ``corpus`` extra).
PACKAGE = "arff"

FETCH_HINT = ("fetch the Debian weka package's ARFF files as described in meta_db/README.md "
              "(apt-get download weka; dpkg -x) and pass weka_dir=... (--weka-dir) or set "
              f"{WEKA_DIR_ENV}")


def read_arff(path: str | os.PathLike) -> pd.DataFrame:
    """Read an ARFF file (optionally gzipped) into a DataFrame.

    Nominal attributes become categoricals with the declared categories, numeric attributes
    floats, string and date attributes objects; ``?`` becomes NaN. Needs ``liac-arff``.
    """
    import arff

    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        document = arff.load(handle)
    names = [name for name, _ in document["attributes"]]
    frame = pd.DataFrame(document["data"], columns=names)
    for name, kind in document["attributes"]:
        if isinstance(kind, list):
            frame[name] = pd.Categorical(frame[name], categories=kind)
        elif str(kind).upper() in ("NUMERIC", "REAL", "INTEGER"):
            frame[name] = pd.to_numeric(frame[name]).astype(np.float64)
        else:
            frame[name] = frame[name].astype(object)
    return frame


def weka_file(entry: CorpusEntry, weka_dir: Path) -> Path | None:
    """The ARFF file of ``entry`` in ``weka_dir``, or ``None`` if it is missing."""
    # Debian compresses larger files under /usr/share/doc, so accept the gzipped twin too.
    for candidate in (weka_dir / entry.locator, weka_dir / (entry.locator + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def read_entry(entry: CorpusEntry, weka_dir: Path) -> pd.DataFrame:
    """The raw table of a ``weka`` entry, the target still a column."""
    if not weka_dir.is_dir():
        raise FileNotFoundError(f"weka ARFF directory not found at {weka_dir}; {FETCH_HINT}")
    path = weka_file(entry, weka_dir)
    if path is None:
        raise FileNotFoundError(f"dataset {entry.name!r}: {weka_dir / entry.locator} (or .gz) is "
                                f"missing; {FETCH_HINT}")
    return read_arff(path)


def missing(entry: CorpusEntry, weka_dir: Path) -> str | None:
    """Why ``entry`` cannot be read here, or ``None``."""
    if not weka_dir.is_dir():
        return f"weka ARFF directory not found at {weka_dir} ({FETCH_HINT})"
    if weka_file(entry, weka_dir) is None:
        return f"ARFF file missing from {weka_dir}"
    return None
