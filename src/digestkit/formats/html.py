"""HTML out: a standalone HTML5 page to read digests in a browser, and a site index for `--split`.

The page has no script, loads nothing but the media URLs themselves (none with `media=False`),
and carries its stylesheet inline; a Content-Security-Policy meta tag forbids everything else,
so even a bug in the escaping could not run code. Several documents give one page with one
section per digest. Each paper is one `<article class="paper">` with a stable id
(`paper-<arXiv id>`).

A site (`digestkit convert DIR --to html --split OUT/`) is one page per input plus `index.html`:
`cli.convert.split` calls `index_entries` for every page it writes and `write_index` at the end, so
it keeps only a few lines per day, never the documents.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple, TextIO
from urllib.parse import quote

from ..diagnostics import FormatError
from ..models import DailyDigest, DigestDocument, Paper
from ._html_lang import DEFAULT, attribute, checked_tag, language_of
from ._html_text import (
    MEDIA_SCHEMES,
    escape,
    escape_plain_lines,
    is_inert,
    is_plain,
    safe_url,
    summary_markdown,
    within_markdown_limits,
)

if TYPE_CHECKING:
    from .atom import Feed

INDEX_NAME = "index.html"
"""The site index `--split` writes next to the pages."""
FEED_NAME = "feed.xml"
"""The site's Atom feed `--split` writes next to the index (the newest `SITE_FEED_DAYS`)."""
SITE_FEED_DAYS = 30
TOP_PAPERS = 3
"""How many papers per day the index shows (the most voted)."""

