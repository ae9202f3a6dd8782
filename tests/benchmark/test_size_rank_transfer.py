"""benchmarks/size_rank_transfer.py: the project's second fidelity against its base matrix."""

from __future__ import annotations

import numpy as np
import pytest
from _meta_fixtures import synthetic_metadb

from metaautoml.evaluation import TrialResult


def _with_fidelity(db, flip: str | None = None, datasets: int = 6) -> None:
    """Record a 5,000-row fidelity equal to the base scores plus 0.01, on the first
    ``datasets`` datasets, with ``flip``'s default moved from the top of the defaults to last."""
    matrix = db.performance_matrix("accuracy", "classification")
    configs = db.configurations("classification")
    for name in matrix.index[:datasets]:
        scores = matrix.loc[name] + 0.01
        if flip is not None:
            default = next(cid for cid, c in configs["config"].items()
                           if c["family"] == flip and configs.loc[cid, "is_default"])
            scores[default] = scores.min() - 0.1
        db.record_fidelity_evaluations(name, 5000, [
            (cid, TrialResult(state="complete", scores={"accuracy": float(v)}, fit_time=1.0,
                              duration=1.0)) for cid, v in scores.items()])


def test_without_a_fidelity_only_a_line_says_so(script, tmp_path):
    module = script("size_rank_transfer")
    db = synthetic_metadb(tmp_path / "db.sqlite")
    assert module.fidelity_tables(db) == {}
    text = module.summarize_fidelity({}, 1000, 5000)
    assert text.count("\n") == 1 and "no 5,000-row fidelity" in text


def test_the_same_ranking_on_more_rows_correlates_perfectly(script, tmp_path):
    module = script("size_rank_transfer")
    db = synthetic_metadb(tmp_path / "db.sqlite")
    _with_fidelity(db)
    tables = module.fidelity_tables(db)
    assert set(tables) == {"classification"}
    base, high, families, defaults = tables["classification"]
    assert list(base.columns) == list(high.columns) and len(high) == 6
    assert set(defaults) == set(families)  # every family's default is in the fidelity's pool
    correlations = module.fidelity_correlations(base, high, families)
    whole = correlations[correlations["configurations"] == "all configurations"]
    assert len(whole) == 6 and np.allclose(whole["rho"], 1.0)
    ranks = module.fidelity_family_ranks(base, high, defaults)
    assert (ranks["rank_small"] == ranks["rank_large"]).all()
    text = module.summarize_fidelity(tables, 1000, 5000)
    assert "all configurations" in text and "rank gained" in text


def test_a_family_that_falls_on_more_rows_loses_rank(script, tmp_path):
    module = script("size_rank_transfer")
    db = synthetic_metadb(tmp_path / "db.sqlite")
    _with_fidelity(db, flip="knn")
    base, high, families, defaults = module.fidelity_tables(db)["classification"]
    ranks = module.fidelity_family_ranks(base, high, defaults)
    knn = ranks[ranks["family"] == "knn"]
    assert (knn["rank_large"] == len(defaults)).all()
    assert (knn["rank_small"] < knn["rank_large"]).all()
    whole = module.fidelity_correlations(base, high, families)
    assert (whole.loc[whole["configurations"] == "all configurations", "rho"] < 1.0).all()


@pytest.mark.parametrize("constant", ["base", "high"])
def test_a_constant_side_has_no_correlation(script, tmp_path, constant):
    module = script("size_rank_transfer")
    db = synthetic_metadb(tmp_path / "db.sqlite")
    _with_fidelity(db, datasets=1)
    base, high, families, _ = module.fidelity_tables(db)["classification"]
    (base if constant == "base" else high).iloc[0] = 0.5
    assert module.fidelity_correlations(base, high, families).empty
