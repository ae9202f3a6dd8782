"""The live benchmark: searchers and baselines fitted on datasets the warm start has not seen.

Every method is fitted on the training part of an outer train/test split of a dataset and scored
on the test part, for several seeds (each seed draws its own outer split and seeds the method).
The warm start is meta-trained without the dataset's source group (:func:`fit_proposer` on
:meth:`MetaTrainingSet.subset`), so a dataset whose group the meta-database holds is held out
and one whose group it lacks is used as is -- one code path for both; one proposer is trained
per distinct training subset and reused within a run.

Methods (:data:`LIVE_METHODS`):

- ``metaautoml_warm``: the estimator with that proposer as ``warm_start``;
- ``metaautoml_warm_ensemble``: the same search with a post-hoc ensemble of its trials
  (``ensemble_size``); against ``metaautoml_warm``, the ensemble's gain over the best single
  model;
- ``metaautoml_warm_trial_order``: ``metaautoml_warm`` with ``MetaWarmStart(cost_order=False)``:
  under a time budget its proposals keep the order a trial limit gets, instead of gain per
  predicted second; against ``metaautoml_warm``, what the cost-aware order gives;
- ``metaautoml_warm_no_lead``: ``metaautoml_warm`` with ``ProposerConfig.lead_defaults=0``:
  no default leads a trial-bound search on tables above 1,000 rows; against ``metaautoml_warm``,
  what that lead gives (a budgeted search's proposals never lead with it, so there the two are
  the same; ``make live-large-lead`` measured them at a commit where the lead led those too);
- ``metaautoml_warm_surrogate`` and ``metaautoml_warm_tpe``: ``metaautoml_warm`` with
  ``MetaWarmStart(sampler="surrogate")`` and ``MetaWarmStart(sampler="tpe")``: the same
  proposals, then the adapted surrogate or TPE, named so that a rerun measures the same arm
  whatever the default (TPE since ``benchmarks/surrogate_refine.py``); against each other,
  what the surrogate adds, and ``metaautoml_warm_tpe`` against ``metaautoml_cold``, what the
  proposals add;
- ``metaautoml_cold``: the estimator with ``warm_start=False`` (each family's default enqueued
  first, then TPE);
- ``optuna_tpe`` and ``random_search``: the estimator's search -- the same space, folds, trial
  evaluation and refit -- with nothing enqueued and Optuna's TPE or random sampler;
- ``flaml_trials``: FLAML's ``AutoML`` with ``max_iter`` the searchers' number of trials;
- ``flaml_time``: FLAML's ``AutoML`` with ``time_budget`` the wall time ``metaautoml_warm``
  took on the same dataset and seed;
- ``flaml_zeroshot``: FLAML's zero-shot ``flaml.default`` LightGBM, fitted once;
- ``metaautoml_first``: the warm start's first proposal alone (``n_trials=1``, no time budget),
  what a user with the shortest budget gets (:func:`first_model_summary` holds it against
  ``hgb_default``);
- ``metaautoml_first_constrained``, ``metaautoml_first_robust`` and ``metaautoml_first_default``:
  ``metaautoml_first`` with the same meta-trained models and another first pick
  (``ProposerConfig.first_pick="constrained"`` or ``"robust"``, or the leading
  HistGradientBoosting default on tables of every size, ``lead_defaults_min_rows=0``): the
  hedged first picks #24 asks for, measured as users would get them;
- ``hgb_default``: scikit-learn's default histogram gradient boosting.

The metric is the task's default (accuracy, r2) everywhere. The four searchers share the cross-
validation folds of a seed, so their best-so-far CV curves are comparable trial by trial.

Results are appended to CSV files one unit -- ``(task, dataset, seed, method)`` -- at a time, so
a run resumes where it stopped; :func:`summarize_live`, :func:`per_dataset_scores`,
:func:`trials_to_match`, :func:`summarize_trials_to_match` and :func:`anytime_comparison` turn them
into tables.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import train_test_split

from ..estimator import MetaAutoMLClassifier, MetaAutoMLRegressor
from ..evaluation import resolve_metric
from ..matcher import MatcherConfig, load_matcher, save_matcher
from ..metadb import MetaDB, MetaTrainingSet
from ..strategy import ColdStart, MetaWarmStart, PlainSearch
from ..surrogate import MetaSurrogate, TrainingConfig
from ..task import check_task, task_defaults
from ..warmstart import DEFAULT_N_ENSEMBLE, ProposerConfig, WarmStartProposer
from ._pool import fit_proposer

#: The methods, in the order they run and reports list them (``flaml_time`` needs
#: ``metaautoml_warm``'s wall time, so it comes after it).
LIVE_METHODS = (
    "metaautoml_warm", "metaautoml_warm_ensemble", "metaautoml_warm_trial_order",
    "metaautoml_warm_no_lead",
    "metaautoml_warm_surrogate", "metaautoml_warm_tpe", "metaautoml_cold", "optuna_tpe",
    "random_search", "flaml_trials", "flaml_time",
    "flaml_zeroshot", "metaautoml_first", "metaautoml_first_constrained",
    "metaautoml_first_robust", "metaautoml_first_default",
    "hgb_default",
)
#: The methods that run the library's search with the run's budget; each has a best-so-far CV
#: curve (``metaautoml_first`` has one too, of its one trial).
SEARCH_METHODS = ("metaautoml_warm", "metaautoml_warm_ensemble", "metaautoml_warm_trial_order",
                  "metaautoml_warm_no_lead",
                  "metaautoml_warm_surrogate", "metaautoml_warm_tpe", "metaautoml_cold",
                  "optuna_tpe", "random_search")
#: The first model alone (``n_trials=1``) under each first-pick rule.
FIRST_MODEL_METHODS = ("metaautoml_first", "metaautoml_first_constrained",
                       "metaautoml_first_robust", "metaautoml_first_default")
#: The methods whose warm start is meta-trained without the dataset's group.
WARM_METHODS = ("metaautoml_warm", "metaautoml_warm_ensemble", "metaautoml_warm_trial_order",
                "metaautoml_warm_no_lead",
                "metaautoml_warm_surrogate", "metaautoml_warm_tpe", *FIRST_MODEL_METHODS)
#: How far below default HistGradientBoosting the first model alone may score (the issue's
#: "never a gamble": at most 2 points).
FIRST_MODEL_MARGIN = 0.02
#: Columns of the raw results file, one row per (task, dataset, seed, method).
RESULT_COLUMNS = (
    "task", "dataset", "group", "seed", "method", "metric", "test_score", "cv_score",
    "wall_time", "n_trials", "n_train", "n_test", "best_model", "meta_datasets", "meta_configs",
    "meta_train_time",
)
#: Columns of the curves file, one row per trial of a searcher.
CURVE_COLUMNS = ("task", "dataset", "seed", "method", "trial", "best_cv_score", "elapsed")
UNIT = ["task", "dataset", "seed", "method"]

#: The default dataset list's rule (:func:`default_dataset_names`).
DEFAULT_N_DATASETS = {"classification": 6, "regression": 4}
MIN_ROWS, MAX_ROWS, MAX_FEATURES, MAX_CLASSES = 300, 5000, 100, 10


@dataclass
class LiveBenchmarkConfig:
    """What the live benchmark runs.

    Attributes
    ----------
    methods : sequence of str
        A subset of :data:`LIVE_METHODS` (run in that order).
    n_trials : int
        Trials of every searcher and FLAML's ``max_iter`` for ``flaml_trials``.
    seeds : sequence of int
        Each seed draws an outer split and seeds the methods.
    cv : int
        Cross-validation folds inside the search (FLAML: ``n_splits``).
    per_trial_time_limit : float or None
        Seconds one trial of a searcher may take.
    test_size : float
        Share of the rows in the outer test split.
    max_rows : int
        Rows kept per dataset (a fixed subsample, stratified for classification, drawn once).
    min_class_rows : int
        Classes with fewer rows are dropped (the outer split and the CV folds need some).
    n_warm_start : int
        Warm-start proposals ``metaautoml_warm`` enqueues (the estimators' default).
    ensemble_size : int
        ``ensemble_size`` of ``metaautoml_warm_ensemble``.
    training : TrainingConfig
        The surrogate's meta-training; iterations are the warm start's main cost. The
        default, like ``n_ensemble``'s and ``matcher``'s, is what ``metaautoml meta-train``
        ships, so the benchmark measures the shipped models' kind.
    n_ensemble : int
        Surrogate ensemble members.
    matcher : MatcherConfig
    proposer : ProposerConfig, optional
        ``None``: each task type's defaults (:meth:`ProposerConfig.for_task`), as the
        estimators use them.
    time_budget : float or None
        Seconds of search for every searcher (``time_budget``, without a trial limit; the
        refit comes on top) and for ``flaml_time``: the methods compared at equal wall time.
        ``None``: the searchers run ``n_trials`` and ``flaml_time`` gets the wall time
        ``metaautoml_warm`` took.
    """

    methods: Sequence[str] = LIVE_METHODS
    n_trials: int = 20
    seeds: Sequence[int] = (0, 1, 2)
    cv: int = 3
    per_trial_time_limit: float | None = 30.0
    test_size: float = 0.25
    max_rows: int = 2000
    min_class_rows: int = 10
    n_warm_start: int = 8
    ensemble_size: int = 50
    training: TrainingConfig = field(default_factory=TrainingConfig)
    n_ensemble: int = DEFAULT_N_ENSEMBLE
    matcher: MatcherConfig = field(default_factory=MatcherConfig)
    proposer: ProposerConfig | None = None
    time_budget: float | None = None

    def __post_init__(self) -> None:
        if self.time_budget is not None and not self.time_budget > 0:
            raise ValueError(f"time_budget must be a positive number of seconds or None, "
                             f"got {self.time_budget!r}")
        unknown = sorted(set(self.methods) - set(LIVE_METHODS))
        if unknown:
            raise ValueError(f"unknown live benchmark methods {unknown}; expected some of "
                             f"{list(LIVE_METHODS)}")
        if not isinstance(self.n_trials, (int, np.integer)) or self.n_trials < 1:
            raise ValueError(f"n_trials must be a positive integer, got {self.n_trials!r}")
        if not len(self.seeds):
            raise ValueError("give at least one seed")


# -- datasets -------------------------------------------------------------------------------------
@dataclass
class LiveDataset:
    """A dataset to benchmark on: features, target and the source group held out with it."""

    name: str
    task: str
    X: pd.DataFrame
    y: pd.Series
    group: str = ""

    def __post_init__(self) -> None:
        check_task(self.task)
        self.group = self.group or self.name


def default_dataset_names(task: str, n: int | None = None, *, entries=None,
                          shipped: Sequence[str] | None = None,
                          exclude_groups: Collection[str] = (), min_rows: int = MIN_ROWS,
                          max_rows: int | None = MAX_ROWS) -> list[str]:
    """The default datasets of a task, by a fixed rule on the corpus manifest.

    1. Entries of the task with ``min_rows <= n_rows <= max_rows``, at most ``MAX_FEATURES``
       features and (classification) at most ``MAX_CLASSES`` classes; the first entry of each
       source group in manifest order (the UCI copy where there is one).
    2. If at least ``n`` of them belong to groups outside the shipped meta-database
       (``metaautoml/corpus/shipped_datasets.txt``), only those: the shipped artifacts never saw them either.
       (Every classification group is shipped, so classification keeps them all and the
       benchmark holds the group out; regression has groups the database lacks.)
    3. Sorted by rows (then name), ``n`` evenly spaced along that order, from the smallest to the
       largest, so the list spans the sizes.

    Parameters
    ----------
    task : str
    n : int, optional
        :data:`DEFAULT_N_DATASETS` of the task when omitted.
    entries : list of CorpusEntry, optional
        The manifest's entries (default: ``metaautoml/corpus/corpus.json``).
    shipped : sequence of str, optional
        Names in the shipped meta-database (default: ``metaautoml/corpus/shipped_datasets.txt`` next to the
        manifest, empty if absent).
    exclude_groups : collection of str, optional
        Source groups left out before step 1 (another run's tables, so that a study's tables are
        disjoint from the run that prompted it).
    min_rows, max_rows : int, optional
        The tables' rows in the manifest, both inclusive (``max_rows=None``: no upper bound);
        :data:`MIN_ROWS` and :data:`MAX_ROWS` by default. Tables above the benchmark's row cap
        are subsampled by :func:`prepare_dataset`.
    """
    from ..corpus import default_manifest_path, load_manifest

    n = DEFAULT_N_DATASETS[task] if n is None else int(n)
    entries = load_manifest() if entries is None else list(entries)
    if shipped is None:
        path = default_manifest_path().with_name("shipped_datasets.txt")
        shipped = path.read_text().split() if path.exists() else []
    shipped_groups = {e.group for e in entries if e.name in set(shipped)}
    candidates, seen = [], set()
    excluded = set(exclude_groups)
    for entry in entries:
        if entry.task != task or entry.group in seen or entry.group in excluded:
            continue
        seen.add(entry.group)
        if entry.n_rows is None or entry.n_rows < min_rows or (
                max_rows is not None and entry.n_rows > max_rows):
            continue
        if (entry.n_features or 0) > MAX_FEATURES or (entry.n_classes or 0) > MAX_CLASSES:
            continue
        candidates.append(entry)
    fresh = [e for e in candidates if e.group not in shipped_groups]
    if len(fresh) >= n:
        candidates = fresh
    candidates.sort(key=lambda e: (e.n_rows, e.name))
    if len(candidates) <= n:
        return [e.name for e in candidates]
    picks = np.unique(np.round(np.linspace(0, len(candidates) - 1, n)).astype(int))
    return [candidates[i].name for i in picks]


def corpus_datasets(names: Sequence[str], *, entries=None, corpus_dir=None,
                    weka_dir=None, rdata_dir=None) -> list[LiveDataset]:
    """Load corpus entries by name (see :mod:`metaautoml.corpus`) as :class:`LiveDataset`."""
    from ..corpus import load_dataset, load_manifest

    entries = load_manifest() if entries is None else list(entries)
    by_name = {e.name: e for e in entries}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ValueError(f"datasets not in the corpus manifest: {unknown}")
    out = []
    for name in names:
        entry = by_name[name]
        X, y = load_dataset(entry, corpus_dir=corpus_dir, weka_dir=weka_dir, rdata_dir=rdata_dir)
        out.append(LiveDataset(name, entry.task, X, y, entry.group))
    return out


def prepare_dataset(dataset: LiveDataset, max_rows: int = 2000, min_class_rows: int = 10
                    ) -> tuple[pd.DataFrame, pd.Series]:
    """Rows the benchmark uses: rare classes dropped, then at most ``max_rows`` rows (a subsample
    with seed 0, stratified for classification), index reset."""
    X = dataset.X.reset_index(drop=True)
    y = dataset.y.reset_index(drop=True)
    if dataset.task == "classification":
        counts = y.value_counts()
        keep = y.isin(counts.index[counts >= min_class_rows]).to_numpy()
        X, y = X.loc[keep].reset_index(drop=True), y.loc[keep].reset_index(drop=True)
        if isinstance(y.dtype, pd.CategoricalDtype):
            y = y.cat.remove_unused_categories()
        if y.nunique() < 2:
            raise ValueError(f"dataset {dataset.name!r}: fewer than 2 classes with "
                             f"{min_class_rows} rows each")
    if len(y) > max_rows:
        stratify = y if task_defaults(dataset.task).stratified else None
        index, _ = train_test_split(np.arange(len(y)), train_size=max_rows, stratify=stratify,
                                    random_state=0)
        index = np.sort(index)
        X, y = X.iloc[index].reset_index(drop=True), y.iloc[index].reset_index(drop=True)
    return X, y


def outer_split(X: pd.DataFrame, y: pd.Series, task: str, seed: int, test_size: float = 0.25):
    """``X_train, X_test, y_train, y_test`` of one seed (stratified for classification)."""
    return train_test_split(X, y, test_size=test_size, random_state=seed,
                            stratify=y if task_defaults(task).stratified else None)


# -- the searchers ---------------------------------------------------------------------------------
#: Each searching method's warm-start strategy: the estimators run them all, as users would.
_STRATEGIES = {
    "metaautoml_cold": lambda proposer: ColdStart(),
    "metaautoml_warm": lambda proposer: MetaWarmStart(proposer),
    "metaautoml_warm_ensemble": lambda proposer: MetaWarmStart(proposer),
    "metaautoml_warm_trial_order": lambda proposer: MetaWarmStart(proposer, cost_order=False),
    "metaautoml_warm_no_lead": lambda proposer: MetaWarmStart(_rebuilt(proposer, lead_defaults=0)),
    "metaautoml_warm_surrogate": lambda proposer: MetaWarmStart(proposer, sampler="surrogate"),
    "metaautoml_warm_tpe": lambda proposer: MetaWarmStart(proposer, sampler="tpe"),
    "metaautoml_first": lambda proposer: MetaWarmStart(proposer),
    "metaautoml_first_constrained": lambda proposer: MetaWarmStart(
        _rebuilt(proposer, first_pick="constrained")),
    "metaautoml_first_robust": lambda proposer: MetaWarmStart(
        _rebuilt(proposer, first_pick="robust")),
    "metaautoml_first_default": lambda proposer: MetaWarmStart(
        _rebuilt(proposer, lead_defaults=max(proposer.config.lead_defaults, 1),
                 lead_defaults_min_rows=0)),
    "optuna_tpe": lambda proposer: PlainSearch("tpe"),
    "random_search": lambda proposer: PlainSearch("random"),
}
_ESTIMATORS = {"classification": MetaAutoMLClassifier, "regression": MetaAutoMLRegressor}


def _rebuilt(proposer: WarmStartProposer, **changes) -> WarmStartProposer:
    """The same meta-trained models under another :class:`ProposerConfig` (the robust pick, if
    the new one needs it, is measured on the same training set)."""
    return WarmStartProposer(proposer.training, proposer.matcher, proposer.surrogate,
                             replace(proposer.config, **changes), proposer.size_shift)


def best_so_far(study: optuna.Study, start: datetime) -> list[tuple[int, float, float]]:
    """``(trial, best CV score so far, seconds since start)`` per trial of ``study``, in order;
    the score is NaN until a trial completes."""
    best, rows = -np.inf, []
    trials = sorted(study.get_trials(deepcopy=False), key=lambda t: t.number)
    for i, trial in enumerate(trials, start=1):
        if (trial.state == optuna.trial.TrialState.COMPLETE and trial.value is not None
                and np.isfinite(trial.value)):
            best = max(best, float(trial.value))
        done = trial.datetime_complete
        elapsed = (done - start).total_seconds() if done is not None else np.nan
        rows.append((i, best if np.isfinite(best) else np.nan, elapsed))
    return rows


# -- running ---------------------------------------------------------------------------------------
def _training_digest(train: MetaTrainingSet, config: LiveBenchmarkConfig) -> str:
    """A key for the models meta-trained on ``train`` under ``config``: its datasets, pool,
    scores, meta-features and views, and the meta-training settings (not the proposer's, which
    are applied when the proposer is built)."""
    digest = hashlib.sha256(json.dumps({
        "task": train.task, "metric": train.metric, "datasets": list(train.datasets),
        "configs": list(train.config_ids), "training": asdict(config.training),
        "n_ensemble": config.n_ensemble, "matcher": asdict(config.matcher)},
        sort_keys=True, default=str).encode())
    digest.update(np.ascontiguousarray(train.scores, dtype=np.float64).tobytes())
    digest.update(np.ascontiguousarray(train.meta_features.to_numpy(np.float64)).tobytes())
    for name in train.datasets:
        if name in train.views:
            digest.update(np.ascontiguousarray(train.views[name].to_numpy(np.float64)).tobytes())
    return digest.hexdigest()[:20]


class _Proposers:
    """Warm-start proposers trained without a dataset's group, one per distinct training subset.

    With a ``cache`` directory the meta-trained matcher and surrogate are saved there (as the
    shipped artifacts are: JSON and ``weights_only`` state_dicts) under
    the training digest, and loaded instead of retrained by any later run -- another budget's
    run side by side, or a resumed one. An entry appears whole or not at all (written aside,
    then renamed); of two runs that train the same one at once, the first rename wins.
    """

    def __init__(self, meta: MetaDB | Mapping[str, MetaTrainingSet], config: LiveBenchmarkConfig,
                 cache: str | os.PathLike | None = None):
        self.meta, self.config = meta, config
        self.cache = Path(cache) if cache is not None else None
        self._training: dict[str, MetaTrainingSet] = {}
        self._cache: dict[tuple[str, tuple[str, ...]], tuple[WarmStartProposer, float]] = {}

    def training(self, task: str) -> MetaTrainingSet:
        if task not in self._training:
            if isinstance(self.meta, MetaDB):
                self._training[task] = MetaTrainingSet.from_metadb(self.meta, task)
            else:
                self._training[task] = self.meta[task]
        return self._training[task]

    def get(self, dataset: LiveDataset) -> tuple[WarmStartProposer, float]:
        """The proposer for ``dataset`` and the seconds its meta-training took."""
        data = self.training(dataset.task)
        keep = tuple(d for d, g in zip(data.datasets, data.groups, strict=True)
                     if g != dataset.group and d != dataset.name)
        if len(keep) < 2:
            raise ValueError(f"holding out {dataset.group!r} leaves {len(keep)} meta-training "
                             "dataset(s); the warm start needs at least 2")
        key = (dataset.task, keep)
        if key not in self._cache:
            train = data.subset(list(keep)) if len(keep) < data.n_datasets else data
            self._cache[key] = self._load_or_fit(train)
        return self._cache[key]

    def _load_or_fit(self, train: MetaTrainingSet) -> tuple[WarmStartProposer, float]:
        """The proposer meta-trained on ``train`` and the seconds that training took (a cached
        entry's recorded seconds)."""
        cfg = self.config
        entry = (None if self.cache is None
                 else self.cache / f"{train.task}-{_training_digest(train, cfg)}")
        if entry is not None and (entry / "trained.json").exists():
            proposer = WarmStartProposer(train, load_matcher(entry / "matcher"),
                                         MetaSurrogate.load(entry / "surrogate"), cfg.proposer)
            return proposer, float(json.loads((entry / "trained.json").read_text())["seconds"])
        start = time.perf_counter()
        proposer = fit_proposer(train, cfg.training, cfg.n_ensemble, cfg.matcher, cfg.proposer)
        seconds = time.perf_counter() - start
        if entry is not None:
            entry.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=entry.parent))
            try:
                save_matcher(proposer.matcher, staging / "matcher")
                proposer.surrogate.save(staging / "surrogate")
                (staging / "trained.json").write_text(json.dumps(
                    {"seconds": seconds, "datasets": train.n_datasets, "configs": train.n_configs}))
                os.rename(staging, entry)
            except BaseException as exc:
                shutil.rmtree(staging, ignore_errors=True)
                if not isinstance(exc, Exception):
                    raise
                # Another run saved the same entry first (its models are as good as these), or
                # the cache cannot be written: either way this run goes on with its proposer.
                if not (entry / "trained.json").exists():
                    # Logged, not warned: the benchmark silences warnings around its units.
                    logging.getLogger(__name__).warning(
                        "could not keep the meta-trained models in %s: %s", entry, exc)
        return proposer, seconds


