"""Pieces shared by the subcommands: errors, argument types, data file input and safe file output.

Only the standard library is imported at module level: ``metaautoml --help`` builds every
subcommand's parser, and must not pay for pandas, scikit-learn, Optuna or torch. Functions that
need pandas import it when called.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import math
import os
import secrets
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..task import TASKS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PROG = "metaautoml"
FORMATS = ("table", "json")
#: How many column names an error message lists before cutting the list short.
_MAX_LISTED_COLUMNS = 30
#: Bytes sniffed from the start of a data file (after decompression) to recognise binary
#: (non-CSV) content.
_SNIFF_BYTES = 8192
#: Compressed CSV files, by the file-name extension pandas infers the compression from.
_COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".zip": "zip", ".xz": "xz", ".zst": "zstd"}
_COMPRESSION_NAMES = {"gzip": "gzip-compressed", "bz2": "bzip2-compressed", "zip": "ZIP",
                      "xz": "xz-compressed", "zstd": "zstd-compressed"}
#: The leading bytes of each compressed format, to say so when one is misnamed as plain CSV.
_COMPRESSION_MAGIC = {".gz": b"\x1f\x8b", ".bz2": b"BZh", ".zip": b"PK\x03\x04",
                      ".xz": b"\xfd7zXZ\x00", ".zst": b"\x28\xb5\x2f\xfd"}
_PARQUET_EXTENSIONS = (".parquet", ".pq")
#: The data file formats, for the subcommands' help.
DATA_HELP = ("a CSV file with a header row (also compressed: .csv.gz, .bz2, .zip, .xz, .zst) or a "
             "Parquet file (.parquet, .pq)")
#: Parquet files start (and end) with these four bytes.
_PARQUET_MAGIC = b"PAR1"


class CLIError(Exception):
    """An error to report as one ``metaautoml: error: ...`` line, exiting with ``exit_code``."""

    exit_code = 1


class UsageError(CLIError):
    """A malformed command line or a bad option value (exit status 2, as argparse uses)."""

    exit_code = 2


class ArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are raised instead of printed with the usage.

    ``main`` reports them in the single-line format shared by every error. Subparsers are created
    with the parser's own class, so this covers every subcommand too.
    """

    def error(self, message: str):  # type: ignore[override]
        hint = f" (see '{self.prog} --help')"
        raise UsageError(message + hint)


# -- argument types ----------------------------------------------------------------------------
def positive_int(text: str) -> int:
    """An integer >= 1 (``--n-trials``)."""
    return _int_at_least(text, 1)


def non_negative_int(text: str) -> int:
    """An integer >= 0 (``--ensemble-size``, where 0 turns the ensemble off)."""
    return _int_at_least(text, 0)


def cv_folds(text: str) -> int:
    """An integer >= 2: cross-validation needs at least two folds."""
    return _int_at_least(text, 2)


def cv_or_hold_out(text: str) -> int | float:
    """Folds (an integer >= 2) or the share of rows held out once (a number in (0, 1))."""
    try:
        return _int_at_least(text, 2)
    except argparse.ArgumentTypeError:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if 0.0 < value < 1.0:
            return value
        raise argparse.ArgumentTypeError(f"must be an integer >= 2 (folds) or a number in (0, 1) "
                                         f"(the share held out), got {text!r}") from None


def n_jobs(text: str) -> int:
    """A positive number of parallel trials, or -1 for one per CPU."""
    value = _parse_int(text)
    if value == 0 or value < -1:
        raise argparse.ArgumentTypeError(f"must be a positive integer or -1 (all CPUs), got {text!r}")
    return value


def seed(text: str) -> int:
    """A random seed: a non-negative integer, as NumPy requires."""
    return _int_at_least(text, 0)


def positive_seconds(text: str) -> float:
    """A finite number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def family_list(text: str) -> list[str]:
    """Comma-separated model family names (``--include svm,linear``); checked against the task
    once it is known (:func:`check_families`)."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"must name model families separated by commas, got {text!r}")
    return names


def check_families(args: argparse.Namespace, task: str) -> None:
    """``--include`` and ``--exclude`` name families of ``task`` and leave at least one."""
    from ..space import allowed_families

    try:
        allowed_families(task, args.include, args.exclude)
    except ValueError as exc:
        message = str(exc)
        for argument in ("include", "exclude"):
            if message.startswith(f"{argument}: "):
                raise UsageError(f"argument --{argument}: {message[len(argument) + 2:]}") from None
        raise UsageError(f"arguments --include/--exclude: {message}") from None


