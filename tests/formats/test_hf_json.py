"""Hugging Face Daily Papers JSON: the reader, the writer, round trips, and real corpus data."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import digestkit
import digestkit.formats.hf_json.daily_papers
from digestkit import DailyDigest, DigestDocument, DigestError, Media, Paper, SummaryItem
from digestkit.diagnostics import RULES
from digestkit.formats.hf_json import entries as _hf_entries
from digestkit.formats.hf_json.daily_papers import (
    looks_like_daily_papers,
    read_daily_papers,
    to_daily_papers,
)
from digestkit.markdown.escaping import escape_block, unescape_block

from ..cli.test_cli import err, run, write
from ..conftest import FIXTURES, ROOT, required
from ..strategies import PROFILE, one_line

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
    found |= {
        d.code
        for d in read_daily_papers(
            '["{\'paper\': {}}", {"paper": {"id": "2501.1", '
            '"title": "\\ud800", "submittedOnDailyAt": "2025-01-03"}}]',
            path="2025-01-02.json",
        ).diagnostics
    }
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
        # The featured day: the classic shape's entry `publishedAt`, digestkit's
        # `paper.submittedOnDailyAt` (it writes no `publishedAt`: docs/hf-json.md).
        "day": (entry["paper"].get("submittedOnDailyAt") or entry["publishedAt"])[:10],
    }


def test_api_json_to_models_to_api_json_keeps_every_known_field() -> None:
    original = json.loads(DAILY.read_text(encoding="utf-8"))
    written = json.loads(digestkit.dumps(read_daily_papers(original), "hf-json"))
    assert [known_fields(e) for e in written] == [known_fields(e) for e in original]
    # ... and nothing digestkit does not model is invented.
    assert {key for e in written for key in e} <= {
        "paper",
        "submittedOnDailyAt",
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
    assert written[0]["submittedOnDailyAt"] == "2025-01-02T00:00:00.000Z"
    assert written[0]["paper"]["submittedOnDailyAt"] == "2025-01-02T00:00:00.000Z"
    assert not any("publishedAt" in e or "publishedAt" in e["paper"] for e in written)


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
            url=st.sampled_from(
                [
                    "https://x.org/v.mp4",
                    "https://x.org/V.MP4?x=1",
                    "/x/v.qt",
                    "https://x.org/v.webm",
                ]
            ),
        ),
    ),
    votes=st.one_of(st.none(), st.integers(0, 10**18 - 1)),
    authors=st.lists(_words, max_size=4),
    summary=st.one_of(
        st.just([]),
        st.lists(_words, min_size=1, max_size=3).map(
            lambda lines: [SummaryItem(text=escape_block("\n".join(lines)))]
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
@pytest.mark.filterwarnings("ignore::digestkit.formats.hf_json.daily_papers.HfJsonLossWarning")
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
@pytest.mark.filterwarnings("ignore::digestkit.formats.hf_json.daily_papers.HfJsonLossWarning")
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
            # ... as the plain text it shows, escaped again as Markdown (`\\<think>`).
            texts = [unescape_block(item.text) for item in paper.summary]
            back_text = unescape_block(paper_back.summary[0].text)
            assert all(_tidy(text) in _tidy(back_text) for text in texts), path
        papers += len(got)
    assert papers == 5488


# -- the real API responses, one per shape (read from DIGESTKIT_HF_API, never copied) ---------
HF_API = Path(os.environ.get("DIGESTKIT_HF_API", ROOT.parent / "shared" / "hf-api"))


@pytest.fixture(scope="session")
def responses() -> list[Path]:
    """The shared real responses, each named after the day it was queried for. CI requires
    them (DIGESTKIT_REQUIRE_CORPUS=1), like the corpus."""
    files = sorted(HF_API.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9].json"))
    return required(files, "API responses", HF_API, "DIGESTKIT_HF_API")


def raw_entries(path: Path) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(path.read_bytes())
    return entries


@pytest.mark.corpus
def test_each_real_response_is_one_digest_of_the_day_queried_with_every_thumbnail(
    responses: list[Path],
) -> None:
    for path in responses:
        document = read_daily_papers(path.read_bytes(), path=str(path))
        entries = raw_entries(path)
        assert document.diagnostics == [], path  # no spurious warning
        (digest,) = document.digests
        assert digest.date == dt.date.fromisoformat(path.stem), path
        assert len(digest.papers) == len(entries), path
        for entry, paper in zip(entries, digest.papers, strict=True):
            assert paper.url == "https://arxiv.org/abs/" + entry["paper"]["id"]
            urls = [entry.get("thumbnail"), entry.get("mediaUrl"), *entry.get("mediaUrls", [])]
            assert paper.media is not None and paper.media.url in urls, (path, entry)
            if paper.media.kind == "image":  # a video is the one `.mp4`, else the thumbnail
                assert paper.media.url == (entry.get("thumbnail") or entry["mediaUrl"])
            assert paper.authors == [a["name"] for a in entry["paper"]["authors"]]
            assert paper.ai_summary == entry["paper"].get("ai_summary")
            assert paper.ai_keywords == entry["paper"].get("ai_keywords")


@pytest.mark.corpus
def test_the_date_rule_on_real_responses_read_without_their_file_name(
    responses: list[Path],
) -> None:
    """`submittedOnDailyAt` dates the shapes that have it, whatever the name; the older
    shapes fall back to the entry's `publishedAt`, and DK518 says so once."""
    for path in responses:
        entries = raw_entries(path)
        document = read_daily_papers(path.read_text(encoding="utf-8"))
        queried = dt.date.fromisoformat(path.stem)
        if all("submittedOnDailyAt" in entry["paper"] for entry in entries):
            assert [d.date for d in document.digests] == [queried], path
            assert document.diagnostics == [], path
        else:
            published = sorted({_utc_day(entry["publishedAt"]) for entry in entries})
            assert [d.date for d in document.digests] == published, path
            assert document.diagnostics[0].code == "DK518", path
            assert sum(d.code == "DK518" for d in document.diagnostics) == 1
        # `--date` wins over everything.
        forced = read_daily_papers(entries, date="2030-01-01")
        assert [d.date for d in forced.digests] == [dt.date(2030, 1, 1)]


