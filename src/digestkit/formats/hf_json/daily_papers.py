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
import warnings
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from ...diagnostics import Diagnostic
from ...markdown.active import find_active, script_scheme
from ...markdown.escaping import escape_block, unescape_block
from ...markdown.fields import VIDEO_EXTENSIONS
from ...models import DailyDigest, DigestDocument, Media, Paper, SummaryItem, arxiv_id_from_url
from .._json_text import LONE_SURROGATE, scrub
from .entries import Entry, EntryStream, Where

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
    # With line feeds as spaces, one search finds a double space, a space at a line's end or
    # start and a blank line alike.
    flat = text.replace("\n", " ") if lines else text
    return (
        flat.isprintable()  # false for every whitespace character but the space
        and "  " not in flat
        and text[:1] not in (" ", "\n")
        and text[-1:] not in (" ", "\n")
    )


def _tidy(text: str) -> str:
    """Whitespace runs as one space, none at the ends."""
    return text if _is_tidy(text) else " ".join(text.split())


def _url_path(url: str) -> str:
    """The lower-cased path of `url`. A URL that `urlsplit` refuses (`//[`, `http://[x]/`) is
    judged by its text before `?` and `#`."""
    try:
        path = urlsplit(url).path
    except ValueError:
        path = url.split("#", 1)[0].split("?", 1)[0]
    return path.lower()


def is_video_url(url: str) -> bool:
    """The generator's rule for `mediaUrls`: a URL is the paper's video when its path ends in
    `.mp4`."""
    return _url_path(url).endswith(".mp4")


def names_video_file(url: str) -> bool:
    """Whether the path of the one media URL (`thumbnail`, `mediaUrl`) names a video file
    (`.mp4`, `.qt`, `.webm`, ...): the generator wrote such a URL as `![](url)`, which the
    Markdown reader reads as the paper's video (DK122), so this reader does too."""
    return _url_path(url).endswith(_VIDEO_ENDINGS)


_VIDEO_ENDINGS = tuple(f".{extension}" for extension in VIDEO_EXTENSIONS)


def day_of_file(path: str | None) -> dt.date | None:
    """The day a response was queried for, from its name (`2025-03-17.json`, `.hf.json`)."""
    if path is None:
        return None
    match = _DAY_FILE.fullmatch(PurePath(path).name)
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match[1])
    except ValueError:
        return None


