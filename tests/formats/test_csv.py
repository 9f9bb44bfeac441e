"""CSV: the whole corpus as one RFC 4180 file, read back with the csv module field by field."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import digestkit
from digestkit import DailyDigest, DigestDocument, FormatError, Media, Paper, SummaryItem

from ..strategies import documents, examples

Corpus = dict[Path, DigestDocument]
HEADER = [
    "date",
    "title",
    "url",
    "arxiv_id",
    "votes",
    "authors",
    "media_kind",
    "media_url",
    "summary",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def read_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def expected_row(date: dt.date | None, paper: Paper) -> list[str]:
    """What the issue specifies for one paper, spelled out independently of the writer."""
    summary = []
    for item in paper.summary:
        summary.append(item.text if item.label is None else item.label + ": " + item.text)
    return [
        "" if date is None else date.isoformat(),
        paper.title,
        paper.url,
        paper.arxiv_id or "",
        "" if paper.votes is None else str(paper.votes),
        "; ".join(paper.authors),
        paper.media.kind if paper.media else "",
        paper.media.url if paper.media else "",
        "\n".join(summary),
    ]


@pytest.fixture(scope="module")
def corpus_csv(corpus_documents: Corpus) -> str:
    return digestkit.dumps(corpus_documents.values(), "csv")


@pytest.mark.corpus
def test_corpus_as_one_csv_reads_back_field_by_field(
    corpus_csv: str, corpus_documents: Corpus
) -> None:
    rows = read_rows(corpus_csv)
    assert rows[0] == HEADER
    assert rows.count(HEADER) == 1  # many documents, one header
    pairs = [
        (d.date, p) for doc in corpus_documents.values() for d in doc.digests for p in d.papers
    ]
    assert len(rows) - 1 == len(pairs) == 5488
    for row, (date, paper) in zip(rows[1:], pairs, strict=True):
        assert row == expected_row(date, paper)
    # votes are numbers or empty: `Vote: -` papers are blank, not "-"
    assert {row[4] for row in rows[1:] if not row[4].isdigit()} == {""}


@pytest.mark.corpus
def test_records_end_with_crlf(corpus_csv: str) -> None:
    assert corpus_csv.startswith(",".join(HEADER) + "\r\n")
    assert corpus_csv.endswith("\r\n")
    # every record ends with CRLF; bare LF occurs only inside quoted multi-line summaries
    assert corpus_csv.count("\r\n") >= 5489


def test_written_to_a_file_opened_with_newline_empty(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    document = DigestDocument(
        digests=[
            DailyDigest(
                date=dt.date(2024, 1, 2),
                papers=[
                    Paper(
                        title='A "quoted", title', url="u", summary=[SummaryItem(text="one\ntwo")]
                    )
                ],
            )
        ]
    )
    with target.open("w", encoding="utf-8", newline="") as handle:
        digestkit.dump(document, handle, "csv", bom=True)
        assert not handle.closed  # the caller's stream stays open
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfdate,title,")
    assert b'"A ""quoted"", title"' in data
    assert b'"one\ntwo"\r\n' in data
    rows = read_rows(data.decode("utf-8-sig"))
    assert rows[1][1] == 'A "quoted", title' and rows[1][8] == "one\ntwo"


def test_excel_safe_neutralises_formula_cells_only_when_asked() -> None:
    paper = Paper(
        title='=HYPERLINK("http://x")',
        url="https://arxiv.org/abs/2401.00001",
        votes=0,
        authors=["@mention", "-dash", "Plain Name"],
        media=Media(kind="image", url="+1"),
        summary=[SummaryItem(text="-5 points"), SummaryItem(label="Tab", text="x")],
    )
    document = DigestDocument(digests=[DailyDigest(date=dt.date(2024, 1, 2), papers=[paper])])
    plain = read_rows(digestkit.dumps(document, "csv"))[1]
    safe = read_rows(digestkit.dumps(document, "csv", excel_safe=True))[1]
    assert plain[1] == '=HYPERLINK("http://x")'
    assert safe[1] == "'" + plain[1]
    assert safe[5] == "'@mention; -dash; Plain Name"
    assert safe[7] == "'+1"
    assert safe[8] == "'-5 points\nTab: x"
    assert safe[4] == plain[4] == "0"
    assert [safe[i] for i in (0, 2, 3, 6)] == [plain[i] for i in (0, 2, 3, 6)]


@pytest.mark.corpus
def test_excel_safe_on_the_corpus_touches_only_trigger_cells(
    corpus_csv: str, corpus_documents: Corpus
) -> None:
    safe = read_rows(digestkit.dumps(corpus_documents.values(), "csv", excel_safe=True))
    plain = read_rows(corpus_csv)
    assert len(safe) == len(plain)
    for safe_row, plain_row in zip(safe[1:], plain[1:], strict=True):
        for index, (s, p) in enumerate(zip(safe_row, plain_row, strict=True)):
            assert s == ("'" + p if p.startswith(TRIGGERS) and index != 4 else p)


def test_no_documents_still_has_a_header() -> None:
    assert digestkit.dumps([], "csv") == ",".join(HEADER) + "\r\n"


@pytest.mark.parametrize("options", [{"excel": True}, {"bom": "yes"}, {"excel_safe": 1}])
def test_bad_csv_options(options: dict[str, Any]) -> None:
    with pytest.raises(FormatError, match="csv"):
        digestkit.dumps(DigestDocument(), "csv", **options)


@examples(0.5)
@given(st.lists(documents(), max_size=3))
def test_any_documents_read_back_from_csv(docs: list[DigestDocument]) -> None:
    rows = read_rows(digestkit.dumps(docs, "csv"))
    pairs = [(d.date, p) for doc in docs for d in doc.digests for p in d.papers]
    assert rows == [HEADER] + [expected_row(date, paper) for date, paper in pairs]
