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

import re
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


# A cell is quoted when it holds the delimiter, the quote or a line break, its quotes doubled:
# what the csv module's QUOTE_MINIMAL writes with `lineterminator="\r\n"` (a test compares the
# two on generated cells), in about half its time, since most cells need no quoting.
_NEEDS_QUOTES = re.compile('[",\r\n]')


def _cell(value: str) -> str:
    if _NEEDS_QUOTES.search(value) is None:
        return value
    return '"' + value.replace('"', '""') + '"'


def line(cells: Iterable[str]) -> str:
    """One CSV record of text cells, ending CRLF."""
    return ",".join([_cell(cell) for cell in cells]) + "\r\n"


def summary_cell(paper: Paper) -> str:
    return "\n".join(
        f"{item.label}: {item.text}" if item.label is not None else item.text
        for item in paper.summary
    )


def row(date: str, paper: Paper, excel_safe: bool = False) -> str:
    """The record of one paper, cells in `COLUMNS` order."""
    media = paper.media
    arxiv_id = paper.arxiv_id
    before = [date, paper.title, paper.url]
    after = [
        AUTHOR_SEPARATOR.join(paper.authors),
        media.kind if media else "",
        media.url if media else "",
        summary_cell(paper),
    ]
    if excel_safe:  # not the votes, a number (`-3` is no formula to a spreadsheet)
        before, after = _excel_safe(before), _excel_safe(after)
    quoted_id = f'"{arxiv_id}"' if arxiv_id else ""  # always quoted: see above; ids hold no `"`
    votes = "" if paper.votes is None else str(paper.votes)
    return ",".join([*map(_cell, before), quoted_id, votes, *map(_cell, after)]) + "\r\n"


def _excel_safe(cells: list[str]) -> list[str]:
    """Prefix `'` to text cells a spreadsheet would evaluate as a formula (OWASP CSV injection)."""
    return [f"'{cell}" if cell.startswith(FORMULA_START) else cell for cell in cells]


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
    out.write(line(COLUMNS))
    for document in documents:
        for digest in document.digests:
            date = digest.date.isoformat() if digest.date else ""
            out.write("".join([row(date, paper, excel_safe) for paper in digest.papers]))
