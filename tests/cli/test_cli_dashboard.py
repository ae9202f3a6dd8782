"""A study written by ``metaautoml fit --storage`` opens in optuna-dashboard.

optuna-dashboard's own WSGI application serves the study over HTTP on 127.0.0.1, and the test
reads it as the browser would: the study, its trials and each trial's source (warm start,
surrogate, TPE) among the user attributes.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from _cli_helpers import iris_csv, needs_estimator

from metaautoml.cli import main
from metaautoml.search import open_storage

pytestmark = needs_estimator
N_TRIALS = 6


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    optuna_dashboard = pytest.importorskip("optuna_dashboard")
    directory = tmp_path_factory.mktemp("dashboard")
    storage = f"journal://{directory / 'study.log'}"
    assert main(["fit", str(iris_csv(directory / "iris.csv")), "--target", "species",
                 "--n-trials", str(N_TRIALS), "--cv", "2", "--random-state", "0",
                 "--storage", storage, "--study-name", "shown",
                 "--output", str(directory / "model.joblib"), "--format", "json"]) == 0
    server = make_server("127.0.0.1", 0, optuna_dashboard.wsgi(open_storage(storage)),
                         handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200
        return json.loads(response.read())


def test_the_dashboard_lists_the_study(dashboard, capsys):
    capsys.readouterr()
    studies = _get(f"{dashboard}/api/studies")["study_summaries"]
    assert [s["study_name"] for s in studies] == ["shown"]
    assert studies[0]["directions"] == ["maximize"]


def test_the_dashboard_shows_each_trial_and_its_source(dashboard):
    study_id = _get(f"{dashboard}/api/studies")["study_summaries"][0]["study_id"]
    detail = _get(f"{dashboard}/api/studies/{study_id}?after=0")
    trials = detail["trials"]
    assert len(trials) == N_TRIALS
    for trial in trials:
        attrs = {a["key"]: a["value"] for a in trial["user_attrs"]}
        assert attrs["source"].startswith(("warm_start:", "default", "optuna", "surrogate")), attrs
        assert {"family", "process", "fit_time"} <= set(attrs)
    assert trials[0]["state"] == "Complete"
