"""Atom out (RFC 4287): a feed for feed readers, one entry per paper or one per digest day.

Entry ids are `tag:` URIs (RFC 4151) built from the digest date and the arXiv id (or the URL),
so the same input gives the same ids on every run, and a paper listed on two days is two
entries. `updated` is the digest date. The content is the HTML page's rendering of the paper
(`html.paper_html`: escaped text, checked links, no media loaded), escaped once more as Atom
`type="html"` content; thumbnails and videos are `enclosure` links. Papers outside a dated
section have no date for `updated` and are left out.

The writer keeps the rendered entries of the days it will write (the newest `limit` days, or
all of them), since a feed lists the newest day first whatever the input order.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import mimetypes
import re
from collections.abc import Iterable
from typing import Literal, TextIO, get_args
from urllib.parse import quote, urlsplit

from .._version import __version__
from ..diagnostics import FormatError
from ..models import DailyDigest, DigestDocument, Paper
from ._html_text import MEDIA_SCHEMES, escape, safe_url, summary_markdown
from .html import Ids, paper_html

EntryKind = Literal["paper", "day"]
_ENTRY_KINDS: tuple[str, ...] = get_args(EntryKind)
TAG = "tag:digestkit,2024:"
"""The prefix of every id digestkit mints (RFC 4151: authority `digestkit`, dated 2024)."""
FEED_ID = TAG + "daily-papers"
FEED_TITLE = "Daily Papers"
_NO_DATE = "1970-01-01T00:00:00Z"  # `updated` of a feed with no entries
# XML 1.0 allows no form feed and no surrogate; `escape` leaves both (HTML allows the first).
_NOT_XML = re.compile("[\x0c\ud800-\udfff]")
_MARKUP = re.compile("[&<>\"']")  # what `html.escape` changes
_TAG_SAFE = "/?:@!$&'()*+,;=-._~"  # RFC 4151 `specific`: pchar, `/` and `?`
# What `quote(text, safe=_TAG_SAFE)` leaves as it is: ASCII letters, digits and `_TAG_SAFE`.
_TAG_PLAIN = re.compile(r"[A-Za-z0-9/?:@!$&'()*+,;=\-._~]*")


def xml_text(value: str) -> str:
    """`value` escaped for XML text or a double-quoted attribute, controls shown visibly."""
    if value.isprintable():  # no FF, no surrogate; `escape` without its own printable test
        return value if _MARKUP.search(value) is None else html.escape(value)
    text = escape(value)
    if _NOT_XML.search(text) is None:  # FF, surrogates: unprintable
        return text
    return _NOT_XML.sub(_not_xml, text)


def _xml_content(markup: str, printable: bool = False) -> str:
    """HTML from the HTML writer as Atom `type="html"` text. That HTML already shows control
    characters as pictures (except TAB, LF, FF, CR), so it needs only `&<>` escaped and the
    form feed XML refuses; `xml_text` would translate it character by character.
    `printable`: every text the HTML was made of is printable (`_printable`), so it holds no
    form feed or surrogate and the scan for them is skipped."""
    text = html.escape(markup, quote=False)
    if printable or _NOT_XML.search(text) is None:
        return text
    return _NOT_XML.sub(_not_xml, text)


def _printable(papers: Iterable[Paper]) -> bool:
    """Whether every text `html.paper_html` renders of `papers` is printable and holds no
    numeric character reference (mistune resolves `&#12;` to a form feed; no named one gives a
    form feed or a surrogate): then neither, both unprintable, can be in their HTML. One C scan
    of the texts instead of a regex over the markup made of them."""
    texts: list[str] = []
    for paper in papers:
        summary = paper.summary
        texts += (paper.title, paper.url, *paper.authors, *[item.text for item in summary])
        texts += [item.label for item in summary if item.label is not None]
        if paper.media is not None:
            texts.append(paper.media.url)
    text = "".join(texts)
    return text.isprintable() and "&#" not in text


def _authors(names: list[str]) -> str:
    """One `<author>` per name. Names that are printable and hold no markup character are
    their own `xml_text`: one check for the list instead of one escape per name."""
    joined = "".join(names)
    if joined.isprintable() and _MARKUP.search(joined) is None:
        if not names:
            return ""
        return (
            "<author><name>"
            + "</name></author>\n<author><name>".join(names)
            + ("</name></author>\n")
        )
    return "".join(f"<author><name>{xml_text(name)}</name></author>\n" for name in names)


def _not_xml(match: re.Match[str]) -> str:
    return "\u240c" if match.group() == "\x0c" else "\ufffd"


def _timestamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


@functools.lru_cache(maxsize=256)
def _type_of_extension(extension: str) -> str | None:
    return mimetypes.guess_type(f"x{extension}")[0]


def _media_type(path: str) -> str | None:
    """`mimetypes.guess_type(path)[0]` for a URL's path. A path from the root (no scheme to
    read) whose extension maps to no other (`.tgz`) and names no encoding (`.gz`) has the
    type of its extension alone, which is remembered."""
    if path.startswith("/"):
        extension = _extension(path)
        if not mimetypes.inited:
            mimetypes.init()
        if (
            ":" not in extension
            and extension.lower() not in mimetypes.suffix_map
            and extension not in mimetypes.encodings_map
        ):
            return _type_of_extension(extension)
    return mimetypes.guess_type(path)[0]


def _extension(path: str) -> str:
    """`posixpath.splitext(path)[1]` without its generic Python loop: the last dot of the last
    segment, unless only dots precede it there (`.hidden`, `..png`)."""
    head, dot, tail = path.rpartition(".")
    if not dot or "/" in tail:
        return ""
    name = head[head.rfind("/") + 1 :]
    return "." + tail if name.strip(".") else ""


_WEB_PATH = re.compile(r"https?://[^/?#\[\]]*([^?#\[\]]*)(?![^?#]*[\[\]])")


def _url_path(url: str) -> str:
    """`urlsplit(url).path`; for a printable ASCII http(s) URL without brackets (no IPv6 host
    for `urlsplit` to check or refuse), read off directly."""
    simple = _WEB_PATH.match(url) if url.isascii() and url.isprintable() else None
    return urlsplit(url).path if simple is None else simple[1]


def _enclosure(paper: Paper) -> str:
    media = paper.media
    target = None if media is None else safe_url(media.url, MEDIA_SCHEMES)
    if media is None or target is None:
        return ""
    kind = _media_type(_url_path(target))
    kind_attribute = f' type="{xml_text(kind)}"' if kind else ""
    return f'<link rel="enclosure" href="{xml_text(target)}"{kind_attribute}/>\n'


class _Renderer:
    """Entries of one kind, with the HTML renderer built once for the whole feed."""

    def __init__(self, kind: EntryKind):
        self.kind = kind
        self.markdown = summary_markdown()
        self.ids: dict[dt.date, tuple[Ids, Ids]] = {}  # entry ids, HTML element ids

    def entries(self, digest: DailyDigest, date: dt.date) -> list[str]:
        ids, elements = self.ids.setdefault(date, (Ids(), Ids()))
        keyed = [
            (
                paper,
                self._key(ids, paper, arxiv_id),
                elements.paper(position, arxiv_id),
                arxiv_id,
            )
            for position, paper in enumerate(digest.papers, 1)
            for arxiv_id in (paper.arxiv_id,)
        ]
        if self.kind == "paper":
            return [self._paper(*entry, date) for entry in keyed]
        return [self._day(keyed, ids, date)] if keyed else []

    @staticmethod
    def _key(ids: Ids, paper: Paper, arxiv_id: str | None) -> str:
        """`arxiv:<id>`, else `url:<URL>` for a link it may show, else `paper` (then `-2`...)."""
        if arxiv_id:
            base = f"arxiv:{arxiv_id}"
        else:
            url = safe_url(paper.url)
            base = "paper" if url is None else f"url:{url}"
        return ids.make(base if _TAG_PLAIN.fullmatch(base) else quote(base, safe=_TAG_SAFE))

    def _html(self, paper: Paper, element: str, arxiv_id: str | None) -> str:
        """The paper as the HTML page shows it (`element`: its id there), loading nothing."""
        return paper_html(paper, element, media=False, markdown=self.markdown, arxiv_id=arxiv_id)

    def _paper(
        self, paper: Paper, key: str, element: str, arxiv_id: str | None, date: dt.date
    ) -> str:
        target = safe_url(paper.url)
        link = "" if target is None else f'<link rel="alternate" href="{xml_text(target)}"/>\n'
        authors = _authors(paper.authors)
        stamp = _timestamp(date)
        markup = self._html(paper, element, arxiv_id)
        return (
            f"<entry>\n<id>{TAG}{date.isoformat()}/{key}</id>\n"
            f'<title type="text">{xml_text(paper.title)}</title>\n'
            f"{link}{_enclosure(paper)}"
            f"<published>{stamp}</published>\n<updated>{stamp}</updated>\n{authors}"
            f'<content type="html">{_xml_content(markup, _printable((paper,)))}'
            "</content>\n</entry>\n"
        )

    def _day(self, keyed: list[tuple[Paper, str, str, str | None]], ids: Ids, date: dt.date) -> str:
        day_id = ids.make(date.isoformat())
        stamp = _timestamp(date)
        body = "".join(
            self._html(paper, element, arxiv_id) for paper, _, element, arxiv_id in keyed
        )
        enclosures = "".join(_enclosure(paper) for paper, *_ in keyed)
        count = f"{len(keyed)} paper{'' if len(keyed) == 1 else 's'}"
        return (
            f"<entry>\n<id>{TAG}{day_id}</id>\n"
            f'<title type="text">{FEED_TITLE} {date.isoformat()} ({count})</title>\n'
            f"{enclosures}<published>{stamp}</published>\n<updated>{stamp}</updated>\n"
            f'<content type="html">{_xml_content(body, _printable(p for p, *_ in keyed))}'
            "</content>\n</entry>\n"
        )


class Feed:
    """The entries of the newest `limit` days (all days when None), added a digest at a time."""

    def __init__(self, kind: EntryKind = "paper", limit: int | None = None):
        self.renderer = _Renderer(kind)
        self.limit = limit
        self.days: dict[dt.date, list[str]] = {}

    def add(self, documents: Iterable[DigestDocument]) -> None:
        for document in documents:
            for digest in document.digests:
                date = digest.date
                if date is None:
                    continue
                if self.limit is not None and len(self.days) >= self.limit:
                    oldest = min(self.days)
                    if date < oldest:
                        continue  # older than every kept day: never shown
                    if date not in self.days:
                        del self.days[oldest]
                self.days.setdefault(date, []).extend(self.renderer.entries(digest, date))

    def write(self, out: TextIO, *, alternate: str | None = None) -> None:
        """The feed document, newest day first. `alternate`: a link to the site it belongs to."""
        newest = max(self.days, default=None)
        updated = _NO_DATE if newest is None else _timestamp(newest)
        link = (
            "" if alternate is None else f'<link rel="alternate" href="{xml_text(alternate)}"/>\n'
        )
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<id>{FEED_ID}</id>\n<title>{FEED_TITLE}</title>\n{link}"
            f"<updated>{updated}</updated>\n<author><name>{FEED_TITLE}</name></author>\n"
            f'<generator version="{xml_text(__version__)}">digestkit</generator>\n'
        )
        for date in sorted(self.days, reverse=True):
            out.write("".join(self.days[date]))
        out.write("</feed>\n")


def check_options(entry: object, limit: object) -> None:
    if entry not in _ENTRY_KINDS:
        raise FormatError(f"atom entry={entry!r}; choose one of: {', '.join(_ENTRY_KINDS)}")
    if limit is not None and (type(limit) is not int or limit < 1):
        raise FormatError(f"atom limit={limit!r}; expected a positive whole number of days")


def write(
    documents: Iterable[DigestDocument],
    out: TextIO,
    *,
    entry: EntryKind = "paper",
    limit: int | None = None,
    **unknown: object,
) -> None:
    """Write one Atom feed for all documents.

    `entry`: one entry per `paper` (default) or one per digest `day`.
    `limit`: keep only the newest N digest days.
    """
    if unknown:
        raise FormatError(
            f"the atom format takes no option {next(iter(unknown))!r}; "
            "its options are entry and limit"
        )
    check_options(entry, limit)
    feed = Feed(entry, limit)
    feed.add(documents)
    feed.write(out)