def _utc_day(stamp: str) -> dt.date:
    return (
        dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(dt.timezone.utc).date()
    )


@pytest.mark.corpus
def test_the_earliest_shape_takes_its_thumbnail_from_mediaUrl(responses: list[Path]) -> None:
    (early,) = [path for path in responses if path.stem == "2024-05-27"]
    papers = read_daily_papers(early.read_bytes()).papers
    for entry, paper in zip(raw_entries(early), papers, strict=True):
        assert "thumbnail" not in entry
        assert paper.media == Media(kind="image", url=entry["mediaUrl"])


@pytest.mark.corpus
def test_ai_fields_are_kept_in_json_output_and_back_through_hf_json(
    responses: list[Path],
) -> None:
    (current,) = [path for path in responses if path.stem == "2026-08-18"]
    document = read_daily_papers(current.read_bytes(), path=current.name)
    data = json.loads(digestkit.dumps(document, "json"))
    first = data["digests"][0]["papers"][0]
    assert first["ai_summary"] == raw_entries(current)[0]["paper"]["ai_summary"]
    assert first["ai_keywords"] == raw_entries(current)[0]["paper"]["ai_keywords"]
    assert digestkit.loads(digestkit.dumps(document, "json")) == document
    assert read_daily_papers(digestkit.dumps(document, "hf-json")) == document
    assert "ai_summary" not in digestkit.dumps(document, "markdown")  # the generator's template


