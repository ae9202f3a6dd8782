"""The family registry: one register_family call adds a family to a task's space, end to end."""

from __future__ import annotations

import pickle

import numpy as np
import optuna
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from metaautoml.space import (
    FAMILY,
    Categorical,
    ColumnTypes,
    Family,
    Int,
    families_for,
    get_space,
    param_name,
    register_family,
    unregister_family,
)
from metaautoml.task import TASKS

TOY = "toy_tree"


def _toy(task: str) -> Family:
    tree = DecisionTreeClassifier if task == "classification" else DecisionTreeRegressor
    return Family(TOY, task,
                  (Int("max_depth", 1, 16, 4, log=True),
                   Categorical("splitter", ("best", "random"), "best")),
                  "ordinal",
                  lambda p, shape, seed: tree(max_depth=p["max_depth"], splitter=p["splitter"],
                                              random_state=seed),
                  "a single decision tree")


@pytest.fixture
def toy_family():
    """A family registered for both task types for one test, then removed again."""
    before = {task: get_space(task) for task in TASKS}
    register_family(*(_toy(task) for task in TASKS))
    try:
        yield before
    finally:
        unregister_family(TOY)


@pytest.mark.parametrize("task", TASKS)
def test_a_registered_family_joins_the_space_and_fits(toy_family, task):
    before = toy_family[task]
    space = get_space(task)
    assert space is not before
    assert space.family_names == (*before.family_names, TOY)
    assert families_for(task)[-1].name == TOY
    # One family slot, one numeric slot and two choice slots more.
    assert space.n_encoding == before.n_encoding + 4
    task_level = {hp.name: hp.default for hp in space.task_hyperparameters}
    assert space.default_config(TOY) == {FAMILY: TOY, param_name(TOY, "max_depth"): 4,
                                         param_name(TOY, "splitter"): "best", **task_level}
    assert space.decode(space.encode(space.default_config(TOY))) == space.default_config(TOY)
    assert len(space.default_configs()) == len(before.default_configs()) + 1
    assert sum(c[FAMILY] == TOY for c in space.sample(3)) == 3
    # Built and fitted through the space like any family, on mixed data with missing values.
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"num": rng.normal(size=60), "text": rng.choice(["a", "b", None], 60)})
    y = (X["num"] > 0).astype(int) if task == "classification" else X["num"] * 2.0
    pipeline = space.build_pipeline(space.default_config(TOY), ColumnTypes.infer(X), len(X),
                                    random_state=0).fit(X, y)
    assert isinstance(pipeline.named_steps["model"], DecisionTreeClassifier | DecisionTreeRegressor)
    assert pipeline.predict(X).shape == (60,)
    # Optuna samples it, and the family pickles by name while registered.
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.enqueue_trial({FAMILY: TOY})
    study.optimize(lambda trial: float(space.suggest(trial)[FAMILY] == TOY), n_trials=1)
    assert study.trials[0].params[FAMILY] == TOY
    family = space.family(TOY)
    assert pickle.loads(pickle.dumps(family)) is family


def test_unregistering_restores_the_spaces(toy_family):
    unregister_family(TOY)
    try:
        for task in TASKS:
            assert get_space(task).family_names == toy_family[task].family_names
            assert get_space(task).encoding_names == toy_family[task].encoding_names
    finally:
        register_family(*(_toy(task) for task in TASKS))  # for the fixture to remove


def test_a_family_may_serve_one_task_type_only():
    register_family(_toy("regression"))
    try:
        assert TOY in get_space("regression").family_names
        assert TOY not in get_space("classification").family_names
        with pytest.raises(ValueError, match="unknown model family 'toy_tree' for classification"):
            get_space("classification").default_config(TOY)
    finally:
        unregister_family(TOY)
    assert TOY not in get_space("regression").family_names


def test_register_family_checks_its_declaration():
    good = _toy("classification")
    with pytest.raises(ValueError, match="at least one Family"):
        register_family()
    with pytest.raises(ValueError, match="share its name"):
        register_family(good, Family("other", "regression", (), "scaled", good.build, ""))
    with pytest.raises(ValueError, match="two variants for classification"):
        register_family(good, good)
    with pytest.raises(ValueError, match="task must be one of"):
        register_family(Family(TOY, "clustering", (), "scaled", good.build, ""))
    with pytest.raises(ValueError, match="unknown preprocessing recipe 'raw'"):
        register_family(Family(TOY, "classification", (), "raw", good.build, ""))
    with pytest.raises(ValueError, match="identifier without '__'"):
        register_family(Family("toy__tree", "classification", (), "scaled", good.build, ""))
    with pytest.raises(ValueError, match="repeats a hyperparameter name"):
        register_family(Family(TOY, "classification", good.hyperparameters * 2, "scaled",
                               good.build, ""))
    with pytest.raises(ValueError, match="'svm' is already registered"):
        register_family(Family("svm", "classification", (), "scaled", good.build, ""))
    with pytest.raises(ValueError, match="no model family 'toy_tree' is registered"):
        unregister_family(TOY)
    assert all(TOY not in get_space(task).family_names for task in TASKS)


def test_replace_keeps_the_family_s_place():
    original = {task: families_for(task) for task in TASKS}
    linear = {task: next(f for f in original[task] if f.name == "linear") for task in TASKS}
    replaced = Family("linear", "regression", linear["regression"].hyperparameters, "scaled",
                      linear["regression"].build, "replaced")
    register_family(replaced, replace=True)
    try:
        assert [f.name for f in families_for("regression")] == [f.name for f in original["regression"]]
        assert get_space("regression").family("linear").description == "replaced"
        # The replacement serves regression only.
        assert "linear" not in get_space("classification").family_names
    finally:
        register_family(*linear.values(), replace=True)
    assert {task: families_for(task) for task in TASKS} == original
