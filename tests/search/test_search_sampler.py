"""MetaSurrogateSampler: proposals after enough trials, enqueued trials untouched, fallback."""

from __future__ import annotations

import json

import numpy as np
import optuna
import pytest
from _meta_fixtures import synthetic_training_set
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from metaautoml.search import (
    PROPOSAL_ATTR,
    SKIPPED,
    SURROGATE_SOURCE,
    MetaSurrogateSampler,
    create_study,
    expected_improvement,
)
from metaautoml.search._sampler import _in_distribution
from metaautoml.space import get_space
from metaautoml.surrogate import MetaSurrogate, TrainingConfig


@pytest.fixture(scope="module")
def surrogate():
    training = synthetic_training_set()
    fitted = MetaSurrogate(TrainingConfig(meta_iterations=60, meta_batch=8, query_size=16),
                           n_ensemble=2).fit(training)
    return training, fitted


def _objective(space):
    def objective(trial):
        config = space.suggest(trial)
        return 1.0 if config["family"] in ("svm", "knn") else 0.5
    return objective


def test_proposes_after_min_observed_and_never_touches_enqueued_trials(surrogate, tmp_path):
    training, fitted = surrogate
    space = get_space("classification")
    sampler = MetaSurrogateSampler(fitted, space, training.meta_features.loc["A0"],
                                   pool=training.configs, min_observed=3, seed=0)
    study = create_study(f"journal:///{tmp_path}/study.log", "s", sampler=sampler)
    enqueued = space.default_config("linear")
    study.enqueue_trial(enqueued)
    study.optimize(_objective(space), n_trials=6)
    trials = study.trials
    assert trials[0].params == space.validate(enqueued)
    assert PROPOSAL_ATTR not in trials[0].system_attrs
    assert all(PROPOSAL_ATTR not in t.system_attrs for t in trials[:3])
    proposed = [t for t in trials[3:] if PROPOSAL_ATTR in t.system_attrs]
    assert len(proposed) == 3
    for trial in proposed:
        assert trial.params == json.loads(trial.system_attrs[PROPOSAL_ATTR])
    configs = [space.config_id(space.validate(t.params)) for t in trials]
    assert len(set(configs)) == len(configs)  # never proposes a configuration already tried


def test_without_a_surrogate_it_is_the_fallback(surrogate):
    space = get_space("classification")
    fallback = optuna.samplers.RandomSampler(seed=3)
    study = optuna.create_study(direction="maximize",
                                sampler=MetaSurrogateSampler(None, space, None, fallback=fallback))
    study.optimize(_objective(space), n_trials=4)
    reference = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=3))
    reference.optimize(_objective(space), n_trials=4)
    assert [t.params for t in study.trials] == [t.params for t in reference.trials]


def test_candidates_stay_in_the_space(surrogate):
    training, fitted = surrogate
    space = get_space("classification")
    sampler = MetaSurrogateSampler(fitted, space, training.meta_features.iloc[0], n_candidates=40, seed=1)
    observed = training.configs[:4]
    for config in sampler.candidates(observed, np.array([0.1, 0.9, np.nan, 0.5])):
        assert space.validate(config) == config



def test_never_proposes_what_another_trial_is_evaluating(surrogate):
    # With several workers the sampler of each adapts to the same finished trials: without
    # looking at the running ones, all of them would propose the same winner.
    training, fitted = surrogate
    space = get_space("classification")
    # Only pool candidates, so that the proposal is a deterministic function of the trials.
    sampler = MetaSurrogateSampler(fitted, space, training.meta_features.loc["A0"],
                                   pool=training.configs, min_observed=3, n_candidates=0, seed=0)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.optimize(_objective(space), n_trials=3)
    winner = sampler.propose([t.params for t in study.trials],
                             np.array([t.value for t in study.trials]))
    study.enqueue_trial(winner)
    evaluating = study.ask()  # popped from the queue and running, its parameters not yet set
    assert "fixed_params" in study._storage.get_trial(evaluating._trial_id).system_attrs
    proposals = []
    for _ in range(2):  # each left running, as another worker's trial would be
        trial = study.ask()
        proposals.append(json.loads(study._storage.get_trial(trial._trial_id).system_attrs[PROPOSAL_ATTR]))
    assert len({space.config_id(c) for c in [winner, *proposals]}) == 3


@pytest.mark.parametrize("min_distance", [0.02, 0.2])
def test_never_proposes_a_near_copy_of_a_tried_configuration(surrogate, min_distance):
    training, fitted = surrogate
    space = get_space("classification")
    sampler = MetaSurrogateSampler(fitted, space, training.meta_features.loc["A0"],
                                   pool=training.configs, min_observed=3, seed=0,
                                   min_distance=min_distance)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.optimize(_objective(space), n_trials=12)
    encoded = space.encode_many([space.validate(t.params) for t in study.trials])
    for i in range(3, len(encoded)):  # the surrogate's proposals, against every earlier trial
        assert np.abs(encoded[:i] - encoded[i]).max(axis=1).min() >= sampler.min_distance


