"""What the classifier and the regressor share: parameters, the search in ``fit``, input checks."""

from __future__ import annotations

import pickle
import threading
import time
import warnings
from abc import ABCMeta, abstractmethod
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

import numpy as np
import optuna
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import DataConversionWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
    validate_data,
)

from .._validation import as_frame
from ..cost import CostModel, load_cost_model
from ..ensemble import (
    DEFAULT_ENSEMBLE_SIZE,
    PredictionStore,
    WeightedEnsemble,
    cross_validated_gain,
    ensemble_score,
    ensemble_selection,
)
from ..evaluation import (
    Metric,
    RefitError,
    ScorerMetric,
    TrialRunner,
    available_cpus,
    default_metrics,
    default_n_threads,
    make_splits,
    resolve_metric,
)
from ..search import (
    MetaSurrogateSampler,
    check_budget,
    create_study,
    leaderboard,
    optuna_verbosity,
    run_search,
    share_study,
)
from ..space import ColumnTypes, SearchSpace, allowed_families, get_space
from ..strategy import (
    DEFAULT_SOURCE,
    MetaWarmStart,
    SearchPlan,
    WarmStartStrategy,
    resolve_strategy,
)
from ._params import (
    BOOLEAN,
    CALLABLE,
    NONE,
    Constraint,
    instance_of,
    integer,
    literal,
    positive_number,
    validate_params,
)

#: ``include`` and ``exclude``: family names, checked against the task's in ``fit``.
FAMILY_NAMES = Constraint("a list of model family names",
                          lambda v: isinstance(v, (list, tuple))
                          and all(isinstance(name, str) for name in v))


@dataclass(frozen=True)
class SearchObjective:
    """The checked data and what a search evaluates on it (see ``search_objective``).

    ``y_search`` is the target the trials score and the best pipeline is refitted on (class
    codes ``0..K-1`` for classification, decoded by ``classes_``); ``make_runner(**overrides)``
    returns a :class:`~metaautoml.evaluation.TrialRunner`; ``n_jobs`` is how many trials the
    search runs at once; ``splits`` are the (train, test) row indices every trial is scored on;
    ``sample_weight`` the checked row weights, if any.
    """

    frame: pd.DataFrame
    y_search: np.ndarray
    columns: ColumnTypes
    space: SearchSpace
    metric: Metric
    make_runner: Callable[..., TrialRunner]
    n_jobs: int = 1
    splits: tuple = ()
    sample_weight: np.ndarray | None = None


class _PrestartedRunners:
    """The search's ``make_runner``: its first call returns a runner whose worker process was
    started when this was made (:meth:`TrialRunner.start`), later calls new runners.

    ``close`` stops that first runner if the search never took it (planning failed, or a
    shared study's budget was already spent).
    """

    def __init__(self, make_runner: Callable[[], TrialRunner]):
        self._make_runner = make_runner
        self._lock = threading.Lock()
        self._first: TrialRunner | None = make_runner()
        self._first.start()

    def __call__(self) -> TrialRunner:
        with self._lock:
            runner, self._first = self._first, None
        return runner if runner is not None else self._make_runner()

    def close(self) -> None:
        with self._lock:
            runner, self._first = self._first, None
        if runner is not None:
            runner.close()


