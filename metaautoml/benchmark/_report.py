"""Plots and the markdown results page of the benchmarks, made from their raw CSV files.

Everything here reads results written by :func:`run_pool_benchmark` (and the live benchmark) and
writes files; nothing is recomputed, so the page is always the numbers on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ._pool import K_VALUES, METHODS

#: What each pool method is, for the results page.
POOL_METHOD_NOTES = {
    "random": "random order of the pool (mean of 20 orders)",
    "portfolio": "greedy static portfolio over the training datasets (auto-sklearn 2.0 style)",
    "l1_knn": "best configuration of each of the 25 nearest datasets by L1 distance on min-max "
              "scaled meta-features (auto-sklearn 1.0 style)",
    "one_nn": "the pool ranked by its scores on the nearest dataset (L1 distance on min-max "
              "scaled meta-features)",
    "flaml_zeroshot": "greedy portfolio ranked on the 1-NN dataset in (rows, features, classes, "
                      "share numeric) (FLAML zero-shot style)",
    "matcher": "the learned dataset matcher's weighted portfolio alone (no surrogate, hedge "
               "or L1 neighbours)",
    "surrogate_zeroshot": "the MAML surrogate's zero-shot ranking",
    "surrogate_adapted": "the MAML surrogate, adapted to the trials seen so far after each one",
    "pretrain_finetune": "the same network pretrained on pooled data, fine-tuned (FSBO style)",
    "cold_start": "the product's cold start: the 7 family defaults (ordered greedily on the "
                  "training datasets), then a random forest fit on this dataset's trials alone "
                  "picks by expected improvement (SMAC-style; the pool's stand-in for TPE)",
    "portfolio_smac": "the greedy portfolio's first 8 configurations, then the same cold "
                      "random-forest search",
    "l1_knn_smac": "L1-kNN's 25 picks, then the same cold random-forest search (auto-sklearn 1.0: "
                   "nearest-dataset warm start followed by SMAC)",
    "full": "the full system: warm-start proposals, then the adapted MAML surrogate, with the "
            "shipped settings of the run's commit. In the runs on this page its first "
            "classification proposal is HistGradientBoosting's scikit-learn default on every "
            "dataset; the shipped proposer now leads with it only above the meta-database's "
            "1,000-row cap (`DEFAULT_LEAD_DEFAULTS_MIN_ROWS`), so never on the pool's datasets, "
            "as `full_nested` chose",
    "full_nested": "the full system with every setting chosen inside each outer fold "
                   "(`pool_nested.py`)",
    "full_zeroshot_first": "the full system with the surrogate's prediction shaping the first "
                           "proposal too (ablation of ``matched_first``)",
    "full_l1_matcher": "the full system weighting datasets by auto-sklearn's L1 distance instead "
                       "of the learned matcher (ablation of the matcher)",
    "full_fomaml": "the full system with first-order MAML",
    "full_reptile": "the full system with Reptile",
    "full_metasgd": "the full system with Meta-SGD",
}


def ordered_methods(methods: Sequence[str], order: Sequence[str] = METHODS) -> list[str]:
    """``methods`` in the order of ``order`` (the pool benchmark's :data:`METHODS` by default),
    those it does not list last, alphabetically: the order of every table and plot."""
    known = [m for m in order if m in set(methods)]
    return known + sorted(set(methods) - set(known))


def plot_pool(results: pd.DataFrame, directory: str | Path,
              methods: Sequence[str] | None = None, stem: str = "pool") -> list[Path]:
    """Regret and mean rank against the number of configurations tried, one figure per task.

    Regret is the mean over held-out datasets with a 95 % band (1.96 standard errors); the rank
    is each method's rank among ``methods`` per dataset and ``k``, averaged.

    Returns
    -------
    list of Path
        The PNG files written (``<stem>_<task>.png``).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for task, part in results.groupby("task"):
        shown = ordered_methods(methods or part["method"].unique())
        part = part[part["method"].isin(shown)].copy()
        part["rank"] = part.groupby(["dataset", "k"])["regret"].rank(method="average")
        stats = part.groupby(["method", "k"]).agg(
            regret=("regret", "mean"), sem=("regret", "sem"), rank=("rank", "mean")).reset_index()
        figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
        # Twelve methods: tab10 would give two of them one colour.
        palette = plt.get_cmap("tab20").colors
        for index, method in enumerate(shown):
            line = stats[stats["method"] == method]
            style = "-" if method.startswith("full") or method in ("portfolio", "random") else "--"
            (drawn,) = left.plot(line["k"], line["regret"], style, label=method, linewidth=1.4,
                                 color=palette[(2 * index) % 20 + (2 * index) // 20])
            _band(left, line["k"], line["regret"], line["sem"], drawn.get_color())
            right.plot(line["k"], line["rank"], style, color=drawn.get_color(), linewidth=1.4)
        n = part["dataset"].nunique()
        left.set(xscale="log", yscale="log", xlabel="configurations tried (k)",
                 ylabel="mean normalized regret", title=f"{task}: regret ({n} held-out datasets)")
        right.set(xscale="log", xlabel="configurations tried (k)", ylabel="mean rank (lower is better)",
                  title=f"{task}: mean rank")
        left.grid(True, which="both", alpha=0.3)
        right.grid(True, which="both", alpha=0.3)
        left.legend(fontsize=7, ncol=2)
        paths.append(_save(figure, directory / f"{stem}_{task}.png"))
    return paths


def _band(axis, x, mean: pd.Series, sem: pd.Series, color) -> None:
    """A 95 % band (1.96 standard errors) around ``mean``."""
    band = 1.96 * sem.fillna(0.0)
    axis.fill_between(x, mean - band, mean + band, color=color, alpha=0.12, linewidth=0)


def _save(figure, path: Path) -> Path:
    import matplotlib.pyplot as plt

    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def markdown_table(frame: pd.DataFrame, floatfmt: str = "{:.4f}") -> str:
    """A GitHub markdown table of ``frame`` (index included), without the tabulate package."""
    header = [str(frame.index.name or "")] + [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    # itertuples keeps each column's type (iterrows would make integer counts floats).
    for index, *row in frame.itertuples(name=None):
        cells = [str(index)]
        for value in row:
            if isinstance(value, (float, np.floating)):
                cells.append("" if not np.isfinite(value) else floatfmt.format(value))
            else:
                cells.append(str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _figure_links(figures: Sequence[Path], stem: str, alt: str, page_dir: Path) -> list[str]:
    """Markdown image lines for the figures named ``stem``, linked relative to the page."""
    out = []
    for figure in figures:
        if figure.stem == stem:
            out += [f"![{alt}]({_relative(figure, page_dir)})", ""]
    return out


def pool_section(summary: pd.DataFrame, trials: pd.DataFrame, figures: Sequence[Path],
                 page_dir: Path, k_values: Sequence[int] = K_VALUES,
                 paired: pd.DataFrame | None = None, stem: str = "pool", heading: str = "###",
                 ablation: pd.DataFrame | None = None) -> str:
    """The pool benchmark's part of the results page: per task, regret, rank and solved share
    at each ``k``, which method wins where, the full system's paired differences to the
    baselines (``paired``, from :func:`paired_comparison`) and to its own parts (``ablation``,
    the same comparison with the ablations as baselines: a test family of its own),
    trials-to-target and the figure (``<stem>_<task>``, as :func:`plot_pool` names it)."""
    out = []
    for task, part in summary.groupby("task"):
        part = part[part["k"].isin(k_values)]
        methods = ordered_methods(part["method"].unique())
        n = int(part["datasets"].max())
        out.append(f"{heading} {task} ({n} held-out datasets)\n")
        for value, title, fmt in (("regret", "Mean normalized regret (lower is better)", "{:.4f}"),
                                  ("rank", "Mean rank among the methods (lower is better)", "{:.2f}"),
                                  ("solved", "Share of datasets whose best pool configuration "
                                             "was found", "{:.3f}")):
            table = part.pivot(index="method", columns="k", values=value).reindex(methods)
            table.columns = [f"k={k}" for k in table.columns]
            table.index.name = "method"
            out += [f"{title}:\n", markdown_table(table, fmt), ""]
        paired_task = None if paired is None else paired[paired["task"] == task]
        if paired_task is not None and not paired_task.empty:
            regret = part.pivot(index="method", columns="k", values="regret")
            out += [significance_sentences(paired_task, regret, k_values), "",
                    "How much lower the full system's regret is than each baseline's, dataset by "
                    "dataset: mean difference with its bootstrap 95 % interval, the datasets where "
                    "the full system is better / level / worse, and the Wilcoxon signed-rank "
                    "p-value Holm-corrected over this table (**bold**: significant at 0.05):\n",
                    markdown_table(_paired_cells(paired_task, k_values), "{}"), ""]
        ablation_task = None if ablation is None else ablation[ablation["task"] == task]
        if ablation_task is not None and not ablation_task.empty:
            out += ["Does each part of the full system earn its place? The same paired "
                    "comparison against the system without it (`matcher`: the matched portfolio "
                    "alone, no surrogate), Holm-corrected over this table:\n",
                    markdown_table(_paired_cells(ablation_task, k_values), "{}"), ""]
        rel = trials[trials["task"] == task].set_index("method").reindex(methods)
        rel = rel[["trials", "relative_to_random"]]
        rel.index.name = "method"
        out += ["Configurations needed to come within 0.05 normalized regret of the best (the "
                "horizon + 1 when never), and that relative to random order:\n",
                markdown_table(rel, "{:.2f}"), ""]
        out += _figure_links(figures, f"{stem}_{task}", f"{task} pool benchmark", page_dir)
    return "\n".join(out)


def _paired_cells(paired: pd.DataFrame, k_values: Sequence[int]) -> pd.DataFrame:
    def cell(r) -> str:
        p = "n/a" if np.isnan(r.p_holm) else f"{r.p_holm:.3g}"
        text = (f"{r.difference:+.4f} [{r.ci_low:+.4f}, {r.ci_high:+.4f}] "
                f"({r.wins}/{r.ties}/{r.losses}) p={p}")
        return f"**{text}**" if r.significant else text

    cells = paired[paired["k"].isin(k_values)].assign(cell=lambda t: [cell(r) for r in t.itertuples()])
    table = cells.pivot(index="baseline", columns="k", values="cell")
    table = table.reindex(list(dict.fromkeys(paired["baseline"])))
    table.columns = [f"k={k}" for k in table.columns]
    table.index.name = "full vs"
    return table


def _k_list(ks: Sequence) -> str:
    return ", ".join(str(k) for k in ks)


def significance_sentences(paired: pd.DataFrame, regret: pd.DataFrame,
                           k_values: Sequence[int] = K_VALUES, method: str = "full") -> str:
    """What one task's paired comparison says, in sentences generated from it: where ``method``
    is significantly better than every baseline, where it is not significantly better than the
    best one (the baseline with the lowest mean regret at that ``k``), and where a baseline is
    significantly better than it. ``paired`` is one task's :func:`paired_comparison`;
    ``regret`` is mean regret with methods as index and ``k`` as columns."""
    paired = paired[paired["k"].isin(k_values)]
    ks = sorted(paired["k"].unique())
    everywhere, level, behind, losses = [], [], [], []
    for k in ks:
        at_k = paired[paired["k"] == k].set_index("baseline")
        if (at_k["significant"] == "better").all():
            everywhere.append(k)
        best = regret.loc[at_k.index, k].idxmin()
        p = at_k.loc[best, "p_holm"]
        cell = f"{k} ({best}, p = {'n/a' if np.isnan(p) else f'{p:.2g}'})"
        if at_k.loc[best, "significant"] == "":
            level.append(cell)
        elif at_k.loc[best, "significant"] == "worse":
            behind.append(cell)
        losses += [f"{b} at k = {k}" for b in at_k.index[at_k["significant"] == "worse"]
                   if b != best]
    sentences = [f"`{method}`'s regret is significantly lower than every baseline's "
                 + (f"at k = {_k_list(everywhere)}" if everywhere else "at no k")
                 + " (paired Wilcoxon signed-rank over datasets, Holm-corrected over this table, "
                 "p < 0.05)."]
    if level:
        sentences.append("It is not significantly better than the best baseline at k = "
                         + "; ".join(level) + ".")
    if behind:
        sentences.append("The best baseline is significantly better than it at k = "
                         + "; ".join(behind) + ".")
    if losses:
        sentences.append("Other baselines significantly better than it: " + "; ".join(losses) + ".")
    return " ".join(sentences)


def headline_table(paired: pd.DataFrame, regret: pd.DataFrame, k_values: Sequence[int] = K_VALUES,
                   method: str = "full", extra: Sequence[str] = ()) -> pd.DataFrame:
    """Mean regret, ``method``, the ``extra`` rows (ablations, unmarked) and each baseline x
    ``k``, marked by the paired tests: a baseline's cell is bold where ``method`` is
    significantly better than it, and carries a dagger where it is significantly better than
    ``method``."""
    paired = paired[paired["k"].isin(k_values)]
    ks = [k for k in k_values if k in set(paired["k"])]
    rows = [method, *(e for e in extra if e in regret.index)] + list(dict.fromkeys(paired["baseline"]))
    verdict = paired.set_index(["baseline", "k"])["significant"]
    table = pd.DataFrame(index=pd.Index(rows, name="method"), columns=[f"k={k}" for k in ks],
                         dtype=object)
    for name in rows:
        for k in ks:
            text = f"{regret.loc[name, k]:.4f}"
            mark = verdict.get((name, k), "") if name in set(paired["baseline"]) else ""
            table.loc[name, f"k={k}"] = (f"**{text}**" if mark == "better"
                                         else f"{text} †" if mark == "worse" else text)
    return table


def _relative(path: Path, start: Path) -> str:
    return os.path.relpath(path, start).replace(os.sep, "/")


#: What each live method is, for the results page.
LIVE_METHOD_NOTES = {
    "metaautoml_warm": "metaautoml with its warm start, meta-trained without the dataset's group",
    "metaautoml_warm_ensemble": "metaautoml_warm's search with a post-hoc ensemble of its trials",
    "metaautoml_warm_trial_order": "metaautoml_warm with its proposals in the order a trial "
                                   "limit gets, not by gain per predicted second",
    "metaautoml_warm_no_lead": "metaautoml_warm without the leading default on tables above "
                               "1,000 rows",
    "metaautoml_warm_surrogate": "metaautoml_warm's proposals, then the adapted surrogate",
    "metaautoml_warm_tpe": "metaautoml_warm's proposals, then TPE",
    "metaautoml_cold": "metaautoml with warm_start=False: the 7 family defaults, then TPE",
    "optuna_tpe": "Optuna's TPE over the same space, nothing enqueued",
    "random_search": "Optuna's RandomSampler over the same space",
    "flaml_trials": "FLAML AutoML with max_iter = the trials of the searchers",
    "flaml_time": "FLAML AutoML with time_budget = metaautoml_warm's wall time on that split",
    "flaml_zeroshot": "FLAML's zero-shot flaml.default estimator (LightGBM), fitted once",
    "metaautoml_first": "the warm start's first proposal alone (n_trials=1)",
    "metaautoml_first_constrained": "metaautoml_first with first_pick=\"constrained\"",
    "metaautoml_first_robust": "metaautoml_first with first_pick=\"robust\"",
    "metaautoml_first_default": "metaautoml_first with HGB's defaults leading on every table",
    "hgb_default": "scikit-learn's HistGradientBoosting with its defaults",
}


def live_regret(curves: pd.DataFrame) -> pd.DataFrame:
    """Best-so-far CV scores as regret in [0, 1] per (task, dataset, seed).

    The scale is set per split by every searcher's curves together: 0 is the best CV score any
    searcher reached, 1 the worst first-trial score, so curves of different datasets average.
    """
    frame = curves.dropna(subset=["best_cv_score"]).copy()
    keys = ["task", "dataset", "seed"]
    best = frame.groupby(keys)["best_cv_score"].transform("max")
    first = frame[frame["trial"] == frame.groupby(keys + ["method"])["trial"].transform("min")]
    worst = first.groupby(keys)["best_cv_score"].min().rename("worst")
    frame = frame.join(worst, on=keys)
    span = (best - frame["worst"]).where(lambda s: s > 1e-12, np.nan)
    frame["regret"] = ((best - frame["best_cv_score"]) / span).clip(0.0, 1.0).fillna(0.0)
    return frame


def plot_live(curves: pd.DataFrame, directory: str | Path, stem: str = "live") -> list[Path]:
    """Regret of the best-so-far CV score against trials, one figure per task (95 % bands over
    the dataset-seed splits). Returns the PNG files written (``<stem>_<task>.png``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ._live import LIVE_METHODS

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for task, part in live_regret(curves).groupby("task"):
        figure, axis = plt.subplots(figsize=(7, 4.5))
        for method in ordered_methods(part["method"].unique(), LIVE_METHODS):
            stats = part[part["method"] == method].groupby("trial")["regret"].agg(["mean", "sem"])
            (line,) = axis.plot(stats.index, stats["mean"], label=method, linewidth=1.4)
            _band(axis, stats.index, stats["mean"], stats["sem"], line.get_color())
        n = part[["dataset", "seed"]].drop_duplicates().shape[0]
        axis.set(xlabel="trial", ylabel="regret of the best CV score so far",
                 title=f"{task}: live searches ({n} dataset-seed splits)")
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize=8)
        paths.append(_save(figure, directory / f"{stem}_{task}.png"))
    return paths


def _p_cell(p: float) -> str:
    """A table cell for a (Holm-corrected) p-value, saying when it is not significant."""
    if np.isnan(p):
        return "n/a (fewer than 5 datasets differ)"
    return f"{p:.3g}" + ("" if p < 0.05 else ", not significant")


def _live_paired_cells(tests: pd.DataFrame, index, name: str) -> pd.DataFrame:
    """Rows of paired tests (``datasets, difference, ci_low, ci_high, wins, ties, losses,
    p_holm``) as the page's cells: the difference with its interval, the counts and the p."""
    cells = pd.DataFrame({
        "datasets": tests["datasets"].astype(int).to_numpy(),
        "warm - peer": [f"{r.difference:+.4f} [{r.ci_low:+.4f}, {r.ci_high:+.4f}]"
                        for r in tests.itertuples()],
        "wins/ties/losses": [f"{r.wins}/{r.ties}/{r.losses}" for r in tests.itertuples()],
        "p (Holm)": [_p_cell(p) for p in tests["p_holm"]]}, index=index)
    cells.index.name = name
    return cells


def live_section(results: pd.DataFrame, curves: pd.DataFrame, figures: Sequence[Path],
                 page_dir: Path, stem: str = "live", heading: str = "###") -> str:
    """The live benchmark's part of the results page: per task, mean test score and rank per
    method, per-dataset scores, the trials-to-match ratio and the regret figure."""
    from ._live import (
        FIRST_MODEL_MARGIN,
        LIVE_METHODS,
        anytime_comparison,
        complete_units,
        first_model_summary,
        live_paired_comparison,
        per_dataset_scores,
        summarize_live,
        summarize_trials_to_match,
        time_to_first_model,
        trials_to_match,
    )

    out = []
    summary = summarize_live(results)
    for column in ("units", "datasets"):
        if column in summary:
            summary[column] = summary[column].astype(int)
    # Splits where every method finished, as in the summary.
    complete = complete_units(results)
    per_dataset = per_dataset_scores(complete)
    matched = summarize_trials_to_match(trials_to_match(curves))
    paired = live_paired_comparison(results)
    first_model = first_model_summary(complete)
    first_time = time_to_first_model(curves, results)
    complete_curves = curves.merge(complete[["task", "dataset", "seed"]].drop_duplicates(),
                                   on=["task", "dataset", "seed"])
    anytime = {peer: anytime_comparison(complete_curves, peer=peer)
               for peer in ("metaautoml_cold", "optuna_tpe")}
    for task, part in summary.groupby("task", sort=False):
        datasets = per_dataset[per_dataset["task"] == task]
        splits = complete[complete["task"] == task][["dataset", "seed"]].drop_duplicates()
        metric = results.loc[results["task"] == task, "metric"].iloc[0]
        out.append(f"{heading} {task} ({datasets['dataset'].nunique()} datasets, {len(splits)} "
                   f"dataset-seed splits, test {metric})\n")
        table = part.set_index("method").drop(columns="task")
        table.index.name = "method"
        out += [markdown_table(table, "{:.4f}"), ""]
        wide = datasets.pivot(index="dataset", columns="method", values="test_score")
        wide = wide[ordered_methods(wide.columns, LIVE_METHODS)]
        out += ["Mean test score per dataset (over seeds):\n", markdown_table(wide, "{:.4f}"), ""]
        versus = paired[paired["task"] == task]
        if len(versus):
            cells = _live_paired_cells(versus, versus["peer"].to_numpy(), "metaautoml_warm vs")
            out += ["metaautoml_warm's test score minus each peer's, dataset by dataset (mean "
                    "over seeds), with a bootstrap 95 % interval and the Wilcoxon signed-rank "
                    "p-value, Holm-corrected over the peers:\n", markdown_table(cells, "{}"), ""]
            ensemble = versus[versus["peer"] == "metaautoml_warm_ensemble"]
            if len(ensemble):
                # The same test, the other way round: what the post-hoc ensemble adds.
                row = ensemble.iloc[0]
                verdict = ("n/a, fewer than 5 datasets differ" if np.isnan(row.p)
                           else f"Wilcoxon p = {row.p:.3g}" + ("" if row.p < 0.05 else ", not significant"))
                out += [f"The post-hoc ensemble's gain over the best single model "
                        f"(`metaautoml_warm_ensemble` minus `metaautoml_warm`, the same searcher): "
                        f"{-row.difference:+.4f} [{-row.ci_high:+.4f}, {-row.ci_low:+.4f}] over "
                        f"{int(row.datasets)} datasets, {row.losses} better / {row.ties} tied / "
                        f"{row.wins} worse ({verdict}).", ""]
        ratio = matched[matched["task"] == task].set_index("method").drop(columns="task")
        if "units" in ratio:
            ratio["units"] = ratio["units"].astype(int)
        if len(ratio):
            ratio.index.name = "method"
            out += ["Trials each searcher needs to reach metaautoml_warm's best CV score after "
                    "10 trials, divided by 10 (a searcher that never reaches it counts its last "
                    "trial + 1; `reached` is the share of splits where it did):\n",
                    markdown_table(ratio, "{:.3f}"), ""]
        for peer, table in anytime.items():
            rows = table[table["task"] == task]
            if rows.empty:
                continue
            cells = _live_paired_cells(rows, rows["at"].to_numpy(), "after")
            out += [f"Where in the search metaautoml_warm leads `{peer}`: its best CV score so "
                    f"far minus the peer's, after a number of trials and of seconds from the "
                    "start of `fit` (mean over seeds, tested over datasets; a split where "
                    "either has no finished trial yet is left out; Holm over the rows):\n",
                    markdown_table(cells, "{}"), ""]
        first = first_model[first_model["task"] == task].drop(columns="task")
        if len(first):
            first["datasets"] = first["datasets"].astype(int)
            out += [f"The warm start's first model alone (`metaautoml_first`) against default "
                    f"HistGradientBoosting: the share of datasets where it scores at least "
                    f"{FIRST_MODEL_MARGIN:g} below or better (`within_margin`), and the mean "
                    "difference with its bootstrap 95 % interval and Wilcoxon p:\n",
                    markdown_table(first.set_index("datasets"), "{:.4f}"), ""]
        seconds = first_time[first_time["task"] == task].set_index("method").drop(columns="task")
        if len(seconds):
            seconds["units"] = seconds["units"].astype(int)
            out += ["Seconds from the start of `fit` until the first model: a search's first "
                    "trial finished (meta-features and warm-start planning included), a default "
                    "model's whole fit:\n", markdown_table(seconds, "{:.2f}"), ""]
        out += _figure_links(figures, f"{stem}_{task}", f"{task} live benchmark", page_dir)
    return "\n".join(out)


def machine_notes() -> dict[str, str]:
    """The machine and library versions a benchmark ran with, for its ``run.json``."""
    import platform

    import optuna
    import sklearn
    import torch

    from ..evaluation import available_cpus

    return {"cpus": str(available_cpus()), "python": platform.python_version(),
            "platform": platform.platform(terse=True), "scikit-learn": sklearn.__version__,
            "optuna": optuna.__version__, "torch": torch.__version__.split("+")[0]}


#: What counts as the code in :func:`code_notes`: results, docs and data written by a run do not.
_CODE_PATHS = (":(top)*.py", ":(top)pyproject.toml")


def code_notes(script: str | Path) -> dict[str, dict]:
    """The git commit the code was at, when ``script`` lies in a git checkout: results name the
    code that measured them, as they name the database.

    ``modified`` says whether tracked code (Python files, ``pyproject.toml``) differed from the
    commit; if so, ``diff`` is a short SHA-256 of that difference, so that two runs on the same
    uncommitted code can be told apart from runs on different code. Results a run writes into
    tracked files do not count: a sweep that rewrites its own CSVs stays on one code state.
    """
    folder = Path(script).resolve().parent
    try:
        commit = _git(folder, "rev-parse", "--short=12", "HEAD")
        diff = _git(folder, "diff", "HEAD", "--", *_CODE_PATHS)
    except (OSError, subprocess.SubprocessError):  # no git, or not a checkout
        return {}
    code = {"commit": commit, "modified": bool(diff)}
    if diff:
        code["diff"] = hashlib.sha256(diff.encode()).hexdigest()[:12]
    return {"code": code}


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True,
                          timeout=30).stdout.strip()


def write_run_notes(directory: str | Path, script: str | Path, argv: Sequence[str], *,
                    keep_earlier: bool = False, **extra) -> Path:
    """Record how a benchmark was run in ``directory/run.json``: the command line (``script``
    relative to the working directory where it lies below it), the machine, and ``extra``.

    A run that resumes results already in ``directory`` passes ``keep_earlier``: the command and
    code of the earlier runs recorded there are kept under ``earlier``, so that results computed
    at several commits do not name only the last one.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    script = Path(script).resolve()
    try:
        script = script.relative_to(Path.cwd())
    except ValueError:
        pass
    notes = {"command": shlex.join([".venv/bin/python", str(script), *argv]),
             "machine": machine_notes(), **code_notes(script), **extra}
    path = directory / "run.json"
    if keep_earlier and path.exists():
        earlier = _earlier_runs(json.loads(path.read_text()), notes)
        if earlier:
            notes["earlier"] = earlier
    path.write_text(json.dumps(notes, indent=2) + "\n")
    return path


def _earlier_runs(recorded: dict, notes: dict) -> list[dict]:
    """The earlier runs ``recorded`` lists, and itself when its command or code differs from
    ``notes``'s (a resume of the same command on the same code adds nothing)."""
    earlier = list(recorded.get("earlier", []))
    last = {"command": recorded.get("command"), "code": recorded.get("code")}
    if (last["command"], last["code"]) != (notes["command"], notes.get("code")) and last not in earlier:
        earlier.append(last)
    return earlier


def database_fingerprint(path: str | Path) -> str:
    """A short SHA-256 of a meta-database file: results measured on it name it in ``run.json``."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def check_same_database(directory: str | Path, fingerprint: str,
                        tasks: Mapping[str, str] | None = None) -> None:
    """Refuse to resume results in ``directory`` that were measured on another meta-database.

    A resumed benchmark keeps the units or folds already on disk; had the database changed in
    between (a re-shipped build), its tables would silently mix two databases' numbers. With
    ``tasks`` (``{task: MetaDB.content_fingerprint(task)}``, what this run reads) and a run
    that recorded them (``run.json``'s ``database.content_fingerprints``), only those tasks' contents must
    match: the other task's data, the ``meta`` table or the file's layout may have changed.
    Otherwise the whole file's ``fingerprint`` must.
    """
    path = Path(directory) / "run.json"
    if not path.exists():
        return
    database = json.loads(path.read_text()).get("database", {})
    recorded_tasks = database.get("content_fingerprints") or {}
    if tasks is not None and recorded_tasks:
        changed = [task for task in tasks if task in recorded_tasks and recorded_tasks[task] != tasks[task]]
        if changed:
            raise RuntimeError(
                f"the results in {str(directory)!r} were measured on another meta-database's "
                f"{' and '.join(changed)} data (content fingerprint "
                f"{', '.join(recorded_tasks[t] for t in changed)}, this one's is "
                f"{', '.join(tasks[t] for t in changed)}); rerun with --force to discard them, "
                "or write to another --output")
        return
    recorded = database.get("fingerprint")
    if recorded is not None and recorded != fingerprint:
        raise RuntimeError(
            f"the results in {str(directory)!r} were measured on another meta-database "
            f"(fingerprint {recorded}, this one is {fingerprint}); rerun with --force to discard "
            "them, or write to another --output")


def database_notes(db, tasks: Sequence[str], directory: str | Path | None = None, *,
                   label: str | None = None, check: bool = True) -> dict:
    """What a benchmark's ``run.json`` records of the meta-database ``db`` it reads for
    ``tasks``: its path (or ``label``), the file's fingerprint and each task's content
    fingerprint, with the task fingerprints an earlier run in ``directory`` recorded for other
    tasks kept. With ``check`` (a resume), first :func:`check_same_database`."""
    fingerprint = database_fingerprint(db.path)
    tasks = {task: db.content_fingerprint(task) for task in tasks}
    earlier = {}
    if directory is not None:
        if check:
            check_same_database(directory, fingerprint, tasks)
        path = Path(directory) / "run.json"
        if check and path.exists():
            earlier = json.loads(path.read_text()).get("database", {}).get("content_fingerprints") or {}
    return {"path": label or str(db.path), "fingerprint": fingerprint,
            "content_fingerprints": {**earlier, **tasks}}