@pytest.mark.corpus
def test_a_folder_of_responses_becomes_the_digest_archive(
    responses: list[Path], tmp_path: Path
) -> None:
    archive = tmp_path / "paper_logs"
    result = run("convert", HF_API, "--from", "hf-json", "--split", archive)
    assert result.returncode == 0, err(result)
    assert err(result) == ""
    written = sorted(p.relative_to(archive).as_posix() for p in archive.rglob("*.md"))
    assert written == [f"{p.stem[:4]}/{p.stem[5:7]}/{p.stem[8:]}.md" for p in responses]
    checked = run("validate", archive)
    assert checked.returncode == 0, checked.stdout.decode()
    assert "0 errors, 0 warnings in 5 files" in err(checked)
    for path in responses:
        day = archive / path.stem[:4] / path.stem[5:7] / f"{path.stem[8:]}.md"
        expected = without_ai_fields(read_daily_papers(path.read_bytes(), path=path.name))
        assert digestkit.parse_file(day) == expected
    # Again over the archive: only a file whose content changed is rewritten.
    days = sorted(archive.rglob("*.md"))
    edited = days[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace("Vote: ", "Vote: 1"), "utf-8")
    before = {p: p.stat().st_mtime_ns for p in days}
    time.sleep(0.05)
    again = run("convert", HF_API, "--from", "hf-json", "--split", archive)
    assert again.returncode == 0, err(again)
    changed = [p for p in days if p.stat().st_mtime_ns != before[p]]
    assert changed == [edited]
    assert digestkit.parse_file(edited) == without_ai_fields(
        read_daily_papers(responses[0].read_bytes(), path=responses[0].name)
    )


