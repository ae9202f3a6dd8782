"""A first model that is never a gamble: the pool configuration that beats the library default on
average while staying close to it almost everywhere.

With a short budget the first proposal is what the user gets, and a configuration that is best
on average over the meta-database (or on the nearest datasets) can still fall far below
scikit-learn's default HistGradientBoosting on a table unlike those. :func:`robust_first_pick`
chooses, among the configurations within ``margin`` of the default's score on at least a share
``tau`` of the meta-training datasets, the one with the best mean difference to the default --
a constrained choice, which the default itself always satisfies. ``tau`` is chosen on the
training set alone by an inner split of its source groups: the best mean held-out difference
among the taus whose held-out share within ``margin`` reaches ``share``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..metadb import MetaTrainingSet, group_folds

#: The first model may fall at most this far below the default (accuracy / r2 points)...
ROBUST_MARGIN = 0.02
#: ... on at least this share of datasets (issue 24's criterion).
ROBUST_SHARE = 0.9
#: The constraint levels the inner split chooses from.
ROBUST_TAUS = (0.85, 0.9, 0.95, 0.97, 1.0)


@dataclass(frozen=True)
class RobustPick:
    """The chosen pool column, the constraint level chosen for it, its record on the training
    set (share of datasets within the margin, mean difference to the default), and which
    columns meet the constraint (``eligible``; the reference always does)."""

    column: int
    tau: float
    share: float
    mean_difference: float
    eligible: np.ndarray


def differences_to_reference(scores: np.ndarray, reference: int) -> np.ndarray:
    """Each column's score minus column ``reference``'s, per row; a failed run (NaN) scores the
    row's worst recorded score."""
    scores = np.asarray(scores, dtype=np.float64)
    worst = np.nanmin(np.where(np.isnan(scores), np.inf, scores), axis=1, keepdims=True)
    filled = np.where(np.isnan(scores), worst, scores)
    return filled - filled[:, [reference]]


def constrained_pick(differences: np.ndarray, tau: float, reference: int,
                     margin: float = ROBUST_MARGIN) -> int:
    """Of the columns within ``margin`` of the reference on at least ``tau`` of the rows, the
    one with the best mean difference (the reference always qualifies)."""
    share = (differences >= -margin).mean(axis=0)
    mean = np.where(share >= tau, differences.mean(axis=0), -np.inf)
    mean[reference] = max(mean[reference], 0.0)
    return int(np.argmax(mean))


def robust_first_pick(training: MetaTrainingSet, reference: int, *, margin: float = ROBUST_MARGIN,
                      share: float = ROBUST_SHARE, taus: Sequence[float] = ROBUST_TAUS,
                      n_folds: int = 5, seed: int = 1) -> RobustPick:
    """The robust first configuration of ``training``'s pool (see the module docstring).

    Parameters
    ----------
    training : MetaTrainingSet
        Raw scores of the pool on the meta-training datasets (greater is better).
    reference : int
        The pool column of the default the first model must not fall far below.
    margin, share : float
        At most ``margin`` below the reference on at least ``share`` of datasets is the aim.
    taus : sequence of float
        The constraint levels the inner split of source groups chooses among.
    n_folds, seed : int
        The inner split: ``n_folds`` folds of ``training.groups``, shuffled by ``seed``.

    Returns
    -------
    RobustPick
    """
    differences = differences_to_reference(training.scores, reference)
    folds = group_folds(training.groups, n_folds, seed)
    held_out = {}
    for tau in taus:
        if len(folds) < 2:
            break
        values = np.concatenate([
            differences[fold, constrained_pick(np.delete(differences, fold, axis=0), tau,
                                               reference, margin)] for fold in folds])
        held_out[tau] = (float((values >= -margin).mean()), float(values.mean()))
    passing = [tau for tau, (reached, _) in held_out.items() if reached >= share]
    if passing:
        tau = max(passing, key=lambda t: held_out[t][1])
    elif held_out:
        tau = max(held_out, key=lambda t: held_out[t][0])
    else:
        tau = max(taus)
    column = constrained_pick(differences, tau, reference, margin)
    eligible = (differences >= -margin).mean(axis=0) >= tau
    eligible[reference] = True
    return RobustPick(column, float(tau), float((differences[:, column] >= -margin).mean()),
                      float(differences[:, column].mean()), eligible)
