"""Why a learned first pick can lose to a family default: the optimism of choosing.

The warm start's first proposals are the configurations with the best (weighted) mean
normalized score on the meta-training datasets; the cold start's first are scikit-learn's
family defaults, chosen by no one. A configuration chosen as the best of 203 on ~85 datasets
looks better on them than it is (the winner's curse, or selection optimism); a default does
not. This measures that optimism, over the same five folds of source groups as the pool
benchmark (``metaautoml.benchmark.group_folds``, seed 0), on the shipped meta-database:

- **uniform**: the configurations ranked 1-10 by their mean min-max normalized score on a fold's
  training datasets (the greedy portfolio's first pick is rank 1), and the family default with
  the best training mean (the pool benchmark's ``cold_start`` first pick): their training mean
  against their mean on the fold's held-out datasets;
- **matched**: for each held-out dataset, the configuration with the best mean under the
  proposer's dataset weights for it (the shipped ``ProposerConfig`` of the task, with
  auto-sklearn's L1 matcher in place of the meta-trained one, which this script does not train
  per fold), against its score on the held-out dataset; and the same for the default with the
  best weighted mean. ``effective datasets`` is the weights' 1 / sum(w^2).

Paired over held-out datasets: the held-out score of the learned first pick minus that of the
default's, bootstrap 95 % CI, Wilcoxon signed-rank p, Holm over each task's two rows. Nothing
here is tuned; it is a diagnosis, not a method.

Usage::

    .venv/bin/python benchmarks/selection_optimism.py --output benchmarks/results/selection-optimism
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from metaautoml.benchmark import group_folds, holm_by, markdown_table, paired_test, write_run_notes
from metaautoml.matcher import L1Matcher
from metaautoml.metadb import MetaDB, MetaTrainingSet
from metaautoml.space import get_space
from metaautoml.warmstart import ProposerConfig, WarmStartProposer

N_FOLDS = 5
RANKS = 10


def default_columns(data: MetaTrainingSet) -> np.ndarray:
    """Pool columns of the task's family defaults."""
    space = get_space(data.task)
    ids = [space.config_id(c) for c in space.default_configs()]
    return np.array([data.config_ids.index(i) for i in ids if i in data.config_ids])


