"""BibTeX output checked by two independent parsers (bibtexparser v2, strict pybtex), decoded back
to Unicode with pylatexenc, and case-changed with BibTeX's own `change.case$` rules (pybtex)."""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import cache
from pathlib import Path
from typing import Any

import pybtex.database
import pybtex.errors
import pytest
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import SeparateCoAuthors
from hypothesis import given
from hypothesis import strategies as st
from pybtex.bibtex.utils import change_case, split_name_list
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

import digestkit
from digestkit import DailyDigest, DigestDocument, FormatError, Paper
from digestkit.formats._bibtex_math import CONTROL_WORDS, unsafe_token

from ..strategies import PROFILE, one_line

Corpus = dict[Path, DigestDocument]


def _decoder() -> LatexNodes2Text:
    """pylatexenc's decoder, taught the LaTeX text macros it does not know (it would drop them):
    the brace macros digestkit writes for unbalanced braces, which BibTeX could not read as
    `\\{`, and `<` `>` `|`, which print as other characters in LaTeX's default font encoding."""
    context = get_default_latex_context_db()  # a fresh copy on every call
    context.add_context_category(
        "text-braces",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textless", "<"),
            MacroTextSpec("textgreater", ">"),
            MacroTextSpec("textbar", "|"),
        ],
    )
    return LatexNodes2Text(latex_context=context)


DECODER = _decoder()
PLACEHOLDER = "\ue000"  # stands in for a math segment: decoding must not touch math
RAW_MATH = re.compile(r"(?<!\\)\$[^$]*\$")  # in the .bib: `$...$` not preceded by a backslash
# TeX input conventions that LatexNodes2Text applies on decoding. They are TeX's meaning of the
# title as arXiv authors typed it (`--` is an en dash in every arXiv title), not escaping bugs:
# digestkit writes those characters through, so the comparison maps them the same way.
TEX_LIGATURES = (
    ("---", "\u2014"),
    ("--", "\u2013"),
    ("``", "\u201c"),
    ("''", "\u201d"),
    ("!`", "\u00a1"),
    ("?`", "\u00bf"),
)
# `\textasciicircum{}` is the text-mode `^`; pylatexenc decodes it as the modifier letter U+02C6.
CIRCUMFLEX = ("\u02c6", "^")

# Text without these is plain to TeX and decodes to itself; decoding only the rest keeps the
# corpus tests fast (pylatexenc takes about a millisecond per field).
TEX_SYNTAX = re.compile(r"[\\{}$~`']|--")


@cache
def decode(raw: str) -> str:
    """pylatexenc's reading of `raw`, remembered: the corpus tests decode the same titles and
    names again (pylatexenc is most of their time), and a decoding depends on nothing else."""
    return DECODER.latex_to_text(raw) if TEX_SYNTAX.search(raw) else raw


ENTRY_FIELDS = ["title", "author", "year", "eprint", "archivePrefix", "url"]


def doc(*papers: Paper, date: dt.date | None = dt.date(2024, 5, 6)) -> DigestDocument:
    return DigestDocument(digests=[DailyDigest(date=date, papers=list(papers))])


def paper(
    title: str = "A Title",
    authors: tuple[str, ...] = ("Ada Lovelace",),
    url: str = "https://arxiv.org/abs/2405.01234",
) -> Paper:
    return Paper(title=title, url=url, authors=list(authors))


def corpus_papers(corpus: Corpus) -> list[tuple[dt.date | None, Paper]]:
    return [(d.date, p) for document in corpus.values() for d in document.digests for p in d.papers]


def parse_bib(text: str) -> Any:
    library = parse_string(text, append_middleware=[SeparateCoAuthors()])
    assert library.failed_blocks == []
    return library


def strict_pybtex(text: str) -> Any:
    """Strict pybtex: duplicate keys, bad names or syntax would be captured as errors."""
    pybtex.errors.set_strict_mode(True)
    with pybtex.errors.capture() as errors:
        data = pybtex.database.parse_string(text, "bibtex")
    assert errors == []
    return data


def balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def ligatures(text: str) -> str:
    for tex, char in TEX_LIGATURES:
        text = text.replace(tex, char)
    return text


def expected_title(title: str) -> tuple[str, list[str]]:
    """The title with each `$...$` math segment replaced by a placeholder, and the segments."""
    math = re.findall(r"\$[^$]*\$", title) if title.count("$") % 2 == 0 else []
    if not all(balanced(segment) for segment in math):
        math = []  # documented: math that would unbalance the entry is treated as text
    if any(unsafe_token(segment) is not None for segment in math):
        math = []  # documented: math LaTeX must not run is treated as text
    text = re.sub(r"\$[^$]*\$", PLACEHOLDER, title) if math else title
    return ligatures(text), math


def decoded_title(raw: str) -> tuple[str, list[str]]:
    math = RAW_MATH.findall(raw)
    text = decode(RAW_MATH.sub(PLACEHOLDER, raw))
    return text.replace(*CIRCUMFLEX), math


def meaning(title: str) -> str:
    """The title as a reader shows it: text as written (TeX ligatures applied), math decoded."""
    _, math = expected_title(title)
    if not math:
        return ligatures(title)
    texts = re.split(r"\$[^$]*\$", title)
    out = [ligatures(texts[0])]
    for segment, text in zip(math, texts[1:], strict=True):
        out += [DECODER.latex_to_text(segment), ligatures(text)]
    return "".join(out)


def decoded_meaning(raw: str) -> str:
    return str(DECODER.latex_to_text(raw)).replace(*CIRCUMFLEX)


def check_decodes_back(entries: list[Any], corpus: Corpus, *, ascii: bool) -> None:
    pairs = corpus_papers(corpus)
    assert len(entries) == len(pairs)
    for entry, (_, p) in zip(entries, pairs, strict=True):
        fields = entry.fields_dict
        if ascii:  # Greek is written as math, and math is TeX-encoded: compare what it means
            assert decoded_meaning(fields["title"].value) == meaning(p.title), entry.key
        else:
            title, math = decoded_title(fields["title"].value)
            want_title, want_math = expected_title(p.title)
            assert title == want_title, (entry.key, fields["title"].value)
            assert math == want_math, entry.key
        names = fields["author"].value if p.authors else []
        assert [decode(name) for name in names] == p.authors, entry.key


@pytest.fixture(scope="module")
def corpus_bib(corpus_documents: Corpus) -> str:
    return digestkit.dumps(corpus_documents.values(), "bibtex")


@pytest.fixture(scope="module")
def corpus_entries(corpus_bib: str) -> list[Any]:
    """bibtexparser's entries of `corpus_bib`, read once for the tests that only look at them."""
    return list(parse_bib(corpus_bib).entries)


@pytest.mark.corpus
def test_corpus_bib_parses_with_bibtexparser(
    corpus_entries: list[Any], corpus_documents: Corpus
) -> None:
    entries = corpus_entries
    pairs = corpus_papers(corpus_documents)
    assert len(entries) == len(pairs) == 5488
    assert len({entry.key for entry in entries}) == len(entries)
    for entry, (date, p) in zip(entries, pairs, strict=True):
        assert entry.entry_type == "misc"
        assert [f.key for f in entry.fields] == [
            name for name in ENTRY_FIELDS if name != "author" or p.authors
        ]
        fields = {f.key: f.value for f in entry.fields}
        assert p.arxiv_id is not None  # every corpus link is an arXiv abs link
        assert fields["eprint"] == p.arxiv_id
        assert fields["archivePrefix"] == "arXiv"
        assert fields["url"] == p.url
        assert fields["year"] == "20" + p.arxiv_id[:2]
        assert date is not None and abs(int(fields["year"]) - date.year) <= 1
        assert re.fullmatch(r"[a-z0-9]+", entry.key), entry.key


