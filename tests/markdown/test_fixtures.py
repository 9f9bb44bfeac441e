"""Hand-written fixtures, one per format variant, each with a hand-written expected model.

`tests/fixtures/<name>.md` is the input and `<name>.expected.json` holds what a reader of the
file expects: the `model_dump(mode="json")` of the document, the diagnostics as
`[code, line, col]` and the 1-based heading line of every paper. The expectations were written
from the fixture text, not produced by the parser, so a parser change that alters any field,
position or diagnostic fails here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import digestkit
from digestkit import DigestDocument
from digestkit.formats import markdown

from ..conftest import FIXTURES

NAMES = sorted(path.name.removesuffix(".md") for path in FIXTURES.glob("*.md"))


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.expected.json").read_text("utf-8"))
    return data


def _parse(name: str) -> DigestDocument:
    return digestkit.parse_file(FIXTURES / f"{name}.md")


def test_every_fixture_has_an_expectation() -> None:
    expectations = sorted(
        path.name.removesuffix(".expected.json") for path in FIXTURES.glob("*.expected.json")
    )
    assert expectations == NAMES
    assert len(NAMES) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_model_matches_expected(name: str) -> None:
    assert _parse(name).model_dump(mode="json") == _expected(name)["model"]


@pytest.mark.parametrize("name", NAMES)
def test_expected_model_validates_to_the_parsed_document(name: str) -> None:
    # The expectation read back through the models equals the parse: equality is field-wise.
    expected = DigestDocument.model_validate(_expected(name)["model"])
    assert expected == _parse(name)


@pytest.mark.parametrize("name", NAMES)
def test_diagnostics_match_expected(name: str) -> None:
    doc = _parse(name)
    found = sorted([d.code, d.line, d.col] for d in doc.diagnostics)
    assert found == sorted(_expected(name)["diagnostics"])
    assert all(d.path == str(FIXTURES / f"{name}.md") for d in doc.diagnostics)
    assert doc.errors == []


@pytest.mark.parametrize("name", NAMES)
def test_paper_lines_match_expected(name: str) -> None:
    doc = _parse(name)
    assert [paper.line for paper in doc.papers] == _expected(name)["paper_lines"]
    lines = (FIXTURES / f"{name}.md").read_bytes().decode("utf-8").split("\n")
    for paper in doc.papers:
        assert paper.line is not None
        assert lines[paper.line - 1].lstrip("\ufeff").startswith(f"### [{paper.title}](")


@pytest.mark.parametrize("name", NAMES)
def test_faithful_markdown_is_byte_exact(name: str) -> None:
    path = FIXTURES / f"{name}.md"
    assert markdown.faithful(_parse(name)).encode("utf-8") == path.read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_parse_text_equals_parse_file(name: str) -> None:
    text = (FIXTURES / f"{name}.md").read_bytes().decode("utf-8")
    doc = digestkit.parse(text)
    assert doc == _parse(name)
    assert markdown.faithful(doc) == text


@pytest.mark.parametrize("name", NAMES)
def test_canonical_round_trip_keeps_the_model(name: str) -> None:
    doc = _parse(name)
    text = markdown.canonical(doc)
    again = digestkit.parse(text)
    assert again == doc
    assert again.errors == []
    assert markdown.canonical(again) == text


@pytest.mark.parametrize("name", NAMES)
def test_json_round_trip_keeps_the_model(name: str) -> None:
    doc = _parse(name)
    assert DigestDocument.model_validate_json(doc.model_dump_json()) == doc


def test_crlf_fixture_really_has_crlf_endings() -> None:
    data = (FIXTURES / "crlf.md").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") == 14
    doc = _parse("crlf")
    assert all("\r" not in item.text for paper in doc.papers for item in paper.summary)
    assert "\r" not in markdown.canonical(doc)


def test_bom_fixture_starts_with_a_bom_and_has_no_final_newline() -> None:
    data = (FIXTURES / "bom.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf## Daily Papers")
    assert not data.endswith(b"\n")
    doc = _parse("bom")
    assert doc.preamble == ""
    assert not markdown.canonical(doc).startswith("\ufeff")


def test_control_characters_do_not_split_lines() -> None:
    text = (FIXTURES / "control_chars.md").read_bytes().decode("utf-8")
    # str.splitlines() sees an extra line at the form feed; the parser must not.
    assert text.splitlines() != text.split("\n")[:-1]
    assert len(text.split("\n")) == 16
    doc = _parse("control_chars")
    assert len(doc.papers[0].summary) == 3
    assert doc.papers[0].summary[0].text.count("\x0c") == 1


def test_control_fixture_splitlines_differs() -> None:
    # Guard for the fixture itself: a form feed mid-line is where splitlines() goes wrong.
    line = (FIXTURES / "control_chars.md").read_bytes().decode("utf-8").split("\n")[10]
    assert "\x0c" in line
    assert len(line.splitlines()) == 2


def test_readme_fixture_keeps_preamble_and_epilogue_out_of_papers() -> None:
    doc = _parse("readme")
    assert doc.preamble.startswith("# Daily Papers Digest\n")
    assert doc.digests[-1].epilogue.startswith("## License\n")
    assert [item.text for item in doc.papers[0].summary][-1] == "A license section follows it."


def test_multi_section_fixture_keeps_sections_apart() -> None:
    doc = _parse("multi_section")
    assert [str(d.date) for d in doc.digests] == ["2024-10-21", "2024-10-21", "2024-10-22"]
    assert [len(d.papers) for d in doc.digests] == [1, 1, 1]