_DAY_FILE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:\.hf)?\.json", re.IGNORECASE)


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

    The date rule (`docs/hf-json.md`): `date` when given puts every paper into one digest.
    Otherwise each entry's day is its `paper.submittedOnDailyAt` (the day it was featured);
    else the day in the file name when `path` is `YYYY-MM-DD.json` (one `?date=` response);
    else, as a last resort, the UTC day of the entry's `publishedAt` (DK518 says so). One
    digest per day, in date order (DK511 when there are several).
    """
    day = _as_date(date)
    entries: Iterable[Entry]
    if isinstance(source, bytearray):
        source = bytes(source)
    if isinstance(source, (str, bytes)):
        stream = EntryStream(source, path)
        entries, array_at = stream, stream.array_at
    elif isinstance(source, list):
        entries, array_at = (Entry(value, (1, 1), []) for value in source), (1, 1)
    else:
        raise TypeError(
            f"read_daily_papers() takes JSON text, bytes or a list, not {type(source).__name__}"
        )
    return _Reader(path).document(entries, array_at, day, day_of_file(path))


def looks_like_daily_papers(text: str) -> bool:
    """Whether `text` is Daily Papers JSON rather than digestkit JSON: a top-level array whose
    first item is an object with a `paper` object, or a string holding one (a list written
    with `str()`, which the reader then explains). Decodes only that first item."""
    text = text.removeprefix("\ufeff")
    start = _skip(text, 0)
    if text[start : start + 1] != "[":
        return False
    try:
        first, _ = json.JSONDecoder().raw_decode(text, _skip(text, start + 1))
    except json.JSONDecodeError:
        return False
    if isinstance(first, str):
        return _object_text(first) is not None
    return isinstance(first, dict) and isinstance(first.get("paper"), dict)


def no_json_entries(text: str) -> bool:
    """Whether `text` is an empty JSON array, which is both no digestkit documents and a Daily
    Papers day without papers: only `--from` can tell."""
    return len(text) < 4096 and "".join(text.removeprefix("\ufeff").split()) == "[]"


def _object_text(value: str) -> str | None:
    """What an entry that is a string holds: `python` for a dict's repr (`{'paper': ...`),
    `json` for JSON encoded twice (`{"paper": ...`), else None."""
    head = value.lstrip()[:12].replace(" ", "")
    if head.startswith("{'paper'"):
        return "python"
    if head.startswith('{"paper"'):
        return "json"
    return None


def _as_date(date: dt.date | str | None) -> dt.date | None:
    if date is None or type(date) is dt.date:
        return date
    if isinstance(date, str):
        try:
            return dt.date.fromisoformat(date)
        except ValueError:
            raise ValueError(f"date must be YYYY-MM-DD, not {date!r}") from None
    raise TypeError(f"date must be a datetime.date or a YYYY-MM-DD string, not {date!r}")


class _Reader:
    """One run over the entries; collects diagnostics as it goes."""

    def __init__(self, path: str | None):
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.by_published: list[int] = []  # entries dated by `publishedAt` (DK518)
        self.off_file_day: list[int] = []  # entries whose submittedOnDailyAt is not the file's
        self.as_text: dict[str, list[int]] = {}  # entries that are strings holding objects

    def report(self, code: str, message: str, where: Where) -> None:
        self.diagnostics.append(Diagnostic(code, message, where[0], where[1], self.path))

    def document(
        self,
        entries: Iterable[Entry],
        array_at: Where,
        date: dt.date | None,
        file_day: dt.date | None,
    ) -> DigestDocument:
        found: list[tuple[Paper, dt.date | None]] = []
        seen: dict[str, int] = {}
        count = 0
        first_text_at: Where | None = None
        for count, entry in enumerate(entries, start=1):
            for where, escape in entry.surrogates:
                self.report("DK516", f"entry {count}: " + LONE_SURROGATE.format(escape), where)
            value = scrub(entry.value) if entry.surrogates else entry.value
            if isinstance(value, str) and (kind := _object_text(value)) is not None:
                self.as_text.setdefault(kind, []).append(count)
                first_text_at = first_text_at or entry.where
                continue
            read = self.entry(value, count, entry.where, date=date, file_day=file_day)
            if read is None:
                continue
            url = read[0].url
            if url in seen:
                self.report("DK514", f"entry {count}: {url} is also entry {seen[url]}", entry.where)
            seen.setdefault(url, count)
            found.append(read)
        days: dict[dt.date | None, list[Paper]] = {} if date is None else {date: []}
        # An undated entry joins the digest of the entry before it (leading ones: the first day).
        current = date or next((day for _, day in found if day is not None), None)
        for paper, day in found:
            current = day or current
            days.setdefault(current, []).append(paper)
        self.file_findings(count, array_at, first_text_at, file_day)
        if count == 0:
            self.report("DK513", "no entries (a day without papers?)", array_at)
        elif date is None and len([day for day in days if day is not None]) > 1:
            listed = ", ".join(str(day) for day in sorted(d for d in days if d is not None))
            self.report(
                "DK511",
                f"entries are featured on {len(days)} days ({listed}): one digest per day; "
                "pass a date to put them in one",
                array_at,
            )
        if None in days:
            # One file-level finding says it all: drop each entry's DK510.
            self.diagnostics = [d for d in self.diagnostics if d.code != "DK510"]
            self.report(
                "DK512",
                "no entry has a date (`paper.submittedOnDailyAt` or `publishedAt`) and the file "
                "name is not YYYY-MM-DD.json: pass the day queried (`--date YYYY-MM-DD`)",
                array_at,
            )
        ordered = sorted(days.items(), key=lambda item: (item[0] is None, item[0] or dt.date.min))
        document = DigestDocument(
            digests=[DailyDigest(date=day, papers=papers) for day, papers in ordered]
        )
        head = [d for d in self.diagnostics if d.code in _FILE_CODES]
        document._diagnostics = head + [d for d in self.diagnostics if d.code not in _FILE_CODES]
        return document

    def file_findings(
        self, count: int, array_at: Where, text_at: Where | None, file_day: dt.date | None
    ) -> None:
        """One diagnostic per file for what concerns many entries."""
        for kind, numbers in self.as_text.items():
            how = (
                "Python dicts (`{'paper': ...`, written with str() or print() instead of "
                "json.dump): rebuild them with ast.literal_eval and write them with json.dump"
                if kind == "python"
                else "JSON objects encoded twice: decode each with json.loads and write the "
                "list once with json.dump"
            )
            self.report(
                "DK519",
                f"{_entries(numbers, count)} {_are_strings(numbers)} holding {how}; skipped",
                text_at or array_at,
            )
        if self.by_published:
            self.report(
                "DK518",
                f"{_entries(self.by_published, count)} {_have(self.by_published)} no "
                "`paper.submittedOnDailyAt`: dated by `publishedAt`, which is not always the "
                "day queried; pass that day (`--date YYYY-MM-DD`) or name the file "
                "YYYY-MM-DD.json",
                array_at,
            )
        if self.off_file_day:
            self.report(
                "DK517",
                f"{_entries(self.off_file_day, count)} {_have(self.off_file_day)} a "
                "`paper.submittedOnDailyAt` day "
                f"other than {file_day}, the day in the file name: dated by "
                "`submittedOnDailyAt`; pass `--date` to put them in one digest",
                array_at,
            )

    def entry(
        self,
        value: Any,
        number: int,
        where: Where,
        *,
        date: dt.date | None,
        file_day: dt.date | None,
    ) -> tuple[Paper, dt.date | None] | None:
        """The entry's paper and day; None (after an error) when there is no paper."""
        paper = value.get("paper") if isinstance(value, dict) else None
        if not isinstance(paper, dict):
            what = "has no `paper` object" if isinstance(value, dict) else "is not an object"
            self.report("DK501", f"entry {number} {what}; skipped", where)
            return None
        url = _url(value, paper)
        if url is None:
            ident = paper.get("id")
            problem = "missing" if ident is None else json.dumps(ident, ensure_ascii=False)
            self.report("DK502", f"entry {number}: `paper.id` is {problem}; skipped", where)
            return None
        label = f"entry {number} ({paper.get('id') or url or 'no id'})"
        if arxiv_id_from_url(url) is None and "url" not in value:
            self.report("DK503", f"{label}: `paper.id` is not an arXiv id", where)
        fields = _Fields(self, label, where)
        found = Paper(
            title=fields.title(paper, value),
            url=url,
            media=fields.media(paper, value),
            votes=fields.votes(paper),
            authors=fields.authors(paper),
            summary=fields.summary(paper, value),
            ai_summary=fields.text(paper, "ai_summary", "paper.ai_summary"),
            ai_keywords=fields.keywords(paper),
        )
        fields.check_active(found)
        if date is not None:
            return found, None
        return found, fields.day(paper, value, number, file_day)


