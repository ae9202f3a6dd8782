"""Malformed inputs across every entry point: one table, one clear line per failure.

Each row of :data:`CASES` names the surface it reaches (the estimators, the ``metaautoml``
command run in-process through ``main``, the meta-feature extractor, the meta-database), what
is malformed, and what must happen: an exception of a given type whose one-line message matches
a pattern (for the command line: an exit status and one ``metaautoml: error:`` line on stderr,
no traceback), or a documented safe behaviour (unseen categories are accepted, columns are
matched by name, an empty or mixed-type column is just data). Every case also checks that
nothing is left behind in its directory: no model or predictions file after a failed command,
no new SQLite file after a meta-database that could not be opened, inputs untouched.

The focused tests of each surface (``tests/estimator/test_estimator_inputs.py``,
``tests/cli/test_cli_errors.py``, ``tests/metadb/test_metadb_store.py``,
``tests/metafeatures/``) go deeper; this table is the cross-cutting contract of issue 8.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

import metaautoml
import metaautoml.estimator._base
from metaautoml import MetaAutoMLClassifier, MetaAutoMLRegressor, MetaDB, extract_meta_features
from metaautoml.cli import main
from metaautoml.metadb import MetaDBError
from metaautoml.metadb._schema import SCHEMA_VERSION

# -- data --------------------------------------------------------------------------------------
_RNG = np.random.default_rng(8)
N = 40
#: A small frame of a numeric, a categorical and an object column; labels learnable from "num".
FRAME = pd.DataFrame({
    "num": _RNG.normal(size=N),
    "other": _RNG.normal(size=N),
    "color": pd.Categorical(_RNG.choice(["red", "green", "blue"], size=N)),
    "city": pd.Series(_RNG.choice(["paris", "rome", None], size=N), dtype=object),
})
LABELS = np.where(FRAME["num"] > 0, "yes", "no")
VALUES = FRAME["num"].to_numpy() * 2.0 + 0.5

#: A column of 10,000 distinct string levels (an ID column mistaken for a feature).
N_LEVELS = 10_000
_IDS = pd.DataFrame({"id": [f"level{i}" for i in range(N_LEVELS)],
                     "x": np.random.default_rng(9).normal(size=N_LEVELS)})
_ID_LABELS = np.where(_IDS["x"] > 0, "p", "q")


def _classifier() -> MetaAutoMLClassifier:
    # The warm start is irrelevant to input handling: cold start, one trial, two folds.
    return MetaAutoMLClassifier(n_trials=1, cv=2, warm_start=False, random_state=0)


def _regressor() -> MetaAutoMLRegressor:
    return MetaAutoMLRegressor(n_trials=1, cv=2, warm_start=False, random_state=0)


def _mixed_types() -> pd.Series:
    """An object column mixing ints, strings, floats, booleans and missing values."""
    return pd.Series([1, "a", 2.5, None, True] * (N // 5), dtype=object)


def _with_inf(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.loc[3, "num"] = np.inf
    return out


def _duplicated(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, frame[["num"]]], axis=1)


# -- files -------------------------------------------------------------------------------------
def _empty_file(directory: Path) -> Path:
    path = directory / "data.csv"
    path.write_text("")
    return path


def _csv(directory: Path, frame: pd.DataFrame, name: str = "data.csv") -> Path:
    path = directory / name
    frame.to_csv(path, index=False)
    return path


def _training_csv(directory: Path) -> Path:
    return _csv(directory, FRAME.assign(y=LABELS))


def _binary_file(directory: Path) -> Path:
    path = directory / "model.joblib"
    joblib.dump({"weights": np.arange(100)}, path)
    return path


def _garbage_file(directory: Path) -> Path:
    path = directory / "garbage.sqlite"
    path.write_bytes(np.random.default_rng(0).bytes(4096))
    return path


def _foreign_sqlite(directory: Path) -> Path:
    path = directory / "foreign.sqlite"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE people (name TEXT, age INTEGER)")
        conn.execute("INSERT INTO people VALUES ('ada', 36)")
    conn.close()
    return path


def _other_schema_version(directory: Path) -> Path:
    path = directory / "newer.sqlite"
    MetaDB(path, create=True).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                     (str(SCHEMA_VERSION + 1),))
    conn.close()
    return path


def _model_file(directory: Path, model) -> Path:
    """A model file as ``metaautoml fit`` writes it, around an already fitted classifier."""
    path = directory / "model.joblib"
    joblib.dump({"model": model, "target": "y", "features": list(FRAME.columns),
                 "task": "classification", "metaautoml_version": metaautoml.__version__}, path)
    return path


# -- the table ---------------------------------------------------------------------------------
class Context:
    """What a case's ``setup`` gets: its own directory, and the shared fitted classifier."""

    def __init__(self, directory: Path, request: pytest.FixtureRequest):
        self.dir = directory
        self._request = request

    @property
    def fitted(self) -> MetaAutoMLClassifier:
        return self._request.getfixturevalue("fitted")


