"""Shared by the benchmark tests: the scripts in ``benchmarks/`` imported as modules."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="session")
def script():
    """``script("pool_benchmark")`` imports ``benchmarks/pool_benchmark.py``."""

    def load(name: str):
        sys.path.insert(0, str(BENCHMARKS))
        try:
            return importlib.import_module(name)
        finally:
            sys.path.pop(0)

    return load