class MetaAutoMLBase(BaseEstimator, metaclass=ABCMeta):
    """Model selection by an Optuna search over the CASH space; see the public subclasses."""

    _task: ClassVar[str]

    #: What each parameter accepts; ``fit`` and ``recommend`` check them all first.
    _parameter_constraints: ClassVar[dict[str, list[Constraint]]] = {
        "n_trials": [integer(1), NONE],
        "time_budget": [positive_number("seconds"), NONE],
        "metric": [instance_of(str, description="a metric name"), CALLABLE, NONE],
        # A string has a ``split`` method too; cv="5" is not a splitter.
        "cv": [integer(2),
               Constraint("a fraction in (0, 1) to hold out",
                          lambda v: isinstance(v, (float, np.floating)) and 0.0 < v < 1.0),
               Constraint("a scikit-learn splitter",
                                      lambda v: hasattr(v, "split") and not isinstance(v, str)),
               Constraint("a list of (train, test) index pairs",
                          lambda v: isinstance(v, (list, tuple)) and len(v) > 0)],
        "per_trial_time_limit": [positive_number("seconds"), NONE],
        "n_jobs": [integer(1), literal(-1, "-1 (all CPUs)")],
        "random_state": [integer(0, "an int >= 0"),
                         instance_of(np.random.RandomState, description="a RandomState"), NONE],
        "storage": [instance_of(str, optuna.storages.BaseStorage,
                                description="a storage URL or an optuna storage"), NONE],
        "study_name": [instance_of(str, description="a string"), NONE],
        "verbose": [integer(0), BOOLEAN],
        "memory_limit_mb": [integer(1), NONE],
        "warm_start": [BOOLEAN, instance_of(WarmStartStrategy, description="a WarmStartStrategy"),
                       Constraint("a WarmStartProposer", lambda v: _is_proposer(v))],
        "n_warm_start": [integer(1)],
        "ensemble_size": [integer(0)],
        "callbacks": [Constraint("a list of callables callback(study, trial)",
                                 lambda v: isinstance(v, (list, tuple)) and all(map(callable, v))),
                      NONE],
        "include": [FAMILY_NAMES, NONE],
        "exclude": [FAMILY_NAMES, NONE],
    }

    def __init__(self, n_trials: int | None = None, time_budget: float | None = None, metric=None,
                 cv=5, per_trial_time_limit: float | None = None, n_jobs: int = 1,
                 random_state=None, storage=None, study_name: str | None = None, verbose: int = 0,
                 memory_limit_mb: int | None = None, warm_start: bool = True,
                 n_warm_start: int = 8, ensemble_size: int = DEFAULT_ENSEMBLE_SIZE,
                 callbacks: list | None = None, include: list[str] | None = None,
                 exclude: list[str] | None = None):
        self.n_trials = n_trials
        self.time_budget = time_budget
        self.metric = metric
        self.cv = cv
        self.per_trial_time_limit = per_trial_time_limit
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.storage = storage
        self.study_name = study_name
        self.verbose = verbose
        self.memory_limit_mb = memory_limit_mb
        self.warm_start = warm_start
        self.n_warm_start = n_warm_start
        self.ensemble_size = ensemble_size
        self.callbacks = callbacks
        self.include = include
        self.exclude = exclude

    def _trial_budget(self) -> int | None:
        """``n_trials`` as the search uses it: ``None`` means until ``time_budget`` is spent,
        or :data:`DEFAULT_N_TRIALS` trials when there is no time budget either."""
        if self.n_trials is None and self.time_budget is None:
            return DEFAULT_N_TRIALS
        return self.n_trials

    def _validate_params(self) -> None:
        # scikit-learn's name for the check; its own machinery would not read these constraints.
        validate_params(self)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The preprocessing imputes missing values and encodes string and categorical columns.
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags

    # -- fitting ------------------------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, groups=None, X_val=None, y_val=None):
        """Search the space with cross-validation, then refit the best pipeline on all of ``X``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Numeric, categorical, object, string and bool columns; missing values allowed.
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights. Each trial's model is fitted with its training rows'
            weights and scored with its test rows' (the built-in metrics and scikit-learn's
            scorers take them; a custom scorer without a ``sample_weight`` parameter scores
            unweighted, with a warning), and so are the ensemble selection and the final refit.
            Families whose models cannot weight rows (``knn``) are left out of the search, with
            a warning.
        groups : array-like of shape (n_samples,), default=None
            A group label per row (a patient, a site, a week): with an integer ``cv``, each
            group's rows stay in one fold (``StratifiedGroupKFold`` for classification,
            ``GroupKFold`` for regression), so the search scores configurations on groups it
            did not train on; a ``cv`` splitter receives them.
        X_val, y_val : validation rows, default=None
            Score every trial on these rows, fitted on ``X`` (one hold-out split instead of
            ``cv``, as FLAML's ``X_val``). The best configuration is then refitted on ``X``
            and ``X_val`` together. ``X_val`` must have ``X``'s columns; not combined with
            ``sample_weight`` or ``groups``.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            For malformed data, too few rows for cross-validation, or bad parameters.
        RuntimeError
            When every trial failed; the message lists the most common errors.
        """
        # Before the data and the warm start, which would otherwise fail on them first.
        self._validate_params()
        n_jobs = self._n_jobs()
        n_trials = self._trial_budget()
        check_budget(n_trials, self.time_budget, self.per_trial_time_limit)
        seed = self._seed()
        cv = None
        if X_val is not None or y_val is not None:
            X, y, cv = _with_validation_rows(X, y, X_val, y_val, sample_weight, groups)
        objective = self.search_objective(X, y, seed=seed, n_jobs=n_jobs,
                                          timed=self.time_budget is not None, groups=groups,
                                          sample_weight=sample_weight, cv=cv)
        # Out-of-fold predictions are kept only for an ensemble: they cost memory and a
        # little time to send back from the worker process.
        store = PredictionStore() if self.ensemble_size > 0 else None
        make_runner = (objective.make_runner if store is None
                       else partial(objective.make_runner, keep_predictions=True))
        # The first trial's worker process starts while the warm start is planned.
        runners = _PrestartedRunners(make_runner)
        try:
            self._search(objective, seed, n_trials, n_jobs, runners, store)
        finally:
            runners.close()
        return self

    def _search(self, objective: SearchObjective, seed: int, n_trials: int | None, n_jobs: int,
                make_runner: Callable[[], TrialRunner], store: PredictionStore | None) -> None:
        """Plan the warm start, search, and refit the best trial (or the ensemble)."""
        space, metric = objective.space, objective.metric
        plan = self.plan_search(objective, seed)
        self.warm_start_ = plan.warm_start
        self.warm_start_configs_ = [config for source, config in plan.enqueue
                                    if source != DEFAULT_SOURCE]
        self.warm_start_left_out_ = [config for _, config in plan.left_out]
        self.meta_features_ = plan.meta_features
        with optuna_verbosity(self.verbose):
            study = create_study(self.storage, self.study_name, sampler=plan.sampler)
            with warnings.catch_warnings():
                # Optuna marks metric names experimental; a dashboard reading the study shows them.
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                study.set_metric_names([metric.name])
            # A stored study records how to rebuild this search, so that `metaautoml worker`
            # processes can join it and share its budget.
            shared = None if self.storage is None else share_study(
                study, self.storage, n_trials=n_trials, time_budget=self.time_budget,
                settings={"task": self._task, "seed": seed, **self.get_params()})
            started = time.perf_counter()
            trials = run_search(study, space, make_runner, n_trials=n_trials,
                                time_budget=self.time_budget,
                                per_trial_time_limit=self.per_trial_time_limit,
                                enqueue=plan.enqueue, n_jobs=n_jobs,
                                progress=self.verbose >= 1, shared=shared,
                                prediction_store=store, callbacks=tuple(self.callbacks or ()),
                                predict_seconds=plan.predict_seconds)
            self.search_time_ = time.perf_counter() - started
        self.performance_over_time_ = performance_over_time(trials)
        started = time.perf_counter()
        ranked = _ranked_trials(study, trials)
        self.study_ = study
        self.metric_ = metric.name
        best = self._refit_best(ranked, objective)
        # Kept apart from an ensemble that may replace it: what ensemble_size=0 returns.
        self.best_single_estimator_ = self.best_estimator_
        self.best_refit_time_ = time.perf_counter() - started
        self.ensemble_weights_ = {best.number: 1.0}
        self.ensemble_score_ = float(best.value)
        self.ensemble_refit_failures_ = []
        self.ensemble_selection_ = None
        self.ensemble_gain_ = float("nan")
        if store is not None and len(store) > 1:
            self._refit_ensemble(store, objective, best)
        self.refit_time_ = time.perf_counter() - started

    def _refit_best(self, ranked: list[optuna.trial.FrozenTrial],
                    objective: SearchObjective) -> optuna.trial.FrozenTrial:
        """Refit the best trial's configuration on all the data, else the next best, and so on.

        A configuration that cross-validated can still fail on all the rows (a time or memory
        limit, a model error that no fold hit); the search must not be lost to it. Under
        ``per_trial_time_limit`` or ``memory_limit_mb`` the refit runs in a worker process under
        the same limits, so a refit that would run away is stopped like a trial. Returns the
        trial it refitted.
        """
        fallbacks = []
        with self._refit_runner(objective) as runner:
            for trial in ranked:
                config = objective.space.validate(dict(trial.params))
                try:
                    pipeline = runner.refit(config, time_limit=self.per_trial_time_limit)
                except RefitError as exc:
                    fallbacks.append({"number": trial.number, "family": config.get("family"),
                                      "error": str(exc)})
                    continue
                break
            else:
                reasons = Counter(fallback["error"] for fallback in fallbacks)
                common = "; ".join(f"{count} x {error}" for error, count in reasons.most_common(3))
                raise RuntimeError(f"none of the {len(ranked)} completed trials could be refitted "
                                   f"on all the data. Most common errors: {common}")
        if fallbacks:
            first = fallbacks[0]
            warnings.warn(
                f"the best configuration (trial {first['number']}, {first['family']}) failed to "
                f"refit on all the data ({first['error']}); using trial {trial.number} "
                f"({config.get('family')}), the best that refitted. See refit_fallbacks_",
                UserWarning, stacklevel=3)
        self.refit_fallbacks_ = fallbacks
        self.best_config_ = config
        self.best_score_ = float(trial.value)
        self.best_estimator_ = pipeline
        return trial

    def _refit_runner(self, objective: SearchObjective) -> TrialRunner:
        """The runner of the final refits: in a worker process under the search's limits, if
        any, and with every CPU a single trial would get, since the search is over."""
        limited = self.per_trial_time_limit is not None or self.memory_limit_mb is not None
        return objective.make_runner(isolate=limited, keep_predictions=False,
                                     n_threads=default_n_threads(1, n_cells=objective.frame.size))

    def _refit_ensemble(self, store: PredictionStore, objective: SearchObjective,
                        best: optuna.trial.FrozenTrial) -> None:
        """Select an ensemble of the kept trials and, if it has several members and beats its
        best single trial on rows its selection did not see, refit them and make it
        ``best_estimator_``.

        The selection is fitted to the out-of-fold rows it is scored on, which on small data
        makes nearly any mixture look better than one model; the gain that decides is the
        selection's, cross-validated over the search's own folds
        (:func:`~metaautoml.ensemble.cross_validated_gain`), and must be positive.

        ``best`` is the trial ``best_estimator_`` was refitted from; it is reused if selected.
        A member that fails to refit is left out (recorded in ``ensemble_refit_failures_``,
        with a warning) and the others' weights renormalized; with fewer than two members left the
        best single pipeline stays.
        """
        task = self._task
        predictions, scores = store.predictions(), store.scores()
        with warnings.catch_warnings():
            # Metrics undefined on some rows or rounds warn at every one; the selection skips them.
            warnings.simplefilter("ignore")
            try:
                selection = ensemble_selection(predictions, objective.y_search,
                                               objective.metric, task, self.ensemble_size,
                                               scores=scores, sample_weight=objective.sample_weight)
            except ValueError:  # the metric is undefined on the pooled out-of-fold rows
                return
            self.ensemble_selection_ = selection
            if len(selection.weights) < 2:
                return
            self.ensemble_gain_ = cross_validated_gain(
                predictions, objective.y_search, objective.metric, task,
                self.ensemble_size, [test for _, test in objective.splits], scores=scores,
                sample_weight=objective.sample_weight)
        if not self.ensemble_gain_ > 0:
            return
        trials = {t.number: t for t in self.study_.get_trials(deepcopy=False)}
        members, weights, dropped = [], {}, []
        with self._refit_runner(objective) as runner:
            for number, weight in selection.weights.items():
                if number == best.number:
                    members.append(self.best_estimator_)
                    weights[number] = weight
                    continue
                config = objective.space.validate(dict(trials[number].params))
                try:
                    members.append(runner.refit(config, time_limit=self.per_trial_time_limit))
                except RefitError as exc:
                    dropped.append({"number": number, "family": config.get("family"),
                                    "error": str(exc)})
                    continue
                weights[number] = weight
        self.ensemble_refit_failures_ = dropped
        if dropped:
            warnings.warn(f"{len(dropped)} of the {len(selection.weights)} ensemble members failed "
                          f"to refit on all the data and were left out ({dropped[0]['error']}). "
                          "See ensemble_refit_failures_", UserWarning, stacklevel=3)
        if len(members) < 2:
            return
        total = sum(weights.values())
        self.ensemble_weights_ = {number: weight / total for number, weight in weights.items()}
        self.ensemble_score_ = float(ensemble_score(
            {n: predictions[n] for n in weights}, self.ensemble_weights_, objective.y_search,
            objective.metric, task, objective.sample_weight)) if dropped else float(selection.score)
        self.best_estimator_ = WeightedEnsemble(members, list(self.ensemble_weights_.values()),
                                                task, n_classes=len(getattr(self, "classes_", ())))

    def search_objective(self, X, y, *, seed: int, n_jobs: int | None = None,
                         timed: bool = False, groups=None,
                         sample_weight=None, cv=None) -> SearchObjective:
        """What a search with these parameters evaluates on ``(X, y)``, without searching.

        The checked data, the folds, the metrics, the space and a factory of trial runners.
        ``fit`` and ``metaautoml worker`` both build their objective here, so a worker joining
        a stored study evaluates exactly the trials ``fit`` would. Sets no fitted attribute.

        Parameters
        ----------
        X, y : as for ``fit``
        seed : int
            Seeds the folds and the models.
        n_jobs : int or None, default=None
            Trials the search runs at once (each trial's thread share depends on it); ``None``
            is this estimator's ``n_jobs``.
        timed : bool, default=False
            The search has a wall-clock budget, whose deadline a trial can only be held to in a
            worker process.
        groups, sample_weight : array-like of shape (n_samples,), default=None
            As for ``fit``.
        cv : as the ``cv`` parameter, default=None
            The folds instead of this estimator's ``cv`` (``fit`` with ``X_val``).

        Returns
        -------
        SearchObjective
        """
        n_jobs = self._n_jobs() if n_jobs is None else n_jobs
        frame = self._check_fit_X(X, y)
        shape = getattr(y, "shape", ())
        if len(shape) == 2 and shape[1] == 1:
            warnings.warn("A column-vector y was passed when a 1d array was expected; it is used "
                          "as y.ravel()", DataConversionWarning, stacklevel=3)
        y_search = self._check_y(y, n_rows=frame.shape[0])
        weights = None if sample_weight is None else _check_weights(sample_weight, frame)
        task = self._task
        columns = ColumnTypes.infer(frame)
        try:
            splits = make_splits(y_search, task, self.cv if cv is None else cv, random_state=seed,
                                 groups=None if groups is None else _as_labels(groups))
        except ValueError as exc:
            hint = self._target_hint(y)
            raise ValueError(f"{exc}{f' ({hint})' if hint else ''}") from None
        metric = resolve_metric(self.metric, task)
        if weights is not None and isinstance(metric, ScorerMetric) and not metric.takes_sample_weight:
            warnings.warn(f"the metric {metric.name!r} takes no sample_weight: the search scores "
                          "its trials unweighted (the models are still fitted with the weights)",
                          UserWarning, stacklevel=3)
        space = self._space(weighted=weights is not None)
        # The task's standard metrics are recorded too, so every trial is reusable as meta-data.
        metrics = [metric, *(m for m in default_metrics(task) if m.name != metric.name)]
        # Limits need the worker process; so do several jobs, which would otherwise contend for
        # the GIL and share one process-wide thread-pool limit.
        isolate = (timed or self.per_trial_time_limit is not None
                   or self.memory_limit_mb is not None or n_jobs > 1)
        if isolate:
            _check_picklable_metric(metric)
        make_runner = partial(TrialRunner, frame, y_search, task=task, columns=columns,
                              splits=splits, metrics=metrics, random_state=seed, isolate=isolate,
                              n_threads=default_n_threads(n_jobs, n_cells=frame.size),
                              memory_limit_mb=self.memory_limit_mb, sample_weight=weights)
        return SearchObjective(frame=frame, y_search=y_search, columns=columns,
                               space=space, metric=metric, make_runner=make_runner,
                               n_jobs=n_jobs, splits=tuple(splits), sample_weight=weights)

    def plan_search(self, objective: SearchObjective, seed: int, *,
                    deadline: float | None = None) -> SearchPlan:
        """The configurations to try first and the sampler after them, for ``objective``.

        ``warm_start`` decides (see :mod:`metaautoml.strategy`): the meta-learned warm start
        by default, each family's default then TPE for ``False``, or any
        :class:`~metaautoml.strategy.WarmStartStrategy`. It enqueues at most ``n_warm_start``
        warm-start configurations (and at most ``n_trials``). With a ``time_budget``, the plan
        is cost-aware (see the ``time_budget`` parameter). Sets no fitted attribute.

        Parameters
        ----------
        objective : SearchObjective
            From :meth:`search_objective`.
        seed : int
            Seeds the sampler.
        deadline : float or None, default=None
            With a ``time_budget``: when the search ends (a ``time.time()``), for a process
            joining a search that started earlier; ``None`` is now plus ``time_budget``.

        Returns
        -------
        SearchPlan
        """
        self._validate_params()
        strategy = resolve_strategy(self.warm_start)
        n_warm, n_trials = self.n_warm_start, self._trial_budget()
        if n_trials is not None:
            n_warm = min(n_warm, n_trials)
        args = (objective.space, objective.frame, objective.y_search, objective.metric.name,
                seed, int(n_warm))
        model = load_cost_model(self._task) if self.time_budget is not None else None
        if model is None:  # no budget, or no shipped cost model: the plan as a trial limit gets it
            return strategy.plan(*args)
        predict = partial(_predicted_seconds, model, objective, self._task)
        plan = strategy.plan_in_budget(*args, predict_seconds=predict,
                                       budget=float(self.time_budget) * objective.n_jobs,
                                       n_trials=n_trials)
        plan.predict_seconds = predict
        if isinstance(plan.sampler, MetaSurrogateSampler):
            plan.sampler.limit_cost(predict, time.time() + float(self.time_budget)
                                    if deadline is None else deadline,
                                    budget=float(self.time_budget))
        return plan

    def recommend(self, X, y, n: int = 10):
        """Warm-start proposals for ``(X, y)`` without evaluating anything.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        n : int, default=10
            How many configurations to propose.

        Returns
        -------
        WarmStart
            ``proposals`` (``(source, config)`` pairs in the order a search would try them),
            ``table`` (family, source, surrogate prediction, the matched datasets a
            configuration is best on), ``neighbors`` (the most similar meta-database datasets)
            and ``trust`` (1 = the meta-knowledge applies fully, 0 = plain portfolio).
        """
        self._validate_params()
        frame = as_frame(_check_array(self, X, ensure_min_samples=2))
        task = self._task
        y_codes = self._encode_target(y, frame.shape[0])
        hint = self._target_hint(y)
        if hint:
            warnings.warn(hint, UserWarning, stacklevel=2)
        metric = resolve_metric(self.metric, task)
        strategy = resolve_strategy(self.warm_start)
        # What the meta-learned warm start would propose, also for an estimator set to start
        # cold: recommending is asking for those proposals.
        if not isinstance(strategy, MetaWarmStart):
            strategy = MetaWarmStart()
        return strategy.recommend(self._space(), frame, y_codes, metric.name, self._seed(), n)

    def _space(self, weighted: bool = False) -> SearchSpace:
        """The task's space, restricted to ``include`` less ``exclude`` and, for a ``fit`` with
        ``sample_weight``, to the families that can weight rows (warning about the others)."""
        families = allowed_families(self._task, self.include, self.exclude)
        if weighted:
            space = get_space(self._task, families)
            unweighted = [f.name for f in space.families if not f.takes_sample_weight()]
            if len(unweighted) == len(families):
                raise ValueError(f"sample_weight was given, but none of the model families "
                                 f"searched ({', '.join(families)}) can weight rows")
            if unweighted:
                warnings.warn(f"sample_weight: {', '.join(unweighted)} cannot weight rows and "
                              f"{'is' if len(unweighted) == 1 else 'are'} left out of the search",
                              UserWarning, stacklevel=4)
                families = tuple(name for name in families if name not in unweighted)
        return get_space(self._task, families)

    def _encode_target(self, y, n_rows: int) -> np.ndarray:
        """The target as the search sees it, without setting fitted attributes."""
        saved = getattr(self, "classes_", None)
        try:
            return self._check_y(y, n_rows)
        finally:
            if saved is None and hasattr(self, "classes_"):
                del self.classes_
            elif saved is not None:
                self.classes_ = saved

    def _target_hint(self, y) -> str | None:
        """A hint that ``y`` may not suit this task type, for the message of what it broke."""
        return None

    @abstractmethod
    def _check_y(self, y, n_rows: int) -> np.ndarray:
        """Validate ``y``; return the target the search scores and the final refit fits."""

    # -- input checks -----------------------------------------------------------------------------
    def _check_fit_X(self, X, y) -> pd.DataFrame:
        frame = as_frame(_check_array(self, X, ensure_min_samples=2))
        # Records n_features_in_ and, for string column names, feature_names_in_; requires y.
        validate_data(self, X, y, skip_check_array=True)
        return frame

    def _check_predict_X(self, X) -> pd.DataFrame:
        """``X`` with the columns and column names the fitted pipeline expects."""
        check_is_fitted(self)
        frame = as_frame(_check_array(self, X, ensure_min_samples=1))
        if hasattr(self, "feature_names_in_") and _has_string_names(X):
            missing = [c for c in self.feature_names_in_ if c not in set(frame.columns)]
            if missing:
                shown = ", ".join(map(repr, missing[:20])) + (", ..." if len(missing) > 20 else "")
                raise ValueError(f"X lacks {len(missing)} column(s) seen during fit: {shown}")
            # Columns are matched by name: reorder them and leave out the ones fit did not see.
            frame = X = frame[list(self.feature_names_in_)]
        validate_data(self, X, reset=False, skip_check_array=True)
        return frame.set_axis(self.best_estimator_.feature_names_in_, axis=1)

    def _n_jobs(self) -> int:
        """Trials at once: ``n_jobs``, or every CPU for -1 (checked by ``validate_params``)."""
        self._validate_params()
        return available_cpus() if self.n_jobs == -1 else int(self.n_jobs)

    def _seed(self) -> int:
        """One integer seed for the CV splits, the sampler and the models."""
        if isinstance(self.random_state, (int, np.integer)) and not isinstance(self.random_state, bool):
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    # -- results ----------------------------------------------------------------------------------
    def explain(self, X, y, *, n_repeats: int = 5, sample_weight=None,
                random_state=None) -> pd.DataFrame:
        """Permutation importance of each feature for the fitted model, on ``(X, y)``.

        Each column of ``X`` is shuffled ``n_repeats`` times and the drop in the search's
        metric (``metric_``) of :attr:`best_estimator_` (an ensemble included) is recorded:
        how much the model relies on the column, measured on rows you choose -- held-out rows
        say what generalizes. Sets ``feature_importances_`` (the mean drops, in ``X``'s column
        order).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns ``fit`` saw.
        y : array-like of shape (n_samples,)
        n_repeats : int, default=5
            Shuffles per column.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights of the metric.
        random_state : int, RandomState instance or None, default=None
            Seeds the shuffles.

        Returns
        -------
        DataFrame
            ``feature``, ``importance`` (mean drop of the metric), ``importance_std``, one row
            per column, most important first.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from metaautoml import MetaAutoMLClassifier
        >>> X, y = load_iris(return_X_y=True, as_frame=True)
        >>> model = MetaAutoMLClassifier(n_trials=2, cv=3, random_state=0).fit(X, y)
        >>> model.explain(X, y, random_state=0)["feature"].iloc[0].startswith("petal")
        True
        """
        from sklearn.inspection import permutation_importance

        check_is_fitted(self)
        if not isinstance(n_repeats, (int, np.integer)) or isinstance(n_repeats, bool) or n_repeats < 1:
            raise ValueError(f"n_repeats must be a positive integer, got {n_repeats!r}")
        frame = self._check_predict_X(X)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = permutation_importance(
                self, X, y, scoring=self._scorer(), n_repeats=int(n_repeats),
                random_state=random_state, sample_weight=sample_weight, n_jobs=1)
        names = (list(self.feature_names_in_) if hasattr(self, "feature_names_in_")
                 else [str(c) for c in frame.columns])
        self.feature_importances_ = result.importances_mean
        table = pd.DataFrame({"feature": names, "importance": result.importances_mean,
                              "importance_std": result.importances_std})
        return table.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)

    def _scorer(self):
        """The search's metric as a scikit-learn scorer of this estimator."""
        from sklearn.metrics import get_scorer

        metric = resolve_metric(self.metric, self._task)
        if isinstance(metric, ScorerMetric):
            return metric.scorer
        if metric.name == "roc_auc" and len(getattr(self, "classes_", ())) > 2:
            return get_scorer("roc_auc_ovr")
        return get_scorer({"log_loss": "neg_log_loss"}.get(metric.name, metric.name))

    def leaderboard(self) -> pd.DataFrame:
        """The trials of the study, best first, failures last.

        Returns
        -------
        DataFrame
            Columns ``number, family, score, score_std, fit_time, duration, started,
            completed, state, source, error, params`` (see
            :func:`metaautoml.search.leaderboard`) and
            ``ensemble_weight``, each trial's weight in ``best_estimator_``: 1 for the one
            refitted trial without an ensemble, 0 for trials it does not use.
        """
        check_is_fitted(self)
        board = leaderboard(self.study_)
        weights = getattr(self, "ensemble_weights_", {})
        board["ensemble_weight"] = [float(weights.get(number, 0.0)) for number in board["number"]]
        return board


