"""Parquet out (the `parquet` extra, pyarrow): the JSON Lines rows with the models' types.

CSV has no types and JSON Lines has no integer-or-text distinction that data-frame readers keep,
so `arxiv_id` `2311.10770` can come back as the number 2311.1077. Parquet carries the schema in
the file: strings stay strings, `votes` is a nullable int64, `date` a date32, `authors` a list
of strings, `media` a struct and `summary` a list of `{label, text}` structs, so pandas, DuckDB
and polars read every value back as the models hold it. One row group per document: memory is
bounded by one document, as for the text writers.

Parquet is binary: `write` takes a binary stream (a file opened `"wb"`, `sys.stdout.buffer`),
and the command line refuses to write it to a terminal.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from ..diagnostics import FormatError
from ..models import DigestDocument

BINARY = True
"""Tells the command line and `dumps` that this writer takes bytes, not text."""

COLUMNS = (
    "date",
    "title",
    "url",
    "media",
    "votes",
    "authors",
    "summary",
    "ai_summary",
    "ai_keywords",
    "arxiv_id",
)
"""The JSON Lines keys, in its order: the digest date, then the paper's JSON fields."""

MISSING_PYARROW = (
    "Parquet output needs pyarrow, which is not installed: "
    "python -m pip install 'digestkit-md[parquet]' (or pyarrow)"
)


def schema() -> Any:
    """The Arrow schema of the rows (a `pyarrow.Schema`); raises `FormatError` without pyarrow."""
    pa = _pyarrow()
    text = pa.string()
    return pa.schema(
        [
            pa.field("date", pa.date32()),
            pa.field("title", text, nullable=False),
            pa.field("url", text, nullable=False),
            pa.field(
                "media",
                pa.struct(
                    [pa.field("kind", text, nullable=False), pa.field("url", text, nullable=False)]
                ),
            ),
            pa.field("votes", pa.int64()),
            pa.field("authors", pa.list_(pa.field("item", text, nullable=False)), nullable=False),
            pa.field(
                "summary",
                pa.list_(
                    pa.field(
                        "item",
                        pa.struct(
                            [pa.field("label", text), pa.field("text", text, nullable=False)]
                        ),
                        nullable=False,
                    )
                ),
                nullable=False,
            ),
            pa.field("ai_summary", text),
            pa.field("ai_keywords", pa.list_(pa.field("item", text, nullable=False))),
            pa.field("arxiv_id", text),
        ]
    )


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise FormatError(MISSING_PYARROW) from None
    return pyarrow


def _columns(document: DigestDocument) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for digest in document.digests:
        for paper in digest.papers:
            media = paper.media
            columns["date"].append(digest.date)
            columns["title"].append(paper.title)
            columns["url"].append(paper.url)
            columns["media"].append({"kind": media.kind, "url": media.url} if media else None)
            columns["votes"].append(paper.votes)
            columns["authors"].append(paper.authors)
            columns["summary"].append(
                [{"label": item.label, "text": item.text} for item in paper.summary]
            )
            columns["ai_summary"].append(paper.ai_summary)
            columns["ai_keywords"].append(paper.ai_keywords)
            columns["arxiv_id"].append(paper.arxiv_id)
    return columns


def write(documents: Iterable[DigestDocument], out: BinaryIO, **unknown: object) -> None:
    """One Parquet file for all documents, a row group per document (none for no papers)."""
    if unknown:
        raise FormatError(
            f"the parquet format takes no option {next(iter(unknown))!r}; it has no options"
        )
    pa = _pyarrow()
    import pyarrow.parquet as pq

    if isinstance(out, io.TextIOBase):
        raise FormatError(
            "Parquet is binary: write it to a binary stream (a file opened 'wb', "
            "sys.stdout.buffer), not a text stream"
        )
    arrow_schema = schema()
    with pq.ParquetWriter(out, arrow_schema, compression="zstd") as writer:
        for table in _tables(documents, pa, arrow_schema):
            writer.write_table(table)


def _tables(documents: Iterable[DigestDocument], pa: Any, arrow_schema: Any) -> Iterator[Any]:
    for document in documents:
        columns = _columns(document)
        if columns["title"]:
            yield pa.Table.from_pydict(columns, schema=arrow_schema)
