"""Coverage-guided fuzzing of `digestkit.parse_bytes` and every writer with atheris (libFuzzer).

Each input must keep the properties of `tests/mutations.py::check_bytes`; a failed assertion or
any other exception is a crash that libFuzzer saves as `crash-<sha1>` for reproduction. Half the
mutations are digestkit's own line-level operators (delete, duplicate, swap, truncate, insert
bytes, break links and HTML, ...), half are libFuzzer's byte-level ones.

    python fuzz/atheris_parse.py WORK_DIR SEED_DIR... [libFuzzer flags]
    DIGESTKIT_FUZZ_TARGET=hf-json python fuzz/atheris_parse.py WORK_DIR HF_SEED_DIR... [flags]

The default target is the Markdown reader and every writer (`check_bytes`, then the HTML and
Hugging Face JSON writers: `check_more_writers`); `hf-json` fuzzes the Hugging Face JSON reader
and the Markdown written from what it reads (`check_hf_json_bytes`).

WORK_DIR receives the inputs libFuzzer finds interesting (it must be writable: never pass the
shared corpus first); the SEED_DIRs (such as the digest corpus) are only read. fuzz/README.md
has the details.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.mutations

with atheris.instrument_imports(include=["digestkit"]):
    import digestkit.api
    import digestkit.formats.bibtex
    import digestkit.formats.csv_format
    import digestkit.formats.hf_json
    import digestkit.formats.hf_json.daily_papers
    import digestkit.formats.html
    import digestkit.formats.json_format
    import digestkit.formats.jsonl
    import digestkit.formats.markdown
    import digestkit.markdown.build
    import digestkit.markdown.fields
    import digestkit.markdown.labels
    import digestkit.markdown.paper_block
    import digestkit.markdown.scan
    import digestkit.markdown.source  # noqa: F401

from tests import mutations

OPERATORS = sorted(mutations.OPERATORS)
TARGET = os.environ.get("DIGESTKIT_FUZZ_TARGET", "markdown")


def test_one_input(data: bytes) -> None:
    if TARGET == "hf-json":
        mutations.check_hf_json_bytes(data)
        return
    doc = mutations.check_bytes(data)
    if doc is not None:
        mutations.check_more_writers(doc)


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
