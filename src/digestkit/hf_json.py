"""Hugging Face Daily Papers API JSON to digests and back.

`https://huggingface.co/api/daily_papers?date=YYYY-MM-DD` returns a JSON array of entries,
`{"paper": {"id", "title", "authors": [{"name"}], "upvotes", "summary", ...}, "publishedAt",
"thumbnail", "mediaUrls", ...}`. This module maps that shape onto the digest models the way the
digest generator did (title, `https://arxiv.org/abs/<id>`, author names, upvotes, thumbnail), so
digests can be built, checked and compared without the generator. It never fetches anything:
callers pass the text they downloaded. `docs/hf-json.md` has the field-by-field mapping.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from .diagnostics import Diagnostic, DigestError
from .models import DailyDigest, DigestDocument, Media, Paper, SummaryItem, arxiv_id_from_url

ABS_URL = "https://arxiv.org/abs/{}"
"""The paper URL the generator wrote for `paper.id`."""
THUMBNAIL_URL = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{}.png"
"""The social thumbnail every Hugging Face paper has; written when the media is a video."""

_WS = re.compile(r"[ \t\n\r]*")  # JSON's whitespace, exactly
_USABLE_URL = re.compile(r"\S+")
_MAX_VOTES = 10**18  # the models' bound


def _skip(text: str, pos: int) -> int:
    """The offset of the first non-whitespace character at or after `pos`."""
    match = _WS.match(text, pos)
    return match.end() if match else pos


def _is_tidy(text: str, *, lines: bool = False) -> bool:
    """Whether normalising whitespace would leave `text` as it is: no whitespace but single
    spaces (and, with `lines`, single newlines between lines), none at the ends. Substring
    tests in C: much faster than normalising every abstract, as real data is mostly tidy."""
    flat = text.replace("\n", "") if lines else text
    return (
        flat.isprintable()  # false for every whitespace character but the space
        and "  " not in text
        and text[:1] not in (" ", "\n")
        and text[-1:] not in (" ", "\n")
        and not (lines and (" \n" in text or "\n " in text or "\n\n" in text))
    )


def _tidy(text: str) -> str:
    """Whitespace runs as one space, none at the ends."""
    return text if _is_tidy(text) else " ".join(text.split())


def is_video_url(url: str) -> bool:
    """The generator's rule: a media URL is a video when its path ends in `.mp4`."""
    return urlsplit(url).path.lower().endswith(".mp4")


# -- reading -----------------------------------------------------------------------------------
def read_daily_papers(
    source: str | bytes | bytearray | list[Any],
    *,
    date: dt.date | str | None = None,
    path: str | None = None,
) -> DigestDocument:
    """Build a `DigestDocument` from Daily Papers JSON text (or the already decoded list).

    Tolerant like `digestkit.parse`: an entry that lacks fields becomes diagnostics (DK5xx, at
    the entry's `line:col`) in `document.diagnostics`, never an exception. Text that is not
    JSON, or JSON that is not an array, raises `DigestError` (DK003); bytes that are not UTF-8
    raise `DigestError` (DK001).

    The digest date is `date` when given (all papers go into one digest). Otherwise it is the
    day each entry was featured (its `publishedAt`, else `paper.submittedOnDailyAt`, in UTC):
    one digest per day, in order of first appearance, with DK511 when there are several.
    """
    day = _as_date(date)
    if isinstance(source, (bytes, bytearray)):
        source = _decode(bytes(source), path)
    if isinstance(source, str):
        entries, array_at = _split_array(source.removeprefix("\ufeff"), path)
    elif isinstance(source, list):
        entries, array_at = [(value, (1, 1)) for value in source], (1, 1)
    else:
        raise TypeError(
            f"read_daily_papers() takes JSON text, bytes or a list, not {type(source).__name__}"
        )
    return _Reader(path).document(entries, array_at, day)


def looks_like_daily_papers(text: str) -> bool:
    """Whether `text` is Daily Papers JSON rather than digestkit JSON: a top-level array whose
    first item is an object with a `paper` object. Decodes only that first item."""
    text = text.removeprefix("\ufeff")
    start = _skip(text, 0)
    if text[start : start + 1] != "[":
        return False
    try:
        first, _ = json.JSONDecoder().raw_decode(text, _skip(text, start + 1))
    except json.JSONDecodeError:
        return False
    return isinstance(first, dict) and isinstance(first.get("paper"), dict)


