"""`dumps`/`dump`/`loads`/`load`: the json-module-shaped entry points to every format."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, TextIO

from .formats import get_format
from .models import DigestDocument


def _as_iterable(documents: DigestDocument | Iterable[DigestDocument]) -> Iterable[DigestDocument]:
    if isinstance(documents, DigestDocument):
        return (documents,)
    if isinstance(documents, (str, bytes)) or not isinstance(documents, Iterable):
        raise TypeError(f"expected a DigestDocument or an iterable of them, not {_name(documents)}")
    return _checked(documents)


def _checked(documents: Iterable[object]) -> Iterator[DigestDocument]:
    """Pass documents through lazily (writers stream), refusing anything else as it comes."""
    for document in documents:
        if not isinstance(document, DigestDocument):
            raise TypeError(f"expected DigestDocument items, not {_name(document)}")
        yield document


def _name(value: object) -> str:
    return type(value).__name__


def dump(
    documents: DigestDocument | Iterable[DigestDocument],
    fp: TextIO | BinaryIO,
    format: str,
    **options: Any,
) -> None:
    """Write one document, or many as one output, to a text stream (a binary one for a binary
    format: Parquet)."""
    get_format(format).writer().write(_as_iterable(documents), fp, **options)  # type: ignore[arg-type]


def dumps(documents: DigestDocument | Iterable[DigestDocument], format: str, **options: Any) -> str:
    """`dump` to a string; a binary format (Parquet) raises `FormatError`: `dump` it to a file
    opened `"wb"`."""
    fmt = get_format(format)
    if fmt.binary:
        from .diagnostics import FormatError

        if options:  # an unknown option is named first, as for the text formats
            fmt.writer().write(iter(()), io.BytesIO(), **options)  # type: ignore[arg-type]
        raise FormatError(
            f"{fmt.name} is binary, not text: use dump() with a file opened in binary mode "
            f"(open(path, 'wb'))"
        )
    out = io.StringIO()
    dump(documents, out, format, **options)
    return out.getvalue()


def loads(text: str, format: str = "json") -> DigestDocument | list[DigestDocument]:
    """Read documents back: one document, or a list for a JSON array of several. JSON Lines
    reads back as one document (papers grouped into digests by date). Invalid input raises
    `DigestError` with a DK003 diagnostic at the offending line and column."""
    documents = get_format(format).reader().read(text)
    return documents[0] if len(documents) == 1 else documents


def load(fp: TextIO, format: str = "json") -> DigestDocument | list[DigestDocument]:
    """`loads` from a text stream."""
    return loads(fp.read(), format)
