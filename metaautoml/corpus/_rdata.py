"""Source ``rdata``: a data frame of an installed R package, read without R.

``locator`` is ``"<Package>/<object>"``: the directory ``<rdata_dir>/<Package>/`` is an R package
as installed (Debian's ``r-cran-*`` packages put it under ``/usr/lib/R/site-library``;
``meta_db/fetch_rdata.sh`` copies the ones the corpus uses into ``meta_db/build/rdata``). An
installed package keeps its datasets in a lazy-load database, ``data/Rdata.rdx`` (the index:
object name to offset and length) and ``data/Rdata.rdb`` (each object serialized by R and
compressed on its own); a package installed without lazy data keeps ``data/<object>.rda``
(or ``.RData``/``.rds``) files instead. Both are parsed by the pure-Python ``rdata`` package.
``pyreadr`` reads ``.rda``/``.rds`` files only, not the lazy-load database most Debian packages
ship, which is why this source does not use it.

Nothing read here is executed: R serialization is data (vectors, attributes, lists), parsed into
NumPy/pandas objects.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import warnings
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from ._manifest import CorpusEntry
from ._paths import RDATA_DIR_ENV

#: The package this source needs (``rdata``, the ``corpus`` extra).
PACKAGE = "rdata"

FETCH_HINT = ("install the R packages the corpus uses with meta_db/fetch_rdata.sh (apt-get download "
              f"r-cran-...; dpkg -x) and pass rdata_dir=... (--rdata-dir) or set {RDATA_DIR_ENV}")

_LAZY_LOAD = ("data", "Rdata")
_FILE_SUFFIXES = (".rda", ".RData", ".rdata", ".rds")


def _split_locator(locator: str) -> tuple[str, str]:
    package, sep, name = locator.partition("/")
    if not sep or not package or not name or "/" in name:
        raise ValueError(f"an rdata locator is '<Package>/<object>', got {locator!r}")
    return package, name


def _parse(payload: bytes):
    import rdata

    with warnings.catch_warnings():
        # The objects of a lazy-load database are serialized without the file header that
        # rdata looks for; it warns, then reads them as RDS, which they are.
        warnings.filterwarnings("ignore", message="Unknown file type", category=UserWarning)
        return rdata.conversion.convert(rdata.parser.parse_data(payload))


def _decompress_lazy_load(chunk: bytes) -> bytes:
    """One object of a lazy-load database: a 4-byte length, then zlib data, or a type byte
    (``Z`` xz, ``2`` bzip2, ``0`` stored) and the payload (R's ``compress = 2, 3`` formats)."""
    try:
        return zlib.decompress(chunk[4:])
    except zlib.error:
        kind, payload = chunk[4:5], chunk[5:]
        if kind == b"Z":
            return lzma.decompress(payload)
        if kind == b"2":
            return bz2.decompress(payload)
        if kind == b"0":
            return payload
        raise


def lazy_load_names(package_dir: Path) -> list[str]:
    """The objects of a package's lazy-load database, or ``[]`` if it has none."""
    index = package_dir.joinpath(*_LAZY_LOAD).with_suffix(".rdx")
    if not index.is_file():
        return []
    return [str(name) for name in _parse(gzip.decompress(index.read_bytes()))["variables"]]


def _read_object(package_dir: Path, name: str):
    base = package_dir.joinpath(*_LAZY_LOAD)
    if base.with_suffix(".rdx").is_file():
        variables = _parse(gzip.decompress(base.with_suffix(".rdx").read_bytes()))["variables"]
        if name in variables:
            offset, length = (int(v) for v in variables[name])
            with open(base.with_suffix(".rdb"), "rb") as handle:
                handle.seek(offset)
                return _parse(_decompress_lazy_load(handle.read(length)))
    import rdata

    for suffix in _FILE_SUFFIXES:
        path = package_dir / "data" / f"{name}{suffix}"
        if path.is_file():
            if suffix == ".rds":
                return rdata.read_rds(path)
            objects = rdata.read_rda(path)
            if name in objects:
                return objects[name]
            if len(objects) == 1:
                return next(iter(objects.values()))
            raise ValueError(f"{path} holds {sorted(objects)}, not {name!r}")
    # One .rda file may hold several datasets (gstat's jura.rda: jura.pred, jura.val, ...).
    for path in sorted((package_dir / "data").glob("*")):
        if path.suffix in (".rda", ".RData", ".rdata"):
            objects = rdata.read_rda(path)
            if name in objects:
                return objects[name]
    raise ValueError(f"R package {package_dir.name!r} has no dataset {name!r}")


def _plain_column(values: pd.Series) -> pd.Series:
    """One representation per kind, as the other sources give it: numbers as float64 with NaN,
    text and R factors as categoricals, logicals as categoricals of ``"TRUE"``/``"FALSE"``."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return values
    if pd.api.types.is_bool_dtype(dtype):
        return values.map({True: "TRUE", False: "FALSE"}).astype("category")
    if pd.api.types.is_numeric_dtype(dtype):
        return pd.Series(values.to_numpy(dtype=np.float64, na_value=np.nan), name=values.name)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return values
    return values.astype(object).where(values.notna(), np.nan).astype("category")


def read_r_dataset(package_dir: str | Path, name: str) -> pd.DataFrame:
    """A data frame of an installed R package as a raw table.

    Parameters
    ----------
    package_dir : path-like
        The installed package (the directory holding ``DESCRIPTION`` and ``data/``).
    name : str
        The dataset's name in the package.

    Returns
    -------
    DataFrame
        R's row names dropped (identifiers), numbers as float64 with NaN for ``NA``, factors and
        text as categoricals.

    Raises
    ------
    ValueError
        If the package has no such dataset or the object is not a data frame.
    """
    package_dir = Path(package_dir)
    with warnings.catch_warnings():
        # R strings of unknown encoding are read as ASCII, which is what R assumes too.
        warnings.filterwarnings("ignore", message="Unknown encoding", category=UserWarning)
        # Tibbles are data frames with more classes; rdata builds the data frame and says so.
        warnings.filterwarnings("ignore", message="Missing constructor for R class",
                                category=UserWarning)
        frame = _read_object(package_dir, name)
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{package_dir.name}/{name} is a {type(frame).__name__}, not a data frame")
    frame = frame.reset_index(drop=True)
    return pd.DataFrame({str(column): _plain_column(frame[column]) for column in frame.columns})


def package_dir(entry: CorpusEntry, rdata_dir: Path) -> Path:
    return rdata_dir / _split_locator(entry.locator)[0]


def read_entry(entry: CorpusEntry, rdata_dir: Path) -> pd.DataFrame:
    """The raw table of an ``rdata`` entry, the target still a column."""
    package, name = _split_locator(entry.locator)
    directory = rdata_dir / package
    if not directory.is_dir():
        raise FileNotFoundError(f"dataset {entry.name!r}: R package directory {directory} not found; "
                                f"{FETCH_HINT}")
    try:
        return read_r_dataset(directory, name)
    except ValueError as exc:
        raise ValueError(f"dataset {entry.name!r}: {exc}") from None


def missing(entry: CorpusEntry, rdata_dir: Path) -> str | None:
    """Why ``entry`` cannot be read here, or ``None``."""
    if not rdata_dir.is_dir():
        return f"R package directory not found at {rdata_dir} ({FETCH_HINT})"
    if not package_dir(entry, rdata_dir).is_dir():
        return f"R package missing from {rdata_dir}"
    return None
