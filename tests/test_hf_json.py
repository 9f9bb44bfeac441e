"""Hugging Face Daily Papers JSON: the reader, the writer, round trips, and real corpus data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import digestkit
from digestkit import DailyDigest, DigestDocument, DigestError, Media, Paper, SummaryItem
from digestkit.diagnostics import RULES
from digestkit.hf_json import looks_like_daily_papers, read_daily_papers, to_daily_papers

from .conftest import FIXTURES
from .strategies import PROFILE, one_line

HF = FIXTURES / "hf"
DAILY = HF / "daily_papers.json"
MISSING = HF / "missing_fields.json"
THUMBS = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/"
UPLOADS = "https://cdn-uploads.huggingface.co/production/uploads/6401c8c9f98fbc64bcd7dca1/"


def codes_at(document: DigestDocument) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in document.diagnostics]


# -- reading the fixtures ----------------------------------------------------------------------
def test_image_video_and_unicode_entries_read_as_the_generator_wrote_them() -> None:
    document = read_daily_papers(DAILY.read_text(encoding="utf-8"))
    assert document.diagnostics == []
    (digest,) = document.digests
    assert digest.date == dt.date(2025, 1, 2)  # the featured day (item publishedAt), not arXiv's
    first, video, odd = digest.papers
    assert first.title == "Sparse Mixtures of Tiny Experts for On-Device Reasoning"
    assert first.url == "https://arxiv.org/abs/2501.00101"
    assert first.arxiv_id == "2501.00101"
    assert first.votes == 42
    assert first.authors == ["Mira Okafor", "Jonas Lindqvist", "Priya Raman"]
    assert first.media == Media(kind="image", url=THUMBS + "2501.00101.png")
    assert first.summary == [
        SummaryItem(
            text="We study mixtures of very small experts that run on phones. Routing with a\n"
            "shared token budget keeps latency flat while accuracy improves on four\n"
            "reasoning benchmarks."
        )
    ]
    # The video comes from mediaUrls, although the thumbnail is an image and an image URL
    # comes first in mediaUrls; hidden authors are kept, in API order.
    assert video.media == Media(kind="video", url=UPLOADS + "Vv8nM2kLp0oIu7yTr6eW5.mp4")
    assert video.authors == [
        "Leon Engländer",
        "Ivan Vulić",
        "Zoë Ñúñez-Øberg",
        "김서연",
        "田中 太郎",
        "Seán O'Brien",
    ]
    assert video.votes == 7
    assert odd.title == "Why $\\nabla^2$ Matters: [IDK] Tokens and <think> Traces (a Study)"
    assert odd.votes == 0
    assert odd.authors == ["Ana García", "DeepSeek-AI"]


def test_missing_fields_become_diagnostics_at_their_entry() -> None:
    text = MISSING.read_text(encoding="utf-8")
    document = read_daily_papers(text, path="m.json")
    assert sorted(codes_at(document)) == sorted(
        [
            ("DK501", 2, 3),
            ("DK501", 3, 3),
            ("DK502", 4, 3),
            ("DK504", 5, 3),
            ("DK505", 6, 3),
            ("DK506", 6, 3),
            ("DK505", 7, 3),
            ("DK507", 7, 3),
            ("DK507", 7, 3),
            ("DK507", 7, 3),
            ("DK508", 8, 3),
            ("DK509", 8, 3),
            ("DK510", 8, 3),
            ("DK503", 9, 3),
            ("DK505", 9, 3),
            ("DK506", 9, 3),
            ("DK508", 9, 3),
            ("DK510", 9, 3),
            ("DK515", 9, 3),
            ("DK515", 9, 3),
            ("DK515", 9, 3),
            ("DK515", 9, 3),
            ("DK514", 10, 3),
            ("DK518", 1, 1),  # no `submittedOnDailyAt`, no day in the file name: publishedAt
        ]
    )
    assert {d.path for d in document.diagnostics} == {"m.json"}
    assert all(d.message.startswith("entr") for d in document.diagnostics)
    # Every line:col is where the entry (or, for a finding about the file, the array) starts.
    lines = text.split("\n")
    assert all(lines[d.line - 1][d.col - 1] in '[{"' for d in document.diagnostics)
    (digest,) = document.digests
    by_id = {paper.url.rsplit("/", 1)[1]: paper for paper in digest.papers}
    assert [paper.url.rsplit("/", 1)[1] for paper in digest.papers] == [
        "2501.00201",
        "2501.00202",
        "2501.00203",
        "2501.00204",  # undated: stays after the entry before it
        "not-arxiv",
        "2501.00201",
    ]
    assert by_id["2501.00203"].authors == ["Ana", "Émile Zola"]  # bad names skipped, spaces
    assert by_id["2501.00203"].votes is None
    assert by_id["2501.00202"].authors == []
    assert by_id["2501.00204"].media is None
    assert by_id["2501.00204"].summary == []
    assert by_id["not-arxiv"].arxiv_id is None
    assert digest.papers[0].title == ""
    assert [d.code for d in document.errors] == ["DK501", "DK501", "DK502", "DK504"]


def test_every_hf_code_is_exercised_by_the_fixtures() -> None:
    found = {d.code for d in read_daily_papers(MISSING.read_text(encoding="utf-8")).diagnostics}
    found |= {d.code for d in read_daily_papers("[]").diagnostics}
    several_days = '[{"paper": {"id": "2501.1"}, "publishedAt": "2025-01-01"},' + (
        '{"paper": {"id": "2501.2"}, "publishedAt": "2025-01-02"}]'
    )
    found |= {d.code for d in read_daily_papers(several_days).diagnostics}
    found |= {d.code for d in read_daily_papers('[{"paper": {"id": "2501.1"}}]').diagnostics}
    found |= {d.code for d in read_daily_papers('["{\'paper\': {}}", {"paper": {"id": "2501.1", '
              '"title": "\\ud800", "submittedOnDailyAt": "2025-01-03"}}]', path="2025-01-02.json").diagnostics}
    assert found == {code for code in RULES if code.startswith("DK5")}


# -- dates -------------------------------------------------------------------------------------
def entry(ident: str, published: str | None = None, **paper: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"paper": {"id": ident, "title": f"T {ident}", **paper}}
    if published is not None:
        item["publishedAt"] = published
    return item


def test_days_come_from_submittedOnDailyAt_else_publishedAt_in_utc_and_split_digests() -> None:
    entries = [
        entry("2501.00001", "2025-01-01T23:30:00.000Z"),
        entry("2501.00002", "2025-01-02T00:30:00+02:00"),  # 2025-01-01 22:30 UTC
        entry("2501.00003", "2025-01-02T08:00:00Z"),
        entry("2501.00004"),
    ]
    entries[3]["paper"]["submittedOnDailyAt"] = "2025-01-02T09:00:00.000Z"
    document = read_daily_papers(json.dumps(entries))
    assert [(d.date, len(d.papers)) for d in document.digests] == [
        (dt.date(2025, 1, 1), 2),
        (dt.date(2025, 1, 2), 2),
    ]
    assert [(d.code, d.line, d.col) for d in document.diagnostics[:2]] == [
        ("DK518", 1, 1),
        ("DK511", 1, 1),
    ]
    assert document.diagnostics[0].message.startswith("entries 1-3 (3 of 4) have no")


def test_a_given_date_puts_every_paper_in_one_digest() -> None:
    entries = [entry("2501.00001", "2025-01-01T10:00:00Z"), entry("2501.00002")]
    for date in (dt.date(2025, 1, 5), "2025-01-05"):
        document = read_daily_papers(entries, date=date)
        assert [(d.date, len(d.papers)) for d in document.digests] == [(dt.date(2025, 1, 5), 2)]
        assert "DK510" not in {d.code for d in document.diagnostics}
        assert "DK511" not in {d.code for d in document.diagnostics}
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        read_daily_papers(entries, date="05.01.2025")


def test_no_dates_at_all_give_one_undated_digest() -> None:
    document = read_daily_papers([entry("2501.00001"), entry("2501.00002")])
    assert [(d.date, len(d.papers)) for d in document.digests] == [(None, 2)]
    codes = [d.code for d in document.diagnostics]
    assert codes[0] == "DK512" and "DK510" not in codes  # no DK510 per entry beside it


def test_an_empty_array_is_a_day_without_papers() -> None:
    assert read_daily_papers("[]").digests == []
    dated = read_daily_papers(" [ ]\n", date="2025-01-04")
    assert dated.digests == [DailyDigest(date=dt.date(2025, 1, 4))]
    assert codes_at(dated) == [("DK513", 1, 2)]


# -- errors that stop reading ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("", 1, 1, "invalid JSON: Expecting value"),
        ('[\n  {"paper": {"id": "1"}},\n  {"paper": }\n]', 3, 13, "invalid JSON: Expecting value"),
        ('[{"paper": {"id": "1"}} {"paper": {}}]', 1, 25, "Expecting ',' delimiter"),
        ('[{"paper": {"id": "1"}}]\n]', 2, 1, "invalid JSON: Extra data"),
        ('[{"paper": {"id": "1"}},]', 1, 25, "invalid JSON: Expecting value"),
        ('{"digests": []}', 1, 1, "an array of entries, not an object"),
        ("  42", 1, 3, "an array of entries, not a number"),
    ],
)
def test_text_that_is_not_a_json_array_is_dk003(
    text: str, line: int, col: int, message: str
) -> None:
    with pytest.raises(DigestError) as caught:
        read_daily_papers(text, path="x.json")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.col, diagnostic.path) == (
        "DK003",
        line,
        col,
        "x.json",
    )
    assert message in diagnostic.message


def test_bytes_are_utf8_with_an_optional_bom() -> None:
    data = DAILY.read_bytes()
    assert read_daily_papers(b"\xef\xbb\xbf" + data) == read_daily_papers(data)
    with pytest.raises(DigestError) as caught:
        read_daily_papers(b'[\n {"paper": "\xff"}]')
    assert [(d.code, d.line, d.col) for d in caught.value.diagnostics] == [("DK001", 2, 13)]
    with pytest.raises(TypeError, match="takes JSON text"):
        read_daily_papers(42)  # type: ignore[arg-type]


def test_sniffing_tells_api_json_from_digestkit_json() -> None:
    assert looks_like_daily_papers(DAILY.read_text(encoding="utf-8"))
    assert looks_like_daily_papers('\ufeff [ {"title": "t", "paper": {}} , 1 ')  # first item only
    assert not looks_like_daily_papers(
        digestkit.dumps(read_daily_papers(DAILY.read_bytes()), "json")
    )
    assert not looks_like_daily_papers('[{"digests": []}]')
    assert not looks_like_daily_papers("[]")
    assert not looks_like_daily_papers("[{")
    assert not looks_like_daily_papers("## Daily Papers (2025-01-02)")


# -- round trips -------------------------------------------------------------------------------
def known_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """What docs/hf-json.md says survives API JSON -> models -> API JSON, read off an entry."""
    paper = entry["paper"]
    urls = entry.get("mediaUrls", []) + paper.get("mediaUrls", [])
    videos = [url for url in urls if url.endswith(".mp4")]
    return {
        "id": paper["id"],
        "title": paper["title"],
        "item title": entry["title"],
        "authors": [author["name"] for author in paper["authors"]],
        "upvotes": paper["upvotes"],
        "summary": paper["summary"],
        "item summary": entry["summary"],
        "thumbnail": entry["thumbnail"],
        "video": videos[:1],
        "day": entry["publishedAt"][:10],
    }


def test_api_json_to_models_to_api_json_keeps_every_known_field() -> None:
    original = json.loads(DAILY.read_text(encoding="utf-8"))
    written = json.loads(digestkit.dumps(read_daily_papers(original), "hf-json"))
    assert [known_fields(e) for e in written] == [known_fields(e) for e in original]
    # ... and nothing digestkit does not model is invented.
    assert {key for e in written for key in e} <= {
        "paper",
        "publishedAt",
        "title",
        "summary",
        "thumbnail",
        "mediaUrls",
    }
    assert {key for e in written for key in e["paper"]} <= {
        "id",
        "authors",
        "title",
        "summary",
        "upvotes",
        "mediaUrls",
        "submittedOnDailyAt",
        "ai_summary",
        "ai_keywords",
    }
    assert written[0]["publishedAt"] == "2025-01-02T00:00:00.000Z"


def test_hf_json_to_markdown_and_back_gives_the_same_papers() -> None:
    document = read_daily_papers(DAILY.read_bytes())
    for mode in ("faithful", "canonical"):
        again = digestkit.parse(digestkit.dumps(document, "markdown", mode=mode))
        assert again.diagnostics == []
        # Markdown keeps the generator's template: Hugging Face's AI fields stay in JSON only.
        assert again == without_ai_fields(document)


def without_ai_fields(document: DigestDocument) -> DigestDocument:
    copy = document.model_copy(deep=True)
    for paper in copy.papers:
        paper.ai_summary = paper.ai_keywords = None
    return copy


def test_writer_output_shape_and_options() -> None:
    assert digestkit.dumps(DigestDocument(), "hf-json") == "[]\n"
    text = digestkit.dumps([read_daily_papers(DAILY.read_bytes())] * 2, "hf-json")
    assert len(json.loads(text)) == 6
    assert text.startswith('[\n  {\n    "paper": {\n      "id": "2501.00101",')
    assert "Engländer" in text  # UTF-8, not \\u escapes
    with pytest.raises(digestkit.FormatError, match=r"hf-json.*indent"):
        digestkit.dumps(DigestDocument(), "hf-json", indent=2)
    with pytest.raises(TypeError):
        to_daily_papers([])  # type: ignore[arg-type]


def test_non_arxiv_and_versioned_urls_survive_as_the_id() -> None:
    urls = ["https://example.org/p/1", "https://arxiv.org/abs/2401.00001v2", "http://a.b/c"]
    papers = [Paper(title=f"T{i}", url=url) for i, url in enumerate(urls)]
    document = DigestDocument(digests=[DailyDigest(date=dt.date(2024, 1, 1), papers=papers)])
    assert [e["paper"]["id"] for e in to_daily_papers(document)] == urls
    back = read_daily_papers(to_daily_papers(document))
    assert [paper.url for paper in back.papers] == urls


# -- property: generated documents -> hf-json -> read back -------------------------------------
def _tidy(text: str) -> str:
    return " ".join(text.split())


_words = one_line(5).map(_tidy).filter(lambda text: text not in ("", "+"))
_hf_papers = st.builds(
    Paper,
    title=_words,
    url=st.builds(
        "https://arxiv.org/abs/{}.{:05d}".format, st.integers(1501, 2512), st.integers(0, 99999)
    ),
    media=st.one_of(
        st.none(),
        st.builds(
            Media,
            kind=st.just("image"),
            url=st.sampled_from(["https://x.org/a.png", "/avatars/b.svg"]),
        ),
        st.builds(
            Media,
            kind=st.just("video"),
            url=st.sampled_from(["https://x.org/v.mp4", "https://x.org/V.MP4?x=1"]),
        ),
    ),
    votes=st.one_of(st.none(), st.integers(0, 10**18 - 1)),
    authors=st.lists(_words, max_size=4),
    summary=st.one_of(
        st.just([]),
        st.lists(_words, min_size=1, max_size=3).map(
            lambda lines: [SummaryItem(text="\n".join(lines))]
        ),
    ),
)
_hf_documents = st.lists(
    st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)), min_size=1, max_size=3, unique=True
).flatmap(
    lambda dates: st.tuples(*[st.lists(_hf_papers, min_size=1, max_size=3) for _ in dates]).map(
        lambda groups: DigestDocument(
            digests=[DailyDigest(date=d, papers=ps) for d, ps in zip(dates, groups, strict=True)]
        )
    )
)


@PROFILE
@given(_hf_documents)
def test_generated_documents_read_back_equal_on_the_known_fields(doc: DigestDocument) -> None:
    back = read_daily_papers(digestkit.dumps(doc, "hf-json"))
    assert back.digests == sorted(doc.digests, key=lambda digest: digest.date or dt.date.min)
    assert {d.code for d in back.diagnostics} <= {
        "DK505",
        "DK506",
        "DK508",
        "DK509",
        "DK511",
        "DK514",
    }


# -- the real corpus ---------------------------------------------------------------------------
@pytest.mark.corpus
def test_corpus_papers_survive_hf_json(corpus_documents: dict[Path, DigestDocument]) -> None:
    """Every corpus paper written as API JSON reads back with the same title, URL, votes,
    authors, media and date; the summary comes back as the bullets' text."""
    papers = 0
    for path, document in corpus_documents.items():
        entries = json.loads(digestkit.dumps(document, "hf-json"))
        back = read_daily_papers(entries)
        assert not back.errors, path
        expected = [(d.date, p) for d in document.digests for p in d.papers]
        got = [(d.date, p) for d in back.digests for p in d.papers]
        # Two sections of one day (5 files) become one digest; the papers keep their order.
        assert len(got) == len(expected), path
        for (date, paper), (date_back, paper_back) in zip(expected, got, strict=True):
            assert date_back == date, path
            assert (paper_back.title, paper_back.url, paper_back.votes) == (
                paper.title,
                paper.url,
                paper.votes,
            ), path
            assert paper_back.authors == paper.authors, path
            assert paper_back.media == paper.media, path
            texts = [item.text for item in paper.summary]
            assert all(_tidy(text) in _tidy(paper_back.summary[0].text) for text in texts), path
        papers += len(got)
    assert papers == 5488
