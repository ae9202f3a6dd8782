"""Pieces shared by the subcommands: errors, argument types, CSV input and safe file output.

Only the standard library is imported at module level: ``metaautoml --help`` builds every
subcommand's parser, and must not pay for pandas, scikit-learn, Optuna or torch. Functions that
need pandas import it when called.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import secrets
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PROG = "metaautoml"
#: The library's task types, repeated here because ``metaautoml._validation`` imports NumPy.
TASKS = ("classification", "regression")
FORMATS = ("table", "json")
#: How many column names an error message lists before cutting the list short.
_MAX_LISTED_COLUMNS = 30
#: Bytes sniffed from the start of a data file to recognise binary (non-CSV) content.
_SNIFF_BYTES = 8192


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


def cv_folds(text: str) -> int:
    """An integer >= 2: cross-validation needs at least two folds."""
    return _int_at_least(text, 2)


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


def read_csv(path: str) -> pd.DataFrame:
    """Read a CSV file with a header row, turning every way it can fail into a :class:`CLIError`."""
    import pandas as pd

    check_input_file(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror or exc}") from None
    # pandas happily "parses" many binary files into garbage columns; a NUL byte never occurs
    # in a text CSV, so it is a reliable sign the user passed a model or archive by mistake.
    if b"\x00" in head:
        raise CLIError(f"{path} is not a CSV file: it contains binary data")
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise CLIError(f"{path} is empty: expected a CSV file with a header row") from None
    except pd.errors.ParserError as exc:
        raise CLIError(f"{path} is not a readable CSV file: {_first_line(exc)}") from None
    except UnicodeDecodeError:
        raise CLIError(f"{path} is not a UTF-8 encoded CSV file") from None
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror or exc}") from None
    if frame.shape[0] == 0:
        raise CLIError(f"{path} has a header but no data rows")
    return frame


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
