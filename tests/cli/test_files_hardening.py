"""Issue 13, files and reports: what the command line writes stays where it was asked, never
replaces what is not a file, never reads its own output back, cleans up on signals, and shows
no control character from a file to a terminal. Every test runs the installed command as a
subprocess, because each behaviour depends on the operating system."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tty
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import digestkit

from ..conftest import default_signal_dispositions
from .test_cli import COMMAND, DAY5, DAY6, DIGEST, LOSSY, PAPER, TEXT_LINE, err, run, write

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files and signals")


def read_fifo(path: Path) -> tuple[threading.Thread, list[bytes]]:
    """A reader for the FIFO `path`, in a thread, so that a writer can open it."""
    received: list[bytes] = []

    def reader() -> None:
        with path.open("rb") as stream:
            received.append(stream.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread, received


# -- --split: every output inside the folder, one input per output ----------------------------
@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """`logs/a/x.md`, `logs/b/y.md`, `logs/index.md`, and a victim folder beside `logs`."""
    write(tmp_path / "logs" / "a" / "x.md", DAY5.read_bytes())
    write(tmp_path / "logs" / "b" / "y.md", DAY6.read_bytes())
    write(tmp_path / "logs" / "index.md", DAY5.read_bytes())
    write(tmp_path / "victim" / "page.md", DAY6.read_bytes())
    write(tmp_path / "victim" / "page.html", "the victim's own page\n")
    return tmp_path


def test_split_never_writes_outside_its_folder(logs: Path) -> None:
    result = run("convert", "logs/*/../../victim/*.md", "--split", "site", "--to", "html", cwd=logs)
    assert result.returncode == 1
    lines = err(result).splitlines()
    assert len(lines) == 2 and all("would be outside site" in line for line in lines), lines
    assert (logs / "victim" / "page.html").read_text() == "the victim's own page\n"
    assert sorted(p.name for p in (logs / "victim").iterdir()) == ["page.html", "page.md"]
    assert not any(p.is_file() for p in (logs / "site").rglob("*"))


def test_split_follows_symlinks_before_it_decides(logs: Path) -> None:
    (logs / "site").mkdir()
    (logs / "site" / "a").symlink_to(logs / "victim", target_is_directory=True)
    write(logs / "logs" / "a" / "page.md", DAY6.read_bytes())
    result = run("convert", "logs", "--split", "site", "--to", "html", cwd=logs)
    assert result.returncode == 1
    assert "site/a/page.html would be outside site" in err(result)
    assert (logs / "victim" / "page.html").read_text() == "the victim's own page\n"
    assert (logs / "site" / "b" / "y.html").is_file()  # the other inputs are still written


def test_split_compares_resolved_paths_for_shared_outputs(logs: Path) -> None:
    result = run("convert", "logs/*/../index.md", "--split", "site", "--to", "md", cwd=logs)
    assert result.returncode == 1
    (line,) = err(result).splitlines()
    assert "logs/b/../index.md: site/index.md is already the output of logs/a/../index.md" in line
    assert [p.name for p in (logs / "site").iterdir()] == ["index.md"]
    assert (logs / "site" / "index.md").read_bytes() == DAY5.read_bytes()


def test_split_paths_are_normalised_for_the_site_index(logs: Path) -> None:
    result = run("convert", "logs/a*/../b/*.md", "--split", "site", "--to", "html", cwd=logs)
    assert result.returncode == 0, err(result)
    assert sorted(p.relative_to(logs / "site").as_posix() for p in (logs / "site").rglob("*")) == [
        "b",
        "b/y.html",
        "feed.xml",
        "index.html",
    ]
    page = (logs / "site" / "b" / "y.html").read_text(encoding="utf-8")
    assert 'href="../index.html"' in page  # one level: `a/..` did not count as two
    assert 'href="../feed.xml"' in page
    assert 'href="b/y.html#' in (logs / "site" / "index.html").read_text(encoding="utf-8")


# -- -o onto what is not a regular file: written in place --------------------------------------
def expected_json() -> bytes:
    result = run("convert", DAY5, "--to", "json")
    assert result.returncode == 0
    return result.stdout


def test_output_onto_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    thread, received = read_fifo(fifo)
    result = run("convert", DAY5, "-o", fifo)
    thread.join(timeout=60)
    assert result.returncode == 0, err(result)
    assert received == [expected_json()]
    assert fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no temporary file


def test_output_onto_a_terminal_device_is_written_in_place(tmp_path: Path) -> None:
    leader, follower = os.openpty()  # a character device of this test's own
    try:
        tty.setraw(follower)  # no `\n` -> `\r\n` translation
        device = os.ttyname(follower)
        result = run("convert", DAY5, "--to", "json", "-o", device)
        assert result.returncode == 0, err(result)
        want = expected_json()
        got = b""
        while len(got) < len(want):
            got += os.read(leader, 65536)
        assert got == want
        assert Path(device).is_char_device()
    finally:
        os.close(follower)
        os.close(leader)


def test_output_onto_a_private_device_node_is_written_in_place(tmp_path: Path) -> None:
    node = tmp_path / "null"
    try:
        os.mknod(node, 0o666 | 0o020000, os.makedev(1, 3))  # a private node, not /dev/null
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    result = run("convert", DAY5, "-o", node, "--to", "csv")
    assert result.returncode == 0, err(result)
    assert node.is_char_device()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_output_to_dev_stdout_and_to_a_process_substitution(tmp_path: Path) -> None:
    result = run("convert", DAY5, "--to", "json", "-o", "/dev/stdout")
    assert result.returncode == 0, err(result)
    assert result.stdout == expected_json()
    # `-o >(wc -c)` is `-o /dev/fd/N` on a pipe: the same, through a descriptor of our own.
    reader, writer = os.pipe()
    process = subprocess.Popen(
        [*COMMAND, "convert", str(DAY5), "--to", "json", "-o", f"/dev/fd/{writer}"],
        pass_fds=[writer],
        stderr=subprocess.PIPE,
    )
    os.close(writer)
    with os.fdopen(reader, "rb") as stream:
        received = stream.read()
    assert process.wait(timeout=60) == 0
    assert received == expected_json()


# -- an empty path -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["fmt", ""],
        ["validate", ""],
        ["convert", "", "--to", "json"],
        ["convert", "day.md", "-o", ""],
        ["convert", "day.md", "--split", "", "--to", "md"],
        ["diff", "", "day.md"],
    ],
    ids=lambda args: " ".join(repr(a) for a in args),
)
def test_an_empty_path_is_a_usage_error(args: list[str], tmp_path: Path) -> None:
    untidy = "## Daily Papers (2024-01-02)\n\n### [A](https://arxiv.org/abs/2401.00001)\n- x\n"
    day = write(tmp_path / "day.md", untidy)
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "empty path" in err(result)
    assert result.stdout == b""
    assert day.read_text() == untidy  # `fmt ""` did not reformat the current folder
    assert [p.name for p in tmp_path.iterdir()] == ["day.md"]


# -- a run does not read its own output back ---------------------------------------------------
def test_an_output_inside_the_input_folder_is_not_read_back(tmp_path: Path) -> None:
    write(tmp_path / "logs" / "2024" / "03" / "05.md", DAY5.read_bytes())
    write(tmp_path / "logs" / "2024" / "03" / "06.md", DAY6.read_bytes())
    first = run("convert", "logs", "-o", "logs/all.md", cwd=tmp_path)
    assert first.returncode == 0, err(first)
    once = (tmp_path / "logs" / "all.md").read_bytes()
    assert once == DAY5.read_bytes() + DAY6.read_bytes()
    for arguments in (["logs"], ["logs/**/*.md"], ["logs/*"]):
        again = run("convert", *arguments, "-o", "logs/all.md", cwd=tmp_path)
        assert again.returncode == 0, err(again)
        assert (tmp_path / "logs" / "all.md").read_bytes() == once, arguments


def test_a_split_folder_inside_the_input_folder_is_not_read_back(tmp_path: Path) -> None:
    write(tmp_path / "logs" / "05.md", DAY5.read_bytes())
    for _ in range(2):
        result = run("convert", "logs", "--split", "logs/canon", "--to", "md", cwd=tmp_path)
        assert result.returncode == 0, err(result)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.md"))
    assert written == ["logs/05.md", "logs/canon/05.md"]


def test_an_input_named_as_such_may_still_be_the_output(tmp_path: Path) -> None:
    day = write(tmp_path / "day.md", DAY5.read_bytes())
    result = run("convert", day, DAY6, "-o", day)
    assert result.returncode == 0, err(result)
    assert day.read_bytes() == DAY5.read_bytes() + DAY6.read_bytes()


# -- signals: no temporary file left behind ----------------------------------------------------
def wait_for(condition: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


TERMINATING = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT]


@pytest.fixture
def stalled(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """`convert DAY5 slow.md -o out.json` stopped mid-write: DAY5 is converted into the
    temporary output, then the run waits for `slow.md`, a FIFO nobody writes to yet."""
    out = write(tmp_path / "out.json", "the previous output\n")
    slow = tmp_path / "slow.md"
    os.mkfifo(slow)
    process = subprocess.Popen(
        [*COMMAND, "convert", str(DAY5), str(slow), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=default_signal_dispositions,
    )
    try:
        wait_for(lambda: temporaries(tmp_path), "the temporary output")
        yield process, tmp_path
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=60)


@pytest.mark.parametrize("signum", TERMINATING)
def test_a_terminating_signal_mid_write_leaves_no_temporary_file(
    signum: int, stalled: tuple[subprocess.Popen[bytes], Path]
) -> None:
    process, folder = stalled
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert b"Traceback" not in stderr, stderr
    assert process.returncode == 128 + signum
    assert temporaries(folder) == []
    assert (folder / "out.json").read_text() == "the previous output\n"


def test_an_ignored_hangup_stays_ignored(tmp_path: Path) -> None:
    """`nohup digestkit ...`: SIGHUP is ignored before the run and must stay so."""
    slow = tmp_path / "slow.md"
    os.mkfifo(slow)
    out = tmp_path / "out.md"
    process = subprocess.Popen(
        [*COMMAND, "convert", str(DAY5), str(slow), "-o", str(out)],
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )
    wait_for(lambda: temporaries(tmp_path), "the temporary output")
    process.send_signal(signal.SIGHUP)
    with slow.open("wb") as stream:  # the run goes on: give it its second input
        stream.write(DAY6.read_bytes())
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert out.read_bytes() == DAY5.read_bytes() + DAY6.read_bytes()


# -- canonical Markdown: one refusal for fmt and convert ---------------------------------------
CANONICAL_CHANGES = LOSSY


def reason(result: subprocess.CompletedProcess[bytes], name: str) -> str:
    (line,) = err(result).splitlines()
    prefix = f"digestkit: error: {name}: "
    assert line.startswith(prefix), line
    return line[len(prefix) :].split(": ", 1)[1]  # after "not reformatted" / "not converted"


@pytest.mark.parametrize("case", CANONICAL_CHANGES)
def test_canonical_convert_refuses_what_fmt_refuses(case: str, tmp_path: Path) -> None:
    text = CANONICAL_CHANGES[case]
    same = write(tmp_path / "same.md", text)
    converted = run(
        "convert", "same.md", "--to", "md", "--canonical", "-o", "same.md", cwd=tmp_path
    )
    assert converted.returncode == 1
    assert same.read_bytes().decode("utf-8") == text
    formatted = run("fmt", "same.md", cwd=tmp_path)
    assert formatted.returncode == 1
    assert same.read_bytes().decode("utf-8") == text
    because = reason(converted, "same.md")
    assert because == reason(formatted, "same.md")
    assert re.search(r"\bline \d+\b", because), because  # names the lines
    assert case in because
    to_stdout = run("convert", "same.md", "--to", "md", "--canonical", cwd=tmp_path)
    assert to_stdout.returncode == 1 and to_stdout.stdout == b""


def test_canonical_output_of_a_lone_cr_keeps_every_value(tmp_path: Path) -> None:
    """`\\r\\r\\n` is two line endings to CommonMark (an empty line), so canonical output
    keeps every value and is written; the lone CR does not reach a summary value."""
    text = DIGEST + PAPER + "- x\r\r\n- y\n"
    write(tmp_path / "same.md", text)
    converted = run("convert", "same.md", "--to", "md", "--canonical", cwd=tmp_path)
    assert converted.returncode == 0, err(converted)
    written = digestkit.parse(converted.stdout.decode("utf-8"))
    assert [item.text for item in written.papers[0].summary] == ["x", "y"]
    assert written.papers == digestkit.parse(text).papers


def test_canonical_refusal_names_every_line(tmp_path: Path) -> None:
    text = DIGEST + "stray one\n\n" + PAPER + "Vote: many\n\n- x\n"
    day = write(tmp_path / "day.md", text)
    result = run("convert", day, "--to", "md", "--canonical")
    assert result.returncode == 1
    because = reason(result, str(day))
    assert "line 3:" in because and "(DK112)" in because
    assert "line 7:" in because and "(DK205)" in because


def test_canonical_convert_still_writes_what_it_can_keep(tmp_path: Path) -> None:
    clean = run("convert", DAY5, "--to", "md", "--canonical")
    assert clean.returncode == 0, err(clean)
    assert digestkit.parse(clean.stdout.decode()) == digestkit.parse_file(DAY5)


# -- reports: no control character reaches a terminal ------------------------------------------
HOSTILE = "\x1b]0;owned\x07\x1b[2J\u009b31m\u202e"
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # all but LF


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A digest whose `Vote:` value and file name hold escape sequences and a C1 CSI."""
    return write(tmp_path / f"day{HOSTILE}.md", DIGEST + PAPER + f"Vote: {HOSTILE}\n\n- x\n")


