"""`metaautoml fit` keeps the search when the best configuration fails to refit."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from _cli_helpers import needs_estimator, single_cpu

import metaautoml.evaluation._runner
from metaautoml.cli import main


@needs_estimator
def test_fit_reports_a_refit_fallback(tmp_path, monkeypatch, capsys):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    # Labels that look like integers, read back as text: the refit fits the codes they encode.
    frame["label"] = np.where(frame["a"] > 0, "1", "0")
    data = tmp_path / "train.csv"
    frame.to_csv(data, index=False)
    real_fit = metaautoml.evaluation._runner.fit_pipeline
    calls = []

    def fail_first(config, *args, **kwargs):
        calls.append(config["family"])
        if len(calls) == 1:
            raise ValueError("refit refused")
        return real_fit(config, *args, **kwargs)

    monkeypatch.setattr(metaautoml.evaluation._runner, "fit_pipeline", fail_first)
    model = tmp_path / "model.joblib"
    with single_cpu():
        code = main(["fit", str(data), "--target", "label", "--n-trials", "3", "--cv", "2",
                     "--random-state", "0", "--output", str(model), "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0
    summary = json.loads(captured.out)
    (fallback,) = summary["refit_fallbacks"]
    assert fallback["family"] == calls[0] and "refit refused" in fallback["error"]
    assert summary["best_config"]["family"] == calls[1]
    assert "failed to refit on all the data" in captured.err


@needs_estimator
def test_fit_without_the_warm_start(tmp_path, capsys):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.normal(size=40), "label": np.repeat(["x", "y"], 20)})
    data = tmp_path / "train.csv"
    frame.to_csv(data, index=False)
    with single_cpu():
        code = main(["fit", str(data), "--target", "label", "--n-trials", "2", "--cv", "2",
                     "--no-warm-start", "--random-state", "0",
                     "--output", str(tmp_path / "m.joblib"), "--format", "json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert {row["source"] for row in summary["leaderboard"]} == {"default"}


@needs_estimator
def test_fit_and_predict_a_parquet_file_of_nullable_columns(tmp_path, capsys):
    # Parquet keeps pandas' nullable, pyarrow and datetime dtypes, pd.NA included.
    rng = np.random.default_rng(2)
    n = 60
    signal = rng.normal(size=n)
    frame = pd.DataFrame({
        "count": pd.array(np.round(signal * 10), dtype="Int64"),
        "flag": pd.array(signal > 0, dtype="boolean"),
        "text": pd.array(np.where(signal > 0.5, "hi", "lo"), dtype="string"),
        "arrow": pd.Series(rng.normal(size=n)).astype("double[pyarrow]"),
        "when": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
        "label": np.where(signal > 0, "up", "down"),
    })
    for column in ("count", "flag", "text", "arrow", "when"):
        frame.loc[frame.sample(frac=0.1, random_state=0).index, column] = None
    data, model = tmp_path / "train.parquet", tmp_path / "m.joblib"
    frame.to_parquet(data)
    with single_cpu():
        assert main(["fit", str(data), "--target", "label", "--n-trials", "2", "--cv", "2",
                     "--random-state", "0", "--output", str(model), "--format", "json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["n_complete"] == 2
        out = tmp_path / "pred.csv"
        assert main(["predict", str(model), str(data), "--output", str(out)]) == 0
    predicted = pd.read_csv(out)
    assert len(predicted) == n and set(predicted.iloc[:, -1]) <= {"up", "down"}
