"""Malformed input: exact diagnostics (code, line and column), nothing lost, nothing raised.

Every case states its full diagnostic list, so a diagnostic that moves, changes code or appears
from nowhere fails. Columns are 1-based and point at the offending text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import digestkit
from digestkit import DigestDocument, DigestError, DigestkitError
from digestkit.diagnostics import RULES
from digestkit.formats import markdown

from ..conftest import FIXTURES
from .test_blocks import BLOCK_CODES

HEAD = ["## Daily Papers (2024-01-10)", ""]


def paper(n: int) -> list[str]:
    """A complete, valid 10-line paper block; its heading is its first line."""
    return [
        f"### [Paper {n}](https://arxiv.org/abs/2401.{n:05d})",
        "",
        f"![](https://example.org/{n}.png)",
        "",
        f"Vote: {n}",
        "",
        f"Authors: Author {n}",
        "",
        f"- Item of paper {n}.",
        "",
    ]


def join(*parts: list[str]) -> str:
    return "\n".join(line for part in parts for line in part) + "\n"


def found(doc: DigestDocument) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in doc.diagnostics]


def assert_positions_inside(doc: DigestDocument, text: str) -> None:
    lines = text.split("\n")
    for d in doc.diagnostics:
        assert 1 <= d.line <= len(lines), d
        assert 1 <= d.col <= len(lines[d.line - 1]) + 1, d


README = """# mytool

A command-line tool.

## Installation

    pip install mytool

### Usage

- run `mytool --help`
- read the docs

## License

