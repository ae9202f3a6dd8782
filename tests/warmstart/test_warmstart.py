"""Warm-start proposals: greedy portfolios, matching, the transfer guard, artifacts."""

from __future__ import annotations

import inspect
import json

import numpy as np
import pandas as pd
import pytest
from _meta_fixtures import A_FAMILIES, synthetic_metadb, synthetic_training_set

from metaautoml.matcher import (
    L1Matcher,
    LearnedMatcher,
    MatcherConfig,
    matcher_class,
    register_matcher,
    unregister_matcher,
)
from metaautoml.metadb import MetaDB, MetaTrainingSet
from metaautoml.space import get_space
from metaautoml.surrogate import MetaSurrogate, TrainingConfig
from metaautoml.warmstart import (
    DEFAULT_FIRST_PICK_HEDGE,
    DEFAULT_LEAD_DEFAULTS,
    DEFAULT_LEAD_DEFAULTS_MIN_ROWS,
    DEFAULT_N_ENSEMBLE,
    DEFAULT_NEIGHBOR_BEST,
    DEFAULT_TEMPERATURE,
    LEAD_DEFAULT_SOURCE,
    MATCHED_SOURCE,
    ProposerConfig,
    WarmStartProposer,
    default_artifact_dir,
    greedy_portfolio,
    load_proposer,
    meta_train,
    train_proposer,
)


def test_greedy_portfolio_covers_what_the_first_pick_misses():
    P = np.array([[1.0, 0.0, 0.7, 0.9],
                  [0.0, 1.0, 0.7, 0.0],
                  [0.0, 1.0, 0.7, 0.0]])
    assert greedy_portfolio(P, 3) == [2, 1, 0]
    # Weighted towards the first dataset, its best comes first.
    assert greedy_portfolio(P, 2, weights=np.array([0.9, 0.05, 0.05])) == [0, 1]
    assert greedy_portfolio(P, 2, exclude=np.array([False, False, True, False])) == [1, 0]
    assert greedy_portfolio(P, 2, prior=np.array([0, 0, 0, 1.0]), prior_weight=5.0)[0] == 3
    assert greedy_portfolio(P, 10) == [2, 1, 0, 3]


def test_greedy_portfolio_lets_the_prior_in_from_prior_start():
    P = np.array([[1.0, 0.0, 0.7, 0.9],
                  [0.0, 1.0, 0.7, 0.0]])
    prior = np.array([0, 0, 0, 1.0])
    assert greedy_portfolio(P, 2, prior=prior, prior_weight=5.0) == [3, 1]
    # The first pick is the datasets' alone; the second sees the prior, and credits the first
    # pick's coverage of both datasets (so column 3, not 0 or 1, is what the prior adds).
    assert greedy_portfolio(P, 2, prior=prior, prior_weight=5.0, prior_start=1) == [2, 3]
    assert greedy_portfolio(P, 2, prior=prior, prior_weight=5.0, prior_start=2) == greedy_portfolio(P, 2)


def test_greedy_portfolio_continues_from_start():
    P = np.array([[1.0, 0.0, 0.7, 0.9],
                  [0.0, 1.0, 0.7, 0.0]])
    # Column 0 already covers the first dataset, so the second's best comes next.
    assert greedy_portfolio(P, 3, start=[0]) == [0, 1, 2]
    assert greedy_portfolio(P, 2, start=[2]) == greedy_portfolio(P, 2)
    assert greedy_portfolio(P, 1, start=[3, 0]) == [3]
    # The start counts towards the prior's best so far: column 3 already holds the prior's
    # best, so column 0's prior of 0.5 adds nothing and the second dataset's best comes next.
    prior = np.array([0.5, 0, 0, 1.0])
    assert greedy_portfolio(P, 2, prior=prior, prior_weight=5.0, prior_start=1, start=[3]) == [3, 1]


