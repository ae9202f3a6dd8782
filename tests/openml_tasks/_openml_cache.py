"""An OpenML cache built from scikit-learn's datasets, in the layout openml-python 0.15 reads.

The tests run OpenML tasks with no network: this writes, under a cache root, the files
``openml.tasks.get_task(..., download_splits=True, download_data=True)`` would have downloaded
from www.openml.org::

    org/openml/www/datasets/<did>/description.xml, features.xml, qualities.xml,
                                  dataset_<did>.pq (current OpenML) or dataset.arff (older)
    org/openml/www/tasks/<tid>/task.xml, datasplits.arff
    org/openml/www/suites/<sid>/suite.xml   (metaautoml's own: the client caches no suites)

The ids are made up (nothing here is OpenML's copy of a dataset). Run as a script to build one
for trying the command line::

    python tests/openml_tasks/_openml_cache.py /tmp/openml-cache
    metaautoml run --task 9101 --cache-dir /tmp/openml-cache --n-trials 3 --folds 2
"""

from __future__ import annotations

import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import arff
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

#: openml-python's default server, whose files live in ``org/openml/www`` under the cache root.
SERVER = "https://www.openml.org/api/v1/xml"
SERVER_DIR = Path("org", "openml", "www")


@dataclass(frozen=True)
class FixtureDataset:
    dataset_id: int
    name: str
    target: str
    parquet: bool  # cached as OpenML's Parquet file, else as the ARFF file older clients kept


@dataclass(frozen=True)
class FixtureTask:
    task_id: int
    dataset: FixtureDataset
    task_type_id: int  # 1 supervised classification, 2 supervised regression, 5 clustering
    n_folds: int  # 1 means a 33 % holdout
    measure: str | None


IRIS = FixtureDataset(9001, "iris", "class", parquet=True)
BREAST_CANCER = FixtureDataset(9002, "breast-cancer", "diagnosis", parquet=False)
DIABETES = FixtureDataset(9003, "diabetes", "progression", parquet=False)

IRIS_CV = FixtureTask(9101, IRIS, 1, n_folds=10, measure="predictive_accuracy")
BREAST_CANCER_AUC = FixtureTask(9102, BREAST_CANCER, 1, n_folds=3, measure="area_under_roc_curve")
DIABETES_MAE = FixtureTask(9103, DIABETES, 2, n_folds=5, measure="mean_absolute_error")
IRIS_HOLDOUT_KAPPA = FixtureTask(9104, IRIS, 1, n_folds=1, measure="kappa")
IRIS_CLUSTERING = FixtureTask(9105, IRIS, 5, n_folds=0, measure=None)
TASKS = (IRIS_CV, BREAST_CANCER_AUC, DIABETES_MAE, IRIS_HOLDOUT_KAPPA, IRIS_CLUSTERING)

SUITE_ID = 9201
SUITE_ALIAS = "metaautoml-test-suite"
#: A classification, a clustering (which ``metaautoml run`` skips) and a regression task.
SUITE_TASKS = (IRIS_HOLDOUT_KAPPA.task_id, IRIS_CLUSTERING.task_id, DIABETES_MAE.task_id)


def build_cache(root: Path) -> Path:
    """Write every fixture dataset, task and the suite under ``root``; return ``root``."""
    server_dir = Path(root) / SERVER_DIR
    frames = {dataset: dataset_frame(dataset) for dataset in (IRIS, BREAST_CANCER, DIABETES)}
    for dataset, frame in frames.items():
        write_dataset(server_dir, dataset, frame)
    for task in TASKS:
        write_task(server_dir, task, frames[task.dataset])
    write_suite(server_dir, SUITE_ID, SUITE_ALIAS, "metaautoml test suite", SUITE_TASKS)
    return Path(root)


def dataset_frame(dataset: FixtureDataset) -> pd.DataFrame:
    """The rows of a fixture dataset, in the order of the cached file."""
    return {IRIS: _iris, BREAST_CANCER: _breast_cancer, DIABETES: _diabetes}[dataset]()


# -- datasets -------------------------------------------------------------------------------
def _iris() -> pd.DataFrame:
    data = load_iris(as_frame=True)
    frame = data.data.set_axis(["sepallength", "sepalwidth", "petallength", "petalwidth"], axis=1)
    labels = np.array(["Iris-setosa", "Iris-versicolor", "Iris-virginica"])
    frame["class"] = pd.Categorical(labels[data.target], categories=labels)
    return frame


def _breast_cancer() -> pd.DataFrame:
    data = load_breast_cancer(as_frame=True)
    frame = data.data.copy()
    # Column names with spaces: ARFF has to quote them, as OpenML's files do.
    frame["diagnosis"] = pd.Categorical(data.target_names[data.target],
                                        categories=list(data.target_names))
    return frame


def _diabetes() -> pd.DataFrame:
    data = load_diabetes(as_frame=True, scaled=False)
    frame = data.data.copy()
    # A nominal feature, as OpenML's data often have; the unscaled data code it as 1 and 2.
    frame["sex"] = pd.Categorical(frame["sex"].astype(int).astype(str))
    frame["progression"] = data.target.astype(float)
    return frame


