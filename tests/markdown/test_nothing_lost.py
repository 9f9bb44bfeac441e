"""Nothing lost: a damaged file still gives every paper that can be read, the diagnostics name
exactly the lines that were skipped, and encodings (BOM, CRLF) survive parsing and `fmt`.

The mutation fuzzer (tests/test_fuzz_mutations.py) checks the same for random damage; these
tests pin the shapes users meet, with exact expected papers and line numbers.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import digestkit
from digestkit import DigestError
from digestkit.formats import markdown

from ..cli.test_cli import UNTIDY, run
from ..mutations import check_bytes, unreported_lines

BOM = b"\xef\xbb\xbf"

CLEAN = """\
## Daily Papers (2024-03-04)

### [First Paper](https://arxiv.org/abs/2403.00001)

![](https://example.org/1.png)

Vote: 5

Authors: Ana Ruiz, Bo Li

- ***What's New***: one.
- ***Method***: two.

### [Second Paper](https://arxiv.org/abs/2403.00002)

Vote: 7

Authors: Cy Dee

- ***What's New***: three.

### [Third Paper](https://arxiv.org/abs/2403.00003)

Vote: 8

Authors: Eve Fu

- ***What's New***: four.

### [Fourth Paper](https://arxiv.org/abs/2403.00004)

![](https://example.org/4.png)

Vote: 9

Authors: Gil Ho

- ***What's New***: the last paper is cut in the middle of its sentence.
"""
JUNK = ["stray junk between papers", "more junk"]
CUT = "the last paper is cut in the mid"


def damaged() -> tuple[str, dict[str, int]]:
    """CLEAN with junk after the first paper, a broken third heading and a truncated end;
    also the 1-based line numbers of each damage."""
    lines = CLEAN.split("\n")
    after_first = lines.index("- ***Method***: two.") + 2  # after its blank line
    lines[after_first:after_first] = [*JUNK, ""]
    third = lines.index("### [Third Paper](https://arxiv.org/abs/2403.00003)")
    lines[third] = "### [Third Paper(https://arxiv.org/abs/2403.00003)"
    text = "\n".join(lines)
    text = text[: text.index(CUT) + len(CUT)]  # no final newline: the file was cut
    return text, {"junk": after_first + 1, "third": third + 1}


def test_damaged_file_keeps_every_readable_paper() -> None:
    clean = digestkit.parse(CLEAN)
    text, _ = damaged()
    doc = digestkit.parse(text)
    assert [p.title for p in doc.papers] == ["First Paper", "Second Paper", "Fourth Paper"]
    assert doc.papers[:2] == clean.papers[:2]
    fourth, cut = clean.papers[3], doc.papers[2]
    assert cut.model_dump(exclude={"summary"}) == fourth.model_dump(exclude={"summary"})
    assert [(item.label, item.text) for item in cut.summary] == [("What's New", CUT)]
    # The third paper's lines are not merged into the second paper.
    assert doc.papers[1].votes == 7 and doc.papers[1].authors == ["Cy Dee"]
    # Nothing is dropped from the bytes either.
    assert markdown.faithful(doc) == text
    assert "Eve Fu" in markdown.faithful(doc)


def test_diagnostics_name_exactly_the_skipped_lines() -> None:
    text, where = damaged()
    doc = digestkit.parse(text)
    skipped = {(d.code, d.line) for d in doc.diagnostics if d.code in ("DK111", "DK112")}
    assert skipped == {
        ("DK112", where["junk"]),
        ("DK112", where["junk"] + 1),
        ("DK111", where["third"]),
    }
    dk111 = next(d for d in doc.diagnostics if d.code == "DK111")
    assert "kept as they are" in dk111.message
    assert unreported_lines(doc) == []
    with pytest.raises(DigestError) as info:
        digestkit.parse(text, strict=True)
    assert str(info.value).startswith(f"{where['third']}:1: DK111")


def test_text_before_the_first_paper_is_reported_at_its_line() -> None:
    text = CLEAN.replace("\n\n### [First", "\n\nnot a paper\n\n### [First", 1)
    doc = digestkit.parse(text)
    placement = [(d.code, d.line) for d in doc.diagnostics if d.code.startswith("DK1")]
    assert placement == [("DK112", 3)]
    assert doc.papers == digestkit.parse(CLEAN).papers


def test_unreported_lines_helper_catches_a_silent_drop() -> None:
    # The oracle itself must be able to fail: forget the diagnostics of a damaged file.
    doc = digestkit.parse(damaged()[0])
    doc._diagnostics = []
    assert unreported_lines(doc) != []


def test_every_paper_of_a_damaged_file_survives_every_writer() -> None:
    text, _ = damaged()
    doc = check_bytes(text.encode("utf-8"))  # JSON, JSON Lines, CSV, BibTeX, both Markdowns
    assert doc is not None and len(doc.papers) == 3


# -- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset", "line", "col"),
    [
        (b"\xff", 0, 1, 1),
        (b"## Daily Papers (2024-01-10)\n\ncaf\xe9\n", 33, 3, 4),
        (BOM + b"ab\xc3", 5, 1, 3),
        (b"a\r\nb\x00c", 4, 2, 2),
        (b"ok\n\xed\xa0\x80", 3, 2, 1),  # a surrogate encoded as UTF-8 is not UTF-8
    ],
    ids=["first byte", "latin-1", "after BOM, cut", "NUL after CRLF", "surrogate"],
)
def test_undecodable_bytes_name_their_byte_offset(
    data: bytes, offset: int, line: int, col: int
) -> None:
    with pytest.raises(DigestError) as info:
        digestkit.parse_bytes(data, path="in.md")
    (diag,) = info.value.diagnostics
    assert (diag.code, diag.line, diag.col) == ("DK001", line, col)
    assert f"at byte offset {offset}" in diag.message
    assert str(info.value).startswith(f"in.md:{line}:{col}: DK001")


def test_undecodable_file_gives_one_line_naming_the_offset(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"## Daily Papers (2024-01-10)\n\ncaf\xe9\n")
    result = run("validate", "bad.md", cwd=tmp_path)
    assert result.returncode == 1
    out = (result.stdout + result.stderr).decode()
    assert "bad.md:3:4: DK001" in out and "byte offset 33" in out, out
    assert "Traceback" not in out


@pytest.mark.corpus
def test_bom_and_crlf_parse_like_lf_on_the_corpus(corpus: list[Path]) -> None:
    for path in corpus:
        data = path.read_bytes()
        assert b"\r" not in data[:200] and not data.startswith(BOM), path  # the corpus is LF
        lf = digestkit.parse_bytes(data)
        variant = BOM + data.replace(b"\n", b"\r\n")
        doc = digestkit.parse_bytes(variant)
        assert doc == lf, path
        assert [(d.code, d.line, d.col) for d in doc.diagnostics] == [
            (d.code, d.line, d.col) for d in lf.diagnostics
        ], path
        assert markdown.faithful(doc).encode("utf-8") == variant, path


# -- fmt keeps line endings and the BOM ---------------------------------------------------------


def _fmt_stdin(data: bytes, *options: str) -> bytes:
    result = run("fmt", *options, "-", stdin=data)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_fmt_keeps_crlf_and_bom(tmp_path: Path) -> None:
    lf = UNTIDY.read_bytes()
    assert b"\r" not in lf
    expected = BOM + _fmt_stdin(lf).replace(b"\n", b"\r\n")
    target = tmp_path / "untidy.md"
    target.write_bytes(BOM + lf.replace(b"\n", b"\r\n"))
    result = run("fmt", target)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == expected
    assert run("fmt", "--check", target).returncode == 0  # stable: nothing left to change


@pytest.mark.parametrize(
    ("source", "options", "crlf", "bom"),
    [
        ("crlf+bom", ["--newline", "lf", "--bom", "remove"], False, False),
        ("crlf+bom", ["--newline", "lf"], False, True),
        ("crlf+bom", ["--bom", "remove"], True, False),
        ("lf", ["--newline", "crlf"], True, False),
        ("lf", ["--bom", "add"], False, True),
        ("lf", [], False, False),
        ("crlf+bom", ["--newline", "keep", "--bom", "keep"], True, True),
    ],
)
def test_fmt_newline_and_bom_options(
    source: str, options: list[str], crlf: bool, bom: bool
) -> None:
    lf = UNTIDY.read_bytes()
    data = BOM + lf.replace(b"\n", b"\r\n") if source == "crlf+bom" else lf
    canonical = _fmt_stdin(lf)
    out = _fmt_stdin(data, *options)
    assert out == (BOM if bom else b"") + (canonical.replace(b"\n", b"\r\n") if crlf else canonical)


def test_fmt_keeps_the_first_line_break_style_of_a_mixed_file() -> None:
    lf = UNTIDY.read_bytes()
    first, rest = lf.split(b"\n", 1)
    out = _fmt_stdin(first + b"\r\n" + rest)  # CRLF first, LF after: CRLF wins, like black
    assert out == _fmt_stdin(lf).replace(b"\n", b"\r\n")


@pytest.mark.corpus
def test_fmt_keeps_crlf_on_corpus_files(corpus: list[Path], tmp_path: Path) -> None:
    sample = corpus[:: max(1, len(corpus) // 12)]
    for name in ("lf", "crlf"):
        for index, path in enumerate(sample):
            data = path.read_bytes()
            folder = tmp_path / name
            folder.mkdir(exist_ok=True)
            (folder / f"{index:02}.md").write_bytes(
                data if name == "lf" else data.replace(b"\n", b"\r\n")
            )
        result = run("fmt", tmp_path / name)
        assert result.returncode == 0, result.stderr
    for index in range(len(sample)):
        lf = (tmp_path / "lf" / f"{index:02}.md").read_bytes()
        crlf = (tmp_path / "crlf" / f"{index:02}.md").read_bytes()
        assert crlf == lf.replace(b"\n", b"\r\n"), sample[index]
    shutil.rmtree(tmp_path / "lf")
