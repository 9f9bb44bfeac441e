"""Classified lines -> validated models, diagnostics and layout.

The walk is a small state machine over regions: preamble, digest head, paper, orphan (the lines
after a `###` heading that is not a paper link, kept verbatim with its owner) and epilogue.
Nothing is dropped: every line lands in a field, in a chunk of layout, or in both.
"""

from __future__ import annotations

import bisect
import gc
import re
from typing import Any

from pydantic import ValidationError

from ..diagnostics import Diagnostic
from ..models import DigestDocument, Paper, parsed_document, parsed_paper, share_fields_set
from . import fields, made, shaped
from .active import find_active
from .escaping import without_surrogates
from .layout import DigestLayout, DocumentLayout, PaperLayout, Spans, freeze
from .paper_block import PaperBlock
from .scan import classify
from .source import Source

_PATH_DATE = re.compile(r"(?:^|[/\\])(\d{4})[/\\-](\d{2})[/\\-](\d{2})(?:\.[^/\\]*)?$")
# One character class keeps the scan fast; a TAB is then reported only after text (not indent).
_CONTROL = re.compile(r"[\x00-\x08\t\x0b\x0c\x0e-\x1f\x7f]")


class _Digest:
    def __init__(self, heading_index: int | None, date: Any):
        self.heading_index = heading_index
        self.date = date
        self.papers: list[Paper] = []  # each validated as its block closes
        self.first: int | None = None  # the first paper's heading line
        self.head_stop: int | None = None  # first line after the head region
        self.epilogue: tuple[int, int] | None = None


_Ready = tuple[int, Paper, re.Match[str], re.Match[str]]
"""A paper made in one step: heading line, paper and the matches that found it."""


