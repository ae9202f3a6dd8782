"""Nested selection of the warm start's settings: chosen inside each outer fold, never on it.

The defaults of the proposer (matching temperature, first-pick hedge, L1 neighbours' bests,
leading family defaults) and the surrogate's score normalization were chosen by a sweep over the
same datasets the pool benchmark reports on, which flatters the full system. Here every outer
fold chooses them again from its training groups alone, by inner group cross-validation, and
only then meets its held-out datasets:

1. the surrogate target: the full system (proposals, then the shipped sampler) with the task's
   default proposer, mean regret over ``k = 1..selection_horizon`` on the inner held-out datasets;
2. the proposer's settings, with that target's inner models: mean regret of the proposals alone
   over ``k = 1..n_warm_start`` (they are what these settings shape, and it is cheap).

The outer held-out datasets then get the full system with the chosen settings, trained on every
training group, through the pool benchmark's own fold (method ``full_nested``).
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from ..metadb import MetaTrainingSet
from ..warmstart import ProposerConfig, WarmStartProposer
from ._pool import (
    PoolBenchmarkConfig,
    _run_fold,
    _sequential,
    fit_proposer,
    group_folds,
    write_results,
)

#: The method name nested results carry (paired with the pool benchmark's other methods).
NESTED_METHOD = "full_nested"


@dataclass
class NestedGrid:
    """The settings each outer fold chooses among (the sweep's, and the shipped defaults)."""

    targets: Sequence[str] = ("median_clipped", "minmax")
    temperatures: Sequence[float] = (0.25, 0.5, 1.0)
    first_pick_hedges: Sequence[float] = (0.0, 0.4)
    neighbor_bests: Sequence[int] = (0, 3, 5)
    lead_defaults: Sequence[int] = (0, 1)

    def proposers(self, task: str) -> list[ProposerConfig]:
        return [ProposerConfig.for_task(task, temperature=t, first_pick_hedge=h, neighbor_best=n,
                                        lead_defaults=lead)
                for t, h, n, lead in itertools.product(self.temperatures, self.first_pick_hedges,
                                                       self.neighbor_bests, self.lead_defaults)]


@dataclass
class NestedConfig:
    """The outer protocol (``pool``: its folds, seed, horizon and model training) and the inner
    selection: ``inner_folds`` folds of the training groups, the ``grid``, and the horizon the
    target is selected over."""

    pool: PoolBenchmarkConfig = field(default_factory=lambda: PoolBenchmarkConfig(methods=("full",)))
    inner_folds: int = 3
    grid: NestedGrid = field(default_factory=NestedGrid)
    selection_horizon: int = 10


def _regret_curve(normalized_row: np.ndarray, order: Sequence[int]) -> np.ndarray:
    return 1.0 - np.maximum.accumulate(normalized_row[list(order)])


def _inner_scores(train: MetaTrainingSet, config: NestedConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Inner-CV regret of every surrogate target, and of every proposer setting per target."""
    pool, grid = config.pool, config.grid
    normalized = train.normalized("minmax")
    default = ProposerConfig.for_task(train.task)
    proposers = grid.proposers(train.task)
    targets, settings = [], []
    for inner, test in enumerate(group_folds(train.groups, config.inner_folds, pool.seed + 1)):
        held = set(test.tolist())
        inner_train = train.subset([d for i, d in enumerate(train.datasets) if i not in held])
        for target in grid.targets:
            fitted = fit_proposer(inner_train, replace(pool.training, target=target),
                                  pool.n_ensemble, pool.matcher, default)
            horizon = min(config.selection_horizon, inner_train.n_configs)
            for i in test:
                meta, scores = train.meta_features.iloc[i], train.scores[i]
                start = fitted.order(meta, min(pool.n_warm_start, horizon)).chosen
                order = _sequential(fitted.surrogate, meta, inner_train, scores, horizon, start)
                targets.append({"inner_fold": inner, "dataset": train.datasets[i], "target": target,
                                "regret": float(_regret_curve(normalized[i], order).mean())})
            for index, proposer_config in enumerate(proposers):
                proposer = WarmStartProposer(inner_train, fitted.matcher, fitted.surrogate,
                                             proposer_config)
                for i in test:
                    order = proposer.order(train.meta_features.iloc[i], pool.n_warm_start).chosen
                    settings.append({"inner_fold": inner, "dataset": train.datasets[i],
                                     "target": target, "setting": index,
                                     "regret": float(_regret_curve(normalized[i], order).mean())})
    return pd.DataFrame(targets), pd.DataFrame(settings)


def choose_settings(train: MetaTrainingSet, config: NestedConfig) -> dict:
    """The surrogate target and proposer settings with the lowest inner-CV regret on ``train``
    (ties: the earlier in the grid), and the inner regrets behind the choice."""
    targets, settings = _inner_scores(train, config)
    by_target = targets.groupby("target", sort=False)["regret"].mean()
    target = str(by_target.idxmin())
    of_target = settings[settings["target"] == target].groupby("setting")["regret"].mean()
    best = int(of_target.idxmin())
    proposer = config.grid.proposers(train.task)[best]
    default = ProposerConfig.for_task(train.task)
    default_index = next((i for i, p in enumerate(config.grid.proposers(train.task)) if p == default),
                         None)
    return {"target": target, "proposer": asdict(proposer),
            "inner_target_regret": by_target.to_dict(),
            "inner_setting_regret": float(of_target[best]),
            "inner_default_regret": (None if default_index is None
                                     else float(of_target[default_index]))}


def _nested_fold(data: MetaTrainingSet, config: NestedConfig, fold: int, test: np.ndarray,
                 directory: Path | None) -> tuple[pd.DataFrame, dict, float]:
    start = time.perf_counter()
    held = set(test.tolist())
    train = data.subset([d for i, d in enumerate(data.datasets) if i not in held])
    chosen = choose_settings(train, config)
    outer = replace(config.pool, methods=("full",), proposer=ProposerConfig(**chosen["proposer"]),
                    training=replace(config.pool.training, target=chosen["target"]))
    results = _run_fold(data, outer, fold, test).assign(method=NESTED_METHOD)
    chosen = {"task": data.task, "fold": fold, "held_out": [data.datasets[i] for i in test], **chosen}
    if directory is not None:
        write_results(results, directory / f"fold-{fold:03d}.csv")
        tmp = directory / f"fold-{fold:03d}.json.tmp"
        tmp.write_text(json.dumps(chosen, indent=1))
        os.replace(tmp, directory / f"fold-{fold:03d}.json")
    return results, chosen, time.perf_counter() - start


def run_nested_pool_benchmark(data: MetaTrainingSet, config: NestedConfig | None = None,
                              progress: Callable[[str], None] | None = None, *, n_jobs: int = 1,
                              checkpoints: str | os.PathLike | None = None
                              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The full system with its settings chosen inside each outer fold.

    Parameters
    ----------
    data : MetaTrainingSet
    config : NestedConfig, optional
        Its ``pool`` fixes the outer folds (``n_folds``, ``seed``): use the same as the pool
        benchmark run the results are paired with.
    progress : callable, optional
        Called with a line of text after each outer fold.
    n_jobs : int, default=1
        Outer folds run in parallel processes.
    checkpoints : path-like, optional
        A directory for each finished outer fold's results and choice; folds found there (for
        the same held-out datasets) are not rerun.

    Returns
    -------
    results : DataFrame
        As :func:`run_pool_benchmark`'s, method :data:`NESTED_METHOD`.
    choices : DataFrame
        One row per outer fold: the chosen target and proposer settings, and the inner regrets.
    """
    config = config or NestedConfig()
    folds = group_folds(data.groups, config.pool.n_folds, config.pool.seed)
    directory = None if checkpoints is None else Path(checkpoints)
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    done: dict[int, tuple[pd.DataFrame, dict]] = {}
    for fold, test in enumerate(folds):
        if directory is None:
            continue
        csv, notes = directory / f"fold-{fold:03d}.csv", directory / f"fold-{fold:03d}.json"
        if csv.exists() and notes.exists():
            chosen = json.loads(notes.read_text())
            if set(chosen["held_out"]) == {data.datasets[i] for i in test}:
                done[fold] = (pd.read_csv(csv), chosen)
    todo = [fold for fold in range(len(folds)) if fold not in done]
    jobs = (delayed(_nested_fold)(data, config, fold, folds[fold], directory) for fold in todo)
    for fold, (results, chosen, seconds) in zip(
            todo, Parallel(n_jobs=n_jobs, return_as="generator")(jobs), strict=True):
        done[fold] = (results, chosen)
        if progress is not None:
            progress(f"{data.task} outer fold {fold + 1} ({len(done)}/{len(folds)} done): "
                     f"target {chosen['target']}, {seconds:.0f} s")
    results = pd.concat([done[f][0] for f in range(len(folds))], ignore_index=True)
    return results, pd.DataFrame([_choice_row(done[f][1]) for f in range(len(folds))])


#: The proposer settings the grid varies, as the choices table shows them.
_VARIED = ("temperature", "first_pick_hedge", "neighbor_best", "lead_defaults")


def _choice_row(chosen: dict) -> dict:
    row = {"task": chosen["task"], "fold": chosen["fold"], "datasets": len(chosen["held_out"]),
           "target": chosen["target"]}
    row.update({name: chosen["proposer"][name] for name in _VARIED})
    row.update({f"inner regret ({target})": value
                for target, value in chosen["inner_target_regret"].items()})
    row["inner proposals regret (chosen)"] = chosen["inner_setting_regret"]
    row["inner proposals regret (default)"] = chosen["inner_default_regret"]
    return row