STYLE = """
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--link:#0969da}
@media (prefers-color-scheme:dark){
:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;--link:#4493f8}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:46rem;padding:1rem;font:16px/1.55 system-ui,sans-serif;
color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
a{color:var(--link)}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:2rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h3{font-size:1.1rem;margin:0 0 .25rem}
.paper{margin:1rem 0;padding:1rem 0;border-bottom:1px solid var(--line)}
.meta,.authors,.count,.nav{color:var(--muted);font-size:.9rem;margin:.25rem 0}
.meta span+span::before{content:" · "}
.media{margin:.5rem 0}
.media img,.media video{display:block;max-width:100%;height:auto;border-radius:6px;
border:1px solid var(--line)}
.summary{padding-left:1.2rem;margin:.5rem 0}
.summary li{margin:.35rem 0}
.summary p{margin:0}
.label{font-weight:600}
code{font-size:.9em}
.blocked-url{color:var(--muted)}
.days{list-style:none;padding:0}
.day{margin:1rem 0;padding-bottom:.75rem;border-bottom:1px solid var(--line)}
.day h2{border:0;margin:0;padding:0}
.top{margin:.25rem 0;padding-left:1.2rem}
.date{white-space:nowrap}
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
_SCRIPT_FREE = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'"
)
CSP_MEDIA = f"{_SCRIPT_FREE}; img-src http: https:; media-src http: https:"
"""Scripts, frames, fonts and styles other than the inline sheet are refused; media may come
from any http(s) host, since the digests link to their own CDN."""
CSP_NO_MEDIA = _SCRIPT_FREE
"""Nothing at all may load."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- ids -----------------------------------------------------------------------------------------
class Ids:
    """Unique element ids for one page: `day-<date>`, `paper-<arXiv id>`, with `-2`, `-3`, ...
    on repeats. The index replays the same sequence to link to a page's papers."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, base: str) -> str:
        candidate, number = base, 1
        while candidate in self.used:
            number += 1
            candidate = f"{base}-{number}"
        self.used.add(candidate)
        return candidate

    def digest(self, digest: DailyDigest) -> str:
        return self.make(f"day-{digest.date.isoformat()}" if digest.date else "day-undated")

    def paper(self, position: int, arxiv_id: str | None) -> str:
        """The paper's element id, from its arXiv id (which `Paper.arxiv_id` derives on each
        read: callers pass the one they have), else its position."""
        key = arxiv_id.replace("/", "-") if arxiv_id else f"{position}"
        return self.make(f"paper-{key}")


def _walk(documents: Iterable[DigestDocument], ids: Ids) -> Iterator[tuple[DailyDigest, str]]:
    for document in documents:
        for digest in document.digests:
            yield digest, ids.digest(digest)


# -- pieces of a page ----------------------------------------------------------------------------
def _day_name(digest: DailyDigest) -> str:
    return digest.date.isoformat() if digest.date else "Undated papers"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _dated(text: str) -> str:
    """Escaped heading text with each `YYYY-MM-DD` in a `<span class="date">`, which the
    stylesheet keeps on one line: browsers may break after its hyphens (`2024-` / `10-21`) on a
    narrow screen. CSS rather than U+2011 hyphens, so that copied dates keep ASCII hyphens."""
    return _DATE.sub(lambda date: f'<span class="date">{date.group()}</span>', escape(text))


def _head(title: str, media: bool, lang: str = DEFAULT, feed_href: str | None = None) -> str:
    policy = CSP_MEDIA if media else CSP_NO_MEDIA
    feed = (
        ""
        if feed_href is None
        else '<link rel="alternate" type="application/atom+xml" '
        f'title="Daily Papers" href="{escape(feed_href)}">\n'
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="color-scheme" content="light dark">\n'
        '<meta name="generator" content="digestkit">\n'
        f"<title>{escape(title)}</title>\n{feed}<style>{STYLE}</style>\n</head>\n<body>\n"
    )


def page_language(documents: Iterable[DigestDocument]) -> str:
    """The language of the documents' summaries (their titles when no summary has a letter),
    detected as `_html_lang.language_of` says; `en` when nothing has a letter."""
    held = list(documents)
    papers = [paper for document in held for digest in document.digests for paper in digest.papers]
    summaries = language_of(item.text for paper in papers for item in paper.summary)
    return summaries or language_of(paper.title for paper in papers) or DEFAULT


def _title_link(paper: Paper) -> str:
    target = safe_url(paper.url)
    title = escape(paper.title)
    if target is None:  # shown, but never a live link
        return f'{title} <code class="blocked-url">{escape(paper.url)}</code>'
    return f'<a href="{escape(target)}">{title}</a>'


def _meta(paper: Paper, arxiv_id: str | None, lang: str) -> str:
    parts = []
    if arxiv_id:
        parts.append(f'<span class="arxiv-id">arXiv:{escape(arxiv_id)}</span>')
    votes = "votes unknown" if paper.votes is None else _count(paper.votes, "vote")
    parts.append(f'<span class="votes">{votes}</span>')
    return f'<p class="meta"{attribute(DEFAULT, lang)}>{"".join(parts)}</p>\n'


def _media(paper: Paper, media: bool, lang: str) -> str:
    item = paper.media
    if item is None:
        return ""
    english = attribute(DEFAULT, lang)  # "thumbnail", "Watch the video", the alt text
    target = safe_url(item.url, MEDIA_SCHEMES)
    noun = "thumbnail" if item.kind == "image" else "video"
    if target is None:
        blocked = f'<code class="blocked-url">{escape(item.url)}</code>'
        return f'<p class="media media-{item.kind}"{english}>{noun}: {blocked}</p>\n'
    url = escape(target)
    if not media:
        return f'<p class="media media-{item.kind}"{english}><a href="{url}">{noun}</a></p>\n'
    if item.kind == "image":
        alt = escape(f"Thumbnail: {paper.title}")
        element = f'<img src="{url}" alt="{alt}" loading="lazy" decoding="async">'
    else:
        element = (
            f'<video src="{url}" controls preload="none">'
            f'<a href="{url}">Watch the video</a></video>'
        )
    return f'<div class="media media-{item.kind}"{english}>{element}</div>\n'


def _summary(paper: Paper, markdown: Callable[[str], str], lang: str) -> str:
    if not paper.summary:
        return ""
    texts = [item.text for item in paper.summary]
    joined = "\n".join(texts)
    bodies = escape_plain_lines(texts, joined)  # nearly every summary: a few scans in C
    if bodies is None:
        bodies = [_item_body(text, markdown) for text in texts]
    items = [
        f"<li>{body}</li>\n" if item.label is None else f"<li>{_label(item.label)}{body}</li>\n"
        for item, body in zip(paper.summary, bodies, strict=True)
    ]
    own = attribute(language_of((joined,)), lang)  # a line feed is no letter
    return f'<ul class="summary"{own}>\n{"".join(items)}</ul>\n'


def _item_body(text: str, markdown: Callable[[str], str]) -> str:
    if is_plain(text) or is_inert(text) or not within_markdown_limits(text):
        return escape(text)  # nothing to render, or too much for mistune in bounded time
    return _unwrap_paragraph(markdown(text))


@functools.lru_cache(maxsize=256)
def _label(label: str) -> str:
    """A label's markup, remembered: a digest uses a handful of labels for all its items."""
    return f'<span class="label">{escape(label)}</span>: '