class _Walk:
    def __init__(self, source: Source):
        self.source = source
        self.lines = source.content  # without a CRLF file's `\r`
        self.kinds, self.notes = classify(source.content)
        self.codes = shaped.codes(self.kinds)
        self.report: list[Diagnostic] = []
        self.digests: list[_Digest] = []
        self.preamble_stop: int | None = None
        self.paper: PaperBlock | None = None
        self.ready: _Ready | None = None  # a paper `made.make` made, until its block closes
        self.region = "preamble"
        self.definitions: dict[str, str] | None = None
        self.first_seen: dict[str, int] = {}  # paper URL -> its first heading's line
        self.spans: dict[Spans, Spans] = {}  # paper layouts of the same shape share spans
        self.link_report: list[Diagnostic] = []  # DK113/DK208, reported after the walk's

    def diag(self, code: str, message: str, index: int, col: int = 1) -> None:
        self.report.append(Diagnostic(code, message, index + 1, col, self.source.path))

    # -- regions -----------------------------------------------------------------------------
    def _end_preamble(self, index: int) -> None:
        if self.preamble_stop is None:
            self.preamble_stop = index

    def _close_region(self, index: int) -> None:
        if self.ready is not None:
            made.close(self, *self.ready[:2])
            self.ready = None
        elif self.paper is not None:
            digest = self.digests[-1]
            if digest.first is None:
                digest.first = self.paper.start
            digest.papers.append(_paper(self, self.paper))
            self.paper = None
        if self.region == "epilogue" and self.digests:
            digest = self.digests[-1]
            assert digest.epilogue is not None
            digest.epilogue = (digest.epilogue[0], index)
        if self.digests and self.digests[-1].head_stop is None:
            self.digests[-1].head_stop = index

    def _start_digest(self, index: int) -> None:
        self._end_preamble(index)
        self._close_region(index)
        date, problem = fields.digest_date(self.lines[index])  # ATX or setext
        if problem:
            # A YYYY-MM-DD that is no calendar date loses the date the heading clearly meant.
            code = "DK104" if problem.endswith("is not a real date") else "DK101"
            self.diag(code, f"digest heading: {problem}", index, 4)
        self.digests.append(_Digest(index, date))
        self.region = "head"

    def _open_paper(self, index: int) -> None:
        if self.region in ("preamble", "epilogue"):
            self._end_preamble(index)
            self._close_region(index)
            self.diag("DK110", "paper heading outside any `## Daily Papers` section", index)
            undated = _Digest(None, None)
            undated.head_stop = index  # no heading: the head region is empty
            self.digests.append(undated)
        else:
            self._close_region(index)
        self.region = "paper"

    def _start_paper(self, index: int, heading: fields.Heading) -> None:
        self._open_paper(index)
        self.paper = PaperBlock(
            self.lines, self.kinds, index, heading, self.report, self.source.path, self.codes
        )

    def _one_step(self, index: int) -> int | None:
        """Open and read in one step the paper whose heading is line `index`, if its block has
        the generator's shape (`shaped.one_step`), with the run of such papers after it
        (`made.run`); the index of the line after them."""
        found = shaped.one_step(self.lines, self.codes, index)
        if found is None:
            return None
        self._open_paper(index)
        return made.run(self, index, found)

    def _read_whole(self, index: int, match: re.Match[str], shape: re.Match[str]) -> None:
        heading = fields.Heading(match[1], match[2])
        self.paper = PaperBlock(
            self.lines, self.kinds, index, heading, self.report, self.source.path, self.codes
        )
        self.paper.read_whole(match, shape)

    def _block(self) -> PaperBlock:
        """The open paper's block, for a line that goes on it: a paper made in one step is
        read again by a `PaperBlock` (a `####` heading or orphan lines after it; rare)."""
        if self.ready is not None:
            index, _, match, shape = self.ready
            self.ready = None
            self._read_whole(index, match, shape)
        assert self.paper is not None
        return self.paper

    def _start_epilogue(self, index: int) -> None:
        self._close_region(index)
        self.digests[-1].epilogue = (index, index)
        self.region = "epilogue"

    # -- the walk ----------------------------------------------------------------------------
    def run(self) -> None:
        lines, kinds, n = self.lines, self.kinds, len(self.lines)
        index = 0
        while index < n:
            kind = kinds[index]
            if kind == "digest":
                self._start_digest(index)
            elif kind == "paper" and (stop := self._one_step(index)) is not None:
                index = stop
                continue
            elif kind == "paper" and (heading := self._heading(index)):
                self._start_paper(index, heading)
            elif self.region in ("preamble", "epilogue"):
                pass  # surrounding Markdown, kept verbatim
            elif kind == "setext" or (kind == "heading" and _level(lines[index]) <= 2):
                self._start_epilogue(index)
            elif kind == "paper":
                self.diag(
                    "DK111",
                    "`###` heading is not a `### [Title](url)` paper link; "
                    "its lines are kept as they are",
                    index,
                )
                self._orphan(index)
            elif self.region == "orphan":
                self._orphan(index)
            elif self.region == "head":
                if kind not in _SILENT:
                    self.diag(
                        "DK112",
                        "text between the digest heading and its first paper: "
                        f"`{lines[index][:60]}`",
                        index,
                    )
            elif kind == "heading":  # a `####` heading inside a paper
                self._block().unplaced(index, "heading inside a paper")
            else:
                index = self._block().consume(index)
                continue
            index += 1
        self._end_preamble(n)
        self._close_region(n)

    def _heading(self, index: int) -> fields.Heading | None:
        """The paper link of a `###` line, reference links resolved against the definitions;
        None for a link whose URL no `Paper` can hold (reported, never a ValidationError)."""
        return fields.paper_url(fields.paper_heading(self.lines[index], self._definitions))

    def _definitions(self) -> dict[str, str]:
        """Link reference definitions, read on the first reference-style heading (rare)."""
        if self.definitions is None:
            self.definitions = fields.definitions(self.lines, self.kinds)
        return self.definitions

    def _orphan(self, index: int) -> None:
        self.region = "orphan"
        if self.paper is not None or self.ready is not None:
            self._block().keep_verbatim(index)
        # In a digest head the line simply stays in the head region.


_SILENT = frozenset({"blank", "underline"})
"""Head-region kinds that are no stray text: a setext heading's underline."""


