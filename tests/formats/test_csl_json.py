"""CSL-JSON checked by the CSL schema and read by two real CSL processors: Debian's pandoc
(`--citeproc`, and its CSL-JSON reader) and citeproc-py. A test style (tests/data/fields.csl)
prints each field as the data holds it, so what the processors show is the data's meaning, not
a style's case changes."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON

import digestkit
from digestkit import DailyDigest, DigestDocument, FormatError, Paper, SummaryItem

from ..conftest import ROOT

DATA = Path(__file__).resolve().parent.parent / "data"
SCHEMA = json.loads((DATA / "csl-data.schema.json").read_text(encoding="utf-8"))
STYLE = DATA / "fields.csl"
EXAMPLE = ROOT / "src" / "digestkit" / "examples" / "daily-papers.md"
Corpus = dict[Path, DigestDocument]

NAMES = [
    "Ada Lovelace",  # given family
    "Vincent Y. F. Tan",  # initials stay with the given name
    "Diego de las Casas",  # a particle: whole
    "Gemini Team",  # an organisation: whole
    "Hal Daumé III",  # a suffix: whole
    "Jürgen Müller",
    "Chen, Wei",  # written family-first: whole
    "DeepSeek-AI",
]


def tricky() -> DigestDocument:
    papers = [
        Paper(
            title="Q&A for <think> Tokens: R&D at 3% & $\\alpha$-Scale",
            url="https://arxiv.org/abs/2401.00001",
            authors=NAMES,
            summary=[SummaryItem(label="What's New", text="Text & more.")],
        ),
        Paper(title="No arXiv Here", url="https://example.org/paper", authors=["Ana Ruiz"]),
        Paper(title="Old Style", url="https://arxiv.org/abs/hep-th/9901001v2"),
    ]
    return DigestDocument(digests=[DailyDigest(date=dt.date(2024, 1, 2), papers=papers)])


def pandoc() -> str:
    path = shutil.which("pandoc")
    if path is None:
        message = "no pandoc (Debian: pandoc)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_pandoc(*args: str, cwd: Path) -> str:
    result = subprocess.run([pandoc(), *args], cwd=cwd, capture_output=True, text=True, check=True)
    assert result.stderr == ""
    return result.stdout


def cite(tmp_path: Path, csl_json: str, markdown: str, *options: str) -> str:
    """`markdown` rendered to plain text by pandoc's citeproc with `csl_json` as bibliography."""
    (tmp_path / "refs.json").write_text(csl_json, encoding="utf-8")
    (tmp_path / "doc.md").write_text(markdown, encoding="utf-8")
    citeproc = ("--citeproc", "--bibliography=refs.json", "-t", "plain", "--wrap=none")
    return run_pandoc("doc.md", *citeproc, *options, cwd=tmp_path)


def render_pandoc(csl_json: str, tmp_path: Path) -> list[str]:
    """The bibliography pandoc's citeproc prints for every item, one line per entry."""
    text = cite(tmp_path, csl_json, '---\nnocite: "@*"\n---\n', f"--csl={STYLE}")
    return [line for line in text.splitlines() if line]


def render_citeproc_py(csl_json: str) -> list[str]:
    items = json.loads(csl_json)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an unsupported field would be a warning
        source = CiteProcJSON(items)
    style = CitationStylesStyle(str(STYLE), validate=False)
    bibliography = CitationStylesBibliography(style, source, citeproc_formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def expected_line(paper: Paper, date: dt.date) -> str:
    """What the fields style prints for a paper, built from the model alone."""
    parts = ["; ".join(paper.authors)] if paper.authors else []
    parts.append(paper.title)
    match = re.match(r"(?:.*/)?(\d\d)(\d\d)", paper.arxiv_id or "")
    if match:
        yy = int(match.group(1))
        parts.append(f"{1900 + yy if yy >= 91 else 2000 + yy}-{match.group(2)}")
    else:
        parts.append(f"{date:%Y-%m}")
    parts.append(date.isoformat())
    if paper.arxiv_id:
        parts += ["arXiv", f"arXiv:{paper.arxiv_id}"]
    parts.append(paper.url)
    return " | ".join(parts)


def validate(csl_json: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(csl_json)
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.Draft7Validator(SCHEMA).validate(items)
    return items


# -- the items -------------------------------------------------------------------------------
def test_items_follow_zoteros_arxiv_preprint_shape() -> None:
    (first, other, old) = validate(digestkit.dumps(tricky(), "csl-json"))
    assert first["type"] == "article"
    assert (first["publisher"], first["number"]) == ("arXiv", "arXiv:2401.00001")
    assert first["issued"] == {"date-parts": [[2024, 1]]}  # the arXiv id's month
    assert first["accessed"] == {"date-parts": [[2024, 1, 2]]}  # the digest date
    assert first["author"][:3] == [
        {"family": "Lovelace", "given": "Ada"},
        {"family": "Tan", "given": "Vincent Y. F."},
        {"literal": "Diego de las Casas"},
    ]
    assert [name.get("literal") for name in first["author"][3:]] == NAMES[3:4] + NAMES[4:5] + [
        None,
        "Chen, Wei",
        "DeepSeek-AI",
    ]
    assert "abstract" not in first
    assert "publisher" not in other and "number" not in other
    assert other["issued"] == {"date-parts": [[2024, 1, 2]]}  # no arXiv id: the digest date
    assert old["issued"] == {"date-parts": [[1999, 1]]} and old["number"] == "arXiv:hep-th/9901001"
    assert "author" not in old


def test_abstract_is_the_summary_when_asked() -> None:
    items = validate(digestkit.dumps(tricky(), "csl-json", abstract=True))
    assert items[0]["abstract"] == "What's New: Text & more."
    assert "abstract" not in items[1]  # no summary, no abstract


def test_ids_are_the_bibtex_keys() -> None:
    doc = digestkit.parse_file(EXAMPLE)
    items = validate(digestkit.dumps(doc, "csl-json"))
    keys = re.findall(r"^@misc\{([^,]+),", digestkit.dumps(doc, "bibtex"), re.MULTILINE)
    assert [item["id"] for item in items] == keys == ["lovelace2024toy", "muller2024video"]


def test_no_papers_is_an_empty_array() -> None:
    assert digestkit.dumps([], "csl-json") == "[]\n"
    assert validate(digestkit.dumps(DigestDocument(), "csl-json")) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"indent": 2}, "takes no option 'indent'"),
        ({"abstract": "yes"}, "abstract='yes'; expected True or False"),
    ],
)
def test_bad_options_raise_format_error(options: dict[str, object], message: str) -> None:
    with pytest.raises(FormatError, match=re.escape(message)):
        digestkit.dumps(tricky(), "csl-json", **options)


