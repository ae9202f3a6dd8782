"""Every family of both tasks builds, fits and predicts on messy data; defaults match scikit-learn."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import (
    ExtraTreesClassifier,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC, SVR

from metaautoml.space import (
    FAMILY,
    Categorical,
    ColumnTypes,
    RelativeGammaSVC,
    RelativeGammaSVR,
    families_for,
    get_space,
    param_name,
)
from metaautoml.task import TASKS

#: Every (task, family) of the registry: each family a task's space has is built and fitted.
TASK_FAMILIES = [(task, family.name) for task in TASKS for family in families_for(task)]


def _mixed_frame(n: int, seed: int) -> pd.DataFrame:
    """Numeric and categorical columns of several dtypes, with missing values in each kind."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "num": rng.normal(size=n),
        "count": rng.integers(0, 10, n),
        "text": pd.Series(rng.choice(["red", "green", "blue"], n), dtype=object),
        "cat": pd.Categorical(rng.choice(["p", "q"], n)),
        "flag": rng.random(n) < 0.5,
    })
    frame.loc[frame.index[::6], "num"] = np.nan
    frame.loc[frame.index[1::5], "text"] = None
    return frame


def _target(task: str, X: pd.DataFrame, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    signal = X["num"].fillna(0).to_numpy() + (X["text"] == "red").to_numpy()
    if task == "regression":
        return signal + 0.1 * rng.normal(size=len(X))
    # Three classes, every one well represented.
    return np.digitize(signal + 0.3 * rng.normal(size=len(X)), np.quantile(signal, [1 / 3, 2 / 3]))


def _unseen(X: pd.DataFrame) -> pd.DataFrame:
    """Rows with categories never seen in training and missing values everywhere possible."""
    test = X.head(4).copy()
    test["text"] = pd.Series(["purple", None, "red", "never-seen"], index=test.index, dtype=object)
    test["cat"] = pd.Categorical(["r", "p", "s", "q"])
    test.loc[test.index[:2], "num"] = np.nan
    return test


def _corner_config(space, family, unit: float) -> dict:
    """Every numeric hyperparameter at its lower (unit=0) or upper (unit=1) bound."""
    config = {FAMILY: family.name}
    for hp in family.hyperparameters:
        name = param_name(family.name, hp.name)
        if isinstance(hp, Categorical):
            config[name] = hp.choices[0] if unit == 0 else hp.choices[-1]
        else:
            config[name] = hp.from_unit(unit)
    return space.validate(config)


@pytest.mark.parametrize("task", TASKS)
def test_every_task_s_space_has_the_registered_families(task):
    space = get_space(task)
    assert space.families == families_for(task) and space.families
    assert len(set(space.family_names)) == len(space.families)
    assert all(family.task == task for family in space.families)


@pytest.mark.parametrize("task,family", TASK_FAMILIES)
@pytest.mark.parametrize("which", ["default", "low", "high"])
def test_family_fits_mixed_data_and_predicts_unseen_categories(task, family, which):
    space = get_space(task)
    X = _mixed_frame(80, seed=1)
    y = _target(task, X, seed=2)
    columns = ColumnTypes.infer(X)
    if which == "default":
        config = space.default_config(family)
    else:
        config = _corner_config(space, space.family(family), 0.0 if which == "low" else 1.0)
    if family == "hist_gradient_boosting" and which == "high":
        # 512 rounds of 256-leaf trees only slow the test down; the bounds are what matter.
        config[param_name(family, "max_iter")] = 64
    pipeline = space.build_pipeline(config, columns, n_samples=len(X), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings at extreme settings are expected
        pipeline.fit(X, y)
    test = _unseen(X)
    predictions = pipeline.predict(test)
    assert predictions.shape == (len(test),)
    if task == "classification":
        assert set(predictions) <= set(np.unique(y))
        proba = pipeline.predict_proba(test)
        assert proba.shape == (len(test), 3)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    else:
        assert np.all(np.isfinite(predictions))


def test_numeric_only_and_categorical_only_data_build():
    space = get_space("classification")
    X = _mixed_frame(40, seed=3)
    y = _target("classification", X, seed=4)
    for frame in (X[["num", "count"]], X[["text", "cat", "flag"]]):
        columns = ColumnTypes.infer(frame)
        for config in space.default_configs():
            pipeline = space.build_pipeline(config, columns, n_samples=len(frame), random_state=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pipeline.fit(frame, y)
            assert pipeline.predict(frame).shape == (len(frame),)


def test_column_types_infer_and_reject_datetimes():
    X = _mixed_frame(10, seed=0)
    columns = ColumnTypes.infer(X)
    assert columns.numeric == ("num", "count")
    assert columns.categorical == ("text", "cat", "flag")
    assert columns.n_columns == 5
    with pytest.raises(TypeError, match="'when' has unsupported dtype"):
        ColumnTypes.infer(pd.DataFrame({"when": pd.date_range("2024-01-01", periods=3)}))


# -- defaults equal scikit-learn's ------------------------------------------------------------------
def _numeric_data(n_features: int, n_samples: int = 120, seed: int = 0):
    X, y = make_classification(n_samples=n_samples, n_features=n_features,
                               n_informative=min(n_features, 2), n_redundant=0, n_repeated=0,
                               n_clusters_per_class=1, random_state=seed)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(n_features)])
    return frame, y


def _fitted_model(task, family, X, y, config=None):
    space = get_space(task)
    config = config or space.default_config(family)
    pipeline = space.build_pipeline(config, ColumnTypes.infer(X), n_samples=len(X), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline.fit(X, y)
    return pipeline


@pytest.mark.parametrize("n_features", [1, 2, 3, 4, 7, 8, 10, 15, 24, 55])
@pytest.mark.parametrize("cls,family", [(RandomForestClassifier, "random_forest"),
                                        (ExtraTreesClassifier, "extra_trees")])
def test_forest_classification_default_matches_sklearn(n_features, cls, family):
    """max_features_exponent=0.5 must pick exactly as many features as max_features="sqrt"."""
    X, y = _numeric_data(n_features)
    model = _fitted_model("classification", family, X, y).named_steps["model"]
    reference = cls(n_estimators=2, random_state=0).fit(X, y)
    assert model.estimators_[0].max_features_ == reference.estimators_[0].max_features_
    assert model.estimators_[0].max_features_ == max(1, math.isqrt(n_features))
    assert model.min_samples_leaf == 1
    defaults = cls().get_params()
    for key in ("n_estimators", "criterion", "bootstrap", "class_weight"):
        assert model.get_params()[key] == defaults[key], key


@pytest.mark.parametrize("n_features", [1, 3, 7, 55])
def test_forest_regression_default_uses_all_features(n_features):
    X, _ = _numeric_data(n_features)
    y = X.to_numpy().sum(axis=1)
    model = _fitted_model("regression", "random_forest", X, y).named_steps["model"]
    assert model.estimators_[0].max_features_ == n_features
    assert model.min_samples_leaf == 1
    assert model.bootstrap == RandomForestRegressor().bootstrap


def test_min_samples_leaf_default_is_one_below_15000_rows():
    space = get_space("classification")
    columns = ColumnTypes(("a",), ())
    config = space.default_config("random_forest")
    for n in (10, 5_000, 14_999):
        model = space.build_pipeline(config, columns, n_samples=n).named_steps["model"]
        assert model.min_samples_leaf == 1


def test_hist_gradient_boosting_default_matches_sklearn_at_2000_rows():
    space = get_space("classification")
    columns = ColumnTypes(("a", "b"), ())
    model = space.build_pipeline(space.default_config("hist_gradient_boosting"), columns,
                                 n_samples=2000).named_steps["model"]
    reference = HistGradientBoostingClassifier()
    for key in ("learning_rate", "max_iter", "max_leaf_nodes", "min_samples_leaf", "max_features"):
        assert model.get_params()[key] == reference.get_params()[key], key
    # 1e-10 on the log scale stands for scikit-learn's 0.
    assert model.l2_regularization == pytest.approx(reference.l2_regularization, abs=1e-9)
    regressor = get_space("regression").build_pipeline(
        get_space("regression").default_config("hist_gradient_boosting"), columns,
        n_samples=2000).named_steps["model"]
    assert regressor.min_samples_leaf == HistGradientBoostingRegressor().min_samples_leaf


def test_hist_gradient_boosting_gets_the_categorical_mask():
    X = _mixed_frame(30, seed=0)
    space = get_space("regression")
    model = space.build_pipeline(space.default_config("hist_gradient_boosting"),
                                 ColumnTypes.infer(X), n_samples=30).named_steps["model"]
    # Numeric columns come first in the "native" recipe's output.
    assert model.categorical_features == [False, False, True, True, True]


def test_knn_default_is_five_neighbours_at_1000_rows():
    space = get_space("classification")
    model = space.build_pipeline(space.default_config("knn"), ColumnTypes(("a",), ()),
                                 n_samples=1000).named_steps["model"]
    reference = KNeighborsClassifier()
    assert model.n_neighbors == reference.n_neighbors == 5
    assert model.weights == reference.weights
    assert model.metric == "euclidean"  # scikit-learn's minkowski with p=2


def test_knn_never_asks_for_more_neighbours_than_training_rows():
    space = get_space("regression")
    config = space.default_config("knn") | {param_name("knn", "n_neighbors_exponent"): 0.6}
    model = space.build_pipeline(config, ColumnTypes(("a",), ()), n_samples=3).named_steps["model"]
    assert 1 <= model.n_neighbors <= 2


def test_linear_and_mlp_defaults_match_sklearn():
    columns = ColumnTypes(("a",), ())
    logistic = get_space("classification").build_pipeline(
        get_space("classification").default_config("linear"), columns, 100).named_steps["model"]
    assert logistic.C == LogisticRegression().C and logistic.class_weight is None
    ridge = get_space("regression").build_pipeline(
        get_space("regression").default_config("linear"), columns, 100).named_steps["model"]
    assert ridge.alpha == Ridge().alpha
    mlp = get_space("classification").build_pipeline(
        get_space("classification").default_config("mlp"), columns, 100).named_steps["model"]
    reference = MLPClassifier()
    for key in ("hidden_layer_sizes", "alpha", "learning_rate_init"):
        assert mlp.get_params()[key] == reference.get_params()[key], key


def test_svc_gamma_scale_one_is_sklearns_scale():
    X, y = _numeric_data(5)
    model = _fitted_model("classification", "svm", X, y).named_steps["model"]
    assert isinstance(model, RelativeGammaSVC)
    Z = _fitted_model("classification", "svm", X, y).named_steps["preprocess"].transform(X)
    reference = SVC(gamma="scale").fit(Z, y)
    inner = model.calibrated_.estimator
    assert inner.gamma == pytest.approx(reference._gamma, rel=1e-12)
    assert inner.C == reference.C
    # gamma_scale multiplies the heuristic.
    doubled = RelativeGammaSVC(gamma_scale=2.0).fit(Z, y)
    assert doubled.calibrated_.estimator.gamma == pytest.approx(2 * reference._gamma, rel=1e-12)


def test_svr_gamma_scale_one_is_sklearns_scale():
    X, _ = _numeric_data(4)
    y = X.to_numpy() @ np.arange(1, 5)
    model = RelativeGammaSVR().fit(X.to_numpy(), y)
    reference = SVR(gamma="scale").fit(X.to_numpy(), y)
    assert model._gamma == pytest.approx(reference._gamma, rel=1e-12)
    np.testing.assert_allclose(model.predict(X.to_numpy()), reference.predict(X.to_numpy()))
    assert "gamma" not in RelativeGammaSVR().get_params()


@pytest.mark.filterwarnings("ignore:The least populated class:UserWarning")
def test_relative_gamma_svc_probabilities_and_singleton_class():
    X, y = _numeric_data(3, n_samples=40)
    y = y.copy()
    y[0] = 2  # a class with one member: calibration cannot hold out data for it
    model = RelativeGammaSVC(random_state=0).fit(X, y)
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])


