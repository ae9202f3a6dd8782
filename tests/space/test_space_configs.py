"""Configurations: encoding round trips, validation, clipping and the Sobol sample."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metaautoml.space import (
    FAMILY,
    INACTIVE,
    Categorical,
    Float,
    Int,
    SearchSpace,
    get_space,
    param_name,
)

TASKS = ("classification", "regression")


def _hyperparameters(space: SearchSpace):
    for family in space.families:
        for hp in family.hyperparameters:
            yield family, hp


@st.composite
def valid_configs(draw, task: str):
    """Any in-range configuration of the task's space, drawn value by value."""
    space = get_space(task)
    family = space.family(draw(st.sampled_from(space.family_names)))
    config = {FAMILY: family.name}
    for hp in family.hyperparameters:
        name = param_name(family.name, hp.name)
        if isinstance(hp, Categorical):
            config[name] = draw(st.sampled_from(hp.choices))
        elif isinstance(hp, Int):
            config[name] = draw(st.integers(hp.low, hp.high))
        else:
            config[name] = draw(st.floats(hp.low, hp.high, allow_nan=False))
    for hp in space.task_hyperparameters:
        config[hp.name] = draw(st.sampled_from(hp.choices))
    return config


def _unit_vectors(task: str):
    n = get_space(task).n_encoding
    return st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=n, max_size=n).map(np.array)


# -- encoding ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("task", TASKS)
def test_encoding_layout(task):
    space = get_space(task)
    names = space.encoding_names
    assert len(names) == space.n_encoding == len(set(names))
    # The family one-hot comes first, then each family's hyperparameters in declaration order,
    # then the task-level ones (regression's target transform).
    assert names[: len(space.families)] == [f"family={f}" for f in space.family_names]
    expected = []
    for family, hp in _hyperparameters(space):
        name = param_name(family.name, hp.name)
        expected += [f"{name}={c}" for c in hp.choices] if isinstance(hp, Categorical) else [name]
    for hp in space.task_hyperparameters:
        expected += [f"{hp.name}={c}" for c in hp.choices]
    assert names[len(space.families):] == expected
    assert [hp.name for hp in space.task_hyperparameters] == (
        ["target_transform"] if task == "regression" else [])


@pytest.mark.parametrize("task", TASKS)
def test_encode_marks_other_families_inactive(task):
    space = get_space(task)
    for config in space.default_configs():
        vector = space.encode(config)
        for name, value in zip(space.encoding_names, vector, strict=True):
            if name.startswith("family="):
                assert value == (1.0 if name == f"family={config[FAMILY]}" else 0.0)
            elif name.startswith(config[FAMILY] + "__"):
                assert 0.0 <= value <= 1.0
            elif name.startswith("target_transform="):  # every regression configuration's
                assert value == (1.0 if name == "target_transform=none" else 0.0)
            else:
                assert value == INACTIVE


def test_encode_scales_log_hyperparameters_on_the_log_scale():
    space = get_space("classification")
    vector = dict(zip(space.encoding_names,
                      space.encode(space.default_config("svm") | {"svm__C": 10.0}), strict=True))
    # C in [1e-2, 1e3] on a log scale: 10 is 3 of 5 decades up.
    assert vector["svm__C"] == pytest.approx(0.6)
    assert vector["svm__class_weight=none"] == 1.0
    assert vector["svm__class_weight=balanced"] == 0.0


@pytest.mark.parametrize("task", TASKS)
def test_default_and_sampled_configs_round_trip_exactly(task):
    space = get_space(task)
    for config in space.default_configs() + space.sample(8, seed=3):
        assert space.decode(space.encode(config)) == config


@pytest.mark.parametrize("task", TASKS)
def test_encode_many(task):
    space = get_space(task)
    configs = space.default_configs()
    matrix = space.encode_many(configs)
    assert matrix.shape == (len(configs), space.n_encoding)
    np.testing.assert_array_equal(matrix[2], space.encode(configs[2]))
    assert space.encode_many([]).shape == (0, space.n_encoding)


@pytest.mark.parametrize("task", TASKS)
def test_decode_rejects_a_vector_of_the_wrong_length(task):
    space = get_space(task)
    with pytest.raises(ValueError, match=f"expected an encoding of length {space.n_encoding}"):
        space.decode(np.zeros(space.n_encoding + 1))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), task=st.sampled_from(TASKS))