def _as_date(date: dt.date | str | None) -> dt.date | None:
    if date is None or type(date) is dt.date:
        return date
    if isinstance(date, str):
        try:
            return dt.date.fromisoformat(date)
        except ValueError:
            raise ValueError(f"date must be YYYY-MM-DD, not {date!r}") from None
    raise TypeError(f"date must be a datetime.date or a YYYY-MM-DD string, not {date!r}")


def _decode(data: bytes, path: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x})"
        raise DigestError([Diagnostic("DK001", message, line, col, path)]) from None


Where = tuple[int, int]


class _Lines:
    """1-based `line:col` of increasing offsets, counting each newline once."""

    def __init__(self, text: str):
        self.text, self.offset, self.line, self.line_start = text, 0, 1, 0

    def at(self, offset: int) -> Where:
        if offset < self.offset:
            self.offset, self.line, self.line_start = 0, 1, 0
        self.line += self.text.count("\n", self.offset, offset)
        newline = self.text.rfind("\n", self.offset, offset)
        if newline >= 0:
            self.line_start = newline + 1
        self.offset = offset
        return self.line, offset - self.line_start + 1


def _split_array(text: str, path: str | None) -> tuple[list[tuple[Any, Where]], Where]:
    """The array's items with the `line:col` each starts at, decoded one at a time."""
    lines = _Lines(text)

    def fail(message: str, offset: int) -> DigestError:
        return DigestError([Diagnostic("DK003", message, *lines.at(offset), path)])

    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if text[pos : pos + 1] != "[":
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise fail(f"invalid JSON: {exc.msg}", exc.pos) from None
        raise fail(
            f"Daily Papers JSON is an array of entries, not {_json_type(value)}", pos
        ) from None
    array_at = lines.at(pos)
    items: list[tuple[Any, Where]] = []
    pos = _skip(text, pos + 1)
    if text[pos : pos + 1] == "]":
        pos += 1
    else:
        while True:
            try:
                value, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                raise fail(f"invalid JSON: {exc.msg}", exc.pos) from None
            items.append((value, lines.at(pos)))
            pos = _skip(text, end)
            if text[pos : pos + 1] == ",":
                pos = _skip(text, pos + 1)
                continue
            if text[pos : pos + 1] == "]":
                pos += 1
                break
            raise fail("invalid JSON: Expecting ',' delimiter", pos)
    pos = _skip(text, pos)
    if pos != len(text):
        raise fail("invalid JSON: Extra data", pos)
    return items, array_at


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


class _Reader:
    """One run over the entries; collects diagnostics as it goes."""

    def __init__(self, path: str | None):
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def report(self, code: str, message: str, where: Where) -> None:
        self.diagnostics.append(Diagnostic(code, message, where[0], where[1], self.path))

    def document(
        self, entries: list[tuple[Any, Where]], array_at: Where, date: dt.date | None
    ) -> DigestDocument:
        found: list[tuple[Paper, dt.date | None]] = []
        seen: dict[str, int] = {}
        for number, (value, where) in enumerate(entries, start=1):
            read = self.entry(value, number, where, need_day=date is None)
            if read is None:
                continue
            if read[0].url in seen:
                message = f"entry {number}: {read[0].url} is also entry {seen[read[0].url]}"
                self.report("DK514", message, where)
            seen.setdefault(read[0].url, number)
            found.append(read)
        days: dict[dt.date | None, list[Paper]] = {} if date is None else {date: []}
        # An undated entry joins the digest of the entry before it (leading ones: the first day).
        current = date or next((day for _, day in found if day is not None), None)
        for paper, day in found:
            current = day or current
            days.setdefault(current, []).append(paper)
        if not entries:
            self.report("DK513", "no entries (a day without papers?)", array_at)
        elif date is None and len([day for day in days if day is not None]) > 1:
            listed = ", ".join(str(day) for day in days)
            self.report(
                "DK511",
                f"entries are featured on {len(days)} days ({listed}): one digest per day; "
                "pass a date to put them in one",
                array_at,
            )
        if None in days:
            # One file-level finding says it all: drop each entry's DK510.
            self.diagnostics = [d for d in self.diagnostics if d.code != "DK510"]
            self.report("DK512", "no entry has a featured date: pass the date", array_at)
        document = DigestDocument(
            digests=[DailyDigest(date=day, papers=papers) for day, papers in days.items()]
        )
        head = [d for d in self.diagnostics if d.code in ("DK511", "DK512", "DK513")]
        document._diagnostics = head + [d for d in self.diagnostics if d not in head]
        return document

    def entry(
        self, value: Any, number: int, where: Where, *, need_day: bool
    ) -> tuple[Paper, dt.date | None] | None:
        """The entry's paper and featured day; None (after an error) when there is no paper."""
        paper = value.get("paper") if isinstance(value, dict) else None
        if not isinstance(paper, dict):
            what = "has no `paper` object" if isinstance(value, dict) else "is not an object"
            self.report("DK501", f"entry {number} {what}; skipped", where)
            return None
        ident = paper.get("id")
        if not isinstance(ident, str) or not _USABLE_URL.fullmatch(ident) or "](" in ident:
            problem = "missing" if ident is None else json.dumps(ident, ensure_ascii=False)
            self.report("DK502", f"entry {number}: `paper.id` is {problem}; skipped", where)
            return None
        url = ident if ident.startswith(("https://", "http://")) else ABS_URL.format(ident)
        label = f"entry {number} ({ident})"
        if arxiv_id_from_url(url) is None:
            self.report("DK503", f"{label}: `paper.id` is not an arXiv id", where)
        fields = _Fields(self, label, where)
        found = Paper(
            title=fields.title(paper, value),
            url=url,
            media=fields.media(paper, value),
            votes=fields.votes(paper),
            authors=fields.authors(paper),
            summary=fields.summary(paper, value),
        )
        return found, fields.day(paper, value) if need_day else None


