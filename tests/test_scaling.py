"""No super-linear blow-ups: parse time and memory grow at most linearly with the input.

Every check compares two measurements of the same run, never a time against a constant:

* the corpus at 1x, 4x and 16x (a fixed subset, every SUBSET_STEP-th file, about 1.6 MB at 1x,
  so that 16x stays near 25 MB; the full corpus at 16x would be ~150 MB of text and several GB
  of models, too much for CI): time(kx) / time(1x) <= k * SLACK, tracemalloc peak likewise;
* streaming conversion of 1 and 4 copies of the subset: peak memory stays flat;
* pathological inputs at a quarter of their size and at full size: time(4x) / time(1x) <=
  4 * SLACK, and at full size time <= ORDINARY_FACTOR * time(ordinary digest text of the
  quarter size) * 4, so a slow constant cannot hide behind a linear curve either (ordinary text
  is linear, the corpus test shows it; timing it at the quarter size saves most of its cost);
  memory, which load does not disturb, at a sixteenth and a quarter of the size (the long
  profile: a quarter and full size).

Every comparison is load-independent: each figure is this process's CPU time (`process_time`,
which other processes on a busy machine do not add to), and the inputs compared are measured
interleaved in one test (small, large, baseline, small, large, baseline, ...), each keeping its
minimum, so a burst of load or a slower core that lasts affects every side alike. The margins
are wide: a quadratic step at these sizes would be off by 100x.
"""

from __future__ import annotations

import gc
import io
import time
import tracemalloc
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest

import digestkit
from digestkit import DigestDocument
from digestkit.markdown.fields import LITERAL_LIMIT

from .strategies import LONG

pytestmark = pytest.mark.corpus

SLACK = 2.0
"""Allowed excess over linear growth (noise, cache effects, the DK113 duplicate index)."""
ORDINARY_FACTOR = 10.0
"""How much slower than ordinary digest text of the same size a pathological input may be."""
FLOOR = 0.01
"""Seconds added to every limit: timer and scheduler noise on inputs that parse in a few ms."""
BYTES_PER_BYTE = 150
"""Peak memory per input byte allowed for any input. The costliest measured: a malformed 2 MB
`Authors:` list literal (~92 B/B while Python's parser builds its tree before failing) and
100,000 one-line summary items (~46 B/B: a model, a chunk and list entries per 20-byte line).
The corpus subset takes ~17 B/B."""
RUNS = 2
MEMORY_SHARE = 1 if LONG else 4
"""The pathological memory checks run at full size / MEMORY_SHARE (full size: the long profile)."""
SUBSET_STEP = 6

HEAD = b"## Daily Papers (2024-01-01)\n\n### [T](https://arxiv.org/abs/2401.00001)\n\n"


def cpu_times(*actions: Callable[[], object], runs: int = RUNS) -> list[float]:
    """The minimum CPU time of each action, the actions run interleaved `runs` times."""
    best = [float("inf")] * len(actions)
    for _ in range(runs):
        for index, action in enumerate(actions):
            gc.collect()
            start = time.process_time()
            action()
            best[index] = min(best[index], time.process_time() - start)
    return best


def parse_times(*inputs: bytes, runs: int = RUNS) -> list[float]:
    """`cpu_times` of parsing each input."""
    return cpu_times(*(lambda data=data: digestkit.parse_bytes(data) for data in inputs), runs=runs)