@pytest.mark.corpus
def test_corpus_bib_parses_with_strict_pybtex(corpus_bib: str, corpus_documents: Corpus) -> None:
    data = strict_pybtex(corpus_bib)
    pairs = corpus_papers(corpus_documents)
    assert len(data.entries) == len(pairs)
    for (_, p), entry in zip(pairs, data.entries.values(), strict=True):
        # one person per author: no name was split at a comma or a standalone "and"
        assert len(entry.persons.get("author", [])) == len(p.authors)


@pytest.mark.corpus
def test_corpus_titles_and_authors_decode_back(
    corpus_entries: list[Any], corpus_documents: Corpus
) -> None:
    check_decodes_back(corpus_entries, corpus_documents, ascii=False)


@pytest.mark.heavy
@pytest.mark.corpus
def test_ascii_output_parses_and_decodes_back(corpus_documents: Corpus) -> None:
    text = digestkit.dumps(corpus_documents.values(), "bibtex", ascii=True)
    assert text.isascii()  # the corpus has no script without a LaTeX form (e.g. Hangul)
    assert 'Hofst{\\"a}tter' in text
    strict_pybtex(text)
    check_decodes_back(list(parse_bib(text).entries), corpus_documents, ascii=True)


@pytest.mark.corpus
def test_protected_words_survive_sentence_case(corpus_entries: list[Any]) -> None:
    """BibTeX's `change.case$ "t"` (as pybtex implements it) must keep every word whose
    capitals matter, and still lowercase ordinary capitalised words."""
    lowered = 0
    for entry in corpus_entries:
        raw = entry.fields_dict["title"].value
        cased = decode(change_case(RAW_MATH.sub(PLACEHOLDER, raw), "t"))
        original = decode(RAW_MATH.sub(PLACEHOLDER, raw))
        for before, after in zip(original.split(), cased.split(), strict=True):
            letters = [c for c in before if c.isalpha()]
            if any(c.isupper() for c in letters[1:]):
                assert after == before, (entry.key, before, after)
        lowered += cased != original
    assert lowered > 4000  # most titles are in Title Case, which styles may lowercase


def bib_fields(text: str) -> dict[str, Any]:
    (entry,) = parse_bib(text).entries
    return {f.key: f.value for f in entry.fields}


@pytest.mark.parametrize(
    ("title", "raw"),
    [
        ("R&B 50% #1 a_b", r"R\&B 50\% \#1 a\_b"),
        (r"x^2 ~y \cmd {z}", r"x\textasciicircum{}2 \textasciitilde{}y \textbackslash{}cmd \{z\}"),
        ("Earn $1 Million", r"Earn \$1 Million"),  # an odd number of `$` is currency, not math
        ("Synth$^2$: a_b", "Synth$^2$: a\\_b"),  # math passes through verbatim
        ("$x_1$ and $y$ cost $5", r"\$x\_1\$ and \$y\$ cost \$5"),
        ("Open a { brace", r"Open a \textbraceleft{} brace"),  # `\{` would unbalance the .bib
        ("Bad $math{$ here $x$", r"Bad \$math\textbraceleft{}\$ here \$x\$"),
    ],
)
def test_title_escaping(title: str, raw: str) -> None:
    text = digestkit.dumps(doc(paper(title)), "bibtex", protect="none")
    assert bib_fields(text)["title"] == raw
    strict_pybtex(text)


def test_word_protection() -> None:
    title = "LLaMA and GPT-4o beat Qwen2 in 2024 on 3D (SL-INR) tasks: TÜLU mPLUG Models"
    text = digestkit.dumps(doc(paper(title)), "bibtex")
    assert bib_fields(text)["title"] == (
        "{LLaMA} and {GPT-4o} beat {Qwen2} in 2024 on {3D} ({SL-INR}) tasks: {TÜLU} {mPLUG} Models"
    )
    whole = bib_fields(digestkit.dumps(doc(paper(title)), "bibtex", protect="title"))["title"]
    assert whole == "{" + title + "}"
    none = bib_fields(digestkit.dumps(doc(paper(title)), "bibtex", protect="none"))["title"]
    assert none == title


