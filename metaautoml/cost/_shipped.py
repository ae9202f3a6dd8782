"""The cost models shipped in ``metaautoml/data``: ``cost-<task>.pt`` and ``cost-<task>.json``."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..metadb import LearningCurves, MetaDB
from ._lcdb import lcdb_size_exponents, read_lcdb_train_times
from ._model import CostModel, CostModelConfig, cost_training_table


def cost_model_path(task: str, directory: str | Path | None = None) -> Path:
    """``<directory>/cost-<task>`` (without suffix); the package's data directory by default."""
    base = Path(str(resources.files("metaautoml") / "data")) if directory is None else Path(directory)
    return base / f"cost-{task}"


@lru_cache(maxsize=4)
def load_cost_model(task: str) -> CostModel | None:
    """The shipped cost model of ``task``, or ``None`` when the package has none."""
    path = cost_model_path(task)
    if not path.with_suffix(".pt").exists():
        return None
    return CostModel.load(path)


def train_shipped_cost_models(db: MetaDB, directory: str | Path, *,
                              lcdb: LearningCurves | str | Path | None = None,
                              config: CostModelConfig | None = None) -> dict[str, Path]:
    """Train one cost model per task type on ``db`` and save it into ``directory``.

    ``lcdb``: LCDB's train times (the import shipped with the package by default; see
    :func:`read_lcdb_train_times` for the other sources) set how each family's time grows beyond
    the meta-database's largest table (LCDB is classification only; regression uses the same
    exponents).
    """
    exponents = lcdb_size_exponents(read_lcdb_train_times(lcdb))
    paths = {}
    for task in ("classification", "regression"):
        model = CostModel(task, config).with_size_exponents(exponents)
        model.fit(cost_training_table(db, task))
        paths[task] = cost_model_path(task, directory)
        model.save(paths[task])
    return paths
