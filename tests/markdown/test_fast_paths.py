"""The reader's fast paths give exactly what its general paths give.

* A block of the generator's own shape is read in one step (`shaped._BLOCK`, one match
  over the text); with that step switched off, every line goes through `PaperBlock.consume`
  one by one, and the papers, diagnostics, layout and faithful output must not change: on
  the corpus, the fixtures, edge cases and generated blocks (the generator's shape with lines
  perturbed, reordered, followed by other lines, or inside a CommonMark block).
* Such a block's paper is made directly (`made.make`, no `PaperBlock`) when it can be;
  with that switched off, `PaperBlock.read_whole` reads every such block, with the same result.
* Papers and summary items valid by construction are built without pydantic
  (`models.parsed_paper`, `parsed_item`); pydantic's own validation of the same values must
  build the same state: field values and their order, fields-set, extra and private storage.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

import digestkit
from digestkit import DigestDocument, Paper
from digestkit.markdown import active, made, paper_block, scan, shaped, source
from digestkit.models import DigestModel, Label, label_valid, parsed_paper

from ..conftest import FIXTURES
from ..strategies import PROFILE, one_line

pytestmark = pytest.mark.corpus

EDGES = (
    # a `####` heading after a block of the fast shape: the block goes on line by line
    "## Daily Papers (2024-01-02)\n\n### [A](https://arxiv.org/abs/2401.00001)\n\n![](i.png)\n\n"
    "Vote: 3\n\nAuthors: A B\n\n- ***K***: x\n\n- y\n\n#### more\n- z\n  cont\n\n"
    "### [B](https://arxiv.org/abs/2401.00002)\n![](<a.png>)\nVote: -\nAuthors: ['C\\\\x00']\n"
    "- **odd*: x\n- * star\n-\n-  two spaces\n+ plus\n\n",
    # an image line with no usable URL, a bad vote, a malformed list, a tab in a title
    "## Daily Papers (2024-01-02)\n\n### [T\tab](https://arxiv.org/abs/2401.00003)\n\n![](\n\n"
    "Vote: x\n\nAuthors: ['a', 'b'\n\n- ***L***: t\n### [U](https://x.org/a b)\n\n![](j.png)\n"
    "Vote: 1\nAuthors: \n- t\n",
    # papers made directly: one without authors (DK203), one an orphan `###` line goes on
    "## Daily Papers (2024-01-02)\n### [A](https://arxiv.org/abs/2401.00001)\n![](i.png)\n"
    "Vote: 3\nAuthors: \n- x\n### [B](https://arxiv.org/abs/2401.00001)\n![](i.png)\nVote: 0\n"
    "Authors: A\n\n- y\n\n###  not a link\ntext\n\n## Other\n",
)


def _outcome(document: DigestDocument) -> list[Any]:
    papers = [
        (paper.model_dump(), paper.line, paper._layout.spans if paper._layout else None)
        for paper in document.papers
    ]
    return [
        papers,
        [(d.code, d.line, d.col, d.message) for d in document.diagnostics],
        digestkit.dumps(document, "markdown"),
    ]


def _texts(corpus: list[Path]) -> list[str]:
    files = [*corpus, *sorted(FIXTURES.glob("**/*.md"))]
    return [path.read_text(encoding="utf-8") for path in files] + list(EDGES)


def test_the_one_step_block_reads_as_line_by_line(
    corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _texts(corpus)
    fast = [_outcome(digestkit.parse(text)) for text in texts]
    monkeypatch.setattr(shaped, "_BLOCK", re.compile(r"(?!)"))  # never matches
    slow = [_outcome(digestkit.parse(text)) for text in texts]
    assert len(fast) == len(slow)
    for one, other in zip(fast, slow, strict=True):
        assert one == other


def test_the_made_paper_is_what_the_block_reader_reads(
    corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _texts(corpus)
    fast = [_outcome(digestkit.parse(text)) for text in texts]
    monkeypatch.setattr(made, "make", lambda *args: None)  # `read_whole` reads every block
    slow = [_outcome(digestkit.parse(text)) for text in texts]
    for one, other in zip(fast, slow, strict=True):
        assert one == other


def _state(model: object) -> object:
    """A model's whole pydantic state, nested models included, the parse's trivia left out."""
    if isinstance(model, list):
        return [_state(item) for item in model]
    if not isinstance(model, DigestModel):
        return (type(model), model)
    private = model.__pydantic_private__
    return (
        type(model),
        [(name, _state(value)) for name, value in model.__dict__.items()],
        set(model.__pydantic_fields_set__),
        model.__pydantic_extra__,
        sorted(set(private or ()) - {"_layout", "_diagnostics"}),
    )


def test_built_papers_are_what_pydantic_builds(corpus: list[Path]) -> None:
    built = 0
    for text in _texts(corpus):
        for paper in digestkit.parse(text).papers:
            values = paper.model_dump(exclude={"arxiv_id", "ai_summary", "ai_keywords"})
            assert _state(paper) == _state(Paper.model_validate(values)), paper.url
            built += paper.model_fields_set is parsed_paper_fields_set()
    assert built > 5000  # the fast path is the common one


def test_built_documents_are_what_pydantic_builds(corpus: list[Path]) -> None:
    for text in _texts(corpus):
        document = digestkit.parse(text)
        values = {
            "preamble": document.preamble,
            "digests": [
                {"date": digest.date, "papers": digest.papers, "epilogue": digest.epilogue}
                for digest in document.digests
            ],
        }
        assert _state(document) == _state(DigestDocument.model_validate(values))


def test_the_label_check_accepts_only_what_pydantic_accepts() -> None:
    """`models.label_valid` lets a label skip pydantic: on every code point, alone and inside
    a label, it accepts nothing `Label` refuses, and it accepts the common labels."""
    adapter = TypeAdapter(Label)

    def pydantic_accepts(label: str) -> bool:
        try:
            adapter.validate_python(label)
        except ValidationError:
            return False
        return True

    accepted = 0
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        for label in (char, f"a{char}b"):
            if label_valid(label):
                accepted += 1
                assert pydantic_accepts(label), ascii(label)
    assert accepted > 2 * 1_000_000  # almost every character is fine inside a label
    assert label_valid("What's New") and label_valid(None)
    assert not label_valid(" x") and not label_valid("a*b") and not label_valid("")


def test_a_parse_builds_no_pydantic_validator(tmp_path: Path) -> None:
    """Models are built directly as a file is parsed (`defer_build`): `validate` never pays
    for pydantic's schema, validators and serializers. A dump builds them on first use."""
    script = (
        "import sys, digestkit\n"
        "from digestkit.models import DailyDigest, DigestDocument, Media, Paper, SummaryItem\n"
        "kinds = (DigestDocument, DailyDigest, Paper, Media, SummaryItem)\n"
        "document = digestkit.parse_file(sys.argv[1])\n"
        "assert len(document.papers) == 2, document.papers\n"
        "print([kind.__pydantic_complete__ for kind in kinds])\n"
        "document.model_dump_json()\n"
        "print(DigestDocument.__pydantic_complete__)\n"
    )
    digest = tmp_path / "digest.md"
    digest.write_text(EDGES[0], encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", script, str(digest)], capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[:2] == [str([False] * 5), "True"]


def parsed_paper_fields_set() -> set[str]:
    paper = parsed_paper(
        {"title": "t", "url": "u", "media": None, "votes": None, "authors": [], "summary": []}
    )
    assert paper is not None
    return paper.__pydantic_fields_set__


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "a\nb"),
        ("title", "a\ud800"),
        ("url", "a b"),
        ("url", "a](b"),
        ("url", "a\tb"),
        ("media", {"kind": "image", "url": "a b"}),
        ("authors", ["a\nb"]),
        ("authors", ["\ud800"]),
    ],
)
def test_values_not_valid_by_construction_go_to_pydantic(field: str, value: object) -> None:
    values: dict[str, Any] = {
        "title": "t",
        "url": "https://arxiv.org/abs/2401.00001",
        "media": {"kind": "image", "url": "x.png"},
        "votes": 1,
        "authors": ["A B"],
        "summary": [],
    }
    assert parsed_paper(values) is not None
    values[field] = value
    assert parsed_paper(values) is None