_FILE_CODES = ("DK511", "DK512", "DK513", "DK517", "DK518", "DK519")


def _entries(numbers: list[int], count: int) -> str:
    """`entries 1-26 (all 26)`, `entries 3, 7 (2 of 40)`: which entries a finding covers."""
    if numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 2:
        shown = f"{numbers[0]}-{numbers[-1]}"
    else:
        shown = ", ".join(map(str, numbers[:5])) + (", ..." if len(numbers) > 5 else "")
    share = f"all {count}" if len(numbers) == count else f"{len(numbers)} of {count}"
    return f"entr{'y' if len(numbers) == 1 else 'ies'} {shown} ({share})"


def _are_strings(numbers: list[int]) -> str:
    return "is a string" if len(numbers) == 1 else "are strings"


def _have(numbers: list[int]) -> str:
    return "has" if len(numbers) == 1 else "have"


def _url(entry: dict[str, Any], paper: dict[str, Any]) -> str | None:
    """The paper URL: the entry's `url` when digestkit wrote one (a URL the id cannot give),
    else `https://arxiv.org/abs/<paper.id>`, or the id itself when it is an http(s) URL.
    None when there is no usable id."""
    written = entry.get("url")
    if isinstance(written, str) and _IS_URL.fullmatch(written):
        return written
    ident = paper.get("id")
    if not isinstance(ident, str) or not _USABLE_URL.fullmatch(ident) or "](" in ident:
        return None
    return url_of_id(ident)