def test_min_distance_is_validated(surrogate):
    with pytest.raises(ValueError, match="min_distance must lie in"):
        MetaSurrogateSampler(None, get_space("classification"), None, min_distance=1.5)


def test_proposals_are_followed_in_a_study_whose_trial_ids_are_not_its_numbers(surrogate):
    # Proposals are kept by trial number: in the second study of a storage the trial ids differ.
    training, fitted = surrogate
    space = get_space("classification")
    storage = optuna.storages.InMemoryStorage()
    create_study(storage, "first", sampler=optuna.samplers.RandomSampler(seed=0)).optimize(
        _objective(space), n_trials=4)
    sampler = MetaSurrogateSampler(fitted, space, training.meta_features.loc["A0"],
                                   pool=training.configs, min_observed=3, seed=0)
    study = create_study(storage, "second", sampler=sampler)
    study.optimize(_objective(space), n_trials=6)
    proposed = [t for t in study.trials if PROPOSAL_ATTR in t.system_attrs]
    assert [t.number for t in proposed] == [3, 4, 5]
    for trial in proposed:
        assert trial.params == json.loads(trial.system_attrs[PROPOSAL_ATTR])
        assert trial.user_attrs["source"] == SURROGATE_SOURCE
    assert sampler._proposals == {}  # each dropped once its trial finished


_DISTRIBUTIONS = [
    CategoricalDistribution(["a", "b", None, 3]),
    FloatDistribution(0.0, 1.0),
    FloatDistribution(1e-4, 10.0, log=True),
    FloatDistribution(0.0, 1.0, step=0.1),
    FloatDistribution(-2.0, 2.0, step=0.25),
    IntDistribution(1, 10),
    IntDistribution(2, 64, log=True),
    IntDistribution(0, 20, step=4),
]
_VALUES = ["a", "c", None, 3, -1, 0, 0.0, 0.3, 0.30000000001, 0.35, 1.0, 1.5, 1e-4, 1e-5, 2, 4,
           6, 7.0, 10, 12, 64, 65, -2.0, 1.75]


@pytest.mark.parametrize("distribution", _DISTRIBUTIONS, ids=repr)
def test_in_distribution_agrees_with_optunas_own_test(distribution):
    # Optuna's private ``_contains`` is what the sampler used before; this pins the public
    # re-implementation to it for as long as the installed Optuna has it.
    contains = getattr(distribution, "_contains", None)
    if contains is None:
        pytest.skip("this Optuna has no BaseDistribution._contains to compare with")
    for value in _VALUES:
        if isinstance(distribution, CategoricalDistribution):
            expected = value in distribution.choices
        else:
            try:
                expected = contains(distribution.to_internal_repr(value))
            except ValueError:
                with pytest.raises(ValueError):
                    _in_distribution(value, distribution)
                continue
        assert _in_distribution(value, distribution) == expected, value


def test_in_distribution_leaves_an_unknown_distribution_to_the_fallback():
    class Other(BaseDistribution):
        def to_internal_repr(self, value):
            return float(value)

        def single(self):
            return False

        def _contains(self, value):  # abstract in Optuna 5.1; never called
            raise AssertionError("the sampler must not rely on BaseDistribution._contains")

    assert not _in_distribution(1.0, Other())


def test_with_a_cost_limit_it_proposes_only_what_finishes_in_the_time_left(surrogate):
    import pickle
    import time

    training, fitted = surrogate
    space = get_space("classification")
    sampler = MetaSurrogateSampler(fitted, space, training.meta_features.loc["A0"],
                                   pool=training.configs, min_observed=3, seed=0)
    observed = [space.default_config(f) for f in ("linear", "knn", "svm")]
    scores = np.array([0.6, 0.7, 0.8])
    cheap = {"linear", "knn"}

    def seconds(configs):
        return np.array([1.0 if c["family"] in cheap else 100.0 for c in configs])

    sampler.limit_cost(seconds, deadline=time.time() + 30)
    for _ in range(5):
        assert sampler.propose(observed, scores)["family"] in cheap
    # Nothing predicted to finish: the cheapest candidates are still proposed.
    sampler.limit_cost(seconds, deadline=time.time() - 1)
    assert sampler.propose(observed, scores)["family"] in cheap
    # The limit belongs to one search: a pickled sampler proposes without it.
    assert pickle.loads(pickle.dumps(sampler))._cost is None


