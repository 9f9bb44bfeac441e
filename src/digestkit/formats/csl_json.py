"""CSL-JSON out: the Citation Style Language's data format, for pandoc's citeproc, Zotero's
import and citation-js. One item per paper, shaped as Zotero exports an arXiv preprint.

Zotero saves arXiv papers as its `preprint` item type, which its CSL mapping writes as type
`article`, the Repository as `publisher` ("arXiv") and the Archive ID as `number`
("arXiv:2410.00001"). Dates follow the BibTeX writer: `issued` is the paper's own date, the
year and month its arXiv id gives, else the digest date; the digest date, the day the paper was
listed and so seen, is `accessed`. Item ids are the BibTeX writer's keys, unique per output.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from ..diagnostics import FormatError
from ..models import DigestDocument, Paper
from ._names import split_name
from .bibtex import keyed_papers
from .csv_format import summary_cell

_SURROGATE = re.compile("[\ud800-\udfff]")


def arxiv_month(arxiv_id: str) -> tuple[int, int]:
    """The year and month an arXiv id was assigned: `2410.00001` and `hep-th/9901001` begin
    with `YYMM` (years 91-99 are 19YY)."""
    digits = arxiv_id.rpartition("/")[2]
    yy, month = int(digits[:2]), int(digits[2:4])
    return (1900 + yy if yy >= 91 else 2000 + yy), month


def date_parts(arxiv_id: str | None, date: dt.date | None) -> list[int] | None:
    """`issued`: `[year, month]` from the arXiv id, else the digest's `[year, month, day]`."""
    if arxiv_id is not None:
        return list(arxiv_month(arxiv_id))
    return [date.year, date.month, date.day] if date is not None else None


def author(name: str) -> dict[str, str]:
    parts = split_name(name)
    return {"literal": name} if parts is None else {"family": parts.family, "given": parts.given}


class _Authors(dict[str, dict[str, str]]):
    """`author` of each name, remembered for one output (most authors write several papers);
    the JSON encoder only reads the dictionaries, so items share them."""

    def __missing__(self, name: str) -> dict[str, str]:
        written = self[name] = author(name)
        return written


def item(
    paper: Paper,
    key: str,
    date: dt.date | None,
    abstract: bool,
    authors: dict[str, dict[str, str]] | None,
    arxiv_id: str | None,
) -> dict[str, Any]:
    """One CSL item, fields in the order Zotero writes them. `authors`: the names already
    written (`_Authors`); `arxiv_id`: the paper's, from `keyed_papers`."""
    fields: dict[str, Any] = {"id": key, "type": "article", "title": paper.title}
    if paper.authors:
        names = _Authors() if authors is None else authors
        fields["author"] = [names[name] for name in paper.authors]
    if abstract and paper.summary:
        fields["abstract"] = summary_cell(paper)
    if arxiv_id is not None:
        fields["publisher"] = "arXiv"
        fields["number"] = f"arXiv:{arxiv_id}"
    fields["URL"] = paper.url
    issued = date_parts(arxiv_id, date)
    if issued is not None:
        fields["issued"] = {"date-parts": [issued]}
    if date is not None:
        fields["accessed"] = {"date-parts": [[date.year, date.month, date.day]]}
    return fields


def _encoder() -> Callable[[dict[str, Any]], str]:
    """`json.dumps(fields, ensure_ascii=False)`, with the json module's C encoder built once:
    `dumps` builds a `JSONEncoder` and a C encoder for every call, which cost more than
    encoding one item. Without the C module, `dumps` itself."""
    make = getattr(json.encoder, "c_make_encoder", None)  # not in typeshed: the C module's
    if make is None:
        return functools.partial(json.dumps, ensure_ascii=False)
    defaults = json.JSONEncoder(ensure_ascii=False)
    encode = make(
        None,  # no circular check: an item is a tree of new dicts and lists
        defaults.default,
        json.encoder.encode_basestring,
        None,
        defaults.key_separator,
        defaults.item_separator,
        False,
        False,
        True,
    )
    return lambda fields: "".join(encode(fields, 0))


_ENCODE = _encoder()


def _json(fields: dict[str, Any]) -> str:
    """One item on one line: compact JSON is written by the json module's C encoder (an
    indented item would take its Python one, several times slower)."""
    text = _ENCODE(fields)
    if not text.isascii() and _SURROGATE.search(text):
        text = json.dumps(fields)  # a hand-built lone surrogate: escaped, as no UTF-8 holds it
    return text


def write(
    documents: Iterable[DigestDocument],
    out: TextIO,
    *,
    abstract: bool = False,
    **unknown: object,
) -> None:
    """Write every paper of every document as one CSL-JSON array, one item per line (UTF-8).

    `abstract`: add each paper's summary as `abstract`, one `Label: text` line per item.
    """
    if unknown:
        raise FormatError(
            f"the csl-json format takes no option {next(iter(unknown))!r}; its option is abstract"
        )
    if not isinstance(abstract, bool):
        raise FormatError(f"csl-json abstract={abstract!r}; expected True or False")
    separator = "[\n"
    authors = _Authors()
    for paper, key, date, _, arxiv_id in keyed_papers(documents):
        out.write(separator + _json(item(paper, key, date, abstract, authors, arxiv_id)))
        separator = ",\n"
    out.write("[]\n" if separator == "[\n" else "\n]\n")
