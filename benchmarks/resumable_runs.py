"""Shared by the held-out-table scripts: resumable (dataset, method) fits and their summary.

``first_pick.py``, ``heldout_search.py`` and ``reserved_check.py`` append one row per finished
fit to ``runs.csv`` and skip the pairs already there; ``lcdb_size_transfer.py`` writes only the
summary. Each ends with :func:`write_summary`. ``surrogate_refine.py`` and
``first_pick_live.py`` run arms of the live benchmark through :func:`run_live_study`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pandas as pd


def open_runs(output: Path) -> tuple[Path, set[tuple[str, str]]]:
    """``output/runs.csv`` (the folder created) and the (dataset, method) pairs it holds.

    Trials run single-threaded unless ``OMP_NUM_THREADS`` says otherwise: fits share the cores.
    """
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    output.mkdir(parents=True, exist_ok=True)
    path = output / "runs.csv"
    runs = pd.read_csv(path) if path.is_file() else pd.DataFrame()
    return path, set(zip(runs.get("dataset", []), runs.get("method", []), strict=True))


def run_pending(jobs: Sequence[tuple], run_one: Callable[..., dict], path: Path, *,
                n_jobs: int = 1, name: Callable[[tuple], str] = lambda job: " ".join(map(str, job))
                ) -> None:
    """``run_one(*job)`` for every job, ``n_jobs`` at once, each row appended to ``path`` as it
    finishes; a fit that raises is printed and skipped (a rerun tries it again)."""
    print(f"{len(jobs)} fits to run", flush=True)
    with ProcessPoolExecutor(max(n_jobs, 1)) as pool:
        futures = {pool.submit(run_one, *job): job for job in jobs}
        for i, future in enumerate(as_completed(futures), 1):
            label = name(futures[future])
            try:
                row = future.result()
            except Exception as exc:  # noqa: BLE001 - a failure is recorded, the run goes on
                print(f"[{i}] {label}: {type(exc).__name__}: {exc}", flush=True)
                continue
            pd.DataFrame([row]).to_csv(path, mode="a", header=not path.is_file(), index=False)
            family = row.get("best_family", row.get("family", ""))
            print(f"[{i}/{len(jobs)}] {label}: {family} {row['test_score']:.3f} "
                  f"({row['fit_seconds']:.1f} s)", flush=True)


def run_datasets(datasets: Sequence, methods: Sequence[str], run_one: Callable[..., dict],
                 path: Path, done: set[tuple[str, str]], n_jobs: int = 1) -> None:
    """``run_one(dataset, method)`` for each soak dataset and method not yet in ``done``."""
    print(f"{len(datasets)} held-out datasets", flush=True)
    run_pending([(d, m) for d in datasets for m in methods if (d.name, m) not in done], run_one,
                path, n_jobs=n_jobs, name=lambda job: f"{job[0].name} {job[1]}")


def run_live_study(script: str, argv: Sequence[str] | None, names: Sequence[str], config,
                   output: Path, *, proposer_cache: str, force: bool = False,
                   settings: dict | None = None, db_path: Path | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The live benchmark's ``config`` on the corpus tables ``names`` against the shipped
    meta-database (or the one at ``db_path``), resumed from ``output`` (``force``: started
    afresh), with the run's notes; returns its results and curves."""
    from metaautoml.benchmark import (
        corpus_datasets,
        database_notes,
        run_live_benchmark,
        write_run_notes,
    )
    from metaautoml.corpus import load_manifest
    from metaautoml.metadb import MetaDB

    db = MetaDB.default() if db_path is None else MetaDB(db_path, readonly=True)
    datasets = corpus_datasets(names, entries=load_manifest())
    database = database_notes(db, sorted({d.task for d in datasets}), output, check=not force,
                              label="shipped (metaautoml/data/metadb.sqlite)" if db_path is None
                              else str(db_path))
    if force:
        for name in ("raw.csv", "curves.csv"):
            (output / name).unlink(missing_ok=True)
    write_run_notes(output, script, sys.argv[1:] if argv is None else argv,
                    keep_earlier=not force, database=database,
                    settings={**(settings or {}), "cv": config.cv, "rows at most": config.max_rows,
                              "datasets": ", ".join(names)})
    start = time.perf_counter()
    results, curves = run_live_benchmark(
        datasets, db, config, output, proposer_cache=proposer_cache,
        progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
    return results, curves


def write_summary(output: Path, summary: str, script: str, argv: Sequence[str] | None, *,
                  resumed: bool = False) -> int:
    """Write ``summary.md`` and ``run.json`` (the command and machine) and print the summary.

    ``resumed``: the summary covers results that earlier runs of ``output`` left on disk, so
    ``run.json`` keeps those runs' commands and commits (``earlier``)."""
    from metaautoml.benchmark import write_run_notes

    output.mkdir(parents=True, exist_ok=True)
    (output / "summary.md").write_text(summary)
    write_run_notes(output, script, sys.argv[1:] if argv is None else argv, keep_earlier=resumed)
    print(summary)
    return 0
