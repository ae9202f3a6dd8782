"""The matcher judged on a meta-dataset nobody here built or tuned on: algorithm selection on LCDB.

LCDB (Mohr et al., 2022; PyPI ``lcdb`` 0.1.0, MIT) evaluated 20 scikit-learn classifiers with
default hyperparameters on OpenML datasets and ships OpenML's dataset qualities. Here each
dataset's "pool" is the 20 learners, scored by mean test accuracy at the largest training size
every learner that ran on the dataset reached (a learner that never ran there counts as failed,
normalized score 0). Datasets need OpenML qualities and at least ``--min-learners`` learners.

The shipped pool benchmark (:func:`metaautoml.benchmark.run_pool_benchmark`) then holds the
datasets out (leave-one-dataset-out by default; ``--folds 10`` retrains 10 times instead of once
per dataset, which the learned matcher needs hours for on two cores): the learned dataset matcher's weighted portfolio
(``matcher``, meta-trained on the other datasets with the shipped ``MatcherConfig``) against
L1-kNN, 1-NN, the greedy portfolio, FLAML's zero-shot ranking and random order. Regret@k as in the
pool benchmark; the matcher against each baseline: paired mean difference with a bootstrap 95 %
CI and a Wilcoxon signed-rank p-value, Holm-corrected over the table. The meta-features are
OpenML's qualities (counts on a log scale), plus the four FLAML matches on, named as the
project's meta-features are. No setting was tuned on this data.

    .venv/bin/pip download --no-deps --no-binary :all: lcdb==0.1.0 -d /tmp/lcdb
    .venv/bin/python benchmarks/lcdb_selection.py --lcdb /tmp/lcdb/lcdb-0.1.0.tar.gz \\
        --output benchmarks/results/lcdb-selection
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
from lcdb_size_transfer import read_accuracy  # noqa: E402
from resumable_runs import write_summary  # noqa: E402

from metaautoml.benchmark import (  # noqa: E402
    PoolBenchmarkConfig,
    paired_comparison,
    run_pool_benchmark,
    summarize,
    write_results,
)
from metaautoml.metadb import MetaTrainingSet  # noqa: E402

METHODS = ("random", "portfolio", "l1_knn", "one_nn", "flaml_zeroshot", "matcher")
BASELINES = ("portfolio", "l1_knn", "one_nn", "flaml_zeroshot", "random")
K_VALUES = (1, 3, 5, 10)
#: OpenML qualities that count things: compared on a log scale, as the project's own are.
COUNT_PREFIXES = ("Number", "MajorityClassSize", "MinorityClassSize", "Max", "Mean", "Min",
                  "Quartile", "EquivalentNumberOfAtts")


def read_qualities(path: Path) -> pd.DataFrame:
    """OpenML's dataset qualities from LCDB's ``datasets.csv`` (sdist or extracted file)."""
    if path.suffix == ".gz":
        with tarfile.open(path) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith("/datasets.csv"))
            return pd.read_csv(archive.extractfile(member))
    return pd.read_csv(path.with_name("datasets.csv"))


def meta_features(qualities: pd.DataFrame) -> pd.DataFrame:
    """Numeric qualities, heavy-tailed ones as ``sign(x) log1p(|x|)``, indexed by dataset name,
    with the four columns FLAML's zero-shot matching uses under the project's names."""
    frame = qualities.set_index("openmlid").drop(columns=["Name"]).apply(pd.to_numeric, errors="coerce")
    frame = frame.loc[:, frame.notna().any() & (frame.nunique() > 1)]
    logged = [c for c in frame if c.startswith(COUNT_PREFIXES) and "Percentage" not in c
              and not c.startswith(("MaxMutual", "MeanMutual", "MinMutual"))]
    frame[logged] = np.sign(frame[logged]) * np.log1p(frame[logged].abs())
    frame["log_n_rows"] = np.log(qualities.set_index("openmlid")["NumberOfInstances"])
    frame["log_n_features"] = np.log(qualities.set_index("openmlid")["NumberOfFeatures"])
    frame["n_classes"] = qualities.set_index("openmlid")["NumberOfClasses"]
    frame["numeric_share"] = qualities.set_index("openmlid")["PercentageOfNumericFeatures"] / 100
    frame.index = [f"openml-{i}" for i in frame.index]
    return frame


def selection_set(accuracy: pd.DataFrame, qualities: pd.DataFrame,
                  min_learners: int) -> tuple[MetaTrainingSet, pd.DataFrame]:
    """LCDB as a :class:`MetaTrainingSet` whose pool is the learners, and each dataset's size."""
    curves = accuracy.groupby(["openmlid", "learner", "size_train"])["score_test"].mean()
    curves = curves.unstack("learner")
    learners = sorted(curves.columns)
    features = meta_features(qualities)
    rows, scores, sizes = [], [], []
    for openmlid, curve in curves.groupby(level="openmlid"):
        name = f"openml-{openmlid}"
        curve = curve.droplevel("openmlid")
        ran = curve.columns[curve.notna().any()]
        common = curve[ran].dropna()
        if name not in features.index or len(ran) < min_learners or common.empty:
            continue
        size = int(common.index.max())
        rows.append(name)
        scores.append(curve.loc[size].reindex(learners).to_numpy(dtype=float))
        sizes.append({"dataset": name, "size": size, "learners": len(ran)})
    features = features.loc[rows]
    info = pd.DataFrame({"n_rows": np.exp(features["log_n_rows"]).round(),
                         "n_features": np.exp(features["log_n_features"]).round(),
                         "n_classes": features["n_classes"], "group": rows}, index=rows)
    configs = [{"family": learner} for learner in learners]
    training = MetaTrainingSet(task="classification", metric="accuracy", datasets=rows, groups=rows,
                               meta_features=features, views={}, configs=configs,
                               config_ids=learners, encodings=np.eye(len(learners), dtype=np.float32),
                               scores=np.array(scores), info=info)
    return training, pd.DataFrame(sizes)


