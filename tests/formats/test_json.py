"""JSON and JSON Lines: corpus round trips, the streamed array, and errors that say where."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import digestkit
from digestkit import DailyDigest, DigestDocument, DigestError, FormatError, Paper

from ..strategies import documents, examples

Corpus = dict[Path, DigestDocument]
PAPER_KEYS = ["title", "url", "media", "votes", "authors", "summary", "arxiv_id"]


def as_json(document: DigestDocument, indent: int | None = 2) -> str:
    """The documented shape, built with the json module rather than the writer's serializer."""
    return json.dumps(document.model_dump(mode="json"), ensure_ascii=False, indent=indent)


def flat(documents: Any) -> list[tuple[dt.date | None, Paper]]:
    return [(d.date, p) for document in documents for d in document.digests for p in d.papers]


def sample(corpus: Corpus, count: int = 3) -> list[DigestDocument]:
    documents = list(corpus.values())
    return documents[:: len(documents) // count][:count]


# -- JSON ----------------------------------------------------------------------------------------
@pytest.mark.corpus
def test_every_corpus_file_round_trips_through_json(corpus_documents: Corpus) -> None:
    for path, document in corpus_documents.items():
        text = digestkit.dumps(document, "json")
        assert text == as_json(document) + "\n", path
        again = digestkit.loads(text, "json")
        assert again == document, path


@pytest.mark.corpus
def test_json_is_the_model_and_nothing_else(corpus_documents: Corpus) -> None:
    document = next(iter(corpus_documents.values()))
    data = json.loads(digestkit.dumps(document, "json"))
    assert list(data) == ["digests", "preamble"]
    assert list(data["digests"][0]) == ["date", "papers", "epilogue"]
    first = data["digests"][0]["papers"][0]
    assert list(first) == PAPER_KEYS  # no line, path, layout or diagnostics
    assert first["arxiv_id"] == document.papers[0].arxiv_id


@pytest.mark.corpus
def test_non_ascii_is_written_as_utf8(corpus_documents: Corpus) -> None:
    document = next(
        d
        for d in corpus_documents.values()
        if any(not a.isascii() for p in d.papers for a in p.authors)
    )
    text = digestkit.dumps(document, "json")
    name = next(a for p in document.papers for a in p.authors if not a.isascii())
    assert json.dumps(name, ensure_ascii=False) in text
    assert "\\u00" not in text


@pytest.mark.corpus
def test_several_documents_stream_as_one_array(corpus_documents: Corpus) -> None:
    documents = sample(corpus_documents)
    out = io.StringIO()
    written_before: list[int] = []

    def lazily() -> Iterator[DigestDocument]:
        for document in documents:
            written_before.append(out.getvalue().count('"digests"'))
            yield document

    digestkit.dump(lazily(), out, "json")
    text = out.getvalue()
    # at most one document is held back (to tell one document from several)
    assert written_before == [0, 0, 2]
    assert (
        text
        == json.dumps([d.model_dump(mode="json") for d in documents], ensure_ascii=False, indent=2)
        + "\n"
    )
    assert digestkit.loads(text, "json") == documents


@pytest.mark.corpus
@pytest.mark.parametrize("indent", [None, 0, 4])
def test_indent_option(corpus_documents: Corpus, indent: int | None) -> None:
    documents = sample(corpus_documents, 2)
    one = digestkit.dumps(documents[0], "json", indent=indent)
    many = digestkit.dumps(documents, "json", indent=indent)
    if indent is None:
        assert one.count("\n") == many.count("\n") == 1  # compact: one line and its newline
    else:
        assert one == as_json(documents[0], indent) + "\n"
        assert (
            many
            == json.dumps(
                [d.model_dump(mode="json") for d in documents], ensure_ascii=False, indent=indent
            )
            + "\n"
        )
    assert digestkit.loads(many, "json") == documents


def test_no_documents_is_an_empty_array() -> None:
    assert digestkit.dumps([], "json") == "[]\n"
    assert digestkit.loads("[]", "json") == []


def test_reads_a_byte_order_mark() -> None:
    document = DigestDocument(digests=[DailyDigest(date=dt.date(2024, 1, 2))])
    assert digestkit.loads("\ufeff" + digestkit.dumps(document, "json"), "json") == document


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ('{\n  "digests": [\n    oops\n  ]\n}', 3, 5, "invalid JSON: Expecting value"),
        ('{"digests": []', 1, 15, "invalid JSON"),
        ("", 1, 1, "invalid JSON"),
        ("42", 1, 1, "must be an object (one document) or an array of documents, not int"),
        ('{"digests": [{"date": "2024-02-30"}]}', 1, 1, "at digests.0.date: "),
        ('[{"digests": []}, 7]', 1, 1, "at 1: "),
        (
            '{"digests": [{"date": null, "papers": [{"title": "t", "url": "u", "votes": -1}]}]}',
            1,
            1,
            "at digests.0.papers.0.votes: Input should be greater than or equal to 0 (got -1)",
        ),
    ],
)
def test_json_errors_say_where(text: str, line: int, col: int, message: str) -> None:
    error = assert_dk003(text, "json", line, col, message)
    assert message in str(error)


