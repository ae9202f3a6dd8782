"""The meta-database: datasets, their meta-features, a configuration pool and its evaluations."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..evaluation import METRICS, TrialResult
from ..space import FAMILY, get_space
from ._schema import ADDITIVE_DDL, APPLICATION_ID, DDL, SCHEMA_VERSION

#: File name of the meta-database shipped inside the package.
DEFAULT_DB_NAME = "metadb.sqlite"
_PARQUET_TABLES = ("datasets", "meta_features", "configurations", "evaluations", "scores",
                   "fidelity_evaluations", "fidelity_scores", "sized_default_evaluations",
                   "sized_default_scores")
#: The tables :data:`~metaautoml.metadb._schema.ADDITIVE_DDL` adds; absent from older files.
_FIDELITY_TABLES = ("fidelity_evaluations", "fidelity_scores")
_SIZED_TABLES = ("sized_default_evaluations", "sized_default_scores")


class MetaDBError(ValueError):
    """A file is not a usable metaautoml meta-database."""


class MetaDB:
    """A SQLite store of past evaluations: the knowledge every meta-learner is trained on.

    Parameters
    ----------
    path : str or Path
        The SQLite file.
    create : bool, default=False
        Create an empty database when ``path`` does not exist (otherwise that is an error, so a
        typo never yields a silently empty database).
    readonly : bool, default=False
        Open without write access (the shipped database is opened this way).

    Examples
    --------
    >>> from metaautoml import MetaDB
    >>> db = MetaDB.default()
    >>> matrix = db.performance_matrix("accuracy")   # datasets x configurations
    >>> matrix.shape[1] >= 200
    True
    """

    def __init__(self, path: str | os.PathLike, *, create: bool = False, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        if not self.path.exists():
            if not create or readonly:
                raise FileNotFoundError(f"meta-database {str(self.path)!r} does not exist")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif self.path.is_dir():
            raise MetaDBError(f"{str(self.path)!r} is a directory, not a meta-database file")
        self._conn = self._connect()
        try:
            self._check_or_initialize(create)
        except Exception:
            self._conn.close()
            raise

    # -- opening ----------------------------------------------------------------------------------
    @classmethod
    def default(cls) -> MetaDB:
        """The meta-database shipped with the package (read-only)."""
        path = default_path()
        if not path.exists():
            raise FileNotFoundError(
                f"the shipped meta-database is missing at {path}; reinstall metaautoml or build "
                "one with `metaautoml db build`"
            )
        return cls(path, readonly=True)

    def _connect(self) -> sqlite3.Connection:
        if self.readonly:
            # A database another process may be writing (a build in progress) must be read
            # through its write-ahead log; only the shipped file, which nothing writes, is opened
            # immutable (no locks, no -wal/-shm files, so a read-only install directory works).
            immutable = "&immutable=1" if self.path.resolve() == default_path().resolve() else ""
            # Percent-encoded: a '?', '#' or '%' in the path would otherwise end or alter it.
            uri = f"file:{quote(str(self.path.resolve()))}?mode=ro{immutable}"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _check_or_initialize(self, create: bool) -> None:
        try:
            app_id = self._conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise MetaDBError(f"{str(self.path)!r} is not a metaautoml meta-database ({exc})") from None
        if not tables and app_id == 0:
            if not create or self.readonly:
                raise MetaDBError(f"{str(self.path)!r} is an empty SQLite file, not a meta-database")
            with self._conn:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self._conn.executescript(DDL)
                self._conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            return
        if app_id != APPLICATION_ID or "meta" not in tables:
            raise MetaDBError(f"{str(self.path)!r} is an SQLite file of another application, not a "
                              "metaautoml meta-database")
        row = self._conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        version = int(row[0]) if row else None
        if version != SCHEMA_VERSION:
            raise MetaDBError(
                f"{str(self.path)!r} has schema version {version}; this metaautoml reads version "
                f"{SCHEMA_VERSION}. Rebuild it with `metaautoml db build`, or export it with the "
                "metaautoml that wrote it and import the Parquet files"
            )
        if not self.readonly:
            self._conn.execute("PRAGMA journal_mode = WAL")
            with self._conn:
                self._conn.executescript(ADDITIVE_DDL)

    def _has_tables(self, names: tuple[str, ...]) -> bool:
        found = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return set(names) <= found

    def _has_fidelity_tables(self) -> bool:
        return self._has_tables(_FIDELITY_TABLES)

    def _has_sized_tables(self) -> bool:
        return self._has_tables(_SIZED_TABLES)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> MetaDB:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"MetaDB({str(self.path)!r})"

    @contextmanager
    def _write(self):
        if self.readonly:
            raise PermissionError(f"{self!r} is open read-only")
        with self._conn:
            yield self._conn

    # -- metadata ---------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def all_meta(self) -> dict[str, str]:
        """Every metadata entry (schema version, build protocol, ...)."""
        return dict(self._conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall())

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, str(value)))

    # -- writing ----------------------------------------------------------------------------------
    def add_dataset(self, name: str, *, task: str, source: str, group: str | None = None,
                    openml_id: int | None = None, licence: str | None = None,
                    citation: str | None = None, n_rows_original: int, n_rows: int,
                    n_features: int, n_classes: int | None, content_hash: str) -> None:
        """Register a dataset; re-registering identical data is a no-op, different data an error."""
        row = self._conn.execute("SELECT content_hash FROM datasets WHERE name=?", (name,)).fetchone()
        if row is not None:
            if row[0] != content_hash:
                raise MetaDBError(
                    f"dataset {name!r} is already in {self!r} with different content; its "
                    "evaluations would mix two datasets. Rename it or start a new database"
                )
            return
        with self._write() as conn:
            conn.execute(
                "INSERT INTO datasets VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (name, task, source, group or name, openml_id, licence, citation,
                 int(n_rows_original), int(n_rows), int(n_features),
                 None if n_classes is None else int(n_classes), content_hash),
            )

    def remove_datasets(self, names: Iterable[str]) -> int:
        """Delete datasets with their meta-features, evaluations and scores, in one transaction
        (a dataset that must no longer inform the warm start: e.g. data found to be reserved or a
        twin of another). Returns how many were removed; an unknown name is an error and
        nothing is removed."""
        names = list(dict.fromkeys(names))
        known = set(self.datasets().index)
        unknown = [name for name in names if name not in known]
        if unknown:
            raise MetaDBError(f"no dataset {', '.join(map(repr, unknown))} in {self!r}")
        with self._write() as conn:
            for name in names:
                # scores cascade from evaluations, which cascade from datasets like meta_features.
                conn.execute("DELETE FROM datasets WHERE name=?", (name,))
        return len(names)

    def set_meta_features(self, dataset: str, values: pd.Series | list[pd.Series], version: str) -> None:
        """Replace a dataset's meta-features (NaN stored as NULL).

        ``values`` is one Series (view 0, the dataset as evaluated) or a list whose first item is
        view 0 and the rest are subsampled views.
        """
        views = [values] if isinstance(values, pd.Series) else list(values)
        rows = [(dataset, view, str(k), None if not np.isfinite(v) else float(v), version)
                for view, series in enumerate(views) for k, v in series.items()]
        with self._write() as conn:
            conn.execute("DELETE FROM meta_features WHERE dataset=?", (dataset,))
            conn.executemany("INSERT INTO meta_features VALUES (?,?,?,?,?)", rows)

    def add_configurations(self, task: str, configs: list[dict], *, n_defaults: int = 0) -> list[str]:
        """Register a configuration pool in order; returns the config ids.

        Idempotent for the same pool; a different configuration at an existing position is an
        error (the pool of a database is fixed once built).
        """
        space = get_space(task)
        ids = []
        with self._write() as conn:
            for index, config in enumerate(configs):
                config = space.validate(config)
                cid = space.config_id(config)
                ids.append(cid)
                existing = conn.execute(
                    "SELECT config_id FROM configurations WHERE task=? AND pool_index=?", (task, index)
                ).fetchone()
                if existing is not None:
                    if existing[0] != cid:
                        raise MetaDBError(
                            f"the {task} pool of {self!r} differs at position {index}; a database's "
                            "configuration pool cannot change once built"
                        )
                    continue
                conn.execute("INSERT INTO configurations VALUES (?,?,?,?,?,?)",
                             (cid, task, config[FAMILY], json.dumps(config, sort_keys=True), index,
                              int(index < n_defaults)))
        return ids

    def record_evaluations(self, dataset: str, results: Iterable[tuple[str, TrialResult]]) -> int:
        """Store evaluations of ``dataset`` atomically; an existing evaluation is left unchanged.

        Returns the number of new evaluations. Recording the same pair twice never duplicates it,
        which is what makes an interrupted build safe to rerun.
        """
        added = 0
        with self._write() as conn:
            for config_id, result in results:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO evaluations VALUES (?,?,?,?,?,?)",
                    (dataset, config_id, result.state, result.fit_time, result.duration, result.error),
                )
                if cursor.rowcount:
                    added += 1
                    conn.executemany(
                        "INSERT INTO scores VALUES (?,?,?,?)",
                        [(dataset, config_id, m, float(v) if np.isfinite(v) else None)
                         for m, v in result.scores.items()],
                    )
        return added

    def record_fidelity_evaluations(self, dataset: str, max_rows: int,
                                    results: Iterable[tuple[str, TrialResult]]) -> int:
        """Store evaluations of ``dataset`` at the fidelity ``max_rows`` (the build's protocol on
        up to that many rows) atomically; an existing one is left unchanged. Returns how many
        were new."""
        max_rows, added = int(max_rows), 0
        with self._write() as conn:
            for config_id, result in results:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO fidelity_evaluations VALUES (?,?,?,?,?,?,?)",
                    (dataset, config_id, max_rows, result.state, result.fit_time, result.duration,
                     result.error))
                if cursor.rowcount:
                    added += 1
                    conn.executemany(
                        "INSERT INTO fidelity_scores VALUES (?,?,?,?,?)",
                        [(dataset, config_id, max_rows, m, float(v) if np.isfinite(v) else None)
                         for m, v in result.scores.items()])
        return added

    def record_sized_default_evaluations(
            self, dataset: str, results: Iterable[tuple[str, Mapping[str, Any], TrialResult]]) -> int:
        """Store evaluations of sized defaults on ``dataset`` atomically: ``(config_id, params,
        result)`` with ``config_id`` the pool default the evaluated ``params`` stand for (its
        family's scikit-learn default on this dataset's rows). An existing one is left unchanged.
        Returns how many were new."""
        added = 0
        with self._write() as conn:
            for config_id, params, result in results:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO sized_default_evaluations VALUES (?,?,?,?,?,?,?)",
                    (dataset, config_id, json.dumps(dict(params), sort_keys=True), result.state,
                     result.fit_time, result.duration, result.error))
                if cursor.rowcount:
                    added += 1
                    conn.executemany(
                        "INSERT INTO sized_default_scores VALUES (?,?,?,?)",
                        [(dataset, config_id, m, float(v) if np.isfinite(v) else None)
                         for m, v in result.scores.items()])
        return added

    # -- reading ----------------------------------------------------------------------------------
    def _frame(self, sql: str, params: tuple = ()) -> pd.DataFrame:
        return pd.read_sql_query(sql, self._conn, params=params)

    def datasets(self, task: str | None = None) -> pd.DataFrame:
        """One row per dataset, indexed by name."""
        where, params = ("WHERE task=?", (task,)) if task else ("", ())
        frame = self._frame(f"SELECT * FROM datasets {where} ORDER BY name", params)
        return frame.rename(columns={"dataset_group": "group"}).set_index("name")

    def meta_features(self, task: str | None = None, *, views: bool = False) -> pd.DataFrame:
        """Datasets x meta-features (NaN where undefined), in the extractor's column order.

        With ``views=True`` the index is ``(dataset, view)`` and includes the subsampled views.
        """
        sql = ("SELECT m.dataset, m.view, m.name, m.value FROM meta_features m JOIN datasets d "
               "ON d.name = m.dataset WHERE " + ("d.task=?" if task else "1")
               + ("" if views else " AND m.view=0"))
        long = self._frame(sql, (task,) if task else ())
        if long.empty:
            return pd.DataFrame()
        order = list(dict.fromkeys(long["name"]))
        index = ["dataset", "view"] if views else "dataset"
        # (dataset, view, name) is the primary key, so a plain pivot suffices; pivot_table's
        # dropna=False would add every dataset x view pair, inventing views full of NaN.
        wide = long.pivot(index=index, columns="name", values="value")
        return wide.reindex(columns=order).astype(np.float64).sort_index()

    def meta_features_version(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT DISTINCT version FROM meta_features")}

    def configurations(self, task: str) -> pd.DataFrame:
        """The configuration pool of ``task`` in pool order; ``config`` holds the dict."""
        frame = self._frame("SELECT * FROM configurations WHERE task=? ORDER BY pool_index", (task,))
        frame["config"] = [json.loads(p) for p in frame.pop("params")]
        frame["is_default"] = frame["is_default"].astype(bool)
        return frame.set_index("config_id")

    def evaluations(self, task: str | None = None) -> pd.DataFrame:
        """Long table of evaluations with one column per stored metric."""
        sql = ("SELECT e.*, s.metric, s.value FROM evaluations e JOIN datasets d ON d.name=e.dataset "
               "LEFT JOIN scores s ON s.dataset=e.dataset AND s.config_id=e.config_id"
               + (" WHERE d.task=?" if task else ""))
        long = self._frame(sql, (task,) if task else ())
        keys = ["dataset", "config_id", "state", "fit_time", "duration", "error"]
        if long.empty:
            return pd.DataFrame(columns=keys)
        base = long[keys].drop_duplicates(["dataset", "config_id"]).set_index(["dataset", "config_id"])
        metrics = long.dropna(subset=["metric"]).pivot_table(
            index=["dataset", "config_id"], columns="metric", values="value", aggfunc="first",
            dropna=False)
        return base.join(metrics).reset_index()

    def performance_matrix(self, metric: str, task: str | None = None) -> pd.DataFrame:
        """Datasets x configurations (pool order) of ``metric``; NaN for failed or missing runs.

        Scores are "greater is better" (losses negated), as everywhere in metaautoml.
        """
        task = task or _task_of_metric(metric)
        configs = self.configurations(task)
        long = self._frame(
            "SELECT s.dataset, s.config_id, s.value FROM scores s JOIN evaluations e "
            "ON e.dataset=s.dataset AND e.config_id=s.config_id JOIN datasets d ON d.name=s.dataset "
            "WHERE s.metric=? AND d.task=? AND e.state='complete'", (metric, task))
        names = self.datasets(task).index
        matrix = long.pivot(index="dataset", columns="config_id", values="value") if len(long) else pd.DataFrame()
        return matrix.reindex(index=names, columns=configs.index).astype(np.float64)

    def content_fingerprint(self, task: str) -> str:
        """A short SHA-256 of everything the database holds for ``task``: its datasets,
        meta-features, configurations, evaluations, scores and larger fidelities, row by row in
        key order. Unlike a hash of the file it ignores the other task, the ``meta`` table and
        SQLite's page layout, so a benchmark of one task can resume after the other task's data
        changed, and refuses to after its own did."""
        if task not in ("classification", "regression"):
            raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
        of_task = "JOIN datasets d ON d.name=t.dataset WHERE d.task=?"
        queries = [
            "SELECT * FROM datasets WHERE task=? ORDER BY name",
            "SELECT * FROM configurations WHERE task=? ORDER BY config_id",
            f"SELECT t.* FROM meta_features t {of_task} ORDER BY t.dataset, t.view, t.name",
            f"SELECT t.* FROM evaluations t {of_task} ORDER BY t.dataset, t.config_id",
            f"SELECT t.* FROM scores t {of_task} ORDER BY t.dataset, t.config_id, t.metric"]
        if self._has_fidelity_tables():
            queries += [
                f"SELECT t.* FROM fidelity_evaluations t {of_task} ORDER BY t.dataset, t.config_id, t.max_rows",
                f"SELECT t.* FROM fidelity_scores t {of_task} "
                "ORDER BY t.dataset, t.config_id, t.max_rows, t.metric"]
        if self._has_sized_tables():
            queries += [
                f"SELECT t.* FROM sized_default_evaluations t {of_task} ORDER BY t.dataset, t.config_id",
                f"SELECT t.* FROM sized_default_scores t {of_task} "
                "ORDER BY t.dataset, t.config_id, t.metric"]
        digest = hashlib.sha256(task.encode())
        for table, sql in enumerate(queries):
            # Rows only, tagged by table: an empty table (the fidelity's, say) adds nothing.
            for row in self._conn.execute(sql, (task,)):
                digest.update(f"{table}:{row!r}".encode())
        return digest.hexdigest()[:16]

    def fidelities(self) -> dict[int, dict[str, int]]:
        """The larger fidelities recorded: ``{max_rows: {"datasets": n, "configurations": n,
        "evaluations": n}}`` (empty for a database without any)."""
        if not self._has_fidelity_tables():
            return {}
        rows = self._conn.execute(
            "SELECT max_rows, COUNT(DISTINCT dataset), COUNT(DISTINCT config_id), COUNT(*) "
            "FROM fidelity_evaluations GROUP BY max_rows ORDER BY max_rows").fetchall()
        return {int(m): {"datasets": d, "configurations": c, "evaluations": n} for m, d, c, n in rows}

    def fidelity_pairs(self, max_rows: int) -> set[tuple[str, str]]:
        """The (dataset, config_id) pairs evaluated at the fidelity ``max_rows``."""
        if not self._has_fidelity_tables():
            return set()
        return set(self._conn.execute(
            "SELECT dataset, config_id FROM fidelity_evaluations WHERE max_rows=?",
            (int(max_rows),)).fetchall())

    def fidelity_performance_matrix(self, metric: str, max_rows: int,
                                    task: str | None = None) -> pd.DataFrame:
        """Like :meth:`performance_matrix`, at the fidelity ``max_rows``: the datasets and
        configurations evaluated there (pool order), NaN for failed or missing runs."""
        task = task or _task_of_metric(metric)
        if not self._has_fidelity_tables():
            return pd.DataFrame(dtype=np.float64)
        long = self._frame(
            "SELECT s.dataset, s.config_id, s.value FROM fidelity_scores s JOIN fidelity_evaluations e "
            "ON e.dataset=s.dataset AND e.config_id=s.config_id AND e.max_rows=s.max_rows "
            "JOIN datasets d ON d.name=s.dataset "
            "WHERE s.metric=? AND s.max_rows=? AND d.task=? AND e.state='complete'",
            (metric, int(max_rows), task))
        evaluated = self._frame(
            "SELECT DISTINCT e.dataset, e.config_id FROM fidelity_evaluations e JOIN datasets d "
            "ON d.name=e.dataset WHERE e.max_rows=? AND d.task=?", (int(max_rows), task))
        if evaluated.empty:
            return pd.DataFrame(dtype=np.float64)
        order = [c for c in self.configurations(task).index if c in set(evaluated["config_id"])]
        matrix = long.pivot(index="dataset", columns="config_id", values="value") if len(long) else pd.DataFrame()
        return matrix.reindex(index=sorted(set(evaluated["dataset"])), columns=order).astype(np.float64)

    def sized_default_pairs(self, task: str | None = None) -> set[tuple[str, str]]:
        """The (dataset, config_id) pairs whose sized default is recorded (any state)."""
        if not self._has_sized_tables():
            return set()
        sql = ("SELECT e.dataset, e.config_id FROM sized_default_evaluations e JOIN datasets d "
               "ON d.name=e.dataset" + (" WHERE d.task=?" if task else ""))
        return set(self._conn.execute(sql, (task,) if task else ()).fetchall())

    def sized_default_matrix(self, metric: str, task: str | None = None) -> pd.DataFrame:
        """Like :meth:`performance_matrix` for the sized defaults: the datasets that have any
        (the task's dataset order) x the pool defaults evaluated sized (pool order); NaN for
        failed or missing runs."""
        task = task or _task_of_metric(metric)
        pairs = self.sized_default_pairs(task)
        if not pairs:
            return pd.DataFrame(dtype=np.float64)
        long = self._frame(
            "SELECT s.dataset, s.config_id, s.value FROM sized_default_scores s "
            "JOIN sized_default_evaluations e ON e.dataset=s.dataset AND e.config_id=s.config_id "
            "JOIN datasets d ON d.name=s.dataset WHERE s.metric=? AND d.task=? AND e.state='complete'",
            (metric, task))
        datasets = {d for d, _ in pairs}
        columns = {c for _, c in pairs}
        matrix = long.pivot(index="dataset", columns="config_id", values="value") if len(long) else pd.DataFrame()
        return matrix.reindex(index=[d for d in self.datasets(task).index if d in datasets],
                              columns=[c for c in self.configurations(task).index if c in columns]
                              ).astype(np.float64)

    def evaluated_pairs(self, task: str | None = None) -> set[tuple[str, str]]:
        sql = ("SELECT e.dataset, e.config_id FROM evaluations e JOIN datasets d ON d.name=e.dataset"
               + (" WHERE d.task=?" if task else ""))
        return set(self._conn.execute(sql, (task,) if task else ()).fetchall())

    def summary(self) -> dict[str, Any]:
        """Counts for ``metaautoml db info``."""
        out: dict[str, Any] = {"path": str(self.path), "schema_version": SCHEMA_VERSION,
                               "meta_features_version": sorted(self.meta_features_version())}
        for task in ("classification", "regression"):
            n_datasets = self._conn.execute("SELECT COUNT(*) FROM datasets WHERE task=?", (task,)).fetchone()[0]
            n_configs = self._conn.execute("SELECT COUNT(*) FROM configurations WHERE task=?", (task,)).fetchone()[0]
            counts = dict(self._conn.execute(
                "SELECT e.state, COUNT(*) FROM evaluations e JOIN datasets d ON d.name=e.dataset "
                "WHERE d.task=? GROUP BY e.state", (task,)).fetchall())
            with_mf = self._conn.execute(
                "SELECT COUNT(DISTINCT m.dataset) FROM meta_features m JOIN datasets d "
                "ON d.name=m.dataset WHERE d.task=? AND m.view=0", (task,)).fetchone()[0]
            cells = n_datasets * n_configs
            done = sum(counts.values())
            out[task] = {
                "datasets": n_datasets,
                "datasets_with_meta_features": with_mf,
                "configurations": n_configs,
                "evaluations": done,
                "complete": counts.get("complete", 0),
                "failed": counts.get("failed", 0),
                "timeout": counts.get("timeout", 0),
                "matrix_filled": done / cells if cells else 0.0,
            }
        return out

    # -- Parquet exchange -------------------------------------------------------------------------
    def export(self, path: str | os.PathLike) -> Path:
        """Write every table as Parquet into directory ``path`` (created; existing files replaced).

        The files are written to a temporary directory first and moved into place, so an
        interrupted export leaves no partial set behind.
        """
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            for table in _PARQUET_TABLES:
                if ((table in _FIDELITY_TABLES and not self._has_fidelity_tables())
                        or (table in _SIZED_TABLES and not self._has_sized_tables())):
                    continue
                self._frame(f"SELECT * FROM {table}").to_parquet(Path(tmp) / f"{table}.parquet", index=False)
            meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
            (Path(tmp) / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True))
            target.mkdir(exist_ok=True)
            for file in Path(tmp).iterdir():
                os.replace(file, target / file.name)
        return target

    @classmethod
    def import_(cls, source: str | os.PathLike, path: str | os.PathLike) -> MetaDB:
        """Create a new database at ``path`` from a Parquet directory written by :meth:`export`
        (or an external performance table in the same layout).

        Configurations are validated against the search space; evaluations of unknown datasets
        or configurations are rejected with an error naming them. Nothing is left at ``path`` if
        the import fails.
        """
        source, path = Path(source), Path(path)
        if path.exists():
            raise FileExistsError(f"{str(path)!r} exists; import into a new file")
        missing = [t for t in ("datasets", "configurations", "evaluations")
                   if not (source / f"{t}.parquet").exists()]
        if missing:
            raise FileNotFoundError(f"{str(source)!r} lacks {', '.join(t + '.parquet' for t in missing)}")
        tables = {t: pd.read_parquet(source / f"{t}.parquet") for t in _PARQUET_TABLES
                  if (source / f"{t}.parquet").exists()}
        tmp = path.with_name(path.name + ".importing")
        tmp.unlink(missing_ok=True)
        db = None
        try:
            db = cls(tmp, create=True)
            _import_tables(db, tables)
            _import_meta(db, source / "meta.json")
            db.close()
            os.replace(tmp, path)
        except BaseException:
            if db is not None:  # no open handle may outlive the files it would write to
                db.close()
            tmp.unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(str(tmp) + suffix).unlink(missing_ok=True)
            raise
        return cls(path)

    def snapshot(self, path: str | os.PathLike) -> Path:
        """Write a consistent, compact, self-contained copy to ``path`` (replaced atomically).

        Safe while a build writes to this database: SQLite's ``VACUUM INTO`` reads one
        transaction-consistent state. This is how a build in progress is shipped.
        """
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        tmp.unlink(missing_ok=True)
        try:
            self._conn.execute("VACUUM INTO ?", (str(tmp),))
            # A rollback-journal file reads as one self-contained file, also read-only.
            copy = sqlite3.connect(tmp)
            copy.execute("PRAGMA journal_mode = DELETE")
            copy.close()
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def compact(self) -> None:
        """Checkpoint the WAL and switch to a single self-contained file (for shipping)."""
        with self._write() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.execute("PRAGMA journal_mode = DELETE")
        self._conn.execute("VACUUM")


def _task_of_metric(metric: str) -> str:
    for task, metrics in METRICS.items():
        if metric in metrics:
            return task
    raise ValueError(f"unknown metric {metric!r}; stored metrics are "
                     f"{sorted(set(METRICS['classification']) | set(METRICS['regression']))}")


def _import_tables(db: MetaDB, tables: Mapping[str, pd.DataFrame]) -> None:
    datasets = tables["datasets"]
    required = {"name", "task", "n_rows", "n_features"}
    if not required <= set(datasets.columns):
        raise MetaDBError(f"datasets.parquet lacks columns {sorted(required - set(datasets.columns))}")
    for row in datasets.to_dict("records"):
        db.add_dataset(
            row["name"], task=row["task"], source=row.get("source") or "import",
            group=row.get("dataset_group") or row.get("group"), openml_id=_int_or_none(row.get("openml_id")),
            licence=row.get("licence"), citation=row.get("citation"),
            n_rows_original=int(row.get("n_rows_original") or row["n_rows"]), n_rows=int(row["n_rows"]),
            n_features=int(row["n_features"]), n_classes=_int_or_none(row.get("n_classes")),
            content_hash=str(row.get("content_hash") or "imported"))
    configs = tables["configurations"].sort_values(["task", "pool_index"])
    id_map: dict[str, str] = {}
    for task, group in configs.groupby("task"):
        parsed = [json.loads(p) if isinstance(p, str) else dict(p) for p in group["params"]]
        try:
            ids = db.add_configurations(task, parsed, n_defaults=int(group.get("is_default", pd.Series([0])).sum()))
        except ValueError as exc:
            raise MetaDBError(f"configurations.parquet has a configuration outside the search space: {exc}") from None
        id_map.update(dict(zip(group["config_id"], ids, strict=True)))
    evaluations = tables["evaluations"]
    scores = tables.get("scores", pd.DataFrame(columns=["dataset", "config_id", "metric", "value"]))
    known = set(datasets["name"])
    unknown = sorted(set(evaluations["dataset"]) - known)
    if unknown:
        raise MetaDBError(f"evaluations.parquet names datasets missing from datasets.parquet: {unknown[:5]}")
    unknown_configs = sorted(set(evaluations["config_id"]) - set(id_map))
    if unknown_configs:
        raise MetaDBError(f"evaluations.parquet names configurations missing from configurations.parquet: {unknown_configs[:5]}")
    by_pair: dict[tuple[str, str], dict[str, float]] = {}
    for row in scores.itertuples(index=False):
        by_pair.setdefault((row.dataset, row.config_id), {})[row.metric] = (
            float("nan") if row.value is None or pd.isna(row.value) else float(row.value))
    for dataset, group in evaluations.groupby("dataset"):
        db.record_evaluations(dataset, [
            (id_map[r.config_id], TrialResult(
                state=r.state, scores=by_pair.get((dataset, r.config_id), {}),
                fit_time=float(r.fit_time or 0.0), duration=float(r.duration or 0.0),
                error=None if r.error is None or pd.isna(r.error) else str(r.error)))
            for r in group.itertuples(index=False)])
    _import_fidelity(db, tables, id_map, known)
    _import_sized_defaults(db, tables, id_map, known)
    if "meta_features" in tables and len(tables["meta_features"]):
        frame = tables["meta_features"]
        if "view" not in frame.columns:
            frame = frame.assign(view=0)
        for dataset, group in frame.groupby("dataset", sort=False):
            views = [pd.Series(v["value"].to_numpy(dtype=float), index=v["name"])
                     for _, v in group.groupby("view", sort=True)]
            db.set_meta_features(dataset, views, str(group["version"].iloc[0]))


def _check_references(table: str, evaluations: pd.DataFrame, known: set[str],
                      id_map: dict[str, str]) -> None:
    unknown = sorted(set(evaluations["dataset"]) - known)
    unknown_configs = sorted(set(evaluations["config_id"]) - set(id_map))
    if unknown or unknown_configs:
        raise MetaDBError(f"{table}.parquet names datasets or configurations missing from "
                          f"datasets.parquet/configurations.parquet: {(unknown + unknown_configs)[:5]}")


def _scores_by(scores: pd.DataFrame | None, keys: list[str]) -> dict[tuple, dict[str, float]]:
    """Each evaluation's ``{metric: value}`` from a long scores table, by its ``keys`` columns."""
    by_key: dict[tuple, dict[str, float]] = {}
    for row in ([] if scores is None else scores.to_dict("records")):
        by_key.setdefault(tuple(row[k] for k in keys), {})[row["metric"]] = (
            float("nan") if row["value"] is None or pd.isna(row["value"]) else float(row["value"]))
    return by_key


def _trial_result(row, scores: dict[str, float]) -> TrialResult:
    return TrialResult(state=row.state, scores=scores, fit_time=float(row.fit_time or 0.0),
                       duration=float(row.duration or 0.0),
                       error=None if row.error is None or pd.isna(row.error) else str(row.error))


def _import_fidelity(db: MetaDB, tables: Mapping[str, pd.DataFrame], id_map: dict[str, str],
                     known: set[str]) -> None:
    evaluations = tables.get("fidelity_evaluations")
    if evaluations is None or evaluations.empty:
        return
    _check_references("fidelity_evaluations", evaluations, known, id_map)
    by_key = _scores_by(tables.get("fidelity_scores"), ["dataset", "config_id", "max_rows"])
    for (dataset, max_rows), group in evaluations.groupby(["dataset", "max_rows"]):
        db.record_fidelity_evaluations(dataset, int(max_rows), [
            (id_map[r.config_id], _trial_result(r, by_key.get((dataset, r.config_id, max_rows), {})))
            for r in group.itertuples(index=False)])


def _import_sized_defaults(db: MetaDB, tables: Mapping[str, pd.DataFrame],
                           id_map: dict[str, str], known: set[str]) -> None:
    evaluations = tables.get("sized_default_evaluations")
    if evaluations is None or evaluations.empty:
        return
    _check_references("sized_default_evaluations", evaluations, known, id_map)
    by_pair = _scores_by(tables.get("sized_default_scores"), ["dataset", "config_id"])
    for dataset, group in evaluations.groupby("dataset"):
        db.record_sized_default_evaluations(dataset, [
            (id_map[r.config_id], json.loads(r.params),
             _trial_result(r, by_pair.get((dataset, r.config_id), {})))
            for r in group.itertuples(index=False)])


def _import_meta(db: MetaDB, path: Path) -> None:
    """Restore the metadata :meth:`MetaDB.export` wrote (the build protocol above all, so a later
    build on the import is held to it); the schema version stays the importing metaautoml's."""
    if not path.exists():  # an external table in the export layout need not have one
        return
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MetaDBError(f"{path.name} is not readable JSON: {exc}") from None
    if not isinstance(meta, dict):
        raise MetaDBError(f"{path.name} must be a JSON object of metadata, got {type(meta).__name__}")
    for key, value in meta.items():
        if key != "schema_version":
            db.set_meta(key, value)


def _int_or_none(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def default_path() -> Path:
    """Location of the shipped meta-database inside the installed package."""
    return Path(str(resources.files("metaautoml") / "data" / DEFAULT_DB_NAME))