@dataclass(frozen=True)
class Case:
    """One malformed input.

    ``setup(ctx)`` writes the files the case needs and returns what ``act`` is called with; for
    the command line (``surface == "cli"``) it returns the argument list of ``main``. The
    expectation is either ``error`` (an exception type, or for the command line the exit
    status) with ``match``, a regex searched in the one-line message, or ``check``, which gets
    what ``act`` returned and asserts the documented safe behaviour.
    """

    id: str
    surface: str
    setup: Callable[[Context], Any]
    act: Callable[[Any], Any] | None = None
    error: type[BaseException] | int | None = None
    match: str | None = None
    check: Callable[[Any], None] | None = None


def _fit(estimator_factory, X, y):
    return lambda ctx: (estimator_factory, X, y)


def _do_fit(args):
    factory, X, y = args
    estimator = factory()
    return estimator, estimator.fit(X, y), X


def _do_extract(args):
    X, y, kwargs = args
    return extract_meta_features(X, y, **kwargs)


def _do_open_db(path: Path):
    with MetaDB(path) as db:
        return db.summary()


def _fitted_and_data(data: pd.DataFrame):
    return lambda ctx: (ctx.fitted, data)


def _predict(args):
    model, data = args
    return model, data, model.predict(data)


# safe behaviours -----------------------------------------------------------------------------
def _fit_succeeds(result) -> None:
    estimator, returned, X = result
    assert returned is estimator
    assert estimator.leaderboard()["state"].eq("complete").all()
    assert set(estimator.predict(X.head(5))) <= set(estimator.classes_)


def _fit_with_an_empty_column_succeeds(result) -> None:
    estimator, _, _ = result
    # HistGradientBoosting, the first default, used to fail on a column without a value.
    assert estimator.best_config_["family"] == "hist_gradient_boosting"
    assert estimator.leaderboard()["state"].eq("complete").all()
    predictions = estimator.predict(FRAME.assign(empty=np.nan).head(5))
    assert set(predictions) <= {"yes", "no"}
    # At predict time the column may hold values: they are accepted, and change nothing.
    np.testing.assert_array_equal(estimator.predict(FRAME.assign(empty=1.0).head(5)), predictions)


def _predicts_known_labels(result) -> None:
    model, data, predictions = result
    assert len(predictions) == len(data)
    assert set(predictions) <= set(model.classes_)
    assert np.isfinite(model.predict_proba(data)).all()


def _same_as_training_order(result) -> None:
    model, data, predictions = result
    np.testing.assert_array_equal(predictions, model.predict(data[list(model.feature_names_in_)]))
    np.testing.assert_array_equal(model.predict_proba(data),
                                  model.predict_proba(data[list(model.feature_names_in_)]))


def _meta_features_are_defined(features: pd.Series) -> None:
    assert features.dtype == np.float64
    assert not np.isinf(features.to_numpy()).any()  # undefined values are NaN, never inf
    assert np.isfinite(features[["n_rows", "n_features", "n_classes"]]).all()


