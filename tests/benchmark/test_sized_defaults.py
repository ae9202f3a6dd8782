"""benchmarks/sized_defaults.py: sized against plain defaults, held out by group."""

from __future__ import annotations

import numpy as np
from _meta_fixtures import synthetic_training_set

from metaautoml.metadb import MetaTrainingSet
from metaautoml.space import get_space
from metaautoml.warmstart import ProposerConfig, WarmStartProposer


def _fast(data: MetaTrainingSet) -> WarmStartProposer:
    """A warm start without a matcher or surrogate: the static portfolio, in seconds."""
    return WarmStartProposer(data, config=ProposerConfig.for_task(data.task))


def _with_sized_knn(plain: MetaTrainingSet, gain: float) -> MetaTrainingSet:
    space = get_space(plain.task)
    knn = plain.config_ids.index(space.config_id(space.default_config("knn")))
    scores = plain.scores.copy()
    scores[:, knn] += gain
    return MetaTrainingSet(**{**plain.__dict__, "scores": scores,
                              "sized_defaults": [plain.config_ids[knn]]})


def test_every_dataset_is_held_out_once_and_each_pick_is_scored_as_proposed(script):
    module = script("sized_defaults")
    plain = synthetic_training_set(n_per_cluster=8)
    sized = _with_sized_knn(plain, 1.0)  # the sized k-NN default beats everything, everywhere
    results = module.run_task(plain, sized, fit=_fast)
    counts = results.groupby(["method", "k"])["dataset"].nunique()
    assert counts.eq(plain.n_datasets).all() and len(counts) == 3 * len(module.KS)
    # The cold start's first pick is the reference itself; bests never fall as k grows.
    cold = results[(results["method"] == "cold") & (results["k"] == 1)]
    assert np.allclose(cold["best"], cold["reference"])
    for _, part in results.groupby(["method", "dataset"]):
        assert np.all(np.diff(part.sort_values("k")["best"]) >= 0)
    # Trained on the sized scores, the warm start picks the k-NN default first and is scored
    # by its sized evaluation; the cold start reaches it at its sixth default.
    first = results[(results["method"] == "sized") & (results["k"] == 1)]
    assert (first["first_family"] == "knn").all()
    knn = sized.config_ids.index(sized.sized_defaults[0])
    by_name = dict(zip(sized.datasets, sized.scores[:, knn], strict=True))
    assert np.allclose(first["best"], first["dataset"].map(by_name))
    seventh = results[(results["method"] == "cold") & (results["k"] == 7)]
    assert np.allclose(seventh["best"], seventh["dataset"].map(by_name))


def test_the_summary_reports_the_first_pick_and_the_pairs_per_k(script):
    module = script("sized_defaults")
    plain = synthetic_training_set(n_per_cluster=8)
    results = module.run_task(plain, _with_sized_knn(plain, 0.0), fit=_fast)
    text = module.summarize(results)
    assert "**classification**: the first pick against scikit-learn's" in text
    row = next(line for line in text.splitlines() if line.startswith("| cold |"))
    assert row.startswith("| cold | 16 | 1.0000 | 0.0000 |")
    # Equal scores: sized and plain propose the same, so they tie at every k.
    assert text.count("| sized - plain | 0.0000 |") == len(module.KS)
