"""`iterparse`: a file parsed digest by digest gives what the whole-file parse gives.

Every check compares the streamed parts with `parse_file` of the same file: the diagnostics
(codes, positions, messages, order), the papers, and the JSON Lines and CSV bytes. The size
threshold is lowered and the read size made tiny so that small texts are cut too, and lines
and headings straddle reads.
"""

from __future__ import annotations

import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import digestkit
from digestkit import DigestDocument
from digestkit.markdown import stream
from tests.conftest import FIXTURES
from tests.strategies import PROFILE, commonmark_documents


@pytest.fixture(autouse=True)
def stream_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "WHOLE_BELOW", 0)
    monkeypatch.setattr(stream, "CHUNK", 61)


def assert_same(path: Path) -> list[DigestDocument]:
    whole = digestkit.parse_file(path)
    parts = list(digestkit.iterparse(path))
    assert [d for part in parts for d in part.diagnostics] == whole.diagnostics
    assert [p for part in parts for p in part.papers] == whole.papers
    assert [d.date for part in parts for d in part.digests] == [d.date for d in whole.digests]
    for fmt in ("jsonl", "csv"):
        assert digestkit.dumps(parts, fmt) == digestkit.dumps(whole, fmt)
    return parts


def write(folder: str, data: bytes) -> Path:
    path = Path(folder, "2025-01-05.md")  # a dated name: DK102 compares every digest with it
    path.write_bytes(data)
    return path


def test_corpus_files_stream_as_they_parse(corpus: list[Path]) -> None:
    for path in corpus:
        assert_same(path)


def test_the_corpus_as_one_file_is_cut_at_every_digest(corpus: list[Path], tmp_path: Path) -> None:
    # Glued without blank lines between files too, so a part ends right before a heading.
    for separator in (b"", b"\n"):
        path = write(str(tmp_path), separator.join(p.read_bytes() for p in corpus[::3]))
        parts = assert_same(path)
        assert len(parts) == sum(len(d.digests) for d in map(digestkit.parse_file, corpus[::3]))


def test_fixtures_stream_as_they_parse() -> None:
    for path in sorted(FIXTURES.rglob("*.md")):
        assert_same(path)


def test_duplicate_urls_across_parts_are_reported_with_the_first_line(tmp_path: Path) -> None:
    day = b"## Daily Papers (2025-01-0%d)\n\n### [T](https://arxiv.org/abs/2501.00001)\nVote: 1\n\n"
    path = write(str(tmp_path), b"".join(day % n for n in (1, 2, 3)))
    parts = assert_same(path)
    assert len(parts) == 3
    found = [str(d) for part in parts for d in part.diagnostics if d.code == "DK113"]
    assert found == [
        f"{path}:8:1: DK113 https://arxiv.org/abs/2501.00001 already appears at line 3",
        f"{path}:13:1: DK113 https://arxiv.org/abs/2501.00001 already appears at line 3",
    ]


HEAD = "## Daily Papers (2025-01-05)\n\n### [T{n}](https://arxiv.org/abs/2501.0000{n})\nVote: 1\n"
UNSAFE = {
    "unclosed tag": "- a <b relation, where b\n",
    "unclosed quote": '- <a title="x\n',
    "open doctype": "<!DOCTYPE x\n",
    "open html block": "<div>\n",
    "comment": "<!-- not closed\n",
    "fence": "```\n",
}


@pytest.mark.parametrize("name", UNSAFE)
def test_open_constructs_keep_the_next_digest_in_the_same_part(name: str, tmp_path: Path) -> None:
    later = "<script>x</script>\n- a <x onclick=1 b/>\n<a href='javascript:x'>\n"
    text = HEAD.format(n=1) + UNSAFE[name] + HEAD.format(n=2) + later + HEAD.format(n=3)
    parts = assert_same(write(str(tmp_path), text.encode()))
    assert len(parts) < 3


def test_reference_definitions_and_lone_cr_keep_a_file_whole(tmp_path: Path) -> None:
    two = HEAD.format(n=1) + HEAD.format(n=2)
    for text in (two.replace("\n", "\r"), two + "[ref]: https://arxiv.org/abs/2501.00009\n"):
        assert len(assert_same(write(str(tmp_path), text.encode()))) == 1
    assert len(assert_same(write(str(tmp_path), two.encode()))) == 2