def _level(line: str) -> int:
    line = line.lstrip(" ")
    return len(line) - len(line.lstrip("#"))


def build(source: Source) -> DigestDocument:
    """Parse a decoded source into a document carrying diagnostics and layout."""
    # A parse allocates some 100,000 small objects per file and none of them form reference
    # cycles, so the cyclic collector's passes during it are pure overhead (5-10% of the time).
    # It is paused for the call and restored as it was, whatever happens.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(source)
    finally:
        if was_enabled:
            gc.enable()


def _build(source: Source) -> DigestDocument:
    walk = _Walk(source)
    walk.run()
    raw = source.raw
    assert walk.preamble_stop is not None
    document = parsed_document(
        raw(0, walk.preamble_stop),
        [
            (digest.date, digest.papers, raw(*digest.epilogue) if digest.epilogue else "")
            for digest in walk.digests
        ],
    )
    document._layout = DocumentLayout(
        source.bom, source.text.endswith(("\n", "\r")) or not source.text
    )
    for digest, model in zip(walk.digests, document.digests, strict=True):
        heading = digest.heading_index
        head_start = heading + 1 if heading is not None else (digest.first or 0)
        assert digest.head_stop is not None
        model._layout = DigestLayout(source, heading, (head_start, digest.head_stop), model.date)
    _document_checks(walk, document)
    walk.report.sort(key=lambda d: (d.line, d.col))
    document._diagnostics = walk.report
    return document


_SET_LAYOUT = Paper._layout.__set__  # the descriptor itself: no `__setattr__` dispatch
_FIELD_ROLE = {"title": "heading", "url": "heading", "media": "media", "authors": "authors"}


def _paper(walk: _Walk, block: PaperBlock) -> Paper:
    """Validate one block's paper, give it its layout and check its link as the block closes,
    so no block outlives its paper: the parse's peak memory holds papers, not blocks."""
    values = block.close()
    paper = None if block.odd else parsed_paper(values)
    if paper is None:
        try:
            paper = Paper.model_validate(values)
        except ValidationError:  # a lone surrogate from an escape (`Authors: ['\\ud800']`)
            _replace_surrogates(walk, block)
            paper = Paper.model_validate(values)
        share_fields_set(paper, items=bool(block.odd))
    spans = block.spans()
    if block.shape is None:  # one-step blocks' spans are shared already (`shaped.spans`)
        spans = walk.spans.setdefault(spans, spans)
    return _placed(walk, paper, block.start, spans)


def _placed(walk: _Walk, paper: Paper, index: int, spans: Spans) -> Paper:
    """Give a paper its layout and check its link (DK113, DK208)."""
    _SET_LAYOUT(paper, PaperLayout(walk.source, index, spans, freeze(paper)))
    made.links(walk, paper.url, index)
    return paper


def _replace_surrogates(walk: _Walk, block: PaperBlock) -> None:
    """Put U+FFFD for each lone surrogate a field value holds (DK224), at the field's line.
    The text itself holds none (`api.parse` replaces those first), so only values decoded from
    escapes can, and only the list literal of `Authors:` decodes escapes."""
    for key, value in block.values.items():
        fixed = without_surrogates(value)
        if fixed is value:
            continue
        block.values[key] = fixed
        role = _FIELD_ROLE.get(key, "summary")
        line = block.start + next((a for r, a, _ in block.spans() if r == role), 0)
        walk.diag("DK224", f"lone surrogate in the {key} value; replaced with U+FFFD", line)


def _document_checks(walk: _Walk, document: DigestDocument) -> None:
    source = walk.source
    if not any(digest.heading_index is not None for digest in walk.digests):
        what = "empty file" if not source.text.strip() else "not a digest"
        walk.diag("DK002", f"{what}: no `## Daily Papers (YYYY-MM-DD)` heading", 0)
    path_date = _date_from_path(source.path)
    for digest, model in zip(walk.digests, document.digests, strict=True):
        heading = digest.heading_index
        if heading is not None and not model.papers:
            walk.diag("DK103", "digest section has no papers", heading)
        if heading is not None and path_date and model.date and model.date.isoformat() != path_date:
            date_col = walk.lines[heading].find("(") + 2  # the date itself
            message = f"digest date {model.date} differs from the path's {path_date}"
            walk.diag("DK102", message, heading, date_col)
    walk.report.extend(walk.link_report)
    _control_characters(walk)
    _active_content(walk)
    _block_notes(walk)


