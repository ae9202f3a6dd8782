"""Dataset matchers: performance similarity, the L1 baseline, the learned metric and the registry
of matcher kinds the artifacts save and load through."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
from _meta_fixtures import synthetic_training_set
from scipy.stats import spearmanr

from metaautoml.matcher import (
    DEFAULT_MATCHER_KIND,
    BaseMatcher,
    L1Matcher,
    LearnedMatcher,
    Matcher,
    MatcherConfig,
    load_matcher,
    make_matcher,
    matcher_class,
    matcher_kinds,
    performance_similarity,
    register_matcher,
    save_matcher,
    unregister_matcher,
)
from metaautoml.warmstart import default_artifact_dir


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


# -- the matcher seam: kinds, saving and loading ----------------------------------------------
def test_shipped_matcher_files_load_as_the_learned_matcher_with_or_without_a_kind(tmp_path):
    directory = default_artifact_dir()
    for task in ("classification", "regression"):
        path = directory / f"matcher-{task}"
        meta = json.loads(path.with_suffix(".json").read_text())
        assert meta.get("kind", "learned") == "learned"
        # Files written before matcher kinds existed name none: they are learned matchers.
        old = tmp_path / f"old-{task}"
        old.with_suffix(".json").write_text(json.dumps({k: v for k, v in meta.items() if k != "kind"}))
        old.with_suffix(".pt").write_bytes(path.with_suffix(".pt").read_bytes())
        assert type(load_matcher(old)) is LearnedMatcher
        matcher = load_matcher(path)
        assert type(matcher) is LearnedMatcher and isinstance(matcher, Matcher)
        # The weights are a plain state_dict: they load with weights_only=True.
        state = torch.load(path.with_suffix(".pt"), weights_only=True)
        assert set(state) == set(matcher.model.state_dict())


def test_both_matchers_are_registered_kinds_and_round_trip(learned, tmp_path):
    training, fitted = learned
    assert {"learned", "l1"} <= set(matcher_kinds()) and DEFAULT_MATCHER_KIND == "learned"
    assert matcher_class("l1") is L1Matcher and matcher_class("learned") is LearnedMatcher
    for matcher in (fitted, L1Matcher().fit(training)):
        path = tmp_path / matcher.kind
        save_matcher(matcher, path)
        assert json.loads(path.with_suffix(".json").read_text())["kind"] == matcher.kind
        loaded = load_matcher(path)
        assert type(loaded) is type(matcher) and loaded.datasets == matcher.datasets
        np.testing.assert_allclose(loaded.distances(training.meta_features),
                                   matcher.distances(training.meta_features), rtol=1e-5, atol=1e-6)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l1.json", "learned.json", "learned.pt"]
    # A missing file of the kind leaves no matcher; an unknown kind is an error.
    (tmp_path / "learned.pt").unlink()
    assert load_matcher(tmp_path / "learned") is None
    assert load_matcher(tmp_path / "absent") is None
    (tmp_path / "odd.json").write_text(json.dumps({"kind": "odd"}))
    with pytest.raises(ValueError, match="unknown matcher kind 'odd'"):
        load_matcher(tmp_path / "odd")


class _Nearest(BaseMatcher):
    """A toy matcher kind: distance on the first meta-feature only."""

    kind = "toy_first_feature"

    def fit(self, training):
        self.datasets = list(training.datasets)
        self.first = training.meta_features.iloc[:, 0].to_numpy(dtype=float)
        self.column = training.meta_features.columns[0]
        return self

    def distances(self, meta_features):
        frame = meta_features.to_frame().T if isinstance(meta_features, pd.Series) else meta_features
        return np.abs(frame[self.column].to_numpy(dtype=float)[:, None] - self.first[None, :])

    def save(self, path):
        path.with_suffix(".json").write_text(json.dumps(
            {"datasets": self.datasets, "first": self.first.tolist(), "column": self.column}))

    @classmethod
    def load(cls, path):
        meta = json.loads(path.with_suffix(".json").read_text())
        matcher = cls()
        matcher.datasets, matcher.column = meta["datasets"], meta["column"]
        matcher.first = np.asarray(meta["first"])
        return matcher


@pytest.fixture
def toy_matcher_kind():
    register_matcher(_Nearest)
    try:
        yield _Nearest
    finally:
        unregister_matcher(_Nearest.kind)


def test_a_registered_matcher_class_saves_with_its_kind_and_loads(toy_matcher_kind, tmp_path):
    training = synthetic_training_set()
    matcher = make_matcher("toy_first_feature").fit(training)
    save_matcher(matcher, tmp_path / "m")
    assert json.loads((tmp_path / "m.json").read_text())["kind"] == "toy_first_feature"
    loaded = load_matcher(tmp_path / "m")
    assert isinstance(loaded, _Nearest)
    np.testing.assert_array_equal(loaded.distances(training.meta_features),
                                  matcher.distances(training.meta_features))


def test_register_matcher_checks_the_class(toy_matcher_kind):
    with pytest.raises(ValueError, match="already registered"):
        register_matcher(type("Other", (_Nearest,), {}))
    with pytest.raises(ValueError, match="class attribute 'kind'"):
        register_matcher(type("NoKind", (), {}))
    with pytest.raises(ValueError, match=r"lacks \['save', 'load'\]"):
        register_matcher(type("NoSave", (), {"kind": "x", "fit": len, "distances": len}))
    with pytest.raises(ValueError, match="not a registered matcher class"):
        save_matcher(type("Unregistered", (_Nearest,), {"kind": "nope"})(), "unused")
    with pytest.raises(ValueError, match="unknown matcher kind"):
        make_matcher("nope")