def test_protected_group_never_starts_with_a_backslash() -> None:
    # btxdoc: a `{` at brace depth 0 followed by a backslash starts a "special character",
    # whose letters change.case$ still converts, so `{\&LLM}` would be lowercased to
    # `{\&llm}`. (pybtex's change_case approximates this rule and misses `\&`, so the raw
    # form is asserted as well.)
    title = "Trust ÉLAN with &LLM or \\MoE\u00a0Works"
    for ascii in (False, True):
        raw = bib_fields(digestkit.dumps(doc(paper(title)), "bibtex", ascii=ascii))["title"]
        assert "{{}\\&LLM}" in raw and "{{}\\textbackslash{}MoE}" in raw
        assert DECODER.latex_to_text(raw) == title
        assert DECODER.latex_to_text(change_case(raw, "t")) == title.replace("Works", "works")


def test_author_names_that_bibtex_would_misread() -> None:
    names = ("Yingyan, Lin", "and Lei Bai", "others", "Meta", "Ana_Ruiz & Co")
    text = digestkit.dumps(doc(paper(authors=names)), "bibtex")
    assert bib_fields(text)["author"] == [
        "{Yingyan, Lin}",
        "{and} Lei Bai",
        "{others}",
        "Meta",
        r"Ana\_Ruiz \& Co",
    ]
    data = strict_pybtex(text)
    persons = next(iter(data.entries.values())).persons["author"]
    assert len(persons) == len(names)
    assert DECODER.latex_to_text(str(persons[0])) == "Yingyan, Lin"


def test_entry_shape_matches_arxiv_export() -> None:
    text = digestkit.dumps(
        doc(
            paper(
                "Attention Is All You Need",
                ("Ashish Vaswani", "Noam Shazeer"),
                "https://arxiv.org/abs/1706.03762",
            )
        ),
        "bibtex",
    )
    assert text == (
        "@misc{vaswani2017attention,\n"
        "      title={Attention Is All You Need},\n"
        "      author={Ashish Vaswani and Noam Shazeer},\n"
        "      year={2017},\n"
        "      eprint={1706.03762},\n"
        "      archivePrefix={arXiv},\n"
        "      url={https://arxiv.org/abs/1706.03762},\n"
        "}\n"
    )


def test_paper_without_arxiv_id_uses_the_digest_year() -> None:
    text = digestkit.dumps(
        doc(paper(url="https://example.org/p?a={b}"), date=dt.date(2023, 12, 1)), "bibtex"
    )
    fields = bib_fields(text)
    assert list(fields) == ["title", "author", "year", "url"]
    assert fields["year"] == "2023"
    assert fields["url"] == "https://example.org/p?a=%7Bb%7D"
    undated = bib_fields(
        digestkit.dumps(doc(paper(url="https://example.org/"), date=None), "bibtex")
    )
    assert "year" not in undated


def test_old_style_arxiv_id_year() -> None:
    text = digestkit.dumps(doc(paper(url="https://arxiv.org/abs/hep-th/9901001")), "bibtex")
    assert bib_fields(text)["year"] == "1999"


@pytest.mark.parametrize(
    ("title", "authors", "key"),
    [
        ("Attention Is All You Need", ("Ashish Vaswani",), "vaswani2024attention"),
        ("On the Use of ÉLAN", ("Sebastian Hofstätter",), "hofstatter2024use"),
        ("$\\nabla^2$DFT: A Dataset", ("Ł Łukasz",), "ukasz2024dft"),
        ("The Of A", (), "anon2024paper"),
        ("\\textsc{AIEV-Instruct} rocks", ("김 민수",), "anon2024aievinstruct"),
    ],
)
def test_citation_keys(title: str, authors: tuple[str, ...], key: str) -> None:
    text = digestkit.dumps(doc(paper(title, authors)), "bibtex")
    (entry,) = parse_bib(text).entries
    assert entry.key == key


