"""hf-json: the Hugging Face Daily Papers API shape, one array of entries for all documents.

The mapping lives in `digestkit.formats.hf_json.daily_papers`; this module adapts it to the writer
registry. Entries are written one at a time, so a folder converts with memory bounded by one
document. Each entry is encoded by orjson: its 2-space indent gives exactly `json.dumps(entry,
ensure_ascii=False, indent=2)`, which cannot use the json module's C encoder (14x slower).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

import orjson

from ...diagnostics import FormatError
from ...models import DigestDocument
from .daily_papers import read_daily_papers, to_daily_papers


def write(documents: Iterable[DigestDocument], out: TextIO, **unknown: object) -> None:
    """One JSON array (indented by 2, UTF-8 text unescaped) of every paper's entry."""
    if unknown:
        raise FormatError(
            f"the hf-json format takes no option {next(iter(unknown))!r}; it has no options"
        )
    opened = False
    for document in documents:
        entries = to_daily_papers(document)
        if not entries:
            continue
        # The document's entries as one indented array, `[\n  {...},\n  {...}\n]`: exactly
        # the entries of the whole output, so only the brackets between documents change.
        out.write(",\n  " if opened else "[\n  ")
        out.write(_inner(entries))
        opened = True
    out.write("\n]\n" if opened else "[]\n")


def dumps_entry(entry: dict[str, Any] | list[dict[str, Any]]) -> str:
    """`json.dumps(entry, ensure_ascii=False, indent=2)`, byte for byte, in C (an entry, or a
    list of them)."""
    try:
        return orjson.dumps(entry, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:  # a lone surrogate, which orjson refuses and json writes as it is
        return json.dumps(entry, ensure_ascii=False, indent=2)


def _inner(entries: list[dict[str, Any]]) -> str:
    """`dumps_entry(entries)[4:-2]`: the entries without the array's `[\n  ` and `\n]`, cut
    from orjson's bytes before they are decoded, so the text is made once, not copied again."""
    try:
        data = orjson.dumps(entries, option=orjson.OPT_INDENT_2)
    except TypeError:  # a lone surrogate, which orjson refuses and json writes as it is
        return dumps_entry(entries)[4:-2]
    return data[4:-2].decode("utf-8")


def read(text: str) -> list[DigestDocument]:
    """One document; entry problems are its diagnostics (`read_daily_papers`)."""
    return [read_daily_papers(text)]