def test_decoding_any_unit_vector_is_stable(data, task):
    """decode -> encode -> decode is a fixed point: the encoding is a faithful representation."""
    space = get_space(task)
    vector = data.draw(_unit_vectors(task))
    config = space.decode(vector)
    assert space.validate(config) == config
    assert space.decode(space.encode(config)) == config
    np.testing.assert_array_equal(space.encode(space.decode(space.encode(config))),
                                  space.encode(config))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), task=st.sampled_from(TASKS))
def test_valid_configs_round_trip(data, task):
    space = get_space(task)
    config = data.draw(valid_configs(task))
    decoded = space.decode(space.encode(config))
    assert decoded.keys() == config.keys()
    for name, value in config.items():
        if isinstance(value, float):
            # decode keeps 12 significant digits
            assert decoded[name] == pytest.approx(value, rel=1e-9), name
        else:
            assert decoded[name] == value and type(decoded[name]) is type(value), name
    assert space.decode(space.encode(decoded)) == decoded


@settings(max_examples=100, deadline=None)
@given(data=st.data(), task=st.sampled_from(TASKS))
def test_config_id_is_stable_and_tells_configs_apart(data, task):
    space = get_space(task)
    a, b = data.draw(valid_configs(task)), data.draw(valid_configs(task))
    assert space.config_id(a) == space.config_id(dict(reversed(list(a.items()))))
    assert len(space.config_id(a)) == 16
    if space.validate(a) != space.validate(b):
        assert space.config_id(a) != space.config_id(b)


def test_config_id_includes_the_task():
    config = get_space("classification").default_config("knn")
    assert get_space("classification").config_id(config) != get_space("regression").config_id(config)


# -- validate and clip -------------------------------------------------------------------------------
def test_validate_returns_canonical_types():
    space = get_space("classification")
    config = space.default_config("mlp") | {"mlp__hidden_units": 64.0}
    validated = space.validate(config)
    assert validated["mlp__hidden_units"] == 64 and isinstance(validated["mlp__hidden_units"], int)
    validated = space.validate(space.default_config("svm") | {"svm__C": 3})
    assert validated["svm__C"] == 3.0 and isinstance(validated["svm__C"], float)


@pytest.mark.parametrize("config,message", [
    ({FAMILY: "xgboost"}, "unknown model family 'xgboost' for classification; expected one of "
                          "['hist_gradient_boosting', 'random_forest'"),
    ({"svm__C": 1.0}, "a configuration is a dict with a 'family' key"),
    ([("family", "svm")], "a configuration is a dict with a 'family' key"),
    ({FAMILY: "linear", "linear__C": 1.0, "linear__class_weight": "none", "svm__C": 1.0},
     "parameters ['svm__C'] do not belong to family 'linear'"),
    ({FAMILY: "linear", "linear__C": 1.0, "linear__class_weight": "none", "linear__penalty": "l1"},
     "parameters ['linear__penalty'] do not belong to family 'linear'"),
    ({FAMILY: "linear", "linear__C": 1.0}, "configuration of 'linear' lacks parameter "
                                           "'linear__class_weight'"),
    ({FAMILY: "linear", "linear__C": 1e5, "linear__class_weight": "none"},
     "linear__C=100000.0 outside [0.0001, 10000.0]"),
    ({FAMILY: "linear", "linear__C": -1.0, "linear__class_weight": "none"},
     "linear__C=-1.0 outside [0.0001, 10000.0]"),
    ({FAMILY: "linear", "linear__C": 1.0, "linear__class_weight": "auto"},
     "class_weight: unknown choice 'auto'; expected one of ['none', 'balanced']"),
    ({FAMILY: "mlp", "mlp__hidden_units": 600, "mlp__n_layers": 1, "mlp__alpha": 1e-4,
      "mlp__learning_rate_init": 1e-3}, "mlp__hidden_units=600 outside [16, 512]"),
])
def test_validate_rejects_with_a_clear_message(config, message):
    with pytest.raises(ValueError) as info:
        get_space("classification").validate(config)
    assert message in str(info.value)


def test_validate_rejects_non_integer_and_non_numeric_values():
    space = get_space("classification")
    with pytest.raises(ValueError, match=r"mlp__n_layers=1\.5 must be an integer"):
        space.validate(space.default_config("mlp") | {"mlp__n_layers": 1.5})
    with pytest.raises(ValueError, match=r"svm__C='big' must be a number"):
        space.validate(space.default_config("svm") | {"svm__C": "big"})


