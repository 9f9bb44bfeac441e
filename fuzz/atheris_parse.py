"""Coverage-guided fuzzing of `digestkit.parse_bytes` and every writer with atheris (libFuzzer).

Each input must keep the properties of `tests/mutations.py::check_bytes`; a failed assertion or
any other exception is a crash that libFuzzer saves as `crash-<sha1>` for reproduction. Half the
mutations are digestkit's own line-level operators (delete, duplicate, swap, truncate, insert
bytes, break links and HTML, ...), half are libFuzzer's byte-level ones.

    python fuzz/atheris_parse.py WORK_DIR SEED_DIR... [libFuzzer flags]

WORK_DIR receives the inputs libFuzzer finds interesting (it must be writable: never pass the
shared corpus first); the SEED_DIRs (such as the digest corpus) are only read. fuzz/README.md
has the details.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.mutations

with atheris.instrument_imports(include=["digestkit"]):
    import digestkit.api
    import digestkit.build
    import digestkit.fields
    import digestkit.labels
    import digestkit.paper_block
    import digestkit.scan
    import digestkit.source
    import digestkit.writers.bibtex
    import digestkit.writers.csv_format
    import digestkit.writers.json_format
    import digestkit.writers.jsonl
    import digestkit.writers.markdown  # noqa: F401

from tests import mutations

OPERATORS = sorted(mutations.OPERATORS)


def test_one_input(data: bytes) -> None:
    mutations.check_bytes(data)


def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    """digestkit's line-level operators for half the seeds, libFuzzer's byte-level ones else."""
    rnd = random.Random(seed)
    if rnd.random() < 0.5:
        return bytes(atheris.Mutate(data, max_size))
    draw = mutations.RandomDraw(rnd)
    names = [draw.pick(OPERATORS) for _ in range(draw.integer(1, 3))]
    return mutations.mutate(data, draw, names)[:max_size]


def main() -> None:
    atheris.Setup(sys.argv, test_one_input, custom_mutator=custom_mutator)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
