"""`python -m digestkit`: the same as the `digestkit` console script."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
