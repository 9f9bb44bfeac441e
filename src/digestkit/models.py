"""The typed models users read and write: data only.

Formatting trivia (raw lines, blank runs, label style), source positions and diagnostics live in
private storage (`Trivia`), so they never reach JSON, CSV or the schema, and equality compares
data only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, Generic, Literal, TypeVar, overload

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    computed_field,
)

from .diagnostics import Diagnostic
from .markdown.escaping import escape_block
from .markdown.layout import DigestLayout, DocumentLayout, PaperLayout

T = TypeVar("T")
M = TypeVar("M", bound="DigestModel")

_ARXIV_ID = re.compile(
    r"(?:https?://(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf)|huggingface\.co/papers)|/papers)/"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?"
)


def arxiv_id_from_url(url: str) -> str | None:
    """The versionless arXiv id of an arXiv abs/pdf or huggingface.co/papers URL (or the site's
    relative `/papers/<id>` link, as early generator runs wrote it), else None."""
    match = _ARXIV_ID.fullmatch(url)
    return match.group("id") if match else None


OneLine = Annotated[str, StringConstraints(pattern=r"^[^\n]*$")]
Url = Annotated[str, StringConstraints(pattern=r"^(?:[^\s\]]|\][^\s(])*\]?$")]
"""URLs are written raw inside `(...)` after the title's last `](`: no whitespace, no `](`."""


# Constraints are patterns, checked in pydantic-core's Rust regex engine: a Python validator per
# summary item would cost more than the whole line scan. Rust's `\s` omits U+001C..U+001F, which
# Python's `str.strip` (used by the reader) removes, so the ends exclude them explicitly.
AuthorName = Annotated[
    str, StringConstraints(pattern=r"^(?:[^\s+\x1c-\x1f]|[^\s\x1c-\x1f][^\n]*[^\s\x1c-\x1f])$")
]
"""One line, no surrounding whitespace, and not `+` (the web page's "more authors" expander)."""
Label = Annotated[str, StringConstraints(pattern=r"^[^\s*\x1c-\x1f](?:[^\n*]*[^\s*\x1c-\x1f])?$")]
_LABEL = re.compile(r"[^\s*\ud800-\udfff](?:[^\n*\ud800-\udfff]*[^\s*\ud800-\udfff])?")
r"""`Label` in Python's `re`, whose `\s` holds Rust's and U+001C..U+001F (surrogates, which no
Rust string holds, left out): what it accepts, the pattern accepts (a test tries every code
point), and what it refuses goes to pydantic."""


class Trivia(Generic[T]):
    """A private per-instance value (layout, diagnostics) kept in `__pydantic_private__`.

    pydantic's `PrivateAttr` initialises every instance's private values in Python as the model
    is validated (1.3 us a model: 7 ms of a corpus parse, a twentieth of it). Trivia is set
    only on parsed models and read with a default, so it costs nothing until used. Copies and
    pickles keep it, as pydantic copies `__pydantic_private__`; it takes no part in equality,
    JSON or the schema.
    """

    def __init__(self, factory: Callable[[], T]):
        self.factory = factory
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, model: None, owner: type | None = None) -> Trivia[T]: ...
    @overload
    def __get__(self, model: BaseModel, owner: type | None = None) -> T: ...
    def __get__(self, model: BaseModel | None, owner: type | None = None) -> T | Trivia[T]:
        if model is None:
            return self
        private = model.__pydantic_private__
        if private is not None and self.name in private:
            value: T = private[self.name]
            return value
        value = self.factory()
        self.__set__(model, value)  # a mutable default must persist, as PrivateAttr's does
        return value

    def __set__(self, model: BaseModel, value: T) -> None:
        private = model.__pydantic_private__
        if private is None:
            object.__setattr__(model, "__pydantic_private__", {self.name: value})
        else:
            private[self.name] = value


