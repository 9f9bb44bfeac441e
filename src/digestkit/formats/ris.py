"""RIS out: the tagged import format of Zotero, EndNote and Mendeley. One record per paper.

`TY  - GEN` is what Zotero's own RIS export writes for its preprint item type (RIS has no
preprint type; Zotero's RIS translator maps no `preprint` and falls back to GEN, "generic").
The arXiv id goes where RIS keeps a database's record number: `DB` (name of database, arXiv)
and `AN` (accession number), which Zotero imports as Archive and Loc. in Archive. Dates follow
the CSL-JSON writer: `PY`/`DA` the paper's own date (the arXiv id's year and month, else the
digest date), `Y2` (access date) the digest date. `ID` is the BibTeX writer's key.

A record is a run of `XX  - value` lines ending CRLF, as the RIS specification says, so a
value can never hold a line break: line breaks become spaces and other control characters are
shown as Unicode control pictures, so no value can start a line (`ER  - ` would end a record).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TextIO

from ..diagnostics import FormatError
from ..models import DigestDocument, Paper
from ._names import split_name
from .bibtex import keyed_papers
from .csl_json import arxiv_month

_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_CONTROL = {code: 0x2400 + code for code in range(0x20)} | {0x7F: 0x2421, 0x09: 0x20}
# A character class alone: `^\s|\s$` in the pattern made `re` try both at every position.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def value(text: str) -> str:
    """`text` as one RIS line's value: line breaks as spaces, other controls visible, and no
    space at either end (readers strip it)."""
    if text.isprintable() and text[:1] != " " and text[-1:] != " ":
        return text  # nearly all: every control and whitespace but the space is unprintable
    if _UNSAFE.search(text) is None and not text[:1].isspace() and not text[-1:].isspace():
        return text
    return _LINE_BREAK.sub(" ", text).translate(_CONTROL).strip()


def author(name: str) -> str:
    """`Family, Given` (RIS's form) where the name splits safely, else the name as written."""
    parts = split_name(name)
    return name if parts is None else f"{parts.family}, {parts.given}"


class _Authors(dict[str, str]):
    """`author` of each name, remembered for one output: most authors write several papers."""

    def __missing__(self, name: str) -> str:
        written = self[name] = author(name)
        return written


def _day(date: dt.date) -> str:
    """`YYYY/MM/DD/`: `strftime`'s `%Y` for the years from 1000 (before them it is the
    platform's), without a `strftime` call."""
    if date.year >= 1000:
        return f"{date.year}/{date.month:02d}/{date.day:02d}/"
    return f"{date:%Y/%m/%d}/"


def _dates(date: dt.date | None, arxiv_id: str | None) -> list[tuple[str, str]]:
    fields = []
    if arxiv_id is not None:
        year_, month = arxiv_month(arxiv_id)
        fields += [("PY", f"{year_}"), ("DA", f"{year_}/{month:02d}//")]
    elif date is not None:
        fields += [("PY", f"{date.year}"), ("DA", _day(date))]
    if date is not None:
        fields.append(("Y2", _day(date)))
    return fields


def record(
    paper: Paper,
    key: str,
    date: dt.date | None,
    authors: dict[str, str] | None,
    arxiv_id: str | None,
) -> str:
    """One record, `TY` first and `ER` last, every line ending CRLF. `authors`: the names
    already written (`_Authors`); `arxiv_id`: the paper's, from `keyed_papers`."""
    names = _Authors() if authors is None else authors
    fields = [("TY", "GEN"), ("ID", key), ("TI", paper.title)]
    fields += [("AU", names[name]) for name in paper.authors]
    fields += _dates(date, arxiv_id)
    fields.append(("UR", paper.url))
    if arxiv_id is not None:
        fields += [("DB", "arXiv"), ("AN", f"arXiv:{arxiv_id}")]
    if paper.summary:
        abstract = " ".join(
            f"{item.label}: {item.text}" if item.label is not None else item.text
            for item in paper.summary
        )
        fields.append(("AB", abstract))
    return _lines(fields) + "ER  - \r\n"


def _lines(fields: list[tuple[str, str]]) -> str:
    """The record's lines. When every value is printable (no control, no line break) and none
    starts or ends with a space, each is its own `value`: one printable test for the record
    and two searches of its lines, instead of a call per line. A value that starts with a space
    puts `  -  ` in the lines, one that ends with one ` \r\n`."""
    lines = "".join([f"{tag}  - {text}\r\n" for tag, text in fields])
    spaced = " \r\n" in lines or "  -  " in lines
    if not spaced and "".join([text for _, text in fields]).isprintable():
        return lines
    return "".join([f"{tag}  - {value(text)}\r\n" for tag, text in fields])


def write(documents: Iterable[DigestDocument], out: TextIO, **unknown: object) -> None:
    """Write every paper of every document as one RIS file, records separated by a blank line.
    The writer emits `\\r\\n` itself: open files with `newline=""`."""
    if unknown:
        raise FormatError(
            f"the ris format takes no option {next(iter(unknown))!r}; it has no options"
        )
    separator = ""
    authors = _Authors()
    for paper, key, date, _, arxiv_id in keyed_papers(documents):
        out.write(separator + record(paper, key, date, authors, arxiv_id))
        separator = "\r\n"