def write_dataset(server_dir: Path, dataset: FixtureDataset, frame: pd.DataFrame) -> Path:
    """``datasets/<did>/``: description, features, qualities and the data file."""
    directory = server_dir / "datasets" / str(dataset.dataset_id)
    directory.mkdir(parents=True, exist_ok=True)
    did = dataset.dataset_id
    parquet_url = (f"  <oml:parquet_url>http://openml1.win.tue.nl/datasets/0000/{did:04d}/"
                   f"dataset_{did}.pq</oml:parquet_url>\n" if dataset.parquet else "")
    (directory / "description.xml").write_text(f"""\
<oml:data_set_description xmlns:oml="http://openml.org/openml">
  <oml:id>{did}</oml:id>
  <oml:name>{escape(dataset.name)}</oml:name>
  <oml:version>1</oml:version>
  <oml:description>{escape(dataset.name)}, from scikit-learn, for metaautoml's tests</oml:description>
  <oml:format>ARFF</oml:format>
  <oml:upload_date>2024-01-01T00:00:00</oml:upload_date>
  <oml:licence>Public</oml:licence>
  <oml:url>https://api.openml.org/data/v1/download/{did}/{escape(dataset.name)}.arff</oml:url>
{parquet_url}  <oml:file_id>{did}</oml:file_id>
  <oml:default_target_attribute>{escape(dataset.target)}</oml:default_target_attribute>
  <oml:visibility>public</oml:visibility>
  <oml:status>active</oml:status>
</oml:data_set_description>
""", encoding="utf8")
    (directory / "features.xml").write_text(_features_xml(frame, dataset.target), encoding="utf8")
    (directory / "qualities.xml").write_text(_qualities_xml(frame, dataset.target),
                                             encoding="utf8")
    if dataset.parquet:
        frame.to_parquet(directory / f"dataset_{did}.pq", index=False)
    else:
        (directory / "dataset.arff").write_text(_data_arff(frame, dataset.name), encoding="utf8")
    return directory


def _features_xml(frame: pd.DataFrame, target: str) -> str:
    features = []
    for index, (name, column) in enumerate(frame.items()):
        nominal = isinstance(column.dtype, pd.CategoricalDtype)
        values = "".join(f"    <oml:nominal_value>{escape(str(v))}</oml:nominal_value>\n"
                         for v in (column.cat.categories if nominal else ()))
        features.append(f"""\
  <oml:feature>
    <oml:index>{index}</oml:index>
    <oml:name>{escape(str(name))}</oml:name>
    <oml:data_type>{"nominal" if nominal else "numeric"}</oml:data_type>
{values}    <oml:is_target>{str(name == target).lower()}</oml:is_target>
    <oml:is_ignore>false</oml:is_ignore>
    <oml:is_row_identifier>false</oml:is_row_identifier>
    <oml:number_of_missing_values>{int(column.isna().sum())}</oml:number_of_missing_values>
  </oml:feature>
""")
    return ('<oml:data_features xmlns:oml="http://openml.org/openml">\n' + "".join(features)
            + "</oml:data_features>\n")


def _qualities_xml(frame: pd.DataFrame, target: str) -> str:
    y = frame[target]
    qualities = {"NumberOfInstances": len(frame), "NumberOfFeatures": frame.shape[1],
                 "NumberOfMissingValues": int(frame.isna().sum().sum()),
                 "NumberOfClasses": (len(y.cat.categories)
                                     if isinstance(y.dtype, pd.CategoricalDtype) else 0)}
    body = "".join(f"  <oml:quality>\n    <oml:name>{name}</oml:name>\n"
                   f"    <oml:value>{float(value)}</oml:value>\n  </oml:quality>\n"
                   for name, value in qualities.items())
    return f'<oml:data_qualities xmlns:oml="http://openml.org/openml">\n{body}</oml:data_qualities>\n'


def _data_arff(frame: pd.DataFrame, name: str) -> str:
    attributes = []
    for column_name, column in frame.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            attributes.append((str(column_name), [str(c) for c in column.cat.categories]))
        else:
            attributes.append((str(column_name), "REAL"))
    rows = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
    return arff.dumps({"relation": name, "attributes": attributes, "data": rows})


# -- tasks ----------------------------------------------------------------------------------
def write_task(server_dir: Path, task: FixtureTask, frame: pd.DataFrame) -> Path:
    """``tasks/<tid>/``: task.xml and, for supervised tasks, datasplits.arff."""
    directory = server_dir / "tasks" / str(task.task_id)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "task.xml").write_text(_task_xml(task), encoding="utf8")
    if task.task_type_id in (1, 2):
        (directory / "datasplits.arff").write_text(_splits_arff(task, frame), encoding="utf8")
    return directory


