"""The leaderboard: a study's finished trials as a table, best first."""

from __future__ import annotations

import numpy as np
import optuna
import pandas as pd
from optuna.trial import TrialState

from ..evaluation import COMPLETE, FAILED
from ..space import FAMILY

LEADERBOARD_COLUMNS = ("number", "family", "score", "score_std", "fit_time", "duration", "started",
                       "completed", "state", "source", "error", "params")


def leaderboard(study: optuna.Study) -> pd.DataFrame:
    """One row per finished trial: completed ones by decreasing score, then failures.

    Columns are ``number, family, score, score_std, fit_time, duration, started, completed,
    state, source, error, params``; ``score`` is the mean cross-validated primary metric (NaN
    for failures), ``fit_time`` the seconds its models' ``fit`` took (all folds), ``duration``
    the trial's seconds in all, ``started`` and ``completed`` its wall-clock times (Optuna's,
    local time), ``state`` ``"complete"``, ``"failed"``, ``"timeout"`` or ``"skipped"`` (an
    enqueued configuration not started for lack of time, see ``run_search``), and ``params``
    the family's hyperparameters without the ``"family__"`` prefix, and the task-level ones
    (regression's ``target_transform``). Trials still running or waiting are left out.

    Examples
    --------
    >>> from metaautoml.search import create_study, leaderboard
    >>> leaderboard(create_study()).columns.tolist()[:3]
    ['number', 'family', 'score']
    """
    rows = []
    for trial in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.FAIL)):
        attrs = trial.user_attrs
        complete = trial.state == TrialState.COMPLETE
        family = attrs.get("family") or trial.params.get(FAMILY)
        prefix = f"{family}__"
        rows.append({
            "number": trial.number,
            "family": family,
            "score": trial.value if complete else np.nan,
            "score_std": _float(attrs.get("score_std")),
            "fit_time": _float(attrs.get("fit_time")),
            "duration": _float(attrs.get("duration")),
            "started": pd.Timestamp(trial.datetime_start) if trial.datetime_start else pd.NaT,
            "completed": (pd.Timestamp(trial.datetime_complete) if trial.datetime_complete
                          else pd.NaT),
            # Trials added by other means than run_search lack our attributes.
            "state": attrs.get("state", COMPLETE if complete else FAILED),
            "source": attrs.get("source"),
            "error": attrs.get("error"),
            # The family's hyperparameters without their prefix, and the task-level ones
            # (regression's target_transform), which have none.
            "params": {k.removeprefix(prefix): v for k, v in trial.params.items()
                       if k.startswith(prefix) or ("__" not in k and k != FAMILY)},
        })
    board = pd.DataFrame(rows, columns=list(LEADERBOARD_COLUMNS))
    if board.empty:
        return board
    board["_failed"] = board["state"] != COMPLETE
    board = board.sort_values(["_failed", "score", "number"], ascending=[True, False, True],
                              na_position="last", kind="stable")
    return board.drop(columns="_failed").reset_index(drop=True)


def _float(value) -> float:
    return float(value) if value is not None else np.nan
