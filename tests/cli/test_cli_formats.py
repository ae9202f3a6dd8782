"""Data files besides plain CSV: compressed CSV (.gz, .bz2, .zip, .xz, .zst) and Parquet.

Every command that reads a data file goes through ``_common.read_table``; the round trips check
``fit`` and ``predict`` end to end, the rest runs the fast commands in-process.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import lzma
import sys
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest
from _cli_helpers import assert_one_line_error, iris_csv, needs_estimator, run_cli, single_cpu

from metaautoml.cli import _common, main

#: Small and fast, as in test_cli_roundtrip.py.
FAST = ("--n-trials", "2", "--cv", "2", "--random-state", "0")

COMPRESSORS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}


def _compressed(path, content: bytes):
    """``content`` written to ``path``, compressed as its extension says."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(path.stem, content)
    else:
        path.write_bytes(COMPRESSORS[suffix](content))
    return path


def _iris_as(directory, suffix: str):
    """Iris (see ``iris_csv``) stored as ``iris<suffix>``: CSV, compressed CSV or Parquet."""
    plain = iris_csv(directory / "plain.csv")
    path = directory / f"iris{suffix}"
    if suffix in (".parquet", ".pq"):
        pd.read_csv(plain).to_parquet(path, index=False)
    else:
        _compressed(path, plain.read_bytes())
    return path


def _truncated_gzip() -> bytes:
    """The first half of a gzipped CSV file of 2000 rows."""
    rows = "".join(f"{i * 7919 % 1000},{'ab'[i % 2]}\n" for i in range(2000))
    content = gzip.compress(f"x,y\n{rows}".encode())
    return content[:len(content) // 2]


def _error(capsys, argv, status=1):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert code == status, captured.err
    assert captured.out == ""
    return captured.err


def _metafeatures_error(capsys, path, target="y"):
    return _error(capsys, ["metafeatures", path, "--target", target])


# -- reading -------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz", ".CSV.GZ",
                                    ".parquet", ".pq"])
def test_read_table_reads_what_pandas_reads(suffix, tmp_path):
    path = _iris_as(tmp_path, suffix)
    expected = pd.read_csv(tmp_path / "plain.csv")
    frame = _common.read_table(str(path))
    # Read, not converted: text columns keep pandas' own ``str`` dtype, missing cells NaN.
    pd.testing.assert_frame_equal(frame, expected)
    assert frame["site"].dtype == expected["site"].dtype
    assert frame["site"].isna().sum() == 15


def test_parquet_is_recognised_by_its_magic_bytes(tmp_path):
    path = tmp_path / "exported.csv"  # misnamed, or a name without an extension
    frame = pd.DataFrame({"x": [1.5, 2.5, 3.5], "y": ["a", "b", "a"]})
    frame.to_parquet(path, index=False)
    pd.testing.assert_frame_equal(_common.read_table(str(path)), frame)