def _is_proposer(value) -> bool:
    # Imported here: the proposer brings torch, which a cold-start fit never needs.
    from ..warmstart import WarmStartProposer

    return isinstance(value, WarmStartProposer)


def _check_picklable_metric(metric) -> None:
    """A custom scorer must reach the worker process; say so before the search, not in it."""
    if not isinstance(metric, ScorerMetric):
        return
    try:
        pickle.dumps(metric.scorer)
    except Exception as exc:  # noqa: BLE001 - pickling fails in many ways (lambdas, closures)
        raise ValueError(
            f"the metric {metric.name!r} cannot be pickled ({type(exc).__name__}: {exc}), but "
            "time_budget, per_trial_time_limit, memory_limit_mb and n_jobs > 1 evaluate trials "
            "in a worker process that must receive it; define the scorer as a module-level "
            "function (not a lambda or a local function) or leave those options unset") from None


def _check_array(estimator, X, *, ensure_min_samples: int):
    """Arrays and lists go through scikit-learn's own shape checks and messages first (1-D,
    sparse, complex, too few rows); DataFrames and Series are left to ``as_frame``."""
    if isinstance(X, (pd.DataFrame, pd.Series)):
        return X
    return check_array(X, dtype=None, ensure_all_finite=False,
                       ensure_min_samples=ensure_min_samples, estimator=estimator, input_name="X")


