"""JSON in and out: the document model as it is, one object per document.

The shape is `DigestDocument.model_dump(mode="json")`: field order is model order, the computed
`arxiv_id` is included, and layout, positions and diagnostics are not (they are private
attributes). Several documents become one array, streamed one document at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import chain
from typing import Any, TextIO

from pydantic import TypeAdapter, ValidationError

from ..diagnostics import DigestError, FormatError, invalid_json
from ..markdown.escaping import SURROGATE
from ..models import DigestDocument
from ._json_text import refuse_lone_surrogates

_DOCUMENTS = TypeAdapter(list[DigestDocument])


def _check_indent(indent: object) -> int | None:
    if indent is None or (isinstance(indent, int) and not isinstance(indent, bool) and indent >= 0):
        return indent
    raise FormatError(f"json indent={indent!r}; expected a number of spaces (0 or more) or None")


def dumps_document(document: DigestDocument, indent: int | None = 2) -> str:
    """One document as JSON text (no trailing newline).

    pydantic's serializer gives exactly `json.dumps(document.model_dump(mode="json"),
    ensure_ascii=False, indent=indent)` when indenting (compact separators without), in a
    fraction of the time.
    """
    return document.model_dump_json(indent=indent)


def write(
    documents: Iterable[DigestDocument], out: TextIO, *, indent: int | None = 2, **unknown: object
) -> None:
    """One document as an object; none or several as an array. `indent=None` is compact."""
    if unknown:
        raise FormatError(
            f"the json format takes no option {next(iter(unknown))!r}; its only option is indent"
        )
    indent = _check_indent(indent)
    write_texts((dumps_document(document, indent) for document in documents), out, indent)


def write_texts(texts: Iterable[str], out: TextIO, indent: int | None = 2) -> None:
    """`write` for documents already rendered by `dumps_document` with this `indent` (worker
    processes render them under `convert --jobs`)."""
    iterator = iter(texts)
    first = next(iterator, None)
    if first is None:
        out.write("[]\n")
        return
    second = next(iterator, None)
    if second is None:
        out.write(first + "\n")
        return
    if indent is None:
        opening, separator, closing, pad = "[", ",", "]\n", ""
    else:
        pad = " " * indent
        opening, separator, closing = "[\n" + pad, ",\n" + pad, "\n]\n"
    out.write(opening)
    out.write(_indented(first, pad))
    for text in chain((second,), iterator):
        out.write(separator)
        out.write(_indented(text, pad))
    out.write(closing)


def _indented(text: str, pad: str) -> str:
    # JSON strings hold no raw newlines, so every newline is layout.
    return text.replace("\n", "\n" + pad) if pad else text


def read(text: str) -> list[DigestDocument]:
    """An object is one document, an array many. Raises `DigestError` naming the line:col of a
    JSON syntax error, or the path (`digests.0.papers.3.votes`) of a value the model rejects."""
    text = text.removeprefix("\ufeff")
    refuse_lone_surrogates(text)
    stripped = text.lstrip()
    try:
        if stripped.startswith("{"):
            return _checked([DigestDocument.model_validate_json(text)], array=False)
        if stripped.startswith("["):
            return _checked(_DOCUMENTS.validate_json(text), array=True)
    except ValidationError as error:
        if not any(e["type"] == "json_invalid" for e in error.errors()):
            raise _validation_error(error) from None
    # Not an object or array, or not JSON at all: let the json module say where it breaks.
    return _checked(_read_slowly(text), array=stripped.startswith("["))


def _checked(documents: list[DigestDocument], *, array: bool) -> list[DigestDocument]:
    """Refuse objects without a `digests` key: every document digestkit writes has one, and
    another JSON (the Hugging Face API's list, say) would otherwise read as empty documents."""
    for index, document in enumerate(documents):
        if "digests" not in document.model_fields_set:
            where = f"array item {index}" if array else "the object"
            raise invalid_json(
                f"not digestkit JSON: {where} has no `digests` key (Hugging Face Daily Papers "
                "JSON reads with --from hf-json)"
            )
    return documents


def _read_slowly(text: str) -> list[DigestDocument]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise invalid_json(f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
    try:
        if isinstance(data, dict):
            return [DigestDocument.model_validate(data)]
        if isinstance(data, list):
            return _DOCUMENTS.validate_python(data)
    except ValidationError as error:
        raise _validation_error(error) from None
    raise invalid_json(
        "digest JSON must be an object (one document) or an array of "
        f"documents, not {type(data).__name__}"
    )


def _validation_error(error: ValidationError) -> DigestError:
    problems = error.errors(include_url=False)
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return invalid_json(
        f"invalid digest JSON at {_where(first['loc'])}: {first['msg']}"
        f" (got {_short(first.get('input'))}){more}"
    )


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "top level"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    if SURROGATE.search(text):  # a lone surrogate (`"\\ud800"`) cannot be printed: show it escaped
        text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