def take_column(X: pd.DataFrame, column: str | None, option: str, target: str, path: str
                ) -> tuple[pd.DataFrame, pd.Series | None]:
    """Take the column an option names (``--group-column``, ``--sample-weight-column``) out of
    the features: the search uses it, and the model never sees it."""
    if column is None:
        return X, None
    if column == target:
        raise UsageError(f"argument {option}: {column!r} is the target column")
    if column not in X.columns:
        raise CLIError(f"{option} {column!r} not found in {path}; available columns: "
                       f"{format_columns(X.columns)}")
    values = X[column]
    if values.isna().any():
        raise CLIError(f"{option} {column!r} of {path} has {int(values.isna().sum())} missing "
                       "value(s); every row needs one")
    X = X.drop(columns=[column])
    if X.shape[1] == 0:
        raise CLIError(f"{path} has no feature columns besides the target and {column!r}")
    return X, values


@contextlib.contextmanager
def trial_log(path: str | None) -> Iterator[None]:
    """Within the block, the ``metaautoml`` logger's INFO lines (one per trial) are appended
    to ``path`` too (``--log-file``)."""
    if path is None:
        yield
        return
    import logging

    try:
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        raise CLIError(f"cannot write the log file {path}: {exc.strerror or exc}") from None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    logger = logging.getLogger("metaautoml")
    previous = logger.level
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
        handler.close()


def _parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None


def _int_at_least(text: str, minimum: int) -> int:
    value = _parse_int(text)
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}, got {text!r}")
    return value


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="how to print the result on stdout (default: %(default)s)")


def add_task_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--task", choices=TASKS, default=None,
                        help="the task type; inferred from the target when omitted (a target of "
                             "non-integer numbers is regression, anything else classification)")


# -- input ---------------------------------------------------------------------------------------
def check_input_file(path: str, what: str = "data file") -> None:
    """Fail with a one-line message unless ``path`` is an existing regular file."""
    if not os.path.exists(path):
        raise CLIError(f"{what} not found: {path}")
    if os.path.isdir(path):
        raise CLIError(f"{what} {path} is a directory, not a file")


def read_table(path: str) -> pd.DataFrame:
    """Read a data file, turning every way it can fail into a one-line :class:`CLIError`.

    The reader is chosen by the file name: Parquet for ``.parquet`` and ``.pq`` (and for any file
    that starts and ends with Parquet's ``PAR1`` magic bytes), otherwise a CSV file with a header row,
    decompressed first when the name ends in ``.gz``, ``.bz2``, ``.zip``, ``.xz`` or ``.zst``
    (as pandas infers compression). Columns keep the dtypes pandas reads them with.
    """
    check_input_file(path)
    head = _read_head(path, None)
    name = path.lower()
    if name.endswith(_PARQUET_EXTENSIONS) or _has_parquet_magic(path, head):
        if not head:
            raise CLIError(f"{path} is empty: expected a Parquet file")
        frame = _read_parquet(path)
        if frame.shape[0] == 0:
            raise CLIError(f"{path} has no data rows")
        return frame
    if not head:  # an empty .gz is no valid archive, but "empty" is what the user needs to hear
        raise CLIError(f"{path} is empty: expected a CSV file with a header row")
    frame = _read_csv(path, _compression(name))
    if frame.shape[0] == 0:
        raise CLIError(f"{path} has a header but no data rows")
    return frame


def _has_parquet_magic(path: str, head: bytes) -> bool:
    """Whether ``path`` starts and ends with ``PAR1``, as Parquet files do.

    Both ends, so that a CSV file whose first column happens to be named ``PAR1`` stays a CSV.
    """
    if not head.startswith(_PARQUET_MAGIC):
        return False
    try:
        with open(path, "rb") as handle:
            handle.seek(-len(_PARQUET_MAGIC), os.SEEK_END)
            return handle.read() == _PARQUET_MAGIC
    except OSError:  # shorter than the magic at both ends: not Parquet
        return False


def _compression(name: str) -> str | None:
    """The compression a (lower-cased) file name says its CSV content is stored with."""
    return next((kind for ext, kind in _COMPRESSIONS.items() if name.endswith(ext)), None)