def _unwrap_paragraph(rendered: str) -> str:
    """A one-paragraph item without its `<p>`, so that the label and text share a line."""
    body = rendered.rstrip("\n")
    if body.startswith("<p>") and body.endswith("</p>") and body.count("<p") == 1:
        return body[3:-4]
    return body


def paper_html(
    paper: Paper,
    element_id: str,
    *,
    media: bool,
    markdown: Callable[[str], str],
    arxiv_id: str | None,
    lang: str = DEFAULT,
) -> str:
    """One `<article>`; `lang` is the page's language, which parts in another one override.
    `arxiv_id`: the paper's, which `Paper.arxiv_id` derives on each read."""
    # A name with a comma in it ("Chen, Wei") would blur into its neighbours in a comma list.
    names = paper.authors
    authors = ", ".join(names)
    if authors.count(",") >= len(names):  # more commas than the separators: one in a name
        authors = "; ".join(names)
    return (
        f'<article class="paper" id="{escape(element_id)}">\n'
        f'<h3 class="title"{attribute(language_of([paper.title]), lang)}>'
        f"{_title_link(paper)}</h3>\n"
        + _meta(paper, arxiv_id, lang)
        + _media(paper, media, lang)
        + (f'<p class="authors">{escape(authors)}</p>\n' if authors else "")
        + _summary(paper, markdown, lang)
        + "</article>\n"
    )


def _page_title(first: DigestDocument, several: bool) -> str:
    dates = [digest.date.isoformat() for digest in first.digests if digest.date]
    if not dates:
        return "Daily Papers"
    if several:
        return f"Daily Papers from {dates[0]}"
    return f"Daily Papers {dates[0]}" + (f" to {dates[-1]}" if dates[-1] != dates[0] else "")


# -- the writer ----------------------------------------------------------------------------------
def write(
    documents: Iterable[DigestDocument],
    out: TextIO,
    *,
    media: bool = True,
    index_href: str | None = None,
    lang: str | None = None,
    feed_href: str | None = None,
    **unknown: object,
) -> None:
    """One HTML page for all documents, one `<section>` per digest.

    `media`: show thumbnails and videos; with False the page loads nothing and links to them.
    `index_href`: a link to a site index at the top of the page (`--split` sets it).
    `lang`: the page's language tag (`<html lang>`); None detects it from the summaries of the
    first two documents (`page_language`: `ko` for Korean digests, else `en`).
    `feed_href`: an Atom feed the page's head links to (`--split` sets it).
    """
    if unknown:
        raise FormatError(
            f"the html format takes no option {next(iter(unknown))!r}; "
            "its options are media, index_href, lang and feed_href"
        )
    if lang is not None:
        lang = checked_tag(lang)
    if not isinstance(media, bool):
        raise FormatError(f"html media={media!r}; expected True or False")
    for name, href in (("index_href", index_href), ("feed_href", feed_href)):
        if href is not None and not isinstance(href, str):
            raise FormatError(f"html {name}={href!r}; expected a relative URL or None")
    iterator = iter(documents)
    first = next(iterator, None)
    second = next(iterator, None)  # held to tell one document's title from several
    title = "Daily Papers" if first is None else _page_title(first, second is not None)
    held = [d for d in (first, second) if d is not None]
    page = lang or page_language(held)  # the writer streams: what it holds decides
    english = attribute(DEFAULT, page)
    out.write(_head(title, media, page, feed_href))
    out.write(f"<header{english}>\n<h1>{_dated(title)}</h1>\n")
    if index_href is not None:
        out.write(f'<p class="nav"><a href="{escape(index_href)}">All days</a></p>\n')
    out.write("</header>\n<main>\n")
    markdown = summary_markdown()
    ids = Ids()
    rest = chain(held, iterator)
    for digest, digest_id in _walk(rest, ids):
        out.write(
            f'<section class="digest" id="{escape(digest_id)}">\n'
            f"<h2{english}>{_dated(_day_name(digest))}</h2>\n"
            f'<p class="count"{english}>{_count(len(digest.papers), "paper")}</p>\n'
        )
        for position, paper in enumerate(digest.papers, 1):
            arxiv_id = paper.arxiv_id
            element_id = ids.paper(position, arxiv_id)
            out.write(
                paper_html(
                    paper, element_id, media=media, markdown=markdown, lang=page, arxiv_id=arxiv_id
                )
            )
        out.write("</section>\n")
    out.write("</main>\n</body>\n</html>\n")


