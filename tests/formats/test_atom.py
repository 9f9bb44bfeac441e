"""The Atom writer read by feedparser (what feed readers build on) with no bozo flag, parsed as
XML by lxml, with the HTML tests' hostile input inert in its content; and the `--split` site's
feed.xml linked from every page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree

import digestkit
from digestkit import DailyDigest, DigestDocument, FormatError, Paper, SummaryItem
from digestkit.formats.atom import Feed

from ..cli.test_cli import COMMAND, EXAMPLE
from .test_html import HOSTILE_TITLE, assert_inert, hostile_document, string, xpath
from .test_output_safety import HOSTILE_TITLES

ATOM = "{http://www.w3.org/2005/Atom}"
# RFC 4151: tag:authority,date:specific, specific = *( pchar / "/" / "?" )
TAG_URI = re.compile(
    r"tag:[a-z0-9.-]+,\d{4}(?:-\d\d(?:-\d\d)?)?:(?:[\w\-.~!$&'()*+,;=:@/?]|%[0-9A-F]{2})*"
)
Corpus = dict[Path, DigestDocument]


def read(text: str) -> Any:
    """The feed as feedparser reads it, HTML content unsanitised (the test checks it itself)."""
    parsed = feedparser.parse(text.encode("utf-8"), sanitize_html=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def xml(text: str) -> etree._Element:
    """The feed as lxml's XML parser reads it: well-formed, or the test fails."""
    return etree.fromstring(text.encode("utf-8"), etree.XMLParser(recover=False))


def content_html(entry: Any) -> etree._Element:
    (content,) = entry.content
    assert content.type == "text/html"
    parser = etree.HTMLParser(recover=False)
    root = etree.fromstring(f"<html><body>{content.value}</body></html>".encode(), parser)
    assert not parser.error_log, [str(error) for error in parser.error_log][:5]
    return root


def day(date: dt.date, *papers: Paper) -> DigestDocument:
    return DigestDocument(digests=[DailyDigest(date=date, papers=list(papers))])


def paper(number: int, **fields: Any) -> Paper:
    return Paper(
        **{"title": f"Paper {number}", "url": f"https://arxiv.org/abs/2401.{number:05d}", **fields}
    )


# -- the feed ----------------------------------------------------------------------------------
def test_example_feed_reads_back_with_every_field() -> None:
    doc = digestkit.parse_file(EXAMPLE)
    text = digestkit.dumps(doc, "atom")
    xml(text)
    parsed = read(text)
    assert parsed.feed.id == "tag:digestkit,2024:daily-papers"
    assert parsed.feed.updated == "2024-10-21T00:00:00Z"
    assert len(parsed.entries) == len(doc.papers) == 2
    for entry, model in zip(parsed.entries, doc.papers, strict=True):
        assert TAG_URI.fullmatch(entry.id), entry.id
        assert entry.id == f"tag:digestkit,2024:2024-10-21/arxiv:{model.arxiv_id}"
        assert entry.title == model.title and entry.title_detail.type == "text/plain"
        assert entry.link == model.url
        assert [author.name for author in entry.authors] == model.authors
        assert entry.updated_parsed[:3] == entry.published_parsed[:3] == (2024, 10, 21)
        assert model.media is not None
        assert [e.href for e in entry.enclosures] == [model.media.url]
        root = content_html(entry)
        assert_inert(root)
        assert string(root, "//h3") == model.title
        items = [string(li, ".") for li in xpath(root, "//ul[@class='summary']/li")]
        assert len(items) == len(model.summary)
        for shown, item in zip(items, model.summary, strict=True):
            if "\n" not in item.text:  # (a continuation line renders as Markdown)
                assert shown == (f"{item.label}: {item.text}" if item.label else item.text)
        assert xpath(root, "//img | //video") == []  # the content loads nothing
    enclosures = [(e.type, e.href.rsplit(".", 1)[1]) for x in parsed.entries for e in x.enclosures]
    assert enclosures == [("image/png", "png"), ("video/mp4", "mp4")]


