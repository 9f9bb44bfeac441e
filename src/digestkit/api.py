"""The verbs users call: parse text or a file into a `DigestDocument`."""

from __future__ import annotations

import os

from .diagnostics import Diagnostic, DigestError
from .markdown import source as _source
from .markdown.build import build
from .markdown.escaping import SURROGATE
from .models import DigestDocument


def parse(text: str, *, strict: bool = False, path: str | None = None) -> DigestDocument:
    """Parse digest Markdown. Tolerant by default: problems become `doc.diagnostics`.

    With `strict=True`, raise `DigestError` (carrying every diagnostic) if any is an error.
    """
    if not isinstance(text, str):
        raise TypeError(
            f"parse() takes str, not {type(text).__name__}; use parse_bytes() for bytes"
        )
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: no file holds them, pydantic refuses them
        return _finish(_with_surrogates_replaced(text, path), strict)
    return _finish(build(_source.from_text(text, path, data)), strict)


def _with_surrogates_replaced(text: str, path: str | None) -> DigestDocument:
    """Parse `text` with U+FFFD for each lone surrogate, each reported (DK224) where it was."""
    found = []
    for match in SURROGATE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - line_start + 1 - (line == 1 and text.startswith("\ufeff"))
        message = f"lone surrogate U+{ord(match[0]):04X} in the text; replaced with U+FFFD"
        found.append(Diagnostic("DK224", message, line, col, path))
    document = build(_source.from_text(SURROGATE.sub("\ufffd", text), path))
    document._diagnostics = sorted([*document.diagnostics, *found], key=lambda d: (d.line, d.col))
    return document


def parse_bytes(
    data: bytes | bytearray | memoryview, *, strict: bool = False, path: str | None = None
) -> DigestDocument:
    """Parse digest bytes (standard input, an HTTP body). Raises `DigestError` for bytes that
    are not UTF-8 text (an invalid byte, a NUL byte); `path` only names them in diagnostics."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(
            f"parse_bytes() takes bytes, not {type(data).__name__}; use parse() for str"
        )
    data = bytes(data)
    return _finish(build(_source.from_bytes(data, path)), strict)


def parse_file(path: str | os.PathLike[str], *, strict: bool = False) -> DigestDocument:
    """Parse a digest file. Raises `DigestError` for bytes that are not UTF-8 text, and
    `OSError` when the file cannot be read."""
    name = os.fspath(path)
    with open(name, "rb") as file:  # noqa: PTH123 (`Path.read_bytes` without making a `Path`)
        data = file.read()
    return parse_bytes(data, strict=strict, path=name)


def _finish(document: DigestDocument, strict: bool) -> DigestDocument:
    if strict and document.errors:
        raise DigestError(document.diagnostics)
    return document
