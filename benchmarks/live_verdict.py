"""Issue 24's criteria, read off live benchmark runs: does the warm start win where users feel it?

For every run given (``--run BUDGET:DIRECTORY``, one per task and time budget, as ``make
live-v2`` writes them), on the dataset-seed splits where every method finished:

- **mean rank** among the issue's peers (``metaautoml_warm``, ``metaautoml_cold``,
  ``optuna_tpe``, ``flaml_time``, ``flaml_zeroshot``, ``hgb_default``), and again with the
  post-hoc ensemble (``metaautoml_warm_ensemble``) in the warm start's place;
- ``metaautoml_warm``'s **paired test-score difference** against each peer over datasets (mean
  over seeds), bootstrap 95 % CI, Wilcoxon signed-rank p, Holm over the run's peers (the
  same test as the results page's live tables);
- the **ensemble's gain** over the best single model (``metaautoml_warm_ensemble`` minus
  ``metaautoml_warm``);
- the **first model alone** (``metaautoml_first``, ``n_trials=1``) against default
  HistGradientBoosting: the share of datasets within 0.02 of it.

Then each done-when criterion is checked, mechanically: warm has the best mean rank; on
classification its gain over FLAML AutoML (``flaml_time``) and over the cold search
(``metaautoml_cold``) is positive with Holm p < 0.05; on regression no peer beats it
significantly; the first model is within 0.02 of HGB on >= 90 % of datasets. And the rule fixed
before the runs (Makefile, ``live-v2``): the regressor's default ``ensemble_size`` becomes 50 if
the ensemble's mean gain on regression is >= 0 at every budget. A run still in progress is
judged on its complete splits, and says so.

    .venv/bin/python benchmarks/live_verdict.py \\
        --run 30:benchmarks/results/live-v2-30-classification --run 30:benchmarks/results/live-v2-30-regression \\
        --run 120:benchmarks/results/live-v2-120-classification --run 120:benchmarks/results/live-v2-120-regression \\
        --output benchmarks/results/live-v2-verdict
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_pool_runs import to_markdown  # noqa: E402
from resumable_runs import write_summary  # noqa: E402

from metaautoml.benchmark import (  # noqa: E402
    FIRST_MODEL_MARGIN,
    complete_units,
    first_model_summary,
    live_paired_comparison,
    read_results,
)

WARM = "metaautoml_warm"
ENSEMBLE = "metaautoml_warm_ensemble"
PEERS = ("metaautoml_cold", "optuna_tpe", "flaml_time", "flaml_zeroshot", "hgb_default")
#: Classification's peers the warm start must beat significantly.
MUST_BEAT = ("flaml_time", "metaautoml_cold")
FIRST_MODEL_SHARE = 0.9
ALPHA = 0.05


def read_runs(runs: list[tuple[str, Path]]) -> pd.DataFrame:
    """Every run's raw results with its ``budget``; runs without results yet are skipped."""
    frames = []
    for budget, directory in runs:
        results = read_results(directory / "raw.csv")
        if len(results):
            frames.append(results.assign(budget=budget))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def mean_ranks(results: pd.DataFrame, searcher: str) -> pd.Series:
    """Mean rank by test score within each split, among ``searcher`` and :data:`PEERS`."""
    methods = [searcher, *PEERS]
    frame = results[results["method"].isin(methods)]
    frame = frame.assign(rank=frame.groupby(["dataset", "seed"])["test_score"]
                         .rank(ascending=False, method="average"))
    return frame.groupby("method")["rank"].mean().reindex(methods)


