"""Tests of the meta-database builder: real evaluations of the configuration pool on real datasets.

One uninterrupted build of a tiny corpus (iris and diabetes capped at 40 rows, the smallest pool:
each family's default plus one sampled configuration) is made once per module; every other build
here -- resumed, killed with SIGKILL and resumed, cut short by ``max_evaluations``, run on a dask
cluster -- must reproduce its rows exactly. The builds are seeded (splits, models) and run one
thread per trial, so the scores are bit-for-bit the same; only the timings differ, and the time
limit is far above any trial's run time, so that no trial times out on a loaded machine in one
build but not in another.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing, suppress
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
import psutil
import pytest
from sklearn.datasets import load_diabetes, load_iris, load_wine

import metaautoml
from metaautoml.corpus import CorpusEntry, build_datasets, load_manifest, save_manifest
from metaautoml.evaluation import default_metrics
from metaautoml.metadb import (
    BuildDataset,
    MetaDB,
    MetaDBError,
    MetaTrainingSet,
    build,
    build_fidelity,
    build_sized_defaults,
    configuration_pool,
)
from metaautoml.metafeatures import METAFEATURES_VERSION
from metaautoml.space import families_for, get_space

#: The build protocol of every build here.
PROTOCOL = {"n_per_family": 1, "max_rows": 40, "cv": 2, "time_limit": 120.0}
N_VIEWS = 2
#: Pool size per task: one default per model family, then one sampled configuration per family;
#: for regression then both again with each target transform other than "none".
POOL_SIZES = {task: len(configuration_pool(task, PROTOCOL["n_per_family"]))
              for task in ("classification", "regression")}
#: The pool of iris, the classification dataset.
POOL_SIZE = POOL_SIZES["classification"]
#: Evaluations of a whole build on iris and diabetes.
BOTH_POOLS = POOL_SIZES["classification"] + POOL_SIZES["regression"]
#: The directory holding the ``metaautoml`` package, so a subprocess imports this checkout.
REPO_ROOT = Path(metaautoml.__file__).resolve().parent.parent


def _load_iris():
    return load_iris(return_X_y=True, as_frame=True)


def _load_diabetes():
    return load_diabetes(return_X_y=True, as_frame=True)


def _load_wine():
    return load_wine(return_X_y=True, as_frame=True)


def _load_missing_file():
    raise FileNotFoundError("corpus file lost.csv not found")


IRIS = BuildDataset("iris", "classification", "sklearn", load=_load_iris, group="iris",
                    openml_id=61, licence="CC BY 4.0", citation="Fisher (1936)")
DIABETES = BuildDataset("diabetes", "regression", "sklearn", load=_load_diabetes)
UNLOADABLE = BuildDataset("lost", "classification", "csv", load=_load_missing_file)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, object]:
    """The uninterrupted build every other build is compared with: its path and report."""
    path = tmp_path_factory.mktemp("reference") / "reference.sqlite"
    with MetaDB(path, create=True) as db:
        # One chunk per dataset: each chunk starts a trial worker, which costs seconds.
        report = build(db, [IRIS, UNLOADABLE, DIABETES], n_jobs=2, n_views=N_VIEWS,
                       chunk_size=max(POOL_SIZES.values()), **PROTOCOL)
    return path, report


@pytest.fixture
def reference_copy(reference, tmp_path) -> Path:
    """A private copy of the reference build, for tests that build on top of it."""
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(reference[0], copy)  # closed cleanly: the file alone is the whole database
    return copy


def outcomes(path: Path, dataset: str | None = None) -> pd.DataFrame:
    """The evaluations of a database without their timings: what a seeded build reproduces."""
    with MetaDB(path, readonly=True) as db:
        frame = db.evaluations()
    if dataset is not None:
        frame = frame[frame["dataset"] == dataset]
    frame = frame.drop(columns=["fit_time", "duration"]).dropna(axis=1, how="all")
    return frame.sort_values(["dataset", "config_id"], ignore_index=True)


def pool_ids(path: Path, task: str) -> list[str]:
    with MetaDB(path, readonly=True) as db:
        return list(db.configurations(task).index)


# --------------------------------------------------------------------------------------------
# One build, and what it leaves in the database


def test_build_fills_the_whole_matrix(reference):
    path, report = reference
    assert report.datasets == 2 and report.skipped == ["lost"]
    assert report.evaluated == BOTH_POOLS and report.remaining == 0
    with MetaDB(path, readonly=True) as db:
        summary = db.summary()
        for task in ("classification", "regression"):
            assert summary[task]["datasets"] == 1
            assert summary[task]["configurations"] == POOL_SIZES[task]
            # Every trial completed: the comparisons between builds below compare scores.
            assert summary[task]["complete"] == POOL_SIZES[task], db.evaluations(task)[["state", "error"]]
            assert summary[task]["matrix_filled"] == 1.0
            assert summary[task]["datasets_with_meta_features"] == 1
            configs = db.configurations(task)
            assert configs["config"].tolist() == configuration_pool(task, PROTOCOL["n_per_family"])
            n_families = len(families_for(task))
            assert configs["is_default"].sum() == n_families
            assert configs["is_default"].iloc[:n_families].all()
        assert db.performance_matrix("accuracy").notna().all().all()
        assert db.performance_matrix("r2").notna().all().all()
        # Sensible scores: iris is easy even on 40 rows, diabetes is not.
        assert db.performance_matrix("accuracy").max(axis=1).iloc[0] > 0.8
        datasets = db.datasets()
        assert list(datasets.index) == ["diabetes", "iris"]  # the unloadable one is not registered
        assert datasets.loc["iris", ["n_rows_original", "n_features", "n_classes"]].tolist() == [150, 4, 3]
        assert 36 <= datasets.loc["iris", "n_rows"] <= 40  # a stratified subsample, capped at 40
        assert datasets.loc["diabetes", ["n_rows_original", "n_rows", "n_features"]].tolist() \
            == [442, 40, 10]
        assert pd.isna(datasets.loc["diabetes", "n_classes"])
        assert datasets.loc["iris", ["group", "openml_id", "licence", "source"]].tolist() \
            == ["iris", 61, "CC BY 4.0", "sklearn"]
        views = db.meta_features(views=True)
        assert views.index.tolist() == [(d, v) for d in ("diabetes", "iris") for v in range(N_VIEWS + 1)]
        assert db.meta_features_version() == {METAFEATURES_VERSION}
        # View 0 is the dataset as evaluated; the others are subsamples of it.
        assert views.loc[("iris", 0), "n_rows"] == datasets.loc["iris", "n_rows"]
        assert (views.xs("iris")["n_rows"].iloc[1:] < datasets.loc["iris", "n_rows"]).all()
        assert {k: v for k, v in db.all_meta().items() if k.startswith("build.")} == {
            "build.n_per_family": "1", "build.max_rows": "40", "build.cv": "2",
            "build.time_limit": "120.0"}
        # Each evaluation has one score per default metric of its task, no more, no less.
        with closing(sqlite3.connect(path)) as conn:
            per_pair = conn.execute(
                "SELECT d.task, COUNT(*) FROM scores s JOIN datasets d ON d.name = s.dataset "
                "GROUP BY s.dataset, s.config_id").fetchall()
        assert {(task, len(default_metrics(task))) for task in ("classification", "regression")} \
            == set(per_pair)


def test_a_rerun_is_a_noop(reference_copy):
    with MetaDB(reference_copy) as db:
        before = outcomes(reference_copy)
        changes = db._conn.total_changes  # every row SQLite wrote through this connection
        report = build(db, [IRIS, DIABETES], n_jobs=2, n_views=N_VIEWS, **PROTOCOL)
        assert (report.datasets, report.evaluated, report.remaining) == (2, 0, 0)
        # The same protocol spelt differently (an int time limit, a NumPy row cap) is the same.
        spelt_differently = dict(PROTOCOL, time_limit=int(PROTOCOL["time_limit"]),
                                 max_rows=np.int64(PROTOCOL["max_rows"]))
        report = build(db, [IRIS, DIABETES], n_jobs=2, n_views=N_VIEWS, **spelt_differently)
        assert (report.datasets, report.evaluated, report.remaining) == (2, 0, 0)
        # Nothing at all was written: no evaluation, no meta-feature, no metadata.
        assert db._conn.total_changes == changes
    pd.testing.assert_frame_equal(outcomes(reference_copy), before)


@pytest.mark.parametrize(("key", "value"), [("max_rows", 41), ("cv", 3), ("n_per_family", 2),
                                            ("time_limit", 60.0)])
def test_a_build_with_another_protocol_is_refused(reference_copy, key, value):
    with MetaDB(reference_copy) as db:
        meta = db.all_meta()
        with pytest.raises(ValueError, match=f"was built with {key}=.*this build asks for {value!r}"):
            build(db, [IRIS, DIABETES], n_views=N_VIEWS, **dict(PROTOCOL, **{key: value}))
        assert db.all_meta() == meta
        assert db.summary()["classification"]["evaluations"] == POOL_SIZE


def test_a_fractional_count_in_the_protocol_is_refused(tmp_path):
    with MetaDB(tmp_path / "new.sqlite", create=True) as db, pytest.raises(TypeError):
        build(db, [IRIS], **dict(PROTOCOL, max_rows=40.5))


def test_a_dataset_whose_content_changed_is_refused(reference_copy):
    impostor = BuildDataset("iris", "classification", "sklearn", load=_load_wine)
    with MetaDB(reference_copy) as db:
        with pytest.raises(MetaDBError, match="'iris' is already in .* with different content"):
            build(db, [impostor], n_views=N_VIEWS, **PROTOCOL)
        assert db.summary()["classification"]["evaluations"] == POOL_SIZE


def test_max_evaluations_stops_early_and_a_rerun_completes_it(reference, tmp_path):
    path = tmp_path / "partial.sqlite"
    with MetaDB(path, create=True) as db:
        first = build(db, [IRIS], max_evaluations=5, meta_features=False, chunk_size=4,
                      **PROTOCOL)
        # Whole chunks are evaluated, so "about 5" may be a few more, never the whole pool.
        assert 5 <= first.evaluated < POOL_SIZE
        assert first.remaining == POOL_SIZE - first.evaluated
        # The work goes in pool order, so what a partial build holds is a prefix of the pool:
        # every family's default first.
        ids = pool_ids(path, "classification")
        assert db.evaluated_pairs() == {("iris", cid) for cid in ids[:first.evaluated]}
        second = build(db, [IRIS], meta_features=False, **PROTOCOL)
        assert second.evaluated == POOL_SIZE - first.evaluated and second.remaining == 0
    pd.testing.assert_frame_equal(outcomes(path), outcomes(reference[0], "iris"), check_exact=True)


# --------------------------------------------------------------------------------------------
# Killed with SIGKILL, then resumed


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    # One thread per library: the machine may be shared, and trials pin their own threads anyway.
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


def count_evaluations(path: Path) -> int:
    """Evaluations committed so far, read as another process would while the build runs."""
    try:
        with closing(sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=5)) as conn:
            return conn.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0]
    except sqlite3.Error:  # not created yet, or its tables not yet committed
        return 0


def kill_process_tree(process: subprocess.Popen) -> list[psutil.Process]:
    """SIGKILL a process and everything it started; returns those still alive a minute later.

    The build's joblib workers share its process group, but each trial runs in a worker process
    with a session of its own (so that a timed-out trial's whole group can be killed); killing the
    build's group alone would orphan those. The group is stopped first so that nothing new is
    started while the tree is listed.
    """
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGSTOP)
    try:
        tree = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        tree = []
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    for child in tree:
        with suppress(psutil.NoSuchProcess):
            child.kill()
    process.wait(timeout=60)
    return psutil.wait_procs(tree, timeout=60)[1]


def build_command(db: Path, manifest: Path) -> list[str]:
    return [sys.executable, "-m", "metaautoml.cli", "db", "build", "--db", str(db),
            "--manifest", str(manifest), "--n-jobs", "2", "--no-meta-features",
            *(arg for key, value in PROTOCOL.items() for arg in (f"--{key.replace('_', '-')}", str(value)))]


def sklearn_manifest(folder: Path) -> Path:
    """The reference corpus as a manifest (the same sklearn loaders, the same names)."""
    return save_manifest([
        CorpusEntry(name="iris", source="sklearn", locator="load_iris", task="classification",
                    target="target"),
        CorpusEntry(name="diabetes", source="sklearn", locator="load_diabetes", task="regression",
                    target="target"),
    ], folder / "corpus.json")


@pytest.mark.slow
def test_a_build_killed_with_sigkill_resumes_to_the_uninterrupted_result(reference, tmp_path):
    db_path = tmp_path / "killed.sqlite"
    manifest = sklearn_manifest(tmp_path)
    command = build_command(db_path, manifest)
    total = BOTH_POOLS
    with open(tmp_path / "first.log", "wb") as log:
        first = subprocess.Popen(command, cwd=tmp_path, env=cli_env(), stdin=subprocess.DEVNULL,
                                 stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 400
        while (recorded := count_evaluations(db_path)) == 0:
            assert first.poll() is None, (tmp_path / "first.log").read_text()
            assert time.monotonic() < deadline, "no evaluation was recorded in 400 s"
            time.sleep(0.2)
        assert first.poll() is None, "the build finished before it could be killed"
    finally:
        survivors = kill_process_tree(first)
    assert first.returncode == -signal.SIGKILL
    assert survivors == []
    killed_at = count_evaluations(db_path)
    assert recorded <= killed_at < total, "the build was not interrupted"

    # The rerun does what `metaautoml db build` does, in this process: it spares a second start
    # of the interpreter and its workers, and the killed run was the real command.
    with MetaDB(db_path) as db:
        report = build(db, build_datasets(load_manifest(manifest)), n_jobs=2, meta_features=False,
                       **PROTOCOL)
    # The rerun evaluated exactly what the killed build had not committed.
    assert (report.datasets, report.evaluated, report.remaining) == (2, total - killed_at, 0)

    with closing(sqlite3.connect(db_path)) as conn:
        counts = conn.execute("SELECT COUNT(*), COUNT(DISTINCT dataset || '/' || config_id) "
                              "FROM evaluations").fetchone()
        orphan_scores = conn.execute(
            "SELECT COUNT(*) FROM scores s LEFT JOIN evaluations e ON e.dataset = s.dataset "
            "AND e.config_id = s.config_id WHERE e.dataset IS NULL").fetchone()[0]
    assert counts == (total, total)  # every pair once
    assert orphan_scores == 0
    reference_path = reference[0]
    with MetaDB(db_path, readonly=True) as resumed_db, MetaDB(reference_path, readonly=True) as ref:
        assert resumed_db.evaluated_pairs() == ref.evaluated_pairs()
        # The same data: the manifest's loaders and the reference's give the same prepared rows.
        pd.testing.assert_series_equal(resumed_db.datasets()["content_hash"], ref.datasets()["content_hash"])
        for metric in ("accuracy", "log_loss", "r2", "neg_mean_absolute_error"):
            pd.testing.assert_frame_equal(resumed_db.performance_matrix(metric),
                                          ref.performance_matrix(metric), check_exact=True)
    pd.testing.assert_frame_equal(outcomes(db_path), outcomes(reference_path), check_exact=True)


# --------------------------------------------------------------------------------------------
# dask.distributed


@pytest.mark.slow
def test_a_build_on_a_dask_cluster_gives_the_rows_of_the_joblib_build(reference, tmp_path):
    pytest.importorskip("dask.distributed")
    path = tmp_path / "dask.sqlite"
    with MetaDB(path, create=True) as db:
        # No scheduler address: the builder starts a LocalCluster of n_jobs worker processes.
        report = build(db, [IRIS], backend="dask", n_jobs=2, meta_features=False, **PROTOCOL)
    assert (report.evaluated, report.remaining) == (POOL_SIZE, 0)
    pd.testing.assert_frame_equal(outcomes(path), outcomes(reference[0], "iris"), check_exact=True)


@pytest.fixture
def dask_cluster(tmp_path):
    """A real ``dask scheduler`` and two ``dask worker`` processes (no nanny, so that SIGKILL
    takes a worker for good) on 127.0.0.1; yields the scheduler's address and the workers'
    processes by name."""
    pytest.importorskip("dask.distributed")
    scheduler_file = tmp_path / "scheduler.json"
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS="1")
    dask = [sys.executable, "-m", "dask"]
    processes = [subprocess.Popen(
        [*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(scheduler_file)], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 120
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert scheduler_file.exists(), "the dask scheduler did not start"
        workers = {}
        for name in ("wa", "wb"):
            processes.append(workers.setdefault(name, subprocess.Popen(
                [*dask, "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1",
                 "--no-nanny", "--no-dashboard", "--name", name, "--host", "127.0.0.1"],
                env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
        from dask.distributed import Client

        with Client(scheduler_file=str(scheduler_file), timeout=120) as client:
            client.wait_for_workers(2, timeout=120)
            yield client.scheduler.address, workers
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.mark.slow
def test_a_build_survives_a_dask_worker_killed_mid_build(reference, tmp_path, dask_cluster):
    from dask.distributed import Client

    address, worker_processes = dask_cluster
    path = tmp_path / "dask.sqlite"
    total = BOTH_POOLS
    built: dict = {}

    def run() -> None:
        try:
            with MetaDB(path, create=True) as db:
                built["report"] = build(db, [IRIS, DIABETES], backend="dask",
                                        scheduler=address, n_jobs=2, meta_features=False,
                                        chunk_size=2, **PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 -- re-raised below, in the test's thread
            built["error"] = exc

    builder = threading.Thread(target=run)
    builder.start()
    killed = None
    with Client(address, timeout=60) as client:
        deadline = time.monotonic() + 300
        while killed is None and builder.is_alive() and time.monotonic() < deadline:
            processing = client.processing()
            workers = client.scheduler_info()["workers"]
            # Once some chunk is committed, kill a worker that is running one.
            if path.exists() and _count_evaluations(path) > 0:
                busy = [info for address, info in workers.items() if processing.get(address)]
                if busy:
                    killed = busy[0]["name"]
                    worker_processes[killed].send_signal(signal.SIGKILL)
            time.sleep(0.1)
    builder.join(timeout=600)
    assert not builder.is_alive()
    if "error" in built:
        raise built["error"]
    assert killed is not None, "no worker was busy after the first commit"
    report = built["report"]
    assert (report.evaluated, report.remaining) == (total, 0)
    counts = _evaluation_counts(path)
    assert counts == (total, total)  # none lost, none twice
    # Cell for cell the uninterrupted joblib build's (the unloadable dataset has no rows there).
    pd.testing.assert_frame_equal(outcomes(path), outcomes(reference[0]), check_exact=True)


def _evaluation_counts(path: Path) -> tuple[int, int]:
    """Evaluations recorded, and distinct (dataset, configuration) cells among them."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT COUNT(*), COUNT(DISTINCT dataset || '/' || config_id) "
                            "FROM evaluations").fetchone()