def test_greedy_portfolio_rejects_bad_weights_and_starts():
    with pytest.raises(ValueError, match="non-negative"):
        greedy_portfolio(np.ones((2, 3)), 1, weights=np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="distinct column indices"):
        greedy_portfolio(np.ones((2, 3)), 2, start=[1, 1])
    with pytest.raises(ValueError, match="distinct column indices"):
        greedy_portfolio(np.ones((2, 3)), 2, start=[3])


def test_greedy_portfolio_by_cost_picks_gain_per_second_then_plain_gain():
    P = np.array([[1.0, 0.0, 0.7, 0.9],
                  [0.0, 1.0, 0.7, 0.0],
                  [0.0, 1.0, 0.7, 0.0]])
    # Column 2 adds most (0.7) but takes 100 s; 3 adds 0.3 in 0.5 s, then 1 adds 2/3 in 2 s,
    # and 0 adds 0.1/3 in 1 s; column 2 adds nothing after them and comes last, by plain gain.
    cost = np.array([1.0, 2.0, 100.0, 0.5])
    assert greedy_portfolio(P, 4, cost=cost) == [3, 1, 0, 2]
    # Equal costs rank by the gain added: the plain greedy order.
    assert greedy_portfolio(P, 4, cost=np.full(4, 5.0)) == greedy_portfolio(P, 4)
    # The prior counts in the gain per second from prior_start, as without cost.
    prior = np.array([0, 0, 0, 1.0])
    assert greedy_portfolio(P, 1, cost=np.array([1.0, 1.0, 1.0, 4.0]), prior=prior,
                            prior_weight=5.0) == [3]
    for bad in (np.ones(3), np.array([1.0, 0.0, 1.0, 1.0]), np.array([1.0, np.nan, 1.0, 1.0])):
        with pytest.raises(ValueError, match="one positive number of seconds per column"):
            greedy_portfolio(P, 2, cost=bad)


@pytest.fixture(scope="module")
def proposer():
    training = synthetic_training_set()
    matcher = LearnedMatcher(MatcherConfig(epochs=150)).fit(training)
    surrogate = MetaSurrogate(TrainingConfig(meta_iterations=100, meta_batch=8, query_size=16),
                              n_ensemble=1).fit(training)
    # The tests of matching, hedging and neighbours start from a matched first pick.
    return WarmStartProposer(training, matcher, surrogate,
                             ProposerConfig.for_task("classification", lead_defaults=0))


@pytest.mark.parametrize("cluster", ["A", "B"])
def test_a_matched_dataset_gets_its_cluster_s_best_first(proposer, cluster):
    training = proposer.training
    meta = training.meta_features.loc[f"{cluster}3"].copy()
    warm = proposer.propose(meta, 3)
    assert warm.trust == 1.0 and warm.reasons == []
    first = warm.proposals[0][1]
    assert (first["family"] in A_FAMILIES) == (cluster == "A")
    assert warm.neighbors["dataset"].str[0].eq(cluster).mean() >= 0.8
    assert warm.table["rank"].tolist() == [1, 2, 3]
    assert set(warm.table["source"]) <= {"warm_start:matched", "warm_start:surrogate", "warm_start:portfolio"}
    assert MATCHED_SOURCE in set(warm.table["source"])


def test_the_first_proposal_is_the_matched_datasets_own(proposer):
    # The surrogate's zero-shot prediction shapes the proposals after the first only.
    from dataclasses import replace

    from metaautoml.warmstart import ProposerConfig

    meta = proposer.training.meta_features.loc["A3"]
    matched = WarmStartProposer(proposer.training, proposer.matcher, None, proposer.config)
    assert proposer.config.matched_first == 1
    assert proposer.order(meta, 1)[0] == matched.order(meta, 1)[0]
    # Heavy enough that near-ties in the prediction (1e-4 apart here) still outweigh the matched
    # datasets, whose weights sum to 1.
    heavy = ProposerConfig(surrogate_weight=1e6)
    zero_shot = np.argmax(proposer.zero_shot(meta))
    assert WarmStartProposer(proposer.training, proposer.matcher, proposer.surrogate,
                             replace(heavy, matched_first=0)).order(meta, 1)[0] == [zero_shot]
    first, second = WarmStartProposer(proposer.training, proposer.matcher, proposer.surrogate,
                                      heavy).order(meta, 2)[0]
    # The second pick is the zero-shot best of what the first pick left (training order varies
    # across platforms, so the first pick can be the zero-shot best itself).
    left = proposer.zero_shot(meta).copy()
    left[first] = -np.inf
    assert second == np.argmax(left)


