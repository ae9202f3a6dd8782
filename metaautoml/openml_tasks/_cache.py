"""The OpenML cache: where it is, what a task needs from it, and whether the server is reachable.

openml-python (0.15) reads everything from its cache before it goes to the server, but it has
no offline mode: a file missing from the cache means a request without a timeout, and a failed
lookup deletes the task's or dataset's cache folder. So before handing a task to the client,
this module checks that every file the client will read is there; only when one is missing does
it try the server, after a short connection probe that turns "no network" into a one-line error
instead of a long wait.

The client also loads pickles from its cache (``datasplits.pkl.py3``, ``dataset.pkl.py3``,
``features.xml.pkl``, ...), and a pickle can run any code when it is loaded. So the client never
sees the cache itself: :func:`client_mirror` gives it a private temporary directory that links
only the files OpenML's server serves (XML, ARFF, Parquet), which the client parses; the pickles
it makes of them are written and read in that directory and removed with it. Files it downloads
are moved into the cache afterwards, pickles never.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from xml.parsers.expat import ExpatError

from ..task import Task

#: The environment variable openml-python (and metaautoml) read the cache directory from.
CACHE_DIR_ENV = "OPENML_CACHE_DIR"
#: Set to "true", openml-python reads a dataset's ARFF file even when it has a Parquet URL.
_SKIP_PARQUET_ENV = "OPENML_SKIP_PARQUET"
#: Seconds the reachability probe waits for a TCP connection to OpenML's server.
PROBE_TIMEOUT = 5.0
#: The files openml-python downloads into a task's or dataset's cache folder, and so the only
#: ones it is shown of the cache (``dataset.pq`` is the Parquet file's name in older caches, which
#: the client renames). Everything else -- the pickles the client makes of these files above
#: all -- stays out of its sight.
_SERVER_FILES = re.compile(r"(?:task|description|features|qualities)\.xml|datasplits\.arff"
                           r"|dataset\.arff|dataset(?:_\d+)?\.pq")
#: The pickle the client makes of a file and loads in its place, for the files metaautoml needs.
_CLIENT_PICKLES = {"datasplits.arff": "datasplits.pkl.py3", "dataset.arff": "dataset.pkl.py3",
                   "features.xml": "features.xml.pkl"}

#: OpenML task types metaautoml can run, by ``oml:task_type_id``.
SUPPORTED_TASK_TYPES: dict[int, Task] = {1: "classification", 2: "regression"}
#: The names of the other task types, for error messages.
_OTHER_TASK_TYPES = {3: "learning curve", 4: "data stream classification", 5: "clustering",
                     6: "machine learning challenge", 7: "survival analysis",
                     8: "subgroup discovery", 9: "multitask regression"}


class OpenMLUnavailableError(RuntimeError):
    """A task or suite that is not in the OpenML cache, with OpenML's server out of reach."""


class UnsupportedTaskError(ValueError):
    """An OpenML task of a type metaautoml cannot run (clustering, survival analysis, ...)."""


@dataclass(frozen=True)
class CachedTaskFiles:
    """What the cache holds for one task.

    Attributes
    ----------
    task_type : str or None
        ``"classification"`` or ``"regression"``, from the cached ``task.xml``; ``None`` when
        ``task.xml`` is not cached.
    dataset_id : int or None
        The task's dataset, from ``task.xml``.
    missing : tuple of str
        Files the client would have to download, relative to the cache directory.
    skip_parquet : bool
        The dataset has a Parquet URL but only its ARFF file is cached: the client must be told
        to read the ARFF file, or it would try to download the Parquet file.
    unread_pickles : tuple of str
        Pickles of the client's that the cache holds in place of a missing file; they are never
        loaded, so they do not stand in for it.
    """

    task_type: Task | None
    dataset_id: int | None
    missing: tuple[str, ...]
    skip_parquet: bool = False
    unread_pickles: tuple[str, ...] = ()


