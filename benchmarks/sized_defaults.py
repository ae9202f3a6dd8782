"""Sized defaults in the meta-database: the warm start's first picks against the defaults users
get, offline.

The meta-database's pool holds each family's default at a reference size. For
HistGradientBoosting that is ``min_samples_leaf_fraction=0.01`` (scikit-learn's leaf of 20 at
2,000 rows), a leaf of about 4 on the database's median table of 600 rows; on small regression
tables the absolute leaf of 20 scores +0.125 r2 better (``hgb_default_leaf.py``). So every
offline result measured the warm start against a weaker default than the one a user's search
starts from (the cold start and the leading default are sized to the user's rows), and the
meta-learners learned from it. ``make metadb-sized-defaults`` evaluates each row-relative
default as scikit-learn's default on each dataset's own rows, into a copy of the shipped
database; :meth:`MetaTrainingSet.from_metadb` then puts those scores in the defaults' columns.

This script asks what that changes, on the copy's datasets held out in 5 folds of source groups
(``group_folds``, seed 0; the warm start meta-trained on the other folds by
``metaautoml.benchmark.fit_proposer``, the estimators' code path):

- ``plain``: the proposer trained on the pool's reference-size defaults (as shipped); a default
  it picks is proposed at the reference size (a leading default is sized, as the product does);
- ``sized``: the proposer trained with the sized defaults; a default it picks is proposed sized;
- ``cold``: the product's cold start, the families' sized defaults in registration order.

Every pick is scored by the meta-database's cross-validated score of what would be proposed (the
sized evaluation for a sized default, the pool's otherwise; a failed run counts as the dataset's
worst score). Per task: the first pick's score minus scikit-learn's HistGradientBoosting default
(the sized one: issue 24's criterion, the share within 0.02 and the mean), and the best score
after k = 1, 3, 5, 7 picks (the cold start has 7 defaults) compared in pairs over datasets:
mean, bootstrap 95 % CI, wins/ties/losses, Wilcoxon p, Holm within the task's table.

    .venv/bin/python benchmarks/sized_defaults.py --db build/metadb-sized.sqlite \\
        --output benchmarks/results/sized-defaults

Decision rule, fixed before the first run: the sized defaults are adopted (shipped in the
meta-database, so the shipped proposer trains on them) if, on both tasks, ``sized - plain`` is
at no k a significant loss (negative mean with Holm p < 0.05), and on at least one task the first
pick's share within 0.02 of the default rises or ``sized - plain`` is a significant gain at some
k. They ship only after live-v2's 120 s phase completes (they would change its product midway),
and only after a check on fresh tables at test time under the same rule. Otherwise they stay a
build option.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_pool_runs import to_markdown  # noqa: E402
from resumable_runs import write_summary  # noqa: E402

from metaautoml.benchmark import fit_proposer, group_folds, holm, paired_test  # noqa: E402
from metaautoml.metadb import MetaDB, MetaTrainingSet  # noqa: E402
from metaautoml.space import get_space  # noqa: E402
from metaautoml.warmstart import WarmStartProposer  # noqa: E402

MARGIN = 0.02
N_FOLDS = 5
SEED = 0
KS = (1, 3, 5, 7)
PAIRS = (("sized", "plain"), ("sized", "cold"), ("plain", "cold"))


def _filled(scores: np.ndarray) -> np.ndarray:
    """Scores with a failed run (NaN) at the row's worst recorded score."""
    worst = np.nanmin(np.where(np.isnan(scores), np.inf, scores), axis=1, keepdims=True)
    return np.where(np.isnan(scores), worst, scores)


def training_sets(db: MetaDB, task: str) -> tuple[MetaTrainingSet, MetaTrainingSet]:
    """The task's training sets without and with the sized defaults."""
    plain = MetaTrainingSet.from_metadb(db, task, sized_defaults=False)
    sized = MetaTrainingSet.from_metadb(db, task)
    if not sized.sized_defaults:
        raise SystemExit(f"{db.path} holds no complete sized defaults for {task}; run "
                         "`make metadb-sized-defaults` first")
    return plain, sized