def summarize_selection(results: pd.DataFrame, sizes: pd.DataFrame) -> str:
    summary = summarize(results, k_values=K_VALUES)
    regret = summary.pivot(index="method", columns="k", values="regret").reindex(list(METHODS))
    regret.columns = [f"k={k}" for k in regret.columns]
    paired = paired_comparison(results, method="matcher", baselines=BASELINES, k_values=K_VALUES)
    cells = paired.assign(
        difference=paired["difference"].map("{:+.4f}".format),
        ci=[f"[{lo:+.4f}, {hi:+.4f}]" for lo, hi in zip(paired["ci_low"], paired["ci_high"], strict=True)],
        record=[f"{w}/{t}/{lo}" for w, t, lo in zip(paired["wins"], paired["ties"], paired["losses"], strict=True)],
        verdict=paired["significant"].replace({"better": "matcher better", "worse": "matcher worse",
                                               "": "not significant"}))
    cells = cells[["baseline", "k", "difference", "ci", "record", "p", "p_holm", "verdict"]]
    cells.columns = ["matcher vs", "k", "baseline - matcher", "95% CI", "wins/ties/losses",
                     "p", "p (Holm)", "verdict"]
    n, folds = results["dataset"].nunique(), results["fold"].nunique()
    protocol = ("leave-one-dataset-out" if folds == n
                else f"{folds} folds of datasets (every model retrained {folds} times)")
    return "\n\n".join([
        f"Algorithm selection on LCDB, {protocol} over {n} OpenML datasets "
        f"({results['k'].max()} learners; median training size {sizes['size'].median():,.0f} "
        f"rows, range {sizes['size'].min():,}-{sizes['size'].max():,}). Mean normalized regret "
        "of the best of the first k learners (lower is better):",
        to_markdown(regret.reset_index().rename(columns={"index": "method"})),
        "The learned matcher against each baseline, dataset by dataset (positive: the matcher's "
        "regret is lower; p: Wilcoxon signed-rank, Holm-corrected over the table):",
        to_markdown(cells)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lcdb", type=Path, required=True,
                        help="lcdb-0.1.0.tar.gz, or the database-accuracy.csv extracted from it "
                             "(datasets.csv beside it)")
    parser.add_argument("--min-learners", type=int, default=18,
                        help="datasets on which fewer learners ran are left out (default 18 of 20)")
    parser.add_argument("--folds", default="loo",
                        help="folds of datasets, or 'loo' (default) for one dataset per fold")
    parser.add_argument("--seed", type=int, default=0, help="seeds the folds and random orders")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/lcdb-selection"))
    args = parser.parse_args(argv)
    if not args.lcdb.is_file():
        parser.error(f"--lcdb {args.lcdb}: no such file")
    training, sizes = selection_set(read_accuracy(args.lcdb), read_qualities(args.lcdb),
                                    args.min_learners)
    print(f"{training.n_datasets} datasets x {training.n_configs} learners", flush=True)
    args.output.mkdir(parents=True, exist_ok=True)
    config = PoolBenchmarkConfig(methods=METHODS, horizon=training.n_configs, seed=args.seed,
                                 n_folds=None if args.folds == "loo" else int(args.folds))
    results = run_pool_benchmark(training, config, n_jobs=args.n_jobs,
                                 checkpoints=args.output / "folds", progress=None)
    write_results(results, args.output / "raw_classification.csv")
    sizes.to_csv(args.output / "sizes.csv", index=False)
    return write_summary(args.output, summarize_selection(results, sizes), __file__, argv,
                         resumed=True)


if __name__ == "__main__":
    raise SystemExit(main())
