"""The AutoML regressor."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from .._validation import check_target
from ._base import MetaAutoMLBase


class MetaAutoMLRegressor(RegressorMixin, MetaAutoMLBase):
    """Regressor that selects a model family and its hyperparameters by cross-validated search.

    ``fit`` first tries configurations that worked on similar datasets of the shipped
    meta-database (the warm start), then lets the meta-learned surrogate, adapted to the trials
    so far, propose through Optuna; it scores each configuration by cross-validation and refits
    the best one on all the data.

    Parameters
    ----------
    n_trials : int or None, default=None
        Configurations to evaluate in one ``fit``. ``None``: until ``time_budget`` is spent,
        or 50 when there is no ``time_budget`` either (as FLAML's ``max_iter``).
    time_budget : float or None, default=None
        Seconds for the search. A trial still running when it ends is stopped. The refit of
        the best trial (and of an ensemble's members) comes on top: ``search_time_`` and
        ``refit_time_`` report both. With a budget, the search is cost-aware, using each
        configuration's time predicted by the shipped :class:`~metaautoml.cost.CostModel`:
        when the budget rather than ``n_trials`` ends the search, the meta-learned warm start
        proposes by gain per predicted second (cheap strong configurations first); proposals
        predicted not to finish within the budget are left out (``warm_start_left_out_``),
        and one whose turn comes with less time left than predicted is not started (its trial's
        ``state`` is ``"skipped"``); and the surrogate proposes only configurations predicted
        to finish in the time left.
    metric : str, callable or None, default=None
        What the search maximizes: ``"r2"``, ``"neg_root_mean_squared_error"``,
        ``"neg_mean_absolute_error"``, any scikit-learn scoring name, or a scorer
        ``scorer(estimator, X, y)``. ``None`` is R².
    cv : int, float, cross-validation splitter or list of (train, test) index pairs, default=5
        Shuffled K folds (with ``groups`` given to ``fit``: shuffled group folds, at most one
        per group). A float in (0, 1) is one shuffled hold-out split of that share of the
        rows, k times cheaper on large data; ``fit(X_val=, y_val=)`` gives the hold-out rows
        instead.
    per_trial_time_limit : float or None, default=None
        Seconds one trial may take; a slower one is stopped and recorded as timed out.
    n_jobs : int, default=1
        Trials evaluated in parallel; -1 uses every CPU. The thread pools (OpenMP, BLAS) of each
        trial and of the final refit get one thread on data under 100,000 cells (rows x
        columns), else an equal share of the CPUs that are free (CPUs less the 1-minute load
        average), at least one: threads on busy cores can make a fit many times slower. An
        ``OMP_NUM_THREADS`` set in the environment is used instead, capped at that share.
        Trials in worker processes run with ``OMP_WAIT_POLICY=PASSIVE`` unless it is set. See
        docs/performance.md.
    random_state : int, RandomState instance or None, default=None
        Seeds the folds, the sampler and the models. With an int and ``n_jobs=1``, ``fit`` is
        reproducible (barring trials cut by a time limit).
    storage : str, optuna.storages.BaseStorage or None, default=None
        Where the study lives: ``None`` in memory, ``"journal:///path/study.log"`` for a file
        several processes can share, or a database URL such as ``"sqlite:///study.db"``.
    study_name : str or None, default=None
        With a persistent ``storage``, continues the study of that name: its earlier trials
        count when choosing the best configuration, so use it with the same data and metric.
    verbose : int, default=0
        0 is silent, 1 shows a progress bar (on a terminal), 2 also logs one line per trial
        (number, source, family, score, seconds) to the ``metaautoml`` logger at INFO -- on
        stderr unless you configured logging -- and Optuna's own INFO log. The lines are
        logged whatever ``verbose`` when your logging lets INFO of ``metaautoml`` through.
    memory_limit_mb : int or None, default=None
        Address-space limit of the process evaluating trials; a trial exceeding it fails.
    warm_start : bool, WarmStartStrategy or WarmStartProposer, default=True
        Start from the meta-database: the first ``n_warm_start`` trials are configurations
        proposed for this dataset (a greedy portfolio weighted towards the most similar
        meta-database datasets, with the meta-learned surrogate's prediction), and after them
        :class:`~metaautoml.search.MetaSurrogateSampler` proposes by the surrogate adapted to
        the trials so far (TPE as its fallback). ``False`` is the cold start: each family's
        scikit-learn default, then TPE. Any :class:`~metaautoml.strategy.WarmStartStrategy`
        plans the search instead (:mod:`metaautoml.strategy` has the meta-learned
        ``MetaWarmStart``, ``ColdStart``, the static ``PortfolioWarmStart`` and
        ``PlainSearch``); a :class:`~metaautoml.warmstart.WarmStartProposer` is
        ``MetaWarmStart(proposer)``, that proposer instead of the shipped one.
    n_warm_start : int, default=8
        Warm-start configurations to try first (at most ``n_trials``).
    ensemble_size : int, default=0
        Rounds of greedy ensemble selection with replacement (Caruana et al., 2004, as in
        auto-sklearn; 50 there) over the trials' out-of-fold predictions after the search; the
        selected trials are refitted on all the data and ``best_estimator_`` averages their
        predictions (values) with the selected weights. ``0`` refits the best trial alone, the
        default, one for both task types; on 131 held-out regression tables
        ``ensemble_size=50`` raised the test r2 by 0.02 on average (significantly), so pass it
        for regression (docs/benchmarks.md, "Post-hoc ensemble"). The
        selection is by ``metric``, custom scorers included. The ensemble is used only when
        the selection, cross-validated over the search's folds, beats its own best single trial
        on the rows it did not see (``ensemble_gain_`` > 0). Out-of-fold predictions are kept
        in memory during ``fit`` only, for the best-scoring trials up to
        :data:`metaautoml.ensemble.DEFAULT_MAX_PREDICTION_MB` megabytes (4 bytes per row
        per trial); trials run by other processes on a shared ``storage`` are not candidates.
        The members' refits come after ``time_budget``, like the best trial's.
    callbacks : list of callable or None, default=None
        Called as ``callback(study, trial)`` after each trial of this ``fit`` finishes, with
        the Optuna study and the finished ``FrozenTrial`` (Optuna's callback signature).
        ``study.stop()`` ends the search, as in ``study.optimize``, once the running trials
        finish, and the best trial is refitted as usual; raising aborts ``fit``.
    include : list of str or None, default=None
        The model families to search, by name (``metaautoml.space.families_for(task)``;
        auto-sklearn's ``include``, FLAML's ``estimator_list``); ``None`` searches all. The
        warm start proposes, and its surrogate samples, only configurations of these families.
    exclude : list of str or None, default=None
        Model families not to search, applied after ``include``.
    Attributes
    ----------
    best_estimator_ : sklearn.pipeline.Pipeline or WeightedEnsemble
        Preprocessing and model of the best configuration that refitted, fitted on all the
        data, or, when the ensemble selection kept several trials, a
        :class:`~metaautoml.ensemble.WeightedEnsemble` of their refitted pipelines.
    refit_fallbacks_ : list of dict
        Better-scoring trials whose configuration failed to refit on all the data, best first
        (``number``, ``family``, ``error``); ``best_estimator_`` is the best trial that
        refitted. Empty when the best trial refitted.
    ensemble_weights_ : dict
        Trial number to its weight in ``best_estimator_`` (``{best trial: 1.0}`` without an
        ensemble); also the ``ensemble_weight`` column of :meth:`leaderboard`.
    ensemble_refit_failures_ : list of dict
        Trials the ensemble selection kept that failed to refit on all the data and were left
        out of ``best_estimator_`` (``number``, ``family``, ``error``); usually empty.
    ensemble_score_ : float
        The ensemble's score on the pooled out-of-fold predictions (``best_score_`` without an
        ensemble).
    ensemble_selection_ : EnsembleSelection or None
        What the selection chose on all the out-of-fold rows (weights, scores), whether or not
        it was used; None with ``ensemble_size=0`` or fewer than two trials kept.
    ensemble_gain_ : float
        The selection's cross-validated gain over its best single trial (see
        :func:`metaautoml.ensemble.cross_validated_gain`); the ensemble is used when it is
        positive. NaN when the selection kept a single trial or did not run.
    feature_importances_ : ndarray of shape (n_features,)
        Set by :meth:`explain`, not by ``fit``: each column's permutation importance (the mean
        drop of the search's metric when it is shuffled) on the rows given to ``explain``.
    performance_over_time_ : DataFrame
        One row per completed trial of this ``fit``, in the order they finished: ``seconds``
        since the first trial started, ``number``, ``score`` and ``best_score`` so far.
    search_time_ : float
        Seconds the search took (bounded by ``time_budget`` plus the last trial's overrun).
    refit_time_ : float
        Seconds the refit on all the data took after the search (the ensemble's members too).
    best_single_estimator_ : sklearn.pipeline.Pipeline
        The best configuration's pipeline refitted on all the data: ``best_estimator_`` without
        an ensemble, one of its members (or none) with one -- what ``ensemble_size=0`` returns
        after the same search.
    best_refit_time_ : float
        Seconds that refit took (part of ``refit_time_``).
    best_config_ : dict
        The best configuration, e.g. ``{"family": "linear", "linear__alpha": 0.3}``.
    best_score_ : float
        Its mean cross-validated score (``metric_``, greater is better).
    metric_ : str
        Name of the metric the search maximized.
    study_ : optuna.Study
        The study; every trial carries its scores and outcome as user attributes.
    warm_start_ : WarmStart or None
        What the warm start proposed and why: ``table`` (each proposal's source, family and
        predicted score), ``neighbors`` (the most similar meta-database datasets), ``trust``;
        ``None`` for a cold start.
    warm_start_configs_ : list of dict
        The proposed configurations, in the order they were tried.
    warm_start_left_out_ : list of dict
        Proposed configurations left out because they were predicted not to finish within
        ``time_budget`` (empty without one).
    meta_features_ : Series or None
        The meta-features of the training data the warm start matched on.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen during ``fit``, when ``X`` had string column names.

    See Also
    --------
    MetaAutoMLClassifier : The same search for classification.

    Notes
    -----
    Trials run in a separate worker process when ``time_budget``, ``per_trial_time_limit`` or
    ``memory_limit_mb`` is set or ``n_jobs > 1``, since only a process can be stopped; otherwise
    they run in this process, which is faster.

    At prediction time a DataFrame's columns are matched by name: columns in another order are
    reordered (scikit-learn's own estimators reject them), columns unseen in ``fit`` are
    ignored, and missing ones raise a ``ValueError`` naming them. Arrays are matched by position and must have ``n_features_in_`` columns.
    Categories unseen in ``fit`` and missing values are handled by the preprocessing (unknown
    categories are encoded as such, or as all-zero one-hot columns).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from metaautoml import MetaAutoMLRegressor
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> reg = MetaAutoMLRegressor(n_trials=3, cv=3, random_state=0).fit(X, y)
    >>> all(source.startswith("warm_start:") for source in reg.leaderboard()["source"])
    True
    >>> reg.predict(X.iloc[:2]).shape
    (2,)
    """

    _task = "regression"

    def _check_y(self, y, n_rows: int) -> np.ndarray:
        return check_target(y, "regression", n_rows=n_rows)

    def predict(self, X) -> np.ndarray:
        """Predict target values.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._check_predict_X(X)  # first: it raises NotFittedError
        return self.best_estimator_.predict(X)
