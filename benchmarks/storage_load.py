"""Load test of a shared study: many processes claiming trials of one budget through the storage.

Each of ``--workers`` processes joins one study the way ``metaautoml worker`` does (the shipped
``run_search`` with a :class:`~metaautoml.search.SharedBudget` and its claim lock) and runs
trials of the classification space whose objective is trivial (a hash of the configuration,
no model is fitted), so that what is measured is the storage and the claiming: throughput, and
whether any trial was lost or run twice. Before the processes start, ``--enqueue`` family
defaults are enqueued; each must be evaluated exactly once. Proposals come from Optuna's random
sampler (seeded per process): TPE's cost per proposal grows with the study and would be measured
instead of the storage.

The storages run side by side in one invocation: a PostgreSQL server (a throwaway one on
127.0.0.1 unless ``--postgres-url`` names one; needs Debian's ``postgresql`` and ``psycopg``)
and a journal file, the storage for one machine.

Usage::

    .venv/bin/python benchmarks/storage_load.py --output benchmarks/results/storage-load
    .venv/bin/python benchmarks/storage_load.py --workers 8 --trials-per-worker 200 \\
        --storages postgres,journal --output benchmarks/results/storage-load

Writes ``results.csv`` (one row per storage), ``summary.md`` and ``run.json`` to ``--output``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import optuna
import pandas as pd

from metaautoml.evaluation import TrialResult, get_metric
from metaautoml.search import (
    create_study,
    joined_budget,
    load_study,
    read_search_record,
    run_search,
    share_study,
)
from metaautoml.space import get_space

ROOT = Path(__file__).resolve().parent.parent
SPACE = get_space("classification")
STUDY = "load"


class HashRunner:
    """Scores a configuration by a hash of it: no model, the same score in every process."""

    metrics = [get_metric("accuracy", "classification")]

    def evaluate(self, config, time_limit=None):
        digest = hashlib.sha256(SPACE.config_id(config).encode()).digest()
        return TrialResult("complete", scores={"accuracy": digest[0] / 255}, score_std=0.0)

    def close(self):
        pass


def _worker(url: str, seed: int, queue) -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = load_study(url, STUDY, sampler=optuna.samplers.RandomSampler(seed=seed))
    budget = joined_budget(read_search_record(study), url, STUDY)
    trials = run_search(study, SPACE, HashRunner, n_trials=budget.trials_left(study),
                        shared=budget)
    queue.put([t.number for t in trials])


def run_load(url: str, workers: int, trials_per_worker: int, n_enqueue: int) -> dict:
    """Run the load on ``url``; what happened, checked."""
    total = workers * trials_per_worker
    study = create_study(url, STUDY, load_if_exists=False)
    share_study(study, url, n_trials=total, time_budget=None, settings={})
    defaults = SPACE.default_configs()[:n_enqueue]
    for config in defaults:
        study.enqueue_trial(SPACE.clip(config), user_attrs={"source": "default"})
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_worker, args=(url, seed, queue)) for seed in range(workers)]
    started = time.perf_counter()
    for process in processes:
        process.start()
    ran = [queue.get(timeout=1800) for _ in processes]  # a crashed worker ends the run
    seconds = time.perf_counter() - started
    for process in processes:
        process.join()
    trials = load_study(url, STUDY).get_trials(deepcopy=False)
    states = Counter(t.state.name for t in trials)
    numbers = [n for numbers in ran for n in numbers]
    enqueued = [SPACE.config_id(dict(t.params)) for t in trials if "fixed_params" in t.system_attrs]
    return {
        "workers": workers, "trials": total, "seconds": round(seconds, 2),
        "trials_per_second": round(total / seconds, 1),
        "study_trials": len(trials),
        "complete": states.get("COMPLETE", 0),
        "lost": len(trials) - states.get("COMPLETE", 0) + max(0, total - len(trials)),
        "duplicated": len(numbers) - len(set(numbers)) + max(0, len(trials) - total),
        "reported_by_workers": len(numbers),
        "enqueued": len(defaults),
        "enqueued_evaluated": len(enqueued),
        "enqueued_twice": len(enqueued) - len(set(enqueued)),
        "busiest_worker": max(map(len, ran)), "idlest_worker": min(map(len, ran)),
    }


@contextlib.contextmanager
def _storage(kind: str, postgres_url: str | None, directory: Path):
    if kind == "journal":
        yield f"journal://{directory / 'load.log'}"
    elif postgres_url is not None:
        yield postgres_url
    else:
        sys.path.insert(0, str(ROOT / "tests"))  # the tests' throwaway server
        from _postgres import postgres_server

        with postgres_server() as url:
            yield url


def summary_markdown(results: pd.DataFrame) -> str:
    """The results as the table docs/benchmarks.md shows."""
    lines = ["| storage | workers | trials | seconds | trials/s | lost | duplicated | enqueued "
             "evaluated (of) | busiest / idlest worker |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results.itertuples():
        lines.append(f"| {r.storage} | {r.workers} | {r.trials} | {r.seconds:.1f} | "
                     f"{r.trials_per_second:.1f} | {r.lost} | {r.duplicated} | "
                     f"{r.enqueued_evaluated} ({r.enqueued}) | {r.busiest_worker} / "
                     f"{r.idlest_worker} |")
    return "\n".join(lines) + ("\n\nSeconds run from starting the worker processes (each imports "
                               "metaautoml) to the last one's report.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--trials-per-worker", type=int, default=200)
    parser.add_argument("--enqueue", type=int, default=len(SPACE.families),
                        help="family defaults enqueued before the workers start")
    parser.add_argument("--storages", default="postgres,journal")
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = []
    for kind in args.storages.split(","):
        with tempfile.TemporaryDirectory() as directory, \
                _storage(kind, args.postgres_url, Path(directory)) as url:
            row = {"storage": kind, **run_load(url, args.workers, args.trials_per_worker,
                                               args.enqueue)}
        print(json.dumps(row), flush=True)
        rows.append(row)
    args.output.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(args.output / "results.csv", index=False)
    (args.output / "summary.md").write_text(summary_markdown(pd.DataFrame(rows)))
    (args.output / "run.json").write_text(json.dumps({
        "command": "python benchmarks/storage_load.py " + " ".join(argv or sys.argv[1:]),
        "machine": f"{platform.machine()}, {multiprocessing.cpu_count()} CPUs",
        "optuna": optuna.__version__,
    }, indent=2) + "\n")
    failed = [r["storage"] for r in rows if r["lost"] or r["duplicated"] or r["enqueued_twice"]
              or r["enqueued_evaluated"] != r["enqueued"]]
    if failed:
        print(f"lost or duplicated trials on {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