# -- the one-step block against line by line, on generated blocks --------------------------------
def _line(*variants: st.SearchStrategy[str] | str) -> st.SearchStrategy[str]:
    return st.one_of(*(st.just(v) if isinstance(v, str) else v for v in variants))


_TEXT = one_line(6)
_PLAIN = st.text("abc XYZ:.-'í한", min_size=1, max_size=12).map(str.strip).filter(bool)


def _mostly(usual: st.SearchStrategy[str], *variants: st.SearchStrategy[str] | str) -> Any:
    """Mostly the generator's own line, else one of `variants` (a block of the generator's
    shape must be common, or the one-step path is rarely tried)."""
    other = _line(*variants)
    return st.sampled_from([False] + [True] * 9).flatmap(lambda own: usual if own else other)


_BLANKS = st.lists(_mostly(st.just(""), " ", "\t"), max_size=2)
_HEADING = _mostly(
    st.builds("### [{}](https://arxiv.org/abs/2401.{:05d})".format, _PLAIN, st.integers(0, 9)),
    st.builds("### [{}]({})".format, _TEXT, _TEXT),
    st.builds("###\t[T]({}) ".format, st.sampled_from(["u", "<u>", "u#x", "a b", "a](b"])),
    "### [T](https://arxiv.org/abs/2401.00001) ##",
    "###  not a link",
)
_IMAGE = _mostly(
    st.builds("![]({})".format, st.sampled_from(["https://x.org/i.png", "/a/b.svg", "j.gif"])),
    st.builds("![{}]({})".format, _TEXT, _TEXT),
    st.builds("![](x.{})".format, st.sampled_from(["mp4", "QT", "png", "webm?x=1", "png)"])),
    "![](<a b.png>)",
    " ![](i.png)",
    "[Watch Video](v.mp4)",
)
_VOTE = _mostly(
    st.builds("Vote: {}".format, st.integers(0, 10**6)),
    "Vote: -",
    "Vote:\t7 ",
    "Vote: 1234567890123456789",
    "Vote: \u0663",
    "Vote:",
)
_AUTHORS = _mostly(
    st.builds("Authors: {}".format, st.lists(_PLAIN, min_size=1, max_size=3).map(", ".join)),
    "Authors: ['A', 'B']",
    "Authors: ['A\\\\x00']",
    "Authors: +",
    "Authors: ",
    st.builds("Authors: {}".format, _TEXT),
)
_BULLET = _mostly(
    st.one_of(
        st.builds("- ***{}***: {}".format, _PLAIN, _TEXT),
        st.builds("- {}{}{}".format, _PLAIN, _TEXT, st.sampled_from(["", " ", "\t", " ~x~"])),
    ),
    st.builds("- **{}**:{}".format, _TEXT, _TEXT),
    st.builds("- {}".format, _TEXT),
    "- - -",
    "- *a* b",
    "- _x_: y",
    "-  two spaces",
    "-\ttab",
    "* star",
    "+ plus",
    "-",
    "- ***odd*: x",
    "- <think> a~b~",
)
_AFTER = _line("", "#### more", "### [Z](https://arxiv.org/abs/2401.99999)", "  indented", "text")


