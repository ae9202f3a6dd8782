"""Does the learner that wins at 1,024 training rows still win on more rows? An outside check of
the meta-database's row cap, on LCDB.

Every meta-database evaluation is on at most 1,000 rows, so a hypothesis for the warm start's
weak first pick on larger tables is that what wins on 1,000 rows stops winning on more. LCDB
(Mohr et al., 2022; PyPI ``lcdb`` 0.1.0, MIT) holds learning curves of 20 scikit-learn
learners with default hyperparameters on OpenML classification datasets. For every dataset with
a curve point at 1,024 training rows, the learner with the best mean *validation* accuracy there
is picked; at each larger training size the script reports its mean *test* accuracy minus
GradientBoostingClassifier's (the library-default boosting model in LCDB), and its regret to the
best learner at that size, over datasets, with a bootstrap 95 % CI and a Wilcoxon signed-rank
p-value of the difference.

The data is not vendored (the meta-database issue imports it); point the script at the sdist::

    .venv/bin/pip download --no-deps --no-binary :all: lcdb==0.1.0 -d /tmp/lcdb
    .venv/bin/python benchmarks/lcdb_size_transfer.py --lcdb /tmp/lcdb/lcdb-0.1.0.tar.gz \\
        --output benchmarks/results/lcdb-size-transfer
"""

from __future__ import annotations

import argparse
import sys
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_pool_runs import to_markdown  # noqa: E402
from resumable_runs import write_summary  # noqa: E402

from metaautoml.benchmark import paired_test  # noqa: E402

PICK_SIZE = 1024
REFERENCE = "GradientBoostingClassifier"
SIZE_BINS = (PICK_SIZE - 1, PICK_SIZE, 2100, 4200, 8300, np.inf)
SIZE_LABELS = ("1,024", "~2k", "~4k", "~8k", ">8k")
COLUMNS = ["openmlid", "learner", "size_train", "score_valid", "score_test"]


def read_accuracy(path: Path) -> pd.DataFrame:
    """LCDB's accuracy curves from the sdist (``.tar.gz``) or an extracted CSV."""
    if path.suffix == ".gz":
        with tarfile.open(path) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith("database-accuracy.csv"))
            frame = pd.read_csv(archive.extractfile(member), usecols=COLUMNS)
    else:
        frame = pd.read_csv(path, usecols=COLUMNS)
    frame["learner"] = frame["learner"].str.split(".").str[-1]
    return frame


def transfer(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (dataset, size >= PICK_SIZE): the pick's test accuracy against the reference."""
    curves = frame.groupby(["openmlid", "learner", "size_train"])[["score_valid", "score_test"]].mean()
    rows = []
    for dataset, curve in curves.groupby(level="openmlid"):
        valid = curve["score_valid"].unstack("learner").droplevel("openmlid")
        test = curve["score_test"].unstack("learner").droplevel("openmlid")
        if PICK_SIZE not in valid.index or REFERENCE not in test:
            continue
        pick = valid.loc[PICK_SIZE].dropna().idxmax()
        for size in test.index[test.index >= PICK_SIZE]:
            scores = test.loc[size]
            if pd.isna(scores.get(pick)) or pd.isna(scores[REFERENCE]):
                continue
            rows.append({"openmlid": dataset, "size": size, "pick": pick,
                         "pick_minus_reference": scores[pick] - scores[REFERENCE],
                         "regret": scores.max() - scores[pick]})
    return pd.DataFrame(rows)


def summarize(rows: pd.DataFrame, seed: int = 0) -> str:
    rows = rows.assign(bin=pd.cut(rows["size"], SIZE_BINS, labels=SIZE_LABELS))
    rng = np.random.default_rng(seed)
    table = []
    for label, part in rows.groupby("bin", observed=True):
        # One value per dataset and bin (a dataset can have two sizes in a bin).
        diff = part.groupby("openmlid")["pick_minus_reference"].mean().to_numpy()
        regret = part.groupby("openmlid")["regret"].mean().to_numpy()
        test = paired_test(diff, rng)
        table.append({"training rows": label, "datasets": len(diff),
                      "pick - GB (mean)": test.mean, "95% CI": test.ci,
                      "pick > 0.02 below GB": f"{(diff < -0.02).mean():.1%}",
                      "p": test.p,
                      "pick's regret (mean)": regret.mean()})
    largest = rows.sort_values("size").groupby("openmlid").tail(1)
    largest = largest[largest["size"] > PICK_SIZE]
    picks = (rows.drop_duplicates("openmlid")["pick"].value_counts().rename("datasets")
             .rename_axis("learner picked at 1,024 rows").reset_index())
    return "\n\n".join([
        f"The learner with the best validation accuracy at {PICK_SIZE:,} training rows, scored by "
        f"test accuracy at each larger size against {REFERENCE} (LCDB, default hyperparameters; "
        "means over datasets; p: Wilcoxon signed-rank of pick - GB).",
        to_markdown(pd.DataFrame(table)),
        f"At each dataset's largest size above {PICK_SIZE:,} rows ({len(largest)} datasets): pick "
        f"- GB {largest['pick_minus_reference'].mean():.4f} on average, more than 0.02 below on "
        f"{(largest['pick_minus_reference'] < -0.02).mean():.1%}; the pick's regret to the best "
        f"learner there {largest['regret'].mean():.4f}.",
        to_markdown(picks)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lcdb", type=Path, required=True,
                        help="lcdb-0.1.0.tar.gz or its database-accuracy.csv")
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/lcdb-size-transfer"))
    args = parser.parse_args(argv)
    if not args.lcdb.is_file():
        parser.error(f"--lcdb {args.lcdb}: no such file")
    return write_summary(args.output, summarize(transfer(read_accuracy(args.lcdb))), __file__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
