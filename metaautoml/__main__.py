"""``python -m metaautoml``: the same as the ``metaautoml`` console script."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
