"""The meta-learned surrogate: training variants, prediction, adaptation, persistence."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import numpy as np
import pytest
import torch
from _meta_fixtures import synthetic_training_set
from scipy.stats import spearmanr

from metaautoml.surrogate import (
    VARIANTS,
    MetaSurrogate,
    RankingMLP,
    TrainingConfig,
    adapt,
    meta_train,
    pairwise_ranking_loss,
)


def test_ranking_loss_prefers_the_right_order_and_ignores_padding():
    targets = torch.tensor([0.0, 0.5, 1.0])
    right = pairwise_ranking_loss(torch.tensor([0.0, 1.0, 2.0]), targets)
    wrong = pairwise_ranking_loss(torch.tensor([2.0, 1.0, 0.0]), targets)
    assert right < wrong
    padded = pairwise_ranking_loss(torch.tensor([0.0, 1.0, 2.0, 9.0]), torch.tensor([0.0, 0.5, 1.0, -5.0]),
                                   valid=torch.tensor([1.0, 1.0, 1.0, 0.0]))
    assert padded == pytest.approx(float(right))


def test_unknown_variant_is_rejected():
    with pytest.raises(ValueError, match="unknown meta-training variant 'sgd'"):
        TrainingConfig(variant="sgd")


def test_unknown_target_normalization_is_rejected():
    with pytest.raises(ValueError, match="unknown target normalization 'zscore'"):
        TrainingConfig(target="zscore")


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_trains_and_lowers_the_loss(variant):
    training = synthetic_training_set(seed=1)
    meta = training.meta_features.to_numpy(np.float32) / 10
    views = [np.empty((0, meta.shape[1]), np.float32)] * training.n_datasets
    config = TrainingConfig(variant=variant, meta_iterations=60, meta_batch=8, query_size=16)
    model, lrs, history = meta_train(training.encodings, meta, views, training.normalized(), config)
    assert isinstance(model, RankingMLP) and len(history) == 60
    assert np.mean(history[-15:]) < np.mean(history[:15])
    if variant == "metasgd":
        assert all(float(v.min()) >= 0.0 for v in lrs.values())


def test_adapt_moves_towards_the_observed_order():
    torch.manual_seed(0)
    model = RankingMLP(3, hidden=8)
    params = dict(model.named_parameters())
    x = torch.randn(10, 3)
    y = x[:, 0].clone()
    before = pairwise_ranking_loss(model(x), y)
    adapted = adapt(model, params, x, y, torch.ones(10), 0.5, steps=20, first_order=True)
    after = pairwise_ranking_loss(torch.func.functional_call(model, adapted, (x,)), y)
    assert after < before


@pytest.fixture(scope="module")
def fitted():
    training = synthetic_training_set()
    surrogate = MetaSurrogate(TrainingConfig(meta_iterations=150, meta_batch=8, query_size=16),
                              n_ensemble=2).fit(training)
    return training, surrogate


def test_zero_shot_ranks_the_own_cluster_best(fitted):
    training, surrogate = fitted
    correlations = []
    for i, name in enumerate(training.datasets):
        mean, std = surrogate.predict(training.meta_features.loc[name], training.encodings)
        assert mean.shape == std.shape == (training.n_configs,)
        assert np.all(std >= 0)
        correlations.append(spearmanr(mean, training.scores[i]).statistic)
    assert np.mean(correlations) > 0.5


def test_adaptation_uses_the_observed_scores(fitted):
    training, surrogate = fitted
    meta = training.meta_features.iloc[0]
    observed = np.arange(6)
    # Scores that contradict the meta-knowledge: adaptation must move towards them.
    fake = -training.scores[0, observed]
    zero_shot, _ = surrogate.predict(meta, training.encodings[observed])
    adapted, _ = surrogate.predict(meta, training.encodings[observed],
                                   training.encodings[observed], fake)
    assert spearmanr(adapted, fake).statistic > spearmanr(zero_shot, fake).statistic


def test_failed_observations_count_as_worst(fitted):
    training, surrogate = fitted
    meta = training.meta_features.iloc[0]
    scores = training.scores[0, :4].copy()
    scores[0] = np.nan
    mean, _ = surrogate.predict(meta, training.encodings[:4], training.encodings[:4], scores)
    assert np.isfinite(mean).all()


def test_save_load_round_trip(fitted, tmp_path):
    training, surrogate = fitted
    surrogate.save(tmp_path / "surrogate")
    loaded = MetaSurrogate.load(tmp_path / "surrogate")
    meta = training.meta_features.iloc[3]
    for args in ((), (training.encodings[:5], training.scores[3, :5])):
        np.testing.assert_allclose(loaded.predict(meta, training.encodings, *args)[0],
                                   surrogate.predict(meta, training.encodings, *args)[0], atol=1e-5)


def test_artifacts_from_before_the_target_option_adapt_on_minmax_scores(fitted, tmp_path):
    training, surrogate = fitted
    surrogate.save(tmp_path / "surrogate")
    path = tmp_path / "surrogate.json"
    meta = json.loads(path.read_text())
    del meta["config"]["target"]
    path.write_text(json.dumps(meta))
    assert MetaSurrogate.load(tmp_path / "surrogate").config.target == "minmax"


def test_adaptation_is_not_drowned_by_one_disastrous_trial(fitted):
    # With min-max targets a trial scoring -100 leaves the others nearly tied, so adapting
    # learns little beyond avoiding it; median clipping keeps the order of the good ones.
    training, surrogate = fitted
    assert surrogate.config.target == "median_clipped"
    meta = training.meta_features.iloc[0]
    gains = {"median_clipped": [], "minmax": []}
    for seed in range(3):
        rng = np.random.default_rng(seed)
        observed = training.encodings[rng.choice(training.n_configs, 8, replace=False)]
        scores = np.concatenate([[-100.0], rng.random(7)])
        before = spearmanr(surrogate.predict(meta, observed)[0][1:], scores[1:]).statistic
        for target, gain in gains.items():
            adapted = copy.copy(surrogate)  # the same weights, adapting on other targets
            adapted.config = replace(surrogate.config, target=target)
            mean, _ = adapted.predict(meta, observed, observed, scores)
            gain.append(spearmanr(mean[1:], scores[1:]).statistic - before)
    assert np.mean(gains["median_clipped"]) > 0.05
    assert np.mean(gains["median_clipped"]) > np.mean(gains["minmax"]) + 0.05


def test_n_ensemble_must_be_positive():
    with pytest.raises(ValueError, match="n_ensemble must be at least 1"):
        MetaSurrogate(n_ensemble=0).fit(synthetic_training_set(n_per_cluster=2))
