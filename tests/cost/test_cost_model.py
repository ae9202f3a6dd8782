"""The cost model: training, persistence, growth beyond the training tables, the shipped models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metaautoml.cost import (
    CostModel,
    CostModelConfig,
    cost_training_table,
    fit_in_budget,
    lcdb_size_exponents,
    load_cost_model,
)
from metaautoml.metadb import MetaDB
from metaautoml.space import get_space

SPACE = get_space("classification")


def _table(n_per_family: int = 30, seed: int = 0) -> pd.DataFrame:
    """Synthetic fit times: each family's own cost per row, linear in the rows."""
    rng = np.random.default_rng(seed)
    per_row = {f: 10.0 ** (-5 + i) for i, f in enumerate(SPACE.family_names)}
    rows = []
    for family in SPACE.family_names:
        for _ in range(n_per_family):
            n_train = float(rng.integers(20, 700))
            rows.append({"config": SPACE.default_config(family), "family": family,
                         "n_train": n_train, "n_features": float(rng.integers(2, 50)),
                         "n_classes": 2.0,
                         "log_seconds": np.log10(per_row[family] * n_train)})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def fitted() -> CostModel:
    return CostModel("classification", CostModelConfig(epochs=150)).fit(_table())


def test_it_learns_which_families_are_slow(fitted):
    configs = [SPACE.default_config(f) for f in SPACE.family_names]
    predicted = fitted.predict_log_seconds(configs, n_train=300, n_features=10, n_classes=2)
    assert np.corrcoef(predicted, np.arange(len(configs)))[0, 1] > 0.95


def test_save_and_load_give_the_same_predictions(fitted, tmp_path):
    fitted.with_size_exponents({"svm": 2.0})
    fitted.save(tmp_path / "cost")
    loaded = CostModel.load(tmp_path / "cost")
    configs = [SPACE.default_config(f) for f in SPACE.family_names]
    for n_rows in (100, 50_000):
        np.testing.assert_allclose(
            loaded.predict_seconds(configs, n_rows=n_rows, n_features=5, n_classes=3),
            fitted.predict_seconds(configs, n_rows=n_rows, n_features=5, n_classes=3), rtol=1e-6)
    assert loaded.size_exponents == {"svm": 2.0}


def test_beyond_the_training_tables_time_grows_as_the_familys_power(fitted):
    fitted.with_size_exponents({"svm": 2.0})
    top = 10.0 ** fitted.max_log_rows
    svm, linear = SPACE.default_config("svm"), SPACE.default_config("linear")
    at_top = fitted.predict_log_seconds([svm, linear], top, 10, 2)
    ten_times = fitted.predict_log_seconds([svm, linear], 10 * top, 10, 2)
    np.testing.assert_allclose(ten_times - at_top, [2.0, 1.0], atol=1e-6)  # linear: the default


def test_predict_seconds_sums_the_folds(fitted):
    config = [SPACE.default_config("random_forest")]
    one_fit = 10.0 ** fitted.predict_log_seconds(config, 400, 8, 2)
    assert fitted.predict_seconds(config, n_rows=600, n_features=8, n_classes=2, cv=3) == \
        pytest.approx(3 * one_fit)


def test_an_unfitted_model_says_so(tmp_path):
    model = CostModel("regression")
    with pytest.raises(RuntimeError, match="not fitted"):
        model.predict_log_seconds([get_space("regression").default_config("linear")], 10, 2)
    with pytest.raises(RuntimeError, match="not fitted"):
        model.save(tmp_path / "x")


def test_the_shipped_models_load_and_rank_families_sensibly():
    for task in ("classification", "regression"):
        model = load_cost_model(task)
        assert model is not None, f"no shipped cost model for {task}"
        space = get_space(task)
        configs = [space.default_config(f) for f in space.family_names]
        seconds = dict(zip(space.family_names, model.predict_seconds(
            configs, n_rows=50_000, n_features=20, n_classes=2 if task == "classification" else None),
            strict=True))
        assert all(np.isfinite(v) and v > 0 for v in seconds.values())
        # Kernel SVMs grow about quadratically: on 50,000 rows they cost more than a linear model.
        assert seconds["svm"] > 10 * seconds["linear"]
        assert model.size_exponents["svm"] > 1.5 > model.size_exponents["random_forest"]


def test_the_training_table_has_one_row_per_complete_evaluation():
    db = MetaDB.default()
    table = cost_training_table(db, "regression")
    evaluations = db.evaluations("regression")
    assert len(table) == ((evaluations["state"] == "complete") & (evaluations["fit_time"] > 0)).sum()
    assert table["n_train"].max() <= 1000
    assert np.isfinite(table["log_seconds"]).all()


def test_fit_in_budget_keeps_the_order_and_skips_what_does_not_fit():
    assert fit_in_budget(list("abcd"), [5, 30, 10, 12], 30) == (["a", "c", "d"], ["b"])
    assert fit_in_budget(list("ab"), [50, 30], 10) == (["b"], ["a"])  # the cheapest, at least
    assert fit_in_budget([], [], 10) == ([], [])
    with pytest.raises(ValueError, match="predicted times"):
        fit_in_budget(["a"], [1, 2], 10)


def test_lcdb_exponents_are_median_slopes_per_family():
    rows = []
    for dataset, slope in ((1, 1.0), (2, 2.0), (3, 3.0)):
        for size in (1024, 2048, 4096, 500, 100_000):  # sizes outside the range are ignored
            rows.append({"openmlid": dataset, "learner": "RandomForestClassifier",
                         "size_train": size, "traintime": size ** slope / 1e6 if size in
                         (1024, 2048, 4096) else 1.0})
    rows.append({"openmlid": 4, "learner": "RandomForestClassifier", "size_train": 2048,
                 "traintime": 1.0})  # one size only: no slope
    assert lcdb_size_exponents(pd.DataFrame(rows)) == {"random_forest": 2.0}