def _score(task: str, model, X, y) -> float:
    metric = resolve_metric(None, task)
    return metric(np.asarray(y), np.asarray(model.predict(X)))


def hgb_frame(X: pd.DataFrame, max_categories: int = 255) -> pd.DataFrame:
    """``X`` as the benchmark's default HistGradientBoosting takes it: text as categories;
    categories beyond what HistGradientBoosting bins become codes."""
    X = X.copy()
    for column in X.columns:
        if pd.api.types.is_object_dtype(X[column]) or pd.api.types.is_string_dtype(X[column]):
            X[column] = X[column].astype("category")
        if isinstance(X[column].dtype, pd.CategoricalDtype) and len(X[column].cat.categories) > max_categories:
            codes = X[column].cat.codes.astype(np.float64)
            X[column] = codes.where(codes >= 0)
    return X


class _Unit:
    """One method fitted on one dataset and seed."""

    def __init__(self, dataset: LiveDataset, seed: int, split, config: LiveBenchmarkConfig):
        self.dataset, self.seed, self.config = dataset, seed, config
        self.X_train, self.X_test, self.y_train, self.y_test = split
        self.task = dataset.task
        self.metric = task_defaults(self.task).metric

    def row(self, method: str, **values) -> dict:
        base = {"task": self.task, "dataset": self.dataset.name, "group": self.dataset.group,
                "seed": self.seed, "method": method, "metric": self.metric,
                "n_train": len(self.y_train), "n_test": len(self.y_test), "cv_score": np.nan,
                "n_trials": np.nan, "best_model": "", "meta_datasets": np.nan,
                "meta_configs": np.nan, "meta_train_time": np.nan}
        base.update(values)
        return base

    def search(self, method: str, proposer: WarmStartProposer | None = None
               ) -> tuple[dict, list[dict]]:
        cfg = self.config
        params = {"n_trials": None if cfg.time_budget else cfg.n_trials,
                  "time_budget": cfg.time_budget, "cv": cfg.cv, "metric": self.metric,
                  "per_trial_time_limit": cfg.per_trial_time_limit, "n_jobs": 1,
                  "random_state": self.seed, "warm_start": _STRATEGIES[method](proposer)}
        if method in WARM_METHODS:
            params.update(n_warm_start=cfg.n_warm_start)
        if method == "metaautoml_warm_ensemble":
            params.update(ensemble_size=cfg.ensemble_size)
        if method in FIRST_MODEL_METHODS:
            params.update(n_trials=1, time_budget=None)
        model = _ESTIMATORS[self.task](**params)
        start, clock = datetime.now(), time.perf_counter()
        model.fit(self.X_train, self.y_train)
        wall = time.perf_counter() - clock
        curve = [{"task": self.task, "dataset": self.dataset.name, "seed": self.seed,
                  "method": method, "trial": trial, "best_cv_score": score, "elapsed": elapsed}
                 for trial, score, elapsed in best_so_far(model.study_, start)]
        row = self.row(method, test_score=_score(self.task, model, self.X_test, self.y_test),
                       cv_score=model.best_score_, wall_time=wall, n_trials=len(curve),
                       best_model=model.best_config_["family"])
        return row, curve

    def flaml(self, method: str, time_budget: float | None = None) -> dict:
        from flaml import AutoML

        automl = AutoML()
        settings = {"task": self.task, "metric": self.metric, "eval_method": "cv",
                    "n_splits": self.config.cv, "n_jobs": 1, "seed": self.seed, "verbose": 0,
                    "log_file_name": ""}
        if time_budget is None:
            settings.update(max_iter=self.config.n_trials, time_budget=-1)
        else:
            settings.update(time_budget=max(float(time_budget), 1.0))
        clock = time.perf_counter()
        automl.fit(self.X_train, self.y_train, **settings)
        wall = time.perf_counter() - clock
        # Trials FLAML evaluated (its config_history keeps only the improvements).
        per_learner = getattr(automl, "_iter_per_learner", None)
        n_trials = sum(per_learner.values()) if per_learner else np.nan
        # FLAML minimizes 1 - accuracy and 1 - r2.
        return self.row(method, test_score=_score(self.task, automl, self.X_test, self.y_test),
                        cv_score=1.0 - float(automl.best_loss), wall_time=wall,
                        n_trials=n_trials, best_model=str(automl.best_estimator))

    def zeroshot(self, method: str) -> dict:
        from flaml.default import LGBMClassifier, LGBMRegressor

        model = (LGBMClassifier if self.task == "classification" else LGBMRegressor)(
            n_jobs=1, random_state=self.seed, verbose=-1)
        clock = time.perf_counter()
        model.fit(self.X_train, self.y_train)
        wall = time.perf_counter() - clock
        return self.row(method, test_score=_score(self.task, model, self.X_test, self.y_test),
                        wall_time=wall, best_model="lgbm")

    def hgb(self, method: str) -> dict:
        model = (HistGradientBoostingClassifier if self.task == "classification"
                 else HistGradientBoostingRegressor)(random_state=self.seed)
        clock = time.perf_counter()
        model.fit(hgb_frame(self.X_train), self.y_train)
        wall = time.perf_counter() - clock
        return self.row(method, test_score=_score(self.task, model, hgb_frame(self.X_test), self.y_test),
                        wall_time=wall, best_model="hist_gradient_boosting")