# -- chunked reading ---------------------------------------------------------------------------
@pytest.mark.parametrize("chunk", [1, 7, 64, 4096])
def test_chunked_bytes_read_exactly_like_the_whole_text(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries, multi-byte characters and line:col positions across window boundaries."""
    texts = [DAILY.read_text(encoding="utf-8"), MISSING.read_text(encoding="utf-8")]
    texts.append('\ufeff[ {"paper": {"id": "2501.1", "title": "é\\ud800"}}, 12 ,\n 3.5e1 ]')
    whole = [read_daily_papers(text, path="x.json") for text in texts]
    monkeypatch.setattr(_hf_entries, "CHUNK", chunk)
    for text, expected in zip(texts, whole, strict=True):
        got = read_daily_papers(text.encode("utf-8"), path="x.json")
        assert got == expected
        assert got.diagnostics == expected.diagnostics
    for broken in ('[{"paper": {"id": "1"}},\n  {"paper": }]', '[{"paper": {}}]\n ]', "[1, 2"):
        with pytest.raises(DigestError) as whole_error:
            read_daily_papers(broken)
        with pytest.raises(DigestError) as chunked_error:
            read_daily_papers(broken.encode("utf-8"))
        assert chunked_error.value.diagnostics == whole_error.value.diagnostics
    with pytest.raises(DigestError, match="DK001"):
        read_daily_papers(b'[{"paper": {"id": "1", "title": "' + b"x" * 50 + b'\xff"}}]')


# -- round trips: every URL, and what hf-json cannot hold ----------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/papers/2311.10770",
        "",
        "x",
        "https://arxiv.org/abs/2311.10770v2",
        "https://huggingface.co/papers/2311.10770",
        "http://example.org/a?b=c#d",
        "https://arxiv.org/abs//papers/1",
    ],
)
def test_any_url_reads_back_unchanged(url: str) -> None:
    document = DigestDocument(
        digests=[DailyDigest(date=dt.date(2025, 1, 2), papers=[Paper(title="T", url=url)])]
    )
    back = read_daily_papers(digestkit.dumps(document, "hf-json"))
    assert [p.url for p in back.papers] == [url]
    assert not back.errors


def test_what_hf_json_cannot_hold_is_a_warning_when_writing(tmp_path: Path) -> None:
    labelled = Paper(
        title="T",
        url="https://arxiv.org/abs/2501.00001",
        summary=[SummaryItem(label="A", text="b")],
    )
    document = DigestDocument(digests=[DailyDigest(date=dt.date(2025, 1, 2), papers=[labelled])])
    with pytest.warns(
        digestkit.formats.hf_json.daily_papers.HfJsonLossWarning, match="Label: text"
    ):
        digestkit.dumps(document, "hf-json")
    plain = read_daily_papers(DAILY.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        digestkit.dumps(plain, "hf-json")  # an API day loses nothing
    source = write(tmp_path / "day.md", digestkit.dumps(document, "markdown"))
    result = run("convert", source, "-o", tmp_path / "day.hf.json")
    assert result.returncode == 0
    assert err(result).startswith("digestkit: warning: hf-json: summary bullets become one")


@pytest.mark.parametrize("url", ["https://x.org/a.qt", "https://x.org/b.WEBM?raw=1", "/c.mov"])
def test_a_video_file_other_than_mp4_reads_back_as_the_video(url: str) -> None:
    """`![](x.qt)` is the paper's video (DK122): written as the entry's thumbnail (the reader
    takes only `.mp4` from `mediaUrls`, the generator's rule), it reads back as the video."""
    video = Paper(
        title="T", url="https://arxiv.org/abs/2501.00001", media=Media(kind="video", url=url)
    )
    document = DigestDocument(digests=[DailyDigest(date=dt.date(2025, 1, 2), papers=[video])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is lost
        written = json.loads(digestkit.dumps(document, "hf-json"))
    assert (written[0]["thumbnail"], written[0]["mediaUrls"]) == (url, [url])
    assert read_daily_papers(written).papers[0].media == Media(kind="video", url=url)
    # The generator's thumbnail rule: an API `mediaUrls` `.qt` is not taken as the video.
    item = entry("2501.00002", "2025-01-02T00:00:00Z", upvotes=1, summary="S.")
    item["paper"]["authors"] = [{"name": "A"}]
    item["thumbnail"], item["mediaUrls"] = THUMBS + "2501.00002.png", [url]
    assert read_daily_papers([item]).papers[0].media == Media(kind="image", url=item["thumbnail"])
    # An image whose URL names a video file cannot be told apart from that video: said so.
    picture = video.model_copy(update={"media": Media(kind="image", url=url)})
    document.digests[0].papers = [picture]
    with pytest.warns(
        digestkit.formats.hf_json.daily_papers.HfJsonLossWarning,
        match="reads back as the other kind",
    ):
        digestkit.dumps(document, "hf-json")


# -- near misses -------------------------------------------------------------------------------
def test_entries_that_are_python_reprs_give_one_error_saying_what_to_do(tmp_path: Path) -> None:
    entries = [repr({"paper": {"id": f"2501.0000{n}", "title": "T"}}) for n in range(26)]
    source = write(tmp_path / "dump.json", json.dumps(entries))
    result = run("convert", source, "--to", "md")  # no --from: still found to be API JSON
    assert result.returncode == 1
    (line,) = err(result).splitlines()
    assert "DK519 entries 1-26 (all 26) are strings holding Python dicts" in line
    assert "json.dump" in line
    twice = read_daily_papers(json.dumps([json.dumps({"paper": {"id": "2501.1"}})]))
    assert [d.code for d in twice.diagnostics] == ["DK519"]
    assert "encoded twice" in twice.diagnostics[0].message


def test_an_empty_array_without_from_asks_which_format(tmp_path: Path) -> None:
    source = write(tmp_path / "day.json", "[]\n")
    result = run("convert", source, "--to", "md")
    assert result.returncode == 1
    assert "--from json or --from hf-json" in err(result)
    assert run("convert", source, "--from", "hf-json", "--to", "md").returncode == 0


def test_undated_entries_are_refused_until_a_date_is_given(tmp_path: Path) -> None:
    source = write(tmp_path / "dump.json", json.dumps([entry("2501.00001")]))
    result = run("convert", source, "--to", "md", "-o", tmp_path / "out.md")
    assert result.returncode == 1
    assert "DK512" in err(result) and "--date YYYY-MM-DD" in err(result)
    assert not (tmp_path / "out.md").exists()
    dated = run("convert", source, "--date", "2025-01-02", "-o", tmp_path / "out.md")
    assert dated.returncode == 0, err(dated)
    assert run("validate", tmp_path / "out.md").returncode == 0


@pytest.mark.parametrize("media", ["//[", "http://[x]/", "https://[::1/clip.mp4"])
def test_media_urls_urlsplit_refuses_do_not_crash(media: str, tmp_path: Path) -> None:
    item = entry("2501.00001", "2025-01-02T00:00:00Z", upvotes=1, summary="S.")
    item["paper"]["authors"] = [{"name": "A"}]
    item["thumbnail"], item["mediaUrls"] = media, [media]
    text = json.dumps([item])
    kind = "video" if media.endswith(".mp4") else "image"
    assert read_daily_papers(text, date="2025-01-02").papers[0].media == Media(kind=kind, url=media)
    assert digestkit.loads(text, "hf-json").papers[0].media is not None  # type: ignore[union-attr]
    source = write(tmp_path / "2025-01-02.json", text)
    for command in (
        ["validate", "--from", "hf-json", source],
        ["convert", source, "--to", "md"],
        ["diff", source, source],
    ):
        result = run(*command)
        assert result.returncode == 0, err(result)


def test_lone_surrogates_are_errors_at_their_place_not_tracebacks(tmp_path: Path) -> None:
    text = '[\n  {"paper": {"id": "2501.1", "title": "A \\ud800 B", "upvotes": 1}}\n]'
    document = read_daily_papers(text, date="2025-01-02")
    (found,) = [d for d in document.diagnostics if d.code == "DK516"]
    assert (found.line, found.col) == (2, text.split("\n")[1].index("\\ud800") + 1)
    assert found.is_error
    assert document.papers[0].title == "A \ufffd B"
    source = write(tmp_path / "2025-01-02.json", text)
    result = run("convert", source, "--to", "json")
    assert result.returncode == 1
    assert "DK516" in err(result) and "PYTHONIOENCODING" not in err(result)
    assert "A \ufffd B" in result.stdout.decode("utf-8")
    paired = read_daily_papers(text.replace("\\ud800", "\\ud83d\\ude00"), date="2025-01-02")
    assert paired.papers[0].title == "A \U0001f600 B" and not paired.errors
    for name, bad in (
        ("s.json", '{"digests": [{"date": null, "papers": [{"title": "\\udc00", "url": "u"}]}]}'),
        ("s.jsonl", '{"date": null, "title": "x\\ud800", "url": "u"}\n'),
    ):
        with pytest.raises(DigestError, match="lone surrogate"):
            digestkit.loads(bad, "jsonl" if name.endswith("l") else "json")
        result = run("convert", write(tmp_path / name, bad), "--to", "md")
        assert result.returncode == 1
        assert "lone surrogate" in err(result) and "PYTHONIOENCODING" not in err(result)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("thumbnail", "javascript:alert(1)", "DK222"),
        ("thumbnail", "JaVaScRiPt:alert(1)", "DK222"),
        ("title", "Nice <script>alert(1)</script>", "DK220"),
        ("summary", "See <img src=x onerror=alert(1)>", "DK221"),
        ("summary", "[click](javascript:alert(1))", "DK222"),
        ("url", "data:text/html,<b>", "DK222"),
    ],
)
def test_the_markdown_readers_active_content_checks_apply(
    field: str, value: str, code: str
) -> None:
    item = entry("2501.00001", upvotes=1, summary="S.", authors=[{"name": "A"}])
    item["thumbnail"] = THUMBS + "2501.00001.png"
    if field in ("thumbnail", "url"):
        item[field] = value
    else:
        item["paper"][field] = value
    document = read_daily_papers([item], date="2025-01-02")
    assert code in [d.code for d in document.errors], document.diagnostics