def test_a_skipped_trial_is_neither_proposed_again_nor_scored_as_the_worst(surrogate,
                                                                          monkeypatch):
    # The search skips an enqueued configuration predicted to overrun the time left: it never
    # ran, so it says nothing of its score, but it is too slow to propose again.
    training, fitted = surrogate
    space = get_space("classification")
    sampler = MetaSurrogateSampler(fitted, space, training.meta_features.loc["A0"],
                                   pool=training.configs, min_observed=3, n_candidates=0, seed=0)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.optimize(_objective(space), n_trials=3)
    winner = sampler.propose([t.params for t in study.trials],
                             np.array([t.value for t in study.trials]))
    study.enqueue_trial(winner)
    skipped = study.ask()
    space.suggest(skipped)
    skipped.set_user_attr("state", SKIPPED)
    study.tell(skipped, state=optuna.trial.TrialState.FAIL)
    seen = {}
    propose = sampler.propose

    def spy(observed, scores, pending=()):
        seen.update(observed=list(observed), pending=list(pending))
        return propose(observed, scores, pending)

    monkeypatch.setattr(sampler, "propose", spy)
    trial = study.ask()

    def ids(configs):
        return {space.config_id(space.validate(c)) for c in configs}

    assert len(seen["observed"]) == 3 and space.config_id(winner) not in ids(seen["observed"])
    assert space.config_id(winner) in ids(seen["pending"])
    proposal = json.loads(study._storage.get_trial(trial._trial_id).system_attrs[PROPOSAL_ATTR])
    assert space.config_id(space.validate(proposal)) != space.config_id(winner)


def test_a_trial_failed_with_some_parameters_unset_is_ignored(surrogate):
    # A worker killed while suggesting leaves a trial holding the family and nothing else,
    # which its stopped heartbeat then fails.
    training, fitted = surrogate
    space = get_space("classification")
    sampler = MetaSurrogateSampler(fitted, space, training.meta_features.loc["A0"],
                                   pool=training.configs, min_observed=1, seed=0)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.add_trial(optuna.trial.create_trial(
        params={"family": "extra_trees"},
        distributions={"family": CategoricalDistribution(space.family_names)},
        state=optuna.trial.TrialState.FAIL))
    study.optimize(_objective(space), n_trials=4)
    sources = [t.user_attrs.get("source") for t in study.trials[1:]]
    assert sources[-1] == SURROGATE_SOURCE  # the surrogate proposes, past the partial trial


def test_expected_improvement_is_the_plain_gain_without_spread_and_grows_with_it():
    mean = np.array([0.5, 0.7, 0.9])
    assert np.allclose(expected_improvement(mean, np.zeros(3), 0.7), [0.0, 0.0, 0.2])
    wider = expected_improvement(mean, np.full(3, 0.2), 0.7)
    assert (wider > expected_improvement(mean, np.zeros(3), 0.7)).all()
    assert np.all(np.diff(wider) > 0)


class _FixedSurrogate:
    """Predicts knn 0.6, svm 0.9 (both +- 0.1) and the tried linear model 0.5 (no spread)."""

    def predict(self, meta_features, encodings, observed_encodings=None, observed_scores=None):
        mean, std = np.array([0.6, 0.9, 0.5]), np.array([0.1, 0.1, 0.0])
        return mean[:len(encodings)], std[:len(encodings)]


@pytest.mark.parametrize("acquisition, expected", [("ei_per_second", "knn"), ("ucb", "svm")])
def test_under_a_cost_limit_it_weighs_expected_improvement_by_predicted_seconds(acquisition,
                                                                                expected):
    import time

    space = get_space("classification")
    sampler = MetaSurrogateSampler(_FixedSurrogate(), space, None, cost_acquisition=acquisition,
                                   seed=0)
    candidates = [space.default_config("knn"), space.default_config("svm")]
    observed, scores = [space.default_config("linear")], np.array([0.6])
    # Without a cost limit: the upper confidence bound, svm.
    assert sampler.select(candidates, observed, scores)["family"] == "svm"
    # knn improves by about 0.1 in 1 s, svm by about 0.4 in 100 s.
    sampler.limit_cost(_knn_fast, deadline=time.time() + 1000)
    assert sampler.select(candidates, observed, scores)["family"] == expected


def _knn_fast(configs):
    return np.array([1.0 if c["family"] == "knn" else 100.0 for c in configs])


def test_cost_cooling_is_frugal_early_and_cost_blind_late():
    import time

    space = get_space("classification")
    sampler = MetaSurrogateSampler(_FixedSurrogate(), space, None, cost_acquisition="ei_cooled",
                                   seed=0)
    assert MetaSurrogateSampler(None, space, None).cost_acquisition == "ucb"
    candidates = [space.default_config("knn"), space.default_config("svm")]
    observed, scores = [space.default_config("linear")], np.array([0.6])
    # All of a 1,000 s budget left: the cost counts in full, as per second.
    sampler.limit_cost(_knn_fast, deadline=time.time() + 1000, budget=1000)
    assert sampler.select(candidates, observed, scores)["family"] == "knn"
    # 200 s of it left (both still fit): the cost's power is 0.2, and svm's larger expected
    # improvement wins.
    sampler.limit_cost(_knn_fast, deadline=time.time() + 200, budget=1000)
    assert sampler.select(candidates, observed, scores)["family"] == "svm"
    with pytest.raises(ValueError, match="cost_acquisition must be one of"):
        MetaSurrogateSampler(None, space, None, cost_acquisition="ei")
