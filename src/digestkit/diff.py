"""Two digests compared paper by paper: which papers were added or removed, and what changed.

Papers are matched by arXiv id, then (for those left) by URL, then by title, so a digest can be
compared with the API JSON it came from (`formats.hf_json.daily_papers.read_daily_papers`), or with
a later run of itself. Authors are compared as a multiset by default: the generator wrote them in
set order from 2024-01-23 on, so their order carries no information.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from .models import DigestDocument, Paper
from .report import printable

FieldName = Literal["title", "url", "votes", "authors", "media", "summary", "date"]
FIELDS: tuple[FieldName, ...] = ("title", "url", "votes", "authors", "media", "summary", "date")
"""Every field `diff_documents` can compare, in the order changes are listed."""
DEFAULT_FIELDS: tuple[FieldName, ...] = ("title", "url", "votes", "authors", "media", "date")
"""The summary is left out by default: a digest's bullets never equal the API's abstract."""


class PaperRef(BaseModel):
    """Which paper a line is about: `key` is its arXiv id, else its URL, else its title."""

    key: str
    title: str
    url: str
    arxiv_id: str | None
    date: dt.date | None


class FieldChange(BaseModel):
    """One field's value in A and in B (JSON-shaped: media and summary items as objects)."""

    field: FieldName
    a: Any
    b: Any


class PaperChange(BaseModel):
    paper: PaperRef = Field(description="The paper as it is in A.")
    changes: list[FieldChange]


class DigestDiff(BaseModel):
    """The differences from A to B: `removed` and `changed` in A's order, `added` in B's."""

    added: list[PaperRef] = Field(default_factory=list)
    removed: list[PaperRef] = Field(default_factory=list)
    changed: list[PaperChange] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def equal(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def lines(self) -> list[str]:
        """One line per difference: removed papers (`- KEY "title"`), then changed fields
        (`~ KEY FIELD A -> B`), then added papers (`+ KEY "title"`), control characters shown
        as escapes."""
        out = [f"- {ref.key} {_quote(ref.title)}" for ref in self.removed]
        for change in self.changed:
            out.extend(f"~ {change.paper.key} {_describe(c)}" for c in change.changes)
        out.extend(f"+ {ref.key} {_quote(ref.title)}" for ref in self.added)
        # Inert on a terminal: no escape sequence, C1 control or bidi override from a title,
        # an author or a URL reaches it raw (JSON quoting leaves DEL, C1 and bidi as they are).
        return [printable(line) for line in out]


Dated = tuple[Paper, "dt.date | None"]


def diff_documents(
    a: DigestDocument | Iterable[DigestDocument],
    b: DigestDocument | Iterable[DigestDocument],
    *,
    fields: Sequence[FieldName] = DEFAULT_FIELDS,
    author_order: bool = False,
) -> DigestDiff:
    """Compare the papers of A with those of B (each one document or several).

    `fields` chooses what counts as a change (any of `FIELDS`); with `author_order`, authors
    in another order are a change too.
    """
    unknown = [name for name in fields if name not in FIELDS]
    if unknown:
        raise ValueError(f"unknown diff field {unknown[0]!r}; choose from {', '.join(FIELDS)}")
    old, new = _papers(a), _papers(b)
    pairs, added = _match([p for p, _ in old], [p for p, _ in new])
    result = DigestDiff()
    for i, (paper, date) in enumerate(old):
        ref = _ref(paper, date)
        if i not in pairs:
            result.removed.append(ref)
            continue
        other, other_date = new[pairs[i]]
        changes = [
            change
            for name in FIELDS
            if name in fields
            for change in _compare(name, (paper, date), (other, other_date), author_order)
        ]
        if changes:
            result.changed.append(PaperChange(paper=ref, changes=changes))
    result.added = [_ref(*new[j]) for j in added]
    return result


def _papers(documents: DigestDocument | Iterable[DigestDocument]) -> list[Dated]:
    if isinstance(documents, DigestDocument):
        documents = [documents]
    found: list[Dated] = []
    for document in documents:
        if not isinstance(document, DigestDocument):
            raise TypeError(f"expected DigestDocument items, not {type(document).__name__}")
        found.extend((paper, digest.date) for digest in document.digests for paper in digest.papers)
    return found


Key = Callable[[Paper], "str | None"]
_KEYS: tuple[Key, ...] = (
    lambda paper: paper.arxiv_id,
    lambda paper: paper.url or None,
    lambda paper: paper.title or None,
)


def _match(old: list[Paper], new: list[Paper]) -> tuple[dict[int, int], list[int]]:
    """A's index -> B's index for matched papers, and B's unmatched indexes in order.

    Each key (arXiv id, URL, title) pairs what the previous keys left, first with first."""
    pairs: dict[int, int] = {}
    free = list(range(len(new)))
    for key in _KEYS:
        waiting: dict[str, list[int]] = {}
        for j in free:
            value = key(new[j])
            if value:
                waiting.setdefault(value, []).append(j)
        for i, paper in enumerate(old):
            value = key(paper)
            if i in pairs or not value or not waiting.get(value):
                continue
            pairs[i] = waiting[value].pop(0)
        taken = set(pairs.values())
        free = [j for j in free if j not in taken]
    return pairs, free


def _ref(paper: Paper, date: dt.date | None) -> PaperRef:
    key = paper.arxiv_id or paper.url or _quote(paper.title)
    return PaperRef(key=key, title=paper.title, url=paper.url, arxiv_id=paper.arxiv_id, date=date)


def _compare(name: FieldName, a: Dated, b: Dated, author_order: bool) -> list[FieldChange]:
    (old, old_date), (new, new_date) = a, b
    if name == "date":
        if old_date == new_date:
            return []
        return [FieldChange(field=name, a=_iso(old_date), b=_iso(new_date))]
    if name == "authors":
        same = old.authors == new.authors
        if not author_order:
            same = Counter(old.authors) == Counter(new.authors)
        return [] if same else [FieldChange(field=name, a=old.authors, b=new.authors)]
    before, after = getattr(old, name), getattr(new, name)
    if before == after:
        return []
    return [FieldChange(field=name, a=_plain(before), b=_plain(after))]


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _describe(change: FieldChange) -> str:
    """`FIELD A -> B` for one change; authors as the names removed (-) and added (+)."""
    a, b = change.a, change.b
    if change.field == "authors":
        gone = list((Counter(a) - Counter(b)).elements())
        new = list((Counter(b) - Counter(a)).elements())
        if not gone and not new:
            return "authors order " + ", ".join(a) + " -> " + ", ".join(b)
        names = [f"-{_quote(n)}" for n in gone] + [f"+{_quote(n)}" for n in new]
        return "authors " + " ".join(names)
    if change.field == "media":
        return f"media {_media(a)} -> {_media(b)}"
    if change.field == "summary":
        return f"summary {_items(a)} -> {_items(b)}"
    if change.field == "title":
        return f"title {_quote(a)} -> {_quote(b)}"
    return f"{change.field} {_scalar(a)} -> {_scalar(b)}"


def _scalar(value: Any) -> str:
    return "none" if value is None else str(value)


def _media(value: dict[str, str] | None) -> str:
    return "none" if value is None else f"{value['kind']} {value['url']}"


def _items(value: list[Any]) -> str:
    count = len(value)
    return f"{count} item{'' if count == 1 else 's'}"
