"""The `digestkit` command line: `app` wires argparse to one module per command.

`digestkit.cli:main` is the console script (pyproject) and `python -m digestkit` runs it too;
each command's module (`convert`, `validate`, `fmt`, `diff`) is imported only when it runs, and
`common`, `files`, `split_folder` and `jobs` serve them.
"""

from .app import build_parser, main

__all__ = ["build_parser", "main"]
