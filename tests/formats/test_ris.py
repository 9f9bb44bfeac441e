"""RIS read back with rispy (an independent RIS parser) into the models' fields, line by line
against the RIS specification's shape (`XX  - value`, CRLF), and with values that try to break
out of their line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import rispy

import digestkit
from digestkit import DailyDigest, DigestDocument, FormatError, Paper, SummaryItem

from ..conftest import ROOT

EXAMPLE = ROOT / "src" / "digestkit" / "examples" / "daily-papers.md"
LINE = re.compile(r"[A-Z][A-Z0-9]  - (?:\S.*\S|\S)?")  # RIS: tag, two spaces, hyphen, space
Corpus = dict[Path, DigestDocument]


def records(text: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = rispy.loads(text)
    return entries


def as_written(ris_name: str) -> str:
    """A RIS `Family, Given` name back in the digest's `Given Family` order (no corpus name
    holds a comma, so a comma here is the writer's)."""
    family, comma, given = ris_name.partition(", ")
    return f"{given} {family}" if comma else ris_name


def check_shape(text: str) -> None:
    assert text.endswith("ER  - \r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line break is a CRLF
    for block in text.split("\r\n\r\n"):
        lines = block.removesuffix("\r\n").split("\r\n")
        assert lines[0] == "TY  - GEN" and lines[-1] == "ER  - "
        for line in lines:
            assert LINE.fullmatch(line), line


def test_example_reads_back_with_rispy() -> None:
    doc = digestkit.parse_file(EXAMPLE)
    text = digestkit.dumps(doc, "ris")
    check_shape(text)
    first, second = records(text)
    assert first["type_of_reference"] == "GEN"
    assert first["id"] == "lovelace2024toy"  # the BibTeX key
    assert first["title"] == doc.papers[0].title
    assert first["authors"] == ["Lovelace, Ada", "Turing, Alan", "Hopper, Grace"]
    assert (first["year"], first["date"], first["access_date"]) == (
        "2024",
        "2024/10//",
        "2024/10/21/",
    )
    assert first["urls"] == ["https://arxiv.org/abs/2410.00001"]
    assert (first["name_of_database"], first["accession_number"]) == ("arXiv", "arXiv:2410.00001")
    assert first["abstract"].startswith("What's New: A parser that reads every digest variant")
    assert second["authors"] == ["Müller, Jürgen", "Chen, Wei"]  # a name with a comma: as is
    assert second["abstract"] == (
        "A plain bullet from an older template. "
        "Another plain bullet, with a continuation line - and a nested note."
    )


def test_papers_without_arxiv_id_or_date() -> None:
    papers = [Paper(title="Elsewhere", url="https://example.org/p", authors=["Gemini Team"])]
    dated = DigestDocument(digests=[DailyDigest(date=dt.date(2024, 3, 5), papers=papers)])
    (entry,) = records(digestkit.dumps(dated, "ris"))
    dates = (entry["year"], entry["date"], entry["access_date"])
    assert dates == ("2024", "2024/03/05/", "2024/03/05/")
    assert "accession_number" not in entry and entry["authors"] == ["Gemini Team"]
    undated = DigestDocument(digests=[DailyDigest(date=None, papers=papers)])
    (entry,) = records(digestkit.dumps(undated, "ris"))
    assert not {"year", "date", "access_date"} & set(entry)


HOSTILE = [
    "Title\r\nER  - \r\nTY  - JOUR\r\nTI  - injected",
    "a\nb\rc\x0bd\x0ce\x85f\u2028g\u2029h",
    "NUL\x00 ESC\x1b TAB\t DEL\x7f FS\x1c",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_line_breaks_and_controls_cannot_start_a_line(title: str) -> None:
    paper = Paper(
        title=title.replace("\n", " ").replace("\r", " "),  # titles are one line...
        url="https://arxiv.org/abs/2401.00001",
        authors=["Ada Lovelace"],
        summary=[SummaryItem(text=title)],  # ...summaries need not be
    )
    doc = DigestDocument(digests=[DailyDigest(date=dt.date(2024, 1, 2), papers=[paper])])
    text = digestkit.dumps(doc, "ris")
    check_shape(text)
    (entry,) = records(text)
    assert entry["type_of_reference"] == "GEN"
    shown = entry["abstract"]
    assert re.search(r"[\x00-\x1f\x7f\x85\u2028\u2029]", shown) is None
    breaks = r"[ \t\r\n\x0b\x0c\x85\u2028\u2029]+"  # not `\s`: Python counts \x1c-\x1f in it
    visible = re.sub(breaks, "", shown)
    original = re.sub(breaks, "", title)
    assert visible == original.translate({c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421})


def test_no_papers_no_records() -> None:
    assert digestkit.dumps([], "ris") == ""


def test_options_are_refused() -> None:
    with pytest.raises(FormatError, match="the ris format takes no option 'abstract'"):
        digestkit.dumps(DigestDocument(), "ris", abstract=True)


def test_cli_writes_crlf_to_a_file(tmp_path: Path) -> None:
    from ..cli.test_cli import run

    result = run("convert", str(EXAMPLE), "-o", str(tmp_path / "out.ris"))
    assert result.returncode == 0, result.stderr
    data = (tmp_path / "out.ris").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") > 20
    check_shape(data.decode("utf-8"))


@pytest.mark.corpus
def test_rispy_reads_every_corpus_paper_as_written(corpus_documents: Corpus) -> None:
    text = digestkit.dumps(corpus_documents.values(), "ris")
    check_shape(text)
    entries = records(text)
    papers = [p for document in corpus_documents.values() for p in document.papers]
    assert len(entries) == len(papers) == 5488
    bibtex = digestkit.dumps(corpus_documents.values(), "bibtex")
    assert [e["id"] for e in entries] == re.findall(r"^@misc\{([^,]+),", bibtex, re.MULTILINE)
    for entry, paper in zip(entries, papers, strict=True):
        assert entry["title"] == paper.title
        assert [as_written(name) for name in entry.get("authors", [])] == paper.authors
        assert entry["urls"] == [paper.url]
