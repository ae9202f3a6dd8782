"""How far small-data meta-knowledge transfers to larger tables: the rank correlation of learners
between a small and larger training sizes, on LCDB's learning curves.

Every meta-database evaluation is on at most 1,000 rows, so everything the warm start learns
ranks configurations as they do on small tables. LCDB (the import shipped with the package,
:class:`metaautoml.metadb.LearningCurves`; default hyperparameters, classification) measures the
same learners at many sizes. For every dataset with a curve point at 1,024 training rows, this
script takes the Spearman rank correlation of the learners' mean test accuracies at 1,024 rows
with those at each larger size, for all 20 learners and for the 7 that stand for the search
space's families, and reports the mean over datasets with a bootstrap 95 % CI. Per family, it
reports the family learner's mean rank among the 7 at 1,024 rows and at the dataset's largest
size above 8,000 rows, with a Wilcoxon signed-rank p-value of the shift (Holm-corrected over the
families): which families the size evidence moves up or down.

    .venv/bin/python benchmarks/size_rank_transfer.py --output benchmarks/results/size-rank-transfer
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_pool_runs import to_markdown  # noqa: E402
from resumable_runs import write_summary  # noqa: E402

from metaautoml.benchmark import holm, paired_test  # noqa: E402
from metaautoml.metadb import LearningCurves  # noqa: E402

SMALL = 1024
SIZE_BINS = (SMALL, 2100, 4200, 8300, 33000, np.inf)
SIZE_LABELS = ("~2k", "~4k", "~8k", "~16-32k", ">32k")
LARGE_FROM = 8000


def rank_correlations(curves: pd.DataFrame) -> pd.DataFrame:
    """One row per (dataset, size > SMALL, learner set): Spearman of the learners' test accuracy
    at SMALL rows with that at the size."""
    rows = []
    for dataset, curve in curves.groupby("openml_id"):
        table = curve.pivot_table(index="size_train", columns="learner", values="accuracy_test")
        family_learners = curve.dropna(subset=["family"])["learner"].unique()
        if SMALL not in table.index:
            continue
        for size in table.index[table.index > SMALL]:
            for learners, label in ((table.columns, "20 learners"), (family_learners, "7 family learners")):
                pair = table.loc[[SMALL, size], list(learners)].dropna(axis=1)
                if pair.shape[1] < 4 or pair.loc[SMALL].nunique() < 2 or pair.loc[size].nunique() < 2:
                    continue
                rho = spearmanr(pair.loc[SMALL], pair.loc[size]).statistic
                rows.append({"openml_id": dataset, "size": size, "learners": label, "rho": rho,
                             "n_learners": pair.shape[1]})
    return pd.DataFrame(rows)


def family_ranks(curves: pd.DataFrame) -> pd.DataFrame:
    """Per dataset and family: its learner's rank (1 = best) among the family learners at SMALL
    rows and at the dataset's largest size above LARGE_FROM (datasets with all 7 at both)."""
    family = curves.dropna(subset=["family"])
    rows = []
    for dataset, curve in family.groupby("openml_id"):
        table = curve.pivot_table(index="size_train", columns="family", values="accuracy_test")
        large = table.index[(table.index > LARGE_FROM) & table.notna().all(axis=1).to_numpy()]
        if SMALL not in table.index or not len(large) or table.loc[SMALL].isna().any():
            continue
        small_rank = table.loc[SMALL].rank(ascending=False)
        large_rank = table.loc[large.max()].rank(ascending=False)
        for name in table.columns:
            rows.append({"openml_id": dataset, "family": name, "rank_small": small_rank[name],
                         "rank_large": large_rank[name], "large_size": large.max()})
    return pd.DataFrame(rows)


def summarize(correlations: pd.DataFrame, ranks: pd.DataFrame, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    correlations = correlations.assign(bin=pd.cut(correlations["size"], SIZE_BINS, labels=SIZE_LABELS))
    table = []
    for (learners, label), part in correlations.groupby(["learners", "bin"], observed=True, sort=False):
        rho = part.groupby("openml_id")["rho"].mean().to_numpy()  # one value per dataset and bin
        test = paired_test(rho, rng)
        table.append({"learners": learners, "training rows (vs 1,024)": label, "datasets": len(rho),
                      "Spearman rho (mean)": test.mean, "95% CI": test.ci,
                      "median": float(np.median(rho)), "rho < 0.5": f"{(rho < 0.5).mean():.0%}"})
    shift = []
    for name, part in ranks.groupby("family"):
        test = paired_test((part["rank_small"] - part["rank_large"]).to_numpy(), rng)
        shift.append({"family": name, "datasets": len(part),
                      f"mean rank at {SMALL:,}": part["rank_small"].mean(),
                      f"mean rank above {LARGE_FROM:,}": part["rank_large"].mean(),
                      "rank gained (mean)": test.mean, "95% CI": test.ci, "p": test.p})
    shift = pd.DataFrame(shift)
    shift["p (Holm)"] = holm(shift["p"].to_numpy())
    shift = shift.sort_values("rank gained (mean)", ascending=False)
    return "\n\n".join([
        f"Spearman rank correlation of LCDB's learners (mean test accuracy, default "
        f"hyperparameters) between {SMALL:,} training rows and each larger size; one value per "
        "dataset and size bin, mean over datasets with a bootstrap 95 % CI.",
        to_markdown(pd.DataFrame(table)),
        f"Rank (1 = best of the 7) of each family's LCDB learner at {SMALL:,} rows and at the "
        f"dataset's largest size above {LARGE_FROM:,} rows; 'rank gained' > 0: better ranked on "
        "more rows (p: Wilcoxon signed-rank, Holm-corrected over the 7 families).",
        to_markdown(shift)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/size-rank-transfer"))
    args = parser.parse_args(argv)
    curves = LearningCurves.shipped().curves
    return write_summary(args.output, summarize(rank_correlations(curves), family_ranks(curves)),
                         __file__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
