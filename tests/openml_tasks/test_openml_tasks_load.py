"""Loading OpenML tasks and suites through the real openml client, offline, from a built cache."""

from __future__ import annotations

import doctest
import os

import numpy as np
import openml
import pandas as pd
import pytest
from _openml_cache import (
    BREAST_CANCER_AUC,
    DIABETES,
    DIABETES_MAE,
    IRIS,
    IRIS_CLUSTERING,
    IRIS_CV,
    IRIS_HOLDOUT_KAPPA,
    SERVER_DIR,
    SUITE_ALIAS,
    SUITE_ID,
    SUITE_TASKS,
    dataset_frame,
    task_splits,
    write_suite,
)

import metaautoml.openml_tasks._tasks
from metaautoml.evaluation import get_metric
from metaautoml.openml_tasks import (
    EVALUATION_MEASURES,
    OpenMLSuite,
    OpenMLUnavailableError,
    UnsupportedTaskError,
    load_suite,
    load_task,
    metric_for_measure,
    read_suite_xml,
    resolve_cache_dir,
    write_suite_xml,
)


def server_dir(root) -> os.PathLike:
    return root / SERVER_DIR


# -- tasks ----------------------------------------------------------------------------------
def test_classification_task_loads_offline_with_its_own_splits(cache_root, network_attempts):
    task = load_task(IRIS_CV.task_id, cache_dir=cache_root)
    frame = dataset_frame(IRIS)
    assert (task.task_id, task.dataset_id, task.dataset_name) == (9101, 9001, "iris")
    assert (task.task_type, task.target) == ("classification", "class")
    assert (task.evaluation_measure, task.metric) == ("predictive_accuracy", "accuracy")
    assert list(task.X.columns) == ["sepallength", "sepalwidth", "petallength", "petalwidth"]
    np.testing.assert_allclose(task.X.to_numpy(), frame.drop(columns="class").to_numpy())
    assert task.y.astype(str).tolist() == frame["class"].astype(str).tolist()
    assert task.n_folds == 10
    expected = task_splits(IRIS_CV, frame)
    for (train, test), (expected_train, expected_test) in zip(task.splits, expected, strict=True):
        np.testing.assert_array_equal(np.sort(train), np.sort(expected_train))
        np.testing.assert_array_equal(np.sort(test), np.sort(expected_test))
    assert network_attempts == []


def test_fold_gives_disjoint_train_and_test_rows_covering_the_data(cache_root):
    task = load_task(IRIS_CV.task_id, cache_dir=cache_root)
    tested = []
    for fold in range(task.n_folds):
        X_train, X_test, y_train, y_test = task.fold(fold)
        assert len(X_train) == len(y_train) == 135 and len(X_test) == len(y_test) == 15
        assert set(X_train.index).isdisjoint(X_test.index)
        tested += list(X_test.index)
    assert sorted(tested) == list(range(150))
    with pytest.raises(ValueError, match="has folds 0 to 9, not 10"):
        task.fold(10)


def test_regression_task_from_an_arff_cache_without_features_file(cache_root, network_attempts):
    # Older clients cached ARFF files; regression tasks need no features.xml (no class labels).
    (server_dir(cache_root) / "datasets" / str(DIABETES.dataset_id) / "features.xml").unlink()
    task = load_task(DIABETES_MAE.task_id, cache_dir=cache_root)
    frame = dataset_frame(DIABETES)
    assert (task.task_type, task.target, task.n_folds) == ("regression", "progression", 5)
    assert (task.evaluation_measure, task.metric) == ("mean_absolute_error",
                                                      "neg_mean_absolute_error")
    assert task.y.dtype == float and task.y.tolist() == frame["progression"].tolist()
    assert isinstance(task.X["sex"].dtype, pd.CategoricalDtype)
    assert network_attempts == []


def test_binary_task_maps_area_under_roc_curve(cache_root):
    task = load_task(BREAST_CANCER_AUC.task_id, cache_dir=cache_root)
    assert (task.metric, task.n_folds, task.X.shape) == ("roc_auc", 3, (569, 30))
    assert sorted(task.y.astype(str).unique()) == ["benign", "malignant"]


