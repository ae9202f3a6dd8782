"""Dataset matchers: performance similarity, the L1 baseline and the learned metric."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _meta_fixtures import synthetic_training_set
from scipy.stats import spearmanr

from metaautoml.matcher import L1Matcher, LearnedMatcher, MatcherConfig, performance_similarity


def test_performance_similarity_is_spearman_with_failures_ranked_last():
    rng = np.random.default_rng(0)
    scores = rng.random((5, 20))
    scores[1, 3] = np.nan
    similarity = performance_similarity(scores)
    assert np.allclose(similarity, similarity.T)
    assert np.allclose(np.diag(similarity), 1.0)
    filled = np.where(np.isfinite(scores), scores, -np.inf)
    assert similarity[0, 2] == pytest.approx(spearmanr(filled[0], filled[2]).statistic)
    assert similarity[0, 1] == pytest.approx(spearmanr(filled[0], filled[1]).statistic)


def test_performance_similarity_of_a_constant_row_is_zero():
    scores = np.vstack([np.ones(6), np.arange(6.0)])
    assert performance_similarity(scores)[0, 1] == 0.0


def test_l1_matcher_scales_by_training_range_and_puts_undefined_mid_range():
    frame = pd.DataFrame({"rows": [0.0, 100.0, 50.0], "share": [0.0, 0.0, 1.0]}, index=list("abc"))
    matcher = L1Matcher().fit_frame(frame)
    distances = matcher.distances(pd.Series({"rows": 100.0, "share": 0.0}))[0]
    assert distances == pytest.approx([1.0, 0.0, 1.5])
    undefined = matcher.distances(pd.Series({"rows": 0.0, "share": np.nan}))[0]
    assert undefined == pytest.approx([0.5, 1.5, 1.0])


def test_neighbors_are_sorted_and_k_is_checked():
    training = synthetic_training_set()
    matcher = L1Matcher().fit(training)
    table = matcher.neighbors(training.meta_features.iloc[0], k=4)
    assert list(table.columns) == ["dataset", "distance"]
    assert table["dataset"][0] == training.datasets[0]
    assert table["distance"].is_monotonic_increasing
    with pytest.raises(ValueError, match="k must be a positive integer"):
        matcher.neighbors(training.meta_features.iloc[0], k=0)


@pytest.fixture(scope="module")
def learned():
    training = synthetic_training_set()
    return training, LearnedMatcher(MatcherConfig(epochs=150)).fit(training)


def test_learned_matcher_finds_the_own_cluster(learned):
    training, matcher = learned
    hits = []
    for name in training.datasets:
        near = matcher.neighbors(training.meta_features.loc[name], k=6)["dataset"]
        hits.append(np.mean([d[0] == name[0] for d in near[1:]]))
    assert np.mean(hits) > 0.9
    assert matcher.history_[-1] < matcher.history_[0]


def test_learned_matcher_is_robust_to_view_noise(learned):
    training, matcher = learned
    view = training.views["A0"].iloc[0]
    assert matcher.neighbors(view, k=3)["dataset"].str[0].eq("A").all()


def test_learned_matcher_save_load_round_trip(learned, tmp_path):
    training, matcher = learned
    matcher.save(tmp_path / "matcher")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["matcher.json", "matcher.pt"]
    loaded = LearnedMatcher.load(tmp_path / "matcher")
    np.testing.assert_allclose(loaded.distances(training.meta_features),
                               matcher.distances(training.meta_features), rtol=1e-5, atol=1e-6)
    assert loaded.datasets == matcher.datasets