@pytest.mark.parametrize("exponent", [0.0, 0.25, 0.5, 0.75, 1.0])
@pytest.mark.parametrize("n_features", [1, 3, 7, 22, 55])
def test_max_features_exponent_picks_floor_of_a_power_of_the_feature_count(exponent, n_features):
    X, y = _numeric_data(n_features, n_samples=60)
    space = get_space("classification")
    config = space.default_config("extra_trees") | {
        param_name("extra_trees", "max_features_exponent"): exponent}
    model = _fitted_model("classification", "extra_trees", X, y, config).named_steps["model"]
    expected = max(1, int(n_features**exponent + 1e-9))
    assert model.estimators_[0].max_features_ == expected


def test_allowed_families_keeps_registration_order_and_names_bad_input():
    from metaautoml.space import allowed_families

    everything = tuple(f.name for f in families_for("classification"))
    assert allowed_families("classification") == everything
    assert allowed_families("classification", include=["svm", "linear"]) == ("linear", "svm")
    assert allowed_families("classification", exclude=["svm"]) == tuple(
        n for n in everything if n != "svm")
    assert allowed_families("regression", include=["svm", "knn"], exclude=["knn"]) == ("svm",)
    assert allowed_families("classification", exclude=[]) == everything
    with pytest.raises(ValueError, match="include: unknown model family 'xgb' for classification"):
        allowed_families("classification", include=["xgb"])
    with pytest.raises(ValueError, match="exclude must be a list of model family names"):
        allowed_families("classification", exclude="svm")
    with pytest.raises(ValueError, match="leave no model family of regression to search"):
        allowed_families("regression", include=["svm"], exclude=["svm"])