def judge(results: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per budget and task: the ranks, the paired comparison and the criteria's verdicts."""
    rank_rows, paired_rows, verdicts = [], [], []
    for (budget, task), part in results.groupby(["budget", "task"], sort=False):
        complete = complete_units(part)
        splits = complete[["dataset", "seed"]].drop_duplicates()
        planned = part[["dataset", "seed"]].drop_duplicates()
        if complete.empty:
            verdicts.append({"budget": budget, "task": task, "criterion": "complete splits",
                             "value": f"0 of {len(planned)}+", "met": "n/a"})
            continue
        ranks = mean_ranks(complete, WARM)
        with_ensemble = mean_ranks(complete, ENSEMBLE) if ENSEMBLE in set(complete["method"]) else None
        for method, rank in ranks.items():
            rank_rows.append({"budget": budget, "task": task, "method": method, "mean rank": rank,
                              "with the ensemble": (with_ensemble.get(method, np.nan)
                                                    if with_ensemble is not None and method != WARM
                                                    else np.nan)})
        if with_ensemble is not None:
            rank_rows.append({"budget": budget, "task": task, "method": ENSEMBLE,
                              "mean rank": np.nan, "with the ensemble": with_ensemble[ENSEMBLE]})
        paired = live_paired_comparison(complete)
        paired = paired[paired["task"] == task]
        for row in paired.itertuples():
            paired_rows.append({"budget": budget, "task": task, "warm vs": row.peer,
                                "datasets": row.datasets, "warm - peer": row.difference,
                                "95% CI": f"[{row.ci_low:+.4f}, {row.ci_high:+.4f}]",
                                "w/t/l": f"{row.wins}/{row.ties}/{row.losses}",
                                "p (Holm)": row.p_holm})
        by_peer = paired.set_index("peer")
        found: list[tuple[str, str, str]] = []
        add = found.append  # (criterion, value, met)
        add(("complete splits", f"{len(splits)} of {len(planned)} begun "
            f"({splits['dataset'].nunique()} datasets)", ""))
        others = ranks.drop(WARM).dropna()
        add(("warm has the best mean rank", f"{ranks[WARM]:.2f} vs best peer "
            f"{others.idxmin()} {others.min():.2f}", _yes(ranks[WARM] < others.min())))
        if task == "classification":
            for peer in MUST_BEAT:
                if peer in by_peer.index:
                    row = by_peer.loc[peer]
                    add((f"warm beats {peer} (gain > 0, Holm p < {ALPHA})",
                        f"{row['difference']:+.4f}, p = {_p(row['p_holm'])}",
                        _yes(row["difference"] > 0 and row["p_holm"] < ALPHA)))
        else:
            worse = [peer for peer, row in by_peer.iterrows()
                     if peer in PEERS and row["difference"] < 0 and row["p_holm"] < ALPHA]
            add(("no peer significantly better than warm",
                 ", ".join(worse) if worse else "none", _yes(not worse)))
        if ENSEMBLE in by_peer.index:
            row = by_peer.loc[ENSEMBLE]
            add(("ensemble gain over the best single model (reported)",
                f"{-row['difference']:+.4f} [{-row['ci_high']:+.4f}, {-row['ci_low']:+.4f}], "
                f"p = {_p(row['p'])}", ""))
        first = first_model_summary(complete)
        first = first[first["task"] == task]
        if len(first):
            share = float(first["within_margin"].iloc[0])
            add((f"first model within {FIRST_MODEL_MARGIN:g} of default HGB on >= "
                f"{FIRST_MODEL_SHARE:.0%} of datasets", f"{share:.0%} of {int(first['datasets'].iloc[0])} "
                f"(worst {first['worst_dataset'].iloc[0]} {first['worst'].iloc[0]:+.4f})",
                _yes(share >= FIRST_MODEL_SHARE)))
        verdicts += [{"budget": budget, "task": task, "criterion": criterion, "value": value,
                      "met": met} for criterion, value, met in found]
    return pd.DataFrame(rank_rows), pd.DataFrame(paired_rows), pd.DataFrame(verdicts)


def ensemble_rule(results: pd.DataFrame, budgets: list[str]) -> str:
    """The rule fixed before live-v2 for the regressor's default ``ensemble_size``.

    It is applied once every budget's run has finished the same dataset-seed splits (the budgets
    run the same tables and seeds): a run in progress is a subset, and its mean is not the rule's.
    """
    rule = ("The rule for the regressor's default `ensemble_size` (50 if the ensemble's mean "
            "gain on regression is >= 0 at every budget)")
    regression = results[results["task"] == "regression"]
    complete = {budget: complete_units(regression[regression["budget"] == budget])
                for budget in budgets}
    splits = {budget: set(map(tuple, rows[["dataset", "seed"]].drop_duplicates().to_numpy()))
              for budget, rows in complete.items()}
    every = set().union(*splits.values())
    short = [f"{len(splits[b])} of {len(every)} splits complete at {b} s" for b in budgets
             if not every or splits[b] != every]
    if short:
        return f"{rule} cannot be applied yet: " + ("no complete regression splits" if not every
                                                     else "; ".join(short)) + "."
    gains = {}
    for budget in budgets:
        wide = complete[budget].groupby(["dataset", "method"])["test_score"].mean().unstack()
        if ENSEMBLE not in wide or WARM not in wide:
            return f"{rule} cannot be applied: the run at {budget} s lacks {ENSEMBLE} or {WARM}."
        gains[budget] = float((wide[ENSEMBLE] - wide[WARM]).mean())
    verdict = all(gain >= 0 for gain in gains.values())
    said = ", ".join(f"{gain:+.4f} at {budget} s" for budget, gain in gains.items())
    return (f"The rule for the regressor's default `ensemble_size`: the ensemble's mean gain on "
            f"regression is {said}, so the default "
            + ("becomes 50." if verdict else "stays 0."))


def summarize(results: pd.DataFrame, budgets: list[str]) -> str:
    if results.empty:
        return "No live results yet.\n"
    ranks, paired, verdicts = judge(results)
    parts = ["Issue 24's criteria on the live runs' complete splits (every method finished). "
             "`met`: yes / no, empty where the issue asks only for the number.", "",
             to_markdown(verdicts), ""]
    if len(ranks):
        parts += ["Mean rank by test score within each split among the issue's peers "
                  "(`with the ensemble`: the post-hoc ensemble in the warm start's place):", "",
                  to_markdown(ranks), ""]
    if len(paired):
        parts += ["`metaautoml_warm`'s test score minus each peer's, over datasets (mean over "
                  "seeds), bootstrap 95 % CI, Wilcoxon signed-rank p with Holm over the peers:", "",
                  to_markdown(paired), ""]
    if ENSEMBLE in set(results["method"]):  # a run without the ensemble arm has no rule to apply
        parts += [ensemble_rule(results, budgets), ""]
    return "\n".join(parts)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _p(value: float) -> str:
    return "n/a" if not np.isfinite(value) else f"{value:.3g}"


def _run(text: str) -> tuple[str, Path]:
    budget, sep, directory = text.partition(":")
    if not sep or not budget or not directory:
        raise argparse.ArgumentTypeError(f"expected BUDGET:DIRECTORY, got {text!r}")
    return budget, Path(directory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=_run, action="append", required=True, metavar="BUDGET:DIR",
                        help="a live benchmark's output directory and its time budget in seconds")
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/live-v2-verdict"))
    args = parser.parse_args(argv)
    budgets = list(dict.fromkeys(budget for budget, _ in args.run))
    return write_summary(args.output, summarize(read_runs(args.run), budgets), __file__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