@pytest.mark.parametrize("fmt", ["text", "github", "json", "sarif"])
def test_reports_escape_control_characters(fmt: str, hostile: Path) -> None:
    result = run("validate", hostile.name, "--format", fmt, cwd=hostile.parent)
    assert result.returncode == 0, err(result)
    output = result.stdout.decode("utf-8")
    assert not RAW.search(output), ascii(output)
    assert not RAW.search(err(result))
    if fmt == "text":
        lines = output.splitlines()
        assert all(TEXT_LINE.match(line) for line in lines), lines
        assert any("\\x1b[2J\\x9b31m\\u202e" in line for line in lines), lines
    if fmt == "json":  # still valid, and decodes to the file's own text
        records = json.loads(output)
        assert {r["path"] for r in records} == {hostile.name}
        assert any(HOSTILE in r["message"] for r in records)
    if fmt == "sarif":
        results = json.loads(output)["runs"][0]["results"]
        assert any(HOSTILE in r["message"]["text"] for r in results)


def test_error_lines_escape_control_characters(hostile: Path) -> None:
    missing = f"gone{HOSTILE}.md"
    result = run("convert", missing, "--to", "json", cwd=hostile.parent)
    assert result.returncode == 1
    assert not RAW.search(err(result)), ascii(err(result))
    assert "gone\\x1b]0;owned" in err(result)


