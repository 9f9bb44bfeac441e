"""Mutation operators over digest bytes, and the properties every mutated input must keep.

Shared by `tests/test_fuzz_mutations.py` (hypothesis chooses the file, operators and positions,
so a failure shrinks to a few small mutations and reproduces) and `fuzz/atheris_parse.py` (a
long coverage-guided session). Operators work on lines with their terminators, so deleting,
duplicating or swapping keeps each line's own `\\n` or `\\r\\n`.

Every operator draws its choices through `Draw`, which hypothesis (`HypothesisDraw`) and a plain
`random.Random` (`RandomDraw`) both implement.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import digestkit
from digestkit import DigestDocument, DigestError
from digestkit.diagnostics import RULES
from digestkit.formats import markdown

T = TypeVar("T")


class Draw(Protocol):
    def integer(self, low: int, high: int) -> int:
        """An integer in `[low, high]`."""
        ...

    def pick(self, options: Sequence[T]) -> T: ...


class RandomDraw:
    """Choices from a seeded `random.Random` (the atheris harness and plain loops)."""

    def __init__(self, rnd: random.Random):
        self.rnd = rnd

    def integer(self, low: int, high: int) -> int:
        return self.rnd.randint(low, high)

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rnd.randrange(len(options))]


Lines = list[bytes]
Operator = Callable[[Lines, Draw], None]

# -- payloads ----------------------------------------------------------------------------------
RANDOM_BYTES: tuple[bytes, ...] = (
    b"\xff",  # never valid in UTF-8
    b"\xc3",  # a lead byte without its continuation
    b"\x80",  # a continuation byte alone
    b"\xed\xa0\x80",  # a lone surrogate (U+D800) as UTF-8 bytes: invalid
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
    b"\xc0\xaf",  # an overlong `/`
    b"\x00",
    b"\r",
    b"\r\n",
    b"\n",
    b"\xef\xbb\xbf",  # a BOM in the middle of the file
    b"\t",
    b"\x0c",
    b"\x1b[31m",
)
RANDOM_TEXT: tuple[str, ...] = (
    "\u0301",  # combining acute
    "e\u0301\u0301\u0301",
    "\u200f",  # RTL mark
    "\u202e",  # RTL override
    "\u2028",  # line separator
    "\u2029",
    "\U0001f600",
    "\U0001f469\u200d\U0001f52c",  # emoji ZWJ sequence
    "\ufeff",
    "\x01",
    "\x08",
    "\x1f",
    "\x7f",
    "\x85",  # C1 NEL
    "\x9b",  # C1 CSI
    "\u00a0",
    "\u3000",
    "한국어",
    "\ufffd",
)
LINK_BREAKS: tuple[tuple[bytes, bytes], ...] = (
    (b")", b""),
    (b"](", b""),
    (b"](", b"] ("),
    (b"[", b"[["),
    (b"[", b"[a](b)["),
    (b"](", b"]([x](y)"),
    (b"(", b"(<"),
)
HTML_BREAKS: tuple[bytes, ...] = (
    b"<video",
    b"<video src='",
    b'<div><video controls src="https://example.org/v.mp4" muted>',
    b"<!--",
    b"<![CDATA[",
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>&b;',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
    b"<script>alert(1)</script>",
    b"<script>",
    b"<iframe src=",
    b"<source src='x'>",
    b"<div>" * 50,
    b"</div></video>",
    b"&#0;&#xD800;&#1114112;&amp",
    b"<?xml version='1.0'?>",
)
STRUCTURE: tuple[bytes, ...] = (
    b"## Daily Papers (2024-02-30)\n",
    b"## Daily Papers\n",
    b"## Daily Papers (2024-01-01)\n",
    b"### [Injected](https://arxiv.org/abs/2401.00001)\n",
    b"### not a link\n",
    b"###\n",
    b"#### deeper\n",
    b"# Title\n",
    b"Vote: -\n",
    b"Vote: 99999999999999999999\n",
    b"Authors: ['a', 'b'\n",
    b"Authors: +\n",
    b"- ***Label***: text\n",
    b"- ***Label*: text\n",
    b"  - nested\n",
    b"1) ordered\n",
    b"[Watch Video]\n",
    b"![](\n",
    b"\n",
)


# -- operators ---------------------------------------------------------------------------------
def _index(lines: Lines, draw: Draw) -> int:
    return draw.integer(0, len(lines) - 1)


def delete_lines(lines: Lines, draw: Draw) -> None:
    start = _index(lines, draw)
    del lines[start : start + draw.integer(1, 3)]


def duplicate_lines(lines: Lines, draw: Draw) -> None:
    start = _index(lines, draw)
    block = lines[start : start + draw.integer(1, 4)]
    lines[start:start] = block


def swap_lines(lines: Lines, draw: Draw) -> None:
    a, b = _index(lines, draw), _index(lines, draw)
    lines[a], lines[b] = lines[b], lines[a]


def truncate_file(lines: Lines, draw: Draw) -> None:
    del lines[_index(lines, draw) + 1 :]


def truncate_mid_line(lines: Lines, draw: Draw) -> None:
    """Cut the file inside a line, possibly inside a multi-byte character."""
    index = _index(lines, draw)
    line = lines[index]
    lines[index:] = [line[: draw.integer(0, max(0, len(line) - 1))]]


def _insert_at(lines: Lines, draw: Draw, payload: bytes) -> None:
    index = _index(lines, draw)
    line = lines[index]
    at = draw.integer(0, len(line))
    lines[index] = line[:at] + payload + line[at:]


def insert_bytes(lines: Lines, draw: Draw) -> None:
    _insert_at(lines, draw, draw.pick(RANDOM_BYTES))


def insert_text(lines: Lines, draw: Draw) -> None:
    _insert_at(lines, draw, draw.pick(RANDOM_TEXT).encode("utf-8"))


def insert_noise(lines: Lines, draw: Draw) -> None:
    """A few arbitrary bytes, or arbitrary code points (lone surrogates as their bytes)."""
    if draw.integer(0, 1):
        payload = bytes(draw.integer(0, 255) for _ in range(draw.integer(1, 8)))
    else:
        chars = "".join(chr(draw.integer(0, 0x10FFFF)) for _ in range(draw.integer(1, 4)))
        payload = chars.encode("utf-8", "surrogatepass")
    _insert_at(lines, draw, payload)


def break_link(lines: Lines, draw: Draw) -> None:
    index = _index(lines, draw)
    old, new = draw.pick(LINK_BREAKS)
    line = lines[index]
    at = line.find(old) if draw.integer(0, 1) else line.rfind(old)
    if at >= 0:
        lines[index] = line[:at] + new + line[at + len(old) :]


def break_html(lines: Lines, draw: Draw) -> None:
    payload = draw.pick(HTML_BREAKS)
    if draw.integer(0, 1):
        _insert_at(lines, draw, payload)
    else:  # a line of its own, as an HTML block starts
        lines.insert(_index(lines, draw), payload + b"\n")


def insert_structure(lines: Lines, draw: Draw) -> None:
    lines.insert(_index(lines, draw), draw.pick(STRUCTURE))


def split_heading(lines: Lines, draw: Draw) -> None:
    """Break a `###`/`##` heading over two lines (or a paper heading anywhere on its line)."""
    headings = [i for i, line in enumerate(lines) if line.startswith(b"#")]
    if not headings:
        return
    index = draw.pick(headings)
    line = lines[index]
    at = draw.integer(1, max(1, len(line) - 1))
    lines[index : index + 1] = [line[:at] + b"\n", line[at:]]


def merge_lines(lines: Lines, draw: Draw) -> None:
    """Join a line with the next (a heading glued to its media line, say)."""
    index = _index(lines, draw)
    if index + 1 < len(lines):
        lines[index : index + 2] = [lines[index].rstrip(b"\r\n") + lines[index + 1]]


def duplicate_label(lines: Lines, draw: Draw) -> None:
    """Give a bullet a second label, or repeat a paper heading (a duplicate URL)."""
    index = _index(lines, draw)
    line = lines[index]
    if line.startswith(b"- "):
        lines[index] = b"- ***Again***: " + line[2:]
    elif line.startswith(b"### "):
        lines.insert(draw.integer(0, len(lines)), line)


OPERATORS: dict[str, Operator] = {
    op.__name__: op
    for op in (
        delete_lines,
        duplicate_lines,
        swap_lines,
        truncate_file,
        truncate_mid_line,
        insert_bytes,
        insert_text,
        insert_noise,
        break_link,
        break_html,
        insert_structure,
        split_heading,
        merge_lines,
        duplicate_label,
    )
}


def split_lines(data: bytes) -> Lines:
    """Lines with their terminators; `b"".join` gives `data` back."""
    return data.splitlines(keepends=True) or [b""]


def mutate(data: bytes, draw: Draw, operators: Sequence[str]) -> bytes:
    lines = split_lines(data)
    for name in operators:
        if not lines:
            lines = [b""]
        OPERATORS[name](lines, draw)
    return b"".join(lines)


# -- properties --------------------------------------------------------------------------------
def undecodable(data: bytes) -> bool:
    """What DK001 is for: bytes that are not UTF-8, or that hold a NUL."""
    try:
        return "\x00" in data.decode("utf-8")
    except UnicodeDecodeError:
        return True


def first_bad_byte(data: bytes) -> int:
    """The offset DK001 must name: the first byte Python's decoder refuses, else the first NUL."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return data.index(b"\x00")