def test_keys_are_unique_across_documents_with_letter_suffixes() -> None:
    same = paper("Attention Is All You Need", ("Ashish Vaswani",))
    other = paper("Attentiona", ("Ashish Vaswani",))  # its base key is a suffixed key above
    documents = [doc(*[same] * 27), doc(same, other)]
    keys = [e.key for e in parse_bib(digestkit.dumps(documents, "bibtex")).entries]
    base = "vaswani2024attention"
    assert keys[:3] == [base, base + "a", base + "b"]
    assert keys[26:28] == [base + "z", base + "aa"]
    assert keys[28] == "vaswani2024attentiona" + "b"  # its own base and `a` were taken
    assert len(set(keys)) == len(keys) == 29


def test_writer_streams_and_keeps_the_stream_open() -> None:
    out = io.StringIO()
    seen = []

    def documents() -> Any:
        for index in range(3):
            seen.append(out.getvalue().count("@misc"))
            yield doc(paper(f"Paper {index}"))

    digestkit.dump(documents(), out, "bibtex")
    assert seen == [0, 1, 2]  # each document is written before the next is asked for
    assert not out.closed
    assert out.getvalue().count("\n\n@misc") == 2


@pytest.mark.parametrize(
    "options",
    [{"protcet": "words"}, {"protect": "all"}, {"ascii": "yes"}, {"raw_math": "yes"}],
)
def test_bad_options_are_format_errors(options: dict[str, Any]) -> None:
    with pytest.raises(FormatError, match="bibtex"):
        digestkit.dumps(doc(paper()), "bibtex", **options)


@PROFILE
@given(
    title=one_line(),
    names=st.lists(one_line(4).map(str.strip).filter(lambda n: n and n != "+"), max_size=4),
    ascii=st.booleans(),
)
def test_any_title_and_names_give_a_valid_entry(title: str, names: list[str], ascii: bool) -> None:
    """Whatever the text, the entry parses in both parsers and keeps one person per author; in
    UTF-8 the title outside math decodes back and the math is verbatim."""
    text = digestkit.dumps(doc(paper(title, tuple(names))), "bibtex", ascii=ascii)
    fields = bib_fields(text)
    data = strict_pybtex(text)
    (entry,) = data.entries.values()
    assert len(entry.persons.get("author", [])) == len(names)
    assert re.fullmatch(r"[a-z0-9]+", entry.key)
    got, math = decoded_title(fields["title"])
    want, want_math = expected_title(title)
    if not ascii:  # with `ascii`, Greek letters become math of their own
        assert len(math) == len(
            want_math
        )  # pylatexenc's encode and decode tables disagree on rare symbols (`·`)
        assert got == want
        assert math == want_math
        # pybtex's BibTeX-exact splitter: bibtexparser's misses ` and ` before a backslash
        raw = parse_string(text).entries[0].fields_dict.get("author")
        split = split_name_list(raw.value) if raw else []
        decoded = [decode(name).replace(*CIRCUMFLEX) for name in split]
        assert decoded == [ligatures(name) for name in names]


MATH_SEGMENT = re.compile(r"\$[^$]*\$")


