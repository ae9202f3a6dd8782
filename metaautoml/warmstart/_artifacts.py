"""Meta-training the matcher and the surrogate, and loading the trained artifacts.

Artifacts are torch ``state_dict`` files loaded with ``weights_only=True`` plus JSON metadata --
nothing is pickled -- written per task type into one directory: ``matcher-<task>.{pt,json}``,
``surrogate-<task>.{pt,json}`` and ``proposer-<task>.json``. The package ships them in
``metaautoml/data`` next to the meta-database they were trained on.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..matcher import LearnedMatcher, MatcherConfig
from ..metadb import MetaDB, MetaTrainingSet
from ..surrogate import MetaSurrogate, TrainingConfig
from ._proposer import ProposerConfig, WarmStartProposer


def default_artifact_dir() -> Path:
    """Where the shipped artifacts live: ``metaautoml/data``."""
    return Path(str(resources.files("metaautoml") / "data"))


def _paths(directory: Path, task: str) -> dict[str, Path]:
    return {"matcher": directory / f"matcher-{task}", "surrogate": directory / f"surrogate-{task}",
            "proposer": directory / f"proposer-{task}.json"}


def meta_train(db: MetaDB, directory: str | os.PathLike, *,
               tasks: tuple[str, ...] = ("classification", "regression"),
               training_config: TrainingConfig | None = None, n_ensemble: int = 3,
               matcher_config: MatcherConfig | None = None,
               proposer_config: ProposerConfig | None = None) -> dict[str, dict]:
    """Train matcher and surrogate on ``db`` for each task type and write them to ``directory``.

    A task's files are written to a temporary directory and moved into place once all are
    complete, so an interrupted run leaves the previous artifacts intact.

    Returns
    -------
    dict
        Per task: datasets, configurations and seconds taken.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    summary = {}
    for task in tasks:
        start = time.perf_counter()
        training = MetaTrainingSet.from_metadb(db, task)
        matcher = LearnedMatcher(matcher_config).fit(training)
        surrogate = MetaSurrogate(training_config, n_ensemble=n_ensemble).fit(training)
        with tempfile.TemporaryDirectory(dir=directory) as tmp:
            staging = _paths(Path(tmp), task)
            matcher.save(staging["matcher"])
            surrogate.save(staging["surrogate"])
            staging["proposer"].write_text(json.dumps({
                "config": asdict(proposer_config or ProposerConfig.for_task(task)), "task": task,
                "metric": training.metric, "datasets": training.datasets,
                "config_ids": training.config_ids}, indent=1))
            for file in Path(tmp).iterdir():
                os.replace(file, directory / file.name)
        summary[task] = {"datasets": training.n_datasets, "configurations": training.n_configs,
                         "seconds": round(time.perf_counter() - start, 1)}
    return summary


def load_proposer(task: str, metric: str | None = None, *, db: MetaDB | None = None,
                  directory: str | os.PathLike | None = None) -> WarmStartProposer:
    """The warm-start proposer for ``task``, from the shipped (or given) meta-DB and artifacts.

    ``metric`` chooses the performance matrix the portfolio reads (a metric stored in the
    meta-database); the matcher and the surrogate are the task's, trained on its default
    metric. Missing artifacts leave the proposer without that component.
    """
    if db is None and directory is None:
        return _cached_default(task, metric)
    return _load(task, metric, db or MetaDB.default(),
                 Path(directory) if directory is not None else default_artifact_dir())


@lru_cache(maxsize=8)
def _cached_default(task: str, metric: str | None) -> WarmStartProposer:
    return _load(task, metric, MetaDB.default(), default_artifact_dir())


def _load(task: str, metric: str | None, db: MetaDB, directory: Path) -> WarmStartProposer:
    training = MetaTrainingSet.from_metadb(db, task, metric)
    paths = _paths(directory, task)
    matcher = surrogate = None
    config = ProposerConfig.for_task(task)
    if Path(str(paths["matcher"]) + ".pt").exists():
        matcher = LearnedMatcher.load(paths["matcher"])
    if Path(str(paths["surrogate"]) + ".pt").exists():
        surrogate = MetaSurrogate.load(paths["surrogate"])
        if surrogate.n_encoding != training.encodings.shape[1]:
            raise ValueError(f"the {task} surrogate in {directory} was trained on another search "
                             "space; retrain it with `metaautoml meta-train`")
    if paths["proposer"].exists():
        # A field the file lacks (written by an older version) takes the task's default.
        config = ProposerConfig.for_task(task, **json.loads(paths["proposer"].read_text())["config"])
    return WarmStartProposer(training, matcher, surrogate, config)