def test_the_first_pick_hedge_moves_only_the_first_pick_towards_the_portfolio(proposer):
    from dataclasses import replace

    meta = proposer.training.meta_features.loc["A3"]
    matched = proposer.order(meta, 4)[0]
    static = greedy_portfolio(proposer.performance, 1)
    assert matched[0] != static[0]  # the fixture's clusters disagree on their best
    full_hedge = WarmStartProposer(proposer.training, proposer.matcher, proposer.surrogate,
                                   replace(proposer.config, first_pick_hedge=1.0))
    hedged = full_hedge.order(meta, 4)[0]
    assert hedged[0] == static[0]
    # The rest continue the matched portfolio from the hedged first pick.
    weights = proposer.weights(meta)[0]
    prior = proposer.zero_shot(meta)
    prior = (prior - prior.min()) / (prior.max() - prior.min())
    assert hedged == greedy_portfolio(proposer.performance, 4, weights=weights, prior=prior,
                                      prior_weight=proposer.config.surrogate_weight,
                                      prior_start=1, start=static[:1])
    assert WarmStartProposer(proposer.training, proposer.matcher, proposer.surrogate,
                             replace(proposer.config, first_pick_hedge=0.0)).order(meta, 4)[0] == matched


def test_neighbor_best_proposes_the_l1_neighbours_bests_after_the_first(proposer):
    from dataclasses import replace

    from metaautoml.matcher import L1Matcher

    training = proposer.training
    meta = training.meta_features.loc["B3"]
    config = replace(proposer.config, neighbor_best=2)
    with_neighbors = WarmStartProposer(training, proposer.matcher, proposer.surrogate, config)
    order = with_neighbors.order(meta, 5)
    first = proposer.order(meta, 1)[0]
    assert order.chosen[:1] == first
    # Expected: the bests of the nearest L1 neighbours, nearest first, skipping repeats.
    expected = []
    for name in L1Matcher().fit(training).neighbors(meta, k=training.n_datasets)["dataset"]:
        best = int(np.argmax(proposer.performance[training.datasets.index(name)]))
        if best not in first + expected:
            expected.append(best)
    assert order.chosen[1:3] == expected[:2]
    assert list(order.best_on) == expected[:2]
    warm = with_neighbors.propose(meta, 5)
    assert warm.table["source"][1:3].eq(MATCHED_SOURCE).all()
    assert warm.table["matched_best_on"][1:3].str.len().gt(0).all()
    # A poorly matched dataset (trust 0) gets none of them: the static portfolio.
    far = meta.copy()
    far[[f"m{i}" for i in range(6)]] = 40.0
    static = greedy_portfolio(proposer.performance, 5)
    assert with_neighbors.order(far, 5).chosen == static


def _with(proposer, **changes):
    from dataclasses import replace

    # Leading defaults lead whatever the dataset's size unless a test says otherwise.
    changes.setdefault("lead_defaults_min_rows", 0)
    return WarmStartProposer(proposer.training, proposer.matcher, proposer.surrogate,
                             replace(proposer.config, **changes))