@pytest.mark.corpus
def test_corpus_math_passes_unchanged(
    corpus_bib: str, corpus_entries: list[Any], corpus_documents: Corpus
) -> None:
    """Every corpus title with balanced math keeps it verbatim in the default (safe) output,
    and every control sequence the corpus uses is on the allow-list."""
    titles = [p.title for _, p in corpus_papers(corpus_documents)]
    with_math = [t for t in titles if MATH_SEGMENT.search(t) and t.count("$") % 2 == 0]
    assert len(with_math) >= 18
    used = {name for t in with_math for name in re.findall(r"\\([A-Za-z]+)", t)}
    assert used == {"sim", "textit", "nabla", "textbf", "times"}  # what the corpus writes
    assert used <= CONTROL_WORDS
    raw_titles = [entry.fields_dict["title"].value for entry in corpus_entries]
    for title, raw in zip(titles, raw_titles, strict=True):
        if title in with_math:
            assert RAW_MATH.findall(raw) == MATH_SEGMENT.findall(title), title
    trusted = digestkit.dumps(corpus_documents.values(), "bibtex", raw_math=True)
    assert trusted == corpus_bib  # the corpus has no math that the default changes


@pytest.mark.parametrize(
    "title",
    [
        r"Read $\input{/etc/hostname}$ here",
        r"$\immediate\openout1=x.tex$",
        "$^^5cinput^^7b/etc/hostname^^7d$",
        r"$\^^5cinput$",
        r"$\csname input\endcsname{/etc/hostname}$",
        r"$\def\x{\x}\x$",
        r"$\mathcal{\input{x}}$ and $\alpha$",  # one unsafe segment makes the title text
        r"$\INPUT{x}$",  # a style's lowercasing would make it \input
        r"$x % comment$",
        r"$#1$",
        r"$a & b$",
        "$a\x0cb$",
        r"$x\$ $y$",  # `\$` does not close TeX's math
        "$$ display",
        r"$\é$",
    ],
)
def test_math_latex_must_not_run_is_written_as_text(title: str) -> None:
    text = digestkit.dumps(doc(paper(title)), "bibtex", protect="none")
    raw = bib_fields(text)["title"]
    assert RAW_MATH.findall(raw) == []
    assert "^^" not in raw
    assert all(
        name in {"textbackslash", "textasciicircum", "textasciitilde", "textbraceleft",
                 "textbraceright"}
        for name in re.findall(r"\\([A-Za-z]+)", raw)
    ), raw  # fmt: skip
    assert decode(raw).replace(*CIRCUMFLEX) == ligatures(title)
    strict_pybtex(text)
    trusted = bib_fields(digestkit.dumps(doc(paper(title)), "bibtex", raw_math=True))["title"]
    assert trusted != raw  # raw_math passes it through


@pytest.mark.parametrize(
    "title",
    [
        r"$\alpha$-Divergence",
        "Synth$^2$ and $x^{2}_{i}$",
        r"$\mathcal{O}(n \log n)$ Attention",
        r"$\frac{1}{2}\sqrt{x} \leq \left(\sum_i \hat{y}_i\right)$",
        r"$\{x_i\}_{i=1}^{n}$, $\|w\|$, $a\,b\;c$",
        r"$\textbf{Only-IF}$ and $\mathbb{R}^d \to \mathbb{R}$",
        "$π$ and $ε$-greedy",
    ],
)
def test_math_people_write_passes_unchanged(title: str) -> None:
    raw = bib_fields(digestkit.dumps(doc(paper(title)), "bibtex", protect="none"))["title"]
    assert RAW_MATH.findall(raw) == MATH_SEGMENT.findall(title)


def test_url_carets_are_percent_encoded() -> None:
    """`^^5c` is a backslash to TeX wherever the style prints the URL without url.sty."""
    url = "https://example.org/^^5cinput^^7bx^^7d?q=a^b"
    fields = bib_fields(digestkit.dumps(doc(paper(url=url)), "bibtex"))
    assert fields["url"] == "https://example.org/%5E%5E5cinput%5E%5E7bx%5E%5E7d?q=a%5Eb"


