"""LCDB's learning curves as the meta-database's sibling store: the import from LCDB's source
distribution (a small one written here in its layout) and the shipped import."""

from __future__ import annotations

import io
import tarfile

import numpy as np
import pandas as pd
import pytest

from metaautoml.metadb import LCDB_LEARNERS, LearningCurves, import_lcdb

QUALITIES = {
    "NumberOfInstances": [500, 2000], "NumberOfClasses": [2, 3], "NumberOfFeatures": [5, 11],
    "PercentageOfNumericFeatures": [80.0, 50.0], "PercentageOfSymbolicFeatures": [20.0, 50.0],
    "PercentageOfMissingValues": [0.0, 1.5], "PercentageOfInstancesWithMissingValues": [0.0, 10.0],
    "MinorityClassPercentage": [40.0, 10.0], "MajorityClassSize": [300, 1200],
    "MeanSkewnessOfNumericAtts": [0.1, 2.0], "MinSkewnessOfNumericAtts": [0.0, -1.0],
    "MaxSkewnessOfNumericAtts": [0.2, 5.0], "MeanKurtosisOfNumericAtts": [3.0, 9.0],
    "MinKurtosisOfNumericAtts": [2.0, 1.0], "MaxKurtosisOfNumericAtts": [4.0, 30.0],
    "ClassEntropy": [0.97, 1.2], "MeanAttributeEntropy": [1.0, 2.0], "MeanMutualInformation": [0.1, 0.2],
    "MaxMutualInformation": [0.3, 0.5], "EquivalentNumberOfAtts": [9.7, 6.0],
    "MeanNoiseToSignalRatio": [9.0, 10.0],
}


def _curve_rows(metric: str) -> pd.DataFrame:
    rows = []
    for openmlid in (31, 777):
        for learner in ("sklearn.ensemble.RandomForestClassifier", "SVC_rbf", "SVC_linear"):
            for size in (64, 128):
                for outer, inner in ((0, 0), (0, 1), (1, 0)):
                    seed = outer * 2 + inner
                    rows.append({"openmlid": openmlid, "learner": learner, "size_train": size,
                                 "size_test": 50, "outer_seed": outer, "inner_seed": inner,
                                 "traintime": 0.01 * size * (seed + 1), "score_train": 1.0,
                                 "score_valid": 0.5 + 0.1 * seed, "score_test": 0.6 + 0.1 * seed})
    return pd.DataFrame(rows)


def write_sdist(path) -> None:
    """An LCDB source distribution in miniature: the same members, two datasets."""
    members = {f"lcdb-0.1.0/lcdb/database-{metric}.csv": _curve_rows(metric).to_csv(index=False)
               for metric in ("accuracy", "auc", "f1", "logloss")}
    qualities = pd.DataFrame({"openmlid": [31, 777], "Name": ["credit-g", "Some_Thing"], **QUALITIES})
    members["lcdb-0.1.0/lcdb/datasets.csv"] = qualities.to_csv(index=False)
    members["lcdb-0.1.0/LICENSE.txt"] = "MIT License\n"
    with tarfile.open(path, "w:gz") as archive:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


@pytest.fixture
def imported(tmp_path):
    sdist = tmp_path / "lcdb-0.1.0.tar.gz"
    write_sdist(sdist)
    groups = {31: "statlog-german-credit", "some-thing": "something", "SOME thing": "other"}
    paths = import_lcdb(sdist, tmp_path / "out", corpus_groups=groups)
    return paths, LearningCurves.read(tmp_path / "out")


def test_curves_are_seed_means_with_the_median_train_time(imported):
    paths, lcdb = imported
    assert {p.name for p in paths.values()} == {"lcdb-curves.parquet", "lcdb-datasets.parquet",
                                                "LICENSE-lcdb.txt"}
    assert paths["licence"].read_text() == "MIT License\n"
    curves = lcdb.curves.set_index(["openml_id", "learner", "size_train"])
    point = curves.loc[(31, "RandomForestClassifier", 128)]  # the module path is stripped
    assert point["accuracy_valid"] == pytest.approx(np.mean([0.5, 0.6, 0.7]))
    assert point["accuracy_test"] == pytest.approx(np.mean([0.6, 0.7, 0.8]))
    assert point["auc_test"] == point["log_loss_test"] == point["accuracy_test"]
    assert point["train_time"] == pytest.approx(0.01 * 128 * 2)  # the median of 1x, 2x, 3x
    assert point["n_seeds"] == 3 and point["family"] == "random_forest"
    assert len(lcdb.curves) == 2 * 3 * 2
    # Learners without a family twin are kept, without a family.
    assert lcdb.curves.loc[lcdb.curves["learner"] == "SVC_linear", "family"].isna().all()
    assert set(lcdb.family_curves()["learner"]) == {"RandomForestClassifier", LCDB_LEARNERS["svm"]}


def test_datasets_join_corpus_groups_and_carry_meta_features(imported):
    _, lcdb = imported
    datasets = lcdb.datasets.set_index("openml_id")
    # By OpenML id; else by name up to case and punctuation, the first spelling winning.
    assert datasets.loc[31, "group"] == "statlog-german-credit"
    assert datasets.loc[777, "group"] == "something"
    second = datasets.loc[777]
    assert second["n_rows"] == 2000 and second["n_features"] == 10 and second["n_classes"] == 3
    assert second["missing_cell_share"] == pytest.approx(0.015)
    assert second["class_min_share"] == pytest.approx(0.10)
    assert second["class_max_share"] == pytest.approx(0.60)
    summary = lcdb.summary()
    assert (summary["datasets"], summary["datasets_in_corpus_groups"]) == (2, 2)
    assert (summary["min_size"], summary["max_size"], summary["learners"]) == (64, 128, 3)


def test_an_unknown_dataset_is_its_own_group(tmp_path):
    sdist = tmp_path / "lcdb.tar.gz"
    write_sdist(sdist)
    import_lcdb(sdist, tmp_path / "out")
    assert sorted(LearningCurves.read(tmp_path / "out").datasets["group"]) == ["lcdb-31", "lcdb-777"]


def test_missing_inputs_get_one_clear_error(tmp_path):
    with tarfile.open(tmp_path / "empty.tar.gz", "w:gz"):
        pass
    with pytest.raises(ValueError, match="no database-accuracy.csv.*lcdb-0.1.0.tar.gz"):
        import_lcdb(tmp_path / "empty.tar.gz", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    with pytest.raises(FileNotFoundError, match="no LCDB import in .*import_lcdb"):
        LearningCurves.read(tmp_path)


def test_the_shipped_import_covers_lcdb_and_every_family():
    lcdb = LearningCurves.shipped()
    summary = lcdb.summary()
    assert summary["datasets"] >= 190 and summary["learners"] == 20
    assert set(summary["families"]) == set(LCDB_LEARNERS)
    assert summary["max_size"] > 1_000_000
    # Datasets of the corpus (e.g. UCI's car, several OpenML versions of it) join its group.
    datasets = lcdb.datasets.set_index("name")
    assert set(datasets.loc[["car"], "group"]) == {"car"}
    assert lcdb.curves["n_seeds"].min() >= 1
