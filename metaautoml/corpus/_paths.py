"""Where the corpus's files are: the shipped manifest, the UCI corpus, the weka ARFF files and the
installed R packages.

The manifest ships inside this package. The data it points to does not: the UCI corpus, the
weka ARFF files and the R packages are directories the caller names (``corpus_dir=``,
``weka_dir=``, ``rdata_dir=``; the command line's ``--corpus-dir``, ``--weka-dir`` and
``--rdata-dir``). The defaults look at an environment variable, then
at a directory relative to the *current* directory, never at where metaautoml is installed.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that overrides :func:`default_corpus_dir`.
CORPUS_DIR_ENV = "METAAUTOML_CORPUS_DIR"
#: Environment variable that overrides :func:`default_weka_dir`.
WEKA_DIR_ENV = "METAAUTOML_WEKA_DIR"
#: Environment variable that overrides :func:`default_rdata_dir`.
RDATA_DIR_ENV = "METAAUTOML_RDATA_DIR"


def default_manifest_path() -> Path:
    """The manifest that ships with metaautoml (``corpus.json``, package data of this package)."""
    return Path(__file__).with_name("corpus.json")


#: The manifest :func:`~metaautoml.corpus.load_manifest` reads when it is given no path.
DEFAULT_MANIFEST = default_manifest_path()


def default_corpus_dir() -> Path:
    """Directory of the UCI corpus: ``$METAAUTOML_CORPUS_DIR``, else ``../shared/corpus``
    relative to the current directory (the layout of the project's checkout)."""
    env = os.environ.get(CORPUS_DIR_ENV)
    return Path(env) if env else Path.cwd().parent / "shared" / "corpus"


def default_weka_dir() -> Path:
    """Directory of the weka ARFF files: ``$METAAUTOML_WEKA_DIR``, else ``meta_db/build/weka``
    relative to the current directory (where ``make metadb`` fetches them)."""
    env = os.environ.get(WEKA_DIR_ENV)
    return Path(env) if env else Path.cwd() / "meta_db" / "build" / "weka"


def default_rdata_dir() -> Path:
    """Directory of the installed R packages whose datasets the ``rdata`` source reads:
    ``$METAAUTOML_RDATA_DIR``, else ``meta_db/build/rdata`` relative to the current directory
    (where ``meta_db/fetch_rdata.sh`` installs them)."""
    env = os.environ.get(RDATA_DIR_ENV)
    return Path(env) if env else Path.cwd() / "meta_db" / "build" / "rdata"


def corpus_dir_or_default(corpus_dir: str | os.PathLike | None) -> Path:
    """``corpus_dir`` as a path, :func:`default_corpus_dir` when ``None``."""
    return Path(corpus_dir) if corpus_dir is not None else default_corpus_dir()


def weka_dir_or_default(weka_dir: str | os.PathLike | None) -> Path:
    """``weka_dir`` as a path, :func:`default_weka_dir` when ``None``."""
    return Path(weka_dir) if weka_dir is not None else default_weka_dir()


def rdata_dir_or_default(rdata_dir: str | os.PathLike | None) -> Path:
    """``rdata_dir`` as a path, :func:`default_rdata_dir` when ``None``."""
    return Path(rdata_dir) if rdata_dir is not None else default_rdata_dir()