def test_parquet_url_with_only_the_arff_file_cached_reads_the_arff(cache_root, network_attempts,
                                                                   monkeypatch):
    """The client would download the Parquet file the description names; the ARFF file does."""
    import _openml_cache

    iris_dir = server_dir(cache_root) / "datasets" / str(IRIS.dataset_id)
    (iris_dir / f"dataset_{IRIS.dataset_id}.pq").unlink()
    (iris_dir / "dataset.arff").write_text(_openml_cache._data_arff(dataset_frame(IRIS), "iris"))
    monkeypatch.setenv("OPENML_SKIP_PARQUET", "false")
    task = load_task(IRIS_CV.task_id, cache_dir=cache_root)
    assert task.X.shape == (150, 4)
    assert network_attempts == []
    assert os.environ["OPENML_SKIP_PARQUET"] == "false"  # the caller's setting is restored


def test_cache_dir_comes_from_the_environment_and_the_client_setting_is_restored(cache_root,
                                                                                 monkeypatch):
    before = openml.config.get_config_as_dict()["cachedir"]
    monkeypatch.setenv("OPENML_CACHE_DIR", str(cache_root))
    assert resolve_cache_dir() == cache_root
    assert resolve_cache_dir(cache_root / "other") == cache_root / "other"
    assert load_task(IRIS_CV.task_id).task_id == IRIS_CV.task_id
    assert openml.config.get_config_as_dict()["cachedir"] == before


def test_unmapped_measure_warns_and_scores_by_the_default_metric(cache_root):
    with pytest.warns(UserWarning, match="evaluated by kappa, which metaautoml has no metric for"):
        task = load_task(IRIS_HOLDOUT_KAPPA.task_id, cache_dir=cache_root)
    assert (task.metric, task.n_folds) == ("accuracy", 1)
    train, test = task.splits[0]
    assert len(test) == 50 and len(train) == 100


# -- what is not in the cache ---------------------------------------------------------------
def test_uncached_task_without_network_is_a_one_line_error(tmp_path, network_attempts):
    empty = tmp_path / "empty-cache"
    with pytest.raises(OpenMLUnavailableError) as info:
        load_task(IRIS_CV.task_id, cache_dir=empty)
    message = str(info.value)
    assert "\n" not in message
    assert f"OpenML task {IRIS_CV.task_id} is not in the OpenML cache {empty}" in message
    assert "missing tasks/9101/task.xml" in message
    assert "www.openml.org:443 cannot be reached" in message
    assert network_attempts  # the reachability probe, and nothing after it
    assert not (empty / SERVER_DIR / "tasks" / str(IRIS_CV.task_id)).exists()


def test_partly_cached_task_is_left_in_place_when_the_server_is_out_of_reach(cache_root):
    """The client deletes a task's cache folder when a lookup fails; it must not get the chance."""
    task_dir = server_dir(cache_root) / "tasks" / str(IRIS_CV.task_id)
    (task_dir / "datasplits.arff").unlink()
    dataset_dir = server_dir(cache_root) / "datasets" / str(IRIS.dataset_id)
    (dataset_dir / f"dataset_{IRIS.dataset_id}.pq").unlink()
    with pytest.raises(OpenMLUnavailableError,
                       match=r"missing tasks/9101/datasplits.arff and 1 more file"):
        load_task(IRIS_CV.task_id, cache_dir=cache_root)
    assert (task_dir / "task.xml").is_file()
    assert (dataset_dir / "description.xml").is_file()


def test_classification_task_needs_the_features_file(cache_root):
    (server_dir(cache_root) / "datasets" / str(IRIS.dataset_id) / "features.xml").unlink()
    with pytest.raises(OpenMLUnavailableError, match="missing datasets/9001/features.xml"):
        load_task(IRIS_CV.task_id, cache_dir=cache_root)


def test_unsupported_task_type_is_refused_and_its_files_kept(cache_root):
    with pytest.raises(UnsupportedTaskError, match="9105 is a clustering task; metaautoml runs "
                                                   "supervised classification and regression"):
        load_task(IRIS_CLUSTERING.task_id, cache_dir=cache_root)
    assert (server_dir(cache_root) / "tasks" / "9105" / "task.xml").is_file()


def test_malformed_cached_task_is_reported_not_deleted(cache_root):
    task_xml = server_dir(cache_root) / "tasks" / str(IRIS_CV.task_id) / "task.xml"
    task_xml.write_text("<oml:task xmlns:oml='http://openml.org/openml'><oml:task_id>")
    with pytest.raises(ValueError, match="the cached task 9101 is not valid XML"):
        load_task(IRIS_CV.task_id, cache_dir=cache_root)
    assert task_xml.is_file()