MIT
"""

PAPER_1 = paper(1)
BARE = ["### [Bare](https://arxiv.org/abs/2401.00001)", ""]

# (id, text, every diagnostic as (code, line, col)); line numbers are those of the joined text.
CASES: list[tuple[str, str, list[tuple[str, int, int]]]] = [
    ("empty file", "", [("DK002", 1, 1)]),
    ("blank lines only", "\n\n  \n", [("DK002", 1, 1)]),
    ("readme", README, [("DK002", 1, 1)]),
    ("date not real", join(["## Daily Papers (2024-02-30)", ""], PAPER_1), [("DK104", 1, 4)]),
    ("month 13", join(["## Daily Papers (2024-13-01)", ""], PAPER_1), [("DK104", 1, 4)]),
    (
        "lone surrogate from an Authors escape",
        join(HEAD, PAPER_1[:6], ["Authors: ['A', '\\ud800']"], PAPER_1[7:]),
        [("DK224", 9, 1)],
    ),
    ("date not iso", join(["## Daily Papers (Jan 10)", ""], PAPER_1), [("DK101", 1, 4)]),
    ("no date", join(["## Daily Papers", ""], PAPER_1), [("DK101", 1, 4)]),
    ("empty section", join(HEAD, ["## Daily Papers (2024-01-11)", ""], PAPER_1), [("DK103", 1, 1)]),
    ("paper before digest", join(["# Notes", ""], PAPER_1, HEAD, paper(2)), [("DK110", 3, 1)]),
    (
        "paper after epilogue",
        join(HEAD, PAPER_1, ["## License", "", "MIT", ""], paper(2)),
        [("DK110", 17, 1)],
    ),
    (
        "heading without link",
        join(HEAD, PAPER_1, ["### Not a Paper Link", "", "- stray item", ""], paper(2)),
        [("DK111", 13, 1)],
    ),
    ("text in digest head", join(HEAD, ["stray text", ""], PAPER_1), [("DK112", 3, 1)]),
    (
        "text between meta lines",
        join(HEAD, PAPER_1[:3], ["stray text"], PAPER_1[3:]),
        [("DK112", 6, 1)],
    ),
    (
        "paragraph after the list",
        join(HEAD, PAPER_1, ["A paragraph after a blank line."]),
        [("DK112", 13, 1)],
    ),
    ("duplicate paper", join(HEAD, PAPER_1, PAPER_1), [("DK113", 13, 1)]),
    (
        "bare heading",
        join(HEAD, BARE),
        [("DK201", 3, 1), ("DK202", 3, 1), ("DK203", 3, 1), ("DK204", 3, 1)],
    ),
    ("vote abc", join(HEAD, PAPER_1[:4], ["Vote: abc"], PAPER_1[5:]), [("DK205", 7, 7)]),
    ("vote negative", join(HEAD, PAPER_1[:4], ["Vote: -3"], PAPER_1[5:]), [("DK205", 7, 7)]),
    ("vote arabic digit", join(HEAD, PAPER_1[:4], ["Vote: ٣"], PAPER_1[5:]), [("DK205", 7, 7)]),
    ("vote dash", join(HEAD, PAPER_1[:4], ["Vote: -"], PAPER_1[5:]), [("DK206", 7, 7)]),
    (
        "empty title",
        join(HEAD, ["### [](https://arxiv.org/abs/2401.00001)"], PAPER_1[1:]),
        [("DK207", 3, 5)],
    ),
    (
        "url not arxiv",
        join(HEAD, ["### [Paper 1](https://example.org/paper)"], PAPER_1[1:]),
        [("DK208", 3, 1)],
    ),
    ("duplicate vote", join(HEAD, PAPER_1[:6], ["Vote: 2", ""], PAPER_1[6:]), [("DK209", 9, 1)]),
    (
        "duplicate media",
        join(HEAD, PAPER_1[:4], ["![](https://example.org/other.png)", ""], PAPER_1[4:]),
        [("DK209", 7, 1)],
    ),
    (
        "duplicate authors",
        join(HEAD, PAPER_1[:8], ["Authors: Someone Else", ""], PAPER_1[8:]),
        [("DK209", 11, 1)],
    ),
    (
        "vote after bullets",
        join(HEAD, PAPER_1[:4], PAPER_1[6:], ["Vote: 5", ""]),
        [("DK210", 11, 1)],
    ),
    (
        "video link and embed differ",
        join(
            HEAD,
            PAPER_1[:2],
            [
                "[Watch Video](https://example.org/a.mp4)",
                '<div><video controls src="https://example.org/b.mp4"></video></div>',
            ],
            PAPER_1[3:],
        ),
        [("DK211", 6, 1)],
    ),
    (
        "html without media",
        join(HEAD, PAPER_1[:2], ["<div>No media here</div>"], PAPER_1[3:]),
        [("DK201", 3, 1), ("DK212", 5, 1)],
    ),
    (
        "authors literal malformed",
        join(HEAD, PAPER_1[:6], ["Authors: ['Ann Lee', Bo Chen']"], PAPER_1[7:]),
        [("DK213", 9, 10)],
    ),
    (
        "unbalanced label",
        join(HEAD, PAPER_1[:8], ["- ***Technical Details*: text"], PAPER_1[9:]),
        [("DK301", 11, 3)],
    ),
    (
        "vertical tab",
        join(HEAD, PAPER_1[:8], ["- a\x0bb"], PAPER_1[9:]),
        [("DK401", 11, 4)],
    ),
    ("nul via parse", join(HEAD, PAPER_1[:8], ["- a\x00b"], PAPER_1[9:]), [("DK401", 11, 4)]),
    *[
        (f"active content: {name}", join(HEAD, PAPER_1[:8], [f"- {bullet}"], PAPER_1[9:]), found)
        for name, bullet, found in [
            ("script element", "x <script>alert(1)</script>", [("DK220", 11, 5)]),
            ("script in a code span is shown, not run", "x `<script>`", []),
            ("srcdoc", '<iframe srcdoc="<b>x</b>">', [("DK220", 11, 11)]),
            ("event handler", "<img src=x onerror=alert(1)>", [("DK221", 11, 14)]),
            (
                "handler after slashes, in an HTML block",
                "<div><img/src/onerror=alert(1)></div>",
                [("DK221", 11, 17)],
            ),
            # Only what a renderer passes on as HTML is active: text that is no complete tag by
            # CommonMark's grammar, or follows a backslash, is shown as text (issue 13).
            ("no tag by CommonMark's grammar: shown as text", "<img/src/onerror=alert(1)>", []),
            ("prose with a<b ... b>", "the a<b relation on sets, where b>c", []),
            ("prose with < and on", "a > <former architecture trained on language modeling", []),
            ("an attribute named `on` is no handler", "<b on sets>x</b>", []),
            ("backslash-escaped tag", "\\<script>alert(1)\\</script>", []),
            ("backslash-escaped link", "\\[x\\](javascript:alert(1))", []),
            ("escaped backslash, live tag", "\\\\<script>x</script>", [("DK220", 11, 5)]),
            ("handler after a quoted >", '<a title=">" onclick="x">', [("DK221", 11, 16)]),
            ("javascript link", "[x](javascript:alert(1))", [("DK222", 11, 7)]),
            (
                "a live tag after an unclosed quote in prose",
                "<a title=\"x and <a href='javascript:x'>y</a>",
                [("DK222", 11, 22)],
            ),
            (
                "script links on one line: one finding",
                "[a](data:x) [b](vbscript:y)",
                [("DK222", 11, 7)],
            ),
            ("a watched element among plain tags", "<b><script>x</script></b>", [("DK220", 11, 6)]),
            ("a tag that starts inside a broken one", "a<b<SCRIPT>x", [("DK220", 11, 6)]),
            ("angled destination", "[x](<JavaScript:a>)", [("DK222", 11, 8)]),
            ("entity-encoded scheme", '<a href="jav&#x61;script:x">y</a>', [("DK222", 11, 6)]),
            ("data image", "![x](data:text/html,hi)", [("DK222", 11, 8)]),
            ("autolink", "<javascript:alert(1)>", [("DK222", 11, 3)]),
            ("link definition", "[id]: vbscript:x", [("DK222", 11, 9)]),
            (
                "tab inside the scheme",
                '<video src=" java\tscript:x">',
                [("DK222", 11, 10), ("DK401", 11, 20)],
            ),
            (
                "entity declaration",
                '<!DOCTYPE x [<!ENTITY a "b">]>',
                [("DK223", 11, 3), ("DK223", 11, 16)],
            ),
            ("a plain doctype declares nothing", "<!doctype html>", []),
            # Not active, but GitHub leaves the tag out (DK124).
            ("prose with a colon", "Training data: 1M pairs; see <think> tags", [("DK124", 11, 1)]),
        ]
    ],
    (
        "script URL in the heading and a bare video link",
        join(HEAD, ["### [T](javascript:alert(1))", "[Watch Video]data:x"], PAPER_1[4:]),
        [("DK208", 3, 1), ("DK222", 3, 9), ("DK222", 4, 1)],
    ),
    (
        "summary Markdown GitHub shows otherwise: a tag it drops, tildes it strikes through",
        join(
            HEAD,
            paper(1)[:8],
            ["- 제안자(<proposer>) `<code>` \\<kept> <sub>2</sub>", "- 6~12개, 3\\~4개, 5~6개"],
            ["  and 3~4개", "- `a~b~c` ~ alone ~"],
        ),
        [("DK124", 11, 1), ("DK125", 12, 1)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_diagnostics_are_exact(text: str, expected: list[tuple[str, int, int]]) -> None:
    doc = digestkit.parse(text)
    assert sorted(found(doc)) == sorted(expected)
    assert_positions_inside(doc, text)
    assert markdown.faithful(doc) == text


def test_every_catalogue_code_is_exercised() -> None:
    # DK001 and DK102 need bytes or a path (tested above); DK003 is about JSON input
    # (tests/formats/test_json.py), DK5xx about HF JSON (tests/formats/test_hf_json.py). Every other
    # code must appear in the table.
    codes = {code for _, _, expected in CASES for code, _, _ in expected}
    hf_codes = {code for code in RULES if code.startswith("DK5")}
    # the block-structure fixtures (tests/markdown/test_blocks.py) give these
    block_codes = BLOCK_CODES
    assert codes | {"DK001", "DK102", "DK003"} | hf_codes | block_codes == set(RULES)


def test_repeated_findings_are_counted_in_the_first() -> None:
    # One line per code of a tag or a line, however many times it repeats there.
    bullets = ["- " + "[x](javascript:a) " * 1000, "- <b " + "onx=1 " * 500 + ">", "- [y](data:z)"]
    doc = digestkit.parse(join(HEAD, PAPER_1[:8], bullets, PAPER_1[9:]))
    assert [(d.code, d.line, d.message) for d in doc.diagnostics] == [
        ("DK222", 11, "`javascript:` URL as a link target (and 999 more on this line)"),
        ("DK221", 12, "event-handler attribute `onx` (and 499 more in this tag)"),
        ("DK222", 13, "`data:` URL as a link target"),
    ]


def test_heading_without_link_does_not_merge_into_the_previous_paper() -> None:
    text = join(
        HEAD,
        PAPER_1,
        [
            "### Not a Paper Link",
            "",
            "![](https://example.org/x.png)",
            "",
            "Vote: 99",
            "",
            "Authors: Mallory",
            "",
            "- an item that belongs to no paper",
            "",
        ],
        paper(2),
    )
    doc = digestkit.parse(text)
    assert found(doc) == [("DK111", 13, 1)]
    alone = digestkit.parse(join(HEAD, PAPER_1, paper(2)))
    assert doc.papers == alone.papers
    assert [p.line for p in doc.papers] == [3, 23]
    assert markdown.faithful(doc) == text


@pytest.mark.parametrize(
    "heading",
    ["### Title", "### [Title]", "### [Title](https://arxiv.org/abs/2401 00001)", "###", "### "],
)
def test_any_non_link_level_3_heading_stops_the_paper(heading: str) -> None:
    text = join(HEAD, PAPER_1, [heading, "", "Vote: 99", "", "- stray item", ""])
    doc = digestkit.parse(text)
    assert doc.papers == digestkit.parse(join(HEAD, PAPER_1)).papers
    assert [(d.code, d.line) for d in doc.diagnostics] == [("DK111", 13)]
    assert markdown.faithful(doc) == text


def test_text_between_meta_lines_keeps_the_meta_values() -> None:
    doc = digestkit.parse(join(HEAD, PAPER_1[:3], ["stray text"], PAPER_1[3:]))
    assert doc.papers == digestkit.parse(join(HEAD, PAPER_1)).papers


def test_invalid_date_keeps_the_papers() -> None:
    doc = digestkit.parse(join(["## Daily Papers (2024-02-30)", ""], PAPER_1))
    assert doc.digests[0].date is None
    assert [p.title for p in doc.papers] == ["Paper 1"]
    assert "2024-02-30" in doc.diagnostics[0].message


def test_date_differing_from_the_path_points_at_the_date() -> None:
    doc = digestkit.parse(join(HEAD, PAPER_1), path="digests/2024/01/11.md")
    assert found(doc) == [("DK102", 1, 18)]
    assert doc.diagnostics[0].path == "digests/2024/01/11.md"
    assert found(digestkit.parse(join(HEAD, PAPER_1), path="digests/2024/01/10.md")) == []


def test_empty_and_non_digest_files_are_kept_verbatim() -> None:
    for text in ("", README):
        doc = digestkit.parse(text)
        assert doc.digests == []
        assert doc.preamble == text
        assert [d.severity.value for d in doc.diagnostics] == ["error"]


def test_papers_outside_a_digest_get_an_undated_digest() -> None:
    doc = digestkit.parse(join(["# Notes", ""], PAPER_1))
    assert sorted(found(doc)) == [("DK002", 1, 1), ("DK110", 3, 1)]
    assert doc.preamble == "# Notes\n\n"
    assert [(d.date, len(d.papers)) for d in doc.digests] == [(None, 1)]


def test_paper_after_epilogue_starts_an_undated_digest() -> None:
    doc = digestkit.parse(join(HEAD, PAPER_1, ["## License", "", "MIT", ""], paper(2)))
    assert doc.digests[0].epilogue == "## License\n\nMIT\n\n"
    assert [(d.date is None, len(d.papers)) for d in doc.digests] == [(False, 1), (True, 1)]


def test_duplicate_papers_are_both_kept() -> None:
    doc = digestkit.parse(join(HEAD, PAPER_1, PAPER_1))
    assert len(doc.papers) == 2
    assert "line 3" in doc.diagnostics[0].message


@pytest.mark.parametrize("value", ["abc", "-3", "3.5", "٣", "1 2"])
def test_bad_vote_values_become_none(value: str) -> None:
    doc = digestkit.parse(join(HEAD, PAPER_1[:4], [f"Vote: {value}"], PAPER_1[5:]))
    assert doc.papers[0].votes is None
    assert [d.code for d in doc.diagnostics] == ["DK205"]


def test_repeated_meta_lines_keep_the_first_value() -> None:
    doc = digestkit.parse(join(HEAD, PAPER_1[:6], ["Vote: 2", ""], PAPER_1[6:]))
    assert doc.papers[0].votes == 1
    doc = digestkit.parse(join(HEAD, PAPER_1[:8], ["Authors: Someone Else", ""], PAPER_1[8:]))
    assert doc.papers[0].authors == ["Author 1"]


def test_meta_after_bullets_is_still_read() -> None:
    doc = digestkit.parse(join(HEAD, PAPER_1[:4], PAPER_1[6:], ["Vote: 5", ""]))
    assert doc.papers[0].votes == 5
    assert [item.text for item in doc.papers[0].summary] == ["Item of paper 1."]


def test_malformed_authors_literal_falls_back_to_commas() -> None:
    doc = digestkit.parse(join(HEAD, PAPER_1[:6], ["Authors: ['Ann Lee', Bo Chen']"], PAPER_1[7:]))
    assert doc.papers[0].authors == ["Ann Lee", "Bo Chen"]


# -- truncation -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.md")))
def test_truncated_fixture_never_raises_and_stays_byte_exact(name: str) -> None:
    text = (FIXTURES / f"{name}.md").read_bytes().decode("utf-8")
    for cut in range(len(text) + 1):
        prefix = text[:cut]
        doc = digestkit.parse(prefix)
        assert_positions_inside(doc, prefix.removeprefix("\ufeff"))
        assert markdown.faithful(doc) == prefix, cut


def test_truncated_bytes_report_the_cut_character(tmp_path: Path) -> None:
    data = (FIXTURES / "authors.md").read_bytes()
    target = tmp_path / "cut.md"
    cuts_inside_a_character = 0
    for cut in range(len(data) + 1):
        target.write_bytes(data[:cut])
        try:
            doc = digestkit.parse_file(target)
        except DigestError as exc:
            cuts_inside_a_character += 1
            (diag,) = exc.diagnostics
            last_line = data[:cut].rsplit(b"\n", 1)[-1]
            complete = last_line.decode("utf-8", errors="ignore")
            assert (diag.code, diag.line, diag.col) == (
                "DK001",
                data[:cut].count(b"\n") + 1,
                len(complete) + 1,
            )
            assert diag.path == str(target)
        else:
            assert markdown.faithful(doc).encode("utf-8") == data[:cut]
    non_ascii = sum(1 for byte in data if byte >= 0xC0)
    assert cuts_inside_a_character == sum(
        len(ch.encode()) - 1 for ch in data.decode("utf-8") if not ch.isascii()
    )
    assert non_ascii > 10


# -- bytes that are not text ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "line", "col"),
    [
        (b"\xff", 1, 1),
        (b"## Daily Papers (2024-01-10)\n\n### [Caf\xc3\xa9 \xff](u)\n", 3, 11),
        (b"## Daily Papers (2024-01-10)\n\nVote: 1\x00\n", 3, 8),
        (b"\x00", 1, 1),
        (b"ab\r\ncd\xc3", 2, 3),
        (b"\xef\xbb\xbfab\xff", 1, 3),
    ],
    ids=["first byte", "after accent", "nul", "only nul", "crlf then cut", "after bom"],
)
def test_undecodable_files_raise_dk001_at_the_byte(
    tmp_path: Path, data: bytes, line: int, col: int
) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(data)
    with pytest.raises(DigestError) as info:
        digestkit.parse_file(path)
    assert [(d.code, d.line, d.col, d.path) for d in info.value.diagnostics] == [
        ("DK001", line, col, str(path))
    ]
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith(f"{path}:{line}:{col}: DK001")


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        digestkit.parse_file(tmp_path / "absent.md")


# -- strict mode ----------------------------------------------------------------------------


def test_strict_mode_raises_with_every_diagnostic() -> None:
    text = join(HEAD, PAPER_1, ["### Not a link", ""], BARE, ["Vote: x"])
    tolerant = digestkit.parse(text)
    assert len(tolerant.errors) == 1
    assert len(tolerant.diagnostics) > 1
    with pytest.raises(DigestError) as info:
        digestkit.parse(text, strict=True)
    assert isinstance(info.value, DigestkitError)
    assert list(info.value.diagnostics) == tolerant.diagnostics
    # The message names the first error (not the first warning); it is the only error here.
    assert str(info.value) == str(tolerant.errors[0])


def test_strict_mode_accepts_warnings(tmp_path: Path) -> None:
    path = FIXTURES / "votes.md"
    doc = digestkit.parse_file(path, strict=True)
    assert doc == digestkit.parse_file(path)
    assert doc.diagnostics and not doc.errors


def test_strict_parse_file_raises_for_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    with pytest.raises(DigestError) as info:
        digestkit.parse_file(path, strict=True)
    assert [(d.code, d.line, d.col) for d in info.value.diagnostics] == [("DK002", 1, 1)]
