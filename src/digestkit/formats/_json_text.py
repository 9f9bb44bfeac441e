"""Escaped lone surrogates: `"\\ud800"` is valid JSON, but it is half of a UTF-16 pair, no
character, so no UTF-8 output can hold it. The JSON readers find them in the text (one regex
scan in C, which real data never matches) and say where, instead of failing at output time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")

LONE_SURROGATE = (
    "escaped lone surrogate `{}`: half of a UTF-16 pair, not a character, so no UTF-8 output "
    "can hold it (fix what wrote the file, or replace the escape with `\\ufffd`)"
)


def lone_surrogates(text: str, start: int = 0, end: int | None = None) -> Iterator[int]:
    """Offsets of the `\\uD800`-`\\uDFFF` escapes in `text[start:end]` that are not a high
    half followed by a low half (a `\\\\u` is a backslash and text, not an escape)."""
    end = len(text) if end is None else end
    pos = start
    while (match := _ESCAPE.search(text, pos, end)) is not None:
        at = match.start()
        run = 0
        while at - run > start and text[at - run - 1] == "\\":
            run += 1
        pos = match.end()
        if run % 2:
            continue
        if match.group()[3] in "89abAB":
            low = _ESCAPE.match(text, pos, end)
            if low is not None and low.group()[3] in "cdefCDEF":
                pos = low.end()
                continue
        yield at


def scrub(value: Any) -> Any:
    """`value` with every surrogate code point in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if isinstance(value, dict):
        return {scrub(key): scrub(item) for key, item in value.items()}
    return value


def refuse_lone_surrogates(text: str) -> None:
    """Raise `DigestError` (DK003) at the first escaped lone surrogate in digestkit JSON text:
    the model would refuse it with a misleading message, or output would fail on it later."""
    from ..diagnostics import invalid_json

    offset = next(lone_surrogates(text), None)
    if offset is not None:
        line_start = text.rfind("\n", 0, offset) + 1
        line, col = text.count("\n", 0, offset) + 1, offset - line_start + 1
        raise invalid_json(LONE_SURROGATE.format(text[offset : offset + 6]), line, col)
