"""The writers' shortcuts give exactly what the general code they stand in for gives.

The CSV writer quotes cells itself instead of through the csv module; the HTML writer checks and
escapes a summary of plain items in one call. Each is compared here with the code it replaced,
on generated text that is dense in the characters the shortcut decides on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

import digestkit
from digestkit import DailyDigest, DigestDocument, Paper, SummaryItem
from digestkit.formats import csv_format

from .. import strategies

# Text dense in what decides quoting, escaping and Markdown: delimiters, quotes, line breaks,
# controls, markup, digits, noncharacters and spaces.
_SPECIAL = (
    ' ",\r\n\t\x00\x0b\x0c\x1f\x7f\x85\u2028\ufeff\ufffe\uffff' + "&<>'#*_`~[]!\\|=+-@.)0123456789"
)
dense_text = st.text(
    alphabet=st.sampled_from(_SPECIAL) | st.characters(codec="utf-8", categories=["L", "N"]),
    max_size=30,
)


@strategies.PROFILE
@given(st.lists(dense_text, min_size=2, max_size=9))
def test_csv_cells_are_quoted_as_the_csv_module_quotes_them(cells: list[str]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    assert csv_format.line(cells) == out.getvalue()


@strategies.PROFILE
@given(st.lists(dense_text, min_size=1, max_size=6))
def test_a_summary_escaped_at_once_is_each_item_escaped(texts: list[str]) -> None:
    """`escape_plain_lines` is used only when every item is plain, and then gives what the
    per-item path gives."""
    from digestkit.formats._html_text import escape, escape_plain_lines, is_plain

    lines = escape_plain_lines(texts, "\n".join(texts))
    if lines is not None:
        assert all(is_plain(text) for text in texts)
        assert lines == [escape(text) for text in texts]
    elif all(is_plain(text) for text in texts):
        assert any(c in text for text in texts for c in "\ufffe\uffff")


def test_digits_open_a_list_only_before_a_dot_or_parenthesis() -> None:
    """`3D`, `2024년` and `10x` are plain; `3. x` and `1) x` are lists, left to mistune."""
    from digestkit.formats._html_text import is_plain, summary_markdown
    from digestkit.formats.html import _unwrap_paragraph

    markdown = summary_markdown()
    for text in ("3D scenes", "2024년 모델", "10x faster", "7", "12 3. b"):
        assert is_plain(text)
        assert _unwrap_paragraph(markdown(text)) == text
    for text in ("3. x", "1) x", "12.5 points", "3.", "42)"):
        assert not is_plain(text)


def test_html_summary_of_mixed_items_matches_item_by_item() -> None:
    """A summary with one item that needs mistune renders every item on its own path."""
    items = [SummaryItem(label="A", text="3D <b>"), SummaryItem(text="**bold** & more")]
    paper = Paper(title="T", url="https://arxiv.org/abs/2401.00001", summary=items)
    page = digestkit.dumps(DigestDocument(digests=[DailyDigest(date=None, papers=[paper])]), "html")
    assert '<li><span class="label">A</span>: 3D &lt;b&gt;</li>' in page
    assert "<li><strong>bold</strong> &amp; more</li>" in page


@strategies.PROFILE
@given(st.lists(dense_text, max_size=5))
def test_hf_json_loss_checks_agree_with_their_long_forms(texts: list[str]) -> None:
    """The hf-json writer's loss checks, each against the plain test it stands in for."""
    from digestkit.formats.hf_json.daily_papers import (
        _all_tidy,
        _is_tidy,
        _may_read_back_escaped,
        _reads_back_escaped,
    )
    from digestkit.markdown.escaping import escape_block, unescape_block

    for text in texts:
        assert _reads_back_escaped(text) == (escape_block(unescape_block(text)) != text)
    if not _may_read_back_escaped("\n".join(texts)):
        assert not any(escape_block(unescape_block(text)) != text for text in texts)
    if _is_tidy("\n".join(texts), lines=True):
        assert all(_is_tidy(t, lines=True) for t in texts)
    assert _all_tidy(texts) == all(map(_is_tidy, texts))


_URL_PIECES = st.sampled_from(
    ["https://", "h", "x", "/", ".", "mp4", "MP4", "Qt", "webm", "?", "#", " ", "\t", "\u212a", ":"]
)


@strategies.PROFILE
@given(st.lists(_URL_PIECES, max_size=8).map("".join))
def test_video_file_names_agree_with_the_url_parse(url: str) -> None:
    from digestkit.formats.hf_json.daily_papers import _names_video_file, names_video_file

    assert _names_video_file(url) == names_video_file(url)