def test_ids_are_stable_and_unique() -> None:
    twice = paper(1)
    docs = [day(dt.date(2024, 1, 3), twice, twice, paper(2)), day(dt.date(2024, 1, 2), twice)]
    first, second = (read(digestkit.dumps(docs, "atom")) for _ in range(2))
    ids = [entry.id for entry in first.entries]
    assert ids == [entry.id for entry in second.entries]
    assert ids == [
        "tag:digestkit,2024:2024-01-03/arxiv:2401.00001",
        "tag:digestkit,2024:2024-01-03/arxiv:2401.00001-2",  # listed twice that day
        "tag:digestkit,2024:2024-01-03/arxiv:2401.00002",
        "tag:digestkit,2024:2024-01-02/arxiv:2401.00001",  # and again the day before
    ]
    other = Paper(title="Elsewhere", url="https://example.org/a<b>?x=1#frag")
    (entry,) = read(digestkit.dumps(day(dt.date(2024, 1, 2), other), "atom")).entries
    assert entry.id == "tag:digestkit,2024:2024-01-02/url:https://example.org/a%3Cb%3E?x=1%23frag"
    assert TAG_URI.fullmatch(entry.id)


def test_newest_days_first_and_limit() -> None:
    docs = [day(dt.date(2024, 1, d), paper(d)) for d in (2, 5, 3, 4, 1)]
    parsed = read(digestkit.dumps(docs, "atom"))
    assert [e.title for e in parsed.entries] == [
        "Paper 5",
        "Paper 4",
        "Paper 3",
        "Paper 2",
        "Paper 1",
    ]
    limited = read(digestkit.dumps(docs, "atom", limit=2))
    assert [e.title for e in limited.entries] == ["Paper 5", "Paper 4"]
    assert limited.feed.updated == "2024-01-05T00:00:00Z"


def test_one_entry_per_day() -> None:
    docs = [day(dt.date(2024, 1, 2), paper(1), paper(2)), day(dt.date(2024, 1, 3), paper(3))]
    parsed = read(digestkit.dumps(docs, "atom", entry="day"))
    assert [(e.id, e.title) for e in parsed.entries] == [
        ("tag:digestkit,2024:2024-01-03", "Daily Papers 2024-01-03 (1 paper)"),
        ("tag:digestkit,2024:2024-01-02", "Daily Papers 2024-01-02 (2 papers)"),
    ]
    root = content_html(parsed.entries[1])
    assert [string(h3, ".") for h3 in xpath(root, "//h3")] == ["Paper 1", "Paper 2"]


def test_undated_papers_are_left_out_and_an_empty_feed_is_valid() -> None:
    undated = DigestDocument(digests=[DailyDigest(date=None, papers=[paper(1)])])
    parsed = read(digestkit.dumps(undated, "atom"))
    assert parsed.entries == [] and parsed.feed.updated == "1970-01-01T00:00:00Z"
    assert read(digestkit.dumps([], "atom")).entries == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"entry": "week"}, "atom entry='week'; choose one of: paper, day"),
        ({"limit": 0}, "atom limit=0; expected a positive whole number of days"),
        ({"limit": True}, "atom limit=True"),
        ({"media": False}, "the atom format takes no option 'media'"),
    ],
)
def test_bad_options_raise_format_error(options: dict[str, object], message: str) -> None:
    with pytest.raises(FormatError, match=re.escape(message)):
        digestkit.dumps([], "atom", **options)


# -- hostile input -----------------------------------------------------------------------------
@pytest.mark.parametrize("title", [*HOSTILE_TITLES, HOSTILE_TITLE])
def test_hostile_titles_stay_text(title: str) -> None:
    hostile = paper(1, title=title, authors=[title.replace("\\", "") or "x"])
    text = digestkit.dumps(day(dt.date(2024, 1, 2), hostile), "atom")
    xml(text)
    (entry,) = read(text).entries
    assert entry.title == title
    assert [author.name for author in entry.authors] == hostile.authors
    root = content_html(entry)
    assert_inert(root)
    assert string(root, "//h3") == title


@pytest.mark.parametrize("kind", ["paper", "day"])
def test_hostile_document_is_inert(kind: str) -> None:
    document = hostile_document()
    for digest in document.digests:
        digest.date = dt.date(2024, 1, 2)
    text = digestkit.dumps(document, "atom", entry=kind)
    root = xml(text)
    assert "<script" not in text.lower()
    parsed = read(text)
    for entry in parsed.entries:
        assert_inert(content_html(entry))
        assert all(e.href.startswith("https://") for e in entry.get("enclosures", []))
        assert "javascript" not in entry.id
    links = [str(link.get("href")) for link in root.iter(f"{ATOM}link")]
    assert links and all(href.startswith("https://") for href in links)  # no javascript: links
    if kind == "paper":
        assert [e.title for e in parsed.entries] == [HOSTILE_TITLE, "V"]
        # A javascript: paper URL is no link (feedparser falls back to the tag: id).
        assert parsed.entries[0].link == "tag:digestkit,2024:2024-01-02/paper"