def _all_missing_column_counts_as_missing(features: pd.Series) -> None:
    _meta_features_are_defined(features)
    assert features["missing_cell_share"] >= N / (N * (FRAME.shape[1] + 1))


def _ten_thousand_levels(features: pd.Series) -> None:
    _meta_features_are_defined(features)
    assert features["n_rows"] == N_LEVELS


REGRESSION_TARGET_MESSAGE = r"^the regression target y must be numeric; got non-numeric values"

CASES = [
    # -- estimator: fit ----------------------------------------------------------------------------
    Case("estimator-empty-frame", "estimator", _fit(_classifier, FRAME.iloc[:0], LABELS[:0]),
         _do_fit, ValueError, r"^X is empty: it has 0 rows$"),
    Case("estimator-all-nan-column", "estimator",
         _fit(_classifier, FRAME.assign(empty=np.nan), LABELS), _do_fit,
         check=_fit_with_an_empty_column_succeeds),
    Case("estimator-inf-values", "estimator", _fit(_classifier, _with_inf(FRAME), LABELS), _do_fit,
         ValueError, r"^X contains infinite values in column\(s\) \['num'\]$"),
    Case("estimator-mixed-type-object-column", "estimator",
         _fit(_classifier, FRAME.assign(mixed=_mixed_types()), LABELS), _do_fit,
         check=_fit_succeeds),
    Case("estimator-10000-category-column", "estimator", _fit(_classifier, _IDS, _ID_LABELS),
         _do_fit, check=_fit_succeeds),
    Case("estimator-one-row-per-class", "estimator",
         _fit(_classifier, FRAME.head(3), ["a", "b", "c"]), _do_fit, ValueError,
         r"^the smallest class has a single member; cross-validation needs at least 2 rows"),
    Case("estimator-string-regression-target", "estimator",
         _fit(_regressor, FRAME, LABELS), _do_fit, ValueError, REGRESSION_TARGET_MESSAGE),
    Case("estimator-mismatched-lengths", "estimator", _fit(_classifier, FRAME, LABELS[:30]),
         _do_fit, ValueError, r"^X and y have different lengths: X has 40 rows, y has 30$"),
    Case("estimator-duplicate-column-names", "estimator",
         _fit(_classifier, _duplicated(FRAME), LABELS), _do_fit, ValueError,
         r"^X has duplicate column names: \['num'\]$"),
    # -- estimator: predict ------------------------------------------------------------------------
    Case("estimator-unseen-categories-at-predict", "estimator",
         _fitted_and_data(FRAME.head(6).assign(
             color=pd.Categorical(["purple", "red", None, "teal", "blue", "mauve"]),
             city=["oslo", "rome", None, "lima", "paris", "kyiv"])),
         _predict, check=_predicts_known_labels),
    Case("estimator-missing-column-at-predict", "estimator",
         _fitted_and_data(FRAME.drop(columns=["color"])), _predict, ValueError,
         r"^X lacks 1 column\(s\) seen during fit: 'color'$"),
    Case("estimator-reordered-columns-at-predict", "estimator",
         _fitted_and_data(FRAME[["city", "num", "color", "other"]]), _predict,
         check=_same_as_training_order),
    # -- meta-feature extractor --------------------------------------------------------------------
    Case("metafeatures-empty-frame", "metafeatures", lambda ctx: (FRAME.iloc[:0], [], {}),
         _do_extract, ValueError, r"^X is empty: it has 0 rows$"),
    Case("metafeatures-all-nan-column", "metafeatures",
         lambda ctx: (FRAME.assign(empty=np.nan), LABELS, {}), _do_extract,
         check=_all_missing_column_counts_as_missing),
    Case("metafeatures-inf-values", "metafeatures", lambda ctx: (_with_inf(FRAME), LABELS, {}),
         _do_extract, ValueError, r"^X contains infinite values in column\(s\) \['num'\]$"),
    Case("metafeatures-mixed-type-object-column", "metafeatures",
         lambda ctx: (FRAME.assign(mixed=_mixed_types()), LABELS, {}), _do_extract,
         check=_meta_features_are_defined),
    Case("metafeatures-10000-category-column", "metafeatures",
         lambda ctx: (_IDS, _ID_LABELS, {}), _do_extract, check=_ten_thousand_levels),
    Case("metafeatures-string-regression-target", "metafeatures",
         lambda ctx: (FRAME, LABELS, {"task": "regression"}), _do_extract, ValueError,
         REGRESSION_TARGET_MESSAGE),
    Case("metafeatures-mismatched-lengths", "metafeatures", lambda ctx: (FRAME, LABELS[:5], {}),
         _do_extract, ValueError, r"^X and y have different lengths: X has 40 rows, y has 5$"),
    Case("metafeatures-duplicate-column-names", "metafeatures",
         lambda ctx: (_duplicated(FRAME), LABELS, {}), _do_extract, ValueError,
         r"^X has duplicate column names: \['num'\]$"),
    # -- command line (exit status, one stderr line) -----------------------------------------------
    Case("cli-fit-missing-file", "cli",
         lambda ctx: ["fit", ctx.dir / "nope.csv", "--target", "y", "-o", ctx.dir / "m.joblib"],
         error=1, match=r"data file not found: .*nope\.csv$"),
    Case("cli-fit-file-is-not-csv", "cli",
         lambda ctx: ["fit", _binary_file(ctx.dir), "--target", "y", "-o", ctx.dir / "m.joblib"],
         error=1, match=r"model\.joblib is not a CSV file: it contains binary data$"),
    Case("cli-fit-empty-csv", "cli",
         lambda ctx: ["fit", _empty_file(ctx.dir), "--target", "y", "-o", ctx.dir / "m.joblib"],
         error=1, match=r"data\.csv is empty: expected a CSV file with a header row$"),
    Case("cli-fit-target-absent", "cli",
         lambda ctx: ["fit", _training_csv(ctx.dir), "--target", "Y", "-o", ctx.dir / "m.joblib"],
         error=1, match=r"target column 'Y' not found in .*data\.csv; available columns: num, "
                        r"other, color, city, y$"),
    Case("cli-fit-string-regression-target", "cli",
         lambda ctx: ["fit", _training_csv(ctx.dir), "--target", "y", "--task", "regression",
                      "--n-trials", "1", "--cv", "2", "-o", ctx.dir / "m.joblib"],
         error=1, match=r"the regression target y must be numeric; got non-numeric values"),
    Case("cli-fit-one-row-per-class", "cli",
         lambda ctx: ["fit", _csv(ctx.dir, FRAME.head(3).assign(y=["a", "b", "c"])),
                      "--target", "y", "--n-trials", "1", "--cv", "2",
                      "-o", ctx.dir / "m.joblib"],
         error=1, match=r"the smallest class has a single member"),
    Case("cli-fit-inf-values", "cli",
         lambda ctx: ["fit", _csv(ctx.dir, _with_inf(FRAME).assign(y=LABELS)), "--target", "y",
                      "--n-trials", "1", "--cv", "2", "-o", ctx.dir / "m.joblib"],
         error=1, match=r"X contains infinite values in column\(s\) \['num'\]$"),
    Case("cli-fit-bad-option-value", "cli",
         lambda ctx: ["fit", _training_csv(ctx.dir), "--target", "y", "--cv", "1",
                      "-o", ctx.dir / "m.joblib"],
         error=2, match=r"argument --cv: must be an integer >= 2 \(folds\) or a number in "
                        r"\(0, 1\) \(the share held out\), got '1'"),
    Case("cli-predict-missing-column", "cli",
         lambda ctx: ["predict", _model_file(ctx.dir, ctx.fitted),
                      _csv(ctx.dir, FRAME.drop(columns=["other", "city"])),
                      "-o", ctx.dir / "predictions.csv"],
         error=1, match=r"data\.csv lacks the model's feature column\(s\) other, city$"),
    Case("cli-db-info-corrupt-file", "cli",
         lambda ctx: ["db", "info", "--db", _garbage_file(ctx.dir)],
         error=1, match=r"garbage\.sqlite' is not a metaautoml meta-database"),
    Case("cli-db-info-missing-file", "cli",
         lambda ctx: ["db", "info", "--db", ctx.dir / "typo.sqlite"],
         error=1, match=r"meta-database not found: .*typo\.sqlite$"),
    # -- meta-database -----------------------------------------------------------------------------
    Case("metadb-missing-file", "metadb", lambda ctx: ctx.dir / "typo.sqlite", _do_open_db,
         FileNotFoundError, r"typo\.sqlite' does not exist$"),
    Case("metadb-corrupt-file", "metadb", lambda ctx: _garbage_file(ctx.dir), _do_open_db,
         MetaDBError, r"garbage\.sqlite' is not a metaautoml meta-database"),
    Case("metadb-foreign-sqlite", "metadb", lambda ctx: _foreign_sqlite(ctx.dir), _do_open_db,
         MetaDBError, r"foreign\.sqlite' is an SQLite file of another application, not a "
                      r"metaautoml meta-database$"),
    Case("metadb-other-schema-version", "metadb", lambda ctx: _other_schema_version(ctx.dir),
         _do_open_db, MetaDBError,
         rf"newer\.sqlite' has schema version {SCHEMA_VERSION + 1}; this metaautoml reads "
         rf"version {SCHEMA_VERSION}\. Rebuild it"),
]