def _count_evaluations(path: Path) -> int:
    with suppress(sqlite3.OperationalError), closing(sqlite3.connect(f"file:{path}?mode=ro",
                                                                     uri=True)) as conn:
        return conn.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0]
    return 0


def test_an_unknown_backend_is_refused(tmp_path):
    with MetaDB(tmp_path / "new.sqlite", create=True) as db, pytest.raises(ValueError, match="backend"):
        build(db, [IRIS], backend="spark", meta_features=False, **PROTOCOL)


# A second fidelity


def test_a_second_fidelity_evaluates_the_pools_first_configurations_on_more_rows(reference_copy):
    unknown = BuildDataset("wine", "classification", "sklearn", load=_load_wine)
    with MetaDB(reference_copy) as db:
        base = outcomes(reference_copy)
        first = build_fidelity(db, [IRIS, DIABETES, unknown], max_rows=100, n_configs=7,
                               n_jobs=2, chunk_size=7)
        assert (first.datasets, first.evaluated, first.remaining) == (2, 14, 0)
        assert first.skipped == ["wine"]  # not built at the base size
        assert db.fidelities() == {100: {"datasets": 2, "configurations": 14, "evaluations": 14}}
        for task, name in (("classification", "iris"), ("regression", "diabetes")):
            defaults = list(db.configurations(task).index[:7])  # every family's default
            metric = "accuracy" if task == "classification" else "r2"
            matrix = db.fidelity_performance_matrix(metric, 100, task)
            assert list(matrix.index) == [name] and list(matrix.columns) == defaults
            assert matrix.notna().all(axis=None)
        # Resumable, the base matrix untouched, the protocol held.
        assert build_fidelity(db, [IRIS, DIABETES], max_rows=100, n_configs=7).evaluated == 0
        pd.testing.assert_frame_equal(outcomes(reference_copy), base)
        with pytest.raises(ValueError, match="holds the 100-row fidelity of 7 configurations"):
            build_fidelity(db, [IRIS], max_rows=100, n_configs=14)
        with pytest.raises(ValueError, match="more rows than the build's max_rows=40"):
            build_fidelity(db, [IRIS], max_rows=40)
        # Tables smaller than the fidelity have none.
        assert build_fidelity(db, [IRIS], max_rows=200, n_configs=7).datasets == 0


