"""Mutation fuzzing over real digests: whatever happens to the bytes, parsing never crashes.

Hypothesis picks a corpus file (or a hand-written fixture), one to four mutation operators from
`tests/mutations.py` and every position they use, so a failure shrinks to the fewest, smallest
mutations and reproduces from its seed. Each mutated input must keep the properties of
`mutations.check_bytes`: the tolerant parse raises only DK001 for bytes that are not text, strict
mode raises only `DigestError` and only for errors, every diagnostic points inside the file,
faithful Markdown gives the bytes back, and every paper survives every writer.

Example counts come from the `digestkit` hypothesis profile (x4 here, since each example is
cheap); `DIGESTKIT_HYPOTHESIS_PROFILE=digestkit-long` searches deeper. fuzz/README.md describes
long sessions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import digestkit
from digestkit.formats import markdown

from . import mutations
from .conftest import FIXTURES
from .strategies import PROFILE

pytestmark = pytest.mark.corpus

T = TypeVar("T")
SCALE = 4
EXAMPLES = PROFILE.max_examples * SCALE


class HypothesisDraw:
    """`mutations.Draw` backed by hypothesis, so every choice shrinks."""

    def __init__(self, data: st.DataObject):
        self.data = data

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))

    def pick(self, options: Sequence[T]) -> T:
        return self.data.draw(st.sampled_from(options))


@cache
def _read(path: Path) -> bytes:
    return path.read_bytes()


def _seeds(corpus: list[Path]) -> list[Path]:
    return [*sorted(FIXTURES.glob("*.md")), *corpus]


def _run(seeds: list[Path], check: Any) -> Counter[str]:
    """Run `check(data, stats)` over mutated seeds under the profile; return the statistics."""
    stats: Counter[str] = Counter()

    @settings(PROFILE, max_examples=EXAMPLES)
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(seeds), label="seed")
        names = data.draw(
            st.lists(st.sampled_from(sorted(mutations.OPERATORS)), min_size=1, max_size=4),
            label="operators",
        )
        mutated = mutations.mutate(_read(path), HypothesisDraw(data), names)
        stats["examples"] += 1
        stats.update(f"op:{name}" for name in names)
        check(mutated, stats)

    fuzz()
    return stats


def _report(capsys: pytest.CaptureFixture[str], name: str, stats: Counter[str]) -> None:
    with capsys.disabled():
        ops = ", ".join(f"{k[3:]}={v}" for k, v in sorted(stats.items()) if k.startswith("op:"))
        rest = ", ".join(f"{k}={v}" for k, v in sorted(stats.items()) if not k.startswith("op:"))
        print(f"\n[fuzz] {name}: {rest}; operators: {ops}")


def test_mutated_digests_keep_every_property(
    corpus: list[Path], capsys: pytest.CaptureFixture[str], record_property: Any
) -> None:
    def check(data: bytes, stats: Counter[str]) -> None:
        doc = mutations.check_bytes(data)
        if doc is None:
            stats["refused_dk001"] += 1
        else:
            stats["papers"] += len(doc.papers)
            stats["with_errors"] += bool(doc.errors)
            stats["layout_only"] += mutations.layout_only(doc)

    stats = _run(_seeds(corpus), check)
    _report(capsys, "mutated digests", stats)
    record_property("fuzz_examples", stats["examples"])
    # The search really ran, and reached both sides of each property.
    assert stats["examples"] >= EXAMPLES // 2
    assert stats["refused_dk001"] > 0
    assert stats["with_errors"] > 0
    assert stats["examples"] - stats["refused_dk001"] > stats["examples"] // 2


# -- regressions found by fuzzing (each failed before its fix) ----------------------------------


def test_undated_heading_ending_in_cr_is_canonical_after_one_pass() -> None:
    # atheris: `## Daily Papers (...)- ot\r\r\n` (a CRLF line with one more `\r`). Canonical
    # output wrote the heading with its `\r`, which read back as a CRLF ending, so a second
    # `fmt` changed the file again.
    text = "## Daily Papers (soon)\r\r\n\n### [T](https://arxiv.org/abs/2401.00001)\n"
    once = markdown.canonical(digestkit.parse(text))
    assert markdown.canonical(digestkit.parse(once)) == once
    assert mutations.check_bytes(text.encode()) is not None


@pytest.mark.parametrize(
    "line",
    [
        "### [T]([x](y)https://arxiv.org/abs/2411.18203)",  # atheris: a `](` in the destination
        "### [T](<a b>)",
        "### [T](<a\\ b>)",
        "### [T](<a](b>)",
    ],
)
def test_a_heading_url_no_paper_can_hold_is_reported_not_raised(line: str) -> None:
    # atheris found `### [Title]([x](y)https://...)`: CommonMark reads a link whose destination
    # holds `](`, which `Paper.url` cannot hold, and the tolerant parse raised pydantic's
    # ValidationError. Such a heading is no paper heading: it is reported (DK111).
    doc = digestkit.parse(f"## Daily Papers (2024-11-29)\n\n{line}\n\nVote: 1\n")
    assert doc.papers == []
    assert "DK111" in {d.code for d in doc.diagnostics}
    assert mutations.check_bytes(f"## Daily Papers (2024-11-29)\n\n{line}\n".encode())


@pytest.mark.parametrize(
    "media", ["![](<a b>)", "![](<>)", "[Watch Video](<a b>)", "[Watch Video](<>)", "[](<a b.mp4>)"]
)
def test_a_media_url_no_media_can_hold_is_reported_not_raised(media: str) -> None:
    # Found with the same class: an angle-bracket destination may be empty or hold spaces,
    # which `Media.url` cannot; the line is reported (DK112) instead of raising.
    text = f"## Daily Papers (2024-11-29)\n\n### [T](https://arxiv.org/abs/2411.18203)\n\n{media}\n"
    doc = digestkit.parse(text)
    assert doc.papers[0].media is None
    assert ("DK112", 5) in {(d.code, d.line) for d in doc.diagnostics}
    assert mutations.check_bytes(text.encode())


def test_undated_setext_digest_heading_stays_a_heading_in_canonical_output() -> None:
    # atheris: `Daily Papers (2025-02-06\u0301)` underlined with `---` is a digest whose date
    # cannot be read. Canonical output kept the heading line without its underline, so it read
    # back as text and the digest was lost.
    text = "Intro.\n\nDaily Papers (2025-02-06\u0301)\n---\n\n### [T](https://arxiv.org/abs/2502.00031)\n"
    doc = digestkit.parse(text)
    assert [d.date for d in doc.digests] == [None]
    canonical = markdown.canonical(doc)
    assert digestkit.parse(canonical) == doc
    assert mutations.check_bytes(text.encode()) is not None
