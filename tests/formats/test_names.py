"""The safe given/family split shared by the CSL-JSON and RIS writers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from digestkit import DigestDocument
from digestkit.formats import _names
from digestkit.formats._names import NameParts, split_name

Corpus = dict[Path, DigestDocument]


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Ada Lovelace", ("Ada", "Lovelace")),
        ("Vincent Y. F. Tan", ("Vincent Y. F.", "Tan")),
        ("C.-Y. Lin", ("C.-Y.", "Lin")),
        ("Jean-Luc O'Neil", ("Jean-Luc", "O'Neil")),
        ("Émile Zola", ("Émile", "Zola")),
        ("Wensi Ai", ("Wensi", "Ai")),  # a family name, not "AI"
        ("Diego de las Casas", None),  # particles
        ("Juan Luis Gonzalez Bello", None),  # two full words before the last: ambiguous
        ("Gemini Team", None),
        ("Hal Daumé III", None),
        ("Ronald McClelland Jr.", None),
        ("Zheqi DAI", None),  # all caps
        ("DeepSeek-AI", None),  # one word
        ("Chen, Wei", None),  # family first
        ('Sercan "O. Arik', None),
        ("émile Zola", None),  # lowercase first word
        ("01. AI", None),
    ],
)
def test_split_only_where_safe(name: str, parts: tuple[str, str] | None) -> None:
    assert split_name(name) == (None if parts is None else NameParts(*parts))


@pytest.mark.corpus
def test_ascii_shortcut_agrees_with_the_word_rule(
    corpus_documents: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = [paper for document in corpus_documents.values() for paper in document.papers]
    names = {name for paper in papers for name in paper.authors}
    fast = {name: split_name(name) for name in names}
    monkeypatch.setattr(_names, "_SIMPLE", re.compile(r"(?!)"))  # never matches
    assert {name: split_name(name) for name in names} == fast
    assert sum(parts is None for parts in fast.values()) < len(names) * 0.1
