"""Benchmarks of the warm start, reusable from scripts, tests and notebooks."""

from ._pool import (
    K_VALUES,
    METHODS,
    PoolBenchmarkConfig,
    group_folds,
    run_pool_benchmark,
    summarize,
    trials_to_target,
)

__all__ = [
    "K_VALUES",
    "METHODS",
    "PoolBenchmarkConfig",
    "group_folds",
    "run_pool_benchmark",
    "summarize",
    "trials_to_target",
]