TRIVIA_NAMES = frozenset({"_layout", "_diagnostics"})
"""The `Trivia` attributes of the models below (a test checks the list)."""


def _none() -> None:
    return None


def _end_with_newline(text: str) -> str:
    return text if not text or text.endswith(("\n", "\r")) else text + "\n"  # CR: old Mac


class DigestModel(BaseModel):
    """Base of every model: equality is data equality (fields only, not positions or layout)."""

    # `defer_build`: a parse builds its models directly (`parsed_*` below), so a command that
    # only parses (`validate`) never pays for pydantic's validators and serializers (some
    # 70 ms of CPU a start-up); the first `model_validate` or dump builds them.
    model_config = ConfigDict(
        extra="ignore", validate_default=False, ignored_types=(Trivia,), defer_build=True
    )

    def __setattr__(self, name: str, value: Any) -> None:
        if name in TRIVIA_NAMES:
            object.__setattr__(self, name, value)  # straight to the descriptor
        else:
            if self.__pydantic_fields_set__ is _SHARED_FIELDS_SET.get(type(self)):
                # copy on write: pydantic adds the name to this set
                object.__setattr__(self, "__pydantic_fields_set__", set(_PARSED_FIELDS[type(self)]))
            super().__setattr__(name, value)

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        assert isinstance(other, DigestModel)
        return self.__dict__ == other.__dict__


class Media(DigestModel):
    """The paper's thumbnail image or video embed. Immutable: replace it to edit."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["image", "video"] = Field(description="`image` for `![](url)`, else `video`.")
    url: Annotated[str, StringConstraints(pattern=r"^\S+$")] = Field(
        description="The media URL verbatim (relative paths such as `/avatars/x.svg` are kept)."
    )


class SummaryItem(DigestModel):
    """One summary bullet: `- ***What's New***: text` has label `What's New`. Immutable."""

    model_config = ConfigDict(frozen=True)

    label: Label | None = Field(default=None, description="The bold lead-in, or None.")
    text: str = Field(
        description="The item's Markdown source without marker and label; continuation lines "
        "included. Writers write it as it is (`<think>` is HTML, `6~12 ... 3~4` strikes "
        "through on GitHub); plain text becomes Markdown with `SummaryItem.from_text`. As "
        "parsed it never starts with whitespace nor ends with a newline (Markdown drops both, "
        "so text built with them reads back without them)."
    )

    @classmethod
    def from_text(cls, text: str, label: str | None = None) -> SummaryItem:
        """An item that shows plain `text` exactly (on GitHub too): `<`, `~`, `*`, entities,
        backslashes and line-start markers escaped, as the Hugging Face reader escapes an
        abstract (`markdown.escaping.escape_block`)."""
        return cls(label=label, text=escape_block(text))


class Paper(DigestModel):
    """One `### [Title](url)` block of a digest."""

    title: OneLine = Field(
        description="The title as text. Digests write titles raw; a Markdown backslash escape "
        "(digestkit writes them before `<`, `[`, `]` and backticks) is undone on reading."
    )
    url: Url = Field(description="The heading link verbatim.")
    media: Media | None = Field(default=None, description="The thumbnail or video, if any.")
    votes: Annotated[int, Field(ge=0, lt=10**18)] | None = Field(
        default=None, description="Upvotes; None when the Vote line is missing or `-`."
    )
    authors: list[AuthorName] = Field(
        default_factory=list, description="Author names in file order."
    )
    summary: list[SummaryItem] = Field(
        default_factory=list, description="The summary bullets in file order."
    )
    # Hugging Face's own fields, read from its API JSON (hf-json); Markdown digests have no
    # place for them, so JSON output leaves them out when absent.
    ai_summary: str | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Hugging Face's one-sentence AI summary (`paper.ai_summary`), if read.",
    )
    ai_keywords: list[str] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Hugging Face's AI keywords (`paper.ai_keywords`), if read.",
    )

    _layout: Trivia[PaperLayout | None] = Trivia(_none)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def arxiv_id(self) -> str | None:
        """The versionless arXiv id derived from `url`, or None for other links."""
        return arxiv_id_from_url(self.url)

    @property
    def line(self) -> int | None:
        """1-based line of the paper's heading in its source, if it was parsed."""
        return self._layout.start + 1 if self._layout else None

    @property
    def path(self) -> str | None:
        """The file the paper was parsed from, if any."""
        return self._layout.source.path if self._layout else None


