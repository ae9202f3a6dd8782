"""The main job, end to end: ``python -m metaautoml.demo`` (what ``make demo`` runs).

Fits :class:`~metaautoml.MetaAutoMLClassifier` on scikit-learn's bundled breast-cancer data
(569 real diagnostic records) with a small trial budget, then prints the leaderboard, what the
search found and the accuracy on a 25 % hold-out the search never saw.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metaautoml.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--n-trials", type=int, default=25)
    # Bounds keep the demo within a few minutes on two cores whatever the trials turn out to be.
    parser.add_argument("--time-budget", type=float, default=100.0)
    parser.add_argument("--per-trial-time-limit", type=float, default=20.0)
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)

    from metaautoml import MetaAutoMLClassifier

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=args.random_state, stratify=y)
    model = MetaAutoMLClassifier(n_trials=args.n_trials, time_budget=args.time_budget,
                                 per_trial_time_limit=args.per_trial_time_limit,
                                 random_state=args.random_state, verbose=1)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start

    with pd.option_context("display.width", 120, "display.max_colwidth", 60):
        board = model.leaderboard()
        print(f"Leaderboard (top 10 of {len(board)} trials, {model.metric_} by 5-fold CV):")
        print(board.head(10)[["number", "family", "score", "fit_time", "state", "source"]].to_string(index=False))
    warm = model.warm_start_
    if warm is not None:
        print(f"\nWarm start (trust {warm.trust:.2f}); most similar meta-database datasets: "
              + ", ".join(warm.neighbors["dataset"].head(3)))
    print(f"\nBest configuration: {model.best_config_}")
    print(f"Best CV {model.metric_}: {model.best_score_:.4f}   search time: {seconds:.0f} s")
    print(f"Hold-out accuracy (25 %, never seen by the search): {model.score(X_test, y_test):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
