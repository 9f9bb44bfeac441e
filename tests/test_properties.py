"""Property tests: generated models survive Markdown and JSON, and no text makes parse raise.

The strategies (tests/strategies.py) stay within what digest Markdown can carry; the limits are
listed there. Settings come from the `digestkit` hypothesis profile (deadline off, moderate
example counts so the module runs in well under 30 s). Cases that hypothesis found and that
are parser or writer bugs are pinned as plain tests at the end, and kept out of the properties
with `assume` so the properties keep searching for new problems.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from pydantic import ValidationError

import digestkit
from digestkit import DailyDigest, DigestDocument, Media, Paper, SummaryItem
from digestkit.formats import markdown

from .conftest import FIXTURES
from .strategies import PROFILE, digest_like_text, documents, examples, papers

FIELDS = ("title", "url", "media", "votes", "authors", "summary")


def _doc(*papers: Paper, preamble: str = "", epilogue: str = "") -> DigestDocument:
    digest = DailyDigest(date=dt.date(2024, 1, 10), papers=list(papers), epilogue=epilogue)
    return DigestDocument(digests=[digest], preamble=preamble)


def _paper(**fields: object) -> Paper:
    values: dict[str, object] = {"title": "T", "url": "https://arxiv.org/abs/2401.00001"}
    values.update(fields)
    return Paper.model_validate(values)


def _positions_inside(doc: DigestDocument, text: str) -> None:
    lines = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))  # CommonMark's line endings
    for d in doc.diagnostics:
        assert 1 <= d.line <= len(lines), d
        assert 1 <= d.col <= len(lines[d.line - 1]) + 1, d


def _double_bom(text: str) -> bool:
    """A preamble that itself starts with U+FEFF: see test_preamble_starting_with_u_feff_*."""
    return text.startswith("\ufeff\ufeff")


TRICKY = _doc(
    _paper(
        title="A [IDK] $x$ ](y) <think> & \\ * _",
        authors=["[x", "y]"],
        summary=[SummaryItem(label="Key: k", text="a\n\n \n  b\n\tc")],
    ),
    _paper(
        title=") (",
        url="https://example.org/a)b",
        media=Media(kind="video", url='https://example.org/"v".mp4'),
        votes=0,
        authors=["Li, Wei", "O'Neil", 'Say "hi"', "a\\b"],
        summary=[SummaryItem(text=""), SummaryItem(text="\nnext"), SummaryItem(label="L", text="")],
    ),
    preamble="# Title\n\nVote: 3\n- list\n",
    epilogue="## License\n\n### Notes\n",
)


@examples(0.5)
@given(documents())
@example(TRICKY)
def test_canonical_markdown_round_trip(doc: DigestDocument) -> None:
    text = markdown.canonical(doc)
    again = digestkit.parse(text)
    assert again == doc
    # The only errors canonical text can have are the data's own active content (a generated
    # `data:` media URL, a `<script>` in a summary), which `validate` must report.
    assert {d.code for d in again.errors} <= {"DK220", "DK221", "DK222", "DK223"}
    assert markdown.canonical(again) == text


@examples(0.5)
@given(documents())
@example(TRICKY)
def test_faithful_markdown_of_parsed_text_is_byte_exact(doc: DigestDocument) -> None:
    text = markdown.canonical(doc)
    assert markdown.faithful(digestkit.parse(text)) == text


@examples(0.5)
@given(documents())
@example(TRICKY)
def test_json_round_trip(doc: DigestDocument) -> None:
    assert DigestDocument.model_validate_json(doc.model_dump_json()) == doc
    parsed = digestkit.parse(markdown.canonical(doc))
    assert DigestDocument.model_validate_json(parsed.model_dump_json()) == parsed


@PROFILE
@given(digest_like_text())
@example("")
@example("\ufeff")
@example("\ufeff\ufeff")
@example("\r\n")
@example("## Daily Papers (2024-01-01)\r\n\r\n### [T](u)\r\n- a\r")
@example("## Daily Papers (2024-01-01)\n\n### [T](u)\n\n- a\x0cb\n\n### x\n- b")
@example("## Daily Papers (2024-01-01)\n\n### [T](u)\n\nVote: " + "9" * 5000 + "\n")
@example("## Daily Papers (2024-01-01)\n\n### [T](u)\n\nAuthors: " + "[" * 400 + "]" * 400)
def test_parse_never_raises_and_faithful_is_byte_exact(text: str) -> None:
    doc = digestkit.parse(text)
    assert markdown.faithful(doc) == text
    _positions_inside(doc, text)


@PROFILE
@given(digest_like_text())
def test_parsed_text_survives_json_and_canonical_markdown(text: str) -> None:
    assume(not _double_bom(text))
    assume("\x00" not in text)  # no digest file holds NUL: Markdown writers refuse to write it
    doc = digestkit.parse(text)
    assert DigestDocument.model_validate_json(doc.model_dump_json()) == doc
    # `digestkit fmt` relies on this: canonical output reads back as the same document.
    assert digestkit.parse(markdown.canonical(doc)) == doc


@PROFILE
@given(
    st.sampled_from(sorted(FIXTURES.glob("*.md"))),
    papers(),
    st.sets(st.sampled_from(FIELDS), min_size=1),
    st.data(),
)
def test_faithful_markdown_reads_back_edits(
    path: Path, new: Paper, fields: set[str], data: st.DataObject
) -> None:
    # Edit any fields of one paper of a hand-written fixture (odd layouts included): faithful
    # output must read back as the edited document.
    doc = digestkit.parse_file(path)
    target = doc.papers[data.draw(st.integers(0, len(doc.papers) - 1))]
    for name in fields:
        setattr(target, name, getattr(new, name))
    assert digestkit.parse(markdown.faithful(doc)) == doc


# -- pinned cases: bugs found by hypothesis (each fails until its fix lands) ------------------


def _round_trips_or_is_rejected(**fields: object) -> None:
    """A model that validates must come back from canonical Markdown unchanged."""
    try:
        paper = _paper(**fields)
    except ValidationError:
        return  # the model refusing what Markdown cannot carry is a fine fix too
    again = digestkit.parse(markdown.canonical(_doc(paper)))
    assert again.papers == [paper]


def test_preamble_starting_with_u_feff_survives_canonical_markdown() -> None:
    # A file with a BOM whose text starts with another U+FEFF: the second one is content.
    doc = digestkit.parse("\ufeff\ufeff# Notes\n")
    assert doc.preamble == "\ufeff# Notes\n"
    assert digestkit.parse(markdown.canonical(doc)) == doc


def test_nineteen_digit_vote_round_trips_or_is_rejected() -> None:
    _round_trips_or_is_rejected(votes=10**18)


@pytest.mark.parametrize("char", ["\x1c", "\x1f"])
def test_author_ending_in_a_separator_control_round_trips_or_is_rejected(char: str) -> None:
    # Python's str.strip() (the reader) strips U+001C..U+001F; the model's `\S` does not.
    _round_trips_or_is_rejected(authors=[f"Ann{char}", "Bo"])


@pytest.mark.parametrize("char", ["\x1c", "\x1f"])
def test_label_ending_in_a_separator_control_round_trips_or_is_rejected(char: str) -> None:
    # A dict, so that the model's validation happens inside the helper.
    _round_trips_or_is_rejected(summary=[{"label": f"Key{char}", "text": "x"}])