def test_lead_defaults_put_the_cold_starts_defaults_first_and_the_matched_portfolio_after(proposer):
    training = proposer.training
    meta = training.meta_features.loc["A3"]
    defaults = [training.configs.index(c) for c in get_space("classification").default_configs()]
    matched = proposer.order(meta, 4).chosen
    assert matched[0] != defaults[0]  # else leading with it would change nothing
    one = _with(proposer, lead_defaults=1).order(meta, 4)
    assert one.chosen[0] == defaults[0] and one.defaults == defaults[:1]
    # The matched first pick follows, chosen by the datasets alone and given what leads.
    weights = proposer.weights(meta)[0]
    assert one.chosen[1] == greedy_portfolio(proposer.performance, 2, weights=weights,
                                             start=defaults[:1])[1]
    three = _with(proposer, lead_defaults=3).propose(meta, 5)
    # Proposed as scikit-learn's defaults on the new dataset's rows, not the pool's
    # reference-size copies: HGB's leaf and k-NN's neighbours are absolute there.
    space = get_space("classification")
    n_rows = int(meta["n_rows"])
    assert [c for _, c in three.proposals[:3]] == space.default_configs(n_rows=n_rows)[:3]
    assert three.table["config_id"].tolist()[:3] == [
        space.config_id(c) for c in space.default_configs(n_rows=n_rows)[:3]]
    assert three.table["source"].tolist()[:3] == [LEAD_DEFAULT_SOURCE] * 3
    assert LEAD_DEFAULT_SOURCE not in three.table["source"].tolist()[3:]
    # n bounds the defaults too, and an excluded default is skipped, not replaced.
    assert _with(proposer, lead_defaults=3).order(meta, 1).chosen == defaults[:1]
    exclude = np.zeros(training.n_configs, bool)
    exclude[defaults[0]] = True
    skipped = _with(proposer, lead_defaults=1).order(meta, 3, exclude=exclude)
    assert skipped.defaults == [] and defaults[0] not in skipped.chosen


def test_seconds_order_the_proposals_by_gain_per_second(proposer):
    training = proposer.training
    meta = training.meta_features.loc["A3"]
    families = np.array([c["family"] for c in training.configs])
    plain = _with(proposer, lead_defaults=1, neighbor_best=2).order(meta, 6)
    slow = plain.chosen[0]
    # The plain first pick predicted 1,000 times slower than everything else.
    seconds = np.where(families == families[slow], 100.0, 0.1)
    timed = _with(proposer, lead_defaults=1, neighbor_best=2).order(meta, 6, seconds=seconds)
    assert families[timed.chosen[0]] != families[slow]
    # No leading defaults or L1 neighbours' bests: they order a search its trials bound.
    assert timed.defaults == [] and timed.best_on == {}
    # The matched objective itself: equal predicted seconds give its greedy order.
    weights = proposer.weights(meta)[0]
    equal = _with(proposer, surrogate_weight=0.0).order(meta, 4, seconds=np.ones(training.n_configs))
    assert equal.chosen == greedy_portfolio(proposer.performance, 4, weights=weights)
    warm = proposer.propose(meta, 3, seconds=seconds)
    assert LEAD_DEFAULT_SOURCE not in set(warm.table["source"])
    with pytest.raises(ValueError, match="one prediction per pool configuration"):
        proposer.propose(meta, 3, seconds=np.ones(2))


def test_lead_defaults_per_task_and_validated():
    for task, value in DEFAULT_LEAD_DEFAULTS.items():
        assert ProposerConfig.for_task(task).lead_defaults == value
        assert (ProposerConfig.for_task(task).lead_defaults_min_rows
                == DEFAULT_LEAD_DEFAULTS_MIN_ROWS[task] == 1000)
    for bad in (-1, True, 1.5):
        with pytest.raises(ValueError, match="lead_defaults must be a non-negative integer"):
            ProposerConfig(lead_defaults=bad)
        with pytest.raises(ValueError, match="lead_defaults_min_rows must be a non-negative"):
            ProposerConfig(lead_defaults_min_rows=bad)


def test_the_defaults_lead_only_above_the_row_threshold(proposer):
    training = proposer.training
    meta = training.meta_features.loc["A3"].copy()
    default = training.configs.index(get_space("classification").default_configs()[0])
    threshold = int(training.meta_features["n_rows"].max())
    led = _with(proposer, lead_defaults=1, lead_defaults_min_rows=threshold)
    assert led.order(meta, 3).chosen == proposer.order(meta, 3).chosen  # at or below: matched
    for rows, leads in ((threshold, False), (threshold + 1, True), (np.nan, False)):
        meta["n_rows"] = rows
        assert (led.order(meta, 3).chosen[0] == default) == leads, rows


