"""benchmarks/compare_metadb_versions.py: two databases' pool runs, method by method."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def _run(datasets, regret_of, methods=("portfolio", "full"), k_values=(1, 3, 5, 10, 25)):
    return pd.DataFrame([{"task": "regression", "dataset": d, "group": d, "fold": 0,
                          "method": m, "k": k, "regret": regret_of(d, m, k)}
                         for d in datasets for m in methods for k in k_values])


def test_unpaired_means_and_the_paired_difference_on_common_datasets(script, tmp_path):
    module = script("compare_metadb_versions")
    old = _run([f"d{i}" for i in range(8)], lambda d, m, k: 0.2 / k)
    # The new run holds out 4 more datasets; on the 8 common ones "full" improves by 0.05.
    new = _run([f"d{i}" for i in range(12)],
               lambda d, m, k: 0.2 / k - (0.05 if m == "full" else 0.0) + 0.001 * int(d[1:]))
    table = module.compare_versions(old, new)
    assert len(table) == 2 * 5
    full = table[(table["method"] == "full") & (table["k"] == 1)].iloc[0]
    assert full["old_datasets"] == 8 and full["new_datasets"] == 12 and full["common"] == 8
    np.testing.assert_allclose(full["difference"], -0.05 + 0.001 * np.mean(range(8)))
    np.testing.assert_allclose(full["new"], 0.2 - 0.05 + 0.001 * np.mean(range(12)))
    assert full["p"] < 0.01 and full["p_holm"] >= full["p"]  # Holm over the 10 rows
    portfolio = table[(table["method"] == "portfolio") & (table["k"] == 1)].iloc[0]
    assert portfolio["difference"] > 0  # it got worse by the per-dataset offsets only
    page = module.markdown(table)
    assert "#### regression (8 old, 12 new held-out datasets)" in page

    # A method in one run only is left out; no common dataset leaves the paired cells empty.
    other = _run(["x0", "x1"], lambda d, m, k: 0.1, methods=("full", "random"))
    alone = module.compare_versions(old, other)
    assert set(alone["method"]) == {"full"} and (alone["common"] == 0).all()
    assert alone["difference"].isna().all()

    for name, frame in (("old", old), ("new", new)):
        (tmp_path / name).mkdir()
        frame.to_csv(tmp_path / name / "raw_regression.csv", index=False)
    assert module.main(["--old", str(tmp_path / "old"), "--new", str(tmp_path / "new"),
                        "--output", str(tmp_path / "versions")]) == 0
    for name in ("versions.csv", "summary.md", "run.json"):
        assert (tmp_path / "versions" / name).is_file()
    assert "#### regression" in (tmp_path / "versions" / "summary.md").read_text()


def test_each_task_comes_from_the_first_run_that_holds_it(script, tmp_path):
    module = script("compare_metadb_versions")
    runs = {"old": {"regression": 0.2, "classification": 0.3},
            # Regression on the old pool first, then the whole pool's run with both tasks.
            "new-old-pool": {"regression": 0.1},
            "new-whole-pool": {"regression": 0.9, "classification": 0.25}}
    for name, tasks in runs.items():
        (tmp_path / name).mkdir()
        for task, regret in tasks.items():
            frame = _run([f"d{i}" for i in range(6)], lambda d, m, k, r=regret: r + 0.001 * int(d[1:]))
            frame.assign(task=task).to_csv(tmp_path / name / f"raw_{task}.csv", index=False)
    raw, sources = module.load_runs([tmp_path / "new-old-pool", tmp_path / "new-whole-pool"])
    assert sources == {"regression": tmp_path / "new-old-pool",
                       "classification": tmp_path / "new-whole-pool"}
    assert module.main(["--old", str(tmp_path / "old"), "--new", str(tmp_path / "new-old-pool"),
                        "--new", str(tmp_path / "new-whole-pool"),
                        "--output", str(tmp_path / "versions")]) == 0
    table = pd.read_csv(tmp_path / "versions" / "versions.csv").set_index(["task", "method", "k"])
    np.testing.assert_allclose(table.loc[("regression", "full", 1), "difference"], -0.1)
    np.testing.assert_allclose(table.loc[("classification", "full", 1), "difference"], -0.05)
    summary = (tmp_path / "versions" / "summary.md").read_text()
    assert "new-old-pool` (new)" in summary and "new-whole-pool` (new)" in summary
    with pytest.raises(SystemExit, match="no raw_"):
        module.load_runs([tmp_path / "versions"])
