"""Trial wall time under thread policies, on an idle machine and under a synthetic CPU load.

Side by side in one run, for representative trial evaluations (3-fold cross-validation through
:class:`~metaautoml.evaluation.TrialRunner` in a worker process, as ``fit`` runs them with a time
limit or ``n_jobs > 1``), under these policies for the worker's OpenMP/BLAS thread pools:

``all``
    every CPU (``available_cpus()``), OpenMP's default wait policy: metaautoml before the
    thread policy of ``default_n_threads``;
``one``
    one thread;
``all-passive``
    every CPU with ``OMP_WAIT_POLICY=PASSIVE`` (libgomp reads it when it loads, so only a fresh
    process such as the trial worker can be given it);
``default``
    what the library chooses now: ``default_n_threads(1, n_cells=rows * columns)`` when the
    runner is created, and the worker's default ``OMP_WAIT_POLICY`` (``TrialRunner``'s
    ``omp_wait_policy``).

The ``loaded`` phase first starts ``--load`` busy-loop processes (default: one per CPU), which
end on their own after ``--max-load-seconds`` and are killed when the phase ends; it waits
``--load-warmup`` seconds so that the load average sees them, as it sees a neighbour that has been
running for a while. Each (case, policy) is timed ``--repeats`` times, policies interleaved in a
rotating order so that a drifting background load hits them alike; the report gives medians and
ratios. An evaluation that runs past ``--time-limit`` is killed and reported as ``>limit``, and
that policy is not repeated for the case. The cross-validated accuracy of every evaluation is
recorded: it must be the same under every policy.

Variables that set thread counts or the OpenMP wait policy are removed from this process's
environment first, so each policy is what it says (``default`` would respect them).

Usage (11 minutes on a busy 2-CPU machine, less on an idle one; `--cases` adds mlp-3k, rf-3k)::

    .venv/bin/python benchmarks/bench_threads.py

writes ``benchmarks/results/threads/bench_threads.csv`` and ``bench_threads.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.datasets import make_classification

from metaautoml.evaluation import (
    TrialRunner,
    available_cpus,
    default_n_threads,
    get_metric,
    make_splits,
)
from metaautoml.space import ColumnTypes, get_space

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / "results" / "threads"
#: Removed from the environment so that each policy sets its own.
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT",
              "OMP_DYNAMIC", "OMP_PROC_BIND")
POLICIES = ("all", "one", "all-passive", "default")
N_FEATURES = 20
#: name -> (rows, classes)
DATASETS = {"200": (200, 2), "3k": (3_000, 2), "20k": (20_000, 2), "3k-4class": (3_000, 4)}
#: name -> (dataset, family, hyperparameter overrides)
CASES = {
    "hgb-200": ("200", "hist_gradient_boosting", {"max_iter": 300}),
    "mlp-200": ("200", "mlp", {}),
    "hgb-3k": ("3k", "hist_gradient_boosting", {"max_iter": 100}),
    "rf-200": ("200", "random_forest", {}),
    "rf-3k": ("3k", "random_forest", {}),
    "mlp-3k": ("3k", "mlp", {}),
    "svm-3k": ("3k", "svm", {}),
    "hgb-3k-4class": ("3k-4class", "hist_gradient_boosting", {"max_iter": 32}),
    "hgb-20k": ("20k", "hist_gradient_boosting", {"max_iter": 100}),
}
#: Left out by default to keep the run near 10 minutes: mlp-3k (6 s a trial) behaves as mlp-200
#: and svm-3k (BLAS threads make no difference), rf-3k (5 s) as rf-200 (no OpenMP or BLAS).
DEFAULT_CASES = [case for case in CASES if case not in ("mlp-3k", "rf-3k")]


def make_data(rows: int, classes: int) -> tuple[pd.DataFrame, np.ndarray]:
    X, y = make_classification(rows, N_FEATURES, n_informative=10, n_classes=classes,
                               random_state=0)
    return pd.DataFrame(X, columns=[f"x{i}" for i in range(N_FEATURES)]), y


def config_for(family: str, overrides: dict) -> dict:
    config = get_space("classification").default_config(family)
    config.update({f"{family}__{name}": value for name, value in overrides.items()})
    return config


def policy_threads(policy: str, n_cells: int) -> int:
    if policy == "one":
        return 1
    if policy == "default":
        return default_n_threads(1, n_cells=n_cells)
    return available_cpus()


#: An untimed trial that starts a runner's worker process (imports, the dataset) before the timed
#: ones.
WARM_UP = get_space("classification").default_config("linear")
STARTUP_LIMIT = 300.0
#: policy -> the worker's OMP_WAIT_POLICY (None: OpenMP's default; "library": TrialRunner's)
WAIT_POLICY = {"all": None, "one": None, "all-passive": "PASSIVE", "default": "library"}


def make_runner(policy: str, n_threads: int, **kwargs) -> TrialRunner:
    if WAIT_POLICY[policy] == "library":
        return TrialRunner(n_threads=n_threads, **kwargs)
    return TrialRunner(n_threads=n_threads, omp_wait_policy=WAIT_POLICY[policy], **kwargs)


@contextlib.contextmanager
def cpu_load(n_processes: int, max_seconds: float):
    """``n_processes`` busy loops, each ending by itself after ``max_seconds``, killed on exit."""
    code = (f"import time\nend = time.monotonic() + {float(max_seconds)!r}\n"
            "while time.monotonic() < end:\n    pass\n")
    processes = []
    try:
        for _ in range(n_processes):
            processes.append(subprocess.Popen([sys.executable, "-c", code],
                                              stdin=subprocess.DEVNULL))
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait()


def run_phase(phase: str, cases: list[str], repeats: int, time_limit: float, log) -> list[dict]:
    rows = []
    metric = get_metric("accuracy", "classification")
    for dataset in dict.fromkeys(CASES[case][0] for case in cases):
        n_rows, n_classes = DATASETS[dataset]
        X, y = make_data(n_rows, n_classes)
        splits = make_splits(y, "classification", 3, random_state=0)
        columns = ColumnTypes.infer(X)
        runners, threads, loads = {}, {}, {}
        try:
            for policy in POLICIES:
                loads[policy] = os.getloadavg()[0]
                threads[policy] = policy_threads(policy, X.size)
                runners[policy] = make_runner(policy, threads[policy], X=X, y=y,
                                              task="classification", columns=columns,
                                              splits=splits, metrics=[metric], random_state=0,
                                              isolate=True)
            censored: set[tuple[str, str]] = set()
            cold = set(POLICIES)
            for repeat in range(repeats):
                order = POLICIES[repeat % len(POLICIES):] + POLICIES[:repeat % len(POLICIES)]
                for policy in order:
                    for case in (c for c in cases if CASES[c][0] == dataset):
                        if (case, policy) in censored:
                            continue
                        _, family, overrides = CASES[case]
                        runner = runners[policy]
                        if policy in cold:  # the worker's start-up is not part of the time
                            runner.evaluate(WARM_UP, time_limit=STARTUP_LIMIT)
                            cold.discard(policy)
                        load = os.getloadavg()[0]
                        start = time.perf_counter()
                        result = runner.evaluate(config_for(family, overrides),
                                                 time_limit=time_limit)
                        seconds = time.perf_counter() - start
                        if result.state == "timeout":  # the worker was killed
                            censored.add((case, policy))
                            cold.add(policy)
                        row = {"phase": phase, "case": case, "rows": n_rows,
                               "classes": n_classes, "family": family, "policy": policy,
                               "n_threads": threads[policy], "wait_policy": runners[policy].omp_wait_policy or "unset",
                               "repeat": repeat, "seconds": round(seconds, 4),
                               "state": result.state,
                               "accuracy": result.scores.get("accuracy", float("nan")),
                               "loadavg_at_start": round(load, 2),
                               "loadavg_at_choice": round(loads[policy], 2)}
                        rows.append(row)
                        log(f"{phase:6s} {case:14s} {policy:11s} threads={threads[policy]} "
                            f"#{repeat} {seconds:7.2f} s {result.state} load={load:.2f}")
        finally:
            for runner in runners.values():
                runner.close()
    return rows


def _median(rows: list[dict], time_limit: float) -> tuple[float, bool] | None:
    """Median seconds, and whether a timeout makes it a lower bound; None if a trial failed."""
    if any(row["state"] == "failed" for row in rows):
        return None
    if any(row["state"] == "timeout" for row in rows):
        return time_limit, True
    return statistics.median(row["seconds"] for row in rows), False


def _fmt(value: float, censored: bool) -> str:
    return f">{value:.0f}" if censored else f"{value:.2f}"


def _ratio(slow: tuple[float, bool], fast: tuple[float, bool]) -> str:
    if fast[1]:
        return "n/a"
    return f"{'>' if slow[1] else ''}{slow[0] / fast[0]:.1f}x"


def summarize(rows: list[dict], phases: list[str], cases: list[str], time_limit: float,
              info: dict) -> str:
    by = {}
    for row in rows:
        by.setdefault((row["phase"], row["case"], row["policy"]), []).append(row)
    lines = ["# Trial wall time under thread policies, idle and loaded", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    idle_loads = [row["loadavg_at_start"] for row in rows if row["phase"] == "idle"]
    if idle_loads and statistics.median(idle_loads) > available_cpus():
        lines += ["", f"**The idle phase was not idle**: its median 1-minute load average was "
                  f"{statistics.median(idle_loads):.2f} on {available_cpus()} CPUs; other "
                  "processes shared the machine (\"idle\" means no synthetic load here)."]
    lines += ["", "Median seconds of one 3-fold trial evaluation in a worker process "
              f"(`>{time_limit:.0f}`: killed at the time limit). Policies: `all` every CPU "
              "(metaautoml before this policy), `one` one thread, `all-passive` every CPU with "
              "`OMP_WAIT_POLICY=PASSIVE`, `default` the library's choice now "
              "(`default_n_threads(1, n_cells=rows * columns)`, `TrialRunner`'s default wait policy).", ""]
    header = ["case", "rows x cols"]
    for phase in phases:
        header += [f"{phase} {policy}" for policy in POLICIES]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    medians = {}
    for case in cases:
        rows_case = next(r for r in rows if r["case"] == case)
        cells = [case, f"{rows_case['rows']:,} x {N_FEATURES}"]
        for phase in phases:
            for policy in POLICIES:
                group = by.get((phase, case, policy))
                if not group:
                    cells.append("")
                    continue
                medians[phase, case, policy] = _median(group, time_limit)
                cells.append("failed" if medians[phase, case, policy] is None
                             else _fmt(*medians[phase, case, policy]))
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Ratios of medians (how many times slower).", ""]
    header = ["case"]
    for phase in phases:
        header += [f"{phase}: all / default", f"{phase}: all-passive / default",
                   f"{phase}: one / default"]
    if "idle" in phases and "loaded" in phases:
        header += ["default: loaded / idle", "all: loaded / idle"]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for case in cases:
        cells = [case]
        for phase in phases:
            base = medians.get((phase, case, "default"))
            for policy in ("all", "all-passive", "one"):
                other = medians.get((phase, case, policy))
                cells.append(_ratio(other, base) if other and base else "")
        if "idle" in phases and "loaded" in phases:
            for policy in ("default", "all"):
                loaded, idle = medians.get(("loaded", case, policy)), medians.get(("idle", case, policy))
                cells.append(_ratio(loaded, idle) if loaded and idle else "")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Threads chosen by `default` (and the 1-minute load average when it chose):", ""]
    for phase in phases:
        chosen = sorted({(r["case"], r["n_threads"], r["loadavg_at_choice"]) for r in rows
                         if r["phase"] == phase and r["policy"] == "default"},
                        key=lambda item: cases.index(item[0]))
        lines.append(f"- {phase}: " + ", ".join(f"{case} {n} (load {load})"
                                                 for case, n, load in chosen))
    scores = {}
    for row in rows:
        if row["state"] == "complete":
            scores.setdefault(row["case"], set()).add(round(row["accuracy"], 12))
    differing = [case for case, values in scores.items() if len(values) > 1]
    lines += ["", "Accuracy identical under every policy and repeat: "
              + ("yes, for every case." if not differing else
                 "NO for " + ", ".join(differing) + ".")]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", default=DEFAULT_CASES, choices=list(CASES))
    parser.add_argument("--phases", nargs="+", default=["idle", "loaded"],
                        choices=["idle", "loaded"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--load", type=int, default=available_cpus(),
                        help="busy-loop processes in the loaded phase (default: one per CPU)")
    parser.add_argument("--load-warmup", type=float, default=20.0)
    parser.add_argument("--max-load-seconds", type=float, default=420.0,
                        help="the busy loops end by themselves after this long")
    parser.add_argument("--time-limit", type=float, default=10.0,
                        help="seconds after which an evaluation is killed and reported as such")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    removed = {name: os.environ.pop(name) for name in THREAD_ENV if name in os.environ}
    warnings.filterwarnings("ignore")
    # The worker imports this checkout, whatever the current directory.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p)

    def log(message: str) -> None:
        print(message, flush=True)

    started = time.perf_counter()
    info = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{platform.machine()}, {available_cpus()} CPUs available "
                       f"(os.cpu_count() = {os.cpu_count()})",
            "versions": f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
                        f"numpy {np.__version__}",
            "command": "`.venv/bin/python benchmarks/bench_threads.py"
                       + ("" if argv is None and len(sys.argv) == 1 else
                          " " + " ".join(sys.argv[1:] if argv is None else argv)) + "`",
            "repeats": str(args.repeats),
            "removed from the environment": ", ".join(f"{k}={v}" for k, v in removed.items())
                                            or "nothing"}
    rows = []
    for phase in args.phases:
        before = os.getloadavg()[0]
        if phase == "idle":
            rows += run_phase(phase, args.cases, args.repeats, args.time_limit, log)
        else:
            with cpu_load(args.load, args.max_load_seconds):
                log(f"{args.load} busy loops started; waiting {args.load_warmup:.0f} s")
                time.sleep(args.load_warmup)
                rows += run_phase(phase, args.cases, args.repeats, args.time_limit, log)
        loads = [row["loadavg_at_start"] for row in rows if row["phase"] == phase]
        info[f"{phase} phase"] = (f"1-min load average {before:.2f} at its start, "
                                  f"{os.getloadavg()[0]:.2f} at its end, median "
                                  f"{statistics.median(loads):.2f} over its evaluations "
                                  "(its own trials and any other user's included)"
                                  + (f"; {args.load} busy-loop processes" if phase == "loaded"
                                     else ""))
    info["total run time"] = f"{time.perf_counter() - started:.0f} s"
    args.output.mkdir(parents=True, exist_ok=True)
    with open(args.output / "bench_threads.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = summarize(rows, args.phases, args.cases, args.time_limit, info)
    (args.output / "bench_threads.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