# -- the test ----------------------------------------------------------------------------------
@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Trials and refits on one thread: on two busy cores an OpenMP pool of two waits on
    descheduled threads and tiny fits take seconds (see tests/estimator/conftest.py)."""
    with pytest.MonkeyPatch.context() as patch, threadpool_limits(1):
        patch.setattr(metaautoml.estimator._base, "default_n_threads", lambda *args, **kwargs: 1)
        yield


@pytest.fixture(scope="module")
def fitted() -> MetaAutoMLClassifier:
    return _classifier().fit(FRAME, LABELS)


def _snapshot(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` with a digest of its content."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def _assert_one_line(message: str, pattern: str) -> None:
    assert message and "\n" not in message, repr(message)
    assert re.search(pattern, message), (pattern, message)


def test_the_table_covers_every_surface():
    assert len(CASES) >= 22
    assert len({case.id for case in CASES}) == len(CASES)
    assert {case.surface for case in CASES} == {"estimator", "cli", "metafeatures", "metadb"}
    for case in CASES:
        assert case.id.startswith(case.surface + "-"), case.id
        assert (case.error is None) == (case.check is not None), case.id
        assert (case.error is None) == (case.match is None), case.id
        assert (case.surface == "cli") == (case.act is None), case.id


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_malformed_input(case: Case, tmp_path, request, capsys):
    argument = case.setup(Context(tmp_path, request))
    before = _snapshot(tmp_path)

    if case.surface == "cli":
        code = main([str(a) for a in argument])
        captured = capsys.readouterr()
        assert code == case.error, captured.err
        assert captured.out == ""
        assert "Traceback" not in captured.err
        lines = captured.err.strip().splitlines()
        # Library warnings come as their own 'metaautoml: warning:' lines; the error is one line.
        errors = [line for line in lines if not line.startswith("metaautoml: warning: ")]
        assert len(errors) == 1 and errors[0].startswith("metaautoml: error: "), captured.err
        _assert_one_line(errors[0], case.match)
    elif case.check is None:
        with pytest.raises(case.error) as caught:
            case.act(argument)
        _assert_one_line(str(caught.value), case.match)
    else:
        case.check(case.act(argument))

    # Nothing half-written: no model or predictions file, no SQLite file created, inputs intact.
    assert _snapshot(tmp_path) == before