def _read_csv(path: str, compression: str | None) -> pd.DataFrame:
    import pandas as pd

    corrupt = _corruption_errors(path, compression)
    try:
        # Decompress, then sniff: pandas happily "parses" many binary files into garbage
        # columns; a NUL byte never occurs in a text CSV, so it is a reliable sign the user
        # passed a model or archive by mistake -- compressed or not.
        head = _read_head(path, compression)
        if b"\x00" in head:
            raise CLIError(f"{path} is not a CSV file: it contains binary data{_binary_hint(head)}")
        with _open_data(path, compression) as handle:
            return pd.read_csv(handle)
    except pd.errors.EmptyDataError:
        raise CLIError(f"{path} is empty: expected a CSV file with a header row") from None
    except pd.errors.ParserError as exc:
        raise CLIError(f"{path} is not a readable CSV file: {_first_line(exc)}") from None
    except UnicodeDecodeError:
        raise CLIError(f"{path} is not a UTF-8 encoded CSV file") from None
    except corrupt as exc:
        raise _corrupt(path, compression, exc) from None
    except OSError as exc:
        # A decompressor's complaint about its data carries no errno (bz2: "Invalid data
        # stream"); a failing disk or a permission problem does.
        if compression is not None and exc.errno is None:
            raise _corrupt(path, compression, exc) from None
        raise CLIError(f"cannot read {path}: {exc.strerror or exc}") from None


def _read_head(path: str, compression: str | None) -> bytes:
    """The first :data:`_SNIFF_BYTES` bytes of ``path``, decompressed with ``compression``."""
    try:
        with _open_data(path, compression) as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError as exc:
        if compression is not None and exc.errno is None:
            raise  # corrupt compressed data: reported by the caller, which knows the format
        raise CLIError(f"cannot read {path}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _open_data(path: str, compression: str | None) -> Iterator[Any]:
    """``path`` opened for reading bytes, decompressed on the fly with ``compression``."""
    if compression is None:
        with open(path, "rb") as handle:
            yield handle
    elif compression == "gzip":
        import gzip

        with gzip.open(path, "rb") as handle:
            yield handle
    elif compression == "bz2":
        import bz2

        with bz2.open(path, "rb") as handle:
            yield handle
    elif compression == "xz":
        import lzma

        with lzma.open(path, "rb") as handle:
            yield handle
    elif compression == "zstd":
        zstandard = _zstandard(path)
        with zstandard.open(path, "rb") as handle:
            yield handle
    else:  # zip: one CSV file inside, as pandas requires
        import zipfile

        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist()
                       if not m.is_dir() and not m.filename.startswith("__MACOSX/")]
            if len(members) != 1:
                listed = f": {format_columns(m.filename for m in members)}" if members else ""
                raise CLIError(f"{path} is a ZIP archive of {len(members)} files{listed}; expected "
                               "exactly one CSV file in it")
            with archive.open(members[0]) as handle:
                yield handle


def _zstandard(path: str):
    """The ``zstandard`` module, which pandas also needs for ``.zst`` files; not a dependency."""
    try:
        import zstandard
    except ImportError:
        raise CLIError(f"cannot read {path}: .zst files need the 'zstandard' module, which is "
                       "not installed (pip install zstandard)") from None
    return zstandard


def _corruption_errors(path: str, compression: str | None) -> tuple[type[BaseException], ...]:
    """What corrupt or truncated ``compression`` data raises, besides an errno-less OSError."""
    if compression is None:
        return ()
    import lzma
    import zipfile
    import zlib

    errors: tuple[type[BaseException], ...] = (EOFError, zlib.error, lzma.LZMAError,
                                               zipfile.BadZipFile)
    if compression == "zstd":
        errors += (_zstandard(path).ZstdError,)
    return errors


def _corrupt(path: str, compression: str | None, exc: BaseException) -> CLIError:
    return CLIError(f"{path} is not a readable {_COMPRESSION_NAMES[compression]} file: "
                    f"{_first_line(exc)}")