def _task_xml(task: FixtureTask) -> str:
    type_name = {1: "Supervised Classification", 2: "Supervised Regression",
                 5: "Clustering"}[task.task_type_id]
    target = (f"      <oml:target_feature>{escape(task.dataset.target)}</oml:target_feature>\n"
              if task.task_type_id in (1, 2) else "")
    procedure = ""
    if task.task_type_id in (1, 2):
        kind, folds = ("holdout", "") if task.n_folds == 1 else ("crossvalidation", task.n_folds)
        procedure = f"""\
  <oml:input name="estimation_procedure">
    <oml:estimation_procedure>
      <oml:id>{2 if kind == "holdout" else 1}</oml:id>
      <oml:type>{kind}</oml:type>
      <oml:data_splits_url>https://api.openml.org/api_splits/get/{task.task_id}/Task_{task.task_id}_splits.arff</oml:data_splits_url>
      <oml:parameter name="number_repeats">1</oml:parameter>
      <oml:parameter name="number_folds">{folds}</oml:parameter>
      <oml:parameter name="percentage">{33 if kind == "holdout" else ""}</oml:parameter>
      <oml:parameter name="stratified_sampling">{str(task.task_type_id == 1).lower()}</oml:parameter>
    </oml:estimation_procedure>
  </oml:input>
"""
    measure = ""
    if task.measure is not None:
        measure = f"""\
  <oml:input name="evaluation_measures">
    <oml:evaluation_measures>
      <oml:evaluation_measure>{task.measure}</oml:evaluation_measure>
    </oml:evaluation_measures>
  </oml:input>
"""
    return f"""\
<oml:task xmlns:oml="http://openml.org/openml">
  <oml:task_id>{task.task_id}</oml:task_id>
  <oml:task_name>Task {task.task_id}: {escape(task.dataset.name)} ({type_name})</oml:task_name>
  <oml:task_type_id>{task.task_type_id}</oml:task_type_id>
  <oml:task_type>{type_name}</oml:task_type>
  <oml:input name="source_data">
    <oml:data_set>
      <oml:data_set_id>{task.dataset.dataset_id}</oml:data_set_id>
{target}    </oml:data_set>
  </oml:input>
{procedure}{measure}</oml:task>
"""


def task_splits(task: FixtureTask, frame: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, test) row positions the fixture writes for each fold of ``task``."""
    y = frame[task.dataset.target]
    rows = np.arange(len(frame))
    classification = task.task_type_id == 1
    if task.n_folds == 1:
        train, test = train_test_split(rows, test_size=0.33, random_state=0,
                                       stratify=y if classification else None)
        return [(np.sort(train), np.sort(test))]
    splitter = (StratifiedKFold if classification else KFold)(task.n_folds, shuffle=True,
                                                              random_state=0)
    return list(splitter.split(rows, y if classification else None))


def _splits_arff(task: FixtureTask, frame: pd.DataFrame) -> str:
    rows = []
    for fold, (train, test) in enumerate(task_splits(task, frame)):
        rows += [["TRAIN", int(r), 0, fold] for r in train]
        rows += [["TEST", int(r), 0, fold] for r in test]
    return arff.dumps({"relation": f"Task_{task.task_id}_splits",
                       "attributes": [("type", ["TRAIN", "TEST"]), ("rowid", "INTEGER"),
                                      ("repeat", "INTEGER"), ("fold", "INTEGER")],
                       "data": rows})


# -- suites ---------------------------------------------------------------------------------
def write_suite(server_dir: Path, suite_id: int, alias: str, name: str, task_ids) -> Path:
    """``suites/<sid>/suite.xml`` as OpenML's server answers ``study/<sid>`` (abridged)."""
    path = server_dir / "suites" / str(suite_id) / "suite.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    tasks = "".join(f"    <oml:task_id>{t}</oml:task_id>\n" for t in task_ids)
    path.write_text(f"""\
<oml:study xmlns:oml="http://openml.org/openml">
  <oml:id>{suite_id}</oml:id>
  <oml:alias>{escape(alias)}</oml:alias>
  <oml:main_entity_type>task</oml:main_entity_type>
  <oml:name>{escape(name)}</oml:name>
  <oml:description>Tasks for metaautoml's tests</oml:description>
  <oml:status>active</oml:status>
  <oml:creation_date>2024-01-01 00:00:00</oml:creation_date>
  <oml:creator>1</oml:creator>
  <oml:tasks>
{tasks}  </oml:tasks>
</oml:study>
""", encoding="utf8")
    return path


# -- no network -----------------------------------------------------------------------------
def forbid_network(monkeypatch) -> list[str]:
    """Make every internet connection attempt fail, and record it in the returned list.

    Local sockets (the pipes of trial worker processes) are left alone.
    """
    attempts: list[str] = []
    connect = socket.socket.connect

    def guarded_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(f"connect {address}")
            raise OSError(101, "Network is unreachable (network disabled in the tests)")
        return connect(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        attempts.append(f"resolve {host}")
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (network disabled "
                                                 "in the tests)")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return attempts


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} CACHE_DIR")
    print(build_cache(Path(sys.argv[1])) / SERVER_DIR)
