"""`iterparse`: one large file parsed digest by digest, so memory stays flat as the file grows.

A file is cut only where the reader itself would start a digest: at a line that the reader's
own line classification (`scan.classify`, the CommonMark block pass included) calls a digest
heading, so never inside a fence, an HTML block, a quote or a list item. Nothing before such a
line changes how the lines after it are read, and nothing after it changes the lines before,
so each part parses exactly as the same lines do inside the whole file. What is document-wide
is redone across the parts: line numbers are offset, DK113 (a URL already seen) is checked
against every earlier part, and the parts hold one document's diagnostics between them.

A file is kept whole when a cut could change how it reads: link reference definitions (a
`[label]: url` anywhere resolves headings everywhere), lone CR line endings, bytes that are
not UTF-8 text (whose single DK001 the whole-file parse reports), and a cut after an HTML
construct that is still open where the next part would begin (`active.find_active` reads raw
HTML across lines). Small files are parsed whole too: a first pass over the bytes (the checks
above) costs more than streaming saves below `WHOLE_BELOW` bytes.
"""

from __future__ import annotations

import bisect
import codecs
import os
import re
import stat
from collections.abc import Generator, Iterator
from dataclasses import replace
from functools import partial
from typing import BinaryIO

from ..api import parse_bytes
from ..diagnostics import Diagnostic
from ..models import DigestDocument
from .active import find_active
from .build import build
from .scan import classify
from .source import from_bytes

WHOLE_BELOW = 4 * 2**20
"""Files smaller than this many bytes are parsed whole (one part): the first pass over a
streamed file's bytes costs a tenth of its parse, which small files need not pay."""
CHUNK = 2**20
"""Bytes read at a time."""

_CANDIDATE = b"Daily Papers"  # every digest heading holds it; other lines need no scan
_LONE_CR = re.compile(rb"\r(?!\n)")
_DEFINITION = b"]:"  # every link reference definition holds it (a superset, which is safe)
# Lines whose findings show whether `find_active` carries state past the end of a text: a `[`
# closes a `<!DOCTYPE` still looking for its subset, `<script>` is missed when an unclosed tag
# or quote swallows it, `<x ... onz>` is reported only inside an HTML block still open, and the
# `javascript:` attribute (DK222, read by the cheap tag scan alone) is missed after an unclosed
# quote even where `live_html` reads the `<script>` right.
_PROBE = "[\n<script></script>\n<x a=1 b/ onz>\n<a href='javascript:x'>\n"


def iterparse(path: str | os.PathLike[str]) -> Generator[DigestDocument, None, None]:
    """Parse a digest file one digest at a time, for files too large to hold as one document.

    Yields documents that together are the file: each holds one digest (the first also the
    preamble and any papers before the first heading). Their diagnostics are the whole-file
    parse's, split by part, with the file's line numbers; `Paper.line` counts from the part's
    first line. Writers take the parts as they come, so
    `digestkit.dump(digestkit.iterparse(path), out, "jsonl")` converts in flat memory.

    Files smaller than `WHOLE_BELOW`, files that are no regular file (a FIFO), and files that
    cannot be cut safely (link reference definitions, lone CR line endings) are yielded as one
    document. Like `parse_file`, raises `DigestError` for bytes that are not UTF-8 text and
    `OSError` when the file cannot be read (on the first `next`, as a generator does).
    """
    name = os.fspath(path)
    with open(name, "rb") as handle:  # noqa: PTH123 (pathlib costs start-up time)
        info = os.fstat(handle.fileno())
        regular = stat.S_ISREG(info.st_mode)
        if regular and info.st_size >= WHOLE_BELOW and _cuttable(handle):
            handle.seek(0)
            yield from _Parts(name).run(handle)
            return
        if regular:
            handle.seek(0)
        yield parse_bytes(handle.read(), path=name)


