"""The ``metaautoml`` command-line interface.

``metaautoml fit`` searches for the best pipeline on a CSV file and saves it, ``metaautoml
predict`` applies a saved model to another CSV file, and ``metaautoml metafeatures`` prints the
meta-features that describe a dataset. See ``docs/cli.md`` and ``metaautoml COMMAND --help``.

Heavy libraries (pandas, scikit-learn, Optuna, torch) are imported only when a command runs, so
``metaautoml --help`` answers at once.
"""

from ._main import COMMANDS, build_parser, main

__all__ = ["COMMANDS", "build_parser", "main"]