def check_bytes(data: bytes) -> DigestDocument | None:
    """Every property a digest input must keep, whatever its bytes. Returns the document, or
    None when the bytes are rightly refused (DK001)."""
    try:
        doc = digestkit.parse_bytes(data)
    except DigestError as exc:
        assert undecodable(data), exc
        (diag,) = exc.diagnostics
        assert diag.code == "DK001", diag
        assert 1 <= diag.line <= data.count(b"\n") + 1, diag
        assert diag.col >= 1, diag
        assert f"at byte offset {first_bad_byte(data)}" in diag.message, diag
        _check_strict(data, refused=True)
        return None
    assert not undecodable(data)
    text = data.decode("utf-8")
    check_positions(doc, text)
    assert unreported_lines(doc) == []
    _check_strict(data, refused=bool(doc.errors))
    check_writers(doc, text)
    return doc


def _check_strict(data: bytes, refused: bool) -> None:
    """Strict mode raises `DigestError` exactly when the document has errors (or no text)."""
    try:
        digestkit.parse_bytes(data, strict=True)
    except DigestError as exc:
        assert refused, exc
        assert exc.diagnostics and all(d.code in RULES for d in exc.diagnostics)
    else:
        assert not refused


def check_positions(doc: DigestDocument, text: str) -> None:
    """Every diagnostic points inside the text: lines end at `\\n`, `\\r\\n` or a lone `\\r`, as
    in CommonMark (a final newline leaves an empty last line, which is where "end of file"
    findings may point), columns within the line plus one."""
    lines = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))
    for d in doc.diagnostics:
        assert d.code in RULES, d
        assert 1 <= d.line <= len(lines), (d, len(lines))
        assert 1 <= d.col <= len(lines[d.line - 1]) + 1, d