def test_bad_bytes_raise_the_whole_file_error(tmp_path: Path) -> None:
    for bad in (b"\xff", b"\x00"):
        path = write(str(tmp_path), (HEAD.format(n=1) * 3).encode() + bad + HEAD.encode())
        with pytest.raises(digestkit.DigestError) as whole:
            digestkit.parse_file(path)
        with pytest.raises(digestkit.DigestError) as streamed:
            list(digestkit.iterparse(path))
        assert streamed.value.diagnostics == whole.value.diagnostics


PIECES = (
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "<pre>",
    "</pre>",
    '<a title="x',
    "a <b relation",
    "<!DOCTYPE x",
    "<script>x</script>",
    "<x onclick=1 b/>",
    "```",
    "> quoted",
    "[r]: https://arxiv.org/abs/2501.00002",
    "### [T][r]",
    "### [Dup](https://arxiv.org/abs/2501.00001)",
    "Vote: 3",
    "- item",
    "\ufeff",
)


@st.composite
def hostile_documents(draw: st.DrawFn) -> bytes:
    """CommonMark documents with raw HTML, open tags, definitions and duplicate papers spliced
    in, joined with or without blank lines, in any of the line-ending styles."""
    text = draw(commonmark_documents())
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 4))):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(PIECES)))
    if draw(st.booleans()):
        lines = [line for line in lines if line.strip()]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@PROFILE
@given(hostile_documents())
@example(b"## Daily Papers (2025-01-01)\n<div>\n## Daily Papers (2025-01-02)\n")
@example(b"## Daily Papers (2025-01-01)\nDaily Papers (2025-01-02)\n---\n### [a](u)\n")
def test_any_document_streams_as_it_parses(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write(folder, data)
        try:
            digestkit.parse_file(path)
        except digestkit.DigestError:
            return  # bad bytes: test_bad_bytes_raise_the_whole_file_error
        assert_same(path)


def test_small_files_and_fifos_are_one_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import threading

    text = (HEAD.format(n=1) + HEAD.format(n=2)).encode()
    monkeypatch.setattr(stream, "WHOLE_BELOW", len(text) + 1)
    assert len(list(digestkit.iterparse(write(str(tmp_path), text)))) == 1
    monkeypatch.setattr(stream, "WHOLE_BELOW", 0)
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(text,))
    writer.start()
    parts = list(digestkit.iterparse(fifo))
    writer.join()
    assert len(parts) == 1 and len(parts[0].papers) == 2


def test_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        next(digestkit.iterparse(tmp_path / "missing.md"))


# -- memory ------------------------------------------------------------------------------------


def many_digests(count: int) -> Iterator[bytes]:
    paper = (
        b"### [A paper %d](https://arxiv.org/abs/2501.%05d)\n\n![](https://example.org/%d.png)\n\n"
        b"Vote: 7\n\nAuthors: Ada Lovelace, Alan Turing\n\n"
        b"- ***What's New***: a summary line that is about as long as the corpus has them.\n"
        b"- ***Technical Details***: another line of the summary, with *emphasis*.\n\n"
    )
    for day in range(count):
        yield b"## Daily Papers (2025-01-01)\n\n" + b"".join(
            paper % (n, day * 10 + n, n) for n in range(10)
        )


def peak_converting(path: Path) -> int:
    class Discard:
        def write(self, text: str) -> int:
            return len(text)

    tracemalloc.start()
    try:
        digestkit.dump(digestkit.iterparse(path), Discard(), "jsonl")  # type: ignore[arg-type]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_one_file_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "CHUNK", 2**16)
    one, eight = tmp_path / "one.md", tmp_path / "eight.md"
    one.write_bytes(b"".join(many_digests(50)))
    eight.write_bytes(b"".join(many_digests(400)))
    small, large = peak_converting(one), peak_converting(eight)
    # Whole-file parsing takes 15-60 bytes a byte, so 8x the file would be 8x the peak; the
    # parts keep it at one digest, the read size and the URLs seen (for DK113).
    assert large < 2 * small, (small, large)
    assert large < 3 * eight.stat().st_size, (small, large, eight.stat().st_size)