def _check_header(path: Path, columns: Sequence[str]) -> None:
    """A file to append to must have ``columns``: rows of another layout would be misread."""
    if path.exists() and path.stat().st_size:
        with path.open() as file:
            header = file.readline().strip().split(",")
        if header != list(columns):
            raise ValueError(f"{path} has the columns {header}, not {list(columns)}; move it "
                             "away or write to another output directory")


def _append_csv(path: Path, rows: Sequence[dict], columns: Sequence[str]) -> None:
    """Append ``rows`` with one ``write`` (header first when the file is new), then fsync."""
    if not rows:
        return
    text = pd.DataFrame(list(rows), columns=list(columns)).to_csv(index=False, header=False)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if os.fstat(fd).st_size == 0:
            text = ",".join(columns) + "\n" + text
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read_results(path: str | os.PathLike) -> pd.DataFrame:
    """The raw results file (empty with :data:`RESULT_COLUMNS` when missing); a row cut short by
    a crash is dropped, and of repeated units the last is kept."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    frame = pd.read_csv(path, on_bad_lines="skip")
    frame = frame.dropna(subset=["task", "dataset", "seed", "method", "test_score"])
    frame["seed"] = frame["seed"].astype(int)
    return frame.drop_duplicates(UNIT, keep="last").reset_index(drop=True)


def read_curves(path: str | os.PathLike, results: pd.DataFrame | None = None) -> pd.DataFrame:
    """The curves file, restricted to the units in ``results`` (curves are written before
    their result row, so a unit interrupted between the two has a curve but no result)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame(columns=list(CURVE_COLUMNS))
    frame = pd.read_csv(path, on_bad_lines="skip").dropna(subset=["task", "dataset", "seed",
                                                                  "method", "trial"])
    frame["seed"] = frame["seed"].astype(int)
    frame["trial"] = frame["trial"].astype(int)
    frame = frame.drop_duplicates(UNIT + ["trial"], keep="last")
    if results is not None:
        done = results[UNIT].drop_duplicates()
        frame = frame.merge(done, on=UNIT, how="inner")
    return frame.sort_values(UNIT + ["trial"]).reset_index(drop=True)