def unreported_lines(doc: DigestDocument) -> list[int]:
    """Non-blank lines inside digests that reached no field and that no diagnostic names.

    A line counts as reported when a DK112 names it, when it belongs to the lines a DK209 or
    DK212 names (a repeated meta line or HTML block: the named line and the non-blank lines
    right after it), or when it follows a DK111 heading of the same block (those lines are kept
    verbatim with the heading). Preambles and epilogues are surrounding Markdown, not skipped.
    """
    at = {(d.code, d.line) for d in doc.diagnostics}
    orphan_headings = sorted(d.line for d in doc.diagnostics if d.code == "DK111")
    kept = sorted(d.line for d in doc.diagnostics if d.code in ("DK209", "DK212"))

    def reported(line: int, chunk_start: int, block_start: int, content: list[str]) -> bool:
        def run_from(first: int) -> bool:  # no blank line between `first` and `line`
            return all(content[i - 1].strip(" \t") for i in range(first, line + 1))

        return (
            ("DK112", line) in at
            or any(chunk_start <= r <= line and run_from(r) for r in kept)
            or any(block_start < h <= line for h in orphan_headings)
        )

    missing: list[int] = []
    for digest in doc.digests:
        layout = digest._layout
        if layout is not None:
            start, stop = layout.head
            for index in range(start, stop):
                line = index + 1
                block = layout.heading + 1 if layout.heading is not None else 0
                content = layout.source.content
                if index == block and _SETEXT_UNDERLINE.fullmatch(content[index]):
                    continue  # a setext heading's underline is part of the heading
                if content[index].strip(" \t") and not reported(line, line, block, content):
                    missing.append(line)
        for paper in digest.papers:
            playout = paper._layout
            assert playout is not None
            for role, start, stop in playout.chunks:
                if role != "gap":
                    continue
                for index in range(start, stop):
                    if not playout.source.content[index].strip(" \t"):
                        continue
                    if not reported(
                        index + 1, start + 1, playout.chunks[0][1] + 1, playout.source.content
                    ):
                        missing.append(index + 1)
    return missing


_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*")


def layout_only(doc: DigestDocument) -> bool:
    """Whether `digestkit fmt` would refuse this document (an error or text no field holds)."""
    return any(d.is_error or RULES[d.code].layout_only for d in doc.diagnostics)