def test_a_sized_default_column_is_proposed_sized_for_the_new_dataset():
    """A column that scored each dataset's own sized default proposes the new dataset's."""
    training = synthetic_training_set()
    space = get_space("classification")
    knn = space.default_config("knn")
    meta = training.meta_features.loc["A3"].copy()
    meta["n_rows"] = 250.0
    config = ProposerConfig.for_task("classification", lead_defaults=0)
    as_pool = WarmStartProposer(training, config=config).propose(meta, len(training.configs))
    sized = WarmStartProposer(MetaTrainingSet(**{**training.__dict__,
                                                 "sized_defaults": [space.config_id(knn)]}),
                              config=config).propose(meta, len(training.configs))
    rank = [c for _, c in as_pool.proposals].index(knn)  # every configuration, the order kept
    assert [c for _, c in sized.proposals][rank] == space.sized_default(knn, 250) != knn
    assert sized.table["config_id"][rank] == space.config_id(space.sized_default(knn, 250))
    assert [c for i, (_, c) in enumerate(sized.proposals) if i != rank] == [
        c for i, (_, c) in enumerate(as_pool.proposals) if i != rank]


def test_proposer_config_rejects_values_out_of_range():
    with pytest.raises(ValueError, match="first_pick_hedge must lie in"):
        ProposerConfig(first_pick_hedge=1.5)
    with pytest.raises(ValueError, match="temperature must be positive"):
        ProposerConfig(temperature=0.0)
    with pytest.raises(ValueError, match="neighbor_best must be a non-negative integer"):
        ProposerConfig(neighbor_best=-1)


def test_out_of_range_lowers_trust_and_says_why(proposer):
    meta = proposer.training.meta_features.loc["A1"].copy()
    meta["n_classes"] = 500
    warm = proposer.propose(meta, 3)
    assert warm.trust == pytest.approx(0.5)
    assert "n_classes=500 is outside" in warm.reasons[0]


def test_an_unmatched_dataset_gets_the_static_portfolio(proposer):
    meta = proposer.training.meta_features.loc["A1"].copy()
    meta[[f"m{i}" for i in range(6)]] = 40.0  # far from every meta-training dataset
    warm = proposer.propose(meta, 5)
    assert warm.trust == 0.0
    static = greedy_portfolio(proposer.performance, 5)
    assert [c for _, c in warm.proposals] == [proposer.training.configs[i] for i in static]


def test_without_matcher_and_surrogate_it_is_the_static_portfolio():
    training = synthetic_training_set()
    meta = training.meta_features.iloc[0]
    static = WarmStartProposer(training, config=ProposerConfig(lead_defaults=0)).propose(meta, 4)
    expected = [training.configs[i] for i in greedy_portfolio(training.normalized(), 4)]
    assert [c for _, c in static.proposals] == expected
    assert static.table["predicted_utility"].isna().all() and static.neighbors.empty
    # Classification's defaults lead with the cold start's first configuration, then the same,
    # on a dataset larger than the meta-database's row cap.
    meta = meta.copy()
    meta["n_rows"] = 5000
    led = WarmStartProposer(training).propose(meta, 4)
    space = get_space("classification")
    first = space.default_configs(n_rows=5000)[0]  # scikit-learn's leaf of 20 on 5,000 rows
    assert DEFAULT_LEAD_DEFAULTS["classification"] == 1 and led.proposals[0] == (LEAD_DEFAULT_SOURCE, first)
    start = [training.configs.index(space.default_configs()[0])]  # its column in the pool
    assert [c for _, c in led.proposals[1:]] == [
        training.configs[i] for i in greedy_portfolio(training.normalized(), 4, start=start)[1:]]


