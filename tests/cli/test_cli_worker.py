"""``metaautoml worker``: processes joining the search that ``metaautoml fit --storage`` runs.

The end-to-end tests start real processes -- two workers, then ``fit``, on one Optuna journal
file -- and read what they left: the study, the model file, the workers' JSON reports and the
journal itself, whose every operation names the storage connection (one per process) that wrote
it. The error cases run ``worker`` in-process through ``main`` against studies prepared
directly (one of them again in a real process), so they cost a fraction of a second each.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from pathlib import Path

import joblib
import optuna
import pandas as pd
import pytest
from _cli_helpers import assert_one_line_error, iris_csv, needs_estimator, run_cli, start_cli
from optuna.storages.journal._storage import JournalOperation
from optuna.trial import TrialState

from metaautoml import MetaAutoMLClassifier
from metaautoml.cli import main
from metaautoml.cli._worker import record_data_file
from metaautoml.search import create_study
from metaautoml.search._shared import SEARCH_ATTR, load_study, share_study
from metaautoml.space import get_space

pytestmark = needs_estimator

#: The shared budget: more than the 8 warm-start (or one default per family) configurations fit
#: enqueues, so the workers' own samplers propose trials too, and enough that fit cannot finish
#: them all in the seconds a worker takes to start and rebuild the objective (ten were, on two
#: loaded cores).
N_TRIALS = 24
N_WORKERS = 2
STUDY = "s"
#: Generous: on two busy cores fit may need a while to create the study and start its search.
WAIT = 240
TIMEOUT = 420
SPACE = get_space("classification")


# -- the real processes ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shared_search(tmp_path_factory) -> dict:
    """Two workers and ``fit`` searching one study; what they printed and left behind."""
    directory = tmp_path_factory.mktemp("shared-search")
    data = iris_csv(directory / "iris.csv")
    journal = directory / "study.log"
    storage = f"journal://{journal}"
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [None]
    # The workers first: they wait for fit to create the study and start its search.
    names = [f"worker{i}" for i in range(N_WORKERS)]
    processes = {
        name: start_cli(name, ["worker", "--study", STUDY, "--storage", storage, "--wait", WAIT,
                            "--format", "json"], directory, cpus[(i + 1) % len(cpus)])
        for i, name in enumerate(names)
    }
    processes["fit"] = start_cli("fit", [
        "fit", data, "--target", "species", "--n-trials", N_TRIALS, "--cv", 2,
        "--random-state", 0, "--storage", storage, "--study-name", STUDY,
        "--output", directory / "model.joblib", "--format", "json"], directory, cpus[0])
    started = time.monotonic()
    try:
        # fit first: should it fail, the workers would only wait out --wait for its search.
        if processes["fit"].wait(timeout=TIMEOUT) == 0:
            for name in names:
                processes[name].wait(timeout=max(1.0, TIMEOUT - (time.monotonic() - started)))
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    results = {name: {"returncode": process.returncode,
                      "stdout": (directory / f"{name}.out").read_text(),
                      "stderr": (directory / f"{name}.err").read_text()}
               for name, process in processes.items()}
    return {"directory": directory, "data": data, "journal": journal, "storage": storage,
            "results": results, "workers": names}


def _parsed(shared_search, name: str) -> dict:
    result = shared_search["results"][name]
    assert result["returncode"] == 0, result["stderr"]
    return json.loads(result["stdout"])


def _study(shared_search) -> optuna.Study:
    return load_study(shared_search["storage"], STUDY)


def _model(shared_search):
    return joblib.load(shared_search["directory"] / "model.joblib")["model"]  # written by us


@pytest.mark.slow
def test_fit_and_workers_exit_cleanly_and_the_model_is_saved(shared_search):
    for name, result in shared_search["results"].items():
        assert result["returncode"] == 0, (name, result["stderr"])
        assert "Traceback" not in result["stderr"], (name, result["stderr"])
        # Anything on stderr is a one-line library warning, never an error.
        assert all(line.startswith("metaautoml: warning: ")
                   for line in result["stderr"].splitlines()), (name, result["stderr"])
    summary = _parsed(shared_search, "fit")
    assert summary["model"] == str(shared_search["directory"] / "model.joblib")
    model = _model(shared_search)
    assert model.best_score_ == pytest.approx(summary["best_score"])
    assert len(model.leaderboard()) == N_TRIALS  # the saved study reads the journal: all trials
    assert len(model.predict(_iris_features(shared_search))) == 150
    # Written atomically: no temporary file left next to the model.
    assert not list(shared_search["directory"].glob(".model.joblib.*"))


def _iris_features(shared_search) -> pd.DataFrame:
    return pd.read_csv(shared_search["data"]).drop(columns="species")


@pytest.mark.slow
def test_the_processes_ran_exactly_the_budget(shared_search):
    trials = _study(shared_search).get_trials(deepcopy=False)
    assert len(trials) == N_TRIALS
    assert [t.state for t in trials] == [TrialState.COMPLETE] * N_TRIALS  # none lost or waiting
    assert sorted(t.number for t in trials) == list(range(N_TRIALS))
    # fit reports (and refits from) the trials finished when its own search ended; a trial a
    # worker was still running then -- at most one per worker -- is not among them.
    summary = _parsed(shared_search, "fit")
    assert N_TRIALS - N_WORKERS <= summary["n_trials"] == summary["n_complete"] <= N_TRIALS
    for name in shared_search["workers"]:
        report = _parsed(shared_search, name)
        assert report["study"] == STUDY
        assert report["study_trials"] == report["total_trials"] == N_TRIALS
        assert report["n_complete"] == len(report["trials"])


@pytest.mark.slow
def test_each_enqueued_configuration_is_evaluated_exactly_once(shared_search):
    model = _model(shared_search)
    # The warm start's proposals; the family defaults when the warm start fell back to cold.
    expected = model.warm_start_configs_ or SPACE.default_configs()
    expected_ids = sorted(SPACE.config_id(SPACE.clip(c)) for c in expected)
    assert len(set(expected_ids)) == len(expected_ids) < N_TRIALS
    trials = _study(shared_search).get_trials(deepcopy=False)
    enqueued = [t for t in trials if "fixed_params" in t.system_attrs]
    assert sorted(SPACE.config_id(t.system_attrs["fixed_params"]) for t in enqueued) == expected_ids
    assert sorted(SPACE.config_id(dict(t.params)) for t in enqueued) == expected_ids
    assert all(t.user_attrs["source"].startswith(("warm_start:", "default")) for t in enqueued)
    # The rest were proposed by the samplers of the processes, each a configuration not tried.
    all_ids = [SPACE.config_id(dict(t.params)) for t in trials]
    assert len(set(all_ids)) == N_TRIALS, all_ids


def _journal_claims(journal: Path) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """For each trial id, the connections that set it running and the ones that finished it.

    Every journal operation carries ``worker_id``, Optuna's ``<uuid of the storage object>-<thread
    id>``; a process opens its own storage object, so the uuid names the process. A trial is
    created running (sampled) or waiting (enqueued) and then set running by whoever pops it.
    """
    started, finished = defaultdict(list), defaultdict(list)
    next_trial_id = 0
    with open(journal) as handle:
        for line in handle:
            op = json.loads(line)
            connection = op["worker_id"][:36]
            code = JournalOperation(op["op_code"])
            if code == JournalOperation.CREATE_TRIAL:
                trial_id, next_trial_id = next_trial_id, next_trial_id + 1
                if TrialState(op.get("state", TrialState.RUNNING.value)) == TrialState.RUNNING:
                    started[trial_id].append(connection)
            elif code == JournalOperation.SET_TRIAL_STATE_VALUES:
                state = TrialState(op["state"])
                if state == TrialState.RUNNING:
                    started[op["trial_id"]].append(connection)
                elif state.is_finished():
                    finished[op["trial_id"]].append(connection)
    return dict(started), dict(finished)


@pytest.mark.slow
def test_every_trial_ran_in_exactly_one_process(shared_search):
    study = _study(shared_search)
    number = {t._trial_id: t.number for t in study.get_trials(deepcopy=False)}
    started, finished = _journal_claims(shared_search["journal"])
    assert sorted(started) == sorted(finished) == sorted(number)
    by_connection = defaultdict(set)
    for trial_id, connections in started.items():
        # Popped once (no second process took the same enqueued trial), finished by the same.
        assert connections == finished[trial_id] and len(connections) == 1, (trial_id, connections)
        by_connection[connections[0]].add(number[trial_id])
    processes = list(by_connection.values())
    assert sorted(n for ran in processes for n in ran) == list(range(N_TRIALS))
    # Each worker reports exactly the trials its connection ran; fit ran the rest.
    reported = [set(_parsed(shared_search, name)["trials"]) for name in shared_search["workers"]]
    for ran in reported:
        assert not ran or ran in processes, (ran, processes)
    assert len([ran for ran in processes if ran not in reported]) <= 1, processes


@pytest.mark.slow
def test_the_workers_took_part(shared_search):
    # fit starts its search seconds before a worker has rebuilt the objective, but its N_TRIALS
    # trials (the last ones proposed by TPE) leave the workers time to join.
    ran = [len(_parsed(shared_search, name)["trials"]) for name in shared_search["workers"]]
    assert sum(ran) >= 1, ran


# -- errors ------------------------------------------------------------------------------------
def _worker(capsys, storage: str, *extra) -> tuple[int, str, float]:
    began = time.monotonic()
    code = main(["worker", "--study", STUDY, "--storage", storage, *map(str, extra)])
    elapsed = time.monotonic() - began
    captured = capsys.readouterr()
    assert captured.out == ""
    return code, captured.err, elapsed


def _prepare(directory: Path, *, data: bool = True, record: bool = True) -> tuple[Path, str]:
    """What ``fit --storage`` records before its search, without running one."""
    csv = iris_csv(directory / "iris.csv")
    storage = f"journal://{directory / 'study.log'}"
    if data:
        record_data_file(storage, STUDY, str(csv), "species")
    study = create_study(storage, STUDY)
    if record:
        settings = MetaAutoMLClassifier(cv=2, warm_start=False).get_params()
        share_study(study, storage, n_trials=4, time_budget=None,
                    settings={"task": "classification", "seed": 0, **settings})
    return csv, storage


def test_missing_storage_file_fails_within_wait_and_creates_nothing(tmp_path, capsys):
    storage = f"journal://{tmp_path / 'missing.log'}"
    code, err, elapsed = _worker(capsys, storage, "--wait", 0.5)
    assert code == 1
    assert_one_line_error(err, f"storage file {tmp_path / 'missing.log'} does not exist "
                               "(waited 0.5 s; see --wait)")
    assert 0.5 <= elapsed < 10
    assert list(tmp_path.iterdir()) == []  # no empty journal left for a mistyped path


def test_missing_study_fails_within_wait(tmp_path, capsys):
    storage = f"journal://{tmp_path / 'study.log'}"
    create_study(storage, "another")
    code, err, elapsed = _worker(capsys, storage, "--wait", 0.5)
    assert code == 1
    assert_one_line_error(err, f"study 's' not found in {storage} (waited 0.5 s; see --wait)")
    assert 0.5 <= elapsed < 10
    assert [s.study_name for s in optuna.get_all_study_summaries(
        load_study(storage, "another")._storage)] == ["another"]


@pytest.mark.slow
def test_missing_study_in_a_real_process(tmp_path):
    storage = f"journal://{tmp_path / 'study.log'}"
    create_study(storage, "another")
    result = run_cli("worker", "--study", STUDY, "--storage", storage, "--wait", 0.5)
    assert result.returncode == 1
    assert result.stdout == ""
    assert_one_line_error(result.stderr, f"study 's' not found in {storage}", "see --wait")


def test_data_file_changed_since_fit(tmp_path, capsys):
    csv, storage = _prepare(tmp_path)
    with open(csv, "a") as handle:
        handle.write("north,5.0,3.0,1.5,0.2,setosa\n")
    code, err, _ = _worker(capsys, storage, "--wait", 0.5)
    assert code == 1
    assert_one_line_error(err, f"data file {csv} changed since 'metaautoml fit' started study 's'")
    assert load_study(storage, STUDY).get_trials() == []  # nothing was run or claimed


def test_study_fitted_from_python_records_no_data_file(tmp_path, capsys):
    _, storage = _prepare(tmp_path, data=False)
    code, err, _ = _worker(capsys, storage, "--wait", 0.5)
    assert code == 1
    assert_one_line_error(err, "study 's' records no data file: it was fitted from Python")


def test_study_without_a_search_record(tmp_path, capsys):
    _, storage = _prepare(tmp_path, record=False)
    code, err, elapsed = _worker(capsys, storage, "--wait", 0.5)
    assert code == 1
    assert_one_line_error(err, f"study 's' in {storage} has no search record", "(waited 0.5 s")
    assert elapsed >= 0.5


def test_search_record_of_another_version(tmp_path, capsys):
    _, storage = _prepare(tmp_path)
    load_study(storage, STUDY).set_user_attr(SEARCH_ATTR, {"version": 99})
    code, err, _ = _worker(capsys, storage, "--wait", 0.5)
    assert code == 1
    assert_one_line_error(err, "study 's' holds a search record of version 99; this metaautoml "
                               "reads version 1")


def test_search_that_never_starts(tmp_path, capsys):
    _, storage = _prepare(tmp_path)
    code, err, elapsed = _worker(capsys, storage, "--wait", 0.5)
    assert code == 1
    assert_one_line_error(err, "the search of study 's' has not started (waited 0.5 s; see --wait)")
    assert load_study(storage, STUDY).get_trials() == []
