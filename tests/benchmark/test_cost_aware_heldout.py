"""benchmarks/cost_aware_heldout.py: the shipped orders on datasets the shipped models never saw."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd


def test_heldout_keeps_unseen_datasets_of_unseen_groups_and_maps_the_shared_pool(script):
    module = script("cost_aware_heldout")
    shipped = SimpleNamespace(training=SimpleNamespace(
        datasets=["a", "b"], groups=["g1", "g2"], config_ids=["c1", "c2", "c3"]))
    later = SimpleNamespace(datasets=["a", "new-in-g2", "new", "other"],
                            groups=["g1", "g2", "g3", "g4"], config_ids=["c3", "c9", "c1"])
    rows, columns = module.heldout(shipped, later)
    # "a" is shipped and "new-in-g2" shares a shipped group: neither is held out.
    assert rows == [2, 3]
    # c1 and c3 were evaluated by the later build (its columns 2 and 0); c2 was not.
    np.testing.assert_array_equal(columns, [2, -1, 0])


class _FirstCandidate:
    """A stand-in sampler: proposes its first candidate predicted to finish in the time left,
    and records its cost limits."""

    def __init__(self):
        self.limits = []

    def limit_cost(self, predict, deadline, budget=None):
        self.predict = predict
        self.limits.append(deadline)

    def select(self, candidates, observed, scores):
        import time

        fits = [c for c in candidates if self.predict([c])[0] <= self.limits[-1] - time.time()]
        return fits[0] if fits else candidates[0]


def test_replay_search_fits_the_proposals_then_samples_until_the_budget_ends(script):
    module = script("cost_aware_heldout")
    configs = [{"family": "knn", "i": i} for i in range(5)]
    proposer = SimpleNamespace(training=SimpleNamespace(configs=configs))
    normalized = np.array([0.1, 0.5, 0.2, 1.0, 0.9])
    recorded = np.array([1.0, 50.0, 1.0, 1.0, 20.0])  # predicted as recorded

    def predict(cs):
        return recorded[[c["i"] for c in cs]]

    sampler = _FirstCandidate()
    # Proposal 1 is predicted to overrun 10 s and is left out; 0 then runs (1.5 s), the
    # sampler picks 2 (3 s), 3 (4.5 s), then 1 (the cheapest left, none fitting the 5.5 s
    # left), still running at 10 s: it counts for nothing.
    regret, n_trials = module.replay_search(proposer, sampler, None, [0, 1], [0, 1, 2, 3, 4],
                                            normalized, normalized, recorded, predict,
                                            budget=10.0, overhead=0.5)
    assert n_trials == 3 and regret == 0.0
    assert len(sampler.limits) == 3
    # A proposal overrunning the budget ends the replay with what finished before it.
    assert module.replay_search(proposer, _FirstCandidate(), None, [1], [1], normalized,
                                normalized, recorded, predict, budget=10.0,
                                overhead=0.5) == (1.0, 0)


def test_replay_search_skips_a_proposal_predicted_to_overrun_the_time_left(script):
    module = script("cost_aware_heldout")
    configs = [{"family": "knn", "i": i} for i in range(4)]
    proposer = SimpleNamespace(training=SimpleNamespace(configs=configs))
    normalized = np.array([0.1, 0.3, 1.0, 0.2])
    recorded = np.array([6.0, 1.0, 5.0, 1.0])
    predicted = np.array([1.0, 1.0, 5.0, 1.0])  # 0 runs slower than predicted

    def predict(cs):
        return predicted[[c["i"] for c in cs]]

    # 0 and 2 fit the plan (6 s predicted) but 0 takes 6.5 s: 2, predicted 5 s with 3.5 s
    # left, is skipped and never sampled; the sampler runs 1 (7.5 s) and 3 (8.5 s).
    sampler = _FirstCandidate()
    regret, n_trials = module.replay_search(proposer, sampler, None, [0, 2], [0, 1, 2, 3],
                                            normalized, normalized, recorded, predict,
                                            budget=10.0, overhead=0.5)
    assert n_trials == 3 and regret == 1.0 - 0.3


def test_compare_arms_pairs_each_comparison_over_groups_with_median_trials(script):
    module = script("cost_aware_heldout")
    rows = []
    for g in range(6):
        for method, regret, trials in (("x", 0.1, 4), ("y", 0.3, 2), ("z", 0.2, 3)):
            # Two datasets in group 0: averaged first, so it counts once.
            for dataset in ((f"d{g}a", f"d{g}b") if g == 0 else (f"d{g}",)):
                rows.append({"task": "regression", "dataset": dataset, "group": f"g{g}",
                             "method": method, "budget_kind": "seconds", "budget": 10.0,
                             "regret": regret + 0.01 * g, "n_trials": trials})
    table = module.compare_arms(pd.DataFrame(rows), [("x", "y"), ("z", "x")])
    assert list(table["comparison"]) == ["x - y", "z - x"]
    assert list(table["groups"]) == [6, 6]
    np.testing.assert_allclose(table["difference"], [-0.2, 0.1])
    assert list(table["trials_a"]) == [4, 3] and list(table["trials_b"]) == [2, 4]
    page = module.search_markdown(table)
    assert "| regression | x - y | 10 s | 6 |" in page and "4 / 2" in page


def test_a_build_with_nothing_held_out_leaves_the_earlier_results_alone(script, tmp_path,
                                                                          monkeypatch, capsys):
    # Once the build ships, the retrained models have seen all of it: `make benchmarks` goes on
    # and the recorded run (reproducible at its run.json commit) is not overwritten.
    module = script("cost_aware_heldout")
    monkeypatch.setattr(module, "MetaDB", lambda path, readonly: object())
    monkeypatch.setattr(module, "run", lambda db, task, overhead, skip: pd.DataFrame())
    out = tmp_path / "cost-aware-heldout"
    out.mkdir()
    (out / "run.json").write_text("earlier")
    assert module.main(["--db", "later.sqlite", "--output", str(out)]) == 0
    assert (out / "run.json").read_text() == "earlier"
    assert sorted(p.name for p in out.iterdir()) == ["run.json"]
    assert "never saw: nothing replayed" in capsys.readouterr().out