def test_each_task_type_gets_its_default_proposer_settings(tmp_path):
    for task in ("classification", "regression"):
        assert ProposerConfig.for_task(task).temperature == DEFAULT_TEMPERATURE[task]
        assert ProposerConfig.for_task(task).first_pick_hedge == DEFAULT_FIRST_PICK_HEDGE[task]
        assert ProposerConfig.for_task(task).neighbor_best == DEFAULT_NEIGHBOR_BEST[task]
    assert DEFAULT_TEMPERATURE["regression"] != DEFAULT_TEMPERATURE["classification"]
    assert ProposerConfig.for_task("regression", temperature=2.0).temperature == 2.0
    assert ProposerConfig.for_task("ranking").temperature == ProposerConfig().temperature
    training = synthetic_training_set()
    assert WarmStartProposer(training).config == ProposerConfig.for_task(training.task)
    db = synthetic_metadb(tmp_path / "meta.sqlite")
    assert load_proposer("classification", db=db, directory=tmp_path / "none").config == \
        ProposerConfig.for_task("classification")


def test_propose_checks_n(proposer):
    with pytest.raises(ValueError, match="n must be a positive integer"):
        proposer.propose(proposer.training.meta_features.iloc[0], 0)


def test_meta_train_writes_loadable_artifacts(tmp_path):
    db = synthetic_metadb(tmp_path / "meta.sqlite")
    summary = meta_train(db, tmp_path / "artifacts", tasks=("classification",), n_ensemble=1,
                         training_config=TrainingConfig(meta_iterations=20, meta_batch=4),
                         matcher_config=MatcherConfig(epochs=20))
    assert summary["classification"]["datasets"] == 12
    names = sorted(p.name for p in (tmp_path / "artifacts").iterdir())
    assert names == ["matcher-classification.json", "matcher-classification.pt",
                     "proposer-classification.json", "surrogate-classification.json",
                     "surrogate-classification.pt"]
    meta = json.loads((tmp_path / "artifacts" / "proposer-classification.json").read_text())
    assert meta["metric"] == "accuracy" and len(meta["datasets"]) == 12
    proposer = load_proposer("classification", db=db, directory=tmp_path / "artifacts")
    assert proposer.matcher is not None and proposer.surrogate is not None
    assert proposer.config == ProposerConfig.for_task("classification")
    # A proposer file from before a setting existed loads with that setting's task default.
    path = tmp_path / "artifacts" / "proposer-classification.json"
    meta["config"] = {"temperature": 2.0}
    path.write_text(json.dumps(meta))
    assert load_proposer("classification", db=db, directory=tmp_path / "artifacts").config == \
        ProposerConfig.for_task("classification", temperature=2.0)
    warm = proposer.propose(MetaTrainingSet.from_metadb(db, "classification").meta_features.iloc[0], 2)
    assert len(warm.proposals) == 2


def test_missing_artifacts_leave_the_portfolio(tmp_path):
    db = synthetic_metadb(tmp_path / "meta.sqlite")
    proposer = load_proposer("classification", db=db, directory=tmp_path / "none")
    assert proposer.matcher is None and proposer.surrogate is None
    assert len(proposer.propose(pd.Series({"n_rows": 100.0}), 3).proposals) == 3


class _ToyL1(L1Matcher):
    """A matcher kind the warm start has never heard of, registered by the test alone."""

    kind = "toy_l1"


@pytest.mark.parametrize("kind", ["l1", "toy_l1"])
def test_meta_train_saves_and_loads_any_registered_matcher_kind(kind, tmp_path):
    db = synthetic_metadb(tmp_path / "meta.sqlite")
    register_matcher(_ToyL1)
    try:
        meta_train(db, tmp_path / "artifacts", tasks=("classification",), n_ensemble=1,
                   training_config=TrainingConfig(meta_iterations=5, meta_batch=4), matcher=kind)
        names = sorted(p.name for p in (tmp_path / "artifacts").glob("matcher-*"))
        assert names == ["matcher-classification.json"]  # no weights for an L1 matcher
        meta = json.loads((tmp_path / "artifacts" / "matcher-classification.json").read_text())
        assert meta["kind"] == kind
        proposer = load_proposer("classification", db=db, directory=tmp_path / "artifacts")
        assert type(proposer.matcher) is matcher_class(kind)
        training = MetaTrainingSet.from_metadb(db, "classification")
        expected = L1Matcher().fit(training).distances(training.meta_features)
        np.testing.assert_allclose(proposer.matcher.distances(training.meta_features), expected)
        assert len(proposer.propose(training.meta_features.iloc[0], 3).proposals) == 3
    finally:
        unregister_matcher(_ToyL1.kind)