def _date_from_path(path: str | None) -> str | None:
    match = _PATH_DATE.search(path) if path else None
    return "-".join(match.groups()) if match else None


def _active_content(walk: _Walk) -> None:
    """DK220-DK223 wherever they occur in the text (the bare `[Watch Video]url` form, which no
    link syntax shows, is checked where it is read)."""
    starts: list[int] = []  # each line's offset in the text, computed on the first finding
    for finding in find_active(walk.source.text):
        if not starts:
            starts = walk.source.line_starts()
        index = bisect.bisect_right(starts, finding.offset) - 1
        walk.diag(finding.code, finding.message, index, finding.offset - starts[index] + 1)


def _control_characters(walk: _Walk) -> None:
    if not walk.source.controls:
        return
    # `str.isprintable` is a C-level pre-filter: only the rare lines it rejects (control or
    # format characters, tabs, unusual spaces) are searched with the regex.
    for index, line in enumerate(walk.lines):
        if line.isprintable():
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        for match in _CONTROL.finditer(line):
            if match.group() == "\t" and match.start() < indent:
                continue  # indentation, not a stray `\\t`
            walk.diag(
                "DK401",
                f"control character U+{ord(match.group()):04X} in text",
                index,
                match.start() + 1,
            )


_HIDDEN_PAPER = {
    "code": ("DK114", "`###` paper heading inside a code block is not a paper"),
    "html": ("DK115", "`###` paper heading inside an HTML block is not a paper"),
    "comment": (
        "DK115",
        "`###` paper heading inside an HTML comment is not a paper (commented out?)",
    ),
    "indent": ("DK116", "`###` paper heading indented 4 or more columns is code, not a paper"),
    "quote": ("DK117", "`###` paper heading inside a blockquote is not a paper"),
    "item": ("DK117", "`###` paper heading inside a list item is not a paper"),
}
_PLACES = {
    "code": "a code block",
    "html": "an HTML block",
    "comment": "an HTML comment",
    "indent": "indented code",
    "quote": "a blockquote",
    "item": "a list item",
    "setext": "a setext heading",
}


def _block_notes(walk: _Walk) -> None:
    """Say where CommonMark's block structure hid what a line-by-line reading would have taken
    for a heading or a field: papers and digest headings anywhere, fields inside a digest."""
    if not walk.notes:
        return
    spans = [_span(walk, digest) for digest in walk.digests]
    for index, kind, context in walk.notes:
        line = walk.lines[index].lstrip(" \t>")
        if context == "unclosed":
            what = "code fence" if kind == "fence" else "HTML comment or block"
            walk.diag("DK120", f"{what} is never closed: the rest of the text is inside it", index)
        elif kind == "paper":
            if fields.paper_heading(line, walk._definitions) is not None:
                walk.diag(*_HIDDEN_PAPER[context], index)
        elif kind == "digest":
            walk.diag(
                "DK118",
                f"`## Daily Papers` heading inside {_PLACES[context]} is not a digest heading",
                index,
            )
        elif any(start <= index < stop for start, stop in spans):
            label = {"vote": "`Vote:`", "authors": "`Authors:`"}.get(kind, "media")
            walk.diag("DK119", f"{label} line inside {_PLACES[context]} is not read", index)


def _span(walk: _Walk, digest: _Digest) -> tuple[int, int]:
    start = digest.heading_index if digest.heading_index is not None else digest.head_stop
    assert start is not None
    stop = digest.epilogue[0] if digest.epilogue else len(walk.lines)
    following = [d for d in walk.digests if (d.heading_index or 0) > start]
    if following and following[0].heading_index is not None:
        stop = min(stop, following[0].heading_index)
    return start, stop