_PARSED_FIELDS: dict[type[DigestModel], frozenset[str]] = {
    Paper: frozenset({"title", "url", "media", "votes", "authors", "summary"}),
    Media: frozenset({"kind", "url"}),
    SummaryItem: frozenset({"label", "text"}),
}
"""The fields a Markdown parse always sets (a test compares them with pydantic's own sets)."""
_SHARED_FIELDS_SET: dict[type[DigestModel], set[str]] = {
    kind: set(names) for kind, names in _PARSED_FIELDS.items()
}


_NEW = object.__new__
_SLOTS = BaseModel.__dict__  # pydantic's own slots, set as pydantic-core sets them
_SET_DICT = _SLOTS["__dict__"].__set__
_SET_FIELDS = _SLOTS["__pydantic_fields_set__"].__set__
_SET_EXTRA = _SLOTS["__pydantic_extra__"].__set__
_SET_PRIVATE = _SLOTS["__pydantic_private__"].__set__


def _built(model: type[M], values: dict[str, Any]) -> M:
    instance = _NEW(model)
    _SET_DICT(instance, values)
    _SET_FIELDS(instance, _SHARED_FIELDS_SET[model])
    _SET_EXTRA(instance, None)
    _SET_PRIVATE(instance, None)
    return instance


def parsed_item(label: str | None, text: str) -> SummaryItem:
    """A `SummaryItem` built without validation, for values valid by construction: `label`
    matched `labels.CANONICAL_LABEL` (which implies `Label`) or is None, and `text` comes from
    text that holds no lone surrogate. pydantic would build the same state (a test compares),
    but with a fields-set of its own; 21,000 validations were a tenth of the corpus parse."""
    return _built(SummaryItem, {"label": label, "text": text})


def label_valid(label: str | None) -> bool:
    """Whether `label` is a valid `SummaryItem.label` without asking pydantic (False may still
    be valid: let pydantic decide then)."""
    return label is None or _LABEL.fullmatch(label) is not None


def parsed_items(items: list[list[str | None]]) -> list[SummaryItem]:
    """`parsed_item` of each `[label, text line, ...]` of a block, in one loop: a corpus parse
    builds 21,000 items, and two calls an item were a fifth of their cost."""
    shared = _SHARED_FIELDS_SET[SummaryItem]
    built = []
    for item in items:
        instance = _NEW(SummaryItem)
        text = item[1] if len(item) == 2 else "\n".join(item[1:])  # type: ignore[arg-type]
        _SET_DICT(instance, {"label": item[0], "text": text})
        _SET_FIELDS(instance, shared)
        _SET_EXTRA(instance, None)
        _SET_PRIVATE(instance, None)
        built.append(instance)
    return built


def parsed_paper(values: dict[str, Any]) -> Paper | None:
    """The `Paper` pydantic would validate from a block's `values`, built directly when they
    are valid by construction (the reader's own guarantees plus the cheap checks here), else
    None. Every summary item must come from `parsed_item`."""
    title, url, media = values["title"], values["url"], values["media"]
    # `isprintable` is False for every whitespace but the space, for controls and surrogates.
    if not (title.isprintable() and url.isprintable()) or " " in url or "](" in url:
        return None  # `OneLine`, `Url`
    if media is not None:
        media_url = media["url"]
        if not media_url.isprintable() or " " in media_url:
            return None  # `\S+`
        media = _built(Media, {"kind": media["kind"], "url": media_url})
    authors = values["authors"]
    if authors and not "".join(authors).isprintable():
        return None  # `AuthorName`: the reader strips names and drops `+` and empty ones
    return _built(
        Paper,
        {
            "title": title,
            "url": url,
            "media": media,
            "votes": values["votes"],  # `fields.vote`: 0 <= votes < 10**18, or None
            "authors": authors,
            "summary": values["summary"],
            "ai_summary": None,
            "ai_keywords": None,
        },
    )