def run_task(plain: MetaTrainingSet, sized: MetaTrainingSet,
             fit: Callable[[MetaTrainingSet], WarmStartProposer] = fit_proposer) -> pd.DataFrame:
    """One row per held-out dataset, method and k: the best score after k picks (``fit``
    meta-trains a warm start on the training folds)."""
    if plain.datasets != sized.datasets or plain.config_ids != sized.config_ids:
        raise ValueError("the plain and sized training sets differ in datasets or configurations")
    task = sized.task
    space = get_space(task)
    truth = {"plain": _filled(plain.scores), "sized": _filled(sized.scores)}
    columns = {config_id: j for j, config_id in enumerate(sized.config_ids)}
    cold = [columns[space.config_id(c)] for c in space.default_configs()]
    reference = truth["sized"][:, cold[0]]  # scikit-learn's HistGradientBoosting default
    rows = []
    for fold, test in enumerate(group_folds(sized.groups, N_FOLDS, SEED)):
        train = [sized.datasets[i] for i in np.setdiff1d(np.arange(sized.n_datasets), test)]
        orders = {"cold": {i: (cold, set(cold)) for i in test}}
        for variant, data in (("plain", plain), ("sized", sized)):
            proposer = fit(data.subset(train))
            orders[variant] = {}
            for i in test:
                order = proposer.order(data.meta_features.iloc[i], max(KS))
                # What is proposed sized: every sized column's pick, and a leading default.
                as_sized = set(order.defaults) | ({columns[c] for c in data.sized_defaults}
                                                  if variant == "sized" else set())
                orders[variant][i] = (order.chosen, as_sized)
        for method, by_dataset in orders.items():
            for i, (chosen, as_sized) in by_dataset.items():
                picked = [truth["sized" if j in as_sized else "plain"][i, j] for j in chosen]
                for k in KS:
                    rows.append({"task": task, "fold": fold, "dataset": sized.datasets[i],
                                 "method": method, "k": k, "best": float(np.max(picked[:k])),
                                 "first_family": sized.configs[chosen[0]]["family"],
                                 "reference": float(reference[i])})
        print(f"{task} fold {fold + 1} of {N_FOLDS}: {len(test)} datasets", flush=True)
    return pd.DataFrame(rows)


def summarize(results: pd.DataFrame, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    parts = [f"Sized defaults (`sized`) against the pool's reference-size defaults (`plain`) and "
             f"the cold start (`cold`), on the meta-database's datasets held out in {N_FOLDS} "
             f"group folds; cross-validated scores (a proxy: the live benchmarks measure test "
             f"scores on tables the database never saw).", ""]
    for task, part in results.groupby("task", sort=False):
        first = part[part["k"] == 1]
        table = []
        for method, rows in first.groupby("method", sort=False):
            diff = (rows["best"] - rows["reference"]).to_numpy()
            table.append({"method": method, "datasets": len(diff),
                          f"first pick within {MARGIN:g} of default HGB": float((diff >= -MARGIN).mean()),
                          "mean vs default HGB": float(diff.mean()),
                          "5th percentile": float(np.quantile(diff, 0.05)),
                          "first family (most often)": rows["first_family"].value_counts().index[0]})
        parts += [f"**{task}**: the first pick against scikit-learn's HistGradientBoosting default", "",
                  to_markdown(pd.DataFrame(table)), ""]
        wide = part.pivot_table(index=["dataset", "k"], columns="method", values="best")
        pairs = []
        for k in KS:
            at = wide.xs(k, level="k")
            for a, b in PAIRS:
                test = paired_test((at[a] - at[b]).to_numpy(), rng)
                pairs.append({"k": k, "pair": f"{a} - {b}", "mean": test.mean, "95% CI": test.ci,
                              "w/t/l": f"{test.wins}/{test.ties}/{test.losses}", "p": test.p})
        pairs = pd.DataFrame(pairs)
        pairs["p (Holm)"] = holm(pairs["p"].to_numpy())
        parts += [f"**{task}**: best score after k picks, in pairs", "",
                  to_markdown(pairs.drop(columns="p")), ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("build/metadb-sized.sqlite"),
                        help="a meta-database with sized defaults (make metadb-sized-defaults)")
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/sized-defaults"))
    parser.add_argument("--task", choices=("classification", "regression"), action="append")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"--db {args.db} not found; run `make metadb-sized-defaults` first")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with MetaDB(args.db, readonly=True) as db:
        results = pd.concat([run_task(*training_sets(db, task))
                             for task in args.task or ("classification", "regression")],
                            ignore_index=True)
    args.output.mkdir(parents=True, exist_ok=True)
    results.to_csv(args.output / "picks.csv", index=False)
    return write_summary(args.output, summarize(results), __file__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
