"""The reader's fast paths give exactly what its general paths give.

* A block of the generator's own shape is read in one step (`paper_block._BLOCK`, one match
  over the text); with that step switched off, every line goes through `PaperBlock.consume`
  one by one, and the papers, diagnostics, layout and faithful output must not change.
* Papers and summary items valid by construction are built without pydantic
  (`models.parsed_paper`, `parsed_item`); pydantic's own validation of the same values must
  build the same state: field values and their order, fields-set, extra and private storage.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import digestkit
from digestkit import DigestDocument, Paper, paper_block
from digestkit.models import DigestModel, parsed_paper

from .conftest import FIXTURES

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
    monkeypatch.setattr(paper_block, "_BLOCK", re.compile(r"(?!)"))  # never matches
    slow = [_outcome(digestkit.parse(text)) for text in texts]
    assert len(fast) == len(slow)
    for one, other in zip(fast, slow, strict=True):
        assert one == other


def _state(model: object) -> object:
    """A model's whole pydantic state, nested models included, `_layout` left out."""
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
        sorted(set(private or ()) - {"_layout"}),
    )


def test_built_papers_are_what_pydantic_builds(corpus: list[Path]) -> None:
    built = 0
    for text in _texts(corpus):
        for paper in digestkit.parse(text).papers:
            values = paper.model_dump(exclude={"arxiv_id", "ai_summary", "ai_keywords"})
            assert _state(paper) == _state(Paper.model_validate(values)), paper.url
            built += paper.model_fields_set is parsed_paper_fields_set()
    assert built > 5000  # the fast path is the common one


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