def _has_string_names(X) -> bool:
    return isinstance(X, pd.DataFrame) and all(isinstance(c, str) for c in X.columns)


def _ranked_trials(study: optuna.Study, trials) -> list[optuna.trial.FrozenTrial]:
    """The study's completed trials, best first (earliest first among ties).

    Raises ``RuntimeError`` naming the most common errors when none completed.
    """
    completed = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    if completed:
        return sorted(completed, key=lambda t: (-t.value, t.number))
    errors = Counter(t.user_attrs.get("error") or "unknown error" for t in trials)
    common = "; ".join(f"{count} x {error}" for error, count in errors.most_common(3))
    raise RuntimeError(f"all {len(trials)} trials failed, so there is no model to refit. "
                       f"Most common errors: {common}")



def _predicted_seconds(model: CostModel, objective: SearchObjective, task: str,
                       configs: list) -> np.ndarray:
    """Each configuration's predicted seconds of fitting on every split of ``objective``."""
    n_train = float(np.mean([len(train) for train, _ in objective.splits]))
    n_classes = (len(np.unique(objective.y_search)) if task == "classification" else None)
    return len(objective.splits) * 10.0 ** model.predict_log_seconds(
        configs, n_train, objective.frame.shape[1], n_classes)


#: Trials a search runs when neither ``n_trials`` nor ``time_budget`` bounds it.
DEFAULT_N_TRIALS = 50


