"""Summary labels: digestkit agrees with mistune's CommonMark inline AST on every corpus bullet.

mistune is the reference here: a bullet has a label when its first inline node is strong or
emphasis and the next node is text starting with `:`. The one documented exception is the
malformed `***Key*:` (FORMAT.md 2.7), where CommonMark leaves two stars as text but the author
plainly meant a label; digestkit reads it as one and warns (DK301).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import mistune
import pytest

from digestkit import DigestDocument
from digestkit.markdown.labels import _plain, split_label

MALFORMED = re.compile(r"- \*\*\*[^*]+\*:")

_MARKDOWN = mistune.create_markdown(renderer=None)


def mistune_label(bullet: str) -> str | None:
    """The label CommonMark sees in a `- ...` line, or None."""
    tokens = cast(list[dict[str, Any]], _MARKDOWN(bullet))
    if not tokens or tokens[0]["type"] != "list":
        return None
    item = tokens[0]["children"][0]
    if not item["children"] or item["children"][0]["type"] not in ("block_text", "paragraph"):
        return None
    nodes = item["children"][0]["children"]
    if len(nodes) < 2 or nodes[0]["type"] not in ("strong", "emphasis"):
        return None
    if nodes[1]["type"] != "text" or not nodes[1]["raw"].startswith(":"):
        return None
    label = _plain(nodes[0]["children"])  # the text of an emphasis made only of text
    return label.strip() if label is not None else None


def corpus_bullets(
    corpus_documents: dict[Path, DigestDocument],
) -> list[tuple[Path, int, str, str | None]]:
    """(file, line, bullet line, label in the parsed model) for every `- ` line of the corpus.

    Bullets are assigned to papers by position only: those after a paper's heading line and
    before the next heading, in order."""
    result: list[tuple[Path, int, str, str | None]] = []
    for path, doc in corpus_documents.items():
        lines = path.read_bytes().decode("utf-8").split("\n")
        headings = [paper.line for paper in doc.papers]
        for paper, start in zip(doc.papers, headings, strict=True):
            assert start is not None
            numbers = []
            for number in range(start + 1, len(lines) + 1):
                line = lines[number - 1]
                if line.startswith(("### [", "## ")):
                    break
                if line.startswith("- "):
                    numbers.append(number)
            assert len(numbers) == len(paper.summary), (path, start)
            result.extend(
                (path, number, lines[number - 1], item.label)
                for number, item in zip(numbers, paper.summary, strict=True)
            )
    return result


@pytest.mark.corpus
def test_every_corpus_label_agrees_with_mistune(
    corpus_documents: dict[Path, DigestDocument],
) -> None:
    bullets = corpus_bullets(corpus_documents)
    assert len(bullets) == 21391
    disagreements = []
    for path, number, line, label in bullets:
        direct = split_label(line[2:].lstrip(" \t")).label
        reference = mistune_label(line)
        if label != reference or direct != reference:
            disagreements.append(
                (
                    f"{path.parent.parent.name}/{path.parent.name}/{path.name}",
                    number,
                    label,
                    direct,
                    reference,
                )
            )
    # Only the documented `***Key*:` bullet differs. Its value happens to end with `**: 3.2`,
    # so CommonMark pairs the opening `**` with that and reads the whole line as one strong span.
    assert len(disagreements) == 1, disagreements[:5]
    (where, number, label, direct, reference) = disagreements[0]
    assert (where, number) == ("2025/03/12.md", 561)
    assert (label, direct) == ("Technical Details", "Technical Details")
    assert reference is not None and reference.startswith("Technical Details: IMM")


@pytest.mark.corpus
def test_malformed_label_is_the_only_dk301(corpus_documents: dict[Path, DigestDocument]) -> None:
    found = [
        (path.name, d.line, d.col)
        for path, doc in corpus_documents.items()
        for d in doc.diagnostics
        if d.code == "DK301"
    ]
    assert found == [("12.md", 561, 3)]
    bullets = corpus_bullets(corpus_documents)
    assert sum(1 for _, _, line, _ in bullets if MALFORMED.match(line)) == 1


@pytest.mark.parametrize(
    ("text", "label", "rest", "balanced"),
    [
        ("***What's New***: A new method.", "What's New", "A new method.", True),
        ("**What's New**: A new method.", "What's New", "A new method.", True),
        ("***Technical Details*: IMM uses", "Technical Details", "IMM uses", False),
        ("**Label:** text", "Label", "text", True),
        ("*Label*: text", "Label", "text", True),
        ("__Label__: text", "Label", "text", True),
        ("***Key***:x", "Key", "x", True),
        ("**Key**:", "Key", "", True),
        ("**Key**:\t text", "Key", "text", True),
        ("**Key**: **bold** inside", "Key", "**bold** inside", True),
        ("**What's New - Related Work**: x", "What's New - Related Work", "x", True),
        ("**비전 인코더 (Vision Encoder)**: x", "비전 인코더 (Vision Encoder)", "x", True),
        ("**What\u2019s New**: curly", "What\u2019s New", "curly", True),
        ("**Key**: trailing space ", "Key", "trailing space ", True),
        ("plain text", None, "plain text", True),
        ("", None, "", True),
        ("Ratio 3:1", None, "Ratio 3:1", True),
        ("**Bold** start: rest", None, "**Bold** start: rest", True),
        ("**a**b: c", None, "**a**b: c", True),
        ("** Key **: x", None, "** Key **: x", True),
        ("***: x", None, "***: x", True),
        ("*emphasis* only", None, "*emphasis* only", True),
        ("**A *b***: c", None, "**A *b***: c", True),
        ("* not a label: x", None, "* not a label: x", True),
        # A non-canonical lead-in over MAX_LEAD_IN characters is not read as a label (speed).
        ("**" + "k" * 495 + ":** x", "k" * 495, "x", True),
        ("**" + "k" * 496 + ":** x", None, "**" + "k" * 496 + ":** x", True),
        ("***" + "k" * 1000 + "***: x", "k" * 1000, "x", True),
    ],
)
def test_split_label(text: str, label: str | None, rest: str, balanced: bool) -> None:
    assert tuple(split_label(text)) == (label, rest, balanced)


@pytest.mark.parametrize(
    "text",
    [
        "***What's New***: x",
        "**Key**: y",
        "*Label*: z",
        "__L__: w",
        "**Bold** start: rest",
        "plain",
    ],
)
def test_split_label_agrees_with_mistune_on_unit_cases(text: str) -> None:
    assert split_label(text).label == mistune_label(f"- {text}")
