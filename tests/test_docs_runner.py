"""The executable-docs runner itself: a wrong output, a broken doctest or a non-compiling Python
block must fail, and the page's conventions (`...`, no-test, order, workspace) must hold."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from .docs_runner import (
    bin_folder,
    console_commands,
    environment,
    in_process,
    lines_match,
    prepare_workspace,
    read_blocks,
    run_in_process,
    run_page,
)

FENCE = "```"


def page(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.md"
    path.write_text(text.replace("'''", FENCE), encoding="utf-8")
    return path


def run(tmp_path: Path, text: str) -> list[str]:
    workspace = Path(tempfile.mkdtemp(dir=tmp_path))
    return run_page(page(tmp_path, text), workspace)


def test_correct_console_output_passes(tmp_path: Path) -> None:
    text = "'''console\n$ echo hello && echo oops >&2\nhello\noops\n'''\n"
    assert run(tmp_path, text) == []


def test_planted_wrong_output_fails_naming_file_line_expected_and_actual(tmp_path: Path) -> None:
    text = "# Title\n\n'''console\n$ echo hello\nhello\n$ echo world\nplanet\n'''\n"
    [failure] = run(tmp_path, text)
    assert "page.md:6: `$ echo world`" in failure
    assert "--- expected\nplanet\n--- actual\nworld" in failure


def test_missing_and_extra_lines_fail(tmp_path: Path) -> None:
    assert run(tmp_path, "'''console\n$ printf 'a\\nb\\n'\na\n'''\n")
    assert run(tmp_path, "'''console\n$ echo a\na\nb\n'''\n")


def test_ellipsis_line_matches_any_run_of_lines() -> None:
    assert lines_match(["a", "...", "z"], ["a", "b", "c", "z"])
    assert lines_match(["a", "...", "z"], ["a", "z"])
    assert lines_match(["..."], [])
    assert not lines_match(["a", "...", "z"], ["a", "b"])
    assert not lines_match(["a..."], ["abc"])  # only a whole `...` line is a wildcard


def test_blocks_of_a_page_share_one_directory_in_order(tmp_path: Path) -> None:
    text = (
        "'''console\n$ echo 1 > n.txt\n'''\n\ntext\n\n"
        "'''pycon\n>>> from pathlib import Path\n'''\n\n"
        "'''pycon\n>>> Path('n.txt').read_text()\n'1\\n'\n'''\n\n"
        "'''console\n$ cat n.txt\n1\n'''\n"
    )
    assert run(tmp_path, text) == []


def test_workspace_has_the_example_digest_and_digestkit_on_path(tmp_path: Path) -> None:
    text = "'''console\n$ digestkit example | cmp - example.md && echo same\nsame\n'''\n"
    assert run(tmp_path, text) == []


def test_no_test_marker_skips_only_the_next_block(tmp_path: Path) -> None:
    text = (
        "<!-- no-test -->\n\n'''console\n$ false\nnot this output\n'''\n\n"
        "'''console\n$ echo run\nwrong\n'''\n"
    )
    [failure] = run(tmp_path, text)
    assert "page.md:9: `$ echo run`" in failure


def test_other_fences_are_not_executed(tmp_path: Path) -> None:
    text = "'''bash\n$ echo a\nb\n'''\n\n'''json\n{\"not\": checked\n'''\n"
    assert run(tmp_path, text) == []


def test_doctest_failure_names_the_line(tmp_path: Path) -> None:
    text = "intro\n\n'''pycon\n>>> 1 + 1\n2\n>>> 2 + 2\n5\n'''\n"
    [failure] = run(tmp_path, text)
    assert "page.md:3: doctest failed" in failure
    assert 'File "' in failure and "line 6" in failure
    assert "Expected:\n    5\nGot:\n    4" in failure


def test_doctest_is_strict_unless_a_directive_says_otherwise(tmp_path: Path) -> None:
    assert run(tmp_path, "'''pycon\n>>> print('a  b')\na b\n'''\n")
    assert run(tmp_path, "'''pycon\n>>> 'abc'\n'a...'\n'''\n")
    assert run(tmp_path, "'''pycon\n>>> 'abc'  # doctest: +ELLIPSIS\n'a...'\n'''\n") == []


def test_python_blocks_must_compile(tmp_path: Path) -> None:
    assert run(tmp_path, "'''python\nx = [1, 2\n'''\n")
    assert run(tmp_path, "'''python\nimport nonexistent_module\n'''\n") == []  # not run


def test_console_text_before_the_first_command_is_a_mistake(tmp_path: Path) -> None:
    [failure] = run(tmp_path, "'''console\noutput without a command\n'''\n")
    assert "page.md:2: console text before a `$ ` line" in failure


def test_indented_fences_in_lists_are_found(tmp_path: Path) -> None:
    path = page(tmp_path, "* item\n\n    '''console\n    $ echo x\n    x\n    '''\n")
    [block] = read_blocks(path)
    assert (block.line, block.language, block.lines) == (3, "console", ("$ echo x", "x"))
    assert [c.expected for c in console_commands(block)] == [("x",)]


@pytest.mark.parametrize("ending", ["\r\n", "  \n", "\n\n\n"])
def test_line_ends_trailing_space_and_final_blank_lines_do_not_matter(
    tmp_path: Path, ending: str
) -> None:
    command = f"printf 'a{ending.encode('unicode_escape').decode()}'"
    assert run(tmp_path, f"'''console\n$ {command}\na\n'''\n") == []


# Commands of the pages' kind: output, errors to stderr, a usage error, a warning, `--help`.
IN_PROCESS_COMMANDS = [
    "digestkit validate example.md",
    "digestkit convert example.md --to csv",
    "digestkit convert example.md --to hf-json",
    "digestkit validate missing.md",
    "digestkit convert example.md --to nothing",
    "digestkit validate bad.md --format json",
    "digestkit fmt --help",
]


@pytest.mark.parametrize("command", IN_PROCESS_COMMANDS)
def test_a_command_run_in_process_prints_what_the_process_prints(
    command: str, tmp_path: Path
) -> None:
    """The pages' plain `digestkit` lines run in process (a shortcut for the suite's time);
    what they print must be what the installed command prints, byte for byte."""
    prepare_workspace(tmp_path)
    (tmp_path / "bad.md").write_text("## Daily Papers (2025-01-06)\n\n### [T](x)\n\x08\n")
    env = environment(bin_folder())
    args = in_process(command, tmp_path)
    assert args is not None
    process = subprocess.run(
        ["bash", "-c", command],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    assert run_in_process(args, tmp_path, env) == process.stdout.decode()
    assert process.stdout  # each prints something


@pytest.mark.parametrize(
    "command", ["digestkit example | head -3", "digestkit validate $F", "digestkit convert in"]
)
def test_shell_syntax_workers_and_stdin_run_in_bash(command: str, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    assert in_process(command, tmp_path) is None
    assert in_process("digestkit convert - --to csv", tmp_path) is None
    assert in_process("digestkit convert a.md -j 2", tmp_path) is None
