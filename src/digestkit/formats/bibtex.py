"""BibTeX out: one `@misc` entry per paper in the shape of arXiv's own export.

A digest knows the title, the authors, the link and the date, so an entry has arXiv's fields minus
`primaryClass` (no category) and nothing invented. Keys are unique across everything one call
writes, which is the only state kept between papers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TextIO, get_args
from urllib.parse import quote

from ..diagnostics import FormatError
from ..models import DigestDocument, Paper
from ._bibtex_text import Protect, escape_name, escape_title, key_family, key_word

_PROTECT: tuple[str, ...] = get_args(Protect)
_INDENT = " " * 6  # arXiv's export indents fields by six spaces
# `^` too: a style without url.sty prints the URL with `\texttt`, where `^^5c` is a backslash.
_URL_UNSAFE = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C", "^": "%5E"})
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"  # RFC 3986 reserved and unreserved punctuation


def year(arxiv_id: str | None, date: dt.date | None) -> str | None:
    """The year of the arXiv id (`2401.01234` -> 2024, `hep-th/9901001` -> 1999), else the
    digest's year. arXiv itself prints the latest version's year, which a digest cannot know.
    The caller passes the paper's arXiv id, which `Paper.arxiv_id` derives on each read."""
    if arxiv_id is not None:
        yy = int(arxiv_id.rpartition("/")[2][:2])
        return f"{1900 + yy if yy >= 91 else 2000 + yy}"
    return f"{date.year}" if date is not None else None


class KeyRegistry:
    """Keys `family` + `year` + `word`; on a clash `a`, `b`, ... `z`, `aa` is appended."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, base: str) -> str:
        key = base
        number = 0
        while key in self.used:
            number += 1
            key = base + _suffix(number)
        self.used.add(key)
        return key


def keyed_papers(
    documents: Iterable[DigestDocument],
) -> Iterator[tuple[Paper, str, dt.date | None, str | None, str | None]]:
    """Every paper with its citation key, its digest's date, its year and its arXiv id, in
    order: the one key rule of the BibTeX, CSL-JSON and RIS writers, so a paper has the same id
    in all three."""
    keys = KeyRegistry()
    for document in documents:
        for digest in document.digests:
            for paper in digest.papers:
                arxiv_id = paper.arxiv_id
                when = year(arxiv_id, digest.date)
                key = keys.claim(key_family(paper.authors) + (when or "") + key_word(paper.title))
                yield paper, key, digest.date, when, arxiv_id


def _suffix(number: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa: bijective base 26."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _url(url: str, ascii: bool) -> str:
    """The link as given, with the characters a URL may not hold raw percent-encoded where they
    would break the .bib (braces, backslash), the caret TeX reads as `^^` notation, or, with
    `ascii`, its non-ASCII characters."""
    url = url.translate(_URL_UNSAFE)
    return quote(url, safe=_URL_SAFE) if ascii and not url.isascii() else url


class _Names(dict[str, str]):
    """`escape_name` of each name, remembered for one output with one `ascii` (most authors
    write several papers, and half the names of the corpus are repeats)."""

    def __init__(self, ascii: bool) -> None:
        super().__init__()
        self.ascii = ascii

    def __missing__(self, name: str) -> str:
        written = self[name] = escape_name(name, self.ascii)
        return written


def entry(
    paper: Paper,
    key: str,
    when: str | None,
    protect: Protect,
    ascii: bool,
    raw_math: bool = False,
    names: dict[str, str] | None = None,
    arxiv_id: str | None = None,
) -> str:
    """One `@misc` entry, one field per line, each line ending with a comma as arXiv's do.
    `names`: the escaped names already written (`_Names`, with the same `ascii`); `arxiv_id`:
    the paper's, from `keyed_papers` (else read from the paper)."""
    if arxiv_id is None:
        arxiv_id = paper.arxiv_id
    body = f"{_INDENT}title={{{escape_title(paper.title, protect, ascii, raw_math)}}},\n"
    if paper.authors:
        escaped = _Names(ascii) if names is None else names
        authors = " and ".join([escaped[name] for name in paper.authors])
        body += f"{_INDENT}author={{{authors}}},\n"
    if when is not None:
        body += f"{_INDENT}year={{{when}}},\n"
    if arxiv_id is not None:
        body += f"{_INDENT}eprint={{{arxiv_id}}},\n{_INDENT}archivePrefix={{arXiv}},\n"
    return f"@misc{{{key},\n{body}{_INDENT}url={{{_url(paper.url, ascii)}}},\n}}\n"


def write(
    documents: Iterable[DigestDocument],
    out: TextIO,
    *,
    protect: Protect = "words",
    ascii: bool = False,
    raw_math: bool = False,
    **unknown: object,
) -> None:
    """Write every paper of every document as one .bib, entries separated by a blank line.

    `protect`: brace `words` whose case matters (default), the whole `title`, or `none`.
    `ascii`: write non-ASCII letters as TeX accents (`{\\"u}`) instead of UTF-8.
    `raw_math`: pass every balanced `$...$` to LaTeX as it is, for trusted input only; by
    default math with a control sequence off the allow-list, or `^^`, is written as text.
    """
    if unknown:
        raise FormatError(
            f"the bibtex format takes no option {next(iter(unknown))!r}; "
            "its options are protect, ascii and raw_math"
        )
    if protect not in _PROTECT:
        raise FormatError(f"bibtex protect={protect!r}; choose one of: {', '.join(_PROTECT)}")
    if not isinstance(ascii, bool):
        raise FormatError(f"bibtex ascii={ascii!r}; expected True or False")
    if not isinstance(raw_math, bool):
        raise FormatError(f"bibtex raw_math={raw_math!r}; expected True or False")
    separator = ""
    names = _Names(ascii)
    for paper, key, _, when, arxiv_id in keyed_papers(documents):
        out.write(separator + entry(paper, key, when, protect, ascii, raw_math, names, arxiv_id))
        separator = "\n"