class _Fields:
    """Reads one entry's fields, reporting what is missing or malformed at the entry."""

    def __init__(self, reader: _Reader, label: str, where: Where):
        self.reader, self.label, self.where = reader, label, where

    def report(self, code: str, message: str) -> None:
        self.reader.report(code, f"{self.label}: {message}", self.where)

    def wrong_type(self, name: str, value: Any) -> None:
        shown = json.dumps(value, ensure_ascii=False, default=str)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        self.report("DK515", f"`{name}` is {shown}; ignored")

    def text(
        self, owner: dict[str, Any], key: str, name: str, *, lines: bool = False
    ) -> str | None:
        """A string field with its whitespace runs collapsed (line breaks kept, blank lines
        dropped, with `lines`); None when absent or blank."""
        value = owner.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.wrong_type(name, value)
            return None
        if _is_tidy(value, lines=lines):
            return value or None  # the common case, found by one regex scan in C
        if not lines:
            return _tidy(value) or None
        kept = (" ".join(line.split()) for line in value.split("\n"))
        return "\n".join(line for line in kept if line) or None

    def title(self, paper: dict[str, Any], entry: dict[str, Any]) -> str:
        title = self.text(paper, "title", "paper.title") or self.text(entry, "title", "title")
        if title is None:
            self.report("DK504", "no `paper.title` or `title`")
        return title or ""

    def votes(self, paper: dict[str, Any]) -> int | None:
        upvotes = paper.get("upvotes")
        if isinstance(upvotes, float) and upvotes.is_integer():
            upvotes = int(upvotes)
        if isinstance(upvotes, int) and not isinstance(upvotes, bool) and 0 <= upvotes < _MAX_VOTES:
            return upvotes
        problem = "missing" if upvotes is None else json.dumps(upvotes)
        self.report("DK505", f"`paper.upvotes` is {problem}; votes unknown")
        return None

    def authors(self, paper: dict[str, Any]) -> list[str]:
        authors = paper.get("authors")
        if authors is not None and not isinstance(authors, list):
            self.wrong_type("paper.authors", authors)
            authors = None
        if not authors:
            self.report("DK506", "no `paper.authors`")
            return []
        names = []
        for number, author in enumerate(authors, start=1):
            raw = author.get("name") if isinstance(author, dict) else None
            name = _tidy(raw) if isinstance(raw, str) else ""
            if name in ("", "+"):
                shown = "missing" if raw is None else json.dumps(raw, ensure_ascii=False)
                self.report("DK507", f"author {number}'s `name` is {shown}; skipped")
            else:
                names.append(name)
        return names

    def urls(self, owner: dict[str, Any], key: str, name: str) -> list[str]:
        value = owner.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(url, str) for url in value):
            self.wrong_type(name, value)
            return []
        return [url for url in value if _USABLE_URL.fullmatch(url)]

    def media(self, paper: dict[str, Any], entry: dict[str, Any]) -> Media | None:
        """A video from `mediaUrls` (the entry's, then the paper's), else the `thumbnail`,
        else the first image of `mediaUrls`."""
        urls = self.urls(entry, "mediaUrls", "mediaUrls")
        urls += self.urls(paper, "mediaUrls", "paper.mediaUrls")
        video = next((url for url in urls if is_video_url(url)), None)
        if video is not None:
            return Media(kind="video", url=video)
        thumbnail = entry.get("thumbnail")
        if thumbnail is not None and not (
            isinstance(thumbnail, str) and _USABLE_URL.fullmatch(thumbnail)
        ):
            self.wrong_type("thumbnail", thumbnail)
            thumbnail = None
        url = thumbnail or (urls[0] if urls else None)
        if url is None:
            self.report("DK508", "no `thumbnail` or `mediaUrls`")
            return None
        return Media(kind="video" if is_video_url(url) else "image", url=url)

    def summary(self, paper: dict[str, Any], entry: dict[str, Any]) -> list[SummaryItem]:
        abstract = self.text(paper, "summary", "paper.summary", lines=True) or self.text(
            entry, "summary", "summary", lines=True
        )
        if abstract is None:
            self.report("DK509", "no abstract (`paper.summary`)")
            return []
        return [SummaryItem(text=abstract)]

    def day(self, paper: dict[str, Any], entry: dict[str, Any]) -> dt.date | None:
        for owner, key, name in (
            (entry, "publishedAt", "publishedAt"),
            (paper, "submittedOnDailyAt", "paper.submittedOnDailyAt"),
        ):
            value = owner.get(key)
            if value is None:
                continue
            day = _day(value)
            if day is not None:
                return day
            self.wrong_type(name, value)
        self.report(
            "DK510", "no featured date (`publishedAt`); it joins the digest of the entry before it"
        )
        return None


