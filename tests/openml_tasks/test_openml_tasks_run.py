"""run_task: a tiny search per fold of an OpenML task, scored on the fold's own test rows."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _openml_cache import (
    BREAST_CANCER_AUC,
    DIABETES_MAE,
    IRIS,
    IRIS_CV,
    IRIS_HOLDOUT_KAPPA,
    build_cache,
    dataset_frame,
    task_splits,
)
from sklearn.metrics import accuracy_score, mean_absolute_error, roc_auc_score

from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor
from metaautoml.openml_tasks import FoldResult, TaskResult, predictions_filename, run_task

#: Enough search to get a model, as little as possible: the machine is small and shared.
TINY_PARAMS = dict(n_trials=2, cv=2, random_state=0)
TINY = MetaAutoMLClassifier(**TINY_PARAMS)


@pytest.fixture(scope="module")
def iris_run(tmp_path_factory, offline_module):
    """Two folds of the 10-fold iris task, with predictions written."""
    root = build_cache(tmp_path_factory.mktemp("openml-cache"))
    predictions = tmp_path_factory.mktemp("run") / "predictions"
    result = run_task(IRIS_CV.task_id, TINY, folds=2, cache_dir=root, predictions_dir=predictions)
    return result, predictions, offline_module


def test_iris_run_scores_each_requested_fold(iris_run):
    result, _, network_attempts = iris_run
    assert isinstance(result, TaskResult)
    assert (result.task_id, result.dataset_id, result.dataset_name) == (9101, 9001, "iris")
    assert (result.task_type, result.target, result.metric) == ("classification", "class",
                                                                "accuracy")
    assert (result.evaluation_measure, result.n_folds) == ("predictive_accuracy", 10)
    assert [f.fold for f in result.folds] == [0, 1]
    for fold in result.folds:
        assert (fold.n_train, fold.n_test) == (135, 15)
        assert 0.0 <= fold.score <= 1.0 and 0.0 <= fold.cv_score <= 1.0
        assert fold.best_family and fold.fit_seconds > 0
    scores = [f.score for f in result.folds]
    assert result.mean_score == pytest.approx(np.mean(scores))
    assert result.std_score == pytest.approx(np.std(scores))
    assert network_attempts == []


def test_iris_predictions_are_the_fold_test_rows_and_give_the_score(iris_run):
    result, directory, _ = iris_run
    frame = dataset_frame(IRIS)
    splits = task_splits(IRIS_CV, frame)
    assert sorted(p.name for p in directory.iterdir()) == [
        predictions_filename(9101, 0), predictions_filename(9101, 1)]  # no temporary files left
    for fold in result.folds:
        assert fold.predictions == str(directory / predictions_filename(9101, fold.fold))
        predictions = pd.read_csv(fold.predictions)
        classes = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]
        assert list(predictions.columns) == ["repeat", "fold", "row_id", "prediction", "correct",
                                             *(f"confidence.{c}" for c in classes)]
        assert (predictions["repeat"] == 0).all() and (predictions["fold"] == fold.fold).all()
        assert sorted(predictions["row_id"]) == sorted(splits[fold.fold][1])
        truth = frame["class"].astype(str).to_numpy()[predictions["row_id"]]
        assert predictions["correct"].tolist() == truth.tolist()
        np.testing.assert_allclose(predictions.filter(like="confidence.").sum(axis=1), 1.0)
        assert fold.score == pytest.approx(accuracy_score(truth, predictions["prediction"]))


def test_result_as_frame_and_json(iris_run):
    result, _, _ = iris_run
    table = result.to_frame()
    assert list(table.columns) == list(FoldResult.__dataclass_fields__)
    assert table["score"].tolist() == [f.score for f in result.folds]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["mean_score"] == pytest.approx(result.mean_score)
    assert [f["fold"] for f in data["folds"]] == [0, 1]
    assert data["evaluation_measure"] == "predictive_accuracy"


def test_regression_task_is_scored_by_its_mean_absolute_error(cache_root, tmp_path):
    # A classifier template serves a regression task: its parameters go to the regressor.
    result = run_task(DIABETES_MAE.task_id, TINY, folds=1, cache_dir=cache_root,
                      predictions_dir=tmp_path / "predictions")
    assert (result.task_type, result.metric, len(result.folds)) == (
        "regression", "neg_mean_absolute_error", 1)
    predictions = pd.read_csv(result.folds[0].predictions)
    assert list(predictions.columns) == ["repeat", "fold", "row_id", "prediction", "correct"]
    expected = -mean_absolute_error(predictions["correct"], predictions["prediction"])
    assert result.folds[0].score == pytest.approx(expected)
    assert result.folds[0].score < 0


def test_binary_task_is_scored_by_roc_auc_of_the_positive_class(cache_root, tmp_path):
    result = run_task(BREAST_CANCER_AUC.task_id, TINY, folds=1, cache_dir=cache_root,
                      predictions_dir=tmp_path)
    assert result.metric == "roc_auc"
    predictions = pd.read_csv(result.folds[0].predictions)
    # The classes sort as benign < malignant, so "malignant" is the positive class.
    expected = roc_auc_score(predictions["correct"] == "malignant",
                             predictions["confidence.malignant"])
    assert result.folds[0].score == pytest.approx(expected)
    assert 0.5 < result.folds[0].score <= 1.0


def test_all_folds_and_a_metric_override(cache_root):
    with pytest.warns(UserWarning, match="evaluated by kappa"):
        result = run_task(IRIS_HOLDOUT_KAPPA.task_id,
                          MetaAutoMLClassifier(metric="balanced_accuracy", **TINY_PARAMS),
                          folds="all", cache_dir=cache_root)
    assert (result.n_folds, len(result.folds), result.metric) == (1, 1, "balanced_accuracy")
    assert (result.folds[0].n_train, result.folds[0].n_test) == (100, 50)
    assert result.folds[0].predictions is None


@pytest.mark.parametrize(("folds", "message"), [
    (0, "folds must be 'all' or a positive integer, got 0"),
    ("some", "folds must be 'all' or a positive integer, got 'some'"),
    (True, "folds must be 'all' or a positive integer, got True"),
    (11, "OpenML task 9101 has 10 fold"),
])
def test_bad_folds_fail_before_any_search(cache_root, folds, message):
    with pytest.raises(ValueError, match=message):
        run_task(IRIS_CV.task_id, TINY, folds=folds, cache_dir=cache_root)


def test_metric_of_the_other_task_type_fails_before_any_search(cache_root):
    with pytest.raises(ValueError, match="'r2' is a regression metric, but the task is "
                                         "classification"):
        run_task(IRIS_CV.task_id, MetaAutoMLClassifier(metric="r2", **TINY_PARAMS), folds=1,
                 cache_dir=cache_root)


class RecordingClassifier(MetaAutoMLClassifier):
    """Records the parameters of every copy that is fitted."""

    fitted: list[dict] = []

    def fit(self, X, y):
        RecordingClassifier.fitted.append(self.get_params())
        return super().fit(X, y)


def test_each_fold_fits_a_clone_of_the_template_with_all_its_parameters(cache_root):
    RecordingClassifier.fitted.clear()
    template = RecordingClassifier(n_trials=2, cv=2, random_state=3, warm_start=False,
                                   n_warm_start=1, per_trial_time_limit=60)
    result = run_task(IRIS_CV.task_id, template, folds=2, cache_dir=cache_root)
    assert len(RecordingClassifier.fitted) == 2 and len(result.folds) == 2
    expected = {**template.get_params(), "metric": "accuracy"}  # the task's measure
    assert all(params == expected for params in RecordingClassifier.fitted)
    # The template itself is neither fitted nor changed.
    assert not hasattr(template, "study_") and template.metric is None


def test_a_regressor_template_serves_a_classification_task(cache_root):
    result = run_task(IRIS_CV.task_id, MetaAutoMLRegressor(**TINY_PARAMS), folds=1,
                      cache_dir=cache_root)
    assert (result.task_type, result.metric) == ("classification", "accuracy")


@pytest.mark.parametrize("estimator", ["MetaAutoMLClassifier", object(), {"n_trials": 2}])
def test_a_template_that_is_not_a_metaautoml_estimator_is_refused(cache_root, estimator):
    with pytest.raises(TypeError, match="^estimator must be a MetaAutoMLClassifier, a "
                                        "MetaAutoMLRegressor or None, got "):
        run_task(IRIS_CV.task_id, estimator, folds=1, cache_dir=cache_root)


def test_a_bad_template_parameter_fails_before_any_search(cache_root):
    with pytest.raises(ValueError, match="^n_warm_start must be a positive integer, got 0$"):
        run_task(IRIS_CV.task_id, MetaAutoMLClassifier(n_warm_start=0), folds=1,
                 cache_dir=cache_root)


def test_predictions_path_that_is_a_file_fails_before_loading(tmp_path):
    path = tmp_path / "taken"
    path.write_text("")
    with pytest.raises(ValueError, match="exists and is not a directory"):
        run_task(IRIS_CV.task_id, TINY, folds=1, cache_dir=tmp_path / "no-cache",
                 predictions_dir=path)
    assert not (tmp_path / "no-cache").exists()