def test_raw_math_flag(tmp_path: Path) -> None:
    from ..cli.test_cli import err, run

    source = tmp_path / "d.md"
    source.write_text(
        "## Daily Papers (2024-01-02)\n\n### [A $\\input{x}$ end](https://arxiv.org/abs/2401.00001)\n"
    )
    safe = run("convert", source, "--to", "bibtex")
    trusted = run("convert", source, "--to", "bibtex", "--raw-math")
    assert safe.returncode == trusted.returncode == 0, err(safe) + err(trusted)
    assert b"title={A \\$\\textbackslash{}input\\{x\\}\\$ end}" in safe.stdout
    assert b"title={A {$\\input{x}$} end}" in trusted.stdout
    wrong = run("convert", source, "--to", "json", "--raw-math")
    assert wrong.returncode == 2
    assert "--raw-math applies to bibtex output" in err(wrong)


@pytest.mark.parametrize(
    ("title", "ascii", "raw"),
    [
        # `\i` under an accent: biber reads it as a dotless i (U+0131) plus a mark
        ("Íñigo í ì î ï Ű ệ", True, r"{\'I}{\~n}igo {\'i} {\`i} {\^i} {\"i} {{\H{U}}} {\^{\d{e}}}"),
        # raw `<` `>` `|` print as `¡` `¿` `—` in OT1; inside math they stay
        ("Achieving >80% on <think> a|b and $a<b$", False,
         r"Achieving \textgreater{}80\% on \textless{}think\textgreater{} a\textbar{}b"
         r" and {$a<b$}"),
        # styles lowercase unbraced math and the word I
        ("Do I Know? Part I, I'm $VILA^2$ $L_2$ Synth$^2$ Plan B a A", False,
         "Do {I} Know? Part {I}, {I'm} {$VILA^2$} {$L_2$} {Synth$^2$} Plan {B} a A"),
        # Greek as math that every reader decodes, one `$...$` per run, never `$$`
        ("PIXART-δ αβ-net x$a$δ", True, r"{PIXART-$\delta$} {$\alpha\beta$}-net {x$a${}$\delta$}"),
        ("PanGu-$π$", True, r"{PanGu-${\pi}$}"),
    ],
)  # fmt: skip
def test_what_readers_need(title: str, ascii: bool, raw: str) -> None:
    text = digestkit.dumps(doc(paper(title)), "bibtex", ascii=ascii)
    assert bib_fields(text)["title"] == raw
    strict_pybtex(text)


def test_hyphenated_names_keep_their_lowercase_part() -> None:
    """BibTeX splits names at hyphens: unbraced, `Jee-weon Jung` has the von part `weon`."""
    names = ("Jee-weon Jung", "Ahmed al-Hassan", "Jean-Pierre Dupont")
    text = digestkit.dumps(doc(paper(authors=names)), "bibtex")
    assert bib_fields(text)["author"] == ["{Jee-weon} Jung", "Ahmed {al-Hassan}", names[2]]
    persons = next(iter(strict_pybtex(text).entries.values())).persons["author"]
    assert [p.prelast_names for p in persons] == [[], [], []]


def test_ascii_names_use_the_dotted_letter() -> None:
    names = ("Íñigo Ïvarsson", "Đorđe Šarić", "Işıl Ağaoğlu")  # noqa: RUF001
    fields = bib_fields(digestkit.dumps(doc(paper(authors=names)), "bibtex", ascii=True))
    assert fields["author"] == [
        r"{\'I}{\~n}igo {\"I}varsson",
        r"{\DJ}or{\dj}e {\v{S}}ari{\'c}",
        r"I{\c{s}}{\i}l A{\u{g}}ao{\u{g}}lu",
    ]


def test_help_says_which_encoding_suits_which_engine() -> None:
    from ..cli.test_cli import run

    shown = " ".join(run("convert", "--help").stdout.decode().split()).replace("/ ", "/")
    assert "for pdflatex (with bibtex or biber; \\usepackage[T1]{fontenc})" in shown
    assert "the UTF-8 default suits lualatex/xelatex with biber, pandoc and Zotero" in shown