def discard_units(output: str | os.PathLike, methods: Collection[str], *,
                  min_train_rows: int | None = None) -> int:
    """Remove ``methods``' units from a run's ``raw.csv`` and ``curves.csv``, so that the next
    run of the same command measures them again (after a change to what those methods run).

    Parameters
    ----------
    output : path
        The run's output directory.
    methods : collection of str
    min_train_rows : int, optional
        Only the units fitted on at least this many training rows.

    Returns
    -------
    int
        The result rows removed. Each file is replaced in one rename, so an interrupted call
        leaves the old or the new file, never a mix.
    """
    out = Path(output)
    raw_path, curve_path = out / "raw.csv", out / "curves.csv"
    if not raw_path.exists() or raw_path.stat().st_size == 0:
        return 0
    raw = pd.read_csv(raw_path, on_bad_lines="skip")
    drop = raw["method"].isin(list(methods))
    if min_train_rows is not None:
        drop &= raw["n_train"] >= min_train_rows
    if curve_path.exists() and curve_path.stat().st_size:
        curves = pd.read_csv(curve_path, on_bad_lines="skip")
        marked = curves[UNIT].merge(raw.loc[drop, UNIT].drop_duplicates(), on=UNIT, how="left",
                                    indicator=True)
        _replace_csv(curve_path, curves[(marked["_merge"] == "left_only").to_numpy()])
    _replace_csv(raw_path, raw[~drop])
    return int(drop.sum())