def _cuttable(handle: BinaryIO) -> bool:
    """The first pass: UTF-8 text without NUL bytes, lone CRs or reference definitions."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    carry = b""  # the previous chunk's last byte: a CR or `]` pairs with the next chunk
    for chunk in iter(partial(handle.read, CHUNK), b""):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError:
            return False
        joined = carry + chunk
        if b"\x00" in chunk or _DEFINITION in joined:
            return False
        lone = _LONE_CR.search(joined)
        if lone is not None and lone.start() < len(joined) - 1:
            return False  # a CR at the very end is judged with the next chunk
        carry = chunk[-1:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return carry != b"\r"


class _Parts:
    """The second pass: lines gathered into a window, cut at the digest headings in it."""

    def __init__(self, name: str):
        self.name = name
        self.lines: list[bytes] = []  # the current part's complete lines, without `\n`
        self.first = 0  # the file's 0-based line number of `lines[0]`
        self.candidate = False  # whether `lines` hold a possible digest heading after the first
        self.attempt_at = 0  # classify again once `lines` are this long (doubling: linear)
        self.seen: dict[str, int] = {}  # URL -> 1-based line of its first paper (DK113)

    def run(self, handle: BinaryIO) -> Iterator[DigestDocument]:
        tail: list[bytes] = []  # pieces of the line still being read
        for chunk in iter(partial(handle.read, CHUNK), b""):
            pieces = chunk.split(b"\n")
            tail.append(pieces[0])
            if len(pieces) == 1:
                continue
            new = [b"".join(tail), *pieces[1:-1]]
            tail = [pieces[-1]]
            self.candidate = self.candidate or any(_CANDIDATE in line for line in new)
            self.lines.extend(new)
            if self.candidate and len(self.lines) >= self.attempt_at:
                yield from self._cut(final=False)
        self.lines.append(b"".join(tail))  # the last line: empty after a final newline
        yield from self._cut(final=True)
        yield self._part(b"\n".join(self.lines), self.first)

    def _cut(self, final: bool) -> Iterator[DigestDocument]:
        """Yield every part the window holds that is certainly complete."""
        lines = self.lines
        text = b"\n".join(lines).decode("utf-8")
        if self.first == 0:
            text = text.removeprefix("\ufeff")
        content = text.split("\n")
        if "\r" in text:
            content = [line[:-1] if line.endswith("\r") else line for line in content]
        kinds, _ = classify(content)
        headings = [index for index, kind in enumerate(kinds) if kind == "digest"]
        if self.first == 0 and headings:
            headings = headings[1:]  # the file's first digest opens the first part
        # A setext heading is known only once its underline has been read.
        known = len(lines) if final else len(lines) - 1
        start = 0
        for heading in headings:
            if heading == 0 or heading >= known:
                continue
            data = b"\n".join(lines[start:heading]) + b"\n"
            if b"<" in data and not _html_closed(data, self.first + start == 0):
                continue  # raw HTML may run on into the next digest: keep reading
            yield self._part(data, self.first + start)
            start = heading
        del lines[:start]
        self.first += start
        self.attempt_at = 2 * len(lines)
        self.candidate = any(_CANDIDATE in line for line in lines[1:])

    def _part(self, data: bytes, first: int) -> DigestDocument:
        """One part parsed, its diagnostics moved to the file's lines, DK113 file-wide."""
        document = build(from_bytes(data, self.name))
        found = [
            replace(d, line=d.line + first) if first else d
            for d in document.diagnostics
            if d.code != "DK113"
        ]
        for paper in document.papers:
            line = (paper.line or 1) + first
            if paper.url in self.seen:
                message = f"{paper.url} already appears at line {self.seen[paper.url]}"
                _insert(found, Diagnostic("DK113", message, line, 1, self.name))
            else:
                self.seen[paper.url] = line
        document._diagnostics = found
        return document


def _insert(found: list[Diagnostic], diagnostic: Diagnostic) -> None:
    """Put DK113 where the whole-file parse has it: after what the walk reported at its
    position, before the DK208 the document checks add there next (the sort is stable)."""
    key = (diagnostic.line, diagnostic.col)
    index = bisect.bisect_left(found, key, key=lambda d: (d.line, d.col))
    while index < len(found) and (found[index].line, found[index].col) == key:
        if found[index].code == "DK208":
            break
        index += 1
    found.insert(index, diagnostic)


def _html_closed(data: bytes, first: bool) -> bool:
    """Whether `find_active` reads the text after `data` as it reads it alone: no tag, quote,
    declaration or HTML block of `data` is still open at its end."""
    text = data.decode("utf-8")
    if first:
        text = text.removeprefix("\ufeff")
    alone = sorted(find_active(text))
    probe = [f._replace(offset=f.offset + len(text)) for f in find_active(_PROBE)]
    return sorted(find_active(text + _PROBE)) == sorted(alone + probe)
