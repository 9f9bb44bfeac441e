"""Format trivia kept beside the models so the Markdown writer can give a file back byte for byte.

Like tomlkit's `Trivia`, this is held in pydantic's private storage: it never reaches JSON,
CSV or the schema and takes no part in equality. A paper's source is cut into chunks, each
tagged with the field it renders (or `gap` for blank and unplaced lines), plus a snapshot of
the field values at parse time: the writer re-renders only the chunks whose field changed since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .source import Source

if TYPE_CHECKING:
    from ..models import Paper

Role = Literal["heading", "media", "vote", "authors", "summary", "gap"]
FIELD_ROLES: tuple[Role, ...] = ("heading", "media", "vote", "authors", "summary")
"""The roles that render a field, in the canonical template's order."""


Snapshot = tuple[object, ...]
"""What each of `FIELD_ROLES` rendered, in that order (a tuple: a third of a dict's size)."""


def freeze(paper: Paper) -> Snapshot:
    """Immutable copies of what each role renders, so in-place edits of the model show up."""
    # Media and SummaryItem are frozen, so holding the same objects is a true snapshot.
    return (
        (paper.title, paper.url),
        paper.media,
        paper.votes,
        tuple(paper.authors),
        tuple(paper.summary),
    )


ROLE_INDEX: dict[Role, int] = {role: index for index, role in enumerate(FIELD_ROLES)}
"""A role's place in a `Snapshot`."""

Chunk = tuple[Role, int, int]
Spans = tuple[Chunk, ...]


@dataclass(slots=True)
class PaperLayout:
    """The paper's source lines as `(role, start, stop)` chunks in order, and the values they
    rendered. Chunks are stored relative to the heading line, so papers of the same shape
    share one tuple of spans (a per-parse intern table): 10^5 small papers cost one."""

    source: Source
    start: int
    spans: Spans
    snapshot: Snapshot

    @classmethod
    def of(
        cls,
        source: Source,
        chunks: list[list[Any]],
        snapshot: Snapshot,
        shared: dict[Spans, Spans],
    ) -> PaperLayout:
        """The layout of absolute `[role, start, stop)` chunks (0-based line indices)."""
        start = chunks[0][1]
        spans = tuple([(role, a - start, b - start) for role, a, b in chunks])
        return cls(source, start, shared.setdefault(spans, spans), snapshot)

    @property
    def chunks(self) -> list[Chunk]:
        """The chunks with absolute line indices into `source`, sliced only when written."""
        start = self.start
        return [(role, start + a, start + b) for role, a, b in self.spans]

    def raw(self, chunk: Chunk) -> str:
        return self.source.raw(chunk[1], chunk[2])


@dataclass(slots=True)
class DigestLayout:
    """Where the digest heading line is (None for papers outside any section) and where the
    lines between it and the first paper end, plus the date it rendered."""

    source: Source
    heading: int | None
    head: tuple[int, int]
    date: dt.date | None


@dataclass(slots=True)
class DocumentLayout:
    """File-level trivia: a leading BOM, and whether the text ended with a newline."""

    bom: bool = False
    final_newline: bool = True
