"""The block-aware reader on hand-made fixtures (tests/fixtures/blocks): what each construct
hides or shows, the diagnostics that say so, byte-exact faithful output, and canonical output
that CommonMark reads as the same papers."""

from __future__ import annotations

from pathlib import Path

import pytest

import digestkit

from ..commonmark_reference import read
from ..conftest import FIXTURES

BLOCKS = FIXTURES / "blocks"
FILES = sorted(BLOCKS.glob("*.md"))
BLOCK_CODES = {f"DK{n}" for n in (114, 115, 116, 117, 118, 119, 120, 121, 122, 123)}


def parse(name: str) -> digestkit.DigestDocument:
    return digestkit.parse_file(BLOCKS / name)


def titles(document: digestkit.DigestDocument) -> list[str]:
    return [paper.title for paper in document.papers]


def codes(document: digestkit.DigestDocument) -> list[tuple[int, str]]:
    return [
        (d.line, d.code) for d in document.diagnostics if d.code[2] == "1" and d.code != "DK112"
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_faithful_output_is_byte_exact(path: Path) -> None:
    data = path.read_bytes()
    assert digestkit.dumps(digestkit.parse_file(path), "markdown").encode() == data


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_canonical_output_shows_the_same_papers(path: Path) -> None:
    """CommonMark shows canonical output's papers at the same URLs with the same votes, and
    digestkit reads the same titles back. (CommonMark's text of a title holding a code span
    changes: the writer escapes backticks, see docs/specification.md.)"""
    document = digestkit.parse_file(path)
    canonical = digestkit.dumps(document, "markdown", mode="canonical")
    before = read(path.read_text(encoding="utf-8"))
    after = read(canonical)
    assert [(p["url"], p["votes"], p["authors"] is None) for p in after] == [
        (p["url"], p["votes"], p["authors"] is None) for p in before
    ]
    again = digestkit.parse(canonical)
    assert [(p.title, p.url, p.votes, p.authors) for p in again.papers] == [
        (p.title, p.url, p.votes, p.authors) for p in document.papers
    ]


def test_code_blocks_hide_papers_and_say_so() -> None:
    document = parse("fences.md")
    assert titles(document) == ["Real One", "Second Real"]
    assert codes(document) == [
        (4, "DK118"),
        (6, "DK114"),
        (22, "DK114"),
        (26, "DK114"),
        (31, "DK116"),
        (41, "DK120"),
        (42, "DK114"),
    ]


def test_html_blocks_and_comments() -> None:
    document = parse("html.md")
    # `<details>` ends at its blank line, so the heading after it is a paper again; `<pre>`
    # runs across blank lines to `</pre>`; the `<div>` swallows the heading glued under it.
    assert titles(document) == ["Visible Paper", "Inside Details", "After Pre"]
    assert document.papers[0].votes == 4
    assert (4, "DK115") in codes(document) and (6, "DK119") in codes(document)
    assert (12, "DK115") in codes(document) and (29, "DK115") in codes(document)


def test_containers_indentation_and_closing_hashes() -> None:
    document = parse("containers.md")
    assert titles(document) == ["One Space Indent", "Closing Hashes", "Third"]
    assert document.papers[0].votes == 8  # `Vote: 77` continues the bullet's text
    assert document.papers[0].summary[-1].text == (
        "Item two\nVote: 77\n\n### [Nested After Lazy](https://arxiv.org/abs/2502.00026)"
    )
    assert codes(document) == [
        (3, "DK117"),
        (4, "DK119"),
        (14, "DK117"),
        (16, "DK121"),
        (18, "DK117"),
    ]


def test_setext_headings_open_and_end_digests() -> None:
    document = parse("setext.md")
    assert [(str(d.date), titles_of(d)) for d in document.digests] == [
        ("2025-02-06", ["Setext Digest Paper"]),
        ("None", ["After H1"]),
    ]


def titles_of(digest: digestkit.DailyDigest) -> list[str]:
    return [paper.title for paper in digest.papers]


def test_heading_links_as_commonmark_reads_them() -> None:
    document = parse("links.md")
    assert [(p.title, p.url) for p in document.papers] == [
        ("Angle Destination", "https://arxiv.org/abs/2502.00041"),
        ("With Title", "https://arxiv.org/abs/2502.00042"),
        ("Reference Paper", "https://arxiv.org/abs/2502.00043"),
        ("Collapsed", "https://arxiv.org/abs/2502.00044"),
        ("Escaped ] Bracket and [nested] ones", "https://arxiv.org/abs/2502.00045"),
        ("Code `]` span", "https://arxiv.org/abs/2502.00046"),
        ("Entity URL", "https://arxiv.org/abs/2502.00047?a=1&b=2"),
        ("Escaped URL", "https://arxiv.org/abs/2502.00048_x"),
        ("Relative", "/papers/2311.10770"),
        ("Parens", "https://example.org/a_(b)"),
    ]
    assert document.papers[8].arxiv_id == "2311.10770"
    dk111 = [d.line for d in document.diagnostics if d.code == "DK111"]
    assert dk111 == [19, 21]  # a second link; unbalanced brackets


def test_video_media_forms() -> None:
    document = parse("media.md")
    assert [(p.media.kind, p.media.url) for p in document.papers if p.media] == [
        ("video", "https://example.org/clip.mp4"),  # a video file in an image tag is the video
        ("video", "https://example.org/clip2.mp4"),
        ("image", "https://example.org/pic.png"),
        ("video", "https://example.org/clip.qt"),
        ("video", "https://example.org/CLIP.WEBM?raw=1"),  # any case, a query after the name
        ("image", "https://example.org/clip.mov.png"),  # the name must end as a video's
        ("video", "https://example.org/talk.mov"),  # alt text or not
    ]
    videos = [(d.line, d.code) for d in document.diagnostics if d.code in ("DK122", "DK123")]
    assert videos == [(5, "DK122"), (15, "DK123"), (37, "DK122"), (47, "DK122"), (67, "DK122")]
    canonical = digestkit.dumps(document, "markdown", mode="canonical")
    # `fmt` writes the video template, which reads back as the same media with no warning.
    assert "[Watch Video](https://example.org/clip.qt)\n<div><video controls" in canonical
    again = digestkit.parse(canonical)
    assert [p.media for p in again.papers] == [p.media for p in document.papers]
    assert not [d for d in again.diagnostics if d.code in ("DK122", "DK123")]


def test_every_line_ending_ends_a_line() -> None:
    document = parse("endings.md")
    assert [(p.title, p.votes, p.authors) for p in document.papers] == [
        ("Old Mac", 9, ["Pa Qu"]),
        ("Mixed CRLF", 1, ["Ra Su"]),
    ]
    assert [d.line for d in document.diagnostics] == [3, 10]  # DK201 at CommonMark's lines


def test_the_fixtures_give_every_block_code() -> None:
    given = {d.code for path in FILES for d in digestkit.parse_file(path).diagnostics}
    assert given >= BLOCK_CODES


def test_a_repeated_field_line_ends_the_summary_item() -> None:
    """A repeated `Authors:` after a blank is its own paragraph (CommonMark): the `Vote:` line
    under it is the paper's vote, not lazy text of the summary item (found by hypothesis)."""
    text = (
        "## Daily Papers (2025-01-01)\n\n### [X](https://arxiv.org/abs/2501.00000)\n"
        "Authors: X, X\n- X\n\nAuthors: X, X\nVote: 0\n"
    )
    document = digestkit.parse(text)
    assert document.papers[0].votes == 0
    assert [paper["votes"] for paper in read(text)] == [0]
    assert "DK121" not in {d.code for d in document.diagnostics}
