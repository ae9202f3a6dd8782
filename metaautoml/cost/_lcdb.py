"""How fit time grows with the rows, read off LCDB's learning curves.

LCDB (the Learning Curve Database, PyPI ``lcdb`` 0.1.0, MIT licence) records the train time of
20 scikit-learn learners with default hyperparameters on 219 OpenML classification datasets at
training sizes from 16 rows to 2 M. The meta-database's tables have at most 1,000 rows, so its
times say nothing about a user's 50,000; LCDB does, for the learners that correspond to the
search space's families.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..metadb import LCDB_LEARNERS, LearningCurves

#: The training sizes the exponents are fitted on: the range a user's table adds to the
#: meta-database's.
SIZE_RANGE = (1_000, 65_536)
_COLUMNS = ["openmlid", "learner", "size_train", "traintime"]


def read_lcdb_train_times(source: LearningCurves | str | Path | None = None) -> pd.DataFrame:
    """LCDB's train times: ``openmlid``, ``learner``, ``size_train``, ``traintime``.

    ``source`` is the LCDB import shipped with the package (the default) or another
    :class:`~metaautoml.metadb.LearningCurves` (its median over seeds per size), or LCDB's source
    distribution (``lcdb-0.1.0.tar.gz``) or an extracted ``database-accuracy.csv`` (one row per
    seed)."""
    if source is None:
        source = LearningCurves.shipped()
    if isinstance(source, LearningCurves):
        return source.curves.rename(columns={"openml_id": "openmlid", "train_time": "traintime"})[_COLUMNS]
    path = Path(source)
    if path.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as archive:
            member = next(m for m in archive.getmembers()
                          if m.name.endswith("database-accuracy.csv"))
            frame = pd.read_csv(archive.extractfile(member), usecols=_COLUMNS)
    else:
        frame = pd.read_csv(path, usecols=_COLUMNS)
    frame["learner"] = frame["learner"].str.split(".").str[-1]
    return frame


def lcdb_size_exponents(train_times: pd.DataFrame,
                        size_range: tuple[int, int] = SIZE_RANGE) -> dict[str, float]:
    """Per family, the median over LCDB's datasets of the slope of ``log10 train time`` on
    ``log10 rows`` within ``size_range`` (datasets with at least 3 sizes there).

    Examples
    --------
    >>> import pandas as pd
    >>> times = pd.DataFrame({"openmlid": 1, "learner": "SVC_rbf",
    ...                       "size_train": [1024, 2048, 4096], "traintime": [1.0, 4.0, 16.0]})
    >>> lcdb_size_exponents(times)["svm"]
    2.0
    """
    low, high = size_range
    frame = train_times[(train_times["size_train"] >= low) & (train_times["size_train"] <= high)
                        & (train_times["traintime"] > 0)]
    curves = frame.groupby(["learner", "openmlid", "size_train"])["traintime"].median().reset_index()
    exponents = {}
    for family, learner in LCDB_LEARNERS.items():
        slopes = []
        for _, curve in curves[curves["learner"] == learner].groupby("openmlid"):
            if curve["size_train"].nunique() >= 3:
                slopes.append(np.polyfit(np.log10(curve["size_train"]),
                                         np.log10(curve["traintime"]), 1)[0])
        if slopes:
            exponents[family] = round(float(np.median(slopes)), 3)
    return exponents