def test_splits_that_do_not_fit_the_dataset_are_reported(cache_root):
    splits = server_dir(cache_root) / "tasks" / str(IRIS_CV.task_id) / "datasplits.arff"
    splits.write_text(splits.read_text().replace("TEST,4,0,0", "TEST,400,0,0"))
    with pytest.raises(ValueError, match="name row 400 but its dataset has 150 rows"):
        load_task(IRIS_CV.task_id, cache_dir=cache_root)


@pytest.mark.parametrize("bad", [0, -3, "abc", True, 1.5, None])
def test_invalid_task_ids_are_refused(bad, tmp_path):
    with pytest.raises(ValueError, match="task_id must be a positive integer"):
        load_task(bad, cache_dir=tmp_path)


# -- evaluation measures --------------------------------------------------------------------
@pytest.mark.parametrize(("measure", "task_type", "metric"), [
    ("predictive_accuracy", "classification", "accuracy"),
    ("area_under_roc_curve", "classification", "roc_auc"),
    ("root_mean_squared_error", "regression", "neg_root_mean_squared_error"),
    ("mean_absolute_error", "regression", "neg_mean_absolute_error"),
    (None, "classification", "accuracy"),
    (None, "regression", "r2"),
    ("f_measure", "classification", "accuracy"),
    ("mean_absolute_error", "classification", "accuracy"),
    ("predictive_accuracy", "regression", "r2"),
])
def test_metric_for_measure(measure, task_type, metric):
    assert metric_for_measure(measure, task_type) == metric


def test_every_mapped_measure_is_a_metric_of_its_task_type():
    for task_type, measures in EVALUATION_MEASURES.items():
        for metric in measures.values():
            assert get_metric(metric, task_type).name == metric


def test_docstring_examples():
    result = doctest.testmod(metaautoml.openml_tasks._tasks)
    assert result.attempted > 0 and result.failed == 0


def test_metric_for_measure_refuses_other_task_types():
    with pytest.raises(ValueError, match="task_type must be 'classification' or 'regression'"):
        metric_for_measure("predictive_accuracy", "clustering")


# -- suites ---------------------------------------------------------------------------------
@pytest.mark.parametrize("key", [SUITE_ID, str(SUITE_ID), SUITE_ALIAS])
def test_suite_loads_from_the_cache_by_id_or_alias(cache_root, network_attempts, key):
    suite = load_suite(key, cache_dir=cache_root)
    assert suite == OpenMLSuite(SUITE_ID, SUITE_ALIAS, "metaautoml test suite", SUITE_TASKS)
    assert network_attempts == []


def test_uncached_suite_without_network_is_a_one_line_error(cache_root):
    with pytest.raises(OpenMLUnavailableError, match=r"OpenML suite 99 is not in the OpenML "
                                                     r"cache .* \(missing suites/99/suite.xml\)"):
        load_suite(99, cache_dir=cache_root)
    with pytest.raises(OpenMLUnavailableError, match="with alias 'OpenML-CC18'"):
        load_suite("OpenML-CC18", cache_dir=cache_root)


def test_suite_xml_round_trip(tmp_path):
    suite = OpenMLSuite(7, "a-b & c", "name <with> markup", (3, 1, 2))
    path = tmp_path / "suites" / "7" / "suite.xml"
    write_suite_xml(suite, path)
    assert read_suite_xml(path) == suite
    assert [p.name for p in path.parent.iterdir()] == ["suite.xml"]  # no temporary left
    write_suite_xml(OpenMLSuite(8, None, "one task", (5,)), path)
    assert read_suite_xml(path) == OpenMLSuite(8, None, "one task", (5,))


def test_a_study_of_runs_is_not_a_suite(tmp_path):
    path = write_suite(tmp_path, 5, "runs", "a run study", (1,))
    path.write_text(path.read_text().replace(">task<", ">run<"))
    with pytest.raises(ValueError, match="is a study of run entities, not a suite of tasks"):
        read_suite_xml(path)


@pytest.mark.parametrize("bad", [0, -1, "", "  ", True, 2.0])
def test_invalid_suite_ids_are_refused(bad, tmp_path):
    with pytest.raises(ValueError, match="suite_id must be a positive integer or a suite alias"):
        load_suite(bad, cache_dir=tmp_path)