_PATH_PIECES = st.sampled_from(
    ["/", "a", ".", "png", "PNG", "mp4", "tar", "gz", "tgz", "svgz", ":", "data", "x", "Qt"]
)


@strategies.PROFILE
@given(st.lists(_PATH_PIECES, max_size=8).map("".join))
def test_atom_media_types_are_what_mimetypes_guesses(path: str) -> None:
    import mimetypes

    from digestkit.formats.atom import _media_type

    assert _media_type(path) == mimetypes.guess_type(path)[0]


@strategies.PROFILE
@given(st.lists(dense_text, min_size=1, max_size=5))
def test_a_comma_in_a_name_shows_in_the_joined_line(names: list[str]) -> None:
    """The canonical Markdown writer counts `, ` in the joined authors line instead of testing
    each name."""
    assert (", ".join(names).count(", ") >= len(names)) == any(", " in name for name in names)


_WEB_PIECES = st.sampled_from(
    ["https://", "http://", "HTTP://", "h", "x.org", "/", "?", "#", ":", "[", "]", " ", "é", "."]
)


@strategies.PROFILE
@given(st.lists(_WEB_PIECES, max_size=8).map("".join))
def test_atom_url_paths_are_what_urlsplit_reads(url: str) -> None:
    from urllib.parse import urlsplit

    from digestkit.formats.atom import _url_path

    try:
        expected = urlsplit(url).path
    except ValueError:
        with pytest.raises(ValueError):
            _url_path(url)
    else:
        assert _url_path(url) == expected


@pytest.mark.corpus
def test_every_corpus_summary_escaped_at_once_is_each_item_escaped(
    corpus_documents: dict[object, DigestDocument],
) -> None:
    """`escape_plain_lines` takes a summary only when every item is plain, and then gives
    each item's escape; on the corpus it takes nearly all of them."""
    from digestkit.formats._html_text import escape, escape_plain_lines, is_plain

    taken = 0
    for document in corpus_documents.values():
        for paper in document.papers:
            texts = [item.text for item in paper.summary]
            lines = escape_plain_lines(texts, "\n".join(texts))
            if lines is None:
                continue
            taken += 1
            assert all(is_plain(text) for text in texts)
            assert lines == [escape(text) for text in texts]
    assert taken > 0.9 * sum(len(document.papers) for document in corpus_documents.values())


_REFERENCE_TEXT = st.lists(
    st.sampled_from(["&#12;", "&#x0C;", "&#xD800;", "&amp;", "\x0c", "\ud800", "a", "`", " ", "*"]),
    min_size=1,
    max_size=6,
).map("".join)


@strategies.PROFILE
@given(strategies.papers(), st.lists(_REFERENCE_TEXT, max_size=3))
def test_printable_papers_give_html_without_form_feeds_or_surrogates(
    paper: Paper, texts: list[str]
) -> None:
    """The Atom writer skips its form-feed and surrogate scan of a paper's HTML when
    `_printable` says the paper's texts cannot put one there (character references too)."""
    from digestkit.formats._html_text import summary_markdown
    from digestkit.formats.atom import _NOT_XML, _printable
    from digestkit.formats.html import paper_html

    items = [SummaryItem(text=text) for text in texts]
    paper = paper.model_copy(update={"summary": [*paper.summary, *items]})
    markup = paper_html(
        paper, "p", media=False, markdown=summary_markdown(), arxiv_id=paper.arxiv_id
    )
    if _printable([paper]):
        assert _NOT_XML.search(markup) is None


@strategies.PROFILE
@given(st.lists(dense_text, max_size=6))
def test_atom_authors_at_once_are_each_name_escaped(names: list[str]) -> None:
    from digestkit.formats.atom import _authors, xml_text

    expected = "".join(f"<author><name>{xml_text(name)}</name></author>\n" for name in names)
    assert _authors(names) == expected


@strategies.PROFILE
@given(st.lists(_PATH_PIECES | st.sampled_from(["..", "./", "é", ""]), max_size=8).map("".join))
def test_atom_extensions_are_what_splitext_reads(path: str) -> None:
    import posixpath

    from digestkit.formats.atom import _extension

    assert _extension(path) == posixpath.splitext(path)[1]


_TAG_PIECES = st.sampled_from(["arxiv:", "url:", "https://x.org/", "%", " ", "é", "\U0001d73d"])


