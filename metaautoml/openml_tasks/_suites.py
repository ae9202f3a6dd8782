"""OpenML benchmark suites (lists of tasks), read from and kept in the OpenML cache.

openml-python (0.15) caches tasks and datasets but not suites: ``openml.study.get_suite`` asks
the server every time. So metaautoml keeps each suite it fetches in the cache itself, as
``suites/<id>/suite.xml`` next to the client's ``tasks`` and ``datasets`` folders, in the format
of the server's answer to ``study/<id>``; a suite can then be run offline like its tasks.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from ._cache import OpenMLUnavailableError, openml_cache
from ._tasks import _require_server

#: The folder of the OpenML cache that holds the suites metaautoml fetched.
SUITES_DIR = "suites"
_OML_NAMESPACE = "http://openml.org/openml"


@dataclass(frozen=True)
class OpenMLSuite:
    """An OpenML benchmark suite.

    Attributes
    ----------
    suite_id : int
    alias : str or None
        Its short name, e.g. ``"OpenML-CC18"``.
    name : str
    task_ids : tuple of int
        Its tasks, in OpenML's order.
    """

    suite_id: int
    alias: str | None
    name: str
    task_ids: tuple[int, ...]


def load_suite(suite_id: int | str, *, cache_dir: str | os.PathLike | None = None) -> OpenMLSuite:
    """Load an OpenML benchmark suite from the cache, or from OpenML's server into the cache.

    Parameters
    ----------
    suite_id : int or str
        The suite's id, or its alias (``"OpenML-CC18"``).
    cache_dir : path-like, optional
        The root of the OpenML cache, as for :func:`load_task`. The suite is kept in
        ``org/openml/www/suites/<id>/suite.xml`` in it.

    Returns
    -------
    OpenMLSuite

    Raises
    ------
    OpenMLUnavailableError
        If the suite is not cached and OpenML's server cannot be reached.
    ValueError
        For a malformed cached suite, or an id OpenML has no suite for.

    Examples
    --------
    Run every task of a suite:

    >>> from metaautoml import MetaAutoMLClassifier
    >>> from metaautoml.openml_tasks import load_suite, run_task
    >>> suite = load_suite(99, cache_dir="~/openml-cache")  # doctest: +SKIP
    >>> template = MetaAutoMLClassifier(n_trials=20)  # regression tasks get its parameters too
    >>> results = [run_task(task_id, template, cache_dir="~/openml-cache")
    ...            for task_id in suite.task_ids]  # doctest: +SKIP
    """
    key = _check_suite_key(suite_id)
    with openml_cache(cache_dir) as server_dir:
        suites_dir = server_dir / SUITES_DIR
        cached = _find_cached(suites_dir, key)
        if cached is not None:
            return read_suite_xml(cached)
        expected = f"{SUITES_DIR}/{key}/suite.xml" if isinstance(key, int) else \
            f"{SUITES_DIR}/<id>/suite.xml with alias {key!r}"
        _require_server(f"OpenML suite {key}", cache_dir, (expected,))
        suite = _download(key)
        write_suite_xml(suite, suites_dir / str(suite.suite_id) / "suite.xml")
        return suite


def read_suite_xml(path: str | os.PathLike) -> OpenMLSuite:
    """Parse a suite from OpenML's ``study`` XML (the server's answer to ``study/<id>``).

    Raises
    ------
    ValueError
        If the file is not a suite of tasks.
    """
    import xmltodict

    path = Path(path)
    try:
        parsed = xmltodict.parse(path.read_text(encoding="utf8"), force_list=("oml:task_id",))
    except (ExpatError, UnicodeDecodeError) as exc:
        raise ValueError(f"the cached suite {path} is not valid XML ({exc})") from None
    study: Any = parsed.get("oml:study") if isinstance(parsed, dict) else None
    if not isinstance(study, dict):
        raise ValueError(f"the cached suite {path} is not an OpenML oml:study document")
    entity = study.get("oml:main_entity_type")
    if entity != "task":
        raise ValueError(f"OpenML study {study.get('oml:id')} ({path}) is a study of "
                         f"{entity or 'unknown'} entities, not a suite of tasks")
    tasks = study.get("oml:tasks") or {}
    try:
        suite_id = int(study["oml:id"])
        task_ids = tuple(int(t) for t in (tasks.get("oml:task_id") or []))
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"the cached suite {path} has a missing or non-integer id") from None
    return OpenMLSuite(suite_id=suite_id, alias=study.get("oml:alias") or None,
                       name=str(study.get("oml:name") or ""), task_ids=task_ids)


def write_suite_xml(suite: OpenMLSuite, path: str | os.PathLike) -> None:
    """Write ``suite`` as OpenML ``study`` XML that :func:`read_suite_xml` reads back.

    The file is written next to its destination and renamed into place, so a reader never sees
    a partial suite.
    """
    import xmltodict

    document = {"oml:study": {
        "@xmlns:oml": _OML_NAMESPACE,
        "oml:id": suite.suite_id,
        **({"oml:alias": suite.alias} if suite.alias else {}),
        "oml:main_entity_type": "task",
        "oml:name": suite.name,
        "oml:tasks": {"oml:task_id": list(suite.task_ids)},
    }}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        temporary.write_text(xmltodict.unparse(document, pretty=True), encoding="utf8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _check_suite_key(suite_id) -> int | str:
    """An integer id, or an alias (OpenML aliases are names such as ``OpenML-CC18``)."""
    if isinstance(suite_id, bool) or not isinstance(suite_id, (int, str)):
        raise ValueError(f"suite_id must be a positive integer or a suite alias, got {suite_id!r}")
    text = str(suite_id).strip()
    if text.isdigit() and int(text) >= 1:
        return int(text)
    if not text or text.lstrip("-").isdigit():
        raise ValueError(f"suite_id must be a positive integer or a suite alias, got {suite_id!r}")
    return text


def _find_cached(suites_dir: Path, key: int | str) -> Path | None:
    if isinstance(key, int):
        path = suites_dir / str(key) / "suite.xml"
        return path if path.is_file() else None
    for path in sorted(suites_dir.glob("*/suite.xml")):
        try:
            if read_suite_xml(path).alias == key:
                return path
        except ValueError:
            continue  # a malformed file is reported when it is asked for by id
    return None


def _download(key: int | str) -> OpenMLSuite:
    import openml
    import requests

    try:
        suite = openml.study.get_suite(key)
    except openml.exceptions.OpenMLServerException as exc:
        raise ValueError(f"OpenML's server cannot give suite {key}: {exc}") from exc
    except (requests.exceptions.RequestException, openml.exceptions.PyOpenMLError) as exc:
        raise OpenMLUnavailableError(f"could not download OpenML suite {key}: {exc}") from exc
    return OpenMLSuite(suite_id=int(suite.id), alias=suite.alias or None, name=str(suite.name),
                       task_ids=tuple(int(t) for t in suite.tasks or ()))

