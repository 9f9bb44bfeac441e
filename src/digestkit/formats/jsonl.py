"""JSON Lines in and out: one paper per line, with its digest's date first.

The flat shape is what pandas (`read_json(lines=True)`), DuckDB (`read_json_auto`) and jq want.
It keeps papers and dates only: a preamble, epilogues, empty digests and the boundaries between
documents are not represented, so reading back gives one document whose digests are the runs of
consecutive lines with the same date.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import TextIO

from pydantic import TypeAdapter, ValidationError

from ..diagnostics import FormatError, invalid_json
from ..models import DailyDigest, DigestDocument, Paper
from ._json_text import refuse_lone_surrogates

_DATE = TypeAdapter(dt.date | None)


def write(documents: Iterable[DigestDocument], out: TextIO, **unknown: object) -> None:
    """`{"date": ..., "title": ..., "url": ..., ..., "arxiv_id": ...}` per paper, compact."""
    if unknown:
        raise FormatError(
            f"the jsonl format takes no option {next(iter(unknown))!r}; it has no options"
        )
    for document in documents:
        for digest in document.digests:
            head = '{"date":' + (f'"{digest.date.isoformat()}",' if digest.date else "null,")
            for paper in digest.papers:
                # The paper's own JSON with the date spliced in front: field order stays the
                # model's, and pydantic serializes far faster than json.dumps of a dict.
                out.write(head + paper.model_dump_json()[1:] + "\n")


def read(text: str) -> list[DigestDocument]:
    """One document; consecutive lines with the same `date` form one digest. Blank lines are
    skipped. Raises `DigestError` naming the line (and column) at fault."""
    digests: list[DailyDigest] = []
    current: dt.date | None = None
    refuse_lone_surrogates(text.removeprefix("\ufeff"))
    for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        if not line.strip():
            continue
        date, paper = _read_line(line, number)
        if not digests or date != current:
            digests.append(DailyDigest(date=date))
            current = date
        digests[-1].papers.append(paper)
    return [DigestDocument(digests=digests)]


def _read_line(line: str, number: int) -> tuple[dt.date | None, Paper]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise invalid_json(f"invalid JSON: {error.msg}", number, error.colno) from None
    if not isinstance(data, dict):
        raise invalid_json(f"expected a JSON object (one paper), not {type(data).__name__}", number)
    if "date" not in data:
        # Required so that a misspelt key cannot silently move every paper out of its digest.
        raise invalid_json('no "date" (use null for an undated paper)', number)
    try:
        return _DATE.validate_python(data["date"]), Paper.model_validate(data)
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in problem["loc"]) or "date"
        raise invalid_json(f"invalid {where}: {problem['msg']}", number) from None