# -- the site index ------------------------------------------------------------------------------
class TopPaper(NamedTuple):
    title: str
    votes: int | None
    element_id: str


class IndexEntry(NamedTuple):
    """One day of the index: a few lines, so a site of any size keeps little in memory."""

    date: str | None
    page: str
    """The page's path relative to the index, with `/` separators."""
    section_id: str
    papers: int
    top: tuple[TopPaper, ...]


def _by_votes(pair: tuple[Paper, str]) -> int:
    votes = pair[0].votes
    return 1 if votes is None else -votes  # most votes first, unknown last


def index_entries(documents: Iterable[DigestDocument], page: str) -> list[IndexEntry]:
    """The index lines of one page (one per digest), found as `write` names its elements."""
    ids = Ids()
    entries = []
    for digest, section_id in _walk(documents, ids):
        papers = [
            (paper, ids.paper(position, paper.arxiv_id))
            for position, paper in enumerate(digest.papers, 1)
        ]
        ranked = sorted(papers, key=_by_votes)[:TOP_PAPERS]
        top = tuple(TopPaper(paper.title, paper.votes, element_id) for paper, element_id in ranked)
        date = digest.date.isoformat() if digest.date else None
        entries.append(IndexEntry(date, page, section_id, len(papers), top))
    return entries


def write_index(entries: Iterable[IndexEntry], out: TextIO, feed_href: str | None = None) -> None:
    """`index.html`: every day, newest first, with its paper count and most voted papers."""
    days = sorted(entries, key=lambda entry: entry.date or "", reverse=True)
    total = sum(entry.papers for entry in days)
    # The index shows titles and its own words only: their language is the page's.
    page = language_of(paper.title for day in days for paper in day.top) or DEFAULT
    out.write(_head("Daily Papers", media=False, lang=page, feed_href=feed_href))
    out.write(
        "<header>\n<h1>Daily Papers</h1>\n"
        f'<p class="count">{_count(len(days), "day")}, {_count(total, "paper")}</p>\n'
        '</header>\n<main>\n<ol class="days">\n'
    )
    for day in days:
        page = escape(quote(day.page))
        name = _dated(day.date or "Undated papers")
        out.write(
            f'<li class="day">\n<h2><a href="{page}#{escape(day.section_id)}">{name}</a></h2>\n'
            f'<p class="count">{_count(day.papers, "paper")}</p>\n'
        )
        if day.top:
            out.write('<ol class="top">\n')
            for paper in day.top:
                votes = "" if paper.votes is None else f" ({_count(paper.votes, 'vote')})"
                link = f'<a href="{page}#{escape(paper.element_id)}">{escape(paper.title)}</a>'
                own = attribute(language_of([paper.title]), page)
                out.write(f"<li{own}>{link}{votes}</li>\n")
            out.write("</ol>\n")
        out.write("</li>\n")
    out.write("</ol>\n</main>\n</body>\n</html>\n")


def site_feed() -> Feed:
    """The Atom feed of a `--split` site: `cli.convert.split` adds each page's documents to it and
    writes it as `FEED_NAME` beside the index, which it links as the site."""
    from .atom import Feed

    return Feed(limit=SITE_FEED_DAYS)