def test_a_second_fidelity_needs_a_base_build(tmp_path):
    with MetaDB(tmp_path / "empty.sqlite", create=True) as db, \
            pytest.raises(ValueError, match="no build protocol yet"):
        build_fidelity(db, [IRIS])


def test_sized_defaults_evaluate_each_row_relative_default_on_the_datasets_own_rows(reference_copy):
    unknown = BuildDataset("wine", "classification", "sklearn", load=_load_wine)
    with MetaDB(reference_copy) as db:
        base = outcomes(reference_copy)
        report = build_sized_defaults(db, [IRIS, DIABETES, unknown], n_jobs=2)
        # HistGradientBoosting's and k-NN's defaults: once on iris, with each of the three
        # target transforms on diabetes; the other families' defaults mean the same everywhere.
        assert (report.datasets, report.evaluated, report.remaining) == (2, 8, 0)
        assert report.skipped == ["wine"]
        for task, name, n_columns in (("classification", "iris", 2), ("regression", "diabetes", 6)):
            space, configs = get_space(task), db.configurations(task)["config"]
            n_rows = int(db.datasets().loc[name, "n_rows"])  # as prepared: at most 40
            matrix = db.sized_default_matrix("accuracy" if task == "classification" else "r2", task)
            assert list(matrix.index) == [name] and matrix.shape[1] == n_columns
            assert matrix.notna().all(axis=None)
            for config_id in matrix.columns:
                assert space.sized_default(configs[config_id], n_rows) != configs[config_id]
            stored = dict(db._conn.execute(
                "SELECT config_id, params FROM sized_default_evaluations WHERE dataset=?", (name,)))
            assert {c: json.loads(p) for c, p in stored.items()} == {
                c: space.sized_default(configs[c], n_rows) for c in matrix.columns}
            # The training set's default columns hold them; the pool's scores without.
            sized = MetaTrainingSet.from_metadb(db, task)
            plain = MetaTrainingSet.from_metadb(db, task, sized_defaults=False)
            assert sized.sized_defaults == list(matrix.columns) and plain.sized_defaults == []
            for j, config_id in enumerate(sized.config_ids):
                expected = (matrix.loc[name, config_id] if config_id in sized.sized_defaults
                            else plain.scores[0, j])
                assert sized.scores[0, j] == expected
        # Resumable, and the base matrix untouched.
        assert build_sized_defaults(db, [IRIS, DIABETES]).evaluated == 0
        pd.testing.assert_frame_equal(outcomes(reference_copy), base)


