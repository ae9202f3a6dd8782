"""How far small-data meta-knowledge transfers to larger tables: the rank correlation of learners
between a small and larger training sizes, on LCDB's learning curves and on the meta-database's
second fidelity.

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

The project's own source is the meta-database's second fidelity (``--db``; ``make
metadb-v2-fidelity``): the pool's first configurations (every family's default and a few sampled
ones of each) cross-validated on 5,000 rows of every dataset that has them, beside the same
configurations on the base matrix's 1,000. For every such dataset the script takes the Spearman
correlation of the configurations' CV scores (accuracy, r2) at the two sizes, over all of them
and within each family; and each family default's rank among the seven defaults at both sizes,
as for LCDB. A database without the fidelity gets the LCDB part alone.

    .venv/bin/python benchmarks/size_rank_transfer.py --output benchmarks/results/size-rank-transfer
    .venv/bin/python benchmarks/size_rank_transfer.py --db meta_db/build/metadb.sqlite \\
        --output benchmarks/results/size-rank-transfer
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
from metaautoml.metadb import LearningCurves, MetaDB  # noqa: E402
from metaautoml.space import get_space  # noqa: E402
from metaautoml.task import task_defaults  # noqa: E402

SMALL = 1024
SIZE_BINS = (SMALL, 2100, 4200, 8300, 33000, np.inf)
SIZE_LABELS = ("~2k", "~4k", "~8k", "~16-32k", ">32k")
LARGE_FROM = 8000
#: The second fidelity's rows (``metaautoml db build --fidelity-rows``).
FIDELITY_ROWS = 5000


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


def fidelity_tables(db: MetaDB, max_rows: int = FIDELITY_ROWS
                    ) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, pd.Series, dict[str, str]]]:
    """Per task with a ``max_rows`` fidelity: the CV scores of its configurations at the base size
    and at ``max_rows`` (datasets x configurations, the same labels), each configuration's family,
    and each family's default configuration id."""
    tables = {}
    for task in ("classification", "regression"):
        metric = task_defaults(task).metric
        high = db.fidelity_performance_matrix(metric, max_rows, task)
        if high.empty:
            continue
        base = db.performance_matrix(metric, task).reindex(index=high.index, columns=high.columns)
        configs = db.configurations(task).loc[high.columns, "config"]
        families = configs.map(lambda config: config["family"])
        space = get_space(task)
        defaults = {config["family"]: space.config_id(config) for config in space.default_configs()
                    if space.config_id(config) in set(high.columns)}
        tables[task] = (base, high, families, defaults)
    return tables


def fidelity_correlations(base: pd.DataFrame, high: pd.DataFrame, families: pd.Series) -> pd.DataFrame:
    """One row per dataset and configuration set (all, or one family's): the Spearman correlation
    of the configurations' scores in ``base`` with those in ``high``, where at least 4 (all) or 3
    (a family) are finite at both sizes and neither side is constant."""
    rows = []
    sets = [("all configurations", list(high.columns))] + [
        (name, list(part.index)) for name, part in families.groupby(families, sort=True)]
    for dataset in high.index:
        for label, columns in sets:
            small, large = base.loc[dataset, columns], high.loc[dataset, columns]
            keep = small.notna() & large.notna()
            if keep.sum() < (4 if label == "all configurations" else 3):
                continue
            small, large = small[keep], large[keep]
            if small.nunique() < 2 or large.nunique() < 2:
                continue
            rows.append({"dataset": dataset, "configurations": label, "n": int(keep.sum()),
                         "rho": spearmanr(small, large).statistic})
    return pd.DataFrame(rows, columns=["dataset", "configurations", "n", "rho"])


