"""A search killed with SIGKILL mid-study continues when the same ``fit`` command is rerun."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import optuna
import pytest
from _cli_helpers import cli_env, iris_csv, needs_estimator, run_cli
from optuna.trial import TrialState

from metaautoml.search._shared import load_study

pytestmark = [needs_estimator, pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")]

STUDY = "crash"
#: Seconds to wait for the first trials of the killed search on two busy cores.
WAIT = 300


def _complete(storage: str) -> list[optuna.trial.FrozenTrial]:
    try:
        study = load_study(storage, STUDY)
    except KeyError:  # not created yet
        return []
    return study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))


def test_a_search_killed_with_sigkill_continues_without_repeating_trials(tmp_path):
    data = iris_csv(tmp_path / "iris.csv")
    storage = f"journal://{tmp_path / 'study.log'}"
    model = tmp_path / "model.joblib"
    fit = ["fit", data, "--target", "species", "--cv", 2, "--random-state", 0,
           "--storage", storage, "--study-name", STUDY, "--output", model]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # A budget the search cannot finish before it is killed.
    process = subprocess.Popen([sys.executable, "-m", "metaautoml.cli", *map(str, fit),
                                "--n-trials", "40"], env=cli_env(), cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + WAIT
        while len(_complete(storage)) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert process.poll() is None, process.stderr.read().decode()
        assert len(_complete(storage)) >= 2, "the search did not start in time"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert not model.exists() and not list(tmp_path.glob("*.tmp*"))  # nothing half-written
    before = {t.number: t.params for t in _complete(storage)}

    result = run_cli(*fit, "--n-trials", 2, "--format", "json", cwd=tmp_path, timeout=WAIT)
    assert result.returncode == 0, result.stderr
    assert model.exists()
    study = load_study(storage, STUDY)
    after = {t.number: t.params for t in study.get_trials(states=(TrialState.COMPLETE,))}
    # What finished before the kill is kept, and the rerun added its own trials.
    assert {n: after[n] for n in before} == before
    assert len(after) >= len(before) + 2
    # Every enqueued configuration was evaluated at most once across both runs.
    enqueued = [t.params for t in study.trials if t.user_attrs.get("source", "").startswith("warm_start:")
                and t.state == TrialState.COMPLETE]
    assert len({json.dumps(p, sort_keys=True) for p in enqueued}) == len(enqueued)
    # The best model comes from all the study's finished trials, the killed run's included.
    summary = json.loads(result.stdout)
    assert summary["best_score"] == pytest.approx(max(t.value for t in study.get_trials(
        states=(TrialState.COMPLETE,))))
