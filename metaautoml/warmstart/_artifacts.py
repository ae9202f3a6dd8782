"""Meta-training the matcher and the surrogate, and loading the trained artifacts.

Artifacts are torch ``state_dict`` files loaded with ``weights_only=True`` plus JSON metadata --
nothing is pickled -- written per task type into one directory: ``matcher-<task>.json`` (plus
the matcher kind's other files, ``matcher-<task>.pt`` for the learned matcher),
``surrogate-<task>.{pt,json}`` and ``proposer-<task>.json``. The package ships them in
``metaautoml/data`` next to the meta-database they were trained on.

The matcher is whatever kind ``meta_train`` is given (the learned matcher by default): its JSON
names the kind, and loading looks the kind up in :mod:`metaautoml.matcher`'s registry
(:func:`~metaautoml.matcher.save_matcher`, :func:`~metaautoml.matcher.load_matcher`), so a new
matcher needs no change here.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import time
from dataclasses import asdict
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..matcher import (
    DEFAULT_MATCHER_KIND,
    MatcherConfig,
    load_matcher,
    make_matcher,
    matcher_class,
    save_matcher,
)
from ..metadb import MetaDB, MetaTrainingSet
from ..surrogate import MetaSurrogate, TrainingConfig
from ._proposer import ProposerConfig, WarmStartProposer

#: Surrogate ensemble members of the shipped warm start: ``meta_train`` and
#: ``metaautoml.benchmark.fit_proposer`` both default to it. The search after the warm start ranks
#: by ``mean + 0.5 * std`` over the members; with one member the spread is 0.
DEFAULT_N_ENSEMBLE = 3


def default_artifact_dir() -> Path:
    """Where the shipped artifacts live: ``metaautoml/data``."""
    return Path(str(resources.files("metaautoml") / "data"))


def _paths(directory: Path, task: str) -> dict[str, Path]:
    return {"matcher": directory / f"matcher-{task}", "surrogate": directory / f"surrogate-{task}",
            "proposer": directory / f"proposer-{task}.json"}


def _unfitted_matcher(matcher, matcher_config: MatcherConfig | None):
    """A fresh matcher to fit: of ``matcher``'s kind (a name, default the learned matcher), or a
    copy of the unfitted ``matcher`` object."""
    if matcher is None or isinstance(matcher, str):
        return make_matcher(matcher or DEFAULT_MATCHER_KIND, matcher_config)
    if matcher_config is not None:
        raise ValueError("matcher_config goes with a matcher kind, not with a matcher object")
    return copy.deepcopy(matcher)


def train_proposer(training: MetaTrainingSet, *, training_config: TrainingConfig | None = None,
                   n_ensemble: int = DEFAULT_N_ENSEMBLE, matcher=None,
                   matcher_config: MatcherConfig | None = None,
                   proposer_config: ProposerConfig | None = None) -> WarmStartProposer:
    """The full warm start meta-trained on ``training``: a matcher, a :class:`MetaSurrogate` and
    the :class:`WarmStartProposer` over them (what :func:`meta_train` writes, unsaved).

    Parameters
    ----------
    training : MetaTrainingSet
    training_config : TrainingConfig, optional
        The surrogate's meta-training.
    n_ensemble : int, default=DEFAULT_N_ENSEMBLE
        Surrogate ensemble members.
    matcher : str or matcher, optional
        A registered matcher kind (:func:`metaautoml.matcher.matcher_kinds`; the learned matcher
        by default) or an unfitted matcher object, of which a copy is fitted.
    matcher_config : MatcherConfig, optional
        The configuration the matcher kind is built with (``cls(matcher_config)``).
    proposer_config : ProposerConfig, optional
        ``None``: the task's defaults (:meth:`ProposerConfig.for_task`).
    """
    fitted = _unfitted_matcher(matcher, matcher_config).fit(training)
    surrogate = MetaSurrogate(training_config, n_ensemble=n_ensemble).fit(training)
    return WarmStartProposer(training, fitted, surrogate, proposer_config)


def meta_train(db: MetaDB, directory: str | os.PathLike, *,
               tasks: tuple[str, ...] = ("classification", "regression"),
               training_config: TrainingConfig | None = None,
               n_ensemble: int = DEFAULT_N_ENSEMBLE,
               matcher_config: MatcherConfig | None = None,
               proposer_config: ProposerConfig | None = None, matcher=None) -> dict[str, dict]:
    """Train matcher and surrogate on ``db`` for each task type and write them to ``directory``.

    A task's files are written to a temporary directory and moved into place once all are
    complete, so an interrupted run leaves the previous artifacts intact. ``matcher`` is a
    registered matcher kind or an unfitted object of a registered class (see
    :func:`train_proposer`); its kind is written with it, so :func:`load_proposer` reads it back.

    Returns
    -------
    dict
        Per task: datasets, configurations and seconds taken.
    """
    template = _unfitted_matcher(matcher, matcher_config)
    kind = getattr(type(template), "kind", None)
    if not isinstance(kind, str) or matcher_class(kind) is not type(template):
        raise ValueError(f"{type(template).__name__} is not a registered matcher class; "
                         "register it with metaautoml.matcher.register_matcher to save it")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    summary = {}
    for task in tasks:
        start = time.perf_counter()
        training = MetaTrainingSet.from_metadb(db, task)
        proposer = train_proposer(training, training_config=training_config,
                                  n_ensemble=n_ensemble, matcher=template,
                                  proposer_config=proposer_config)
        with tempfile.TemporaryDirectory(dir=directory) as tmp:
            staging = _paths(Path(tmp), task)
            save_matcher(proposer.matcher, staging["matcher"])
            proposer.surrogate.save(staging["surrogate"])
            staging["proposer"].write_text(json.dumps({
                "config": asdict(proposer.config), "task": task,
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
    metric. Missing artifacts leave the proposer without that component. The matcher is of the
    kind its JSON names (:func:`metaautoml.matcher.load_matcher`).
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
    surrogate = None
    config = ProposerConfig.for_task(task)
    matcher = load_matcher(paths["matcher"])
    if Path(str(paths["surrogate"]) + ".pt").exists():
        surrogate = MetaSurrogate.load(paths["surrogate"])
        if surrogate.n_encoding != training.encodings.shape[1]:
            raise ValueError(f"the {task} surrogate in {directory} was trained on another search "
                             "space; retrain it with `metaautoml meta-train`")
    if paths["proposer"].exists():
        # A field the file lacks (written by an older version) takes the task's default.
        config = ProposerConfig.for_task(task, **json.loads(paths["proposer"].read_text())["config"])
    return WarmStartProposer(training, matcher, surrogate, config)
