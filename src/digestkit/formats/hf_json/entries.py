"""The entries of a Daily Papers JSON array, decoded one at a time from a sliding window.

Bytes are decoded to text a megabyte at a time and each entry is decoded with
`json.JSONDecoder.raw_decode` as soon as the window holds it, so reading a 53 MB merge of
responses holds the bytes, one window and the papers built so far, never the whole text (which
takes up to 4 bytes a character in Python) nor every decoded entry at once.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any

from ...diagnostics import Diagnostic, DigestError
from .._json_text import lone_surrogates

CHUNK = 1 << 20  # bytes decoded at a time
Where = tuple[int, int]
_WHITESPACE = " \t\n\r"  # JSON's whitespace, exactly


def decode_error(data: bytes | memoryview, path: str | None) -> DigestError | None:
    """DK001 at the first byte that is not UTF-8, or None when all of `data` is."""
    data = bytes(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x})"
        return DigestError([Diagnostic("DK001", message, line, col, path)])
    return None


class _Lines:
    """1-based `line:col` of increasing offsets, counting each newline once."""

    def __init__(self, text: str):
        self.text, self.offset, self.line, self.line_start = text, 0, 1, 0

    def at(self, offset: int) -> Where:
        if offset < self.offset:
            self.offset, self.line, self.line_start = 0, 1, 0
        self.line += self.text.count("\n", self.offset, offset)
        newline = self.text.rfind("\n", self.offset, offset)
        if newline >= 0:
            self.line_start = newline + 1
        self.offset = offset
        return self.line, offset - self.line_start + 1


class Entry:
    """One decoded array item, where it starts, and where its lone surrogates are."""

    __slots__ = ("surrogates", "value", "where")

    def __init__(self, value: Any, where: Where, surrogates: list[tuple[Where, str]]):
        self.value, self.where, self.surrogates = value, where, surrogates


class EntryStream:
    """Iterates the entries of the array in `source`; `array_at` is where the array opens.
    Invalid JSON raises `DigestError` (DK003) when the decoding reaches it."""

    def __init__(self, source: str | bytes, path: str | None):
        self.path = path
        self.data = source if isinstance(source, bytes) else None
        self.chunks: Iterator[str] = iter(()) if isinstance(source, str) else self._decoded()
        self.text = source if isinstance(source, str) else self._next_piece(1)
        self.text = self.text.removeprefix("\ufeff")
        self.line, self.col0 = 1, 0  # where text[0] is in the whole input (col0: 0-based)
        self.lines = _Lines(self.text)
        self.size = CHUNK
        self.pos = self.skip(0)
        if self.text[self.pos : self.pos + 1] != "[":
            self._not_an_array()
        self.array_at = self.at(self.pos)

    def _decoded(self) -> Iterator[str]:
        assert self.data is not None
        view = memoryview(self.data)
        decoder = codecs.getincrementaldecoder("utf-8")()
        for start in range(0, len(view), CHUNK):
            piece = view[start : start + CHUNK]
            try:
                yield decoder.decode(piece, final=start + CHUNK >= len(view))
            except UnicodeDecodeError:
                problem = decode_error(self.data, self.path)
                if problem is not None:
                    raise problem from None
                raise

    def _next_piece(self, chunks: int) -> str:
        """The text of the next `chunks` chunks, at least one character unless at the end (a
        chunk that ends inside a character decodes to nothing)."""
        pieces: list[str] = []
        for piece in self.chunks:
            pieces.append(piece)
            chunks -= 1
            if chunks <= 0 and piece:
                break
        return "".join(pieces)

    def _not_an_array(self) -> None:
        text = self.text + "".join(self.chunks)
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            self.text, self.lines = text, _Lines(text)
            raise self.fail(f"invalid JSON: {exc.msg}", exc.pos) from None
        article = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
        kind = "null" if value is None else article.get(type(value), "a number")
        raise self.fail(f"Daily Papers JSON is an array of entries, not {kind}", self.pos)

    def at(self, offset: int) -> Where:
        line, col = self.lines.at(offset)
        return self.line + line - 1, col + self.col0 if line == 1 else col

    def fail(self, message: str, offset: int) -> DigestError:
        return DigestError([Diagnostic("DK003", message, *self.at(offset), self.path)])

    def more(self, keep: int) -> bool:
        """Drop the text before `keep` and append the next chunks; False at the end (then
        nothing moves). Offsets into the text shift by `keep`."""
        piece = self._next_piece(max(1, self.size // CHUNK))
        if not piece:
            return False
        dropped = self.text.count("\n", 0, keep)
        if dropped:
            self.line += dropped
            self.col0 = keep - self.text.rfind("\n", 0, keep) - 1
        else:
            self.col0 += keep
        self.text = self.text[keep:] + piece
        self.lines = _Lines(self.text)
        return True

    def skip(self, pos: int) -> int:
        """The first non-whitespace offset at or after `pos`, reading on as needed."""
        while True:
            text = self.text
            while pos < len(text) and text[pos] in _WHITESPACE:
                pos += 1
            if pos < len(text) or not self.more(pos):
                return pos
            pos = 0

    def __iter__(self) -> Iterator[Entry]:
        decoder = json.JSONDecoder()
        pos = self.skip(self.pos + 1)
        if self.text[pos : pos + 1] == "]":
            pos += 1
        else:
            while True:
                try:
                    value, end = decoder.raw_decode(self.text, pos)
                except json.JSONDecodeError as exc:
                    if self.more(pos):  # the entry may go on in the next chunk
                        pos, self.size = 0, self.size * 2
                        continue
                    raise self.fail(f"invalid JSON: {exc.msg}", exc.pos) from None
                # A number may go on in the next chunk (`3.` decodes as 3): entries are
                # objects, so this costs nothing on real data.
                delimited = isinstance(value, (dict, list, str))
                if not delimited and len(self.text) - end < 64 and self.more(pos):
                    pos = 0
                    continue
                self.size = CHUNK
                where = self.at(pos)  # before the surrogates: `at` is fastest in order
                surrogates = [
                    (self.at(at), self.text[at : at + 6])
                    for at in lone_surrogates(self.text, pos, end)
                ]
                yield Entry(value, where, surrogates)
                pos = self.skip(end)
                if self.text[pos : pos + 1] == ",":
                    pos = self.skip(pos + 1)
                    continue
                if self.text[pos : pos + 1] == "]":
                    pos += 1
                    break
                raise self.fail("invalid JSON: Expecting ',' delimiter", pos)
        pos = self.skip(pos)
        if pos != len(self.text):
            raise self.fail("invalid JSON: Extra data", pos)
