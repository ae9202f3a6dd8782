"""The space's Optuna distributions match what ``suggest`` produces in a real study.

Enqueued trials and trials added with ``study.add_trial`` are only combined with sampled trials
by multivariate TPE when their distributions are identical; one differing distribution silently
drops the parameter from the joint model.
"""

from __future__ import annotations

import optuna
import pytest
from optuna.search_space import intersection_search_space
from optuna.trial import TrialState, create_trial

from metaautoml.space import FAMILY, get_space

TASKS = ("classification", "regression")

optuna.logging.set_verbosity(optuna.logging.WARNING)


def _objective(space):
    def objective(trial):
        config = space.suggest(trial)
        assert space.validate(config) == config
        return 0.0
    return objective


@pytest.mark.parametrize("task", TASKS)
def test_suggested_trials_have_the_space_distributions(task):
    space = get_space(task)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(_objective(space), n_trials=40)
    families = set()
    for trial in study.trials:
        assert trial.distributions == space.distributions(trial.params)
        families.add(trial.params[FAMILY])
    assert families == set(space.family_names)


@pytest.mark.parametrize("task", TASKS)
def test_enqueued_configs_are_used_as_is(task):
    space = get_space(task)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    configs = space.default_configs() + space.sample(1, seed=5)
    for config in configs:
        study.enqueue_trial(config)
    study.optimize(_objective(space), n_trials=len(configs))
    for trial, config in zip(study.trials, configs, strict=True):
        assert trial.params == config
        assert trial.distributions == space.distributions(config)


@pytest.mark.parametrize("task", TASKS)
def test_added_and_suggested_trials_share_the_multivariate_search_space(task):
    space = get_space(task)
    study = optuna.create_study(direction="maximize")
    for value, config in enumerate(c for c in space.sample(4, seed=1) if c[FAMILY] == "svm"):
        study.add_trial(create_trial(params=config, distributions=space.distributions(config),
                                     value=float(value)))
    # Sampled trials restricted to the same family by enqueueing only the family choice.
    for _ in range(3):
        study.enqueue_trial({FAMILY: "svm"})
    study.optimize(_objective(space), n_trials=3)
    trials = study.get_trials(states=(TrialState.COMPLETE,))
    assert len(trials) == 7
    joint = intersection_search_space(trials)
    assert joint == space.distributions(space.default_config("svm"))


@pytest.mark.parametrize("task", TASKS)
def test_multivariate_tpe_runs_over_added_trials(task):
    """TPE with Optuna 5's defaults (multivariate), as the search uses it, accepts added trials."""
    space = get_space(task)
    sampler = optuna.samplers.TPESampler(n_startup_trials=5, seed=0)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    for index, config in enumerate(space.sample(2, seed=2)):
        study.add_trial(create_trial(params=config, distributions=space.distributions(config),
                                     value=float(index % 5)))
    study.optimize(_objective(space), n_trials=8)
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 8 + 2 * len(space.families)
    for trial in study.trials:
        assert trial.distributions == space.distributions(trial.params)


def test_distributions_reject_an_unknown_family():
    with pytest.raises(ValueError, match="unknown model family 'xgboost'"):
        get_space("regression").distributions({FAMILY: "xgboost"})