def test_meta_train_refuses_an_unregistered_matcher_before_training(tmp_path):
    class Unregistered(L1Matcher):
        kind = "unregistered"

    db = synthetic_metadb(tmp_path / "meta.sqlite")
    with pytest.raises(ValueError, match="unknown matcher kind 'unregistered'"):
        meta_train(db, tmp_path / "artifacts", matcher=Unregistered())
    with pytest.raises(ValueError, match="matcher_config goes with a matcher kind"):
        meta_train(db, tmp_path / "artifacts", matcher=L1Matcher(), matcher_config=MatcherConfig())
    assert not (tmp_path / "artifacts").exists()


def test_the_proposer_takes_any_fitted_matcher_protocol_object():
    training = synthetic_training_set()

    class ByFirstFeature:  # no base class: only datasets and distances
        datasets = list(training.datasets)

        def distances(self, meta_features):
            frame = meta_features.to_frame().T if isinstance(meta_features, pd.Series) else meta_features
            return np.abs(frame[["m0"]].to_numpy() - training.meta_features[["m0"]].to_numpy().T)

    warm = WarmStartProposer(training, ByFirstFeature()).propose(training.meta_features.loc["A3"], 3)
    assert warm.neighbors["dataset"].str[0].eq("A").all()
    with pytest.raises(TypeError, match="fitted metaautoml.matcher.Matcher"):
        WarmStartProposer(training, LearnedMatcher())  # not fitted: no datasets yet


def test_meta_train_and_the_benchmark_share_one_default_ensemble_size():
    from metaautoml.benchmark import PoolBenchmarkConfig, fit_proposer

    for function in (meta_train, train_proposer, fit_proposer):
        assert inspect.signature(function).parameters["n_ensemble"].default == DEFAULT_N_ENSEMBLE
    assert PoolBenchmarkConfig().n_ensemble == DEFAULT_N_ENSEMBLE == 3


def test_the_shipped_artifacts_load_unchanged():
    for task in ("classification", "regression"):
        proposer = load_proposer(task, db=MetaDB.default(), directory=default_artifact_dir())
        assert type(proposer.matcher) is LearnedMatcher and proposer.surrogate is not None


def test_a_family_restriction_proposes_only_those_families_and_their_best_for_each_neighbour(proposer):
    meta = proposer.training.meta_features.loc["A3"]
    unrestricted = proposer.propose(meta, 4)
    assert set(unrestricted.table["family"]) & A_FAMILIES  # cluster A's best families lead
    outside = ("random_forest", "extra_trees", "hist_gradient_boosting", "mlp")
    for config in (proposer.config, _with(proposer, neighbor_best=2, lead_defaults=2).config):
        restricted = WarmStartProposer(proposer.training, proposer.matcher, proposer.surrogate,
                                       config).propose(meta, 6, families=outside)
        assert set(restricted.table["family"]) <= set(outside)
        assert len(restricted.proposals) == 6
    # The neighbours' bests are their best among the allowed families.
    with_neighbors = _with(proposer, neighbor_best=2)
    allowed = np.array([c["family"] in outside for c in proposer.training.configs])
    order = with_neighbors.order(meta, 4, exclude=~allowed)
    best_allowed = np.where(allowed, proposer.performance, -np.inf).argmax(axis=1)
    assert set(order.best_on) <= set(best_allowed.tolist())
    with pytest.raises(ValueError, match="no configuration of the families"):
        proposer.propose(meta, 2, families=("no_such_family",))