# -- the processors ----------------------------------------------------------------------------
def test_pandoc_citeproc_prints_names_titles_and_dates_as_written(tmp_path: Path) -> None:
    doc = tricky()
    lines = render_pandoc(digestkit.dumps(doc, "csl-json"), tmp_path)
    date = dt.date(2024, 1, 2)
    # pandoc sorts the bibliography (no style sort: by citation order, which nocite leaves to it)
    assert sorted(lines) == sorted(expected_line(p, date) for p in doc.papers)


def test_citeproc_py_prints_names_titles_and_dates_as_written() -> None:
    doc = tricky()
    lines = render_citeproc_py(digestkit.dumps(doc, "csl-json"))
    assert lines == [expected_line(p, dt.date(2024, 1, 2)) for p in doc.papers]


def test_pandoc_default_style_renders_the_example(tmp_path: Path) -> None:
    """Chicago author-date, pandoc's default: a real style formats the entries without error."""
    csl_json = digestkit.dumps(digestkit.parse_file(EXAMPLE), "csl-json")
    text = cite(tmp_path, csl_json, "See [@lovelace2024toy; @muller2024video].\n")
    assert "(Lovelace, Turing, and Hopper 2024; Müller and Chen, Wei 2024)" in text
    entry = "“Video Papers Still Exist (and So Do Missing Votes).” arXiv."
    assert f"{entry} https://arxiv.org/abs/2410.00002." in text


# -- the corpus --------------------------------------------------------------------------------
# pandoc reads CSL text as "rich text": straight quotes become typographic ones (its documented
# smart quotes, and `'...'` may come back as double quotes), in titles and names alike. The
# comparison folds every quote character into one.
_QUOTES = str.maketrans(dict.fromkeys('"\u201c\u201d\u2018\u2019', "'"))


def _names(item: dict[str, Any]) -> list[str]:
    return [
        name["literal"] if "literal" in name else f"{name['given']} {name['family']}"
        for name in item.get("author", [])
    ]


@pytest.fixture(scope="module")
def corpus_csl(corpus_documents: Corpus) -> str:
    return digestkit.dumps(corpus_documents.values(), "csl-json")


@pytest.mark.heavy
@pytest.mark.corpus
def test_corpus_validates_and_pandoc_reads_every_paper_back(
    corpus_csl: str, corpus_documents: Corpus, tmp_path: Path
) -> None:
    items = validate(corpus_csl)
    papers = [p for document in corpus_documents.values() for p in document.papers]
    assert len(items) == len(papers) == 5488
    assert len({item["id"] for item in items}) == len(items)
    (tmp_path / "refs.json").write_text(corpus_csl, encoding="utf-8")
    back_json = run_pandoc("refs.json", "-f", "csljson", "-t", "csljson", cwd=tmp_path)
    read = {item["id"]: item for item in json.loads(back_json)}
    assert len(read) == len(papers)
    refolded = 0
    for item, paper in zip(items, papers, strict=True):
        back = read[item["id"]]
        assert back["URL"] == paper.url
        assert back["title"].translate(_QUOTES) == paper.title.translate(_QUOTES)
        assert [n.translate(_QUOTES) for n in _names(back)] == [
            n.translate(_QUOTES) for n in paper.authors
        ]
        refolded += back["title"] != paper.title
    assert refolded < 100  # only the titles with quote characters (87 in the corpus)


@pytest.mark.corpus
def test_citeproc_py_reads_every_corpus_paper(corpus_csl: str, corpus_documents: Corpus) -> None:
    items = json.loads(corpus_csl)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        source = CiteProcJSON(items)
    papers = [p for document in corpus_documents.values() for p in document.papers]
    assert len(source) == len(papers) == 5488
    for item, paper in zip(items, papers, strict=True):
        reference = source[item["id"].lower()]
        assert str(reference.title) == paper.title
        assert str(reference.URL) == paper.url
        shown = [
            str(name.get("literal", f"{name.get('given')} {name.get('family')}"))
            for name in reference.get("author", [])
        ]
        assert shown == paper.authors