def peak_memory(action: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(autouse=True)
def _frozen_heap() -> Iterator[None]:
    """What other tests left in this worker (the session's parsed corpus among them) frozen out
    of the collector for the test: every collection, `cpu_times`' own and the automatic ones
    during a parse, walks only what the test makes. The figures then do not depend on what ran
    before, and the module costs what it costs alone (after tests/test_corpus.py: 81 s -> 34 s
    CPU)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@cache
def subset_files(root: Path) -> tuple[bytes, ...]:
    files = sorted(root.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9].md"))
    return tuple(path.read_bytes() for path in files[::SUBSET_STEP])


@pytest.fixture(scope="module")
def subset(corpus: list[Path]) -> tuple[bytes, ...]:
    files = subset_files(corpus[0].parents[2])
    assert 1_000_000 < sum(map(len, files)) < 4_000_000
    return files


def ordinary(subset: tuple[bytes, ...], size: int) -> bytes:
    """Real digest text of about `size` bytes, cut at a line end."""
    one = b"".join(subset)
    data = one * (size // len(one) + 1)
    return data[: data.rfind(b"\n", 0, size) + 1]


# -- the corpus at 1x, 4x, 16x ---------------------------------------------------------------


def test_parse_time_grows_linearly_with_the_corpus(subset: tuple[bytes, ...]) -> None:
    one = b"".join(subset)
    times = dict(zip((1, 4, 16), parse_times(one, one * 4, one * 16), strict=True))
    assert times[4] <= 4 * SLACK * times[1] + FLOOR, times
    assert times[16] <= 16 * SLACK * times[1] + FLOOR, times


def test_parse_memory_grows_linearly_with_the_corpus(subset: tuple[bytes, ...]) -> None:
    one = b"".join(subset)

    def parse(copies: int) -> Callable[[], object]:
        return lambda: digestkit.parse_bytes(one * copies)

    peaks = {k: peak_memory(parse(k)) for k in (1, 4)}
    assert peaks[4] <= 4 * SLACK * peaks[1], peaks
    # Bounded per byte, too: the models of a digest are a small multiple of its text.
    assert peaks[4] <= 30 * len(one) * 4, peaks


class _Discard(io.StringIO):
    """A text stream that keeps nothing, so only the converter's own memory is measured."""

    def write(self, text: str) -> int:
        return len(text)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "markdown"])
def test_streaming_conversion_memory_stays_flat(subset: tuple[bytes, ...], fmt: str) -> None:
    # `digestkit convert` feeds writers a generator of parsed files; memory is one document.
    def convert(copies: int) -> None:
        documents: Iterator[DigestDocument] = (
            digestkit.parse_bytes(data) for _ in range(copies) for data in subset
        )
        digestkit.dump(documents, _Discard(), fmt)

    one, four = peak_memory(lambda: convert(1)), peak_memory(lambda: convert(4))
    assert four <= 1.5 * one, (one, four)


# -- pathological inputs -------------------------------------------------------------------------


def _authors(n: int) -> bytes:
    return b", ".join(b"Author Number%d" % i for i in range(n))


def _authors_list(n: int, tail: bytes = b"") -> bytes:
    return b"[" + b", ".join(b"'Author Number%d'" % i for i in range(n)) + tail + b"]"


