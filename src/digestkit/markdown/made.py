"""Runs of generator-shaped papers, each made in the state pydantic would build, in one loop.

A digest is mostly papers of the generator's own shape one after another (`shaped.one_step`
finds one). `make` builds such a paper, its media, summary items and layout directly from the
matches and the lines, with no intermediate dict, `PaperBlock` or per-field call: the values
are valid by construction (the reasons are given where each is read), so no check is left to
make. `run` walks a run of them and checks their links. Anything else is read by a
`PaperBlock` as before (`tests/markdown/test_fast_paths.py` compares made, block-read and line by
line).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic
from ..models import (
    _NEW,
    _SET_DICT,
    _SET_EXTRA,
    _SET_FIELDS,
    _SET_PRIVATE,
    _SHARED_FIELDS_SET,
    Media,
    Paper,
    SummaryItem,
    _built,
    arxiv_id_from_url,
)
from . import fields, shaped
from .layout import PaperLayout, Spans
from .paper_block import PLAIN_BULLET

if TYPE_CHECKING:
    from .build import _Walk

_BULLET = PLAIN_BULLET.match
_JOIN = "\n".join
_ITEM_SET = _SHARED_FIELDS_SET[SummaryItem]


def make(
    lines: list[str],
    line_codes: str,
    match: re.Match[str],
    shape: re.Match[str],
    index: int,
    walk: _Walk,
) -> tuple[Paper, Spans] | None:
    """The paper of the block `shaped.one_step` found at line `index` and its spans, when
    reading it line by line could say nothing but DK203 (no authors): no escape in `Authors:`
    (one may decode to a control, DK401), a list literal that parses (DK213), no `<` or `~`
    in the bullets (DK124, DK125), every bullet plain. Else None, and a `PaperBlock` reads it.

    The values need no check: `_BLOCK`'s title holds no newline (`OneLine`), its URLs no
    whitespace and the heading's no `]` (`Url`, `\\S+`; Python's `\\s` covers Rust's); plain
    author names are printable with no whitespace at a separator (`AuthorName`); labels are
    `PLAIN_BULLET`'s (`Label`); and the text holds no lone surrogate (`api.parse`)."""
    authors_at = shape.end(3)
    line = lines[authors_at]
    first, last = shape.span(5)
    joined = _JOIN(lines[first:last])
    if "\\" in line or "<" in joined or "~" in joined:
        return None
    value = line[8:].strip(" \t")  # after `Authors:`, as `fields.authors` reads it
    # An ASCII text of a file without control characters is printable (`isascii` is a flag).
    printable = (value.isascii() and not walk.source.controls) or value.isprintable()
    if "&" in value or value[:1] == "[" or ",  " in value or " , " in value or not printable:
        names, malformed = fields.authors(line)
        if malformed or (names and not "".join(names).isprintable()):
            return None
    else:  # `fields.authors`' common case, inlined
        names = value.split(", ")
        if names[0] != names[0].strip() or names[-1] != names[-1].strip():
            names = [name.strip() for name in names]
        if "+" in names or "" in names:
            names = [name for name in names if name not in ("+", "")]
    summary = []
    for at in range(first, last):
        if line_codes[at] != "-":
            continue  # a blank line between bullets
        bullet_line = lines[at]
        bullet = _BULLET(bullet_line)  # the marker and label only: the text is not scanned
        if bullet is None:
            return None  # a bullet whose label or text needs `PaperBlock._item`
        end, label = bullet.end(), bullet[2]
        if label is None and bullet_line[end : end + 1] in ("*", "_"):
            return None  # a possible `**Label**:` lead-in
        # `models._built`, inlined for the 21,000 items of a corpus parse: collecting them for
        # `models.parsed_items` cost 34M more instructions (1.6% of a cold corpus parse)
        item = _NEW(SummaryItem)
        _SET_DICT(item, {"label": label, "text": bullet_line[end:]})
        _SET_FIELDS(item, _ITEM_SET)
        _SET_EXTRA(item, None)
        _SET_PRIVATE(item, None)
        summary.append(item)
    title, url, image_url, votes = match.group(1, 2, 3, 4)
    media = _built(Media, {"kind": "image", "url": image_url})
    number = int(votes)  # 1-18 ASCII digits: what `fields.vote` reads
    paper = _built(
        Paper,
        {
            "title": title,
            "url": url,
            "media": media,
            "votes": number,
            "authors": names,
            "summary": summary,
            "ai_summary": None,
            "ai_keywords": None,
        },
    )
    start, image, vote = shape.pos - 1, shape.end(1), shape.end(2)
    spans = shaped.spans(
        (
            image - start - 1,
            vote - image - 1,
            authors_at - vote - 1,
            first - authors_at - 1,
            last - first,
            shape.end() - last,
        )
    )
    snapshot = ((title, url), media, number, tuple(names), tuple(summary))  # `layout.freeze`
    _SET_PRIVATE(paper, {"_layout": PaperLayout(walk.source, index, spans, snapshot)})
    return paper, spans


def run(walk: _Walk, index: int, found: tuple[re.Match[str], re.Match[str]]) -> int:
    """Make the papers of the run of one-step blocks whose first heading is line `index`
    (`found` is its `shaped.one_step`), each closed as the next is found; the index of the line
    after the run. The last is left to the walk (`walk.ready`): a line after it may go on its
    block (a `####` heading, an orphan's lines). A block `make` cannot make is read by a
    `PaperBlock` and ends the run."""
    lines, line_codes, kinds = walk.lines, walk.codes, walk.kinds
    n = len(kinds)
    while True:
        match, shape = found
        made = make(lines, line_codes, match, shape, index, walk)
        stop = shape.end()
        if made is None:
            walk._read_whole(index, match, shape)
            return stop
        if stop < n and kinds[stop] == "paper":
            after = shaped.one_step(lines, line_codes, stop)
            if after is not None:
                close(walk, index, made[0])
                index, found = stop, after
                continue
        walk.ready = (index, made[0], match, shape)
        return stop


def close(walk: _Walk, start: int, paper: Paper) -> None:
    """Close the block of a paper `make` made: what `PaperBlock.close` and `build._placed`
    would say of it (DK203, then its link)."""
    digest = walk.digests[-1]
    if digest.first is None:
        digest.first = start
    if not paper.authors:
        walk.diag("DK203", "paper has no authors", start)
    links(walk, paper.url, start)
    digest.papers.append(paper)


def links(walk: _Walk, url: str, index: int) -> None:
    """DK113 for a link seen before, DK208 for one that is no arXiv or Hugging Face paper."""
    first_seen, path = walk.first_seen, walk.source.path
    if url in first_seen:
        message = f"{url} already appears at line {first_seen[url]}"
        walk.link_report.append(Diagnostic("DK113", message, index + 1, 1, path))
    else:
        first_seen[url] = index + 1
    if arxiv_id_from_url(url) is None:
        message = f"`{url}` is not an arXiv or Hugging Face paper link"
        walk.link_report.append(Diagnostic("DK208", message, index + 1, 1, path))