_IS_URL = re.compile(r"(?:[^\s\]]|\][^\s(])*\]?")  # the model's `Url`


def url_of_id(ident: str) -> str:
    """The URL the generator wrote for a `paper.id`."""
    return ident if ident.startswith(("https://", "http://")) else ABS_URL.format(ident)


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

    def keywords(self, paper: dict[str, Any]) -> list[str] | None:
        value = paper.get("ai_keywords")
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(word, str) for word in value):
            self.wrong_type("paper.ai_keywords", value)
            return None
        return [_tidy(word) for word in value]

    def urls(self, owner: dict[str, Any], key: str, name: str) -> list[str]:
        value = owner.get(key)
        if value is None:
            return []
        if isinstance(value, str) and key == "mediaUrl":  # the 2024-05/06 shape: one URL
            value = [value]
        if not isinstance(value, list) or not all(isinstance(url, str) for url in value):
            self.wrong_type(name, value)
            return []
        return [url for url in value if _USABLE_URL.fullmatch(url)]

    def media(self, paper: dict[str, Any], entry: dict[str, Any]) -> Media | None:
        """A video from `mediaUrls` (the entry's, then the paper's) or `mediaUrl`, else the
        `thumbnail`, else `mediaUrl` (the thumbnail of the 2024-05/06 shape), else the first
        image of `mediaUrls`."""
        listed = self.urls(entry, "mediaUrls", "mediaUrls")
        listed += self.urls(paper, "mediaUrls", "paper.mediaUrls")
        single = self.urls(entry, "mediaUrl", "mediaUrl")
        video = next((url for url in listed + single if is_video_url(url)), None)
        if video is not None:
            return Media(kind="video", url=video)
        thumbnail = entry.get("thumbnail")
        if thumbnail is not None and not (
            isinstance(thumbnail, str) and _USABLE_URL.fullmatch(thumbnail)
        ):
            self.wrong_type("thumbnail", thumbnail)
            thumbnail = None
        url = thumbnail or next(iter(single + listed), None)
        if url is None:
            self.report("DK508", "no `thumbnail`, `mediaUrls` or `mediaUrl`")
            return None
        return Media(kind="video" if names_video_file(url) else "image", url=url)

    def summary(self, paper: dict[str, Any], entry: dict[str, Any]) -> list[SummaryItem]:
        abstract = self.text(paper, "summary", "paper.summary", lines=True) or self.text(
            entry, "summary", "summary", lines=True
        )
        if abstract is None:
            self.report("DK509", "no abstract (`paper.summary`)")
            return []
        return [SummaryItem(text=escape_block(abstract))]  # plain text as Markdown source

    def check_active(self, paper: Paper) -> None:
        """The Markdown reader's DK22x checks on what the Markdown would show: a script URL
        as the paper or media link, active HTML in the title, abstract or AI summary."""
        for name, url in (("the paper URL", paper.url), ("the media URL", paper.media)):
            link = url.url if isinstance(url, Media) else url
            scheme = script_scheme(link) if isinstance(link, str) else None
            if scheme:
                self.report("DK222", f"`{scheme}` URL as {name}")
        texts = [
            ("title", paper.title),
            ("abstract", unescape_block(paper.summary[0].text) if paper.summary else ""),
        ]
        texts.append(("AI summary", paper.ai_summary or ""))
        for name, text in texts:
            if "<" in text or "](" in text or "]:" in text:
                for finding in find_active(text):
                    self.report(finding.code, f"{finding.message} in the {name}")

    def day(
        self, paper: dict[str, Any], entry: dict[str, Any], number: int, file_day: dt.date | None
    ) -> dt.date | None:
        """`paper.submittedOnDailyAt`, else the file's day, else the entry's `publishedAt`."""
        submitted = paper.get("submittedOnDailyAt")
        if submitted is not None:
            day = _day(submitted)
            if day is not None:
                if file_day is not None and day != file_day:
                    self.reader.off_file_day.append(number)
                return day
            self.wrong_type("paper.submittedOnDailyAt", submitted)
        if file_day is not None:
            return file_day
        published = entry.get("publishedAt")
        if published is not None:
            day = _day(published)
            if day is not None:
                self.reader.by_published.append(number)
                return day
            self.wrong_type("publishedAt", published)
        self.report(
            "DK510",
            "no date (`paper.submittedOnDailyAt`, `publishedAt`); it joins the digest of the "
            "entry before it",
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
class HfJsonLossWarning(UserWarning):
    """What a document holds that the API shape cannot: written as near as it goes, never
    silently (the CLI prints these as `digestkit: warning: ...`)."""


def to_daily_papers(document: DigestDocument) -> list[dict[str, Any]]:
    """The document's papers as Daily Papers entries, in document order (the `hf-json` format).

    Only what digests hold is written; the entries lack the API's other fields (`numComments`,
    `submittedBy`, author `_id`s...). `read_daily_papers` reads the result back to equal papers
    within the limits listed in `docs/hf-json.md`; what would not read back the same is one
    `HfJsonLossWarning` per kind of loss.
    """
    if not isinstance(document, DigestDocument):
        raise TypeError(f"to_daily_papers() takes a DigestDocument, not {type(document).__name__}")
    entries = [_entry(paper, digest.date) for digest in document.digests for paper in digest.papers]
    for message in _losses(document):
        warnings.warn(message, HfJsonLossWarning, stacklevel=2)
    return entries


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
    featured = None if date is None else f"{date.isoformat()}T00:00:00.000Z"
    if featured is not None:
        inner["submittedOnDailyAt"] = featured
    if abstract is not None:
        inner["summary"] = abstract
    if paper.votes is not None:
        inner["upvotes"] = paper.votes
    if paper.ai_summary is not None:
        inner["ai_summary"] = paper.ai_summary
    if paper.ai_keywords is not None:
        inner["ai_keywords"] = paper.ai_keywords
    entry: dict[str, Any] = {"paper": inner}
    if url_of_id(ident) != paper.url:  # `/papers/2311.10770`, `x`, "": no id gives them back
        entry["url"] = paper.url
    if featured is not None:
        # No `publishedAt` (entry or paper): the API means the arXiv time by `paper.publishedAt`,
        # which a digest does not know, and readers take the entry's for it when the paper's is
        # missing (huggingface_hub's `PaperInfo.published_at`). The featured day is also the
        # entry's `submittedOnDailyAt`, where `PaperInfo` reads `submitted_at` without it.
        entry["submittedOnDailyAt"] = featured
    entry["title"] = paper.title
    if abstract is not None:
        entry["summary"] = abstract
    media = paper.media
    if media is not None and media.kind == "video" and not is_video_url(media.url):
        # `.qt`, `.webm`: the reader takes a video from `mediaUrls` only when it is `.mp4`
        # (the generator's rule), and reads the thumbnail by its file name.
        entry["thumbnail"] = media.url
        entry["mediaUrls"] = inner["mediaUrls"] = [media.url]
    elif media is not None and media.kind == "video":
        if arxiv_id:
            entry["thumbnail"] = THUMBNAIL_URL.format(arxiv_id)
        entry["mediaUrls"] = inner["mediaUrls"] = [media.url]
    elif media is not None:
        entry["thumbnail"] = media.url
    return entry


def _abstract(summary: Iterable[SummaryItem]) -> str | None:
    """One unlabelled item is the abstract; bullets become `Label: text` lines. The items'
    Markdown becomes the plain text it shows (escapes and references decoded), which the
    reader escapes again."""
    lines = [
        unescape_block(item.text)
        if item.label is None
        else f"{item.label}: {unescape_block(item.text)}"
        for item in summary
    ]
    return "\n".join(lines) if lines else None


# Summary text the writer's plain text reads back as exactly: nothing `unescape_block` decodes
# (no backslash, no `&`) and nothing `escape_block` may escape (what it backslashes, `_`, a
# block opener at a line start). A test checks the shortcut against the round trip.
_ESCAPED_BY_BLOCK = re.compile(r"[`*\[\]<~|$\\&_]")
# The line-start part of `markdown.escaping._BLOCK_ESCAPES`: a block opener after any digits.
_LINE_START = re.compile(r"^(?:[#>+=\-]|[0-9]{1,9}[.)])", re.MULTILINE)
# The same at the text's start, and after a line feed: a search led by a literal character,
# which `re` skips to, instead of a `^` tried at every position.
_TEXT_START = re.compile(r"[#>+=\-]|[0-9]{1,9}[.)]")
_AFTER_LINE_FEED = re.compile(r"\n(?:[#>+=\-]|[0-9]{1,9}[.)])")


def _may_read_back_escaped(text: str) -> bool:
    return (
        _ESCAPED_BY_BLOCK.search(text) is not None
        or _TEXT_START.match(text) is not None
        or _AFTER_LINE_FEED.search(text) is not None
    )


_BACKSLASHED_BY_BLOCK = re.compile(r"[`*\[\]<~|$]")
_LONE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # `[^\W_]` is `str.isalnum`


def _reads_back_escaped(text: str) -> bool:
    """Whether `text` written as plain text would read back as other Markdown."""
    if not _may_read_back_escaped(text):
        return False
    if "\\" in text or "&" in text:
        return escape_block(unescape_block(text)) != text
    # Nothing to decode: `escape_block` changes the text exactly where it escapes something.
    return bool(
        _BACKSLASHED_BY_BLOCK.search(text)
        or _LINE_START.search(text)
        or ("_" in text and _LONE_UNDERSCORE.search(text))
    )


def _all_tidy(texts: list[str]) -> bool:
    """`all(map(_is_tidy, texts))`: texts joined by one space are tidy only when each is, so a
    tidy join answers for all of them."""
    return _is_tidy(" ".join(texts)) or all(map(_is_tidy, texts))


_LONGEST_VIDEO_ENDING = max(map(len, VIDEO_EXTENSIONS)) + 1


def _names_video_file(url: str) -> bool:
    """`names_video_file`, answered from the URL's last characters for a URL with no query,
    fragment or whitespace: its path is then its end, and only an ending like a video file's
    needs the full parse."""
    if (
        url.isprintable()
        and url[-1:] != " "
        and "?" not in url
        and "#" not in url
        and not url[-_LONGEST_VIDEO_ENDING:].lower().endswith(_VIDEO_ENDINGS)
    ):
        return False
    return names_video_file(url)


def _losses(document: DigestDocument) -> Iterator[str]:
    """One message per kind of data that would not read back as it is."""
    counts: dict[str, int] = {}

    def count(kind: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1

    days: set[dt.date | None] = set()
    for digest in document.digests:
        if not digest.papers:
            count("an empty digest is not written (entries are papers)")
        if digest.date in days:
            count("a second digest of one day reads back as part of the first")
        days.add(digest.date)
        if digest.date is None and digest.papers:
            count("an undated digest's papers are written without a date")
        if digest.epilogue:
            count("a digest epilogue is not written")
        for paper in digest.papers:
            texts = [item.text for item in paper.summary]
            joined = "\n".join(texts)  # a line start in it may be one item's: only a superset
            if len(texts) > 1 or any(item.label for item in paper.summary):
                count("summary bullets become one abstract of `Label: text` lines")
            if _may_read_back_escaped(joined) and any(map(_reads_back_escaped, texts)):
                count(
                    "summary Markdown markup (`**bold**`, `<think>`, `a~b~c`) is written as "
                    "plain text and reads back escaped"
                )
            # Texts joined by a line feed are tidy lines only when each is tidy: one test for
            # the whole summary, then one per item only when it fails.
            tidy = _is_tidy(joined, lines=True) or all(_is_tidy(t, lines=True) for t in texts)
            if not tidy:
                count("an abstract's whitespace runs and blank lines read back collapsed")
            if not _all_tidy([paper.title, *paper.authors]):
                count("whitespace runs in a title or author name read back as one space")
            media = paper.media
            if media is not None and (media.kind == "video") != _names_video_file(media.url):
                count(
                    "a video whose URL names no video file, or an image whose URL names one "
                    "(`.mp4`, `.qt`, ...), reads back as the other kind"
                )
    if document.preamble:
        yield "hf-json: the preamble (text before the first digest) is not written"
    for kind, number in counts.items():
        yield f"hf-json: {kind} ({number}x)"