@strategies.PROFILE
@given(st.lists(_TAG_PIECES | dense_text, max_size=6).map("".join))
def test_atom_ids_left_as_they_are_are_what_quote_leaves(base: str) -> None:
    """`_TAG_PLAIN` says which entry ids `quote` would give back unchanged."""
    from urllib.parse import quote

    from digestkit.formats.atom import _TAG_PLAIN, _TAG_SAFE

    if _TAG_PLAIN.fullmatch(base):
        assert quote(base, safe=_TAG_SAFE) == base


# Surrogates, bidi controls, an astral letter and a form feed besides `_SPECIAL`.
_AWKWARD_CHARACTERS = st.sampled_from(
    _SPECIAL + "\ud800\udfff\u202e\u200f\U0001d73d\x0c"
) | st.characters(categories=["L", "N", "Cs", "Cf", "Zs"])
_AWKWARD = st.text(alphabet=_AWKWARD_CHARACTERS, max_size=30)


@strategies.PROFILE
@given(_AWKWARD)
def test_atom_xml_text_is_the_escape_with_xml_refused_characters_replaced(value: str) -> None:
    from digestkit.formats._html_text import escape
    from digestkit.formats.atom import _NOT_XML, _not_xml, xml_text

    assert xml_text(value) == _NOT_XML.sub(_not_xml, escape(value))


_HANGUL_TEXT = st.text(
    alphabet=st.sampled_from("가힣한국 aZ1.\n\ua000\ud7a3\ud800é\U0001d73d") | _AWKWARD_CHARACTERS,
    max_size=40,
)


@strategies.PROFILE
@given(st.lists(_HANGUL_TEXT, max_size=3))
def test_language_shortcut_agrees_with_the_letter_count(texts: list[str]) -> None:
    """`language_of` decides `ko` from the share of Hangul among all characters when that is
    enough; the full count of Hangul and ASCII letters gives the same answer."""
    import string

    from digestkit.formats._html_lang import KOREAN_SHARE, language_of

    data = "".join(texts).encode("utf-8", "surrogatepass")
    hangul = sum(0xEA <= byte <= 0xED for byte in data)
    letters = hangul + sum(chr(byte) in string.ascii_letters for byte in data)
    expected = None if not letters else "ko" if hangul >= KOREAN_SHARE * letters else "en"
    assert language_of(texts) == expected


@strategies.PROFILE
@given(st.lists(dense_text | st.sampled_from(["Chen, Wei", ",", ", "]), max_size=5))
def test_html_authors_separator_agrees_with_a_comma_in_any_name(names: list[str]) -> None:
    """The HTML writer counts the commas of the joined names instead of testing each name."""
    from digestkit.formats.html import paper_html

    # One line each, no surrounding whitespace, not `+` (`AuthorName`)
    valid = [" ".join(name.split()).strip("+") or "A" for name in names]
    paper = Paper(title="T", url="https://x.org/", authors=valid)
    separator = "; " if any("," in name for name in paper.authors) else ", "
    expected = separator.join(paper.authors)
    markup = paper_html(
        paper, "p", media=False, markdown=lambda text: text, arxiv_id=paper.arxiv_id
    )
    if paper.authors:
        assert f'<p class="authors">{_escape(expected)}</p>' in markup


def _escape(text: str) -> str:
    from digestkit.formats._html_text import escape

    return escape(text)


@strategies.PROFILE
@given(st.lists(st.tuples(st.sampled_from(["TI", "AU", "AB"]), _AWKWARD), max_size=6))
def test_ris_lines_at_once_are_each_value_cleaned(fields: list[tuple[str, str]]) -> None:
    """The RIS writer writes a record's values as they are when one test says each is its own
    `value`; the line-by-line path gives the same lines."""
    from digestkit.formats.ris import _lines, value

    assert _lines(fields) == "".join(f"{tag}  - {value(text)}\r\n" for tag, text in fields)


@strategies.PROFILE
@given(st.dates())
def test_ris_days_are_what_strftime_writes(date: dt.date) -> None:
    from digestkit.formats.ris import _day

    assert _day(date) == f"{date:%Y/%m/%d}/"


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | _AWKWARD,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_AWKWARD, inner, max_size=3),
    max_leaves=12,
)


@strategies.PROFILE
@given(st.dictionaries(_AWKWARD, _JSON_VALUES, max_size=5))
def test_csl_items_encode_as_json_dumps_does(fields: dict[str, object]) -> None:
    """The CSL-JSON writer's encoder, built once, writes what `json.dumps` writes (with every
    character as it is, but a lone surrogate escaped)."""
    import json
    import re

    from digestkit.formats.csl_json import _json

    text = json.dumps(fields, ensure_ascii=False)
    expected = json.dumps(fields) if re.search("[\ud800-\udfff]", text) else text
    assert _json(fields) == expected