def test_sized_defaults_need_a_base_build(tmp_path):
    with MetaDB(tmp_path / "empty.sqlite", create=True) as db, \
            pytest.raises(ValueError, match="no build protocol yet"):
        build_sized_defaults(db, [IRIS])


def test_chunks_a_lost_worker_left_run_again(reference, tmp_path, monkeypatch, caplog):
    """A worker lost mid-build (the executor gives up on its chunk: loky's pool broken, dask's
    future cancelled) costs a resubmission of the unrecorded chunks, not the build."""
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    from metaautoml.metadb import _builder

    real = _builder.Parallel
    calls = []

    class LosesAWorkerOnce:
        def __init__(self, **kwargs):
            self.parallel = real(**kwargs)

        def __call__(self, jobs):
            calls.append(1)
            results = self.parallel(jobs)
            if len(calls) > 1:
                return results

            def lose_after_the_first():
                yield next(iter(results))
                raise TerminatedWorkerError("A worker process was killed (SIGKILL)")
            return lose_after_the_first()

    monkeypatch.setattr(_builder, "Parallel", LosesAWorkerOnce)
    path = tmp_path / "lost.sqlite"
    with caplog.at_level("WARNING", logger=_builder.__name__), MetaDB(path, create=True) as db:
        report = build(db, [IRIS, DIABETES], n_jobs=1, meta_features=False, chunk_size=4,
                       **PROTOCOL)
    assert len(calls) == 2
    assert "a build worker was lost (TerminatedWorkerError" in caplog.text
    assert (report.evaluated, report.remaining) == (BOTH_POOLS, 0)
    counts = _evaluation_counts(path)
    assert counts == (BOTH_POOLS, BOTH_POOLS)  # none lost, none twice
    pd.testing.assert_frame_equal(outcomes(path), outcomes(reference[0]), check_exact=True)


def test_a_worker_lost_on_every_attempt_fails_the_build(tmp_path, monkeypatch):
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    from metaautoml.metadb import _builder

    class AlwaysLoses:
        def __init__(self, **kwargs):
            pass

        def __call__(self, jobs):
            raise TerminatedWorkerError("A worker process was killed (SIGKILL)")

    monkeypatch.setattr(_builder, "Parallel", AlwaysLoses)
    with MetaDB(tmp_path / "lost.sqlite", create=True) as db, pytest.raises(TerminatedWorkerError):
        build(db, [IRIS], n_jobs=1, meta_features=False, **PROTOCOL)
