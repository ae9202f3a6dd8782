"""The offline (pool) benchmark: warm-start methods held out dataset by dataset on a meta-DB.

Every method orders the configuration pool for a held-out dataset using only the other datasets;
the held-out dataset's scores are then looked up in the performance matrix. Datasets of one
source group are held out together (and models are retrained without them), in ``n_folds``
folds of groups (``n_folds=None``: one group per fold, i.e. leave-one-group-out).

Metrics, as in HPO-B (Pineda Arango et al., 2021): normalized regret ``1 - max`` of the per-dataset
min-max normalized scores of the first ``k`` configurations, mean rank of the methods by regret,
the share of datasets whose best pool configuration is among the first ``k``, and
trials-to-target: how many configurations a method needs to come within ``target_regret`` of
the best, relative to random order.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from ..matcher import L1Matcher, LearnedMatcher, MatcherConfig
from ..metadb import MetaTrainingSet, group_folds
from ..search import MetaSurrogateSampler, expected_improvement
from ..space import get_space
from ..surrogate import MetaSurrogate, TrainingConfig
from ..warmstart import (
    DEFAULT_N_ENSEMBLE,
    ProposerConfig,
    WarmStartProposer,
    greedy_portfolio,
    train_proposer,
)
from ._stats import ALPHA, holm_by, paired_test

#: The methods, in the order reports list them.
METHODS = (
    "random", "portfolio", "l1_knn", "one_nn", "flaml_zeroshot", "matcher", "surrogate_zeroshot",
    "surrogate_adapted", "pretrain_finetune", "cold_start", "portfolio_smac", "l1_knn_smac",
    "full", "full_zeroshot_first", "full_l1_matcher", "full_fomaml", "full_reptile",
    "full_metasgd",
)
#: The surrogate (meta-training variant) each surrogate-based method uses.
_SURROGATE_VARIANT = {
    "surrogate_zeroshot": "maml", "surrogate_adapted": "maml", "pretrain_finetune": "pretrain",
    "full": "maml", "full_zeroshot_first": "maml", "full_l1_matcher": "maml",
    "full_fomaml": "fomaml", "full_reptile": "reptile", "full_metasgd": "metasgd",
}
#: The known approaches the full system must beat, in report order: fixed orders first, then
#: the adaptive ones (a start, then a surrogate fit on the held-out dataset's trials alone).
BASELINES = ("cold_start", "portfolio", "l1_knn", "one_nn", "flaml_zeroshot", "random",
             "portfolio_smac", "l1_knn_smac", "pretrain_finetune")
#: The full system without one of its parts, each compared with it as a test family of its own
#: (not a baseline it must beat): ``matcher`` is its matched portfolio without the surrogate, the
#: comparison that decides whether the surrogate earns its place for a task type.
ABLATIONS = ("matcher",)
#: Configurations of L1-kNN that auto-sklearn 1.0 starts its Bayesian optimization with.
N_L1_KNN_START = 25
#: Meta-features FLAML's zero-shot AutoML matches on.
FLAML_FEATURES = ("log_n_rows", "log_n_features", "n_classes", "numeric_share")
K_VALUES = (1, 3, 5, 10, 25, 50)


@dataclass
class PoolBenchmarkConfig:
    """What the pool benchmark runs.

    Attributes
    ----------
    methods : sequence of str
        A subset of :data:`METHODS`.
    n_folds : int or None
        Folds of dataset groups; ``None`` holds out one group at a time.
    horizon : int
        Configurations each method orders (at most the pool size).
    n_warm_start : int
        Proposals the full system makes before its surrogate takes over (as the estimators do).
    training : TrainingConfig
        Surrogate meta-training (iterations are the benchmark's main cost).
    n_ensemble : int
        Surrogate ensemble members, as ``meta-train`` ships them
        (:data:`~metaautoml.warmstart.DEFAULT_N_ENSEMBLE`, 3): the search after the warm
        start ranks by ``mean + 0.5 * std`` over the members, and with one member the spread is
        0, so the search would only exploit (on a 1-feature dataset, say, it then tries one
        family's near-equivalent configurations one after another).
    matcher : MatcherConfig
    proposer : ProposerConfig, optional
        ``None``: each task type's defaults (:meth:`ProposerConfig.for_task`), as the
        estimators use them.
    n_random : int
        Random orders averaged for the ``random`` method.
    target_regret : float
        Regret that counts as "reached" for trials-to-target.
    seed : int
    """

    methods: Sequence[str] = METHODS
    n_folds: int | None = 5
    horizon: int = 50
    n_warm_start: int = 8
    training: TrainingConfig = field(default_factory=lambda: TrainingConfig(meta_iterations=400))
    n_ensemble: int = DEFAULT_N_ENSEMBLE
    matcher: MatcherConfig = field(default_factory=MatcherConfig)
    proposer: ProposerConfig | None = None
    n_random: int = 20
    target_regret: float = 0.05
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.methods) - set(METHODS))
        if unknown:
            raise ValueError(f"unknown benchmark methods {unknown}; expected some of {list(METHODS)}")


def fit_proposer(train: MetaTrainingSet, training: TrainingConfig | None = None,
                 n_ensemble: int = DEFAULT_N_ENSEMBLE, matcher: MatcherConfig | None = None,
                 proposer: ProposerConfig | None = None) -> WarmStartProposer:
    """The full warm start meta-trained on ``train`` alone: a :class:`LearnedMatcher`, a
    :class:`MetaSurrogate` (``training.variant``, MAML by default) and the
    :class:`WarmStartProposer` over them -- what the estimators use, built by the same
    :func:`~metaautoml.warmstart.train_proposer` as ``meta_train``, with the same default
    ensemble size, for a training set with held-out datasets left out."""
    return train_proposer(train, training_config=training, n_ensemble=n_ensemble,
                          matcher_config=matcher, proposer_config=proposer)


def _sequential(surrogate: MetaSurrogate, meta: pd.Series, train: MetaTrainingSet,
                scores: np.ndarray, horizon: int, start: list[int]) -> list[int]:
    """The shipped search over the pool: after ``start``, each next configuration is the one
    :meth:`MetaSurrogateSampler.select` -- the estimators' acquisition, with their settings --
    picks from the pool's untried configurations, the surrogate adapted to everything observed
    so far. When its near-copy filter leaves no configuration, the rest of the pool competes
    without it, so every method's order reaches ``horizon``."""
    space = get_space(train.task)
    sampler = MetaSurrogateSampler(surrogate, space, meta)
    configs = list(train.configs)
    index = {space.config_id(config): i for i, config in enumerate(configs)}
    chosen = list(start)
    while len(chosen) < horizon:
        taken = set(chosen)
        left = [configs[i] for i in range(len(configs)) if i not in taken]
        observed = [configs[i] for i in chosen]
        pick = sampler.select(left, observed, scores[chosen])
        if pick is None:
            pick = sampler.select(left, observed, scores[chosen], min_distance=0.0)
        chosen.append(index[space.config_id(pick)])
    return chosen


def cold_surrogate_search(encodings: np.ndarray, scores: np.ndarray, horizon: int,
                          start: Sequence[int], seed: int = 0) -> list[int]:
    """``start``, then SMAC-style Bayesian optimization over the pool with no meta-knowledge.

    After ``start``, each next configuration maximizes expected improvement under a random
    forest fit only on this dataset's trials so far (SMAC's forest: 10 trees, 5/6 of the
    features per split, at least 3 samples to split and per leaf; mean and spread over the
    trees), ties broken at random. This is the search auto-sklearn 1.0 runs after its nearest-dataset warm start, and
    what a cold start adapts with when it has no other dataset to learn from.
    """
    from sklearn.ensemble import RandomForestRegressor

    n_configs = len(encodings)
    observed = np.where(np.isfinite(scores), scores, np.nanmin(scores) if np.isfinite(scores).any()
                        else 0.0)
    rng = np.random.default_rng(seed)
    chosen = list(dict.fromkeys(int(i) for i in start))[:horizon]
    while len(chosen) < min(horizon, n_configs):
        left = np.setdiff1d(np.arange(n_configs), chosen)
        forest = RandomForestRegressor(n_estimators=10, max_features=5 / 6, min_samples_split=3,
                                       min_samples_leaf=3, random_state=seed, n_jobs=1)
        forest.fit(encodings[chosen], observed[chosen])
        per_tree = np.stack([tree.predict(encodings[left]) for tree in forest.estimators_])
        gain = expected_improvement(per_tree.mean(axis=0), per_tree.std(axis=0),
                                    float(observed[chosen].max()))
        # Until the forest can split (a few trials) every gain is equal: ties go to chance,
        # not to the pool's order.
        best = np.flatnonzero(gain >= gain.max() - 1e-12)
        chosen.append(int(left[rng.choice(best)]))
    return chosen


def _fill(order: list[int], fallback: list[int], horizon: int) -> list[int]:
    """``order`` without repeats, continued by ``fallback``, cut to ``horizon``."""
    out = list(dict.fromkeys(order))
    out += [i for i in fallback if i not in set(out)]
    return out[:horizon]


class _FoldMethods:
    """Every method's ordering for the held-out datasets of one fold."""

    def __init__(self, train: MetaTrainingSet, config: PoolBenchmarkConfig):
        self.train, self.config = train, config
        self.horizon = min(config.horizon, train.n_configs)
        self.performance = train.normalized("minmax")
        self.proposer = config.proposer or ProposerConfig.for_task(train.task)
        self.portfolio = greedy_portfolio(self.performance, train.n_configs)
        # The product's cold start tries every family's scikit-learn default first; ordered
        # greedily on the training datasets, they are the strongest fixed order of the seven.
        space = get_space(train.task)
        defaults = [train.config_ids.index(space.config_id(c)) for c in space.default_configs()
                    if space.config_id(c) in train.config_ids]
        self.defaults = ([defaults[j] for j in
                          greedy_portfolio(self.performance[:, defaults], len(defaults))]
                         if defaults else [])
        wanted = set(config.methods)
        self.learned: LearnedMatcher | None = None
        self.surrogates: dict[str, MetaSurrogate] = {}
        if wanted & {"full", "full_zeroshot_first"}:  # the estimators' warm start
            full = fit_proposer(train, replace(config.training, variant="maml"), config.n_ensemble,
                                config.matcher, self.proposer)
            self.learned, self.surrogates["maml"] = full.matcher, full.surrogate
        elif wanted & {"matcher", "full_fomaml", "full_reptile", "full_metasgd"}:
            self.learned = LearnedMatcher(config.matcher).fit(train)
        self.l1 = L1Matcher().fit(train)
        flaml = [c for c in FLAML_FEATURES if c in train.meta_features.columns]
        self.flaml = L1Matcher().fit_frame(train.meta_features[flaml])
        for method, variant in _SURROGATE_VARIANT.items():
            if method in wanted and variant not in self.surrogates:
                self.surrogates[variant] = MetaSurrogate(
                    replace(config.training, variant=variant), config.n_ensemble).fit(train)

    def order(self, method: str, meta: pd.Series, scores: np.ndarray, rng: np.random.Generator
              ) -> list[int] | list[list[int]]:
        cfg, h, train = self.config, self.horizon, self.train
        if method == "random":
            return [list(rng.permutation(train.n_configs)[:h]) for _ in range(cfg.n_random)]
        if method == "portfolio":
            return self.portfolio[:h]
        if method == "l1_knn":  # auto-sklearn 1.0: the best configuration of each of 25 neighbours
            near = self.l1.neighbors(meta, k=min(25, train.n_datasets))["dataset"]
            best = [int(np.nanargmax(np.where(np.isfinite(train.scores[train.datasets.index(d)]),
                                              train.scores[train.datasets.index(d)], -np.inf)))
                    for d in near]
            return _fill(best, self.portfolio, h)
        if method == "one_nn":  # the nearest dataset's own ranking of the pool
            nearest = train.datasets.index(self.l1.neighbors(meta, k=1)["dataset"][0])
            ranked = np.argsort(-self.performance[nearest], kind="stable")
            return _fill(list(ranked), self.portfolio, h)
        if method in ("cold_start", "portfolio_smac", "l1_knn_smac"):
            start = {"cold_start": lambda: self.defaults,
                     "portfolio_smac": lambda: self.portfolio[:cfg.n_warm_start],
                     "l1_knn_smac": lambda: self.order("l1_knn", meta, scores, rng)[:N_L1_KNN_START],
                     }[method]()
            return cold_surrogate_search(train.encodings, scores, h, start, cfg.seed)
        if method == "flaml_zeroshot":
            # FLAML's zero-shot: a portfolio, its configurations ranked by how they do on the
            # nearest meta-training task in (rows, features, classes, share numeric).
            portfolio = self.portfolio[:max(h, 25)]
            nearest = train.datasets.index(self.flaml.neighbors(meta, k=1)["dataset"][0])
            ranked = sorted(portfolio, key=lambda i: -self.performance[nearest, i])
            return _fill(ranked, self.portfolio, h)
        if method == "matcher":  # the learned matcher's weighted portfolio, nothing else
            alone = replace(self.proposer, first_pick_hedge=0.0, neighbor_best=0, lead_defaults=0)
            proposer = WarmStartProposer(train, self.learned, None, alone)
            return proposer.order(meta, h).chosen
        if method == "surrogate_zeroshot":
            mean, _ = self.surrogates["maml"].predict(meta, train.encodings)
            return list(np.argsort(-mean, kind="stable")[:h])
        if method in ("surrogate_adapted", "pretrain_finetune"):
            return _sequential(self.surrogates[_SURROGATE_VARIANT[method]], meta, train,
                               scores, h, [])
        if method.startswith("full"):
            surrogate = self.surrogates[_SURROGATE_VARIANT[method]]
            # The ablation full_zeroshot_first lets the surrogate's prior shape the first pick too.
            proposer_config = (replace(self.proposer, matched_first=0)
                               if method == "full_zeroshot_first" else self.proposer)
            # The ablation full_l1_matcher weights datasets by auto-sklearn's L1 distance instead
            # of the learned matcher: does the learned metric earn its place inside the system?
            matcher = self.l1 if method == "full_l1_matcher" else self.learned
            proposer = WarmStartProposer(train, matcher, surrogate, proposer_config)
            start = proposer.order(meta, min(cfg.n_warm_start, h)).chosen
            return _sequential(surrogate, meta, train, scores, h, start)
        raise ValueError(f"unknown method {method!r}")


def _run_fold(data: MetaTrainingSet, config: PoolBenchmarkConfig, fold: int,
              test: np.ndarray) -> pd.DataFrame:
    """Every method's regret curve on the held-out datasets of one fold."""
    # One generator per fold: a fold's random orders do not depend on which folds ran before it
    # (or in which process), so a resumed or parallel run reproduces a serial one.
    rng = np.random.default_rng([config.seed, fold])
    normalized = data.normalized("minmax")
    held_out = set(test.tolist())
    train_names = [d for i, d in enumerate(data.datasets) if i not in held_out]
    methods = _FoldMethods(data.subset(train_names), config)
    rows = []
    for i in test:
        name = data.datasets[i]
        meta = data.meta_features.iloc[i]
        for method in config.methods:
            orders = methods.order(method, meta, data.scores[i], rng)
            orders = orders if orders and isinstance(orders[0], list) else [orders]
            curves = np.stack([np.maximum.accumulate(normalized[i, o]) for o in orders])
            regret = 1.0 - curves.mean(axis=0)
            rows += [{"task": data.task, "dataset": name, "group": data.groups[i], "fold": fold,
                      "method": method, "k": k + 1, "regret": float(r)}
                     for k, r in enumerate(regret)]
    return pd.DataFrame(rows)


def _checkpoint(checkpoints: Path | None, fold: int) -> Path | None:
    return None if checkpoints is None else checkpoints / f"fold-{fold:03d}.csv"


def _load_checkpoint(path: Path | None, data: MetaTrainingSet, config: PoolBenchmarkConfig,
                     test: np.ndarray) -> pd.DataFrame | None:
    """A fold's saved results, if they are this fold's: same held-out datasets, methods and
    horizon (model settings are not recorded per fold: change them with a fresh directory)."""
    if path is None or not path.exists():
        return None
    saved = pd.read_csv(path)
    if (set(saved["dataset"]) != {data.datasets[i] for i in test}
            or set(saved["method"]) != set(config.methods)
            or saved["k"].max() != min(config.horizon, data.n_configs)):
        return None
    return saved


def write_results(results: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write ``results`` as CSV whole or not at all: a killed run leaves no partial file that a
    resumed one would take for finished."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    results.to_csv(tmp, index=False)
    os.replace(tmp, path)


def _fold_task(data: MetaTrainingSet, config: PoolBenchmarkConfig, fold: int, test: np.ndarray,
               path: Path | None) -> tuple[pd.DataFrame, float]:
    start = time.perf_counter()
    results = _run_fold(data, config, fold, test)
    if path is not None:
        write_results(results, path)
    return results, time.perf_counter() - start


def run_pool_benchmark(data: MetaTrainingSet, config: PoolBenchmarkConfig | None = None,
                       progress: Callable[[str], None] | None = None, *, n_jobs: int = 1,
                       checkpoints: str | os.PathLike | None = None) -> pd.DataFrame:
    """Run every method on every held-out dataset.

    Parameters
    ----------
    data : MetaTrainingSet
        The meta-database's training set for one task type and metric.
    config : PoolBenchmarkConfig, optional
    progress : callable, optional
        Called with a line of text after each fold.
    n_jobs : int, default=1
        Folds run in parallel processes (each trains its models on one thread).
    checkpoints : path-like, optional
        A directory for one CSV per finished fold. Folds already saved there (for the same
        held-out datasets, methods and horizon) are not rerun, so an interrupted run resumes.

    Returns
    -------
    DataFrame
        Long format: ``task, dataset, group, fold, method, k, regret`` (regret averaged over
        the random orders for ``random``), one row per dataset, method and ``k`` in
        ``1..horizon``.

    Examples
    --------
    >>> from metaautoml.benchmark import PoolBenchmarkConfig, run_pool_benchmark
    >>> from metaautoml.metadb import MetaDB, MetaTrainingSet
    >>> data = MetaTrainingSet.from_metadb(MetaDB.default(), "classification")
    >>> config = PoolBenchmarkConfig(methods=("random", "portfolio"), n_folds=5)
    >>> results = run_pool_benchmark(data, config)  # doctest: +SKIP
    """
    config = config or PoolBenchmarkConfig()
    if not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero integer, got {n_jobs!r}")
    folds = group_folds(data.groups, config.n_folds, config.seed)
    directory = None if checkpoints is None else Path(checkpoints)
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    done: dict[int, pd.DataFrame] = {}
    for fold, test in enumerate(folds):
        saved = _load_checkpoint(_checkpoint(directory, fold), data, config, test)
        if saved is not None:
            done[fold] = saved
    todo = [fold for fold in range(len(folds)) if fold not in done]
    if progress is not None and done:
        progress(f"{data.task}: {len(done)} of {len(folds)} folds reused from {directory}")
    jobs = (delayed(_fold_task)(data, config, fold, folds[fold], _checkpoint(directory, fold))
            for fold in todo)
    for count, (fold, (results, seconds)) in enumerate(
            zip(todo, Parallel(n_jobs=n_jobs, return_as="generator")(jobs), strict=True),
            start=len(done) + 1):
        done[fold] = results
        if progress is not None:
            progress(f"{data.task} fold {fold + 1} ({count}/{len(folds)} done): "
                     f"{len(folds[fold])} datasets held out, {seconds:.0f} s")
    return pd.concat([done[fold] for fold in range(len(folds))], ignore_index=True)


def summarize(results: pd.DataFrame, k_values: Sequence[int] = K_VALUES,
              target_regret: float = 0.05) -> pd.DataFrame:
    """Mean normalized regret, mean rank, share of datasets solved and trials-to-target per
    method and ``k`` (``k`` beyond the horizon is left out)."""
    results = results[results["k"].isin(k_values)].copy()
    results["rank"] = results.groupby(["task", "dataset", "k"])["regret"].rank(method="average")
    results["solved"] = results["regret"] <= 1e-12
    table = results.groupby(["task", "method", "k"]).agg(
        regret=("regret", "mean"), regret_sem=("regret", "sem"), rank=("rank", "mean"),
        solved=("solved", "mean"), datasets=("dataset", "nunique")).reset_index()
    return table


def trials_to_target(results: pd.DataFrame, target_regret: float = 0.05) -> pd.DataFrame:
    """Mean number of configurations each method needs to reach ``target_regret`` (the horizon
    plus one when it never does), and that number relative to random order."""
    reached = results[results["regret"] <= target_regret].groupby(
        ["task", "method", "dataset"])["k"].min()
    horizon = results.groupby(["task"])["k"].max()
    full = results[["task", "method", "dataset"]].drop_duplicates().set_index(["task", "method", "dataset"])
    full["trials"] = reached.reindex(full.index)
    full["trials"] = full["trials"].fillna(full.index.get_level_values("task").map(horizon + 1).to_series(index=full.index))
    table = full.groupby(["task", "method"])["trials"].mean().reset_index()
    random = table[table["method"] == "random"].set_index("task")["trials"]
    table["relative_to_random"] = table["trials"] / table["task"].map(random)
    return table


def paired_comparison(results: pd.DataFrame, method: str = "full",
                      baselines: Sequence[str] = BASELINES,
                      k_values: Sequence[int] = K_VALUES, seed: int = 0) -> pd.DataFrame:
    """``method`` against each baseline, dataset by dataset: how much lower its regret is, and
    whether that is more than chance.

    Returns
    -------
    DataFrame
        One row per task, baseline and ``k``: ``difference`` (mean of baseline minus ``method``
        regret; positive means ``method`` is better), ``difference_sem``, its bootstrap 95 %
        interval over datasets (``ci_low``, ``ci_high``), ``wins``, ``ties``, ``losses`` of
        ``method`` over the held-out datasets (ties within 1e-12), the Wilcoxon signed-rank
        ``p`` and ``p_holm``, Holm-corrected over every baseline and ``k`` of the task (one
        table); ``significant`` says which sign holds at :data:`ALPHA`: ``"better"``,
        ``"worse"`` or ``""``.
    """
    results = results[results["k"].isin(k_values)]
    wide = results.pivot_table(index=["task", "dataset", "k"], columns="method", values="regret")
    if method not in wide.columns:
        raise ValueError(f"no results for method {method!r}")
    rng = np.random.default_rng(seed)
    rows = []
    for baseline in (b for b in baselines if b in wide.columns and b != method):
        diff = (wide[baseline] - wide[method]).dropna()
        for (task, k), part in diff.groupby(level=["task", "k"]):
            test = paired_test(part.to_numpy(), rng, tie=1e-12)
            rows.append({"task": task, "baseline": baseline, "k": k,
                         "difference": test.mean, "difference_sem": test.sem,
                         "ci_low": test.ci_low, "ci_high": test.ci_high, "wins": test.wins,
                         "ties": test.ties, "losses": test.losses, "p": test.p})
    table = pd.DataFrame(rows, columns=["task", "baseline", "k", "difference", "difference_sem",
                                        "ci_low", "ci_high", "wins", "ties", "losses", "p"])
    table["p_holm"] = holm_by(table)
    significant = table["p_holm"] < ALPHA
    table["significant"] = np.where(significant & (table["difference"] > 0), "better",
                                    np.where(significant & (table["difference"] < 0), "worse", ""))
    return table