def test_a_restricted_space_searches_its_families_but_encodes_like_the_full_one():
    import optuna

    from metaautoml.space import SearchSpace, get_space

    full = get_space("classification")
    space = get_space("classification", ["random_forest", "svm"])
    assert space is get_space("classification", ("svm", "random_forest"))
    assert get_space("classification", full.family_names) is full
    assert space.restricted and not full.restricted
    assert space.family_names == ("random_forest", "svm")
    assert repr(space) == "SearchSpace('classification', families=['random_forest', 'svm'])"
    config = space.default_config("svm")
    assert space.n_encoding == full.n_encoding
    np.testing.assert_array_equal(space.encode(config), full.encode(config))
    # Decoding picks the best of the space's own families, whatever the one-hot says.
    vector = full.encode(full.default_config("knn"))
    assert space.decode(vector)["family"] in space.family_names
    with pytest.raises(ValueError, match="'knn' is not searched here"):
        space.validate(full.default_config("knn"))
    assert [c["family"] for c in space.default_configs()] == ["random_forest", "svm"]
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(0))
    for _ in range(12):
        trial = study.ask()
        assert space.suggest(trial)["family"] in {"random_forest", "svm"}
        study.tell(trial, 0.0)
    assert isinstance(SearchSpace("regression", ["linear"]), SearchSpace)


