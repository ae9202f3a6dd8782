"""Shared by the CLI tests: running ``python -m metaautoml.cli`` and writing small CSV files."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sklearn.datasets import load_diabetes, load_iris

import metaautoml

#: The directory holding the ``metaautoml`` package, so a subprocess imports this checkout.
REPO_ROOT = Path(metaautoml.__file__).resolve().parent.parent

#: The fit/predict tests need the estimators, which live in their own package.
needs_estimator = pytest.mark.skipif(
    importlib.util.find_spec("metaautoml.estimator") is None,
    reason="metaautoml.estimator is not in this tree yet")


@contextlib.contextmanager
def single_cpu():
    """Pin this process (and the processes it starts) to one CPU for the block.

    The search sizes its OpenMP pools by the CPUs a process may use. On two cores shared with
    other work, two-thread pools spin against each other and tiny fits run several times slower;
    one CPU keeps the CLI tests fast without reaching into the estimator.
    """
    if not hasattr(os, "sched_setaffinity"):  # pragma: no cover - macOS
        yield
        return
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cpus)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, cpus)


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    # One thread per library: the tests share two cores with other work.
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the command line in a fresh interpreter, as a user would."""
    return subprocess.run([sys.executable, "-m", "metaautoml.cli", *map(str, args)],
                          capture_output=True, text=True, env=cli_env(), cwd=cwd,
                          timeout=timeout)


def assert_one_line_error(stderr: str, *fragments: str) -> None:
    """Exactly one line, in the ``metaautoml: error:`` format, no traceback."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("metaautoml: error: "), stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def iris_csv(path: Path) -> Path:
    """Iris with string labels in a ``species`` column, plus a categorical column with gaps."""
    data = load_iris(as_frame=True)
    frame = data.frame.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    frame["species"] = data.target_names[data.target]
    frame = frame.drop(columns="target")
    frame.insert(0, "site", ["north", "south", "east"] * 50)
    frame.loc[::10, "site"] = None
    frame.to_csv(path, index=False)
    return path


def diabetes_csv(path: Path, n_rows: int = 200) -> Path:
    """Diabetes progression: a whole-number target that only --task regression reads right."""
    frame = load_diabetes(as_frame=True).frame.head(n_rows)
    frame.to_csv(path, index=False)
    return path


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path)


@contextlib.contextmanager
def pinned(cpu: int | None):
    """Pin this thread to ``cpu`` for the block, so that a process started in it inherits that.

    The search sizes its OpenMP pools by the CPUs a process may use; three processes each
    spinning a two-thread pool on two busy cores make every HistGradientBoosting fit take tens of
    seconds instead of a fraction of one (see ``single_cpu``).
    """
    if cpu is None:
        yield
        return
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, cpus)


def start_cli(name: str, args: list, directory: Path, cpu: int | None = None) -> subprocess.Popen:
    """``python -m metaautoml.cli ARGS`` with stdout and stderr in ``NAME.out`` / ``NAME.err``."""
    with open(directory / f"{name}.out", "w") as out, open(directory / f"{name}.err", "w") as err, \
            pinned(cpu):
        return subprocess.Popen([sys.executable, "-m", "metaautoml.cli", *map(str, args)],
                                stdout=out, stderr=err, text=True, env=cli_env(), cwd=directory)