def _binary_hint(head: bytes) -> str:
    """Why sniffed binary content may be a misnamed file, or nothing if it looks like neither."""
    if head.startswith(_PARQUET_MAGIC):
        return " (it holds a Parquet file: decompress it and name it .parquet)"
    for ext, magic in _COMPRESSION_MAGIC.items():
        if head.startswith(magic):
            kind = _COMPRESSION_NAMES[_COMPRESSIONS[ext]]
            return f" (it looks like {kind} data: add {ext} to its name)"
    return ""


def _read_parquet(path: str) -> pd.DataFrame:
    import importlib.util

    import pandas as pd

    errors: tuple[type[BaseException], ...] = (ValueError, OSError, NotImplementedError)
    try:
        from pyarrow import ArrowException

        errors += (ArrowException,)
    except ImportError:
        pass
    try:
        return pd.read_parquet(path)
    except ImportError as exc:
        if importlib.util.find_spec("pyarrow") is None:
            raise CLIError(f"cannot read {path}: Parquet files need the 'pyarrow' module, which "
                           "is not installed") from None
        raise CLIError(f"cannot read {path}: {_first_line(exc)}") from None
    except errors as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise CLIError(f"cannot read {path}: {exc.strerror or exc}") from None
        message = _first_line(exc)
        # pyarrow names the file again: "Could not open Parquet input source '<path>': ..."
        if message.startswith("Could not open Parquet input source") and "': " in message:
            message = message.split("': ", 1)[1]
        raise CLIError(f"{path} is not a readable Parquet file: {message}") from None


def split_target(frame: pd.DataFrame, target: str, path: str) -> tuple[pd.DataFrame, pd.Series]:
    """Split ``frame`` into the feature columns and the target column ``target``."""
    if target not in frame.columns:
        raise CLIError(f"target column {target!r} not found in {path}; available columns: "
                       f"{format_columns(frame.columns)}")
    X = frame.drop(columns=[target])
    if X.shape[1] == 0:
        raise CLIError(f"{path} has no feature columns besides the target {target!r}")
    return X, frame[target]


def format_columns(columns) -> str:
    names = [str(c) for c in columns]
    listed = ", ".join(names[:_MAX_LISTED_COLUMNS])
    more = len(names) - _MAX_LISTED_COLUMNS
    return listed + (f", ... ({more} more)" if more > 0 else "")


def resolve_task(task: str | None, y) -> str:
    """The task given on the command line, or the one inferred from the target."""
    if task is not None:
        return task
    from .._validation import infer_task

    return infer_task(y)


# -- output --------------------------------------------------------------------------------------
def check_output_path(path: str) -> None:
    """Fail before any long computation if ``path`` cannot be written as a file."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise CLIError(f"output path {path} is a directory")
    if not os.path.isdir(directory):
        raise CLIError(f"output directory does not exist: {directory}")
    if not os.access(directory, os.W_OK):
        raise CLIError(f"output directory is not writable: {directory}")


@contextlib.contextmanager
def atomic_output(path: str) -> Iterator[str]:
    """Yield a temporary path next to ``path`` and move it onto ``path`` once the block succeeds.

    The temporary file lives in the destination directory so that ``os.replace`` is an atomic
    rename: readers see either the old file or the complete new one, and an error or Ctrl-C in
    the block removes the temporary file instead of leaving a truncated output behind.
    """
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    # Created like any new file (0o666 less the umask), not with mkstemp's owner-only 0o600,
    # so the renamed output has the permissions a user expects; O_EXCL refuses to reuse a name.
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield temporary
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)


def print_json(payload: Any) -> None:
    """Print ``payload`` as strict JSON: NaN and infinities become ``null``."""
    print(json.dumps(_jsonable(payload), indent=2, allow_nan=False))


def _jsonable(value: Any) -> Any:
    """Plain JSON types from NumPy/pandas scalars and containers; non-finite floats to None."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, datetime.datetime) and not _is_missing(value):
        return value.isoformat()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "tolist"):  # NumPy arrays and scalars
        return _jsonable(value.tolist())
    if hasattr(value, "item"):
        return _jsonable(value.item())
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError, ImportError):
        pass
    return str(value)


def _is_missing(value) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError, ImportError):
        return False


def one_line(message: str) -> str:
    """``message`` on a single line, so every error is exactly one line of stderr."""
    return " ".join(part.strip() for part in str(message).strip().splitlines() if part.strip())


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def stderr_is_terminal() -> bool:
    """Whether a progress bar on stderr would be seen (not when redirected or captured)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