def share_fields_set(paper: Paper, *, items: bool = True) -> None:
    """Give a parsed paper, its media and its summary items one fields-set per class instead of
    one each (some 1.2 kB a small paper). pydantic only ever adds names to the set: setting a
    field copies it first (`DigestModel.__setattr__`), and `copy`/`model_copy` copy it.
    `items=False` when every item came from `parsed_item`, which shares the set already."""
    # A parse always sets the same fields (tests compare them with pydantic's own sets).
    setter, key = object.__setattr__, "__pydantic_fields_set__"
    setter(paper, key, _SHARED_FIELDS_SET[Paper])
    if paper.media is not None:
        setter(paper.media, key, _SHARED_FIELDS_SET[Media])
    if items:
        shared = _SHARED_FIELDS_SET[SummaryItem]
        for item in paper.summary:
            setter(item, key, shared)


class DailyDigest(DigestModel):
    """One `## Daily Papers (YYYY-MM-DD)` section and its papers in file order."""

    date: dt.date | None = Field(
        description="The digest date; None for papers outside a dated section."
    )
    papers: list[Paper] = Field(default_factory=list, description="The papers in file order.")
    epilogue: Annotated[str, AfterValidator(_end_with_newline)] = Field(
        default="",
        description="Markdown after the papers that starts with another `#`/`##` heading.",
    )

    _layout: Trivia[DigestLayout | None] = Trivia(_none)


class DigestDocument(DigestModel):
    """One digest file: its digests in order and the Markdown around them."""

    digests: list[DailyDigest] = Field(
        default_factory=list, description="The digest sections in file order."
    )
    preamble: Annotated[str, AfterValidator(_end_with_newline)] = Field(
        default="", description="Markdown before the first digest heading, verbatim."
    )

    _diagnostics: Trivia[list[Diagnostic]] = Trivia(list)
    _layout: Trivia[DocumentLayout | None] = Trivia(_none)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """What the parser found, in source order; empty for documents built or loaded."""
        return self._diagnostics

    @property
    def papers(self) -> list[Paper]:
        """Every paper of every digest, in document order."""
        return [paper for digest in self.digests for paper in digest.papers]

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics of severity error: what `strict=True` raises for."""
        return [d for d in self._diagnostics if d.is_error]


_PARSED_FIELDS[DailyDigest] = frozenset({"date", "papers", "epilogue"})
_PARSED_FIELDS[DigestDocument] = frozenset({"preamble", "digests"})
_SHARED_FIELDS_SET[DailyDigest] = set(_PARSED_FIELDS[DailyDigest])
_SHARED_FIELDS_SET[DigestDocument] = set(_PARSED_FIELDS[DigestDocument])


def parsed_document(
    preamble: str, digests: list[tuple[dt.date | None, list[Paper], str]]
) -> DigestDocument:
    """The `DigestDocument` pydantic would validate from a parse's `(date, papers, epilogue)`
    digests, built directly: dates come from `date.fromisoformat`, papers are built already and
    the texts are slices of decoded text, so only the newline validators have work to do."""
    built = [
        _built(
            DailyDigest,
            {"date": date, "papers": papers, "epilogue": _end_with_newline(epilogue)},
        )
        for date, papers, epilogue in digests
    ]
    return _built(DigestDocument, {"digests": built, "preamble": _end_with_newline(preamble)})
