"""The ``rdata`` source: data frames of installed R packages, read from a lazy-load database or
from ``data/*.rda`` files, without R.

The packages are written here by the ``rdata`` package's own writer in R's serialization format,
laid out as R installs a package (``<dir>/<Package>/data/Rdata.{rdx,rdb}``).
"""

from __future__ import annotations

import gzip
import warnings
import zlib

import numpy as np
import pandas as pd
import pytest

from metaautoml.corpus import (
    CorpusEntry,
    available_entries,
    default_rdata_dir,
    load_dataset,
    read_r_dataset,
)

rdata = pytest.importorskip("rdata")


def _serialized(obj) -> bytes:
    return rdata.unparser.unparse_data(rdata.conversion.convert_python_to_r_data(obj),
                                       file_format="xdr", file_type="rds")


def write_lazy_load_db(package_dir, objects: dict) -> None:
    """What R's ``makeLazyLoadDB`` writes: each object serialized and zlib-compressed behind
    a 4-byte length in ``Rdata.rdb``; ``Rdata.rdx`` maps names to (offset, length)."""
    data = package_dir / "data"
    data.mkdir(parents=True)
    blob, variables = b"", {}
    for name, obj in objects.items():
        payload = _serialized(obj)
        chunk = len(payload).to_bytes(4, "big") + zlib.compress(payload)
        variables[name] = np.array([len(blob), len(chunk)], dtype=np.int32)
        blob += chunk
    (data / "Rdata.rdb").write_bytes(blob)
    index = {"variables": variables, "references": {}, "compressed": np.array([True])}
    (data / "Rdata.rdx").write_bytes(gzip.compress(_serialized(index)))


TOY = pd.DataFrame({
    "weight": [1.5, np.nan, 3.0, 4.5],
    "count": pd.array([1, None, 3, 4], dtype="Int32"),
    "colour": pd.Categorical(["red", "blue", "red", "blue"]),
    "alive": np.array([True, False, True, True]),
})


@pytest.fixture
def rdata_dir(tmp_path):
    root = tmp_path / "rlib"
    write_lazy_load_db(root / "toypkg", {"toy": TOY, "numbers": np.arange(3.0)})
    (root / "filepkg" / "data").mkdir(parents=True)
    rdata.write_rda(root / "filepkg" / "data" / "plain.rda", {"plain": TOY[["weight", "colour"]]})
    rdata.write_rda(root / "filepkg" / "data" / "several.rda",
                    {"first": TOY[["weight"]], "second": TOY[["colour", "weight"]]})
    return root


def entry(locator: str, target: str = "colour", task: str = "classification") -> CorpusEntry:
    return CorpusEntry(name="toy", source="rdata", locator=locator, task=task, target=target)


def test_reads_a_lazy_load_database_with_one_representation_per_kind(rdata_dir):
    frame = read_r_dataset(rdata_dir / "toypkg", "toy")
    assert list(frame.columns) == ["weight", "count", "colour", "alive"]
    assert frame["weight"].dtype == np.float64 and frame["weight"].isna().sum() == 1
    # R integers with NA arrive as nullable integers; the corpus gives floats with NaN.
    assert frame["count"].dtype == np.float64 and frame["count"].isna().tolist() == [False, True, False, False]
    assert isinstance(frame["colour"].dtype, pd.CategoricalDtype)
    assert frame["alive"].astype(str).tolist() == ["TRUE", "FALSE", "TRUE", "TRUE"]


def test_load_dataset_splits_the_target_like_every_source(rdata_dir):
    X, y = load_dataset(entry("toypkg/toy"), rdata_dir=rdata_dir)
    assert list(X.columns) == ["weight", "count", "alive"] and y.tolist() == ["red", "blue", "red", "blue"]
    X, y = load_dataset(entry("toypkg/toy", target="weight", task="regression"), rdata_dir=rdata_dir)
    assert len(X) == 3 and y.dtype == np.float64  # the row without a target is gone


def test_reads_rda_files_of_packages_without_lazy_data(rdata_dir):
    X, y = load_dataset(entry("filepkg/plain"), rdata_dir=rdata_dir)
    assert list(X.columns) == ["weight"] and len(y) == 4
    # An object of a file holding several, named after none of them.
    X, y = load_dataset(entry("filepkg/second"), rdata_dir=rdata_dir)
    assert list(X.columns) == ["weight"] and len(y) == 4


def test_the_environment_names_the_default_directory(rdata_dir, monkeypatch):
    monkeypatch.setenv("METAAUTOML_RDATA_DIR", str(rdata_dir))
    assert default_rdata_dir() == rdata_dir
    assert len(load_dataset(entry("toypkg/toy"))[0]) == 4


def test_bad_locators_and_objects_get_one_clear_error(rdata_dir, tmp_path):
    with pytest.raises(ValueError, match=r"'<Package>/<object>'"):
        load_dataset(entry("toy"), rdata_dir=rdata_dir)
    with pytest.raises(ValueError, match="has no dataset 'absent'"):
        load_dataset(entry("toypkg/absent"), rdata_dir=rdata_dir)
    with pytest.raises(ValueError, match="numbers is a .*not a data frame"):
        load_dataset(entry("toypkg/numbers"), rdata_dir=rdata_dir)
    with pytest.raises(FileNotFoundError, match=r"R package directory .* not found.*fetch_rdata\.sh"):
        load_dataset(entry("otherpkg/toy"), rdata_dir=rdata_dir)


def test_available_entries_names_what_is_missing(rdata_dir, tmp_path):
    present, absent = entry("toypkg/toy"), entry("otherpkg/toy")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert available_entries([present, absent], rdata_dir=rdata_dir) == [present]
        assert available_entries([present], rdata_dir=tmp_path / "none") == []
    messages = [str(w.message) for w in caught]
    assert any("R package missing" in m for m in messages)
    assert any("R package directory not found" in m for m in messages)