# name -> (builder of an input with a size parameter n, full n). Full sizes are the issue's.
PATHOLOGICAL: dict[str, tuple[Callable[[int], bytes], int]] = {
    "5 MB summary line": (lambda n: HEAD + b"- " + b"word " * (n // 5) + b"\n", 5_000_000),
    "5 MB text line": (lambda n: HEAD + b"x" * n + b"\n", 5_000_000),
    "5 MB title": (
        lambda n: HEAD[:30] + b"### [" + b"a](b) " * (n // 6) + b"](u)\n",
        5_000_000,
    ),
    "100,000 [ in a title": (lambda n: HEAD[:30] + b"### [" + b"[" * n + b"](u)\n", 100_000),
    "10,000 nested list levels on one line": (lambda n: HEAD + b"- " * n + b"x\n", 10_000),
    "1,000 nested list levels by indentation": (
        lambda n: HEAD + b"- x\n" + b"".join(b"  " * i + b"- x\n" for i in range(1, n)),
        1_000,
    ),
    "100,000 authors on one line": (lambda n: HEAD + b"Authors: " + _authors(n) + b"\n", 100_000),
    "100,000 authors as a list": (
        lambda n: HEAD + b"Authors: " + _authors_list(n) + b"\n",
        100_000,
    ),
    "100,000 authors in a broken list": (
        lambda n: HEAD + b"Authors: " + _authors_list(n, b",, ") + b"\n",
        100_000,
    ),
    "unterminated <video with 1 MB of lines": (
        lambda n: HEAD + b"<video\n" + b"a line of the html block\n" * (n // 25),
        1_000_000,
    ),
    "unterminated <!-- with 1 MB of lines": (
        lambda n: HEAD + b"<!--\n" + b"a line of the html block\n" * (n // 25),
        1_000_000,
    ),
    "100,000 nested <div>": (
        lambda n: HEAD + b"<div>" * n + b"<video src='v.mp4'>" + b"</div>" * n + b"\n",
        100_000,
    ),
    "1 MB label": (lambda n: HEAD + b"- ***" + b"L" * n + b"***: x\n", 1_000_000),
    "1 MB unclosed label": (lambda n: HEAD + b"- **" + b"L" * n + b": x\n", 1_000_000),
    "label lead-in of 100,000 delimiters": (lambda n: HEAD + b"- " + b"*a" * n + b": x\n", 100_000),
    "100,000 summary items": (lambda n: HEAD + b"- ***L***: the item\n" * n, 100_000),
    "5 MB Vote line": (lambda n: HEAD + b"Vote: " + b"9" * n + b"\n", 5_000_000),
    # The active-content scan (DK220-DK223): findings by the thousand on one line, a tag that
    # never closes, a quote that never closes, link targets end to end.
    "100,000 <script> tags on one line, some in code spans": (
        lambda n: HEAD + b"- " + b"`<script>` x <script> " * (n // 2) + b"\n",
        100_000,
    ),
    "100,000 javascript: links on one line": (
        lambda n: HEAD + b"- " + b"[x](javascript:a) " * n + b"\n",
        100_000,
    ),
    "unclosed tag with 1 MB of attributes": (
        lambda n: HEAD + b"- <a " + b"onx=1 " * (n // 6) + b"\n",
        1_000_000,
    ),
    # In an HTML block, so the browser's tokenizer reads the quote (inline, `<a href="` is text
    # and each `<b onclick=x>` a live tag: a finding each, the cost of the next input's kind).
    "unclosed quote in a tag with 1 MB after it": (
        lambda n: HEAD + b'<div><a href="' + b"<b onclick=x> " * (n // 14) + b"\n",
        1_000_000,
    ),
    # Inline, an incomplete tag is text and the scan reads on after its `<`: each `<b` is
    # tried again, and none may cost the rest of the line.
    "100,000 incomplete tags after an unclosed quote": (
        lambda n: HEAD + b'- <a title="x ' + b"<b " * n + b"\n",
        100_000,
    ),
    "100,000 link targets end to end": (lambda n: HEAD + b"- " + b"](" * n + b"\n", 100_000),
    # For the HTML writer's Markdown renderer (mistune) as much as for the parser: link syntax
    # that never closes, nested emphasis, and an item holding a list nested 2,000 deep (4 MB).
    "[x]( repeated in a 100 kB item": (
        lambda n: HEAD + b"- " + b"[x](" * (n // 4) + b"\n",
        100_000,
    ),
    "nested emphasis in a 100 kB item": (
        lambda n: HEAD + b"- " + b"*a " * (n // 6) + b"x" + b" a*" * (n // 6) + b"\n",
        100_000,
    ),
    "4 MB item nested 2,000 levels by indentation": (
        lambda n: HEAD + b"- x\n" + b"".join(b"  " * i + b"- x\n" for i in range(1, n)),
        2_000,
    ),
}
MANY_PAPERS = 20_000
"""Papers are the costliest unit (a model and up to four diagnostics each): linear only."""


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_parses_in_linear_time(name: str, subset: tuple[bytes, ...]) -> None:
    build, full = PATHOLOGICAL[name]
    small, large = build(full // 4), build(full)
    growth = len(large) / len(small)  # about 4, except where size is not linear in n
    t_small, t_large, t_ordinary = parse_times(small, large, ordinary(subset, len(small)))
    assert t_large <= growth * SLACK * t_small + FLOOR, (t_small, t_large, growth)
    assert t_large <= ORDINARY_FACTOR * growth * t_ordinary + FLOOR, (t_large, t_ordinary, growth)


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_parses_in_linear_memory(name: str) -> None:
    """At a sixteenth and a quarter of the full size (the long profile: a quarter and full):
    tracemalloc's figures do not depend on the machine's load, so the smaller sizes separate
    linear from quadratic growth as well, in a quarter of the time (tracemalloc makes a parse
    several times slower)."""
    build, full = PATHOLOGICAL[name]
    full //= MEMORY_SHARE
    small, large = build(full // 4), build(full)
    p_small = peak_memory(lambda: digestkit.parse_bytes(small))
    p_large = peak_memory(lambda: digestkit.parse_bytes(large))
    growth = len(large) / len(small)
    assert p_large <= growth * SLACK * p_small, (p_small, p_large, growth)
    assert p_large <= BYTES_PER_BYTE * len(large) + 1_000_000, (p_large, len(large))


def html_times(*documents: DigestDocument, runs: int = RUNS) -> list[float]:
    """`cpu_times` of writing each document as HTML."""
    return cpu_times(
        *(lambda d=document: digestkit.dump(d, _Discard(), "html") for document in documents),
        runs=runs,
    )


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_renders_to_html_in_linear_time(
    name: str, subset: tuple[bytes, ...]
) -> None:
    """The HTML writer (mistune for summaries) on the same inputs, parsed beforehand: linear in
    the input, and at most ORDINARY_FACTOR times the HTML of ordinary digest text."""
    build, full = PATHOLOGICAL[name]
    small, large = build(full // 4), build(full)
    growth = len(large) / len(small)
    documents = [digestkit.parse_bytes(data) for data in (small, large)]
    documents.append(digestkit.parse_bytes(ordinary(subset, len(small))))
    t_small, t_large, t_ordinary = html_times(*documents)
    assert t_large <= growth * SLACK * t_small + FLOOR, (t_small, t_large, growth)
    assert t_large <= ORDINARY_FACTOR * growth * t_ordinary + FLOOR, (t_large, t_ordinary, growth)


@pytest.mark.parametrize("name", [name for name in PATHOLOGICAL if "item" in name])
def test_pathological_summary_renders_to_html_in_linear_memory(name: str) -> None:
    build, full = PATHOLOGICAL[name]
    small, large = build(full // 4), build(full)
    growth = len(large) / len(small)
    documents = digestkit.parse_bytes(small), digestkit.parse_bytes(large)
    p_small, p_large = (
        peak_memory(lambda d=document: digestkit.dump(d, _Discard(), "html"))  # type: ignore[misc]
        for document in documents
    )
    assert p_large <= growth * SLACK * p_small + 1_000_000, (p_small, p_large, growth)
    assert p_large <= BYTES_PER_BYTE * len(large) + 1_000_000, (p_large, len(large))


def test_many_papers_parse_in_linear_time() -> None:
    def build(n: int) -> bytes:
        papers = b"".join(
            b"### [Paper %d](https://arxiv.org/abs/2401.%05d)\n\n- point\n\n" % (i, i)
            for i in range(n)
        )
        return HEAD[:30] + papers

    t_small, t_large = parse_times(build(MANY_PAPERS // 4), build(MANY_PAPERS))
    assert t_large <= 4 * SLACK * t_small + FLOOR, (t_small, t_large)


def test_long_malformed_author_list_is_split_without_pythons_parser() -> None:
    # Found by this module: a malformed 2 MB list literal went through ast.literal_eval,
    # 200 MB and 7x ordinary text. Over LITERAL_LIMIT it is split on commas directly.
    line = HEAD + b"Authors: " + _authors_list(20_000, b', "x\\"y"') + b"\n"
    assert len(line) > LITERAL_LIMIT
    doc = digestkit.parse_bytes(line)
    assert len(doc.papers[0].authors) == 20_001
    assert doc.papers[0].authors[:2] == ["Author Number0", "Author Number1"]
    assert "DK213" in {d.code for d in doc.diagnostics}


# -- memory a parsed paper costs (issue 13: <= 3 kB a small paper, <= 15 B/B on the corpus) ----
PAPER_BYTES = 3000
"""Peak tracemalloc bytes per minimal paper allowed while parsing (measured ~2.6 kB)."""
CORPUS_BYTES_PER_BYTE = 15
"""Peak tracemalloc bytes per input byte allowed on corpus text (measured ~6 B/B)."""


def minimal_papers(count: int) -> bytes:
    """A digest of `count` papers with one field line each and one summary item."""
    papers = (
        f"### [Paper {i}](https://arxiv.org/abs/2401.{i:05d})\n![](https://x.org/{i}.png)\n"
        f"Vote: {i}\nAuthors: ['A B']\n\n- ***What's New***: text {i}\n\n"
        for i in range(count)
    )
    return ("## Daily Papers (2024-01-02)\n\n" + "".join(papers)).encode()


def test_a_small_paper_costs_at_most_3_kb() -> None:
    count = 5000
    data = minimal_papers(count)
    kept: list[DigestDocument] = []
    peak = peak_memory(lambda: kept.append(digestkit.parse_bytes(data)))
    assert len(kept[0].papers) == count
    assert peak / count <= PAPER_BYTES, f"{peak / count:.0f} B a paper"


def test_corpus_text_costs_at_most_15_bytes_a_byte(subset: tuple[bytes, ...]) -> None:
    one = b"".join(subset)
    peak = peak_memory(lambda: digestkit.parse_bytes(one))
    assert peak / len(one) <= CORPUS_BYTES_PER_BYTE, f"{peak / len(one):.1f} B/B"
