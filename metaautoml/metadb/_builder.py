"""Building the meta-database: every pool configuration evaluated on every corpus dataset.

The build is idempotent and resumable. Each run computes only the (dataset, configuration) pairs
the database lacks; results are recorded one chunk per transaction by the single parent process,
so a build killed at any point (``kill -9`` included) loses at most the chunks in flight and
never leaves a duplicate. Work is ordered in *waves* of the pool -- the first ``wave_size``
configurations on every dataset, then the next -- so a partial build is a complete sub-matrix.
"""

from __future__ import annotations

import hashlib
import logging
import operator
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, parallel_config

from .._validation import as_frame, check_target
from ..evaluation import TrialResult, TrialRunner, default_metrics, make_splits
from ..space import ColumnTypes, get_space
from ._store import MetaDB

logger = logging.getLogger(__name__)

#: Rows kept per dataset (stratified subsample above it); bounds the cost of a full matrix.
DEFAULT_MAX_ROWS = 1000
#: Folds of the build's cross-validation; classes with fewer members are dropped.
DEFAULT_CV = 3
#: Seconds one evaluation (all folds) may take before it is recorded as timed out.
DEFAULT_TIME_LIMIT = 20.0
#: Space-filling configurations per family, on top of each family's default.
DEFAULT_N_PER_FAMILY = 28
#: Configurations per family evaluated with each target transform other than "none"
#: (regression), on top of each family's default with each of them.
N_TRANSFORMED_PER_FAMILY = 3
#: The second fidelity's row cap, and how many configurations of the pool (its first ones: every
#: family's default, then whole rounds of the family-interleaved sample) are evaluated there.
DEFAULT_FIDELITY_ROWS = 5000
DEFAULT_FIDELITY_CONFIGS = 35
#: Subsampled views per dataset whose meta-features are stored for the matcher.
DEFAULT_N_VIEWS = 8
#: Seed of the Sobol pool and of every split and model in the build.
POOL_SEED = 0
#: Times a build resubmits the chunks a lost worker left unfinished before it gives up (a
#: resumed build starts from what was recorded anyway).
MAX_ATTEMPTS = 3
#: The build protocol's parameters (``build``'s keyword arguments) and their defaults; a database
#: records the values it was built with and refuses a build that asks for others.
BUILD_DEFAULTS = {"n_per_family": DEFAULT_N_PER_FAMILY, "max_rows": DEFAULT_MAX_ROWS,
                  "cv": DEFAULT_CV, "time_limit": DEFAULT_TIME_LIMIT}


@dataclass
class BuildReport:
    """What a build run did."""

    datasets: int = 0
    skipped: list[str] = field(default_factory=list)
    evaluated: int = 0
    remaining: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"{self.datasets} datasets, {self.evaluated} evaluations recorded in "
                f"{self.seconds:.0f} s, {self.remaining} remaining"
                + (f"; skipped {len(self.skipped)}: {', '.join(self.skipped[:10])}" if self.skipped else ""))


def configuration_pool(task: str, n_per_family: int = DEFAULT_N_PER_FAMILY, seed: int = POOL_SEED) -> list[dict]:
    """Every family's default, then a scrambled-Sobol sample of each family, interleaved; for
    regression then the target transforms.

    The samples are taken round-robin across families (first point of every family, then the
    second, ...), so any prefix of the pool -- what a partial build has evaluated -- covers every
    family evenly. The task-level hyperparameters (regression's ``target_transform``) are at
    their defaults there. For each other value of them the pool goes on with every family's
    default and its first :data:`N_TRANSFORMED_PER_FAMILY` sampled configurations taking that
    value (round-robin across families again). They come last so that the pool of a database
    built before they existed is a prefix of this one and grows in place.
    """
    space = get_space(task)
    sample = space.sample(n_per_family, seed=seed)
    n_families = len(space.families)
    interleaved = [sample[f * n_per_family + i] for i in range(n_per_family) for f in range(n_families)]
    pool = space.default_configs() + interleaved
    n_variants = min(N_TRANSFORMED_PER_FAMILY, n_per_family)
    bases = space.default_configs() + interleaved[:n_variants * n_families]
    for hp in space.task_hyperparameters:
        for value in hp.choices:
            if value != hp.default:
                pool += [{**config, hp.name: value} for config in bases]
    return pool


