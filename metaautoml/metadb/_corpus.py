"""Temporary re-export: the corpus moved to :mod:`metaautoml.corpus`.

Only ``metaautoml/benchmark/_live.py`` still imports this module; delete it once that file
imports from :mod:`metaautoml.corpus`.
"""

from ..corpus import default_manifest_path, load_dataset, load_manifest  # noqa: F401