def test_validate_accepts_the_bounds_themselves():
    space = get_space("regression")
    for bound in (1e-2, 1e3):
        config = space.default_config("svm") | {"svm__C": bound}
        assert space.validate(config)["svm__C"] == bound


def test_clip_brings_values_into_range_and_fills_defaults():
    space = get_space("classification")
    clipped = space.clip({FAMILY: "mlp", "mlp__hidden_units": 10_000, "mlp__alpha": 1e-12,
                          "mlp__n_layers": 2.4})
    assert clipped == {FAMILY: "mlp", "mlp__hidden_units": 512, "mlp__n_layers": 2,
                       "mlp__alpha": 1e-7, "mlp__learning_rate_init": 1e-3}
    assert space.validate(clipped) == clipped
    default = space.default_config("knn")
    assert space.clip(default) == default
    with pytest.raises(ValueError, match="unknown choice 'cosine'"):
        space.clip({FAMILY: "knn", "knn__metric": "cosine"})
    with pytest.raises(ValueError, match="unknown model family"):
        space.clip({FAMILY: "xgboost"})


def test_clip_drops_parameters_of_other_families():
    space = get_space("regression")
    clipped = space.clip({FAMILY: "linear", "linear__alpha": 2.0, "svm__C": 3.0})
    assert clipped == {FAMILY: "linear", "linear__alpha": 2.0, "target_transform": "none"}


# -- hyperparameter types ---------------------------------------------------------------------------
def test_hyperparameter_definitions_are_checked():
    with pytest.raises(ValueError, match="low must be < high"):
        Float("x", 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="a log-scale range must be positive"):
        Float("x", 0.0, 1.0, 0.5, log=True)
    with pytest.raises(ValueError, match="default 2 outside"):
        Int("x", 0, 1, 2)
    with pytest.raises(ValueError, match="default 'c' not among"):
        Categorical("x", ("a", "b"), "c")


@pytest.mark.parametrize("task", TASKS)
def test_every_default_is_inside_its_range(task):
    for _, hp in _hyperparameters(get_space(task)):
        if isinstance(hp, Categorical):
            assert hp.default in hp.choices
        else:
            assert hp.low <= hp.default <= hp.high
            assert hp.from_unit(hp.to_unit(hp.default)) == pytest.approx(hp.default, rel=1e-9)


def test_int_from_unit_covers_both_bounds():
    hp = Int("n", 1, 3, 1)
    assert {hp.from_unit(u) for u in np.linspace(0, 1, 101)} == {1, 2, 3}
    log_hp = Int("m", 32, 512, 100, log=True)
    assert log_hp.from_unit(0.0) == 32 and log_hp.from_unit(1.0) == 512


# -- Sobol sample -----------------------------------------------------------------------------------
@pytest.mark.parametrize("task", TASKS)
def test_sample_is_deterministic_valid_and_covers_every_family(task):
    space = get_space(task)
    first = space.sample(5, seed=11)
    assert first == space.sample(5, seed=11)
    assert first == SearchSpace(task).sample(5, seed=11)  # no hidden state in the instance
    assert first != space.sample(5, seed=12)
    assert len(first) == 5 * len(space.families)
    for family in space.family_names:
        members = [c for c in first if c[FAMILY] == family]
        assert len(members) == 5
        assert len({space.config_id(c) for c in members}) == 5
    for config in first:
        assert space.validate(config) == config


def test_sample_fills_the_unit_cube():
    """Sobol points spread over each hyperparameter's range rather than clumping."""
    space = get_space("regression")
    configs = [c for c in space.sample(64, seed=0) if c[FAMILY] == "mlp"]
    units = space.encode_many(configs)
    for column, name in enumerate(space.encoding_names):
        if name in ("mlp__alpha", "mlp__learning_rate_init"):
            counts, _ = np.histogram(units[:, column], bins=4, range=(0, 1))
            assert counts.min() >= 12, (name, counts)
    layers = {c["mlp__n_layers"] for c in configs}
    assert layers == {1, 2, 3}


def test_sample_edge_sizes():
    space = get_space("classification")
    assert space.sample(0) == []
    assert len(space.sample(1)) == len(space.families)
    assert math.isclose(len(space.sample(3)) / len(space.families), 3)