def _replace_csv(path: Path, frame: pd.DataFrame) -> None:
    temporary = path.with_name(path.name + ".tmp")
    frame.to_csv(temporary, index=False)
    os.replace(temporary, path)


def run_live_benchmark(datasets: Sequence[LiveDataset],
                       meta: MetaDB | Mapping[str, MetaTrainingSet],
                       config: LiveBenchmarkConfig | None = None,
                       output: str | os.PathLike = "benchmarks/results/live",
                       progress: Callable[[str], None] | None = None,
                       proposer_cache: str | os.PathLike | None = None
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every method on every dataset and seed, appending to ``output``'s CSV files.

    Units -- ``(task, dataset, seed, method)`` -- already in ``output/raw.csv`` are skipped, so
    an interrupted run continues where it stopped. A unit that raises is reported through
    ``progress`` and left out (a rerun tries it again).

    Parameters
    ----------
    datasets : sequence of LiveDataset
    meta : MetaDB or mapping of task to MetaTrainingSet
        What the warm start is meta-trained on (the dataset's group left out).
    config : LiveBenchmarkConfig, optional
    output : path-like
        Directory of ``raw.csv`` (:data:`RESULT_COLUMNS`) and ``curves.csv``
        (:data:`CURVE_COLUMNS`).
    progress : callable, optional
        Called with a line of text after each unit.
    proposer_cache : path-like, optional
        A directory where the warm start's meta-trained models are kept per training subset
        and settings, so that runs side by side (another budget) or resumed ones reuse them
        instead of meta-training again.

    Returns
    -------
    results, curves : DataFrame
        Everything in the files, earlier runs included.
    """
    config = config or LiveBenchmarkConfig()
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    raw_path, curve_path = out / "raw.csv", out / "curves.csv"
    _check_header(raw_path, RESULT_COLUMNS)
    _check_header(curve_path, CURVE_COLUMNS)
    results = read_results(raw_path)
    done = set(zip(results["task"], results["dataset"], results["seed"], results["method"],
                   strict=True))
    warm_time = {(r.task, r.dataset, r.seed): float(r.wall_time)
                 for r in results[results["method"] == "metaautoml_warm"].itertuples()}
    methods = [m for m in LIVE_METHODS if m in set(config.methods)]
    proposers = _Proposers(meta, config, proposer_cache)
    if set(WARM_METHODS) & set(methods):
        # Read the meta-database once, up front: a build shipping into it during a long run
        # must not change what the later datasets' warm starts learn from.
        for task in dict.fromkeys(d.task for d in datasets):
            if any((task, d.name, int(s), m) not in done for m in WARM_METHODS if m in methods
                   for d in datasets if d.task == task for s in config.seeds):
                proposers.training(task)
    total = len(datasets) * len(config.seeds) * len(methods)
    count = 0
    say = progress or (lambda line: None)
    logging.getLogger("flaml").setLevel(logging.WARNING)
    for dataset in datasets:
        todo = [(s, m) for s in config.seeds for m in methods
                if (dataset.task, dataset.name, int(s), m) not in done]
        if not todo:
            count += len(config.seeds) * len(methods)
            continue
        X, y = prepare_dataset(dataset, config.max_rows, config.min_class_rows)
        for seed in config.seeds:
            seed = int(seed)
            unit = _Unit(dataset, seed, outer_split(X, y, dataset.task, seed, config.test_size),
                         config)
            for method in methods:
                count += 1
                key = (dataset.task, dataset.name, seed, method)
                if key in done:
                    continue
                label = f"[{count}/{total}] {dataset.task} {dataset.name} seed {seed} {method}"
                curve: list[dict] = []
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        if method in WARM_METHODS:
                            proposer, seconds = proposers.get(dataset)
                            row, curve = unit.search(method, proposer)
                            row.update(meta_datasets=proposer.training.n_datasets,
                                       meta_configs=proposer.training.n_configs,
                                       meta_train_time=seconds)
                        elif method in SEARCH_METHODS:
                            row, curve = unit.search(method)
                        elif method == "flaml_trials":
                            row = unit.flaml(method)
                        elif method == "flaml_time":
                            budget = config.time_budget or warm_time.get(key[:3])
                            if budget is None:
                                say(f"{label}: skipped, it needs metaautoml_warm's wall time")
                                continue
                            row = unit.flaml(method, time_budget=budget)
                        elif method == "flaml_zeroshot":
                            row = unit.zeroshot(method)
                        else:
                            row = unit.hgb(method)
                except Exception as exc:  # noqa: BLE001 -- one failing unit must not stop a run
                    say(f"{label}: FAILED {type(exc).__name__}: {exc}"[:500])
                    continue
                _append_csv(curve_path, curve, CURVE_COLUMNS)
                _append_csv(raw_path, [row], RESULT_COLUMNS)
                done.add(key)
                if method == "metaautoml_warm":
                    warm_time[key[:3]] = float(row["wall_time"])
                say(f"{label}: test {row['metric']} {row['test_score']:.4f}, cv "
                    f"{row['cv_score']:.4f}, {row['wall_time']:.1f} s"
                    + (f" (proposer meta-trained on {row['meta_datasets']} datasets in "
                       f"{row['meta_train_time']:.0f} s)" if method in WARM_METHODS else ""))
    results = read_results(raw_path)
    return results, read_curves(curve_path, results)


# -- summaries -------------------------------------------------------------------------------------
def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    order = {m: i for i, m in enumerate(LIVE_METHODS)}
    return (frame.assign(_order=frame["method"].map(order).fillna(len(order)))
            .sort_values(["task", "_order", "method"]).drop(columns="_order").reset_index(drop=True))


def complete_units(results: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``(task, dataset, seed)`` units that have every method their task has."""
    if results.empty:
        return results
    methods = results.groupby("task")["method"].nunique()
    per_unit = results.groupby(["task", "dataset", "seed"])["method"].transform("nunique")
    return results[per_unit.to_numpy() == results["task"].map(methods).to_numpy()]


def summarize_live(results: pd.DataFrame, complete_only: bool = True) -> pd.DataFrame:
    """Per task and method: mean test score (and its standard error over units), mean rank by
    test score within each ``(dataset, seed)`` (1 = best, ties averaged), mean wall time, mean
    best CV score, and how many units and datasets that covers.

    With ``complete_only`` only units where every method ran count, so ranks are comparable.
    """
    columns = ["task", "method", "test_score", "test_score_sem", "rank", "wall_time",
               "cv_score", "units", "datasets"]
    frame = complete_units(results) if complete_only else results
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.assign(rank=frame.groupby(["task", "dataset", "seed"])["test_score"]
                         .rank(ascending=False, method="average"))
    table = frame.groupby(["task", "method"]).agg(
        test_score=("test_score", "mean"), test_score_sem=("test_score", "sem"),
        rank=("rank", "mean"), wall_time=("wall_time", "mean"), cv_score=("cv_score", "mean"),
        units=("test_score", "size"), datasets=("dataset", "nunique")).reset_index()
    return _ordered(table)[columns]


def per_dataset_scores(results: pd.DataFrame) -> pd.DataFrame:
    """Per task, dataset and method: mean and standard deviation of the test score over seeds,
    mean wall time and the number of seeds."""
    columns = ["task", "dataset", "method", "test_score", "test_score_std", "wall_time", "seeds"]
    if results.empty:
        return pd.DataFrame(columns=columns)
    table = results.groupby(["task", "dataset", "method"]).agg(
        test_score=("test_score", "mean"), test_score_std=("test_score", "std"),
        wall_time=("wall_time", "mean"), seeds=("seed", "nunique")).reset_index()
    order = {m: i for i, m in enumerate(LIVE_METHODS)}
    table = table.assign(_order=table["method"].map(order).fillna(len(order)))
    return table.sort_values(["task", "dataset", "_order"]).drop(columns="_order").reset_index(drop=True)[columns]


def live_paired_comparison(results: pd.DataFrame, method: str = "metaautoml_warm",
                           seed: int = 0) -> pd.DataFrame:
    """``method``'s test score against each other method's, dataset by dataset (the mean over
    the seeds where every method finished, so a seed is not counted as an independent dataset).

    Returns
    -------
    DataFrame
        One row per task and peer: ``datasets``, ``difference`` (mean of ``method`` minus peer;
        positive means ``method`` is better), its bootstrap 95 % interval (``ci_low``,
        ``ci_high``), ``wins``/``ties``/``losses`` of ``method``, the Wilcoxon signed-rank ``p``
        and ``p_holm`` (Holm over the task's peers).
    """
    from ._stats import holm_by, paired_test

    columns = ["task", "peer", "datasets", "difference", "ci_low", "ci_high", "wins", "ties",
               "losses", "p", "p_holm"]
    scores = per_dataset_scores(complete_units(results))
    rng = np.random.default_rng(seed)
    rows = []
    for task, part in scores.groupby("task", sort=False):
        wide = part.pivot(index="dataset", columns="method", values="test_score")
        if method not in wide:
            continue
        for peer in (m for m in wide.columns if m != method):
            diff = (wide[method] - wide[peer]).dropna().to_numpy()
            if len(diff) == 0:
                continue
            test = paired_test(diff, rng)
            rows.append({"task": task, "peer": peer, "datasets": test.n,
                         "difference": test.mean, "ci_low": test.ci_low, "ci_high": test.ci_high,
                         "wins": test.wins, "ties": test.ties, "losses": test.losses,
                         "p": test.p})
    table = pd.DataFrame(rows, columns=columns[:-1])
    table["p_holm"] = holm_by(table)
    return table[columns]


def trials_to_match(curves: pd.DataFrame, reference: str = "metaautoml_warm",
                    against: Sequence[str] = ("metaautoml_cold", "optuna_tpe"), k: int = 10,
                    tol: float = 1e-9) -> pd.DataFrame:
    """How many trials each of ``against`` needs to reach ``reference``'s best CV score after
    ``k`` trials, per ``(task, dataset, seed)``.

    The target is the reference's best-so-far score at trial ``k`` (its last trial when it ran
    fewer). ``trials`` is the first trial at which the other method's best-so-far score is at
    least the target (minus ``tol``); when it never gets there within its curve, ``trials`` is
    its number of trials plus one and ``reached`` is False (a lower bound). ``ratio`` is
    ``trials / k`` (``k`` cut to the reference's trials): above 1, the reference saved trials.

    Returns
    -------
    DataFrame
        ``task, dataset, seed, method, k, target, trials, reached, ratio``.
    """
    columns = ["task", "dataset", "seed", "method", "k", "target", "trials", "reached", "ratio"]
    rows = []
    keys = ["task", "dataset", "seed"]
    for unit, part in curves.groupby(keys, sort=True):
        ref = part[part["method"] == reference].sort_values("trial")
        if ref.empty:
            continue
        k_used = int(min(k, ref["trial"].max()))
        target = ref.loc[ref["trial"] <= k_used, "best_cv_score"].max()
        if not np.isfinite(target):
            continue
        for method in against:
            other = part[part["method"] == method].sort_values("trial")
            if other.empty:
                continue
            hit = other[other["best_cv_score"] >= target - tol]
            reached = not hit.empty
            trials = int(hit["trial"].iloc[0]) if reached else int(other["trial"].max()) + 1
            rows.append(dict(zip(keys, unit, strict=True), method=method, k=k_used,
                             target=float(target), trials=trials, reached=reached,
                             ratio=trials / k_used))
    return pd.DataFrame(rows, columns=columns)


#: Where :func:`anytime_comparison` reads the best-so-far curves: after these many trials and
#: these many seconds from the start of ``fit`` (those a run reached).
ANYTIME_TRIALS = (1, 3, 5, 10, 20, 40)
ANYTIME_SECONDS = (2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0)


def anytime_comparison(curves: pd.DataFrame, method: str = "metaautoml_warm",
                       peer: str = "metaautoml_cold", trials: Sequence[int] = ANYTIME_TRIALS,
                       seconds: Sequence[float] = ANYTIME_SECONDS, seed: int = 0
                       ) -> pd.DataFrame:
    """``method``'s best CV score so far minus ``peer``'s, after a number of trials and after a
    number of seconds: where in a search one searcher leads the other.

    A search's best-so-far after ``k`` trials is its best CV score among trials 1-``k`` (all of
    them when it ran fewer); after ``t`` seconds, among the trials finished by then, and a split
    where either has finished none by ``t`` is left out of that row. Differences are averaged
    over a dataset's seeds and tested over datasets, as :func:`live_paired_comparison` does;
    Holm's correction runs over the task's rows. Cuts in seconds beyond the searchers' last
    finished trial (past the run's budget) are skipped. Both searchers score trials on the
    seed's same folds, so their CV scores compare; the test score is
    :func:`live_paired_comparison`'s.

    Returns
    -------
    DataFrame
        ``task, at, datasets, difference, ci_low, ci_high, wins, ties, losses, p, p_holm``, with
        ``at`` as ``"5 trials"`` or ``"10 s"``.
    """
    from ._stats import holm_by, paired_test

    columns = ["task", "at", "datasets", "difference", "ci_low", "ci_high", "wins", "ties",
               "losses", "p", "p_holm"]
    part = curves[curves["method"].isin([method, peer])]
    keys = ["task", "dataset", "seed", "method"]
    longest = part["elapsed"].max() if len(part) else 0.0
    cuts = ([(f"{k} trials", part["trial"] <= k) for k in trials]
            + [(f"{t:g} s", part["elapsed"] <= t) for t in seconds
               if t <= longest or t == min(seconds)])
    rng = np.random.default_rng(seed)
    rows = []
    for task in part["task"].unique():
        in_task = part["task"] == task
        for label, mask in cuts:
            best = part[in_task & mask].groupby(keys)["best_cv_score"].max().unstack("method")
            if method not in best or peer not in best:
                continue
            diff = (best[method] - best[peer]).dropna().groupby(level="dataset").mean()
            if diff.empty:
                continue
            test = paired_test(diff.to_numpy(), rng)
            rows.append({"task": task, "at": label, "datasets": test.n, "difference": test.mean,
                         "ci_low": test.ci_low, "ci_high": test.ci_high, "wins": test.wins,
                         "ties": test.ties, "losses": test.losses, "p": test.p})
    table = pd.DataFrame(rows, columns=columns[:-1])
    table["p_holm"] = holm_by(table) if len(table) else pd.Series(dtype=float)
    return table[columns]


def summarize_trials_to_match(detail: pd.DataFrame) -> pd.DataFrame:
    """Per task and method of :func:`trials_to_match`: mean ratio, mean trials, the share of
    units that reached the target (the others count with a lower bound) and the units."""
    columns = ["task", "method", "ratio", "trials", "reached", "units"]
    if detail.empty:
        return pd.DataFrame(columns=columns)
    table = detail.groupby(["task", "method"]).agg(
        ratio=("ratio", "mean"), trials=("trials", "mean"), reached=("reached", "mean"),
        units=("ratio", "size")).reset_index()
    return _ordered(table)[columns]


def first_model_summary(results: pd.DataFrame, method: str = "metaautoml_first",
                        baseline: str = "hgb_default", margin: float = FIRST_MODEL_MARGIN,
                        seed: int = 0) -> pd.DataFrame:
    """The first model alone against default HistGradientBoosting, per task.

    Scores are means over the seeds both ran on each dataset. ``within_margin`` is the share of
    datasets where ``method`` scores at least ``baseline`` minus ``margin`` (the issue's bar:
    >= 90 %); ``difference`` is the mean of ``method`` minus ``baseline`` with its bootstrap
    95 % interval and Wilcoxon ``p``; ``worst`` the largest shortfall.
    """
    from ._stats import paired_test

    columns = ["task", "datasets", "within_margin", "difference", "ci_low", "ci_high", "p",
               "worst", "worst_dataset"]
    rows = []
    rng = np.random.default_rng(seed)
    scores = per_dataset_scores(results)
    for task, part in scores.groupby("task", sort=False):
        wide = part.pivot(index="dataset", columns="method", values="test_score")
        if method not in wide or baseline not in wide:
            continue
        diff = (wide[method] - wide[baseline]).dropna()
        if diff.empty:
            continue
        test = paired_test(diff.to_numpy(), rng)
        rows.append({"task": task, "datasets": len(diff),
                     "within_margin": float((diff >= -margin).mean()),
                     "difference": test.mean, "ci_low": test.ci_low, "ci_high": test.ci_high,
                     "p": test.p, "worst": float(diff.min()), "worst_dataset": diff.idxmin()})
    return pd.DataFrame(rows, columns=columns)


def time_to_first_model(curves: pd.DataFrame, results: pd.DataFrame | None = None
                        ) -> pd.DataFrame:
    """Seconds from ``fit``'s start until a search's first trial finished, per task and method
    (median and 90th percentile over units); with ``results``, the baselines' whole fit (a
    default model is its own first model) is added for comparison."""
    columns = ["task", "method", "median_seconds", "p90_seconds", "units"]
    first = curves[curves["trial"] == 1].dropna(subset=["elapsed"])
    parts = [first[["task", "method", "elapsed"]]]
    if results is not None and not results.empty:
        single = results[results["method"].isin(["hgb_default", "flaml_zeroshot"])]
        parts.append(single[["task", "method"]].assign(elapsed=single["wall_time"]))
    frame = pd.concat([p for p in parts if not p.empty]) if any(len(p) for p in parts) else None
    if frame is None:
        return pd.DataFrame(columns=columns)
    table = frame.groupby(["task", "method"])["elapsed"].agg(
        median_seconds="median", p90_seconds=lambda v: float(np.percentile(v, 90)),
        units="size").reset_index()
    return _ordered(table)[columns]