# -- a closed pipe: exit 141 whatever the command ----------------------------------------------
@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Digests whose reports and conversions are far larger than a pipe's buffer (64 kB)."""
    folder = tmp_path_factory.mktemp("large")

    def digest(votes: str, count: int = 8000) -> str:
        papers = "".join(
            f"### [Paper {i}](https://arxiv.org/abs/2401.{i:05d})\n\n"
            f"![](https://x.example/{i}.png)\n\nVote: {votes or i}\n\n"
            f"Authors: A {i}, B {i}\n\n- point {i}\n\n"
            for i in range(count)
        )
        return DIGEST + papers

    # fmt --diff: difflib is quadratic in the changed lines, so few papers with long lines.
    untidy = "".join(
        f"### [Paper {i}](https://arxiv.org/abs/2401.{i:05d})\nVote: {i}\n- {'long text ' * 40}\n"
        for i in range(600)
    )
    return {
        "warned": write(folder / "warned.md", digest("many")),
        "clean": write(folder / "clean.md", digest("")),
        "other": write(folder / "other.md", digest("7")),
        "untidy": write(folder / "untidy.md", DIGEST + untidy),
    }


CLOSED_PIPE_COMMANDS = {
    "validate text": ["validate", "{warned}"],
    "validate json": ["validate", "{warned}", "--format", "json"],
    "validate github": ["validate", "{warned}", "--format", "github"],
    "validate sarif": ["validate", "{warned}", "--format", "sarif"],
    "convert json": ["convert", "{clean}", "--to", "json"],
    "convert csv": ["convert", "{clean}", "--to", "csv"],
    "fmt stdin": ["fmt", "-"],
    "fmt diff": ["fmt", "--diff", "{untidy}"],
    "diff": ["diff", "{clean}", "{other}"],
}


