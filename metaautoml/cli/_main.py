"""The ``metaautoml`` command: global options, subcommand registry and error reporting."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
import warnings
from collections.abc import Iterator, Sequence

from .. import __version__
from . import _db, _fit, _metafeatures, _metatrain, _predict, _recommend, _run, _worker
from ._common import PROG, ArgumentParser, CLIError, UsageError, one_line

#: The subcommands, in the order ``--help`` lists them. A subcommand is a private module of this
#: package with ``add_parser(subparsers, parents)`` (which registers its parser and sets
#: ``run``) and ``run(args) -> int``; adding one means writing the module and listing it here.
COMMANDS = (_fit, _predict, _recommend, _metafeatures, _db, _metatrain, _worker, _run)

_DESCRIPTION = """\
AutoML for tabular data: searches model families and their hyperparameters with Optuna,
evaluated by cross-validation, and keeps the best pipeline."""

_EPILOG = f"""\
examples:
  {PROG} fit train.csv --target species --n-trials 50 --output model.joblib
  {PROG} predict model.joblib test.csv --output predictions.csv
  {PROG} metafeatures train.csv --target species --format json

Run '{PROG} COMMAND --help' for the options of a command. Errors are reported on one line;
add --debug to see the full traceback."""


def build_parser() -> ArgumentParser:
    """The argument parser of ``metaautoml`` with every registered subcommand."""
    parser = ArgumentParser(prog=PROG, description=_DESCRIPTION, epilog=_EPILOG,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback when a command fails")
    # ``--debug`` is also accepted after the subcommand. SUPPRESS keeps a subparser from
    # overwriting the global value with its own default when the flag is not repeated there.
    common = ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback when the command fails")
    subparsers = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND",
                                       required=True)
    for command in COMMANDS:
        command.add_parser(subparsers, [common])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``metaautoml`` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 on success, 1 when the command failed, 2 for a usage error (a bad option or
        option value), 130 when interrupted with Ctrl-C.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    # Known before parsing, so that even a usage error can show its traceback.
    debug = "--debug" in argv
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help and --version exit through argparse
            return exc.code if isinstance(exc.code, int) else 0
        debug = bool(args.debug)
        with _one_line_warnings(enabled=not debug):
            return int(args.run(args))
    except BrokenPipeError:
        # The reader of stdout went away (``metaautoml predict ... | head``): stop quietly, as
        # Unix tools do, and keep Python from reporting the failed flush at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        # The subcommands write outputs atomically, so stopping here leaves no partial file.
        print(f"{PROG}: interrupted", file=sys.stderr)
        _forget_interrupt_in_exec()
        return 130
    except CLIError as exc:
        return _report(exc, exc.exit_code, debug, one_line(str(exc)))
    except (ValueError, TypeError, RuntimeError) as exc:
        # The library reports bad inputs (ValueError/TypeError) and searches that produced no
        # model (RuntimeError: every trial failed) with messages written for users.
        return _report(exc, 1, debug, one_line(str(exc)) or type(exc).__name__)
    except MemoryError as exc:
        return _report(exc, 1, debug, "out of memory")
    except Exception as exc:  # noqa: BLE001 - anything else is still one line unless --debug
        message = f"{type(exc).__name__}: {one_line(str(exc))}"
        if not debug:
            message += " (run with --debug for the traceback)"
        return _report(exc, 1, debug, message)


def _forget_interrupt_in_exec() -> None:
    """Keep a handled Ctrl-C's status 130 under ``python -m metaautoml.cli``.

    CPython (3.8 to 3.13 at least) sets a flag when a KeyboardInterrupt leaves source run by
    ``exec``/``eval`` of a string, and ``python -m`` checks it after the interpreter shuts down:
    set, the process kills itself with SIGINT (status -2 to a parent) although the interrupt
    was handled here. Dataclasses and named tuples build their methods with ``exec``, so a
    Ctrl-C during a lazy import sets it. Running any source string clears the flag.
    """
    exec("")  # noqa: S102 - a constant empty string, run only for its side effect above


@contextlib.contextmanager
def _one_line_warnings(enabled: bool) -> Iterator[None]:
    """Show library warnings as ``metaautoml: warning: ...`` lines instead of Python's two-line
    format with a source line from deep inside scikit-learn; ``--debug`` keeps the original."""
    if not enabled:
        yield
        return
    original = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        print(f"{PROG}: warning: {one_line(str(message))}", file=file or sys.stderr)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = original


def _report(exc: BaseException, code: int, debug: bool, message: str) -> int:
    if debug and not isinstance(exc, UsageError):
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code
