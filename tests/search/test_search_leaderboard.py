"""The leaderboard table built from a study."""

from __future__ import annotations

import numpy as np
import optuna

from metaautoml.evaluation import TrialResult, get_metric
from metaautoml.search import LEADERBOARD_COLUMNS, create_study, leaderboard, run_search
from metaautoml.space import get_space

SPACE = get_space("classification")


class CyclingRunner:
    """Scores 0.1, 0.9, fails, 0.5, ... in turn."""

    metrics = [get_metric("accuracy", "classification")]

    def __init__(self):
        self.n = 0

    def evaluate(self, config, time_limit=None):
        self.n += 1
        if self.n % 3 == 0:
            return TrialResult("failed", error="ValueError: no")
        score = {1: 0.1, 2: 0.9}[self.n % 3] + self.n / 1000
        return TrialResult("complete", scores={"accuracy": score}, score_std=0.01, fit_time=0.5,
                           duration=0.6)

    def close(self):
        pass


def test_best_first_failures_last_with_family_params():
    study = create_study()
    run_search(study, SPACE, CyclingRunner, n_trials=6,
               enqueue=[("default", SPACE.default_config("svm"))])
    board = leaderboard(study)
    assert list(board.columns) == list(LEADERBOARD_COLUMNS)
    assert len(board) == 6
    complete = board[board["state"] == "complete"]
    assert list(complete.index) == [0, 1, 2, 3]
    assert complete["score"].is_monotonic_decreasing
    assert board["state"].iloc[4:].tolist() == ["failed", "failed"]
    assert board["number"].iloc[4:].tolist() == [2, 5]
    assert board["score"].iloc[4:].isna().all()
    assert board.loc[board["number"] == 2, "error"].item() == "ValueError: no"

    svm = board[board["source"] == "default"].iloc[0]
    assert svm["family"] == "svm"
    assert svm["params"] == {"C": 1.0, "gamma_scale": 1.0, "class_weight": "none"}
    for _, row in board.iterrows():
        assert set(row["params"]) == {hp.name for hp in SPACE.family(row["family"]).hyperparameters}
    # Wall-clock times: each trial completes after it starts, and trials run in order.
    assert (board["completed"] >= board["started"]).all()
    by_number = board.sort_values("number")
    assert by_number["started"].is_monotonic_increasing


def test_empty_study_and_foreign_trials():
    study = create_study()
    assert leaderboard(study).empty
    assert list(leaderboard(study).columns) == list(LEADERBOARD_COLUMNS)

    config = SPACE.default_config("linear")
    study.add_trial(optuna.trial.create_trial(params=config, distributions=SPACE.distributions(config),
                                              value=0.7))
    row = leaderboard(study).iloc[0]
    assert (row["family"], row["score"], row["state"], row["source"]) == ("linear", 0.7, "complete", None)
    assert np.isnan(row["fit_time"])