@pytest.mark.parametrize("unbuffered", ["1", ""], ids=["unbuffered", "buffered"])
@pytest.mark.parametrize("command", CLOSED_PIPE_COMMANDS)
def test_a_closed_pipe_exits_141(command: str, unbuffered: str, large: dict[str, Path]) -> None:
    names = {key: str(path) for key, path in large.items()}
    args = [arg.format(**names) for arg in CLOSED_PIPE_COMMANDS[command]]
    environ = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    environ["PYTHONUNBUFFERED"] = unbuffered
    process = subprocess.Popen(
        [*COMMAND, *args],
        stdin=large["clean"].open("rb"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environ,
    )
    assert process.stdout is not None and process.stderr is not None
    assert len(process.stdout.read(100)) == 100  # `| head -c 100`
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=120)
    process.stderr.close()
    assert b"Traceback" not in stderr, stderr
    assert process.returncode == 141, stderr


def test_canonical_convert_of_hf_json_keeps_what_it_read(tmp_path: Path) -> None:
    """An entry the HF reader skipped (DK501) was lost before any writer: the rest is written."""
    entries = [
        {"paper": {"id": "2501.00001", "title": "T one"}, "publishedAt": "2025-01-02T08:00:00Z"},
        5,
    ]
    source = write(tmp_path / "day.json", json.dumps(entries))
    result = run("convert", source, "--from", "hf-json", "--to", "md", "--canonical")
    assert result.returncode == 1  # the skipped entry is an error
    assert "DK501" in err(result)
    assert "T one" in result.stdout.decode("utf-8")