# -- the target transform ---------------------------------------------------------------------------
def test_target_transform_defaults_and_keeps_old_identifiers():
    space = get_space("regression")
    old = {FAMILY: "linear", "linear__alpha": 2.0}  # as written before the transform existed
    assert space.validate(old) == {**old, "target_transform": "none"}
    assert space.config_id(old) == space.config_id({**old, "target_transform": "none"})
    assert space.config_id(old) != space.config_id({**old, "target_transform": "log1p"})
    with pytest.raises(ValueError, match="target_transform"):
        space.validate({**old, "target_transform": "log10"})
    # Classification has no target transform.
    with pytest.raises(ValueError, match=r"\['target_transform'\] do not belong"):
        get_space("classification").validate(
            {**get_space("classification").default_config("linear"), "target_transform": "none"})


def test_target_transform_is_suggested_and_sampled_at_its_default():
    import optuna

    space = get_space("regression")
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    seen = set()
    for _ in range(30):
        trial = study.ask()
        config = space.suggest(trial)
        seen.add(config["target_transform"])
        assert space.distributions(config).keys() == trial.params.keys()
        study.tell(trial, 0.0)
    assert seen == {"none", "log1p", "yeo_johnson"}
    assert {c["target_transform"] for c in space.sample(4)} == {"none"}


@pytest.mark.parametrize("transform", ["log1p", "yeo_johnson"])
def test_transformed_pipelines_fit_on_the_transformed_scale_and_predict_on_the_original(transform):
    import pandas as pd

    from metaautoml.space import ColumnTypes

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.uniform(0, 3, 300)})
    y = np.expm1(2.0 * X["x"].to_numpy() + rng.normal(0, 0.1, 300))  # log-linear, heavy-tailed
    space = get_space("regression")
    plain, transformed = ({**space.default_config("linear"), "target_transform": t}
                          for t in ("none", transform))
    errors = {}
    for config in (plain, transformed):
        pipeline = space.build_pipeline(config, ColumnTypes.infer(X), len(X)).fit(X, y)
        prediction = pipeline.predict(X)
        assert np.isfinite(prediction).all()
        errors[config["target_transform"]] = np.median(np.abs(np.log1p(prediction.clip(0)) - np.log1p(y)))
    assert errors[transform] < 0.5 * errors["none"]
    # Extrapolation in the transformed space stays finite.
    far = space.build_pipeline(transformed, ColumnTypes.infer(X), len(X)).fit(X, y)
    assert np.isfinite(far.predict(pd.DataFrame({"x": [1e6, -1e6]}))).all()


@pytest.mark.parametrize("task", ["classification", "regression"])
@pytest.mark.parametrize("n_rows", [60, 150, 700, 2000, 9000])
def test_defaults_on_a_datasets_rows_are_scikit_learns_absolute_ones(task, n_rows):
    from metaautoml.space import DataShape

    space = get_space(task)
    shape = DataShape(n_samples=n_rows, n_features=4)
    hgb, knn = space.family("hist_gradient_boosting"), space.family("knn")
    model = hgb.build(hgb.default_params(n_rows), shape, 0)
    model = getattr(model, "regressor", model)  # a regressor's target transform wraps it
    # Clipped to the range's upper bound (0.1) below 200 rows; scikit-learn's 20 from there on.
    assert model.min_samples_leaf == min(20, round(0.1 * n_rows))
    assert knn.build(knn.default_params(n_rows), shape, 0).n_neighbors == 5
    # Without the rows, the reference-size default the meta-database's pool evaluated.
    assert hgb.default_params()["min_samples_leaf_fraction"] == 0.01
    config = space.default_config("hist_gradient_boosting", n_rows=n_rows)
    assert space.default_configs(n_rows=n_rows)[0] == config
    assert space.validate(config) == config


def test_a_sized_default_stands_for_a_reference_default_only():
    space = get_space("regression")
    for family in space.family_names:
        reference = space.default_config(family)
        assert space.sized_default(reference, 300) == space.default_config(family, 300)
        # The task-level values are the configuration's, including their absence (a pool
        # configuration written before they existed).
        transformed = {**reference, "target_transform": "log1p"}
        assert space.sized_default(transformed, 300) == {**space.default_config(family, 300),
                                                          "target_transform": "log1p"}
        bare = {k: v for k, v in reference.items() if k != "target_transform"}
        assert "target_transform" not in space.sized_default(bare, 300)
    # A family without row-relative hyperparameters means the same on every dataset.
    assert space.sized_default(space.default_config("linear"), 300) == space.default_config("linear")
    assert space.sized_default(space.default_config("hist_gradient_boosting"), 300) != \
        space.default_config("hist_gradient_boosting")
    # Any other configuration stands for itself alone.
    for config in space.sample(5, seed=0):
        assert space.sized_default(config, 300) is None