@pytest.mark.corpus
def test_validation_error_path_in_a_real_document(corpus_documents: Corpus) -> None:
    documents = sample(corpus_documents, 2)
    data = [d.model_dump(mode="json") for d in documents]
    data[1]["digests"][0]["papers"][3]["media"] = {"kind": "gif", "url": "x"}
    data[1]["digests"][0]["papers"][4]["url"] = "has space"
    with pytest.raises(DigestError) as caught:
        digestkit.loads(json.dumps(data), "json")
    assert "at 1.digests.0.papers.3.media.kind: " in str(caught.value)
    assert "(and 1 more)" in str(caught.value)


@pytest.mark.parametrize(
    ("options", "name"),
    [({"indnet": 2}, "'indnet'"), ({"indent": "2"}, "indent='2'"), ({"indent": -1}, "indent=-1")],
)
def test_bad_json_options(options: dict[str, Any], name: str) -> None:
    with pytest.raises(FormatError, match="json") as caught:
        digestkit.dumps(DigestDocument(), "json", **options)
    assert name in str(caught.value)


# -- JSON Lines ----------------------------------------------------------------------------------
@pytest.mark.corpus
def test_jsonl_round_trip_on_the_corpus(corpus_documents: Corpus) -> None:
    documents = list(corpus_documents.values())
    text = digestkit.dumps(documents, "jsonl")
    lines = text.splitlines()
    assert len(lines) == 5488
    pairs = flat(documents)
    for line, (date, paper) in zip(lines, pairs, strict=True):
        data = json.loads(line)
        assert list(data) == ["date", *PAPER_KEYS]
        assert data == {"date": date.isoformat() if date else None, **paper.model_dump(mode="json")}
    back = digestkit.loads(text, "jsonl")
    assert isinstance(back, DigestDocument)
    assert flat([back]) == pairs
    # digests are the runs of equal dates: files with two sections of one date merge
    dates = [d.date for document in documents for d in document.digests if d.papers]
    runs = [date for i, date in enumerate(dates) if i == 0 or dates[i - 1] != date]
    assert [d.date for d in back.digests] == runs
    assert len(runs) < len(dates)


def test_jsonl_reads_crlf_blank_lines_and_undated_papers() -> None:
    lines = [
        '{"date": null, "title": "A", "url": "https://arxiv.org/abs/2401.00001"}',
        "",
        '{"date": "2024-01-02", "title": "B", "url": "u", "authors": ["X Y"]}',
        '{"date": "2024-01-02", "title": "C", "url": "v", "votes": 3}',
        '{"date": null, "title": "D", "url": "w"}',
    ]
    back = digestkit.loads("\r\n".join(lines) + "\r\n", "jsonl")
    assert isinstance(back, DigestDocument)
    assert [(d.date, [p.title for p in d.papers]) for d in back.digests] == [
        (None, ["A"]),
        (dt.date(2024, 1, 2), ["B", "C"]),
        (None, ["D"]),
    ]
    assert back.digests[1].papers[1].votes == 3


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        (
            '{"date": null, "title": "A", "url": "u"}\n{"date": null, "title": ',
            2,
            25,
            "invalid JSON",
        ),
        ('{"date": null, "title": "A", "url": "u"}\n\n[1, 2]\n', 3, 1, "expected a JSON object"),
        ('{"title": "A", "url": "u"}', 1, 1, 'no "date"'),
        ('{"date": "yesterday", "title": "A", "url": "u"}', 1, 1, "invalid date"),
        ('{"date": null, "title": "A", "url": "u", "votes": -2}', 1, 1, "invalid votes"),
        ('{"date": null, "url": "u"}', 1, 1, "invalid title: Field required"),
    ],
)
def test_jsonl_errors_name_the_line(text: str, line: int, col: int, message: str) -> None:
    assert_dk003(text, "jsonl", line, col, message)


def assert_dk003(text: str, fmt: str, line: int, col: int, message: str) -> DigestError:
    """Reading `text` fails with exactly one DK003 diagnostic at `line:col` saying `message`."""
    with pytest.raises(DigestError) as caught:
        digestkit.loads(text, fmt)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.col) == ("DK003", line, col)
    assert message in diagnostic.message
    return caught.value


def test_jsonl_takes_no_options() -> None:
    with pytest.raises(FormatError, match=r"jsonl.*'indent'"):
        digestkit.dumps(DigestDocument(), "jsonl", indent=2)


@examples(0.5)
@given(st.lists(documents(), max_size=3))
def test_any_documents_round_trip_through_json_and_jsonl(docs: list[DigestDocument]) -> None:
    text = digestkit.dumps(docs, "json")
    back = digestkit.loads(text, "json")
    assert (back if len(docs) != 1 else [back]) == docs
    lines = digestkit.loads(digestkit.dumps(docs, "jsonl"), "jsonl")
    assert isinstance(lines, DigestDocument)
    assert flat([lines]) == flat(docs)
