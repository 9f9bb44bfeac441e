"""The real corpus: every file parses without errors, every paper comes out, bytes come back."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

import digestkit
from digestkit.formats import markdown

from .conftest import CORPUS

pytestmark = pytest.mark.corpus

# papers_list.csv rows whose paper is not in the Markdown at all (FORMAT.md section 3.2).
OVERWRITTEN = "lost when a second run the same day overwrote the file (open(..., 'w'))"
NEVER_RENDERED = "written to the CSV before the abstract/authors fetch failed; never rendered"
MISSING_FROM_MARKDOWN = {
    ("2023-12-11", "https://arxiv.org/abs/2312.04655"): NEVER_RENDERED,
    ("2023-12-11", "https://arxiv.org/abs/2312.04724"): NEVER_RENDERED,
    ("2023-12-12", "https://arxiv.org/abs/2312.06550"): NEVER_RENDERED,
    **{
        (date, f"https://arxiv.org/abs/{arxiv_id}"): OVERWRITTEN
        for date, ids in {
            "2024-03-13": "2403.06634 2403.06504 2403.06764 2403.06738 2403.06977 2403.06098 "
            "2403.05812 2403.06807 2403.06775",
            "2024-04-19": "2404.12387 2404.12253 2404.12390 2404.12347 2404.11565 2404.11912 "
            "2404.12318 2404.12241 2404.12195",
            "2024-06-28": "2406.18629 2406.19389 2406.19226 2406.19215 2406.19227 2406.19263 "
            "2406.14909 2406.08316 2406.14629",
        }.items()
        for arxiv_id in ids.split()
    },
}


def test_every_file_parses_without_errors(
    corpus_documents: dict[Path, digestkit.DigestDocument],
) -> None:
    assert len(corpus_documents) == 357
    errors = [str(d) for doc in corpus_documents.values() for d in doc.errors]
    assert errors == []
    assert sum(len(doc.papers) for doc in corpus_documents.values()) == 5488
    assert sum(len(doc.digests) for doc in corpus_documents.values()) == 362


def test_papers_equal_the_generators_list(
    corpus_documents: dict[Path, digestkit.DigestDocument],
) -> None:
    with (CORPUS / "papers_list.csv").open(encoding="utf-8", newline="") as handle:
        rows = [(r["date"], r["title"], r["url"]) for r in csv.DictReader(handle)]
    parsed = Counter(
        (digest.date.isoformat(), paper.title, paper.url)
        for doc in corpus_documents.values()
        for digest in doc.digests
        if digest.date
        for paper in digest.papers
    )
    expected = Counter(row for row in rows if (row[0], row[2]) not in MISSING_FROM_MARKDOWN)
    assert len(rows) == 5518
    assert len(MISSING_FROM_MARKDOWN) == 30
    missing = {(d, u) for d, _, u in rows} - {(d, u) for d, _, u in parsed}
    assert missing == set(MISSING_FROM_MARKDOWN)
    assert parsed == expected


def test_faithful_markdown_is_byte_exact(corpus: list[Path]) -> None:
    differing = [
        path
        for path in corpus
        if markdown.faithful(digestkit.parse_file(path)).encode() != path.read_bytes()
    ]
    assert differing == []


def test_canonical_markdown_keeps_models_and_is_idempotent(
    corpus_documents: dict[Path, digestkit.DigestDocument],
) -> None:
    for path, doc in corpus_documents.items():
        text = markdown.canonical(doc)
        again = digestkit.parse(text)
        assert again == doc, path
        assert markdown.canonical(again) == text, path
        assert again.errors == [], path


def test_editing_votes_changes_exactly_that_vote_line(corpus: list[Path]) -> None:
    for path in corpus[::10]:
        doc = digestkit.parse_file(path)
        paper = doc.papers[len(doc.papers) // 2]
        assert paper.line is not None
        paper.votes = 7777
        before = path.read_text(encoding="utf-8").split("\n")
        after = markdown.faithful(doc).split("\n")
        changed = [i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]
        if len(before) == len(after):
            assert len(changed) == 1, path
            assert after[changed[0]] == "Vote: 7777"
            assert before[changed[0]].startswith("Vote:")
            assert changed[0] > paper.line - 1
        else:  # the paper had no Vote line: exactly one line (and its blank) is inserted
            assert len(after) == len(before) + 2
            assert "Vote: 7777" in after