@st.composite
def _blocks(draw: st.DrawFn) -> str:
    """Paper blocks mostly of the generator's shape, each line perhaps perturbed, in any order."""
    lines = ["## Daily Papers (2024-01-02)", ""]
    for _ in range(draw(st.integers(1, 3))):
        slots = [
            _HEADING,
            _IMAGE,
            _VOTE,
            _AUTHORS,
            *[_BULLET] * draw(st.sampled_from([1, 2, 3, 0])),
        ]
        if draw(st.integers(0, 4)) == 0:
            slots = draw(st.permutations(slots))
        for slot in slots:
            lines += draw(_BLANKS)
            lines.append(draw(slot))
        lines += draw(_BLANKS)
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(_AFTER))
    if draw(st.integers(0, 4)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), draw(_line("```", "<div>", "> q", "---")))
    return "\n".join(lines) + draw(_line("\n", "", "\n\n"))


@contextmanager
def _patched(module: object, name: str, value: object) -> Iterator[None]:
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


@PROFILE
@given(_blocks())
def test_generated_blocks_read_in_one_step_as_line_by_line(text: str) -> None:
    fast = _outcome(digestkit.parse(text))
    with _patched(made, "make", lambda *args: None):
        read = _outcome(digestkit.parse(text))
    with _patched(shaped, "_BLOCK", re.compile(r"(?!)")):  # never matches: line by line
        slow = _outcome(digestkit.parse(text))
    assert fast == read == slow


