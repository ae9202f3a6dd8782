"""Choose the datasets of the shipped meta-database and write ``shipped_datasets.txt``.

The list ships next to the corpus manifest, in ``metaautoml/corpus/`` (``make metadb`` builds
on it; the live benchmark prefers datasets outside it).

The rule, so the list can be regenerated and argued with:

- classification: one dataset per group (the first in manifest order -- the UCI copy where the
  corpus has one), so near-copies of one source do not count twice;
- regression: one dataset per group among those with at least 100 rows, then a fixed-seed sample
  of at most ``N_REGRESSION`` of them. It is above the 59 such groups the corpus has today, so
  every one is used: with the 30 of the first builds the regression warm start had too few
  meta-training datasets to beat the baselines (docs/benchmarks.md).

Run from the repository root: ``.venv/bin/python meta_db/select_shipped.py``.
"""

from __future__ import annotations

import numpy as np

from metaautoml.corpus import default_manifest_path, load_manifest

N_REGRESSION = 60
MIN_REGRESSION_ROWS = 100
SEED = 0
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
    picked = np.random.default_rng(SEED).choice(len(regression), size=min(N_REGRESSION, len(regression)),
                                                replace=False)
    return chosen + [regression[i] for i in sorted(picked)]


if __name__ == "__main__":
    names = select()
    OUTPUT.write_text("".join(f"{name}\n" for name in names))
    print(f"wrote {len(names)} dataset names to {OUTPUT}")
