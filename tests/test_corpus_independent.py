"""Check every corpus paper against a second reading that shares no code with the parser.

The reference reading below uses only `str` methods, `ast.literal_eval` and one small regex: it
cuts each file at lines starting with `### [`, then reads the Vote, Authors, media and bullet
lines of each block the plain way. The parsed models must agree paper by paper (matched by the
heading's line number), and the totals must equal the independent survey in FORMAT.md.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from digestkit import DigestDocument, Paper

pytestmark = pytest.mark.corpus

LABEL = re.compile(r"- \*\*\*?([^*]+?)\*{1,3}:[ \t]*")


@dataclass
class Block:
    """One paper as the plain reading sees it."""

    line: int  # 1-based heading line
    votes: list[str] = field(default_factory=list)  # raw values of `Vote:` lines
    authors: list[list[str]] = field(default_factory=list)  # one name list per `Authors:` line
    media: tuple[str, str] | None = None
    media_form: str | None = None
    bullets: list[str] = field(default_factory=list)
    item_lines: list[int] = field(default_factory=list)  # text lines per bullet


def read_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    block: Block | None = None
    open_item = False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("### ["):
            block, open_item = Block(number), False
            blocks.append(block)
            continue
        if line.startswith("## "):
            block, open_item = None, False
            continue
        if block is None:
            continue
        if line.startswith("- "):
            block.bullets.append(line)
            block.item_lines.append(1)
            open_item = True
        elif not line.strip():
            open_item = False
        elif open_item:
            block.item_lines[-1] += 1
        elif line.startswith("Vote:"):
            block.votes.append(line[len("Vote:") :].strip())
        elif line.startswith("Authors: "):
            value = line[len("Authors: ") :]
            names = ast.literal_eval(value) if value.startswith("[") else value.split(", ")
            block.authors.append([name for name in names if name != "+"])
        elif block.media is None:
            read_media(block, line)
    return blocks


def read_media(block: Block, line: str) -> None:
    if line.startswith("![]("):
        url = line[4 : line.rindex(")")]
        # A video file in an image tag (`.qt`, `.webm`: FORMAT.md W07) is the paper's video.
        kind = "video" if url.lower().endswith((".mp4", ".webm", ".mov", ".qt")) else "image"
        block.media, block.media_form = (kind, url), "image"
    elif line.startswith("[Watch Video]("):
        block.media = ("video", line[len("[Watch Video](") : line.rindex(")")])
        block.media_form = "watch"
    elif line.startswith("[Watch Video]"):
        block.media, block.media_form = ("video", line[len("[Watch Video]") :]), "watch"
    elif line.startswith("<video src="):
        quote = line[len("<video src=")]
        start = len("<video src=") + 1
        block.media = ("video", line[start : line.index(quote, start)])
        block.media_form = "video tag"


def expected_label(bullet: str) -> tuple[str | None, str]:
    match = LABEL.match(bullet)
    if match:
        return match.group(1).strip(), bullet[match.end() :]
    # CommonMark: the spaces after the marker are not content (`-  text` occurs once).
    return None, bullet[2:].lstrip(" \t")


@pytest.fixture(scope="module")
def pairs(corpus_documents: dict[Path, DigestDocument]) -> list[tuple[Path, Block, Paper]]:
    """(file, plain reading, parsed paper) for every paper of the corpus."""
    result: list[tuple[Path, Block, Paper]] = []
    for path, doc in corpus_documents.items():
        blocks = read_blocks(path.read_bytes().decode("utf-8"))
        by_line = {paper.line or 0: paper for paper in doc.papers}
        assert sorted(by_line) == [block.line for block in blocks], path
        result.extend((path, block, by_line[block.line]) for block in blocks)
    return result


def test_every_heading_is_a_paper(pairs: list[tuple[Path, Block, Paper]]) -> None:
    assert len(pairs) == 5488


def test_votes_match(pairs: list[tuple[Path, Block, Paper]]) -> None:
    wrong = []
    for path, block, paper in pairs:
        assert len(block.votes) <= 1, (path, block.line)
        raw = block.votes[0] if block.votes else None
        expected = int(raw) if raw is not None and raw.isdigit() else None
        if paper.votes != expected:
            wrong.append((path.name, block.line, raw, paper.votes))
    assert wrong == []


def test_authors_match(pairs: list[tuple[Path, Block, Paper]]) -> None:
    wrong = [
        (str(path), block.line)
        for path, block, paper in pairs
        if paper.authors != (block.authors[0] if block.authors else [])
    ]
    assert wrong == []


def test_media_match(pairs: list[tuple[Path, Block, Paper]]) -> None:
    wrong = []
    for path, block, paper in pairs:
        media = (paper.media.kind, paper.media.url) if paper.media else None
        if media != block.media:
            wrong.append((str(path), block.line, block.media, media))
    assert wrong == []


def test_summary_items_match(pairs: list[tuple[Path, Block, Paper]]) -> None:
    wrong = []
    for path, block, paper in pairs:
        expected = [expected_label(bullet) for bullet in block.bullets]
        parsed = [(item.label, item.text.split("\n")[0]) for item in paper.summary]
        lines = [item.text.count("\n") + 1 for item in paper.summary]
        if parsed != expected or lines != block.item_lines:
            wrong.append((str(path), block.line))
    assert wrong == []


def test_totals_equal_the_survey(pairs: list[tuple[Path, Block, Paper]]) -> None:
    # FORMAT.md sections 2, 2.4-2.7: counted by a separate survey of the corpus.
    forms = Counter(block.media_form for _, block, _ in pairs)
    assert forms == {"image": 5325, "watch": 151, "video tag": 1, None: 11}
    votes = [raw for _, block, _ in pairs for raw in block.votes]
    assert len(votes) == 5403
    assert votes.count("-") == 32
    assert sum(1 for _, block, _ in pairs if not block.votes) == 85
    assert sum(len(block.authors) for _, block, _ in pairs) == 5477
    assert sum(len(block.bullets) for _, block, _ in pairs) == 21391
    assert sum(n - 1 for _, block, _ in pairs for n in block.item_lines) == 15


def test_model_totals_equal_the_survey(pairs: list[tuple[Path, Block, Paper]]) -> None:
    papers = [paper for _, _, paper in pairs]
    kinds = Counter(paper.media.kind if paper.media else None for paper in papers)
    # FORMAT.md 2.4: 5,325 image tags, of which 15 `.qt` and 2 `.webm` are videos (W07).
    assert kinds == {"image": 5325 - 17, "video": 152 + 17, None: 11}
    assert sum(1 for paper in papers if paper.votes is None) == 32 + 85
    assert sum(1 for paper in papers if paper.authors) == 5477
    assert sum(len(paper.summary) for paper in papers) == 21391
    labels = Counter(item.label for paper in papers for item in paper.summary)
    assert labels[None] == 9183
    assert sum(labels.values()) - labels[None] == 4120 + 8087 + 1