def test_the_one_step_block_is_the_common_path(
    corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[int] = []
    direct: list[int] = []
    whole, built = paper_block.PaperBlock.read_whole, made.make

    def counted(block: paper_block.PaperBlock, *args: Any) -> None:
        read.append(block.start)
        whole(block, *args)

    def counted_built(*args: Any) -> Any:
        found = built(*args)
        direct.append(found is not None)
        return found

    monkeypatch.setattr(paper_block.PaperBlock, "read_whole", counted)
    monkeypatch.setattr(made, "make", counted_built)
    papers = sum(len(digestkit.parse_file(path).papers) for path in corpus)
    assert len(read) + sum(direct) > 0.9 * papers  # 5,196 of 5,488 in one step
    assert sum(direct) > 0.9 * papers  # 5,116 made directly


# -- C scans against their definitions ----------------------------------------------------------
_CONTROL_POINTS = {*range(0x20), 0x7F} - {0x0A, 0x0D}


@PROFILE
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=40))
def test_the_control_scan_finds_exactly_the_control_characters(text: str) -> None:
    # `source._has_controls` looks at bytes with one `memchr` per control byte value.
    expected = any(ord(char) in _CONTROL_POINTS for char in text)
    assert source._has_controls(text.encode()) is expected
    assert source.from_text(text).controls is expected


_RULES = re.compile("|".join(f"(?:{pattern})(?P<{kind}>)" for kind, pattern in scan.LINE_RULES))
"""`scan.LINE_RULES` as they read: the first rule that matches a line's start names its kind."""


def _by_the_table(line: str) -> str:
    match = _RULES.match(line)
    return match.lastgroup or "text" if match else "text"


_RULE_WORDS = sorted(
    {
        word
        for _, pattern in scan.LINE_RULES
        for word in re.findall(r"[A-Z][a-z]{2,}(?: [A-Z][a-z]+)*:?", pattern)
    }
)
"""The literal words of the rule table (`Vote:`, `Daily Papers`, `Watch Video`, ...): a row a
new era adds to `LINE_RULES` brings its own into the generated lines, so a `_BY_FIRST` left
without it is caught."""
_LINE_PIECES = st.sampled_from(
    [
        *(" ", "\t", "-", "=", "*", "_", "+", "#", "!", "[", "]", "(", "<", ">", "`", "~", "a"),
        *("D", "1", "\u0663", ".", ")", "/", "\n"),
        *_RULE_WORDS,
    ]
)


@PROFILE
@given(st.lists(_LINE_PIECES, max_size=10).map("".join))
def test_the_factored_line_scan_reads_lines_as_the_rule_table(line: str) -> None:
    # `scan._MATCH` holds the rules factored by first character.
    kind = _by_the_table(line)
    assert scan.kind_of(line) == kind
    if kind not in scan.BLOCK_KINDS:  # the block pass may relabel a block's start
        assert scan.classify([line])[0] == [kind]


def test_the_factored_line_scan_reads_the_corpus_as_the_rule_table(corpus: list[Path]) -> None:
    for path in corpus:
        for line in path.read_text(encoding="utf-8").split("\n"):
            assert scan.kind_of(line) == _by_the_table(line), line


def _scheme_by_normalisation(url: str) -> str | None:
    """`active.script_scheme` without its shortcuts: every URL decoded and normalised."""
    import html

    normal = active.browser_url(html.unescape(url)).lower()
    return next((s for s in active.SCRIPT_SCHEMES if normal.startswith(s)), None)


_URL_PARTS = ("java", "script", "vb", "data", ":", "&#x3a;", "&colon;", "&#58", "&amp;", "&")
_URL_NOISE = ("\t", "\n", "\r", " ", "\x00", "\x01", "/", "x", "É", "S")


@given(st.lists(st.sampled_from(_URL_PARTS + _URL_NOISE), max_size=12).map("".join))
def test_a_url_without_colon_or_reference_has_no_scheme_as_decoding_says(url: str) -> None:
    """The shortcut for a URL with no `:` and no `&` (a 5 MB title of 833,000 link targets
    paid the full normalisation for each) answers what the full decoding answers."""
    assert active.script_scheme(url) == _scheme_by_normalisation(url)
