"""Tests of the meta-database store (:class:`metaautoml.metadb.MetaDB`).

Everything here is written by hand through the public API, so these tests evaluate no model:
what is stored is known exactly, and every read can be checked against it. The builder and the
command line have their own modules.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metaautoml.evaluation import TrialResult
from metaautoml.metadb import SCHEMA_VERSION, MetaDB, MetaDBError, configuration_pool
from metaautoml.metadb._schema import APPLICATION_ID
from metaautoml.space import families_for, get_space
from metaautoml.task import TASKS

# The tables every export writes, with their primary keys (rows are compared in key order:
# SQLite promises no row order without ORDER BY).
TABLE_KEYS = {
    "datasets": ["name"],
    "meta_features": ["dataset", "view", "name"],
    "configurations": ["config_id"],
    "evaluations": ["dataset", "config_id"],
    "scores": ["dataset", "config_id", "metric"],
    "fidelity_evaluations": ["dataset", "config_id", "max_rows"],
    "fidelity_scores": ["dataset", "config_id", "max_rows", "metric"],
    "sized_default_evaluations": ["dataset", "config_id"],
    "sized_default_scores": ["dataset", "config_id", "metric"],
}
CLASSIFICATION_POOL = configuration_pool("classification", n_per_family=1)
REGRESSION_POOL = configuration_pool("regression", n_per_family=1)
#: One default per model family of each task type, first in the pool.
N_DEFAULTS = {task: len(families_for(task)) for task in TASKS}


def add_dataset(db: MetaDB, name: str, task: str = "classification", content_hash: str | None = None,
                **fields) -> None:
    values = dict(source="test", n_rows_original=100, n_rows=80, n_features=4,
                  n_classes=3 if task == "classification" else None,
                  content_hash=content_hash or f"hash-of-{name}")
    values.update(fields)
    db.add_dataset(name, task=task, **values)


def complete(**scores: float) -> TrialResult:
    return TrialResult("complete", scores=dict(scores), fit_time=0.5, duration=0.75)


@pytest.fixture
def filled(tmp_path) -> tuple[MetaDB, dict]:
    """A meta-database with two classification datasets and one regression dataset, evaluations in
    all three states, a NaN score, and meta-features with a different number of views per dataset.

    Returns the open database and the config ids of both pools.
    """
    db = MetaDB(tmp_path / "filled.sqlite", create=True)
    add_dataset(db, "alpha", group="greek", licence="CC0", citation="Alpha et al.", openml_id=61)
    add_dataset(db, "beta", n_classes=2)
    add_dataset(db, "rho", task="regression")
    ids = {"classification": db.add_configurations("classification", CLASSIFICATION_POOL,
                                                   n_defaults=N_DEFAULTS["classification"]),
           "regression": db.add_configurations("regression", REGRESSION_POOL,
                                               n_defaults=N_DEFAULTS["regression"])}
    c, r = ids["classification"], ids["regression"]
    db.record_evaluations("alpha", [
        (c[0], complete(accuracy=0.9, balanced_accuracy=0.85, log_loss=-0.3, roc_auc=float("nan"))),
        (c[1], TrialResult("failed", error="ValueError: boom", duration=0.1)),
        (c[2], TrialResult("timeout", error="exceeded the per-trial time limit", duration=20.0)),
        (c[3], complete(accuracy=0.7, balanced_accuracy=0.6, log_loss=-0.8, roc_auc=0.75)),
    ])
    db.record_evaluations("beta", [(c[0], complete(accuracy=0.5, balanced_accuracy=0.5,
                                                   log_loss=-0.69, roc_auc=0.5))])
    db.record_evaluations("rho", [(r[0], complete(r2=0.4, neg_root_mean_squared_error=-2.0,
                                                  neg_mean_absolute_error=-1.5))])
    # A second fidelity: alpha's first two configurations on up to 5,000 rows.
    db.record_fidelity_evaluations("alpha", 5000, [
        (c[0], complete(accuracy=0.95, balanced_accuracy=0.9, log_loss=-0.2, roc_auc=0.97)),
        (c[1], TrialResult("timeout", error="exceeded the per-trial time limit", duration=200.0)),
    ])
    # HistGradientBoosting's default sized for alpha's 80 rows (a leaf fraction of 20/80, clipped).
    db.record_sized_default_evaluations("alpha", [
        (c[0], get_space("classification").sized_default(CLASSIFICATION_POOL[0], 80),
         complete(accuracy=0.92, balanced_accuracy=0.88, log_loss=-0.25, roc_auc=0.9))])
    # Names deliberately not in alphabetical order: the store keeps the extractor's order.
    db.set_meta_features("alpha", [pd.Series({"n_rows": 80.0, "entropy": 1.5, "skew": np.nan}),
                                   pd.Series({"n_rows": 50.0, "entropy": 1.4, "skew": 0.1}),
                                   pd.Series({"n_rows": 60.0, "entropy": 1.3, "skew": 0.2})], "1.0")
    db.set_meta_features("beta", pd.Series({"n_rows": 80.0, "entropy": 1.0, "skew": 0.0}), "1.0")
    db.set_meta_features("rho", [pd.Series({"n_rows": 80.0, "entropy": np.inf, "skew": 3.0}),
                                 pd.Series({"n_rows": 40.0, "entropy": 2.0, "skew": 2.5})], "1.0")
    db.set_meta("build.max_rows", "1000")
    yield db, ids
    db.close()


def read_table(db_path: Path, table: str) -> pd.DataFrame:
    """One table of a database file, in primary-key order."""
    with closing(sqlite3.connect(db_path)) as conn:
        frame = pd.read_sql_query(f"SELECT * FROM {table}", conn)
    return frame.sort_values(TABLE_KEYS[table], ignore_index=True)


def directory_listing(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` with its content, to prove a failed call changed nothing."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------------------------
# Creating and opening


def test_create_makes_parent_directories_and_stamps_the_file(tmp_path):
    path = tmp_path / "new" / "dir" / "meta.sqlite"
    with MetaDB(path, create=True) as db:
        assert db.get_meta("schema_version") == str(SCHEMA_VERSION)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    with MetaDB(path) as reopened:  # no create needed once it exists
        assert reopened.all_meta() == {"schema_version": str(SCHEMA_VERSION)}
        assert reopened.datasets().empty and reopened.evaluations().empty


@pytest.mark.parametrize("kwargs", [{}, {"readonly": True}, {"create": True, "readonly": True}])
def test_a_missing_file_is_not_silently_created(tmp_path, kwargs):
    path = tmp_path / "typo.sqlite"
    with pytest.raises(FileNotFoundError, match="typo.sqlite.*does not exist"):
        MetaDB(path, **kwargs)
    assert not path.exists()


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(MetaDBError, match="is a directory"):
        MetaDB(tmp_path, create=True)


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is a CSV file, honest\n" * 200)


def _truncated(path: Path) -> None:
    with MetaDB(path.with_name("whole.sqlite"), create=True) as db:
        add_dataset(db, "alpha")
    path.write_bytes(path.with_name("whole.sqlite").read_bytes()[:1500])
    path.with_name("whole.sqlite").unlink()


def _foreign(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE songs (title TEXT, artist TEXT)")
        conn.execute("INSERT INTO songs VALUES ('Blue Monday', 'New Order')")
    conn.close()


def _foreign_with_a_meta_table(path: Path) -> None:
    # Another application may well have a table called "meta"; the application id tells it apart.
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.close()


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _empty_with_header(path: Path) -> None:
    with sqlite3.connect(path) as conn:  # a valid SQLite file without a single table
        conn.execute("PRAGMA user_version = 7")
    conn.close()


def _other_schema_version(path: Path) -> None:
    with MetaDB(path, create=True) as db:
        add_dataset(db, "alpha")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    conn.close()


UNUSABLE_FILES = {
    "garbage": (_garbage, "is not a metaautoml meta-database"),
    "truncated": (_truncated, "is not a metaautoml meta-database"),
    "foreign": (_foreign, "SQLite file of another application"),
    "foreign-with-meta-table": (_foreign_with_a_meta_table, "SQLite file of another application"),
    "empty": (_empty, "is an empty SQLite file"),
    "empty-with-header": (_empty_with_header, "is an empty SQLite file"),
    "other-schema-version": (_other_schema_version,
                             f"has schema version {SCHEMA_VERSION + 1}; this metaautoml reads "
                             f"version {SCHEMA_VERSION}"),
}


@pytest.mark.parametrize("kind", UNUSABLE_FILES)
@pytest.mark.parametrize("mode", ["read-write", "read-only"])
def test_an_unusable_file_raises_a_clear_error_and_is_left_untouched(tmp_path, kind, mode):
    make, message = UNUSABLE_FILES[kind]
    folder = tmp_path / "dbs"
    folder.mkdir()
    path = folder / "suspect.sqlite"
    make(path)
    before = directory_listing(folder)
    with pytest.raises(MetaDBError) as caught:
        MetaDB(path, readonly=mode == "read-only")
    assert message in str(caught.value)
    assert "suspect.sqlite" in str(caught.value)  # which file it is about
    assert "\n" not in str(caught.value)  # one line, as the command line prints it
    # create=True must not "repair" someone else's file into an empty meta-database either
    # (only an empty file, which holds nothing to lose, may be turned into one).
    if mode == "read-write" and not kind.startswith("empty"):
        with pytest.raises(MetaDBError, match=re.escape(message)):
            MetaDB(path, create=True)
        assert directory_listing(folder) == before
    else:
        # A read-only connection to a file whose header says WAL may leave empty -wal/-shm
        # files beside it (SQLite needs them to read through the log); the file itself is kept.
        assert path.read_bytes() == before["suspect.sqlite"]


def test_a_newer_schema_error_says_how_to_get_the_data_across(tmp_path):
    path = tmp_path / "newer.sqlite"
    _other_schema_version(path)
    with pytest.raises(MetaDBError, match="export it with the metaautoml that wrote it"):
        MetaDB(path)


# --------------------------------------------------------------------------------------------
# Datasets, configurations, evaluations


def test_reregistering_a_dataset_is_a_noop_but_different_content_is_refused(filled):
    db, _ = filled
    before = db.datasets()
    add_dataset(db, "alpha", group="greek", licence="CC0", citation="Alpha et al.", openml_id=61)
    pd.testing.assert_frame_equal(db.datasets(), before)
    with pytest.raises(MetaDBError, match="'alpha' is already in .* with different content"):
        add_dataset(db, "alpha", content_hash="another-hash")
    pd.testing.assert_frame_equal(db.datasets(), before)


def test_datasets_table_holds_what_was_registered(filled):
    db, _ = filled
    frame = db.datasets()
    assert list(frame.index) == ["alpha", "beta", "rho"]
    assert frame.loc["alpha", "group"] == "greek"
    assert frame.loc["beta", "group"] == "beta"  # a dataset is its own group by default
    assert frame.loc["alpha", "openml_id"] == 61 and pd.isna(frame.loc["beta", "openml_id"])
    assert pd.isna(frame.loc["rho", "n_classes"]) and frame.loc["beta", "n_classes"] == 2
    assert list(db.datasets("regression").index) == ["rho"]


def test_add_configurations_is_idempotent(filled):
    db, ids = filled
    before = db.configurations("classification")
    n_defaults = N_DEFAULTS["classification"]
    assert db.add_configurations("classification", CLASSIFICATION_POOL, n_defaults=n_defaults) \
        == ids["classification"]
    # A prefix of the stored pool is the same pool too (a smaller build on a bigger database).
    assert db.add_configurations("classification", CLASSIFICATION_POOL[:3]) == ids["classification"][:3]
    pd.testing.assert_frame_equal(db.configurations("classification"), before)
    assert list(before.index) == ids["classification"]
    assert before["config"].tolist() == CLASSIFICATION_POOL
    assert before["is_default"].tolist() == [True] * n_defaults + [False] * (len(ids["classification"]) - n_defaults)
    assert set(before["family"]) == {c["family"] for c in CLASSIFICATION_POOL}


def test_a_changed_pool_is_refused_and_nothing_of_it_is_written(filled):
    db, _ = filled
    before = db.configurations("classification")
    # Longer than the stored pool, with a difference in the middle: the new tail must not be
    # stored either (one transaction).
    bigger = configuration_pool("classification", n_per_family=3)
    changed = bigger[:5] + [bigger[6]] + bigger[5:6] + bigger[7:]
    with pytest.raises(MetaDBError, match="differs at position 5.*cannot change once built"):
        db.add_configurations("classification", changed)
    pd.testing.assert_frame_equal(db.configurations("classification"), before)


def test_a_configuration_outside_the_space_is_refused(filled):
    db, _ = filled
    with pytest.raises(ValueError, match="no_such_parameter"):
        db.add_configurations("regression", [{**REGRESSION_POOL[0], "no_such_parameter": 1}])


def test_record_evaluations_never_duplicates(filled):
    db, ids = filled
    c = ids["classification"]
    before = db.evaluations()
    # The same pair again, with a different outcome: the first record stands.
    assert db.record_evaluations("alpha", [(c[0], complete(accuracy=0.1)),
                                           (c[1], complete(accuracy=0.2))]) == 0
    pd.testing.assert_frame_equal(db.evaluations(), before)
    # New pairs mixed with known ones: only the new ones count and are stored.
    assert db.record_evaluations("alpha", [(c[0], complete(accuracy=0.1)),
                                           (c[4], complete(accuracy=0.6))]) == 1
    with sqlite3.connect(db.path) as conn:
        duplicates = conn.execute("SELECT dataset, config_id FROM evaluations GROUP BY dataset, "
                                  "config_id HAVING COUNT(*) > 1").fetchall()
        n_alpha_scores = conn.execute("SELECT COUNT(*) FROM scores WHERE dataset='alpha'").fetchone()[0]
    conn.close()
    assert duplicates == []
    assert n_alpha_scores == 4 + 4 + 1  # c[0] and c[3] four metrics each, c[4] one
    assert db.evaluated_pairs("classification") == {
        ("alpha", c[0]), ("alpha", c[1]), ("alpha", c[2]), ("alpha", c[3]), ("alpha", c[4]),
        ("beta", c[0])}


def test_evaluations_long_table(filled):
    db, ids = filled
    frame = db.evaluations("classification").set_index(["dataset", "config_id"])
    c = ids["classification"]
    assert len(frame) == 5
    assert frame.loc[("alpha", c[1]), "state"] == "failed"
    assert frame.loc[("alpha", c[1]), "error"] == "ValueError: boom"
    assert frame.loc[("alpha", c[2]), "state"] == "timeout"
    assert frame.loc[("alpha", c[0]), "accuracy"] == 0.9
    assert np.isnan(frame.loc[("alpha", c[0]), "roc_auc"])  # a NaN score is kept as missing
    assert "r2" not in frame.columns
    assert db.evaluations("regression")["r2"].tolist() == [0.4]


def test_performance_matrix_has_nan_for_failed_timed_out_and_missing_runs(filled):
    db, ids = filled
    c = ids["classification"]
    matrix = db.performance_matrix("accuracy")
    assert matrix.shape == (2, len(CLASSIFICATION_POOL))
    assert list(matrix.index) == ["alpha", "beta"] and list(matrix.columns) == c  # pool order
    assert matrix.loc["alpha", c[0]] == 0.9 and matrix.loc["alpha", c[3]] == 0.7
    assert matrix.loc["beta", c[0]] == 0.5
    assert matrix.loc["alpha", [c[1], c[2]]].isna().all()  # failed, timeout
    assert matrix.notna().sum().sum() == 3  # everything else was never evaluated
    # Losses are stored negated, so greater is better everywhere.
    assert db.performance_matrix("log_loss").loc["alpha", c[0]] == -0.3
    regression = db.performance_matrix("neg_mean_absolute_error")
    assert regression.shape == (1, len(REGRESSION_POOL))
    assert regression.loc["rho", ids["regression"][0]] == -1.5
    assert regression.dtypes.eq(np.float64).all()


def test_performance_matrix_rejects_an_unknown_metric(filled):
    db, _ = filled
    with pytest.raises(ValueError, match="unknown metric 'precision'"):
        db.performance_matrix("precision")


def test_performance_matrix_of_an_empty_database(tmp_path):
    with MetaDB(tmp_path / "empty.sqlite", create=True) as db:
        db.add_configurations("regression", REGRESSION_POOL)
        assert db.performance_matrix("r2").shape == (0, len(REGRESSION_POOL))


def test_meta_features_keep_views_order_and_missing_values(filled):
    db, _ = filled
    view0 = db.meta_features()
    assert list(view0.index) == ["alpha", "beta", "rho"]
    assert list(view0.columns) == ["n_rows", "entropy", "skew"]  # as given, not sorted
    assert np.isnan(view0.loc["alpha", "skew"])
    assert np.isnan(view0.loc["rho", "entropy"])  # a non-finite value is stored as missing
    assert view0.loc["beta", "entropy"] == 1.0
    views = db.meta_features(views=True)
    # alpha has 3 views, beta 1, rho 2: no view is invented for a dataset that lacks it.
    assert list(views.index) == [("alpha", 0), ("alpha", 1), ("alpha", 2), ("beta", 0),
                                 ("rho", 0), ("rho", 1)]
    assert views.loc[("alpha", 2), "n_rows"] == 60.0
    pd.testing.assert_frame_equal(views.xs(0, level="view"), view0)
    assert list(db.meta_features("regression", views=True).index) == [("rho", 0), ("rho", 1)]
    assert db.meta_features_version() == {"1.0"}


def test_set_meta_features_replaces_every_view(filled):
    db, _ = filled
    db.set_meta_features("alpha", pd.Series({"n_rows": 81.0, "entropy": 1.6, "skew": 0.0}), "1.1")
    views = db.meta_features(views=True)
    assert views.loc["alpha"].index.tolist() == [0]
    assert views.loc[("alpha", 0), "n_rows"] == 81.0
    assert db.meta_features_version() == {"1.0", "1.1"}


def test_summary_counts(filled):
    db, _ = filled
    summary = db.summary()
    assert summary["schema_version"] == SCHEMA_VERSION
    assert summary["meta_features_version"] == ["1.0"]
    n = len(CLASSIFICATION_POOL)
    assert summary["classification"] == {
        "datasets": 2, "datasets_with_meta_features": 2, "configurations": n, "evaluations": 5,
        "complete": 3, "failed": 1, "timeout": 1, "matrix_filled": 5 / (2 * n)}
    assert summary["regression"]["evaluations"] == 1
    assert summary["regression"]["matrix_filled"] == 1 / len(REGRESSION_POOL)


def test_metadata(filled):
    db, _ = filled
    assert db.get_meta("build.max_rows") == "1000"
    assert db.get_meta("nothing") is None and db.get_meta("nothing", "x") == "x"
    db.set_meta("note", 3)
    assert db.all_meta() == {"build.max_rows": "1000", "note": "3",
                             "schema_version": str(SCHEMA_VERSION)}


# --------------------------------------------------------------------------------------------
# Read-only access, snapshots, compaction


def test_read_only_cannot_write(filled):
    db, ids = filled
    db.close()
    before = db.path.read_bytes()
    with MetaDB(db.path, readonly=True) as readonly:
        # Re-registering identical data is a no-op, so it needs no write access.
        add_dataset(readonly, "beta", n_classes=2)
        writes = {
            "set_meta": lambda: readonly.set_meta("k", "v"),
            "add_dataset": lambda: add_dataset(readonly, "gamma"),
            "set_meta_features": lambda: readonly.set_meta_features("beta", pd.Series({"a": 1.0}), "1"),
            "add_configurations": lambda: readonly.add_configurations("regression",
                                                                      configuration_pool("regression", 2)),
            "record_evaluations": lambda: readonly.record_evaluations(
                "beta", [(ids["classification"][5], complete(accuracy=1.0))]),
            "compact": readonly.compact,
        }
        for name, write in writes.items():
            with pytest.raises(PermissionError, match="open read-only"):
                write()
            assert readonly.summary()["classification"]["evaluations"] == 5, name
        # Even below the API, the connection itself refuses to write.
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            readonly._conn.execute("DELETE FROM evaluations")
        assert readonly.performance_matrix("accuracy").notna().sum().sum() == 3
    assert db.path.read_bytes() == before


@pytest.mark.parametrize("name", ["with space.sqlite", "hash#tag.sqlite", "percent%41.sqlite",
                                  "question?.sqlite"])
def test_read_only_open_of_a_path_with_uri_characters(tmp_path, name):
    # The read-only connection goes through an SQLite URI; the path must reach it unaltered.
    with MetaDB(tmp_path / name, create=True) as db:
        add_dataset(db, "alpha")
    with MetaDB(tmp_path / name, readonly=True) as readonly:
        assert list(readonly.datasets().index) == ["alpha"]


def test_snapshot_while_the_source_is_being_written(filled, tmp_path):
    db, ids = filled
    # A second writer holds an open transaction, as a build does between chunks: the snapshot
    # must hold the committed state only.
    writer = sqlite3.connect(db.path, timeout=10, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO meta VALUES ('uncommitted', 'yes')")
    (tmp_path / "snapshots").mkdir()
    snapshot = db.snapshot(tmp_path / "snapshots" / "snap.sqlite")
    writer.execute("ROLLBACK")
    writer.close()
    assert snapshot == tmp_path / "snapshots" / "snap.sqlite"
    # Self-contained: the file alone, moved elsewhere, is the whole database.
    assert sorted(os.listdir(tmp_path / "snapshots")) == ["snap.sqlite"]
    alone = tmp_path / "elsewhere" / "copy.sqlite"
    alone.parent.mkdir()
    shutil.copyfile(snapshot, alone)
    with MetaDB(alone, readonly=True) as copy:
        assert copy.get_meta("uncommitted") is None
        pd.testing.assert_frame_equal(copy.evaluations(), db.evaluations())
        pd.testing.assert_frame_equal(copy.meta_features(views=True), db.meta_features(views=True))
        pd.testing.assert_frame_equal(copy.performance_matrix("accuracy"), db.performance_matrix("accuracy"))
        assert copy.all_meta() == db.all_meta()
    # Reading it read-only wrote nothing beside it (no -wal or -shm).
    assert sorted(os.listdir(alone.parent)) == ["copy.sqlite"]
    # The source goes on being written; the snapshot does not follow, and a new one replaces it.
    db.record_evaluations("beta", [(ids["classification"][1], complete(accuracy=0.4))])
    with MetaDB(snapshot, readonly=True) as old:
        assert old.summary()["classification"]["evaluations"] == 5
    db.snapshot(snapshot)
    with MetaDB(snapshot, readonly=True) as new:
        assert new.summary()["classification"]["evaluations"] == 6
    assert sorted(os.listdir(tmp_path / "snapshots")) == ["snap.sqlite"]


def test_compact_leaves_one_self_contained_file(filled, tmp_path):
    db, _ = filled
    expected = db.evaluations()
    db.compact()
    db.close()
    assert not Path(f"{db.path}-wal").exists()
    moved = tmp_path / "moved" / "compact.sqlite"
    moved.parent.mkdir()
    shutil.copyfile(db.path, moved)
    with MetaDB(moved, readonly=True) as copy:
        pd.testing.assert_frame_equal(copy.evaluations(), expected)


# --------------------------------------------------------------------------------------------
# Parquet exchange


def test_export_import_round_trip_gives_identical_tables(filled, tmp_path):
    db, _ = filled
    exported = db.export(tmp_path / "exported")
    assert sorted(p.name for p in exported.iterdir()) == sorted(
        [f"{t}.parquet" for t in TABLE_KEYS] + ["meta.json"])
    imported_path = tmp_path / "imported" / "copy.sqlite"
    imported_path.parent.mkdir()
    with MetaDB.import_(exported, imported_path) as imported:
        for table in TABLE_KEYS:
            pd.testing.assert_frame_equal(read_table(imported_path, table), read_table(db.path, table),
                                          obj=table)
        # The build protocol comes along, so a build on the copy is held to it.
        assert imported.all_meta() == db.all_meta()
        pd.testing.assert_frame_equal(imported.performance_matrix("accuracy"),
                                      db.performance_matrix("accuracy"))
        pd.testing.assert_frame_equal(imported.meta_features(views=True), db.meta_features(views=True))
    assert sorted(os.listdir(imported_path.parent)) == ["copy.sqlite"]
    # And the copy exports to the same Parquet tables.
    again = MetaDB(imported_path, readonly=True)
    again.export(tmp_path / "exported-again")
    again.close()
    for table in TABLE_KEYS:
        first = pd.read_parquet(exported / f"{table}.parquet").sort_values(TABLE_KEYS[table], ignore_index=True)
        second = pd.read_parquet(tmp_path / "exported-again" / f"{table}.parquet").sort_values(
            TABLE_KEYS[table], ignore_index=True)
        pd.testing.assert_frame_equal(first, second, obj=table)


def test_export_replaces_an_earlier_export(filled, tmp_path):
    db, ids = filled
    target = db.export(tmp_path / "exported")
    db.record_evaluations("beta", [(ids["classification"][1], complete(accuracy=0.4))])
    db.export(target)
    assert len(pd.read_parquet(target / "evaluations.parquet")) == 7
    assert json.loads((target / "meta.json").read_text())["schema_version"] == str(SCHEMA_VERSION)
    assert not [p for p in tmp_path.iterdir() if p.name not in ("exported", "filled.sqlite")
                and not p.name.startswith("filled.sqlite-")]  # no temporary directory left


def _unknown_dataset(folder: Path) -> None:
    frame = pd.read_parquet(folder / "evaluations.parquet")
    frame.loc[0, "dataset"] = "nobody-knows-me"
    frame.to_parquet(folder / "evaluations.parquet")


def _unknown_configuration(folder: Path) -> None:
    frame = pd.read_parquet(folder / "evaluations.parquet")
    frame.loc[0, "config_id"] = "0123456789abcdef"
    frame.to_parquet(folder / "evaluations.parquet")


def _configuration_outside_the_space(folder: Path) -> None:
    frame = pd.read_parquet(folder / "configurations.parquet")
    config = json.loads(frame.loc[0, "params"])
    frame.loc[0, "params"] = json.dumps({**config, "family": "quantum_forest"})
    frame.to_parquet(folder / "configurations.parquet")


def _missing_table(folder: Path) -> None:
    (folder / "datasets.parquet").unlink()


def _datasets_without_columns(folder: Path) -> None:
    pd.read_parquet(folder / "datasets.parquet").drop(columns=["n_rows"]).to_parquet(
        folder / "datasets.parquet")


def _meta_json_not_an_object(folder: Path) -> None:
    (folder / "meta.json").write_text("[1, 2]")


BAD_EXPORTS = {
    "unknown-dataset": (_unknown_dataset, MetaDBError, "missing from datasets.parquet: \\['nobody-knows-me'\\]"),
    "unknown-configuration": (_unknown_configuration, MetaDBError,
                              "missing from configurations.parquet: \\['0123456789abcdef'\\]"),
    "outside-the-space": (_configuration_outside_the_space, MetaDBError, "outside the search space"),
    "missing-table": (_missing_table, FileNotFoundError, "lacks datasets.parquet"),
    "missing-columns": (_datasets_without_columns, MetaDBError, "lacks columns \\['n_rows'\\]"),
    "bad-meta-json": (_meta_json_not_an_object, MetaDBError, "meta.json must be a JSON object"),
}


@pytest.mark.parametrize("kind", BAD_EXPORTS)
def test_a_failed_import_leaves_nothing_at_the_target(filled, tmp_path, kind):
    db, _ = filled
    spoil, error, message = BAD_EXPORTS[kind]
    exported = db.export(tmp_path / "exported")
    spoil(exported)
    target_dir = tmp_path / "target"
    target_dir.mkdir()
    with pytest.raises(error, match=message):
        MetaDB.import_(exported, target_dir / "copy.sqlite")
    assert list(target_dir.iterdir()) == []  # no database, no .importing, -wal or -shm file


def test_import_refuses_to_overwrite(filled, tmp_path):
    db, _ = filled
    exported = db.export(tmp_path / "exported")
    existing = tmp_path / "existing.sqlite"
    existing.write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="import into a new file"):
        MetaDB.import_(exported, existing)
    assert existing.read_bytes() == b"precious"


def test_remove_datasets_takes_every_row_of_them_and_nothing_else(filled):
    db, ids = filled
    before = {table: read_table(db.path, table) for table in ("evaluations", "scores", "meta_features")}
    with pytest.raises(MetaDBError, match="no dataset 'gamma'"):
        db.remove_datasets(["alpha", "gamma"])
    assert set(db.datasets().index) == {"alpha", "beta", "rho"}  # nothing removed
    assert db.remove_datasets(["alpha", "alpha"]) == 1
    assert set(db.datasets().index) == {"beta", "rho"}
    for table, frame in before.items():
        after = read_table(db.path, table)
        assert "alpha" not in set(after["dataset"])
        kept = frame[frame["dataset"] != "alpha"]
        keys = TABLE_KEYS[table]
        assert len(kept) > 0 or table == "scores"
        assert sorted(map(tuple, after[keys].to_numpy())) == sorted(map(tuple, kept[keys].to_numpy()))
    # The pool stays: configurations belong to the database, not to a dataset.
    assert len(db.configurations("classification")) == len(ids["classification"])


def test_a_second_fidelity_is_kept_apart_from_the_base_matrix(filled):
    db, ids = filled
    c = ids["classification"]
    assert db.fidelities() == {5000: {"datasets": 1, "configurations": 2, "evaluations": 2}}
    assert db.fidelity_pairs(5000) == {("alpha", c[0]), ("alpha", c[1])} and db.fidelity_pairs(2000) == set()
    matrix = db.fidelity_performance_matrix("accuracy", 5000)
    assert list(matrix.index) == ["alpha"] and list(matrix.columns) == [c[0], c[1]]
    assert matrix.loc["alpha", c[0]] == 0.95 and np.isnan(matrix.loc["alpha", c[1]])  # timed out
    # The base matrix is untouched, and recording again never duplicates.
    assert db.performance_matrix("accuracy").loc["alpha", c[0]] == 0.9
    assert db.record_fidelity_evaluations("alpha", 5000, [(c[0], complete(accuracy=0.1))]) == 0
    assert db.fidelity_performance_matrix("accuracy", 5000).loc["alpha", c[0]] == 0.95
    db.remove_datasets(["alpha"])
    assert db.fidelities() == {}


def test_sized_defaults_are_kept_apart_from_the_base_matrix(filled):
    db, ids = filled
    c = ids["classification"]
    assert db.sized_default_pairs() == {("alpha", c[0])} == db.sized_default_pairs("classification")
    assert db.sized_default_pairs("regression") == set()
    matrix = db.sized_default_matrix("accuracy")
    assert list(matrix.index) == ["alpha"] and list(matrix.columns) == [c[0]]
    assert matrix.loc["alpha", c[0]] == 0.92
    assert db.sized_default_matrix("r2").empty
    stored = json.loads(db._conn.execute("SELECT params FROM sized_default_evaluations").fetchone()[0])
    assert stored["hist_gradient_boosting__min_samples_leaf_fraction"] == 0.1  # 20/80, clipped
    # The base matrix is untouched, and recording again never duplicates.
    assert db.performance_matrix("accuracy").loc["alpha", c[0]] == 0.9
    assert db.record_sized_default_evaluations("alpha", [(c[0], {}, complete(accuracy=0.1))]) == 0
    assert db.sized_default_matrix("accuracy").loc["alpha", c[0]] == 0.92
    db.remove_datasets(["alpha"])
    assert db.sized_default_pairs() == set() and db.sized_default_matrix("accuracy").empty


def test_a_database_written_before_sized_defaults_existed_reads_as_having_none(tmp_path):
    path = tmp_path / "old.sqlite"
    MetaDB(path, create=True).close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TABLE sized_default_scores")
        conn.execute("DROP TABLE sized_default_evaluations")
        conn.commit()
    with MetaDB(path, readonly=True) as old:
        assert old.sized_default_pairs() == set() and old.sized_default_matrix("accuracy").empty
        assert sorted(p.name for p in old.export(tmp_path / "out").iterdir()) == sorted(
            [f"{t}.parquet" for t in TABLE_KEYS if not t.startswith("sized")] + ["meta.json"])
    with MetaDB(path) as upgraded:  # opened for writing, it gains the tables
        assert upgraded._has_sized_tables()


def test_a_database_written_before_fidelities_existed_reads_as_having_none(tmp_path):
    path = tmp_path / "old.sqlite"
    MetaDB(path, create=True).close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TABLE fidelity_scores")
        conn.execute("DROP TABLE fidelity_evaluations")
        conn.commit()
    with MetaDB(path, readonly=True) as old:
        assert old.fidelities() == {} and old.fidelity_pairs(5000) == set()
        assert old.fidelity_performance_matrix("accuracy", 5000).empty
        assert sorted(p.name for p in old.export(tmp_path / "out").iterdir()) == sorted(
            [f"{t}.parquet" for t in TABLE_KEYS if not t.startswith("fidelity")] + ["meta.json"])
    with MetaDB(path) as upgraded:  # opened for writing, it gains the tables
        assert upgraded.fidelities() == {} and upgraded._has_fidelity_tables()


def test_a_task_content_fingerprint_moves_with_that_task_only(filled):
    db, ids = filled
    before = {task: db.content_fingerprint(task) for task in ("classification", "regression")}
    assert before["classification"] != before["regression"]
    db.set_meta("anything", "else")  # not data: no change
    db.record_evaluations("rho", [(ids["regression"][1], complete(r2=0.1, neg_root_mean_squared_error=-3.0,
                                                                  neg_mean_absolute_error=-2.0))])
    after = {task: db.content_fingerprint(task) for task in ("classification", "regression")}
    assert after["classification"] == before["classification"]
    assert after["regression"] != before["regression"]
    db.record_fidelity_evaluations("beta", 5000, [(ids["classification"][0], complete(accuracy=0.6))])
    assert db.content_fingerprint("classification") != before["classification"]
    fidelity = db.content_fingerprint("classification")
    db.record_sized_default_evaluations("beta", [(ids["classification"][0], {}, complete(accuracy=0.6))])
    assert db.content_fingerprint("classification") != fidelity
    with pytest.raises(ValueError, match="task must be"):
        db.content_fingerprint("ranking")


def test_empty_additive_tables_do_not_change_a_fingerprint(tmp_path):
    db = MetaDB(tmp_path / "plain.sqlite", create=True)
    add_dataset(db, "alpha")
    plain = db.content_fingerprint("classification")
    with db._conn:
        for table in ("fidelity_scores", "fidelity_evaluations", "sized_default_scores",
                      "sized_default_evaluations"):
            db._conn.execute(f"DROP TABLE {table}")
    assert db.content_fingerprint("classification") == plain
