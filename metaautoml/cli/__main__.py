"""``python -m metaautoml.cli``: the same as the ``metaautoml`` console script."""

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
