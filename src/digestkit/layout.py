"""Format trivia kept beside the models so the Markdown writer can give a file back byte for byte.

Like tomlkit's `Trivia`, this is held in pydantic's private storage: it never reaches JSON,
CSV or the schema and takes no part in equality. A paper's source is cut into chunks, each
tagged with the field it renders (or `gap` for blank and unplaced lines), plus a snapshot of
the field values at parse time: the writer re-renders only the chunks whose field changed since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .source import Source

if TYPE_CHECKING:
    from .models import Paper

Role = Literal["heading", "media", "vote", "authors", "summary", "gap"]
FIELD_ROLES: tuple[Role, ...] = ("heading", "media", "vote", "authors", "summary")
"""The roles that render a field, in the canonical template's order."""


def freeze(paper: Paper) -> dict[Role, object]:
    """Immutable copies of what each role renders, so in-place edits of the model show up."""
    # Media and SummaryItem are frozen, so holding the same objects is a true snapshot.
    return {
        "heading": (paper.title, paper.url),
        "media": paper.media,
        "vote": paper.votes,
        "authors": tuple(paper.authors),
        "summary": tuple(paper.summary),
    }


@dataclass(slots=True)
class PaperLayout:
    """The paper's source lines as `[role, start, stop)` chunks in order (0-based line
    indices into `source`, sliced only when written), and the values they rendered."""

    source: Source
    chunks: list[list[Any]]
    snapshot: dict[Role, object] = field(default_factory=dict)

    def raw(self, chunk: list[Any]) -> str:
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
