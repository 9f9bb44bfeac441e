"""CSV out (RFC 4180): a header, then one row per paper, for spreadsheets and data frames.

List fields become one cell each: authors joined with `; ` (JabRef's choice; no corpus name
contains `;`), summary items one per line as `Label: text`. Votes are a number or an empty cell,
never text, so the formula guard cannot turn `Vote: -` into `'-`.

The `arxiv_id` cell is always quoted (`"2311.10770"`): CSV has no types, and pandas, DuckDB and
LibreOffice read an unquoted `2311.10770` as the number 2311.1077. Quoting changes no value for
any CSV reader, and is what LibreOffice's "Format quoted field as text" keeps as text; the
readers' own type options are in docs/formats.md.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from ..diagnostics import FormatError
from ..models import DigestDocument, Paper

COLUMNS = (
    "date",
    "title",
    "url",
    "arxiv_id",
    "votes",
    "authors",
    "media_kind",
    "media_url",
    "summary",
)
AUTHOR_SEPARATOR = "; "
FORMULA_START = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\x00",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
)
"""Cell starts a spreadsheet reads as a formula: OWASP's list, ASVS's NUL, a line break, and the
full-width forms some locales read as the ASCII ones."""


_MARK = "\ud800"
"""Stands for a quote around the arXiv id while the csv module writes the row: a lone surrogate,
which no model string can hold (the models reject them), so no other cell contains it."""


class _QuotedIds:
    """The stream the csv module writes rows to: each `_MARK` becomes `"`. The csv module quotes
    only cells that need it, and cannot be told to quote one column."""

    def __init__(self, out: TextIO):
        self.out = out

    def write(self, line: str) -> int:
        return self.out.write(line.replace(_MARK, '"'))


def summary_cell(paper: Paper) -> str:
    return "\n".join(
        f"{item.label}: {item.text}" if item.label is not None else item.text
        for item in paper.summary
    )


def row(date: str, paper: Paper) -> list[str | int]:
    """The cells of one paper, in `COLUMNS` order."""
    media = paper.media
    return [
        date,
        paper.title,
        paper.url,
        f"{_MARK}{paper.arxiv_id}{_MARK}" if paper.arxiv_id else "",  # quoted: see above
        paper.votes if paper.votes is not None else "",
        AUTHOR_SEPARATOR.join(paper.authors),
        media.kind if media else "",
        media.url if media else "",
        summary_cell(paper),
    ]


def _excel_safe(cells: list[str | int]) -> list[str | int]:
    """Prefix `'` to text cells a spreadsheet would evaluate as a formula (OWASP CSV injection)."""
    return [
        f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_START) else cell
        for cell in cells
    ]


def write(
    documents: Iterable[DigestDocument],
    out: TextIO,
    *,
    bom: bool = False,
    excel_safe: bool = False,
    **unknown: object,
) -> None:
    """Write one CSV for all documents. The stream is the caller's: open it with `newline=""`
    (the writer emits `\\r\\n` itself) and close it yourself.

    `bom`: start with a UTF-8 byte order mark so Excel detects the encoding.
    `excel_safe`: neutralise cells starting with `=`, `+`, `-`, `@`, TAB, CR, LF, NUL or their
    full-width forms.
    """
    if unknown:
        raise FormatError(
            f"the csv format takes no option {next(iter(unknown))!r}; "
            "its options are bom and excel_safe"
        )
    for name, value in (("bom", bom), ("excel_safe", excel_safe)):
        if not isinstance(value, bool):
            raise FormatError(f"csv {name}={value!r}; expected True or False")
    if bom:
        out.write("\ufeff")
    writer = csv.writer(_QuotedIds(out), lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for document in documents:
        for digest in document.digests:
            date = digest.date.isoformat() if digest.date else ""
            rows: Iterable[list[str | int]] = (row(date, paper) for paper in digest.papers)
            writer.writerows(map(_excel_safe, rows) if excel_safe else rows)
