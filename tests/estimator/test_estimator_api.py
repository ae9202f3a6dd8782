"""The estimators' API: parameters, fitted attributes, leaderboard, reproducibility, storage."""

from __future__ import annotations

import doctest
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_diabetes
from sklearn.metrics import accuracy_score, r2_score
from sklearn.pipeline import Pipeline

import metaautoml.estimator._classifier
import metaautoml.estimator._regressor
from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor
from metaautoml.ensemble import DEFAULT_ENSEMBLE_SIZE
from metaautoml.search import LEADERBOARD_COLUMNS
from metaautoml.space import get_space


@pytest.fixture(scope="module")
def fitted_classifier(mixed_frame):
    """Fitted once for the module, cold: the default configs of the first four families; the
    best one refitted alone (tests/estimator/test_estimator_ensemble.py has the ensembles)."""
    X, y = mixed_frame
    clf = MetaAutoMLClassifier(n_trials=4, cv=3, random_state=0, warm_start=False, ensemble_size=0)
    return clf.fit(X, y), X, y


def test_init_only_stores_parameters():
    params = MetaAutoMLClassifier().get_params()
    assert params == {"n_trials": None, "time_budget": None, "metric": None, "cv": 5,
                      "per_trial_time_limit": None, "n_jobs": 1, "random_state": None,
                      "storage": None, "study_name": None, "verbose": 0, "memory_limit_mb": None,
                      "warm_start": True, "n_warm_start": 8,
                      "ensemble_size": DEFAULT_ENSEMBLE_SIZE, "callbacks": None,
                      "include": None, "exclude": None}
    est = MetaAutoMLRegressor(n_trials="not checked until fit")
    assert clone(est).n_trials == "not checked until fit"


def test_fitted_attributes(fitted_classifier):
    clf, X, y = fitted_classifier
    assert list(clf.classes_) == ["no", "yes"]
    assert isinstance(clf.best_estimator_, Pipeline)
    assert clf.metric_ == "accuracy"
    assert clf.n_features_in_ == 6
    assert list(clf.feature_names_in_) == list(X.columns)
    assert len(clf.study_.trials) == 4
    assert get_space("classification").validate(clf.best_config_) == clf.best_config_
    assert clf.best_score_ == clf.study_.best_value
    assert clf.best_config_ == clf.study_.best_trial.params
    assert clf.refit_fallbacks_ == []
    # The final model was fitted on the codes the trials scored; predict decodes them.
    assert set(clf.best_estimator_.predict(X)) <= {0, 1}
    assert set(clf.predict(X)) <= {"no", "yes"}


def test_predictions(fitted_classifier):
    clf, X, y = fitted_classifier
    predicted = clf.predict(X)
    proba = clf.predict_proba(X)
    assert predicted.shape == (len(X),) and proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # Columns follow classes_: the most probable column is the predicted label.
    assert (clf.classes_[proba.argmax(axis=1)] == predicted).all()
    assert clf.score(X, y) == accuracy_score(y, predicted)
    assert clf.score(X, y) > 0.8


def test_leaderboard(fitted_classifier):
    clf, _, _ = fitted_classifier
    board = clf.leaderboard()
    assert list(board.columns) == [*LEADERBOARD_COLUMNS, "ensemble_weight"]
    assert board["ensemble_weight"].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert len(board) == 4
    assert board["score"].iloc[0] == clf.best_score_
    assert board["family"].iloc[0] == clf.best_config_["family"]
    # The defaults are tried first, best-known families first.
    assert set(board["family"]) == {"hist_gradient_boosting", "random_forest", "extra_trees", "linear"}
    assert set(board["source"]) == {"default"}
    trial = clf.study_.trials[0]
    assert set(trial.user_attrs["scores"]) == {"accuracy", "balanced_accuracy", "log_loss", "roc_auc"}


def test_pickle_round_trip(fitted_classifier):
    clf, X, _ = fitted_classifier
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert len(restored.leaderboard()) == 4