def run(data: MetaTrainingSet, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(ranks, picks)``: per fold and training rank, the training and held-out means; per
    held-out dataset, the uniform and matched first picks' and defaults' scores."""
    # Failed or missing evaluations count as the worst, as the greedy portfolio counts them.
    performance = np.nan_to_num(data.normalized("minmax"), nan=0.0)
    defaults = default_columns(data)
    config = ProposerConfig.for_task(data.task)
    ranks, picks = [], []
    for fold, test in enumerate(group_folds(data.groups, N_FOLDS, seed)):
        train = np.setdiff1d(np.arange(len(data.datasets)), test)
        train_mean, test_mean = performance[train].mean(0), performance[test].mean(0)
        order = np.argsort(-train_mean, kind="stable")
        default = int(defaults[np.argmax(train_mean[defaults])])
        for rank, column in enumerate(order[:RANKS], start=1):
            ranks.append({"task": data.task, "fold": fold, "pick": f"rank {rank}",
                          "family": data.configs[column]["family"],
                          "train": train_mean[column], "heldout": test_mean[column]})
        ranks.append({"task": data.task, "fold": fold, "pick": "best default",
                      "family": data.configs[default]["family"],
                      "train": train_mean[default], "heldout": test_mean[default]})
        training = data.subset([data.datasets[i] for i in train])
        proposer = WarmStartProposer(training, L1Matcher().fit(training), None, config)
        for i in test:
            weights = proposer.weights(data.meta_features.iloc[i])[0]
            weights = weights / weights.sum()
            weighted = weights @ performance[train]
            matched = int(np.argmax(weighted))
            matched_default = int(defaults[np.argmax(weighted[defaults])])
            picks.append({
                "task": data.task, "fold": fold, "dataset": data.datasets[i],
                "uniform_pick": performance[i, order[0]],
                "uniform_default": performance[i, default],
                "matched_pick": performance[i, matched],
                "matched_pick_train": weighted[matched],
                "matched_default": performance[i, matched_default],
                "matched_default_train": weighted[matched_default],
                "effective_datasets": 1.0 / float(np.sum(weights ** 2))})
    return pd.DataFrame(ranks), pd.DataFrame(picks)


def optimism_table(ranks: pd.DataFrame, picks: pd.DataFrame) -> pd.DataFrame:
    """Mean training and held-out score, and their difference, of each pick (folds averaged;
    the matched rows average over held-out datasets)."""
    rows = []
    for (task, pick), part in ranks.groupby(["task", "pick"], sort=False):
        rows.append({"task": task, "pick": f"uniform, {pick}", "train": part["train"].mean(),
                     "heldout": part["heldout"].mean()})
    for task, part in picks.groupby("task", sort=False):
        rows.append({"task": task, "pick": "matched, first pick",
                     "train": part["matched_pick_train"].mean(),
                     "heldout": part["matched_pick"].mean()})
        rows.append({"task": task, "pick": "matched, best default",
                     "train": part["matched_default_train"].mean(),
                     "heldout": part["matched_default"].mean()})
    table = pd.DataFrame(rows)
    table["optimism"] = table["train"] - table["heldout"]
    return table


def paired_table(picks: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Learned first pick minus default on the held-out datasets, uniform and matched."""
    rng = np.random.default_rng(seed)
    rows = []
    for task, part in picks.groupby("task", sort=False):
        for kind in ("uniform", "matched"):
            test = paired_test((part[f"{kind}_pick"] - part[f"{kind}_default"]).to_numpy(), rng)
            rows.append({"task": task, "weights": kind, "datasets": test.n,
                         "pick - default [95% CI]":
                             f"{test.mean:+.4f} [{test.ci_low:+.4f}, {test.ci_high:+.4f}]",
                         "pick worse/tie/better": test.record, "p": test.p})
    table = pd.DataFrame(rows)
    table["p (Holm)"] = holm_by(table)
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="meta-database (default: the shipped one)")
    parser.add_argument("--output", default="benchmarks/results/selection-optimism")
    args = parser.parse_args(argv)
    out = Path(args.output)
    db = MetaDB(args.db, readonly=True) if args.db else MetaDB.default()
    write_run_notes(out, __file__, sys.argv[1:] if argv is None else argv,
                    database={"path": str(args.db or "shipped (metaautoml/data/metadb.sqlite)")},
                    settings={"folds": N_FOLDS, "ranks": RANKS, "matcher": "L1"})
    results = [run(MetaTrainingSet.from_metadb(db, task)) for task in ("classification",
                                                                       "regression")]
    ranks = pd.concat([r for r, _ in results], ignore_index=True)
    picks = pd.concat([p for _, p in results], ignore_index=True)
    ranks.to_csv(out / "ranks.csv", index=False)
    picks.to_csv(out / "picks.csv", index=False)
    optimism = optimism_table(ranks, picks)
    paired = paired_table(picks)
    effective = picks.groupby("task")["effective_datasets"].describe()[["25%", "50%", "75%"]]
    families = (ranks[ranks["pick"].isin(["rank 1", "best default"])]
                .groupby(["task", "pick"])["family"]
                .agg(lambda s: ", ".join(f"{f} {n}" for f, n in s.value_counts().items()))
                .unstack())
    text = ["Mean min-max normalized score (1 = a dataset's best configuration in the pool) on "
            "the training datasets that chose a configuration, and on held-out ones; optimism "
            "= train - held-out.", "",
            markdown_table(optimism.set_index("task")), "",
            "The learned first pick against the default chosen the same way, on the held-out "
            "datasets:", "",
            markdown_table(paired.drop(columns="p").set_index("task")), "",
            "Effective number of training datasets behind a matched pick (1 / sum of squared "
            "weights; quartiles over held-out datasets):", "",
            markdown_table(effective), "",
            "Families of the uniform first pick and of the best default, over the folds:", "",
            markdown_table(families), ""]
    (out / "summary.md").write_text("\n".join(text))
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
