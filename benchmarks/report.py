"""Write docs/benchmarks.md and its figures from the benchmarks' raw results on disk.

Reads what ``pool_benchmark.py`` and ``live_benchmark.py`` wrote (``--pool`` and ``--live``
directories), draws the regret and rank figures, and writes the page with the exact command
lines the results came from (each script records its own in ``run.json``) and the machine they
ran on. Nothing is recomputed: rerun the benchmarks to change the numbers.

Usage::

    .venv/bin/python benchmarks/report.py
    .venv/bin/python benchmarks/report.py --pool benchmarks/results/pool --live benchmarks/results/live \\
        --output docs/benchmarks.md --figures docs/figures
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pandas as pd

from metaautoml.benchmark import summarize, trials_to_target
from metaautoml.benchmark._live import LIVE_METHODS, read_curves, read_results
from metaautoml.benchmark._report import (
    LIVE_METHOD_NOTES,
    POOL_METHOD_NOTES,
    _ordered,
    live_section,
    plot_live,
    plot_pool,
    pool_section,
)

REPO = Path(__file__).resolve().parents[1]


def _run_notes(directory: Path) -> dict:
    path = directory / "run.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _method_list(notes: dict[str, str], methods) -> str:
    return "\n".join(f"- `{m}`: {notes.get(m, '')}" for m in methods)


def build_page(pool_dir: Path, live_dir: Path, output: Path, figures_dir: Path) -> str:
    page_dir = output.parent
    sections = ["# Benchmarks", "",
                "Every number on this page is read from the raw results in `benchmarks/results/` "
                "by `benchmarks/report.py`; the commands below regenerate them. Regret and ranks "
                "are means over held-out datasets; bands in the figures are 95 % intervals "
                "(1.96 standard errors).", ""]
    regenerate = ["```sh"]
    pool_runs = sorted(pool_dir.glob("raw_*.csv")) if pool_dir.exists() else []
    pool_notes = _run_notes(pool_dir)
    live_notes = _run_notes(live_dir)
    if pool_notes.get("command"):
        regenerate.append(pool_notes["command"])
    if live_notes.get("command"):
        regenerate.append(live_notes["command"])
    regenerate += [f".venv/bin/python benchmarks/report.py --pool {_rel(pool_dir)} --live {_rel(live_dir)} "
                   f"--output {_rel(output)} --figures {_rel(figures_dir)}", "```", ""]
    sections += ["## Regenerate", "", "The benchmark scripts resume from the raw CSV files they "
                 "find (pass `--force` to start afresh):", "", *regenerate]
    machine = pool_notes.get("machine") or live_notes.get("machine")
    if machine:
        sections += ["Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()) + ".", ""]

    sections += ["## Offline: leave-groups-out over the meta-database", ""]
    if pool_runs:
        results = pd.concat([pd.read_csv(p) for p in pool_runs], ignore_index=True)
        database = pool_notes.get("database", {})
        if database:
            sections += [f"Meta-database: `{database.get('path')}` -- "
                         + "; ".join(f"{task}: {d['datasets']} datasets x {d['configs']} "
                                     f"configurations ({d['groups']} source groups, metric "
                                     f"{d['metric']})" for task, d in database.get("tasks", {}).items())
                         + ". The meta-learners train on the largest complete sub-matrix of the "
                         "build; each fold's held-out groups are left out of every model and "
                         "portfolio, and their pool scores are looked up in the matrix.", ""]
        sections += ["Methods:", "", _method_list(POOL_METHOD_NOTES, _present(results)), ""]
        figures = plot_pool(results, figures_dir)
        sections += [pool_section(summarize(results), trials_to_target(results), figures, page_dir)]
    else:
        sections += [f"No results in `{_rel(pool_dir)}` yet: run `benchmarks/pool_benchmark.py`.", ""]

    sections += ["## Live: searches on datasets outside the meta-database", ""]
    results = read_results(live_dir / "raw.csv")
    if len(results):
        curves = read_curves(live_dir / "curves.csv", results)
        sections += ["Each method is fitted on the training part of an outer split and scored on "
                     "its test part; the warm start is meta-trained without the dataset's source "
                     "group. Methods:", "", _method_list(LIVE_METHOD_NOTES, _ordered(_present(results), LIVE_METHODS)), ""]
        if live_notes.get("database"):
            sections += [f"Meta-database the warm start learned from: `{live_notes['database']['path']}`.", ""]
        if live_notes.get("settings"):
            sections += ["Settings: " + ", ".join(f"{k} {v}" for k, v in live_notes["settings"].items())
                         + ".", ""]
        figures = plot_live(curves, figures_dir)
        sections += [live_section(results, curves, figures, page_dir)]
    else:
        sections += [f"No results in `{_rel(live_dir)}` yet: run `benchmarks/live_benchmark.py`.", ""]
    return "\n".join(sections).rstrip() + "\n"


def _present(results: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(results["method"]))


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, default=REPO / "benchmarks/results/pool")
    parser.add_argument("--live", type=Path, default=REPO / "benchmarks/results/live")
    parser.add_argument("--output", type=Path, default=REPO / "docs/benchmarks.md")
    parser.add_argument("--figures", type=Path, default=REPO / "docs/figures")
    args = parser.parse_args(argv)
    page = build_page(args.pool, args.live, args.output, args.figures)
    tmp = args.output.with_suffix(".md.tmp")
    tmp.write_text(page)
    os.replace(tmp, args.output)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
