"""LCDB, the Learning Curve Database, as a sibling store of the meta-database: what the
project's own evaluations (at most 1,000 rows each) cannot say, how the families' scores and fit
times change with the training size.

LCDB (Mohr, Viering, Loog, van Rijn: *LCDB 1.0: An Extensive Learning Curves Database for
Classification Tasks*, ECML PKDD 2022; PyPI ``lcdb`` 0.1.0, MIT licence) holds learning curves of
20 scikit-learn learners with default hyperparameters on 219 OpenML classification datasets, at
training sizes from 16 rows up to 2 M (powers of sqrt(2)), several outer and inner seeds each,
with train times, plus OpenML's dataset qualities.

:func:`import_lcdb` reduces its source distribution (the four metric tables, ~480 MB of CSV) to
what the project uses, averaged over seeds, and writes it as Parquet with LCDB's licence:
``lcdb-curves.parquet`` (one row per dataset, learner and training size), ``lcdb-datasets.parquet``
(one row per dataset: its name, source group and the qualities that correspond to the project's
meta-features) and ``LICENSE-lcdb.txt``. The package ships the result in its data directory and
:meth:`LearningCurves.shipped` reads it; nothing is downloaded at run time.
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._store import default_path

#: The LCDB learner standing for each model family of the search space. LCDB has no
#: HistGradientBoosting: scikit-learn's GradientBoostingClassifier stands in (both boost trees
#: on every row each round; the histogram version is cheaper per row and stops early above
#: 10,000 rows).
LCDB_LEARNERS = {
    "hist_gradient_boosting": "GradientBoostingClassifier",
    "random_forest": "RandomForestClassifier",
    "extra_trees": "ExtraTreesClassifier",
    "linear": "LogisticRegression",
    "svm": "SVC_rbf",
    "knn": "KNeighborsClassifier",
    "mlp": "MLPClassifier",
}

#: OpenML qualities that are the project's meta-features (``metaautoml.metafeatures``) up to a
#: scale: ``name -> (meta-feature, factor)``. OpenML counts the target among the features, so
#: ``n_features`` is ``NumberOfFeatures - 1`` and the shares of numeric and symbolic features
#: are close to, not equal to, the project's; ``class_max_share`` is ``MajorityClassSize /
#: NumberOfInstances``. Entropies are in bits in both.
QUALITY_META_FEATURES = {
    "NumberOfInstances": ("n_rows", 1.0),
    "NumberOfClasses": ("n_classes", 1.0),
    "PercentageOfNumericFeatures": ("numeric_share", 0.01),
    "PercentageOfSymbolicFeatures": ("categorical_share", 0.01),
    "PercentageOfMissingValues": ("missing_cell_share", 0.01),
    "PercentageOfInstancesWithMissingValues": ("missing_row_share", 0.01),
    "MinorityClassPercentage": ("class_min_share", 0.01),
    "MeanSkewnessOfNumericAtts": ("skewness_mean", 1.0),
    "MinSkewnessOfNumericAtts": ("skewness_min", 1.0),
    "MaxSkewnessOfNumericAtts": ("skewness_max", 1.0),
    "MeanKurtosisOfNumericAtts": ("kurtosis_mean", 1.0),
    "MinKurtosisOfNumericAtts": ("kurtosis_min", 1.0),
    "MaxKurtosisOfNumericAtts": ("kurtosis_max", 1.0),
    "ClassEntropy": ("class_entropy", 1.0),
    "MeanAttributeEntropy": ("attr_entropy_mean", 1.0),
    "MeanMutualInformation": ("mut_inf_mean", 1.0),
    "MaxMutualInformation": ("mut_inf_max", 1.0),
    "EquivalentNumberOfAtts": ("eq_num_attr", 1.0),
    "MeanNoiseToSignalRatio": ("ns_ratio", 1.0),
}

#: LCDB's metric tables and the columns kept from each (means over seeds).
_METRIC_COLUMNS = {
    "accuracy": {"score_valid": "accuracy_valid", "score_test": "accuracy_test"},
    "auc": {"score_test": "auc_test"},
    "logloss": {"score_test": "log_loss_test"},
}
_KEYS = ["openml_id", "learner", "size_train"]
CURVES_FILE = "lcdb-curves.parquet"
DATASETS_FILE = "lcdb-datasets.parquet"
LICENCE_FILE = "LICENSE-lcdb.txt"
CITATION = ("Mohr, Viering, Loog, van Rijn: LCDB 1.0: An Extensive Learning Curves Database for "
            "Classification Tasks. ECML PKDD 2022; PyPI package lcdb 0.1.0 (MIT licence)")


def _normalized(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _read_member(archive: tarfile.TarFile, suffix: str, **kwargs) -> pd.DataFrame:
    member = next((m for m in archive.getmembers() if m.name.endswith(suffix)), None)
    if member is None:
        raise ValueError(f"{archive.name} has no {suffix}; expected LCDB's source distribution "
                         "lcdb-0.1.0.tar.gz")
    return pd.read_csv(archive.extractfile(member), **kwargs)


def _metric_means(archive: tarfile.TarFile, metric: str) -> pd.DataFrame:
    columns = _METRIC_COLUMNS[metric]
    usecols = ["openmlid", "learner", "size_train", *columns]
    if metric == "accuracy":
        usecols += ["traintime", "outer_seed", "inner_seed"]
    frame = _read_member(archive, f"database-{metric}.csv", usecols=usecols)
    frame = frame.rename(columns={"openmlid": "openml_id", **columns})
    frame["learner"] = frame["learner"].str.split(".").str[-1]
    grouped = frame.groupby(_KEYS, sort=True)
    means = grouped[list(columns.values())].mean()
    if metric == "accuracy":
        means["train_time"] = grouped["traintime"].median()
        means["n_seeds"] = grouped.size()
    return means


def import_lcdb(sdist: str | Path, directory: str | Path, *,
                corpus_groups: Mapping[int | str, str] | None = None) -> dict[str, Path]:
    """Reduce LCDB's source distribution to the sibling store the package ships.

    Parameters
    ----------
    sdist : path-like
        ``lcdb-0.1.0.tar.gz`` (``pip download --no-deps --no-binary :all: lcdb==0.1.0``).
    directory : path-like
        Where to write ``lcdb-curves.parquet``, ``lcdb-datasets.parquet`` and
        ``LICENSE-lcdb.txt`` (created if missing; the files are replaced whole).
    corpus_groups : mapping, optional
        The source group of the project's datasets, by OpenML dataset id (int) and by name
        (str). An LCDB dataset that is one of them (same OpenML id, else the same name up to case
        and punctuation) joins that group, so a leave-one-group-out benchmark holds both out
        together; the others are their own group, ``lcdb-<id>``.

    Returns
    -------
    dict
        The paths written, by kind (``"curves"``, ``"datasets"``, ``"licence"``).
    """
    sdist, directory = Path(sdist), Path(directory)
    corpus_groups = dict(corpus_groups or {})
    by_name: dict[str, str] = {}
    for key, group in corpus_groups.items():
        if isinstance(key, str):
            by_name.setdefault(_normalized(key), group)  # the first of two spellings wins
    with tarfile.open(sdist) as archive:
        curves = pd.concat([_metric_means(archive, metric) for metric in _METRIC_COLUMNS], axis=1)
        qualities = _read_member(archive, "lcdb/datasets.csv")
        licence = archive.extractfile(next(m for m in archive.getmembers()
                                           if m.name.endswith("LICENSE.txt"))).read()
    curves = curves.reset_index()
    family_of = {learner: family for family, learner in LCDB_LEARNERS.items()}
    curves.insert(2, "family", curves["learner"].map(family_of))
    curves["n_seeds"] = curves["n_seeds"].fillna(0).astype(np.int64)

    datasets = pd.DataFrame({"openml_id": qualities["openmlid"].astype(np.int64),
                             "name": qualities["Name"].astype(str)})
    datasets["group"] = [corpus_groups.get(int(i)) or by_name.get(_normalized(n)) or f"lcdb-{i}"
                         for i, n in zip(datasets["openml_id"], datasets["name"], strict=True)]
    for quality, (meta_feature, factor) in QUALITY_META_FEATURES.items():
        datasets[meta_feature] = pd.to_numeric(qualities[quality], errors="coerce") * factor
    datasets["n_features"] = pd.to_numeric(qualities["NumberOfFeatures"], errors="coerce") - 1
    datasets["class_max_share"] = (pd.to_numeric(qualities["MajorityClassSize"], errors="coerce")
                                   / datasets["n_rows"])
    datasets = datasets[datasets["openml_id"].isin(curves["openml_id"])].reset_index(drop=True)

    directory.mkdir(parents=True, exist_ok=True)
    paths = {"curves": directory / CURVES_FILE, "datasets": directory / DATASETS_FILE,
             "licence": directory / LICENCE_FILE}
    for kind, frame in (("curves", curves), ("datasets", datasets)):
        temporary = paths[kind].with_suffix(".tmp")
        frame.to_parquet(temporary, index=False)
        temporary.replace(paths[kind])
    paths["licence"].write_bytes(licence)
    return paths


@dataclass(frozen=True)
class LearningCurves:
    """LCDB's learning curves and dataset qualities as :func:`import_lcdb` wrote them.

    Attributes
    ----------
    curves : DataFrame
        One row per (``openml_id``, ``learner``, ``size_train``): ``family`` (the search space's
        family the learner stands for, else missing), ``accuracy_valid``, ``accuracy_test``,
        ``auc_test``, ``log_loss_test`` (means over seeds), ``train_time`` (median seconds),
        ``n_seeds``.
    datasets : DataFrame
        One row per dataset: ``openml_id``, ``name``, ``group`` and the meta-features of
        :data:`QUALITY_META_FEATURES` plus ``n_features``.

    Examples
    --------
    >>> from metaautoml.metadb import LearningCurves
    >>> lcdb = LearningCurves.shipped()
    >>> sorted(lcdb.curves["family"].dropna().unique())[:2]
    ['extra_trees', 'hist_gradient_boosting']
    """

    curves: pd.DataFrame
    datasets: pd.DataFrame

    @classmethod
    def read(cls, directory: str | Path) -> LearningCurves:
        """The store in ``directory`` (raises ``FileNotFoundError`` naming what is missing)."""
        directory = Path(directory)
        missing = [name for name in (CURVES_FILE, DATASETS_FILE) if not (directory / name).is_file()]
        if missing:
            raise FileNotFoundError(f"no LCDB import in {directory} (missing {', '.join(missing)}); "
                                    "write one with metaautoml.metadb.import_lcdb")
        return cls(pd.read_parquet(directory / CURVES_FILE), pd.read_parquet(directory / DATASETS_FILE))

    @classmethod
    def shipped(cls) -> LearningCurves:
        """The import shipped in the package's data directory, next to the meta-database."""
        return cls.read(default_path().parent)

    def family_curves(self) -> pd.DataFrame:
        """The rows of the learners that stand for a family of the search space."""
        return self.curves[self.curves["family"].notna()].reset_index(drop=True)

    def summary(self) -> dict:
        """What the import holds, for ``metaautoml db info``."""
        sizes = self.curves["size_train"]
        return {"source": "LCDB 0.1.0", "citation": CITATION,
                "datasets": int(self.datasets["openml_id"].nunique()),
                "datasets_in_corpus_groups": int((~self.datasets["group"].str.startswith("lcdb-")).sum()),
                "learners": int(self.curves["learner"].nunique()),
                "families": sorted(self.curves["family"].dropna().unique()),
                "curve_points": len(self.curves),
                "min_size": int(sizes.min()), "max_size": int(sizes.max())}
