"""hf-json as the programs that read the API read it: huggingface_hub's own `PaperInfo`, and the
field names, places and types of the real responses; and orjson's encoding of the entries,
byte for byte the json module's."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from huggingface_hub.hf_api import PaperInfo

import digestkit
from digestkit.formats.hf_json import dumps_entry
from digestkit.formats.hf_json.daily_papers import (
    HfJsonLossWarning,
    read_daily_papers,
    to_daily_papers,
)
from digestkit.models import DigestDocument, Paper

from .test_hf_json import DAILY, raw_entries, responses

__all__ = ["responses"]  # the shared fixture

_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")  # the API's time stamps


def corpus_entries(
    documents: dict[Path, DigestDocument],
) -> list[tuple[dt.date | None, Paper, dict[str, Any]]]:
    """(digest date, paper, written entry) for every paper of the corpus."""
    found: list[tuple[dt.date | None, Paper, dict[str, Any]]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HfJsonLossWarning)  # bullets become an abstract
        for document in documents.values():
            entries = to_daily_papers(document)
            papers = [(d.date, p) for d in document.digests for p in d.papers]
            assert len(entries) == len(papers)
            found.extend(
                (date, paper, entry) for (date, paper), entry in zip(papers, entries, strict=True)
            )
    return found


@pytest.mark.corpus
def test_huggingface_hub_paperinfo_reads_every_corpus_paper_right(
    corpus_documents: dict[Path, DigestDocument],
) -> None:
    """`list_daily_papers` builds `PaperInfo(**entry)` from each entry of the response: the
    featured day is `submitted_at`, and `published_at` (the arXiv date) is not invented."""
    found = corpus_entries(corpus_documents)
    assert len(found) == 5488
    for date, paper, entry in found:
        info = PaperInfo(**json.loads(dumps_entry(entry)))  # what the JSON text gives
        assert info.submitted_at is not None and date is not None
        assert info.submitted_at.date() == date
        assert info.published_at is None  # a digest does not know the arXiv time
        assert info.title == paper.title
        assert [author.name for author in info.authors or []] == paper.authors
        assert info.id == paper.arxiv_id
        # huggingface_hub reads `paper.upvotes or upvotes`, so 0 becomes None (as for the API).
        assert info.upvotes == (paper.votes or None)
        assert info.summary == entry["paper"].get("summary")


def test_paperinfo_gives_none_for_zero_upvotes_of_a_real_entry_too() -> None:
    """The `or` in `PaperInfo` that turns 0 upvotes into None is huggingface_hub's, not ours."""
    entry = json.loads(DAILY.read_text(encoding="utf-8"))[0]
    entry["paper"]["upvotes"] = 0
    assert PaperInfo(**entry).upvotes is None


def test_paperinfo_misread_the_previous_shape() -> None:
    """The bug fixed: an entry `publishedAt` without a `paper.publishedAt` became the arXiv
    date, and `submitted_at` stayed None."""
    entry = to_daily_papers(read_daily_papers(DAILY.read_bytes()))[0]
    assert PaperInfo(**json.loads(json.dumps(entry))).submitted_at is not None
    old = dict(entry, publishedAt=entry.pop("submittedOnDailyAt"))
    info = PaperInfo(**old)
    assert info.submitted_at is None and info.published_at is not None


@pytest.mark.corpus
def test_written_fields_have_the_place_and_type_of_the_real_api(responses: list[Path]) -> None:
    """Every key digestkit writes is in the newest real response at the same place, with the
    same JSON type and time format (`submittedOnDailyAt` of the entry excepted: the API has it
    in the paper only, and `PaperInfo` reads it at the entry's level); `url` is digestkit's."""
    newest = raw_entries(responses[-1])
    api_entry: dict[str, set[str]] = {}
    api_paper: dict[str, set[str]] = {}
    for entry in newest:
        for key, value in entry.items():
            api_entry.setdefault(key, set()).add(type(value).__name__)
        for key, value in entry["paper"].items():
            api_paper.setdefault(key, set()).add(type(value).__name__)
    api_entry["submittedOnDailyAt"] = api_paper["submittedOnDailyAt"]
    document = read_daily_papers(responses[-1].read_bytes())
    written = json.loads(digestkit.dumps(document, "hf-json"))
    assert len(written) == len(newest)
    for entry in written:
        for key, value in entry.items():
            assert type(value).__name__ in api_entry[key], key
        for key, value in entry["paper"].items():
            assert type(value).__name__ in api_paper[key], key
        assert {"name"} == {key for author in entry["paper"]["authors"] for key in author}
        assert _STAMP.fullmatch(entry["paper"]["submittedOnDailyAt"])
        assert all(_STAMP.fullmatch(e["paper"]["submittedOnDailyAt"]) for e in newest)


@pytest.mark.corpus
def test_orjson_entries_are_byte_identical_to_json_dumps_on_the_corpus(
    corpus_documents: dict[Path, DigestDocument],
) -> None:
    found = corpus_entries(corpus_documents)
    for _, _, entry in found:
        assert dumps_entry(entry) == json.dumps(entry, ensure_ascii=False, indent=2)
    # ... and so is the whole output, framing included.
    document = next(iter(corpus_documents.values()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HfJsonLossWarning)
        entries = to_daily_papers(document)
        written = digestkit.dumps(document, "hf-json")
    expected = ",\n  ".join(
        json.dumps(e, ensure_ascii=False, indent=2).replace("\n", "\n  ") for e in entries
    )
    assert written == "[\n  " + expected + "\n]\n"


def test_orjson_matches_json_dumps_on_hostile_text() -> None:
    text = "".join(chr(code) for code in range(0x250)) + '\u2028\u2029\ufeff\U0001f600"\\'
    entry = {"paper": {"id": text, "authors": [], "upvotes": 10**17}, "title": text, "x": {}}
    assert dumps_entry(entry) == json.dumps(entry, ensure_ascii=False, indent=2)
    lone = {"title": "\ud800"}  # orjson refuses it; the json module writes it as it is
    assert dumps_entry(lone) == json.dumps(lone, ensure_ascii=False, indent=2)