@pytest.mark.parametrize("task", TASKS)
def test_every_family_but_knn_weights_rows(task):
    from sklearn.datasets import make_regression

    space = get_space(task)
    takes = {f.name: f.takes_sample_weight() for f in space.families}
    assert takes == {name: name != "knn" for name in space.family_names}
    # Every row twice, the copy with the opposite target: weighted 0, the copies are not
    # learned, and the fit sees a clean problem; unweighted, the two cancel out.
    if task == "classification":
        X, y = make_classification(100, 4, n_informative=3, n_redundant=0, random_state=0)
        y_fit = np.concatenate([y, 1 - y])
    else:
        X, y = make_regression(100, 4, noise=0.1, random_state=0)
        y_fit = np.concatenate([y, -y])
    frame = pd.DataFrame(np.vstack([X, X]), columns=list("abcd"))
    clean = np.arange(200) < 100

    def quality(name, weights):
        pipeline = space.build_pipeline(space.default_config(name), ColumnTypes.infer(frame), 200,
                                        random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pipeline.fit(frame, y_fit, model__sample_weight=weights)
        predicted = pipeline.predict(frame[clean])
        if task == "classification":
            return (predicted == y).mean()
        return np.corrcoef(predicted, y)[0, 1]

    for name, weighted in takes.items():
        if weighted:
            assert quality(name, clean.astype(float)) > quality(name, np.ones(200)) + 0.15, name