def test_a_signal_wrapped_by_a_library_still_ends_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # A signal landing inside pydantic's serializer came back as PydanticSerializationError
    # ("Terminated: 3") and printed a traceback (once in CI). Here the wrapping is by hand.
    from digestkit.cli import app as cli

    def wrapped(args: object) -> int:
        try:
            cli._terminate(signal.SIGTERM, None)
        except cli.Terminated as exc:
            raise ValueError(f"Error serializing to JSON: {exc!r}") from exc
        return 0

    monkeypatch.setattr(cli, "SIGNALLED", [])
    monkeypatch.setattr(cli, "resolve", lambda handler: wrapped)
    assert cli.main(["validate", str(DAY5)]) == 128 + signal.SIGTERM


_NAME = st.text(st.sampled_from("ab.Z _-é0"), min_size=1, max_size=4).filter(
    lambda name: name not in (".", "..")
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(_NAME, max_size=3), _NAME, st.sampled_from([".md", ".MD", ".txt"])),
        min_size=1,
        max_size=12,
    )
)
def test_a_directory_expands_as_the_per_file_relative_paths_order_it(
    files: list[tuple[list[str], str, str]],
) -> None:
    """`cli.files._directory` takes each file's parts from the walk: the same files, order and
    relative paths as sorting by `relative_to(root).parts` file by file."""
    from digestkit.cli import files as _files

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for parents, stem, suffix in files:
            target = root.joinpath(*parents, stem + suffix)
            if any(p.exists() and not p.is_dir() for p in target.parents):
                continue  # a file already holds that folder's name
            if target.is_dir():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"")
        found = [
            Path(here, name)
            for here, subfolders, names in os.walk(root)
            if not any(part.startswith(".") for part in Path(here).relative_to(root).parts)
            for name in names
            if name.lower().endswith(".md")
        ]
        expected = sorted(found, key=lambda file: file.relative_to(root).parts)
        items = _files.expand([str(root)])
        if not expected:
            assert [item.error for item in items] == ["directory has no *.md files"]
            return
        assert [(item.path, item.relative) for item in items] == [
            (file, file.relative_to(root)) for file in expected
        ]