def test_regressor():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    reg = MetaAutoMLRegressor(n_trials=5, cv=3, random_state=0).fit(X[:200], y[:200])
    assert reg.metric_ == "r2"
    assert reg.predict(X[200:]).shape == (len(X) - 200,)
    assert reg.score(X[200:], y[200:]) == pytest.approx(r2_score(y[200:], reg.predict(X[200:])))
    assert reg.score(X[200:], y[200:]) > 0.3
    assert not hasattr(reg, "classes_")


def test_same_random_state_gives_the_same_search(mixed_frame):
    X, y = mixed_frame

    def search(seed):
        # The family defaults, then two of TPE's proposals, which depend on the seed.
        n_trials = len(get_space("classification").families) + 2
        clf = MetaAutoMLClassifier(n_trials=n_trials, cv=2, random_state=seed,
                                   warm_start=False).fit(X, y)
        return clf.leaderboard()[["number", "family", "score", "score_std", "params"]]

    first = search(7)
    assert first.equals(search(7))
    assert not first.equals(search(8))


def test_other_metric(mixed_frame):
    X, y = mixed_frame
    clf = MetaAutoMLClassifier(n_trials=2, cv=2, metric="log_loss", random_state=0).fit(X, y)
    assert clf.metric_ == "log_loss"
    for trial in clf.study_.trials:
        assert trial.value == trial.user_attrs["scores"]["log_loss"] < 0
    assert clf.score(X, y) == accuracy_score(y, clf.predict(X))  # score stays accuracy


def _broken_scorer(estimator, X, y):
    raise RuntimeError("scorer exploded")


def test_all_trials_failing_raises_with_the_common_errors(mixed_frame):
    X, y = mixed_frame
    clf = MetaAutoMLClassifier(n_trials=3, cv=2, metric=_broken_scorer, random_state=0)
    with pytest.raises(RuntimeError, match=r"all 3 trials failed.*3 x RuntimeError: scorer exploded"):
        clf.fit(X, y)


@pytest.mark.slow
def test_time_budget_and_two_jobs_run_isolated_trials(mixed_frame):
    X, y = mixed_frame
    clf = MetaAutoMLClassifier(n_trials=4, cv=2, n_jobs=2, time_budget=60,
                               per_trial_time_limit=30, random_state=0).fit(X, y)
    board = clf.leaderboard()
    assert len(board) == 4 and (board["state"] == "complete").all()
    assert clf.predict(X).shape == (len(X),)


def test_journal_storage_continues_the_study(tmp_path, mixed_frame):
    X, y = mixed_frame
    url = f"journal://{tmp_path}/study.log"
    MetaAutoMLClassifier(n_trials=2, cv=2, storage=url, study_name="s", random_state=0,
                         warm_start=False).fit(X, y)
    clf = MetaAutoMLClassifier(n_trials=2, cv=2, storage=url, study_name="s",
                               random_state=0, warm_start=False).fit(X, y)
    board = clf.leaderboard()
    assert len(board) == 4
    # The second fit goes on with the defaults the first left waiting; none is repeated.
    assert sorted(board["family"][board["source"] == "default"]) == [
        "extra_trees", "hist_gradient_boosting", "linear", "random_forest"]
    assert clf.best_score_ == board["score"].max()


def test_bad_parameters_raise_clear_errors(mixed_frame):
    X, y = mixed_frame
    with pytest.raises(ValueError, match="n_jobs"):
        MetaAutoMLClassifier(n_jobs=0).fit(X, y)
    with pytest.raises(ValueError, match="n_trials"):
        MetaAutoMLClassifier(n_trials=0).fit(X, y)
    with pytest.raises(ValueError, match="unknown metric"):
        MetaAutoMLClassifier(metric="accuracyy").fit(X, y)
    with pytest.raises(ValueError, match="regression metric"):
        MetaAutoMLClassifier(metric="r2").fit(X, y)
    with pytest.raises(ValueError, match="storage URL"):
        MetaAutoMLClassifier(storage="study.db").fit(X, y)


@pytest.mark.parametrize("module", [metaautoml.estimator._classifier,
                                    metaautoml.estimator._regressor])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