def test_control_characters_keep_the_feed_well_formed() -> None:
    title = "form\x0cfeed, nul\x00 and esc\x1b"
    summary = [SummaryItem(text="`code \x0c with a form feed`")]
    text = digestkit.dumps(day(dt.date(2024, 1, 2), paper(1, title=title, summary=summary)), "atom")
    xml(text)
    (entry,) = read(text).entries
    assert entry.title == "form\u240cfeed, nul\u2400 and esc\u241b"


# -- the site ----------------------------------------------------------------------------------
def test_split_site_writes_a_feed_every_page_links(tmp_path: Path) -> None:
    import subprocess

    (tmp_path / "in" / "2024" / "10").mkdir(parents=True)
    (tmp_path / "in" / "2024" / "10" / "21.md").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "in" / "2024" / "10" / "22.md").write_bytes(
        EXAMPLE.read_bytes().replace(b"2024-10-21", b"2024-10-22")
    )
    result = subprocess.run(
        [*COMMAND, "convert", "in", "--to", "html", "--split", "site"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    text = (site / "feed.xml").read_text(encoding="utf-8")
    parsed = read(text)
    assert [e.id.split(":", 2)[2].split("/")[0] for e in parsed.entries] == ["2024-10-22"] * 2 + [
        "2024-10-21"
    ] * 2
    assert parsed.feed.link == "index.html"
    for page in ("index.html", "2024/10/21.html", "2024/10/22.html"):
        root = etree.fromstring((site / page).read_bytes(), etree.HTMLParser())
        (href,) = xpath(root, "//head/link[@rel='alternate'][@type='application/atom+xml']/@href")
        assert (site / page).parent.joinpath(href).resolve() == (site / "feed.xml").resolve()


def test_site_feed_keeps_the_newest_days() -> None:
    from digestkit.formats import html

    feed = html.site_feed()
    assert isinstance(feed, Feed) and feed.limit == html.SITE_FEED_DAYS == 30
    start = dt.date(2024, 1, 1)
    feed.add(day(start + dt.timedelta(days=n), paper(n + 1)) for n in range(40))
    import io

    out = io.StringIO()
    feed.write(out)
    titles = [e.title for e in read(out.getvalue()).entries]
    assert titles == [f"Paper {n}" for n in range(40, 10, -1)]


# -- the corpus --------------------------------------------------------------------------------
@pytest.mark.heavy
@pytest.mark.corpus
def test_feedparser_reads_every_corpus_paper_as_written(corpus_documents: Corpus) -> None:
    text = digestkit.dumps(corpus_documents.values(), "atom")
    xml(text)
    parsed = read(text)
    by_day: dict[str, list[Paper]] = {}
    for document in corpus_documents.values():
        for digest in document.digests:
            assert digest.date is not None
            by_day.setdefault(digest.date.isoformat(), []).extend(digest.papers)
    papers = [p for date in sorted(by_day, reverse=True) for p in by_day[date]]
    assert len(parsed.entries) == len(papers) == 5488
    assert len({entry.id for entry in parsed.entries}) == len(papers)
    for entry, model in zip(parsed.entries, papers, strict=True):
        assert entry.title == model.title
        assert [author.name for author in entry.get("authors", [])] == model.authors
        assert entry.link == model.url


def test_cli_feed_options() -> None:
    from ..cli.test_cli import run

    result = run("convert", EXAMPLE, "--to", "atom", "--atom-entry", "day", "--limit", "1")
    assert result.returncode == 0, result.stderr
    (entry,) = read(result.stdout.decode("utf-8")).entries
    assert entry.id == "tag:digestkit,2024:2024-10-21"
    refused = run("convert", EXAMPLE, "--to", "csv", "--limit", "2")
    assert refused.returncode == 2
    assert b"--limit applies to atom output, not csv" in refused.stderr
    zero = run("convert", EXAMPLE, "--to", "atom", "--limit", "0")
    assert zero.returncode == 2 and b"expected a positive integer, got '0'" in zero.stderr
