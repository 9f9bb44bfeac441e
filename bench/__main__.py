"""`python -m bench` from the repository root: the same run as `python bench/bench.py`.

Runs the script by its path with this folder first on `sys.path`, as a script run has it, so
`measures` imports the same way in both."""

import runpy
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().with_name("bench.py")
sys.path.insert(0, str(SCRIPT.parent))
sys.argv[0] = str(SCRIPT)
runpy.run_path(str(SCRIPT), run_name="__main__")
