"""``MetaSurrogateSampler``: an Optuna sampler that proposes with the meta-learned surrogate."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import optuna
import pandas as pd
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.samplers import BaseSampler
from optuna.trial import FrozenTrial, TrialState

from ..space import FAMILY, Categorical, Config, SearchSpace
from ._driver import SKIPPED
from ._optuna_internals import enqueued_params, set_trial_system_attr, set_trial_user_attr

#: System attribute holding the configuration the sampler proposed for a trial (JSON).
PROPOSAL_ATTR = "metaautoml:surrogate_proposal"
#: ``source`` user attribute of the trials the surrogate proposed (leaderboards show it).
SURROGATE_SOURCE = "meta_surrogate"


#: The acquisitions of :class:`MetaSurrogateSampler` under a cost limit.
COST_ACQUISITIONS = ("ucb", "ei_cooled", "ei_per_second")


class MetaSurrogateSampler(BaseSampler):
    """Proposes the candidate the adapted surrogate rates best, with TPE as the fallback.

    Before each trial that is not enqueued, the sampler takes the study's finished trials
    (failed ones count as the worst), adapts every member of the surrogate's ensemble to them in
    its meta-learned few gradient steps, scores a set of candidates -- random configurations of
    every family, perturbations of the best trials so far and the meta-database's pool -- by an
    upper confidence bound ``mean + exploration * std`` (under a time budget's cost limit,
    among the candidates predicted to finish in the time left), and fixes the trial's parameters to the
    winner. With fewer than ``min_observed`` finished trials, or without a surrogate, the
    ``fallback`` sampler (TPE by default) decides. Proposals are kept per trial (by trial
    number) in memory and in the trial's system attributes, so the sampler works with any Optuna
    storage.

    Not the estimators' default: after the warm start's proposals TPE proposes, because this
    sampler did not beat it after the same proposals (``benchmarks/surrogate_refine.py``: level
    on 50 classification tables; on regression its best CV score at 30 s was lower on 15 of 20
    tables). ``MetaWarmStart(sampler="surrogate")`` uses it.

    Parameters
    ----------
    surrogate : MetaSurrogate
        Fitted surrogate (:class:`metaautoml.surrogate.MetaSurrogate`).
    space : SearchSpace
    meta_features : Series
        Meta-features of the dataset being searched.
    pool : sequence of dict, optional
        Extra candidates (e.g. the meta-database's configuration pool).
    fallback : BaseSampler, optional
        Default: ``TPESampler(seed=seed)``.
    n_candidates : int, default=256
        Random candidates per trial (spread over the families).
    exploration : float, default=0.5
        Weight of the ensemble's spread in the acquisition.
    min_observed : int, default=3
        Finished trials needed before the surrogate proposes.
    min_distance : float, default=0.02
        Candidates closer than this to a tried or pending configuration -- the same family and
        categorical choices, every numeric hyperparameter within this share of its (log) range
        -- are not proposed: near the best trial the surrogate's optimum is a plateau, and
        without this the search spends its last trials on copies of one configuration that
        differ in the third decimal.
    cost_acquisition : {"ucb", "ei_cooled", "ei_per_second"}, default="ucb"
        How a cost limit (:meth:`limit_cost`, a search with a time budget) weighs the
        candidates that fit in the time left. ``"ucb"``: not at all, the upper confidence bound
        as without a limit. ``"ei_per_second"``: expected improvement per predicted second
        (Snoek et al., 2012), which can spend a budget on many cheap candidates that each
        improve a little. ``"ei_cooled"``: expected improvement per predicted second raised to
        the share of the budget left (CArBO's cost cooling, Lee et al., 2020): frugal at the
        start, cost-blind at the end. Without a cost limit it changes nothing. ``"ucb"`` is
        the default because neither other one earned its place: replaying the time-budgeted
        warm search on held-out regression datasets (``benchmarks/cost_aware_heldout.py``),
        both raised the regret at 10 and 20 recorded seconds over the 64 configurations the
        build had first evaluated (111 datasets; ``ei_cooled`` by 0.0021 and 0.0025, 95 % CIs
        above 0, Holm p >= 0.075), and over the whole pool (108 datasets) neither differed
        significantly anywhere.
    seed : int, optional

    Examples
    --------
    >>> import optuna
    >>> from metaautoml.search import MetaSurrogateSampler
    >>> from metaautoml.space import get_space
    >>> sampler = MetaSurrogateSampler(None, get_space("classification"), meta_features=None, seed=0)
    >>> study = optuna.create_study(direction="maximize", sampler=sampler)
    >>> study.optimize(lambda t: float(get_space("classification").suggest(t)["family"] == "svm"),
    ...                n_trials=3)
    >>> len(study.trials)
    3
    """

    def __init__(self, surrogate: Any, space: SearchSpace, meta_features: pd.Series | None, *,
                 pool: Sequence[Config] = (), fallback: BaseSampler | None = None,
                 n_candidates: int = 256, exploration: float = 0.5, min_observed: int = 3,
                 min_distance: float = 0.02, cost_acquisition: str = "ucb",
                 seed: int | None = None):
        if not 0.0 <= min_distance < 1.0:
            raise ValueError(f"min_distance must lie in [0, 1), got {min_distance!r}")
        if cost_acquisition not in COST_ACQUISITIONS:
            raise ValueError(f"cost_acquisition must be one of {list(COST_ACQUISITIONS)}, "
                             f"got {cost_acquisition!r}")
        self.surrogate = surrogate
        self.space = space
        self.meta_features = meta_features
        self.pool = [space.validate(c) for c in pool]
        self.fallback = fallback if fallback is not None else optuna.samplers.TPESampler(seed=seed)
        self.n_candidates = n_candidates
        self.exploration = exploration
        self.min_observed = min_observed
        self.min_distance = min_distance
        self.cost_acquisition = cost_acquisition
        self._rng = np.random.default_rng(seed)
        self._proposals: dict[int, Config] = {}
        self._lock = threading.Lock()
        self._cost: Callable[[list[Config]], np.ndarray] | None = None
        self._deadline: float | None = None
        self._budget: float | None = None

    def limit_cost(self, predict_seconds: Callable[[list[Config]], np.ndarray],
                   deadline: float, budget: float | None = None) -> None:
        """From now on, propose only candidates predicted to finish before ``deadline``.

        ``predict_seconds`` gives each candidate's predicted evaluation time on the data being
        searched (a :class:`~metaautoml.cost.CostModel`'s); ``deadline`` is a ``time.time()``.
        When no candidate is predicted to finish in time, the cheapest is proposed. ``budget``
        is the search's whole time budget, of which ``"ei_cooled"`` weighs the share left
        (default: the time from now to ``deadline``). The limit belongs to one search: it is
        not pickled with the sampler.
        """
        self._cost, self._deadline = predict_seconds, float(deadline)
        self._budget = float(budget) if budget is not None else max(deadline - time.time(), 1e-9)

    def __getstate__(self) -> dict[str, Any]:
        # A fitted estimator keeps its study, sampler included, and must pickle (joblib model
        # files); the lock is recreated and proposals in flight belong to the process.
        state = self.__dict__.copy()
        del state["_lock"]
        state["_proposals"] = {}
        state["_cost"] = state["_deadline"] = state["_budget"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # -- Optuna's sampler interface --------------------------------------------------------------
    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()
        self.fallback.reseed_rng()

    def before_trial(self, study: optuna.Study, trial: FrozenTrial) -> None:
        self.fallback.before_trial(study, trial)
        if self.surrogate is None or enqueued_params(trial) is not None:
            return  # an enqueued trial: its parameters are given
        trials = study.get_trials(deepcopy=False)
        # A skipped trial never ran: its configuration is not proposed again, and its score,
        # unknown, is not the worst.
        skipped = [t for t in trials if t.user_attrs.get("state") == SKIPPED]
        observed = [(config, t.value if t.state == TrialState.COMPLETE else np.nan)
                    for t in trials if t.state in (TrialState.COMPLETE, TrialState.FAIL)
                    and t.user_attrs.get("state") != SKIPPED
                    and (config := _complete_config(t.params, self.space)) is not None]
        if len(observed) < self.min_observed:
            return
        pending = _pending_configs(trials, trial, self.space) + [
            config for t in skipped if (config := _complete_config(t.params, self.space))]
        proposal = self.propose([p for p, _ in observed], np.array([v for _, v in observed], float),
                                pending=pending)
        if proposal is None:
            return
        with self._lock:
            self._proposals[trial.number] = proposal
        # Stored at once, so that other processes sharing the study see what this trial will
        # evaluate (``_pending_configs``) before its parameters are set.
        set_trial_system_attr(study, trial, PROPOSAL_ATTR, json.dumps(proposal, sort_keys=True))
        set_trial_user_attr(study, trial, "source", SURROGATE_SOURCE)

    def infer_relative_search_space(self, study: optuna.Study, trial: FrozenTrial
                                    ) -> dict[str, BaseDistribution]:
        if trial.number in self._proposals:
            return {}
        return self.fallback.infer_relative_search_space(study, trial)

    def sample_relative(self, study: optuna.Study, trial: FrozenTrial,
                        search_space: dict[str, BaseDistribution]) -> dict[str, Any]:
        if trial.number in self._proposals:
            return {}
        return self.fallback.sample_relative(study, trial, search_space)

    def sample_independent(self, study: optuna.Study, trial: FrozenTrial, param_name: str,
                           param_distribution: BaseDistribution) -> Any:
        proposal = self._proposals.get(trial.number)
        if proposal is not None and param_name in proposal:
            value = proposal[param_name]
            if _in_distribution(value, param_distribution):
                return value
        return self.fallback.sample_independent(study, trial, param_name, param_distribution)

    def after_trial(self, study: optuna.Study, trial: FrozenTrial, state: TrialState,
                    values: Sequence[float] | None) -> None:
        with self._lock:
            self._proposals.pop(trial.number, None)
        self.fallback.after_trial(study, trial, state, values)

    # -- the proposal ------------------------------------------------------------------------------
    def candidates(self, observed: Sequence[Config], scores: np.ndarray) -> list[Config]:
        """Random configurations, local perturbations of the best observed ones, and the pool."""
        out = [self._random_config(family) for family in
               self._rng.choice(self.space.family_names, size=self.n_candidates)]
        finite = np.where(np.isfinite(scores), scores, -np.inf)
        for index in np.argsort(-finite)[:3]:
            if np.isfinite(finite[index]):
                out += [self._perturb(observed[index]) for _ in range(self.n_candidates // 8)]
        return out + list(self.pool)

    def propose(self, observed: Sequence[Config], scores: np.ndarray,
                pending: Sequence[Config] = ()) -> Config | None:
        """The candidate with the highest upper confidence bound, never one already tried or
        within ``min_distance`` of one (``None`` when no candidate is left).

        ``pending``: configurations being evaluated or queued (other workers' running trials,
        enqueued ones); they are not proposed again either, since adapting to the same finished
        trials every process would otherwise pick the same winner.
        """
        return self.select(self.candidates(observed, scores), observed, scores, pending)

    def select(self, candidates: Sequence[Config], observed: Sequence[Config],
               scores: np.ndarray, pending: Sequence[Config] = (), *,
               min_distance: float | None = None) -> Config | None:
        """The acquisition: of ``candidates``, the one with the highest upper confidence bound
        of the surrogate adapted to ``(observed, scores)``, never one already tried or pending
        or within ``min_distance`` (default: the sampler's) of one; ``None`` when none is left.
        Under a cost limit (:meth:`limit_cost`), only candidates predicted to finish in the
        time left, chosen by ``cost_acquisition``: the expected improvement over the best tried
        configuration per predicted second (its power cooled for ``"ei_cooled"``), or the upper
        confidence bound (``"ucb"``, and when no candidate is expected to improve).

        :meth:`propose` calls it with :meth:`candidates`; the pool benchmark calls it with the
        meta-database's pool, so both measure one implementation.
        """
        min_distance = self.min_distance if min_distance is None else min_distance
        seen = {self.space.config_id(c) for c in [*observed, *pending]}
        candidates = [c for c in candidates if self.space.config_id(c) not in seen]
        if not candidates:
            return None
        encoded = self.space.encode_many(candidates)
        tried = self.space.encode_many([self.space.validate(c) for c in [*observed, *pending]])
        if min_distance > 0 and len(tried):
            # Chebyshev distance in the encoding: 1 for another family or categorical choice.
            nearest = np.full(len(encoded), np.inf)
            for start in range(0, len(tried), 64):  # blocks bound the memory on long studies
                block = tried[start:start + 64]
                nearest = np.minimum(nearest, np.abs(encoded[:, None, :] - block[None, :, :])
                                     .max(axis=2).min(axis=1))
            keep = nearest >= min_distance
            if not keep.any():
                return None
            candidates, encoded = [c for c, k in zip(candidates, keep, strict=True) if k], encoded[keep]
        observed_encoded = tried[:len(observed)]
        if self._cost is not None:
            seconds = np.asarray(self._cost(candidates), dtype=float)
            fits = seconds <= self._deadline - time.time()
            if not fits.any():
                fits = seconds == seconds.min()
            candidates, encoded = [c for c, k in zip(candidates, fits, strict=True) if k], encoded[fits]
            if self.cost_acquisition != "ucb" and len(observed):
                # One adapted prediction for the candidates and the tried configurations: the
                # improvement is over the best tried one's predicted utility, in the same units.
                mean, std = self.surrogate.predict(self.meta_features,
                                                   np.vstack([encoded, observed_encoded]),
                                                   observed_encoded, scores)
                n = len(encoded)
                gain = expected_improvement(mean[:n], std[:n], float(np.max(mean[n:])))
                if np.any(gain > 0):
                    power = 1.0
                    if self.cost_acquisition == "ei_cooled":
                        power = float(np.clip((self._deadline - time.time()) / self._budget, 0, 1))
                    cost = np.clip(seconds[fits], 1e-3, None) ** power
                    return candidates[int(np.argmax(gain / cost))]
                return candidates[int(np.argmax(mean[:n] + self.exploration * std[:n]))]
        mean, std = self.surrogate.predict(self.meta_features, encoded, observed_encoded, scores)
        return candidates[int(np.argmax(mean + self.exploration * std))]

    def _random_config(self, family_name: str) -> Config:
        family = self.space.family(family_name)
        config: Config = {FAMILY: family.name}
        for hp in family.hyperparameters:
            name = f"{family.name}__{hp.name}"
            if isinstance(hp, Categorical):
                config[name] = hp.choices[int(self._rng.integers(len(hp.choices)))]
            else:
                config[name] = hp.from_unit(float(self._rng.random()))
        return self.space.validate(config)

    def _perturb(self, config: Config, scale: float = 0.1) -> Config:
        family = self.space.family(config[FAMILY])
        out: Config = {FAMILY: family.name}
        for hp in family.hyperparameters:
            name = f"{family.name}__{hp.name}"
            if isinstance(hp, Categorical):
                keep = self._rng.random() > 0.2
                out[name] = config[name] if keep else hp.choices[int(self._rng.integers(len(hp.choices)))]
            else:
                unit = hp.to_unit(config[name]) + self._rng.normal(0.0, scale)
                out[name] = hp.from_unit(float(np.clip(unit, 0.0, 1.0)))
        return self.space.validate(out)


def _complete_config(params: dict[str, Any], space: SearchSpace) -> Config | None:
    """``params`` as a configuration of ``space``, or ``None`` when some are missing.

    A trial failed before all its parameters were set -- its process killed while suggesting
    them, then failed for its stopped heartbeat -- holds only some; it says nothing about a
    configuration, and validating it would raise.
    """
    if FAMILY not in params:
        return None
    try:
        return space.validate(dict(params))
    except (KeyError, ValueError):
        return None


def _pending_configs(trials: Sequence[FrozenTrial], current: FrozenTrial, space: SearchSpace
                     ) -> list[Config]:
    """What the running and waiting ``trials`` (other than ``current``) evaluate or will.

    An enqueued trial's fixed parameters or this sampler's recorded proposal say so before its
    parameters are set; a trial the fallback samples is known once all its parameters are (a
    running trial's parameters are set one at a time, so another process can see some of them).
    """
    out = []
    for trial in trials:
        if trial.state not in (TrialState.RUNNING, TrialState.WAITING) or trial.number == current.number:
            continue
        if (fixed := enqueued_params(trial)) is not None:
            config = fixed
        elif PROPOSAL_ATTR in trial.system_attrs:
            config = json.loads(trial.system_attrs[PROPOSAL_ATTR])
        else:
            config = dict(trial.params)
        try:
            out.append(space.validate(config))
        except (KeyError, ValueError):
            continue  # not all of its parameters are set yet
    return out


def _in_distribution(value: Any, distribution: BaseDistribution) -> bool:
    """Whether Optuna's ``distribution`` contains ``value`` (a parameter's external value).

    The test Optuna's private ``BaseDistribution._contains`` makes, on the distributions'
    public attributes: a categorical's ``choices``; a float's or an integer's ``low``, ``high``
    and ``step`` (``None`` for a continuous float), on the value's internal representation. As
    with ``_contains``, ``to_internal_repr`` raises ``ValueError`` for a value that is not a
    number (or not positive on a log scale). A distribution of another kind contains nothing,
    so the fallback sampler decides.
    """
    if isinstance(distribution, CategoricalDistribution):
        return value in distribution.choices
    if not isinstance(distribution, (FloatDistribution, IntDistribution)):
        return False
    internal = distribution.to_internal_repr(value)
    if not distribution.low <= internal <= distribution.high:
        return False
    if isinstance(distribution, IntDistribution):
        return (internal - distribution.low) % distribution.step == 0
    if distribution.step is None:
        return True
    steps = (internal - distribution.low) / distribution.step
    return abs(steps - round(steps)) < 1.0e-8


def expected_improvement(mean: np.ndarray, std: np.ndarray, best: float) -> np.ndarray:
    """Expected improvement over ``best`` of a maximized score, Gaussian predictive
    distributions; where ``std`` is 0 it is the plain improvement.

    Examples
    --------
    >>> expected_improvement(np.array([0.5, 0.9]), np.zeros(2), best=0.7).round(3).tolist()
    [0.0, 0.2]
    """
    from scipy.stats import norm

    gain = mean - best
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(std > 0, gain / std, 0.0)
    return np.where(std > 0, gain * norm.cdf(z) + std * norm.pdf(z), np.maximum(gain, 0.0))