def _day(value: object) -> dt.date | None:
    """The UTC day of an ISO 8601 time (`2025-01-02T13:45:12.000Z`) or date."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    return moment.date()


# -- writing -----------------------------------------------------------------------------------
def to_daily_papers(document: DigestDocument) -> list[dict[str, Any]]:
    """The document's papers as Daily Papers entries, in document order (the `hf-json` format).

    Only what digests hold is written; the entries lack the API's other fields (`numComments`,
    `submittedBy`, author `_id`s...). `read_daily_papers` reads the result back to equal papers
    within the limits listed in `docs/hf-json.md`.
    """
    if not isinstance(document, DigestDocument):
        raise TypeError(f"to_daily_papers() takes a DigestDocument, not {type(document).__name__}")
    return [_entry(paper, digest.date) for digest in document.digests for paper in digest.papers]


def _entry(paper: Paper, date: dt.date | None) -> dict[str, Any]:
    arxiv_id = paper.arxiv_id
    # An id for an `https://arxiv.org/abs/<id>` URL, as the API has; any other URL is kept whole.
    ident = arxiv_id if arxiv_id and paper.url == ABS_URL.format(arxiv_id) else paper.url
    abstract = _abstract(paper.summary)
    inner: dict[str, Any] = {
        "id": ident,
        "authors": [{"name": name} for name in paper.authors],
        "title": paper.title,
    }
    if abstract is not None:
        inner["summary"] = abstract
    if paper.votes is not None:
        inner["upvotes"] = paper.votes
    entry: dict[str, Any] = {"paper": inner}
    if date is not None:
        entry["publishedAt"] = f"{date.isoformat()}T00:00:00.000Z"
    entry["title"] = paper.title
    if abstract is not None:
        entry["summary"] = abstract
    media = paper.media
    if media is not None and media.kind == "video":
        if arxiv_id:
            entry["thumbnail"] = THUMBNAIL_URL.format(arxiv_id)
        entry["mediaUrls"] = inner["mediaUrls"] = [media.url]
    elif media is not None:
        entry["thumbnail"] = media.url
    return entry


def _abstract(summary: Iterable[SummaryItem]) -> str | None:
    """One unlabelled item is the abstract; bullets become `Label: text` lines."""
    lines = [item.text if item.label is None else f"{item.label}: {item.text}" for item in summary]
    return "\n".join(lines) if lines else None
