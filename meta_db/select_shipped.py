"""Choose the datasets of the shipped meta-database and write ``shipped_datasets.txt``.

The list ships next to the corpus manifest, in ``metaautoml/corpus/`` (``make metadb`` builds
on it; the live benchmark prefers datasets outside it).

The rule, so the list can be regenerated and argued with:

- classification: one dataset per group (the first in manifest order -- the UCI copy where the
  corpus has one), so near-copies of one source do not count twice;
- regression: one dataset per group among those with at least 100 rows. Every such group is
  used: with the 30 of the first builds the regression warm start had too few meta-training
  datasets to beat the baselines (docs/benchmarks.md), and the fixed-seed sample of at most 60
  that followed took all of the 59 the corpus then had.

Run from the repository root: ``.venv/bin/python meta_db/select_shipped.py``. While a larger
database is being built, its list goes elsewhere (``--output meta_db/build/datasets-v2.txt``), so
that ``shipped_datasets.txt`` keeps naming what the shipped database holds until it is replaced;
``--task regression`` writes one task's part, for a build that finishes that task first.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from metaautoml.corpus import default_manifest_path, load_manifest

MIN_REGRESSION_ROWS = 100
OUTPUT = default_manifest_path().with_name("shipped_datasets.txt")


def select() -> list[str]:
    entries = load_manifest()
    chosen, seen = [], set()
    for entry in entries:
        if entry.task == "classification" and entry.group not in seen:
            seen.add(entry.group)
            chosen.append(entry.name)
    regression, seen = [], set()
    for entry in entries:
        if entry.task == "regression" and entry.n_rows >= MIN_REGRESSION_ROWS and entry.group not in seen:
            seen.add(entry.group)
            regression.append(entry.name)
    return chosen + regression


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where to write (default: {OUTPUT})")
    parser.add_argument("--task", choices=("classification", "regression"), default=None,
                        help="only this task's datasets (a build can finish one task first)")
    args = parser.parse_args()
    output = args.output
    task_of = {entry.name: entry.task for entry in load_manifest()}
    names = [name for name in select() if args.task in (None, task_of[name])]
    output.write_text("".join(f"{name}\n" for name in names))
    print(f"wrote {len(names)} dataset names to {output}")