def fidelity_family_ranks(base: pd.DataFrame, high: pd.DataFrame, defaults: dict[str, str]
                          ) -> pd.DataFrame:
    """Per dataset and family: its default's rank (1 = best) among the family defaults at the base
    size and at the fidelity's (datasets with every default scored at both)."""
    columns = list(defaults.values())
    name_of = {config_id: family for family, config_id in defaults.items()}
    rows = []
    for dataset in high.index:
        small, large = base.loc[dataset, columns], high.loc[dataset, columns]
        if small.isna().any() or large.isna().any():
            continue
        small_rank, large_rank = small.rank(ascending=False), large.rank(ascending=False)
        for config_id in columns:
            rows.append({"dataset": dataset, "family": name_of[config_id],
                         "rank_small": small_rank[config_id], "rank_large": large_rank[config_id]})
    return pd.DataFrame(rows, columns=["dataset", "family", "rank_small", "rank_large"])


def summarize_fidelity(tables: dict, base_rows: int, max_rows: int, seed: int = 0) -> str:
    """The project-source section: the correlations and the family defaults' rank shift per task."""
    rng = np.random.default_rng(seed)
    correlation_rows, shift_rows = [], []
    for task, (base, high, families, defaults) in tables.items():
        correlations = fidelity_correlations(base, high, families)
        for label, part in correlations.groupby("configurations", sort=False):
            rho = part["rho"].to_numpy()
            test = paired_test(rho, rng)
            correlation_rows.append({
                "task": task, "configurations": label, "datasets": len(rho),
                "configurations per dataset (median)": float(part["n"].median()),
                "Spearman rho (mean)": test.mean, "95% CI": test.ci,
                "median": float(np.median(rho)), "rho < 0.5": f"{(rho < 0.5).mean():.0%}"})
        ranks = fidelity_family_ranks(base, high, defaults)
        shift = []
        for name, part in ranks.groupby("family"):
            test = paired_test((part["rank_small"] - part["rank_large"]).to_numpy(), rng)
            shift.append({"task": task, "family": name, "datasets": len(part),
                          f"mean rank at {base_rows:,}": part["rank_small"].mean(),
                          f"mean rank at {max_rows:,}": part["rank_large"].mean(),
                          "rank gained (mean)": test.mean, "95% CI": test.ci, "p": test.p})
        if shift:
            shift = pd.DataFrame(shift)
            shift["p (Holm)"] = holm(shift["p"].to_numpy())
            shift_rows.append(shift.sort_values("rank gained (mean)", ascending=False))
    if not correlation_rows:
        return (f"The meta-database holds no {max_rows:,}-row fidelity yet "
                "(`make metadb-v2-fidelity`), so the project's own source is not reported.\n")
    parts = [
        f"The meta-database's second fidelity: Spearman rank correlation of the configurations' "
        f"cross-validated scores (accuracy, r2) on {base_rows:,} rows (the base matrix) with "
        f"those on {max_rows:,} rows, over all the fidelity's configurations and within each "
        "family (its default and sampled ones); one value per dataset, mean over datasets with a "
        "bootstrap 95 % CI.",
        to_markdown(pd.DataFrame(correlation_rows))]
    if shift_rows:
        parts += [f"Rank (1 = best of the 7) of each family's default at {base_rows:,} and at "
                  f"{max_rows:,} rows; 'rank gained' > 0: better ranked on more rows (p: Wilcoxon "
                  "signed-rank, Holm-corrected over each task's families).",
                  to_markdown(pd.concat(shift_rows, ignore_index=True))]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None,
                        help="meta-database whose second fidelity to read (default: the shipped one)")
    parser.add_argument("--fidelity-rows", type=int, default=FIDELITY_ROWS,
                        help="the second fidelity's rows (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/size-rank-transfer"))
    args = parser.parse_args(argv)
    curves = LearningCurves.shipped().curves
    summary = summarize(rank_correlations(curves), family_ranks(curves))
    with (MetaDB(args.db, readonly=True) if args.db else MetaDB.default()) as db:
        base_rows = int(db.get_meta("build.max_rows") or 1000)
        summary += "\n" + summarize_fidelity(fidelity_tables(db, args.fidelity_rows), base_rows,
                                             args.fidelity_rows)
    return write_summary(args.output, summary, __file__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