def resolve_cache_dir(cache_dir: str | os.PathLike | None = None) -> Path:
    """The root of the OpenML cache: ``cache_dir``, else ``$OPENML_CACHE_DIR``, else the client's.

    Parameters
    ----------
    cache_dir : path-like, optional
        An explicit cache directory (``--cache-dir``).

    Returns
    -------
    Path
        The root directory; the files of OpenML's server are under ``org/openml/www`` in it.
    """
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    from_env = os.environ.get(CACHE_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    import openml

    return Path(openml.config.get_config_as_dict()["cachedir"]).expanduser()


@contextlib.contextmanager
def openml_cache(cache_dir: str | os.PathLike | None = None, *,
                 skip_parquet: bool = False) -> Iterator[Path]:
    """Point openml-python at ``cache_dir`` for the block and restore its settings afterwards.

    The client's configuration is process-wide; restoring it keeps one call from changing where
    unrelated code in the same process reads OpenML data.

    Parameters
    ----------
    cache_dir : path-like, optional
        As for :func:`resolve_cache_dir`.
    skip_parquet : bool, default=False
        Read datasets from their cached ARFF files instead of downloading Parquet files.

    Yields
    ------
    Path
        The cache directory of the configured server (``<root>/org/openml/www`` for
        www.openml.org).
    """
    import openml

    previous_root = openml.config.get_config_as_dict()["cachedir"]
    previous_skip = os.environ.get(_SKIP_PARQUET_ENV)
    openml.config.set_root_cache_directory(resolve_cache_dir(cache_dir).resolve())
    if skip_parquet:
        os.environ[_SKIP_PARQUET_ENV] = "true"
    try:
        yield Path(openml.config.get_cache_directory())
    finally:
        openml.config.set_root_cache_directory(previous_root)
        if skip_parquet:
            if previous_skip is None:
                os.environ.pop(_SKIP_PARQUET_ENV, None)
            else:
                os.environ[_SKIP_PARQUET_ENV] = previous_skip


def cached_task_files(server_dir: Path, task_id: int) -> CachedTaskFiles:
    """Check which of the files openml-python reads for ``task_id`` are in ``server_dir``.

    The files are those ``openml.tasks.get_task(task_id, download_splits=True,
    download_data=True)`` reads: ``tasks/<id>/task.xml``, the splits ``datasplits.arff``,
    ``datasets/<did>/description.xml``, ``features.xml`` (the client reads the class labels from
    it for classification tasks) and the data, as the Parquet file ``dataset_<did>.pq`` (or
    ``dataset.pq``, its name in older caches) or the ARFF file ``dataset.arff``. The pickles the
    client makes of them count for nothing: the client is never shown a cached pickle (see
    :func:`client_mirror`).

    Raises
    ------
    UnsupportedTaskError
        If the task is of a type metaautoml cannot run.
    ValueError
        If a cached ``task.xml`` or ``description.xml`` cannot be parsed. Raised here so the
        client never reads the file: it would delete the whole cache folder of the task.
    """
    task_dir = server_dir / "tasks" / str(task_id)
    task_xml = task_dir / "task.xml"
    if not task_xml.is_file():
        return CachedTaskFiles(None, None, (_relative(task_xml, server_dir),))
    task_type, dataset_id = _read_task_xml(task_xml, task_id)
    missing: list[Path] = []
    if not (task_dir / "datasplits.arff").is_file():
        missing.append(task_dir / "datasplits.arff")
    dataset_dir = server_dir / "datasets" / str(dataset_id)
    description_xml = dataset_dir / "description.xml"
    if not description_xml.is_file():
        missing.append(description_xml)
        return _files(server_dir, task_type, dataset_id, missing)
    description = _read_xml(description_xml, "oml:data_set_description",
                            what=f"description of dataset {dataset_id}")
    if task_type == "classification" and not (dataset_dir / "features.xml").is_file():
        missing.append(dataset_dir / "features.xml")
    has_parquet = any((dataset_dir / name).is_file()
                      for name in (f"dataset_{dataset_id}.pq", "dataset.pq"))
    arff = dataset_dir / "dataset.arff"
    has_parquet_url = bool(description.get("oml:parquet_url"))
    skip_parquet = False
    if has_parquet_url and not has_parquet and arff.is_file():
        skip_parquet = True
    elif not (has_parquet_url and has_parquet) and not arff.is_file():
        missing.append(dataset_dir / f"dataset_{dataset_id}.pq" if has_parquet_url else arff)
    return _files(server_dir, task_type, dataset_id, missing, skip_parquet)


def _files(server_dir: Path, task_type: str, dataset_id: int, missing: list[Path],
           skip_parquet: bool = False) -> CachedTaskFiles:
    pickles = (path.with_name(_CLIENT_PICKLES[path.name]) for path in missing
               if path.name in _CLIENT_PICKLES)
    return CachedTaskFiles(task_type, dataset_id,
                           tuple(_relative(path, server_dir) for path in missing), skip_parquet,
                           tuple(_relative(path, server_dir) for path in pickles
                                 if path.is_file()))


class ClientMirror:
    """What of the OpenML cache openml-python sees: see :func:`client_mirror`.

    Attributes
    ----------
    cache_dir : Path
        The server's folder of the user's cache (``<root>/org/openml/www``).
    mirror_dir : Path
        The same folder of the private mirror, where the client is pointed.
    """

    def __init__(self, cache_dir: Path, mirror_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.mirror_dir = mirror_dir

    def show(self, folder: str, entity_id: int) -> None:
        """Link the server's files of ``<folder>/<entity_id>`` (``"tasks"``, ``"datasets"``).

        Only regular files OpenML's server serves are linked (see ``_SERVER_FILES``); the
        pickles the client made of them in the cache, or any other file, are not.
        """
        source = self.cache_dir / folder / str(entity_id)
        target = self.mirror_dir / folder / str(entity_id)
        target.mkdir(parents=True, exist_ok=True)
        if not source.is_dir():
            return
        for entry in sorted(source.iterdir()):
            if _SERVER_FILES.fullmatch(entry.name) and entry.is_file():
                _link(entry, target / entry.name)

    def keep_downloads(self) -> list[Path]:
        """Move the server's files the client downloaded into the mirror into the user's cache.

        Only regular files of the names in ``_SERVER_FILES`` that the cache lacks are moved;
        nothing the client derived from them (its pickles) is. A file that cannot be moved is
        reported in a warning: the task was still read.

        Returns
        -------
        list of Path
            The files added to the cache.
        """
        kept = []
        for folder in ("tasks", "datasets"):
            for path in sorted((self.mirror_dir / folder).glob("*/*")):
                destination = self.cache_dir / path.relative_to(self.mirror_dir)
                if (not _SERVER_FILES.fullmatch(path.name) or path.is_symlink()
                        or not path.is_file() or destination.exists()):
                    continue  # a pickle, or a link to (a copy of) a file of the cache
                try:
                    _move_into_place(path, destination)
                except OSError as exc:
                    warnings.warn(f"the downloaded OpenML file {path.name} could not be kept in "
                                  f"the cache ({destination}: {exc})", UserWarning, stacklevel=3)
                else:
                    kept.append(destination)
        return kept


@contextlib.contextmanager
def client_mirror(cache_dir: Path, *, skip_parquet: bool = False) -> Iterator[ClientMirror]:
    """Point openml-python at a private, temporary mirror of the cache for the block.

    openml-python loads the pickles it finds in its cache, and loading a pickle can run any
    code, so a cache from elsewhere must never be handed to it. The mirror is a new directory
    that only this user can read (``tempfile.mkdtemp``, mode 0700), in which the caller links,
    with :meth:`ClientMirror.show`, the files the client reads; the pickles the client makes of
    them are written there and read back only from there, moments later, and are removed with
    the mirror when the block ends (however it ends). So are the folders the client deletes
    after a failed lookup: the links, not the user's files. The files the client downloaded are
    then moved into the cache (:meth:`ClientMirror.keep_downloads`).

    Parameters
    ----------
    cache_dir : Path
        The server's folder of the user's cache, as :func:`openml_cache` yields it.
    skip_parquet : bool, default=False
        As for :func:`openml_cache`.

    Yields
    ------
    ClientMirror
    """
    root = Path(tempfile.mkdtemp(prefix="metaautoml-openml-")).resolve()
    try:
        with openml_cache(root, skip_parquet=skip_parquet) as mirror_dir:
            mirror = ClientMirror(cache_dir, mirror_dir)
            try:
                yield mirror
            finally:
                mirror.keep_downloads()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _link(source: Path, link: Path) -> None:
    """A symbolic link to ``source``, or a copy where the system allows no links."""
    try:
        link.symlink_to(source)
    except OSError:
        shutil.copyfile(source, link)


def _move_into_place(source: Path, destination: Path) -> None:
    """Move ``source`` to ``destination`` so that no reader sees a partial file."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{secrets.token_hex(6)}.tmp")
    try:
        shutil.move(source, temporary)
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)


def _read_task_xml(path: Path, task_id: int) -> tuple[str, int]:
    task = _read_xml(path, "oml:task", what=f"task {task_id}")
    try:
        type_id = int(task["oml:task_type_id"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"the cached task {task_id} has no valid oml:task_type_id ({path}); "
                         "delete the file to download it again") from None
    if type_id not in SUPPORTED_TASK_TYPES:
        name = _OTHER_TASK_TYPES.get(type_id, f"type {type_id}")
        raise UnsupportedTaskError(f"OpenML task {task_id} is a {name} task; metaautoml runs "
                                   "supervised classification and regression tasks only")
    inputs = task.get("oml:input") or []
    inputs = inputs if isinstance(inputs, list) else [inputs]
    source = next((i for i in inputs if isinstance(i, dict) and i.get("@name") == "source_data"),
                  None)
    try:
        dataset_id = int(source["oml:data_set"]["oml:data_set_id"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"the cached task {task_id} names no dataset ({path}); delete the file "
                         "to download it again") from None
    return SUPPORTED_TASK_TYPES[type_id], dataset_id


def _read_xml(path: Path, root: str, *, what: str) -> dict[str, Any]:
    import xmltodict

    try:
        parsed = xmltodict.parse(path.read_text(encoding="utf8"))
    except (ExpatError, UnicodeDecodeError) as exc:
        raise ValueError(f"the cached {what} is not valid XML ({path}: {exc}); delete the file "
                         "to download it again") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get(root), dict):
        raise ValueError(f"the cached {what} is not an OpenML {root} document ({path}); delete "
                         "the file to download it again")
    return parsed[root]


def _relative(path: Path, server_dir: Path) -> str:
    return path.relative_to(server_dir).as_posix()


def server_unreachable_reason(timeout: float = PROBE_TIMEOUT) -> str | None:
    """Why OpenML's configured server cannot be reached, or ``None`` if a connection opens.

    A TCP connection to the server (or to the proxy ``requests`` would use for it) with a
    ``timeout``: the client's own requests have no timeout, so without this a machine without
    network could wait minutes before failing.
    """
    import openml
    import requests.utils

    url = openml.config.server
    proxy = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
    target = urlparse(proxy or url)
    host = target.hostname
    if not host:
        return f"the server URL {url!r} names no host"
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        return f"{host}:{port} cannot be reached ({reason})"
