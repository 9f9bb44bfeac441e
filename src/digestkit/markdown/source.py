"""Bytes to text and lines, owning everything a byte-exact round trip needs to give back.

Lines are split on `\\n` only: `str.splitlines()` also splits on form feeds and U+2028, which
occur inside real digest text.
"""

from __future__ import annotations

import codecs
import itertools
import re
from dataclasses import dataclass

from ..diagnostics import Diagnostic, DigestError


@dataclass(frozen=True, slots=True)
class Source:
    """Decoded text, its lines and where it came from.

    `lines` keep a CRLF file's `\\r` (so raw slices stay exact); `content` is the same lines
    without it, for reading. Both are the same list when the text has no `\\r`.
    """

    text: str
    lines: list[str]
    content: list[str]
    path: str | None = None
    bom: bool = False
    controls: bool = True  # whether the text may hold control characters (see `_has_controls`)
    starts: list[int] | None = None  # each line's offset (and the end), for a text with lone CRs

    def line_starts(self) -> list[int]:
        """Each line's offset in `text`."""
        if self.starts is not None:
            return self.starts[:-1]
        return list(itertools.accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0))

    def raw(self, start: int, stop: int) -> str:
        """Lines `start..stop` (0-based, end exclusive) exactly as in the text, terminators kept."""
        if stop <= start:
            return ""
        if self.starts is not None:
            return self.text[self.starts[start] : self.starts[stop]]
        chunk = "\n".join(self.lines[start:stop])
        return chunk if stop == len(self.lines) else chunk + "\n"


# UTF-8 encodes the C0 controls and DEL as single bytes that occur in no multi-byte sequence, so
# the text holds one exactly when the bytes hold its byte. `bytes.__contains__` of one byte value
# is a `memchr` (many bytes a cycle): 31 of them cost less than one table lookup a byte
# (`bytes.translate`), and the TAB, the likeliest, comes first.
_CONTROL_BYTES = bytes([0x09, *range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _has_controls(data: bytes) -> bool:
    return any(map(data.__contains__, _CONTROL_BYTES))


def from_text(text: str, path: str | None = None, data: bytes | None = None) -> Source:
    """Index `text` by line. A final newline leaves an empty last entry, which keeps
    `"\\n".join(lines) == text` true for every input, so raw slices are exact by construction."""
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    if data is None:
        data = text.encode("utf-8", "surrogatepass")
    returns = 0x0D in data  # a `memchr`: the byte is the character, in UTF-8
    if returns and _LONE_CR.search(text):
        # Old Mac endings: lines are cut at every ending and sliced back by offset.
        content = _ENDING.split(text)
        ends = [match.end() for match in _ENDING.finditer(text)]
        return Source(text, content, content, path, bom, _has_controls(data), [0, *ends, len(text)])
    lines = text.split("\n")
    content = [line[:-1] if line.endswith("\r") else line for line in lines] if returns else lines
    return Source(text, lines, content, path, bom, _has_controls(data))


_LONE_CR = re.compile(r"\r(?!\n)")
_ENDING = re.compile(r"\r\n|\r|\n")


def from_bytes(data: bytes, path: str | None = None) -> Source:
    """Decode UTF-8 (one leading BOM allowed); anything else is not a digest and raises."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"invalid UTF-8 byte 0x{data[exc.start]:02x} at byte offset {exc.start}"
        raise DigestError([_position(data, exc.start, path, message)]) from None
    nul = text.find("\x00") if 0 in data else -1  # `memchr` on the bytes first
    if nul >= 0:
        offset = len(text[:nul].encode())
        message = f"NUL byte at byte offset {offset}: this is a binary file, not a digest"
        raise DigestError([_position(data, offset, path, message)])
    return from_text(text, path, data)


def _position(data: bytes, offset: int, path: str | None, message: str) -> Diagnostic:
    line_start = data.rfind(b"\n", 0, offset) + 1
    if line_start == 0 and data.startswith(codecs.BOM_UTF8):
        line_start = len(codecs.BOM_UTF8)  # a BOM is not a column
    col = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return Diagnostic("DK001", message, data.count(b"\n", 0, offset) + 1, col, path)
