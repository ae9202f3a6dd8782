"""The matcher seam: what the warm start needs of a matcher, and the kinds it saves and loads.

The warm-start proposer (:class:`metaautoml.warmstart.WarmStartProposer`) takes any object
satisfying :class:`Matcher`. The meta-trained artifacts (``metaautoml.warmstart.meta_train`` and
``load_proposer``) save and load a matcher through this module: the matcher's JSON file names its
*kind*, and :func:`load_matcher` looks the kind up among the classes registered with
:func:`register_matcher`. A new matcher is therefore one class, registered where it is defined;
nothing in ``metaautoml.warmstart`` changes.

A registered (persistable) matcher class has

* ``kind`` -- a class attribute, the name its files carry;
* ``fit(training)`` -- learns from a :class:`~metaautoml.metadb.MetaTrainingSet`, returns self;
* ``save(path)`` -- writes ``path.json`` (a JSON object) and any other files it needs, each
  ``path`` with a suffix listed in ``artifact_suffixes``;
* ``load(path)`` -- a classmethod reading what ``save`` wrote (torch weights, if any, with
  ``weights_only=True``: nothing is unpickled);
* ``artifact_suffixes`` -- a class attribute, the suffixes of the files ``save`` writes
  (``(".json",)`` by default); a matcher missing one of them is not loaded;
* the :class:`Matcher` protocol: ``datasets`` and ``distances(meta_features)``.

A JSON file without a ``kind`` is read as :data:`DEFAULT_MATCHER_KIND`'s, which is what the
artifacts written before kinds existed hold.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

#: The kind of matcher ``meta_train`` trains by default, and of a saved matcher whose JSON
#: names no kind.
DEFAULT_MATCHER_KIND = "learned"

_KINDS: dict[str, type] = {}


@runtime_checkable
class Matcher(Protocol):
    """What the warm-start proposer needs of a fitted matcher.

    Attributes
    ----------
    datasets : sequence of str
        The meta-training datasets it matches against, in the order of the columns of
        :meth:`distances`.
    """

    datasets: Sequence[str]

    def distances(self, meta_features: pd.Series | pd.DataFrame) -> np.ndarray:
        """Distances from each row of ``meta_features`` (a Series is one row) to every dataset of
        :attr:`datasets`, shape ``(n_rows, len(datasets))``; smaller is more similar."""
        ...


def register_matcher(cls: type | None = None, *, replace: bool = False):
    """Register a persistable matcher class under its ``kind`` (also a class decorator).

    Parameters
    ----------
    cls : type
        A class with ``kind``, ``fit``, ``save``, ``load`` and ``distances`` (see the module
        documentation).
    replace : bool, default=False
        Allow replacing the class registered under the same kind.

    Returns
    -------
    type
        ``cls``, so the function can decorate the class.

    Raises
    ------
    ValueError
        When ``cls`` lacks one of those members or its kind is taken (without ``replace``).
    """
    if cls is None:
        return lambda klass: register_matcher(klass, replace=replace)
    kind = getattr(cls, "kind", None)
    if not isinstance(kind, str) or not kind:
        raise ValueError(f"{cls.__name__} needs a non-empty string class attribute 'kind'")
    missing = [name for name in ("fit", "save", "load", "distances")
               if not callable(getattr(cls, name, None))]
    if missing:
        raise ValueError(f"matcher class {cls.__name__} lacks {missing}")
    if kind in _KINDS and _KINDS[kind] is not cls and not replace:
        raise ValueError(f"matcher kind {kind!r} is already registered ({_KINDS[kind].__name__})")
    _KINDS[kind] = cls
    return cls


def unregister_matcher(kind: str) -> None:
    """Remove a kind registered with :func:`register_matcher`."""
    if kind not in _KINDS:
        raise ValueError(f"no matcher kind {kind!r} is registered")
    del _KINDS[kind]


def matcher_kinds() -> tuple[str, ...]:
    """The registered matcher kinds, in registration order."""
    return tuple(_KINDS)


def matcher_class(kind: str) -> type:
    """The class registered under ``kind``."""
    try:
        return _KINDS[kind]
    except (KeyError, TypeError):
        raise ValueError(f"unknown matcher kind {kind!r}; expected one of {list(_KINDS)}") from None


def make_matcher(kind: str = DEFAULT_MATCHER_KIND, config: Any = None):
    """An unfitted matcher of ``kind``: ``cls(config)``, or ``cls()`` when ``config`` is None."""
    cls = matcher_class(kind)
    return cls() if config is None else cls(config)


def _kind_of(matcher: object) -> str:
    kind = getattr(type(matcher), "kind", None)
    if kind not in _KINDS or _KINDS[kind] is not type(matcher):
        raise ValueError(f"{type(matcher).__name__} is not a registered matcher class; "
                         "register it with metaautoml.matcher.register_matcher to save it")
    return kind


def save_matcher(matcher: object, path: str | os.PathLike) -> None:
    """Write a fitted matcher of a registered kind to ``path.json`` (and its other files), the
    JSON naming its kind."""
    kind = _kind_of(matcher)
    path = Path(path)
    matcher.save(path)  # type: ignore[attr-defined]
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text())
    if not isinstance(meta, dict):
        raise ValueError(f"{type(matcher).__name__}.save must write a JSON object to {meta_path}")
    if meta.get("kind") != kind:
        meta_path.write_text(json.dumps({"kind": kind, **meta}))


def load_matcher(path: str | os.PathLike):
    """The matcher saved at ``path`` (``path.json`` names its kind), or None when one of its
    files is missing.

    Raises
    ------
    ValueError
        When the JSON names an unregistered kind or is not a JSON object.
    """
    path = Path(path)
    meta_path = path.with_suffix(".json")
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if not isinstance(meta, dict):
            raise ValueError(f"{meta_path} does not hold a matcher (not a JSON object)")
        kind = meta.get("kind", DEFAULT_MATCHER_KIND)
    else:
        kind = DEFAULT_MATCHER_KIND
    cls = matcher_class(kind)
    suffixes = tuple(getattr(cls, "artifact_suffixes", (".json",)))
    if not all(path.with_suffix(suffix).exists() for suffix in {".json", *suffixes}):
        return None
    return cls.load(path)