_LINES_TEXT = st.lists(
    st.sampled_from(["\n", " ", "  ", "\n\n", "#", "1.", "12)", "-", "a", "\t", "\u2028"])
    | _AWKWARD,
    max_size=8,
).map("".join)


@strategies.PROFILE
@given(_LINES_TEXT)
def test_hf_json_line_checks_agree_with_their_regex_forms(text: str) -> None:
    """`_may_read_back_escaped` finds line starts after line feeds instead of with a multiline
    `^`; `_is_tidy` searches line feeds as spaces for a double space instead of four searches."""
    import re

    from digestkit.formats.hf_json.daily_papers import (
        _ESCAPED_BY_BLOCK,
        _is_tidy,
        _may_read_back_escaped,
    )

    line_start = re.compile(r"^(?:[#>+=\-]|[0-9]{1,9}[.)])", re.MULTILINE)
    expected = bool(_ESCAPED_BY_BLOCK.search(text) or line_start.search(text))
    assert _may_read_back_escaped(text) == expected
    for lines in (False, True):
        flat = text.replace("\n", "") if lines else text
        long_form = (
            flat.isprintable()
            and "  " not in text
            and text[:1] not in (" ", "\n")
            and text[-1:] not in (" ", "\n")
            and not (lines and (" \n" in text or "\n " in text or "\n\n" in text))
        )
        assert _is_tidy(text, lines=lines) == long_form


_INERT_PIECES = st.sampled_from(
    ["[", "]", "(", ")", "](", "][", "[CLS]", "~", "~~", "&", "&amp;", "&amp", "&copy", "&not",
     "&#12;", "&#x41;", "&lt", "&F", "R&D", "!", "![", ":", "]: ", "a", "한", " ", "  ", "1.",
     "1)", "3D", "-", "#", "\\", "*", "_", "<", "\U0001d73d", "\u202e", "'", '"', "http://x"]
)  # fmt: skip


@strategies.PROFILE
@given(st.lists(_INERT_PIECES, min_size=1, max_size=10).map("".join))
def test_inert_summary_items_are_what_mistune_renders(text: str) -> None:
    """An item `is_inert` takes renders, through mistune, as its escaped self."""
    from digestkit.formats._html_text import escape, is_inert, summary_markdown
    from digestkit.formats.html import _unwrap_paragraph

    if is_inert(text):
        assert _unwrap_paragraph(summary_markdown()(text)) == escape(text)


@pytest.mark.corpus
def test_inert_corpus_items_are_what_mistune_renders(
    corpus_documents: dict[object, DigestDocument],
) -> None:
    from digestkit.formats._html_text import escape, is_inert, is_plain, summary_markdown
    from digestkit.formats.html import _unwrap_paragraph

    markdown = summary_markdown()
    texts = [
        item.text
        for document in corpus_documents.values()
        for paper in document.papers
        for item in paper.summary
        if not is_plain(item.text) and is_inert(item.text)
    ]
    assert len(texts) > 100  # brackets, one tilde, `R&D`: most items mistune would take
    for text in texts:
        assert _unwrap_paragraph(markdown(text)) == escape(text)


@strategies.PROFILE
@given(_AWKWARD | st.text(st.characters(max_codepoint=0x7F), max_size=20))
def test_html_escape_is_the_control_pictures_and_html_escape(value: str) -> None:
    """`escape` returns ASCII text with no control or markup character after one search; in
    every case it is `html.escape` of the text with controls as pictures."""
    import html

    from digestkit.formats._html_text import _CONTROL_PICTURES, escape

    assert escape(value) == html.escape(value.translate(_CONTROL_PICTURES), quote=True)


@strategies.PROFILE
@given(st.lists(st.dictionaries(_AWKWARD, _JSON_VALUES, max_size=4), min_size=1, max_size=3))
def test_hf_json_entries_cut_from_bytes_are_the_array_text_cut(
    entries: list[dict[str, object]],
) -> None:
    """The hf-json writer cuts the array's brackets off orjson's bytes before decoding them;
    the text is the whole array's text without them, lone surrogates (json's path) included."""
    from digestkit.formats.hf_json import _inner, dumps_entry

    assert _inner(entries) == dumps_entry(entries)[4:-2]
