"""The shipped meta-database and models: what a default install learns from.

These read the files in ``metaautoml/data``, so they fail when a snapshot of a build is shipped
without its models being retrained, or a build of other datasets than the listed ones.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from metaautoml.metadb import MetaDB, MetaTrainingSet
from metaautoml.warmstart import ProposerConfig

ROOT = Path(__file__).resolve().parents[2]
LISTED = ROOT / "metaautoml" / "corpus" / "shipped_datasets.txt"
DATA = ROOT / "metaautoml" / "data"
TASKS = ("classification", "regression")


@pytest.fixture(scope="module")
def shipped() -> MetaDB:
    return MetaDB.default()


def test_it_is_built_from_the_listed_datasets(shipped):
    listed = LISTED.read_text().split()
    assert sorted(shipped.datasets().index) == sorted(listed)


def test_it_is_large_and_its_matrix_nearly_full(shipped):
    summary = shipped.summary()
    counts = [summary[task] for task in TASKS]
    # Issue 23's v2: >= 350 datasets of its own, >= 150 of them regression, >= 200 classification.
    assert sum(c["datasets"] for c in counts) >= 350
    assert summary["regression"]["datasets"] >= 150
    assert summary["classification"]["datasets"] >= 200
    for task, count in zip(TASKS, counts, strict=True):
        assert count["configurations"] >= 200, task
        assert count["datasets_with_meta_features"] == count["datasets"], task
        # Failures and timeouts are filled cells: recorded, not missing.
        assert count["evaluations"] == count["complete"] + count["failed"] + count["timeout"]
        assert count["matrix_filled"] >= 0.95, (task, count["matrix_filled"])


@pytest.mark.parametrize("task", TASKS)
def test_the_shipped_models_were_trained_on_it(shipped, task):
    training = MetaTrainingSet.from_metadb(shipped, task)
    proposer = json.loads((DATA / f"proposer-{task}.json").read_text())
    matcher = json.loads((DATA / f"matcher-{task}.json").read_text())
    assert proposer["datasets"] == matcher["datasets"] == training.datasets
    assert proposer["config_ids"] == training.config_ids
    # The shipped proposer settings are the task's defaults, which the benchmarks measured.
    assert proposer["config"] == asdict(ProposerConfig.for_task(task))