def subsample(X: pd.DataFrame, y: np.ndarray, task: str, max_rows: int, seed: int = POOL_SEED):
    """At most ``max_rows`` rows; class shares kept (each class keeps at least 3 rows)."""
    n = len(y)
    if n <= max_rows:
        return X.reset_index(drop=True), y
    rng = np.random.default_rng(seed)
    if task == "regression":
        keep = np.sort(rng.choice(n, size=max_rows, replace=False))
    else:
        classes, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
        quota = np.minimum(counts, np.maximum(3, np.floor(counts / n * max_rows))).astype(int)
        while quota.sum() > max_rows:  # trim the largest quotas until the cap holds
            quota[np.argmax(quota)] -= 1
        keep = np.sort(np.concatenate([
            rng.choice(np.flatnonzero(codes == c), size=quota[c], replace=False)
            for c in range(len(classes))]))
    return X.iloc[keep].reset_index(drop=True), y[keep]


def prepare_dataset(X, y, task: str, *, max_rows: int = DEFAULT_MAX_ROWS, cv: int = DEFAULT_CV,
                    seed: int = POOL_SEED) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Validated, capped data as the build evaluates it: classification labels as codes
    ``0..K-1`` with classes of fewer than ``cv`` rows removed. Returns ``(X, y, n_rows_original)``."""
    X = as_frame(X)
    y = check_target(y, task, n_rows=len(X))
    n_original = len(y)
    if task == "classification":
        labels, counts = np.unique(y.astype(str) if y.dtype == object else y, return_counts=True)
        keep_labels = labels[counts >= cv]
        keep = np.isin(y.astype(str) if y.dtype == object else y, keep_labels)
        X, y = X.loc[keep].reset_index(drop=True), y[keep]
        if len(keep_labels) < 2:
            raise ValueError(f"fewer than 2 classes have at least {cv} rows")
        y = np.unique(y, return_inverse=True)[1].astype(np.int64)
    X, y = subsample(X, y, task, max_rows, seed)
    return X, y, n_original


def content_hash(X: pd.DataFrame, y: np.ndarray) -> str:
    """A fingerprint of the prepared data, so one name never silently stands for two datasets."""
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(X.astype(str), index=False).to_numpy().tobytes())
    digest.update(np.asarray(y).astype(str).astype(bytes).tobytes())
    return digest.hexdigest()[:32]


def _evaluate_chunk(dataset: str, X: pd.DataFrame, y: np.ndarray, task: str,
                    configs: Sequence[tuple[str, dict]], cv: int, time_limit: float,
                    seed: int) -> tuple[str, list[tuple[str, dict]]]:
    """Runs in a joblib (or dask) worker: one dataset, several configurations."""
    splits = make_splits(y, task, cv, random_state=seed)
    with TrialRunner(X, y, task=task, columns=ColumnTypes.infer(X), splits=splits,
                     metrics=default_metrics(task), random_state=seed, isolate=True,
                     n_threads=1) as runner:
        return dataset, [(cid, runner.evaluate(config, time_limit).to_dict()) for cid, config in configs]


@dataclass(frozen=True)
class BuildDataset:
    """A dataset to build on: its name and metadata, and how to load ``(X, y)``."""

    name: str
    task: str
    source: str
    load: Callable[[], tuple[Any, Any]]
    group: str | None = None
    openml_id: int | None = None
    licence: str | None = None
    citation: str | None = None


def _load_prepared(item: BuildDataset, max_rows: int, cv: int, report: BuildReport):
    """``item``'s rows as the protocol evaluates them, ``(X, y, n_original)``; None (the dataset
    logged and recorded as skipped) when it cannot be loaded or prepared."""
    try:
        X, y = item.load()
        return prepare_dataset(X, y, item.task, max_rows=max_rows, cv=cv)
    except (OSError, ValueError, TypeError, ImportError) as exc:
        logger.warning("skipping dataset %s: %s", item.name, exc)
        report.skipped.append(item.name)
        return None


def build(db: MetaDB, datasets: Iterable[BuildDataset], *, n_per_family: int = DEFAULT_N_PER_FAMILY,
          max_rows: int = DEFAULT_MAX_ROWS, cv: int = DEFAULT_CV,
          time_limit: float = DEFAULT_TIME_LIMIT, n_jobs: int = 1, backend: str = "loky",
          scheduler: str | None = None, wave_size: int = 32, chunk_size: int = 32,
          meta_features: bool = True, n_views: int = DEFAULT_N_VIEWS,
          max_evaluations: int | None = None,
          progress: bool | None = None) -> BuildReport:
    """Evaluate the configuration pool on ``datasets`` and record everything in ``db``.

    Parameters
    ----------
    db : MetaDB
        Opened for writing.
    datasets : iterable of BuildDataset
    n_per_family, max_rows, cv, time_limit
        The build protocol; see the module constants for defaults. Pool parameters are stored in
        the database and a rerun with different ones is refused.
    n_jobs : int
        Parallel evaluations.
    backend : {"loky", "dask"}
        ``"dask"`` runs on a ``dask.distributed`` cluster: ``scheduler`` is its address, or a
        ``LocalCluster`` of ``n_jobs`` single-threaded workers is started.
    wave_size : int
        Pool configurations per wave: every dataset gets a wave's configurations before any
        gets the next wave's, so that a partial build is a complete matrix of its first waves.
    chunk_size : int
        Evaluations of one dataset per task sent to a worker. Each chunk starts and stops an
        isolated trial process (about 3 s on two busy cores, against a median evaluation of
        under a second), so chunks of a whole wave waste least; a worker lost mid-chunk loses
        at most one chunk's work.
    meta_features : bool
        Compute (or refresh, when the extractor's version changed) meta-features of each dataset
        and of ``n_views`` subsampled views of it.
    max_evaluations : int, optional
        Stop after about this many new evaluations (for bounded sessions); rerun to continue.

    Returns
    -------
    BuildReport
    """
    start = time.perf_counter()
    report = BuildReport()
    _check_protocol(db, n_per_family=n_per_family, max_rows=max_rows, cv=cv, time_limit=time_limit)
    pools = {}
    prepared: dict[str, tuple[pd.DataFrame, np.ndarray, str]] = {}
    for item in datasets:
        loaded = _load_prepared(item, max_rows, cv, report)
        if loaded is None:
            continue
        X, y, n_original = loaded
        db.add_dataset(item.name, task=item.task, source=item.source, group=item.group,
                       openml_id=item.openml_id, licence=item.licence, citation=item.citation,
                       n_rows_original=n_original, n_rows=len(y), n_features=X.shape[1],
                       n_classes=int(y.max()) + 1 if item.task == "classification" else None,
                       content_hash=content_hash(X, y))
        if meta_features:
            _update_meta_features(db, item.name, X, y, item.task, n_views)
        if item.task not in pools:
            pool = configuration_pool(item.task, n_per_family)
            ids = db.add_configurations(item.task, pool, n_defaults=len(get_space(item.task).families))
            pools[item.task] = list(zip(ids, pool, strict=True))
        prepared[item.name] = (X, y, item.task)
    report.datasets = len(prepared)

    done = db.evaluated_pairs()
    todo = []  # (wave, dataset, [(config_id, config), ...])
    for name, (_, _, task) in prepared.items():
        missing = [(i, cid, c) for i, (cid, c) in enumerate(pools[task]) if (name, cid) not in done]
        for i in range(0, len(missing), chunk_size):
            chunk = missing[i:i + chunk_size]
            todo.append((chunk[0][0] // wave_size, name, [(cid, c) for _, cid, c in chunk]))
    todo.sort(key=lambda t: (t[0], t[1]))
    _run_chunks([(name, configs) for _, name, configs in todo], prepared, report,
                db.record_evaluations, cv=cv, time_limit=time_limit, n_jobs=n_jobs,
                backend=backend, scheduler=scheduler, max_evaluations=max_evaluations,
                progress=progress)
    report.seconds = time.perf_counter() - start
    return report


def build_fidelity(db: MetaDB, datasets: Iterable[BuildDataset], *,
                   max_rows: int = DEFAULT_FIDELITY_ROWS,
                   n_configs: int = DEFAULT_FIDELITY_CONFIGS, n_jobs: int = 1,
                   backend: str = "loky", scheduler: str | None = None, chunk_size: int = 4,
                   max_evaluations: int | None = None,
                   progress: bool | None = None) -> BuildReport:
    """Evaluate the pool's first ``n_configs`` configurations on up to ``max_rows`` rows of every
    dataset that has that many: a second fidelity, recorded apart from the base matrix
    (:meth:`MetaDB.record_fidelity_evaluations`).

    The database's own protocol applies (its folds, seed and subsampling), with the time limit
    scaled by ``max_rows`` over its row cap. The datasets must be in the database already (built
    at the base size); the others, and those with fewer than ``max_rows`` rows, are skipped.
    Resumable like :func:`build`.

    Returns
    -------
    BuildReport
    """
    start = time.perf_counter()
    report = BuildReport()
    stored = {key: db.get_meta(f"build.{key}") for key in ("max_rows", "cv", "time_limit")}
    if None in stored.values():
        raise ValueError(f"{db!r} has no build protocol yet; build it at its base size first")
    base_rows, cv = int(stored["max_rows"]), int(stored["cv"])
    max_rows, n_configs = operator.index(max_rows), operator.index(n_configs)
    if max_rows <= base_rows:
        raise ValueError(f"a second fidelity needs more rows than the build's max_rows={base_rows}, "
                         f"got {max_rows}")
    key = f"fidelity.{max_rows}.n_configs"
    if db.get_meta(key) is None:
        db.set_meta(key, str(n_configs))
    elif int(db.get_meta(key)) != n_configs:
        raise ValueError(f"{db!r} holds the {max_rows}-row fidelity of {db.get_meta(key)} "
                         f"configurations; this build asks for {n_configs}")
    time_limit = float(stored["time_limit"]) * max_rows / base_rows
    # Smaller tables have no second fidelity (a stratified cap may keep a few rows less).
    prepared = _prepare_stored(db, datasets, report, max_rows=max_rows, cv=cv, min_rows=max_rows,
                               missing="not in the database at its base size")
    pools = {task: list(db.configurations(task)["config"].items())[:n_configs]
             for task in {task for _, _, task in prepared.values()}}
    done = db.fidelity_pairs(max_rows)
    todo = []
    for name, (_, _, task) in prepared.items():
        missing = [(cid, config) for cid, config in pools[task] if (name, cid) not in done]
        todo += [(name, missing[i:i + chunk_size]) for i in range(0, len(missing), chunk_size)]
    _run_chunks(todo, prepared, report,
                lambda dataset, results: db.record_fidelity_evaluations(dataset, max_rows, results),
                cv=cv, time_limit=time_limit, n_jobs=n_jobs, backend=backend, scheduler=scheduler,
                max_evaluations=max_evaluations, progress=progress)
    report.seconds = time.perf_counter() - start
    return report


def build_sized_defaults(db: MetaDB, datasets: Iterable[BuildDataset], *, n_jobs: int = 1,
                         backend: str = "loky", scheduler: str | None = None,
                         max_evaluations: int | None = None,
                         progress: bool | None = None) -> BuildReport:
    """Evaluate each pool default whose family has row-relative hyperparameters as what it stands
    for on every dataset: scikit-learn's default on that dataset's own rows
    (:meth:`~metaautoml.space.SearchSpace.sized_default`), recorded apart from the base matrix
    (:meth:`MetaDB.record_sized_default_evaluations`).

    The pool holds HistGradientBoosting's default as ``min_samples_leaf_fraction=0.01``, which is
    scikit-learn's leaf of 20 at 2,000 rows but a leaf of 4 on a 600-row table; the default a
    user's search starts from is scikit-learn's own. With these evaluations the meta-learners and
    the benchmarks see the defaults users get (:meth:`MetaTrainingSet.from_metadb`).

    The database's own protocol applies (its row cap, folds, seed and time limit); the datasets
    must be in the database already, the others are skipped. Resumable like :func:`build`.

    Returns
    -------
    BuildReport
    """
    start = time.perf_counter()
    report = BuildReport()
    stored = {key: db.get_meta(f"build.{key}") for key in ("max_rows", "cv", "time_limit")}
    if None in stored.values():
        raise ValueError(f"{db!r} has no build protocol yet; build it first")
    max_rows, cv, time_limit = int(stored["max_rows"]), int(stored["cv"]), float(stored["time_limit"])
    prepared = _prepare_stored(db, datasets, report, max_rows=max_rows, cv=cv)
    defaults = {task: [(cid, config) for cid, config in db.configurations(task)["config"].items()
                       if get_space(task).sized_default(config, None) is not None]
                for task in {task for _, _, task in prepared.values()}}
    done = db.sized_default_pairs()
    todo, params = [], {}
    for name, (_, y, task) in prepared.items():
        chunk = []
        for cid, config in defaults[task]:
            sized = get_space(task).sized_default(config, len(y))
            if sized != config and (name, cid) not in done:
                chunk.append((cid, sized))
                params[name, cid] = sized
        if chunk:  # one chunk per dataset: each chunk starts an isolated trial process
            todo.append((name, chunk))

    def record(dataset: str, results: list[tuple[str, TrialResult]]) -> int:
        return db.record_sized_default_evaluations(
            dataset, [(cid, params[dataset, cid], result) for cid, result in results])

    _run_chunks(todo, prepared, report, record, cv=cv, time_limit=time_limit, n_jobs=n_jobs,
                backend=backend, scheduler=scheduler, max_evaluations=max_evaluations,
                progress=progress)
    report.seconds = time.perf_counter() - start
    return report


def _prepare_stored(db: MetaDB, datasets: Iterable[BuildDataset], report: BuildReport, *,
                    max_rows: int, cv: int, min_rows: int = 0,
                    missing: str = "not in the database") -> dict[str, tuple[pd.DataFrame, np.ndarray, str]]:
    """The datasets already in ``db``, loaded and prepared on up to ``max_rows`` rows (those with
    fewer than ``min_rows`` originally left out); the others are skipped into ``report``."""
    known = set(db.datasets().index)
    prepared: dict[str, tuple[pd.DataFrame, np.ndarray, str]] = {}
    for item in datasets:
        if item.name not in known:
            logger.warning("skipping dataset %s: %s", item.name, missing)
            report.skipped.append(item.name)
            continue
        loaded = _load_prepared(item, max_rows, cv, report)
        if loaded is None:
            continue
        X, y, n_original = loaded
        if n_original >= min_rows:
            prepared[item.name] = (X, y, item.task)
    report.datasets = len(prepared)
    return prepared


def _run_chunks(todo: list[tuple[str, list]], prepared: dict, report: BuildReport,
                record: Callable[[str, list], int], *, cv: int, time_limit: float, n_jobs: int,
                backend: str, scheduler: str | None, max_evaluations: int | None,
                progress: bool | None) -> None:
    """Evaluate ``(dataset, [(config_id, config), ...])`` chunks in parallel, in order (about
    ``max_evaluations`` of them at most), and ``record`` each chunk's results as it finishes;
    ``report``'s counts follow."""
    report.remaining = sum(len(chunk) for _, chunk in todo)
    if max_evaluations is not None:
        kept, count = [], 0
        for item in todo:
            if count >= max_evaluations:
                break
            kept.append(item)
            count += len(item[1])
        todo = kept
    if not todo:
        return
    show = sys.stderr.isatty() if progress is None else progress
    finished: set[int] = set()
    with _progress_bar(sum(len(c) for _, c in todo), show) as bar, _backend(backend, scheduler, n_jobs):
        for attempt in range(1, MAX_ATTEMPTS + 1):
            jobs = (delayed(_evaluate_numbered_chunk)(i, name, *prepared[name], chunk, cv,
                                                      time_limit, POOL_SEED)
                    for i, (name, chunk) in enumerate(todo) if i not in finished)
            try:
                for i, (dataset, results) in Parallel(n_jobs=n_jobs,
                                                      return_as="generator_unordered")(jobs):
                    report.evaluated += record(dataset, [(cid, TrialResult(**r))
                                                         for cid, r in results])
                    report.remaining -= len(results)
                    finished.add(i)
                    bar.update(len(results))
                return
            except _lost_worker_errors() as exc:
                # A worker process died (killed, out of memory, its machine gone) and the
                # executor gave up on its chunk. What finished is recorded; the rest runs again.
                if attempt == MAX_ATTEMPTS:
                    raise
                logger.warning("a build worker was lost (%s: %s); resubmitting the %d chunks not "
                               "recorded yet", type(exc).__name__, exc, len(todo) - len(finished))


def _evaluate_numbered_chunk(number: int, *args) -> tuple[int, tuple[str, list]]:
    """:func:`_evaluate_chunk` with the chunk's number, so that a retry skips finished ones."""
    return number, _evaluate_chunk(*args)


def _lost_worker_errors() -> tuple[type[BaseException], ...]:
    """What joblib raises when a worker died under a chunk: loky's pool broken by a dead
    process, dask's future cancelled or its worker declared killed."""
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    errors: list[type[BaseException]] = [TerminatedWorkerError]
    try:
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker
    except ImportError:  # the dask extra is not installed
        return tuple(errors)
    return (*errors, FutureCancelledError, KilledWorker)


def dataset_views(X: pd.DataFrame, y: np.ndarray, task: str, n_views: int, seed: int = POOL_SEED):
    """Random row (50-90 %) and feature (50-100 %) subsamples of a dataset.

    They are the "several looks at one dataset" the matcher's prototypical loss learns from; each
    view keeps at least 2 rows of every class it contains and at least one feature.
    """
    rng = np.random.default_rng(seed + 1)
    for _ in range(n_views):
        n_rows = max(10, int(len(y) * rng.uniform(0.5, 0.9)))
        n_cols = max(1, int(round(X.shape[1] * rng.uniform(0.5, 1.0))))
        columns = np.sort(rng.choice(X.shape[1], size=n_cols, replace=False))
        rows = np.sort(rng.choice(len(y), size=min(n_rows, len(y)), replace=False))
        X_view, y_view = X.iloc[rows, columns], y[rows]
        if task == "classification":
            labels, counts = np.unique(y_view, return_counts=True)
            keep = np.isin(y_view, labels[counts >= 2])
            X_view, y_view = X_view.loc[keep], y_view[keep]
        yield X_view.reset_index(drop=True), y_view


def _update_meta_features(db: MetaDB, name: str, X: pd.DataFrame, y: np.ndarray, task: str,
                          n_views: int) -> None:
    from ..metafeatures import METAFEATURES_VERSION, extract_meta_features

    stored = db._conn.execute(
        "SELECT DISTINCT version, COUNT(DISTINCT view) FROM meta_features WHERE dataset=?",
        (name,)).fetchall()
    if stored == [(METAFEATURES_VERSION, n_views + 1)]:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = [extract_meta_features(X, y, task=task, random_state=POOL_SEED)]
        for X_view, y_view in dataset_views(X, y, task, n_views):
            values.append(extract_meta_features(X_view, y_view, task=task, random_state=POOL_SEED))
    db.set_meta_features(name, values, METAFEATURES_VERSION)


def _check_protocol(db: MetaDB, **protocol) -> None:
    for key, value in protocol.items():
        # In the type of the default, so that 20 and 20.0 (the command line's float) or a NumPy
        # integer are one protocol, stored as the defaults are; a fractional count is an error.
        value = float(value) if isinstance(BUILD_DEFAULTS[key], float) else operator.index(value)
        stored = db.get_meta(f"build.{key}")
        if stored is None:
            db.set_meta(f"build.{key}", repr(value))
        elif stored != repr(value):
            raise ValueError(
                f"{db!r} was built with {key}={stored}; this build asks for {value!r}. One database "
                "holds one protocol: use the stored value or a new database"
            )


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _progress_bar(total: int, show: bool):
    if not show:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="eval", desc="meta-db", file=sys.stderr, smoothing=0.05)


class _backend:
    """joblib's loky backend, or dask.distributed on a given or a local cluster."""

    def __init__(self, backend: str, scheduler: str | None, n_jobs: int):
        if backend not in ("loky", "dask"):
            raise ValueError(f"backend must be 'loky' or 'dask', got {backend!r}")
        self.backend, self.scheduler, self.n_jobs = backend, scheduler, n_jobs
        self._client = self._cluster = self._config = None

    def __enter__(self):
        if self.backend == "dask":
            try:
                from dask.distributed import Client, LocalCluster
            except ImportError:
                raise ImportError("the dask backend needs `pip install 'metaautoml[dask]'`") from None
            if self.scheduler:
                self._client = Client(self.scheduler)
            else:
                self._cluster = LocalCluster(n_workers=max(1, self.n_jobs), threads_per_worker=1,
                                             processes=True, dashboard_address=None)
                self._client = Client(self._cluster)
            self._config = parallel_config(backend="dask")
        else:
            self._config = parallel_config(backend="loky")
        self._config.__enter__()
        return self

    def __exit__(self, *exc):
        self._config.__exit__(*exc)
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        return False
