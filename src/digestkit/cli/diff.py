"""`digestkit diff A B`: two digests compared paper by paper; exit codes like diff(1)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from ..report import json_escaped
from .common import BadInput, UsageError, describe, error, read_bytes, whole_file_problem

if TYPE_CHECKING:
    from ..diff import FieldName
    from ..models import DigestDocument

TROUBLE = 2
"""diff(1)'s exit code for "could not compare": a missing or unreadable input."""


def sniff_format(name: str, text: str) -> str:
    """The input format from the file name, else from the content.

    `.md`/`.markdown` is Markdown, `.jsonl`/`.ndjson` JSON Lines, `.hf.json` hf-json. Anything
    else (`.json`, standard input) is told by its first character: `[` or `{` is JSON, and a
    JSON array whose first item has a `paper` object is Daily Papers API JSON (hf-json)."""
    lowered = name.lower()
    if lowered.endswith((".md", ".markdown")):
        return "markdown"
    if lowered.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if lowered.endswith(".hf.json"):
        return "hf-json"
    if text.lstrip("\ufeff \t\r\n")[:1] not in ("[", "{"):
        return "markdown"
    from ..formats.hf_json.daily_papers import looks_like_daily_papers

    return "hf-json" if looks_like_daily_papers(text) else "json"


def load(name: str, requested: str | None, date: str | None) -> tuple[str, list[DigestDocument]]:
    """One side of the comparison: its format and documents. Raises `BadInput`."""
    from ..diagnostics import DigestkitError
    from . import files as _files

    items = _files.expand([name])
    if len(items) != 1:
        raise BadInput(f"names {len(items)} files; diff compares one file with another")
    item = items[0]
    if item.error:
        raise BadInput(item.error)
    data = read_bytes(item)
    if not data.strip():
        raise BadInput("empty file")
    try:
        text = data.decode("utf-8")
        if requested:
            from ..formats import get_format

            fmt = get_format(requested).name
        else:
            fmt = sniff_format(item.name, text)
        return fmt, _read(fmt, text, item.name, date)
    except UnicodeDecodeError as exc:
        raise BadInput(describe(exc)) from None
    except DigestkitError as exc:
        raise BadInput(describe(exc)) from None


def _read(fmt: str, text: str, name: str, date: str | None) -> list[DigestDocument]:
    if fmt == "hf-json":
        from ..formats.hf_json.daily_papers import read_daily_papers

        return [read_daily_papers(text, date=date, path=name)]
    if fmt == "markdown":
        from ..api import parse

        document = parse(text, path=name)
        problem = whole_file_problem(document)
        if problem:
            raise BadInput(problem)
        return [document]
    from ..io_api import loads

    loaded = loads(text, fmt)
    return loaded if isinstance(loaded, list) else [loaded]


def chosen_fields(value: str | None) -> tuple[FieldName, ...]:
    from ..diff import DEFAULT_FIELDS, FIELDS

    if value is None:
        return DEFAULT_FIELDS
    names = [name.strip() for name in value.split(",") if name.strip()]
    for name in names:
        if name not in FIELDS:
            known = ", ".join(FIELDS)
            raise UsageError(f"unknown field {name!r} for --fields; choose from {known}")
    return tuple(name for name in FIELDS if name in names)


def cmd_diff(args: argparse.Namespace) -> int:
    from ..diff import diff_documents

    if args.a == "-" and args.b == "-":
        raise UsageError("only one of A and B can be standard input")
    fields = chosen_fields(args.fields)
    sides = []
    for name, requested in ((args.a, args.from_a), (args.b, args.from_b)):
        try:
            fmt, documents = load(name, requested, args.date)
        except BadInput as exc:
            error(f"{'<stdin>' if name == '-' else name}: {exc}")
            return TROUBLE
        for document in documents:  # still compared, like `convert` still converts
            for diagnostic in document.errors:
                error(str(diagnostic))
        sides.append((fmt, documents))
    if args.date is not None and all(fmt != "hf-json" for fmt, _ in sides):
        raise UsageError("--date applies to hf-json input; neither A nor B is hf-json")
    result = diff_documents(sides[0][1], sides[1][1], fields=fields, author_order=args.author_order)
    if args.quiet:  # the exit code alone answers "do they differ?"
        pass
    elif args.format == "json":
        report = {"a": args.a, "b": args.b, **result.model_dump(mode="json")}
        sys.stdout.write(json_escaped(json.dumps(report, ensure_ascii=False, indent=2)) + "\n")
    else:
        sys.stdout.write("".join(line + "\n" for line in result.lines()))
    return 0 if result.equal else 1