def check_writers(doc: DigestDocument, text: str) -> None:
    """Faithful Markdown is byte-exact, and every paper survives every writer."""
    dumps = digestkit.dumps
    assert dumps(doc, "markdown") == text
    papers = doc.papers
    assert digestkit.loads(dumps(doc, "json"), "json") == doc
    jsonl = dumps(doc, "jsonl")
    assert jsonl.count("\n") == len(papers)
    if papers:
        back = digestkit.loads(jsonl, "jsonl")
        assert isinstance(back, DigestDocument)
        assert back.papers == papers
    rows = list(csv.reader(io.StringIO(dumps(doc, "csv"), newline="")))
    assert len(rows) == len(papers) + 1
    assert [row[1:3] for row in rows[1:]] == [[p.title, p.url] for p in papers]
    bib = dumps(doc, "bibtex")
    assert sum(line.startswith("@misc{") for line in bib.split("\n")) == len(papers)
    canonical = dumps(doc, "markdown", mode="canonical")
    again = digestkit.parse(canonical)
    assert again == doc
    assert markdown.canonical(again) == canonical


def check_more_writers(doc: DigestDocument) -> None:
    """The writers `check_writers` leaves out, for the long fuzz sessions: the HTML page is
    written, and every paper of an error-free document survives Hugging Face JSON (title, URL,
    votes, authors, media; the summary is one abstract there)."""
    import warnings

    from digestkit.formats.hf_json.daily_papers import read_daily_papers

    assert digestkit.dumps(doc, "html").startswith("<!DOCTYPE html>")
    with warnings.catch_warnings(record=True) as losses:
        warnings.simplefilter("always")  # HfJsonLossWarning: what API JSON cannot hold
        entries = digestkit.dumps(doc, "hf-json")
    back = read_daily_papers(entries, date="2000-01-01")
    if doc.errors or any(p.url is None for p in doc.papers):
        return

    def tidy(text: str) -> str:  # whitespace runs read back collapsed (docs/hf-json.md)
        return " ".join(text.split())

    assert [(p.title, p.url, p.votes, p.authors) for p in back.papers] == [
        (tidy(p.title), p.url, p.votes, [tidy(a) for a in p.authors if tidy(a)]) for p in doc.papers
    ]
    if not losses:  # a video API JSON cannot hold (not .mp4) is a warned loss
        assert [p.media for p in back.papers] == [p.media for p in doc.papers]


def check_hf_json_bytes(data: bytes) -> DigestDocument | None:
    """Hugging Face JSON, whatever its bytes: the reader raises only `DigestError` (DK001 for
    bytes that are not text, DK003 for text that is not a JSON array), every diagnostic points
    inside the file, and the Markdown written from what it read validates with no error the
    reader did not already report (active content is the same finding on both sides)."""
    from digestkit.formats.hf_json.daily_papers import read_daily_papers

    try:
        doc = read_daily_papers(data, date="2000-01-01")
    except DigestError as exc:
        assert {d.code for d in exc.diagnostics} <= {"DK001", "DK003"}, exc
        return None
    # Lines end at `\n` only, as Python's `json` module counts them (a lone CR is whitespace).
    lines = data.decode("utf-8-sig").split("\n")
    for d in doc.diagnostics:
        assert d.code in RULES, d
        assert 1 <= d.line <= len(lines), (d, len(lines))
        assert 1 <= d.col <= len(lines[d.line - 1]) + 1, d
    markdown_errors_are_warranted(doc)
    return doc


SAME_FINDING = {"DK504": ("DK207",)}
"""The Markdown reader's code for a Hugging Face reader's finding: an entry without a title."""


def markdown_errors_are_warranted(doc: DigestDocument) -> None:
    """Faithful and canonical Markdown of `doc` (a model not read from Markdown) read back with
    only the errors its content warrants: the codes `doc` itself was given (active content,
    lone surrogates), found again. The writer may refuse what no digest can hold (`FormatError`
    for NUL or a lone surrogate), and must not write what then fails `validate`."""
    own = {code for d in doc.errors for code in (d.code, *SAME_FINDING.get(d.code, ()))}
    for mode in ("faithful", "canonical"):
        try:
            written = digestkit.dumps(doc, "markdown", mode=mode)
        except digestkit.FormatError:
            continue
        again = digestkit.parse(written)
        unwarranted = [d for d in again.errors if d.code not in own]
        assert not unwarranted, (mode, unwarranted, written)