def test_a_csv_starting_with_par1_stays_a_csv(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("PAR1,y\n1,a\n2,b\n")
    assert _common.read_table(str(path)).columns.tolist() == ["PAR1", "y"]


def test_zip_directories_and_macos_metadata_are_not_files(tmp_path):
    path = tmp_path / "data.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("export/", b"")
        archive.writestr("export/data.csv", b"x,y\n1,a\n2,b\n")
        archive.writestr("__MACOSX/export/._data.csv", b"\x00\x05\x16\x07")
    assert _common.read_table(str(path)).shape == (2, 2)


def test_zstd(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    path = tmp_path / "data.csv.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(b"x,y\n1,a\n2,b\n"))
    assert _common.read_table(str(path)).shape == (2, 2)


def test_zstd_without_the_zstandard_module(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "zstandard", None)  # import fails, installed or not
    path = tmp_path / "data.csv.zst"
    path.write_bytes(b"\x28\xb5\x2f\xfd" + bytes(range(1, 40)))
    assert_one_line_error(_metafeatures_error(capsys, path),
                          f"cannot read {path}: .zst files need the 'zstandard' module, which "
                          "is not installed")


# -- fit and predict -------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=[".csv.gz", ".parquet"])
def fitted(request, tmp_path_factory):
    """A classifier fitted in-process on iris stored as a .csv.gz or a Parquet file."""
    directory = tmp_path_factory.mktemp("formats")
    data = _iris_as(directory, request.param)
    model = directory / "iris.joblib"
    out, err = io.StringIO(), io.StringIO()
    with single_cpu(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["fit", str(data), "--target", "species", "--output", str(model), *FAST,
                     "--format", "json"])
    assert code == 0, err.getvalue()
    return {"data": data, "plain": directory / "plain.csv", "model": model,
            "summary": json.loads(out.getvalue())}


@needs_estimator
def test_fit_predict_round_trip(fitted, tmp_path, capsys):
    summary = fitted["summary"]
    assert summary["model"] == str(fitted["model"])
    assert summary["task"] == "classification" and summary["n_complete"] == 2
    bundle = joblib.load(fitted["model"])
    assert bundle["target"] == "species"
    assert bundle["features"] == ["site", "sepal_length", "sepal_width", "petal_length",
                                  "petal_width"]
    output = tmp_path / "predictions.csv"
    assert main(["predict", str(fitted["model"]), str(fitted["data"]), "--proba",
                 "--output", str(output)]) == 0
    assert capsys.readouterr().err.strip() == f"wrote 150 predictions to {output}"
    # Written as CSV whatever the input format.
    predictions = pd.read_csv(output)
    assert predictions.columns.tolist() == ["species", "proba_setosa", "proba_versicolor",
                                            "proba_virginica"]
    data = pd.read_csv(fitted["plain"])
    model = bundle["model"]
    np.testing.assert_array_equal(predictions["species"],
                                  model.predict(data.drop(columns="species")))
    assert (predictions["species"] == data["species"]).mean() > 0.9


@needs_estimator
@pytest.mark.parametrize("suffix", [".csv.bz2", ".csv.zip", ".pq"])
def test_predict_reads_any_format(fitted, suffix, tmp_path, capsys):
    data = _iris_as(tmp_path, suffix)
    assert main(["predict", str(fitted["model"]), str(data), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    model = joblib.load(fitted["model"])["model"]
    plain = pd.read_csv(tmp_path / "plain.csv").drop(columns="species")
    assert payload["predictions"] == model.predict(plain).tolist()


# -- recommend and metafeatures --------------------------------------------------------------------
def _json_of(capsys, argv):
    assert main([str(a) for a in argv]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("command,extra", [("metafeatures", ()), ("recommend", ("--n", "3"))])
@pytest.mark.parametrize("suffix", [".csv.bz2", ".csv.zip"])
def test_compressed_csv_gives_the_same_result(command, extra, suffix, tmp_path, capsys):
    compressed = _iris_as(tmp_path, suffix)
    args = ["--target", "species", *extra, "--format", "json"]
    assert (_json_of(capsys, [command, compressed, *args])
            == _json_of(capsys, [command, tmp_path / "plain.csv", *args]))


def test_metafeatures_of_a_parquet_file(tmp_path, capsys):
    path = _iris_as(tmp_path, ".parquet")
    args = ["--target", "species", "--format", "json"]
    assert (_json_of(capsys, ["metafeatures", path, *args])
            == _json_of(capsys, ["metafeatures", tmp_path / "plain.csv", *args]))


# -- errors ----------------------------------------------------------------------------------------
def test_corrupt_gz(tmp_path, capsys):
    content = gzip.compress(b"x,y\n" + b"1,a\n" * 5000)
    path = tmp_path / "data.csv.gz"
    path.write_bytes(content[:20] + b"\xff" * 64 + content[84:])
    assert_one_line_error(_metafeatures_error(capsys, path),
                          f"{path} is not a readable gzip-compressed file: Error -3 while "
                          "decompressing data")


@pytest.mark.parametrize("command", ["fit", "metafeatures", "recommend"])
def test_truncated_gz(command, tmp_path, capsys):
    path = tmp_path / "data.csv.gz"
    path.write_bytes(_truncated_gzip())
    argv = [command, path, "--target", "y"]
    if command == "fit":
        argv += ["--output", tmp_path / "m.joblib"]
    assert_one_line_error(_error(capsys, argv),
                          f"{path} is not a readable gzip-compressed file: Compressed file ended "
                          "before the end-of-stream marker was reached")
    assert not (tmp_path / "m.joblib").exists()


def test_plain_text_named_gz(tmp_path, capsys):
    path = tmp_path / "data.csv.gz"
    path.write_text("x,y\n1,a\n")
    assert_one_line_error(_metafeatures_error(capsys, path),
                          f"{path} is not a readable gzip-compressed file: Not a gzipped file")


@pytest.mark.parametrize("suffix,fragment", [
    (".csv.bz2", "is not a readable bzip2-compressed file: Invalid data stream"),
    (".csv.xz", "is not a readable xz-compressed file: Input format not supported by decoder"),
    (".csv.zip", "is not a readable ZIP file: File is not a zip file"),
])
def test_corrupt_archives(suffix, fragment, tmp_path, capsys):
    path = tmp_path / f"data{suffix}"
    path.write_bytes(b"BZh9" + b"not compressed at all" * 10)
    assert_one_line_error(_metafeatures_error(capsys, path), f"{path} {fragment}")


def test_gzipped_binary_file_is_not_a_csv(tmp_path, capsys):
    model = tmp_path / "model.joblib"
    joblib.dump({"a": np.arange(10)}, model)
    path = _compressed(tmp_path / "model.csv.gz", model.read_bytes())
    assert_one_line_error(_metafeatures_error(capsys, path),
                          f"{path} is not a CSV file: it contains binary data")
    assert capsys.readouterr().err == ""


def test_compressed_file_without_its_extension(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_bytes(gzip.compress(b"x,y\n1,a\n2,b\n"))
    assert_one_line_error(_metafeatures_error(capsys, path),
                          f"{path} is not a CSV file: it contains binary data (it looks like "
                          "gzip-compressed data: add .gz to its name)")


@pytest.mark.parametrize("suffix", [".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz"])
def test_csv_errors_inside_archives(suffix, tmp_path, capsys):
    cases = {
        b"": "is empty: expected a CSV file with a header row",
        b"x,y\n": "has a header but no data rows",
        "x,y\ncaf\xe9,1\n".encode("latin-1"): "is not a UTF-8 encoded CSV file",
        b"a,b\n1,2\n3,4,5,6\n": "is not a readable CSV file: Error tokenizing data",
    }
    for content, fragment in cases.items():
        path = _compressed(tmp_path / f"data{suffix}", content)
        assert_one_line_error(_metafeatures_error(capsys, path), f"{path} {fragment}")


def test_empty_compressed_file(tmp_path, capsys):
    path = tmp_path / "data.csv.gz"
    path.write_bytes(b"")
    assert_one_line_error(_metafeatures_error(capsys, path),
                          f"{path} is empty: expected a CSV file with a header row")


def test_missing_file_and_directory_with_compressed_names(tmp_path, capsys):
    assert_one_line_error(_metafeatures_error(capsys, tmp_path / "nope.csv.gz"),
                          f"data file not found: {tmp_path / 'nope.csv.gz'}")
    (tmp_path / "dir.parquet").mkdir()
    assert_one_line_error(_metafeatures_error(capsys, tmp_path / "dir.parquet"),
                          "is a directory, not a file")


@pytest.mark.parametrize("names,fragment", [
    ((), "is a ZIP archive of 0 files; expected exactly one CSV file in it"),
    (("a.csv", "b.csv"), "is a ZIP archive of 2 files: a.csv, b.csv; expected exactly one CSV "
                         "file in it"),
])
def test_zip_must_hold_one_file(names, fragment, tmp_path, capsys):
    path = tmp_path / "data.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, b"x,y\n1,a\n")
    assert_one_line_error(_metafeatures_error(capsys, path), f"{path} {fragment}")


def test_parquet_errors(tmp_path, capsys):
    empty = tmp_path / "empty.parquet"
    empty.write_bytes(b"")
    assert_one_line_error(_metafeatures_error(capsys, empty),
                          f"{empty} is empty: expected a Parquet file")
    text = tmp_path / "text.pq"
    text.write_text("x,y\n1,a\n")
    assert_one_line_error(_metafeatures_error(capsys, text),
                          f"{text} is not a readable Parquet file: Parquet magic bytes not "
                          "found in footer")
    truncated = tmp_path / "truncated.parquet"
    pd.DataFrame({"x": range(100), "y": ["a", "b"] * 50}).to_parquet(truncated)
    truncated.write_bytes(truncated.read_bytes()[:200])
    assert_one_line_error(_metafeatures_error(capsys, truncated),
                          f"{truncated} is not a readable Parquet file")
    no_rows = tmp_path / "no_rows.parquet"
    pd.DataFrame({"x": [1.0], "y": ["a"]}).iloc[:0].to_parquet(no_rows)
    assert_one_line_error(_metafeatures_error(capsys, no_rows), f"{no_rows} has no data rows")


def test_corrupt_gz_in_a_real_process(tmp_path):
    path = tmp_path / "data.csv.gz"
    path.write_bytes(_truncated_gzip())
    result = run_cli("metafeatures", path, "--target", "y")
    assert result.returncode == 1
    assert result.stdout == ""
    assert_one_line_error(result.stderr, "is not a readable gzip-compressed file")


@pytest.mark.parametrize("command", ["fit", "predict", "recommend", "metafeatures"])
def test_help_lists_the_formats(command, capsys):
    assert main([command, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "DATA a CSV" not in text and "DATA" in text
    assert ".csv.gz, .bz2, .zip, .xz, .zst" in text and "Parquet file (.parquet, .pq)" in text