def performance_over_time(trials: list[optuna.trial.FrozenTrial]) -> pd.DataFrame:
    """Wall clock against the best score so far, one row per completed trial in the order the
    trials finished: ``seconds`` since the first trial started, ``number``, ``score`` and
    ``best_score``."""
    columns = ["seconds", "number", "score", "best_score"]
    done = sorted((t for t in trials if t.state == optuna.trial.TrialState.COMPLETE
                   and t.datetime_complete is not None),
                  key=lambda t: (t.datetime_complete, t.number))
    if not done:
        return pd.DataFrame(columns=columns)
    first = min(t.datetime_start for t in trials if t.datetime_start is not None)
    frame = pd.DataFrame({"seconds": [(t.datetime_complete - first).total_seconds() for t in done],
                          "number": [t.number for t in done],
                          "score": [float(t.value) for t in done]})
    frame["best_score"] = frame["score"].cummax()
    return frame[columns]


def _with_validation_rows(X, y, X_val, y_val, sample_weight, groups):
    """``X`` and ``X_val`` (``y`` and ``y_val``) stacked, and the one (train, test) pair that
    fits on the first and scores on the second."""
    if X_val is None or y_val is None:
        raise ValueError("give both X_val and y_val, or neither")
    if sample_weight is not None or groups is not None:
        raise ValueError("X_val is one fixed hold-out split: it cannot be combined with "
                         "sample_weight or groups (pass cv=[(train, test)] on the stacked rows)")
    train, val = as_frame(X), as_frame(X_val)
    if list(train.columns) != list(val.columns):
        raise ValueError(f"X_val must have X's {train.shape[1]} columns in X's order; got "
                         f"{val.shape[1]} columns" + ("" if val.shape[1] != train.shape[1]
                                                      else " with other names"))
    y_train, y_valid = _as_series(y), _as_series(y_val)
    if len(y_valid) != len(val):
        raise ValueError(f"y_val has {len(y_valid)} values for X_val's {len(val)} rows")
    n, m = len(train), len(val)
    X_all = pd.concat([train, val], ignore_index=True)
    y_all = pd.concat([y_train, y_valid], ignore_index=True)
    return X_all, y_all, [(np.arange(n), np.arange(n, n + m))]


def _as_series(values) -> pd.Series:
    """A target as a Series with a fresh index, its dtype kept."""
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    return pd.Series(np.asarray(values).ravel())


def _check_weights(sample_weight, frame: pd.DataFrame) -> np.ndarray:
    """``sample_weight`` as finite, non-negative floats, one per row of ``frame``, not all 0."""
    try:
        return _check_sample_weight(sample_weight, frame, ensure_non_negative=True)
    except (TypeError, ValueError) as exc:
        message = " ".join(str(exc).split())
        raise ValueError(message if "sample_weight" in message.lower()
                         else f"sample_weight: {message}") from None


def _as_labels(groups) -> np.ndarray:
    """``groups`` as a 1-d array (a Series or a column vector too)."""
    values = np.asarray(groups.to_numpy() if hasattr(groups, "to_numpy") else groups, dtype=object)
    return values.ravel() if values.ndim == 2 and 1 in values.shape else values
