"""The JSON Schema: committed copy up to date, valid draft 2020-12, and true of real output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

import digestkit
from digestkit import DigestDocument
from digestkit.schema import json_schema, schema_text

from .conftest import ROOT

COMMITTED = ROOT / "docs" / "digest.schema.json"
REGENERATE = "digestkit schema > docs/digest.schema.json"
Corpus = dict[Path, DigestDocument]


def validator() -> Any:
    return jsonschema.Draft202012Validator(json_schema(), format_checker=jsonschema.FormatChecker())


def test_committed_schema_is_current() -> None:
    committed = COMMITTED.read_text(encoding="utf-8")
    assert committed == schema_text(), f"docs/digest.schema.json is stale; run: {REGENERATE}"


def test_schema_is_valid_draft_2020_12() -> None:
    schema = json_schema()
    assert list(schema)[:3] == ["$schema", "$id", "title"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert json.loads(schema_text()) == schema
    assert schema_text().endswith("}\n")


@pytest.mark.corpus
def test_json_output_of_corpus_files_validates(corpus_documents: Corpus) -> None:
    documents = list(corpus_documents.values())
    check = validator()
    for document in documents[::30]:  # every era of the format
        data = json.loads(digestkit.dumps(document, "json"))
        errors = [error.message for error in check.iter_errors(data)]
        assert errors == []
    several = json.loads(digestkit.dumps(documents[:3], "json"))
    assert all(check.is_valid(item) for item in several)


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda p: p.update(votes=-1), "votes"),
        (lambda p: p.update(media={"kind": "gif", "url": "x"}), "kind"),
        (lambda p: p.update(title="two\nlines"), "title"),
        (lambda p: p.update(authors=["+"]), "0"),
        (lambda p: p.pop("url"), "url"),
    ],
)
def test_schema_rejects_what_the_model_rejects(
    corpus_documents: Corpus, change: Any, path: str
) -> None:
    data = json.loads(digestkit.dumps(next(iter(corpus_documents.values())), "json"))
    change(data["digests"][0]["papers"][0])
    errors = list(validator().iter_errors(data))
    assert errors, "the schema accepted an invalid paper"
    assert any(str(error.path[-1]) == path or path in error.message for error in errors)
    with pytest.raises(digestkit.DigestError):
        digestkit.loads(json.dumps(data), "json")


@pytest.mark.corpus
def test_schema_checks_dates(corpus_documents: Corpus) -> None:
    data = json.loads(digestkit.dumps(next(iter(corpus_documents.values())), "json"))
    data["digests"][0]["date"] = "2024-02-30"
    assert not validator().is_valid(data)
