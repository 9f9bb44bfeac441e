"""Executable documentation: the code blocks of README.md and docs/*.md run as tests.

The convention (described for writers in docs/contributing.md):

* A ```` ```console ```` block is a shell session. Each line starting with `$ ` is a bash command
  (each runs in its own `bash -c`, so `cd` and variables do not carry over); the lines after it, up
  to the next `$ `, are its exact expected standard output and standard error, combined in the
  order they were written. A line consisting of `...` matches any number of lines (none too).
  Trailing whitespace, trailing blank lines and `\\r\\n` line ends are not significant.
* A ```` ```pycon ```` block is a doctest: standard doctest comparison, ELLIPSIS and
  NORMALIZE_WHITESPACE off unless a `# doctest: +ELLIPSIS` directive turns them on. The pycon
  blocks of one page share their names, like one interactive session.
* Every ```` ```python ```` block must compile (`ast.parse`); it is not run.
* Other fences are not executed, nor is a block right after a line `<!-- no-test -->`.
* All blocks of one page run in order in one fresh directory holding `example.md` (the bytes of
  `digestkit example`) and a copy of `docs/examples/`, with the test interpreter's `bin` folder
  (where `digestkit` is installed) first on PATH.

Failures name the page and line of the command or example, with the expected and actual output.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
NO_TEST = "<!-- no-test -->"
ANY_LINES = "..."
COMMAND_TIMEOUT = 120  # seconds; a hung example should fail, not stall CI

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)[^`]*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block: `line` is the 1-based line of its opening fence."""

    path: Path
    line: int
    language: str
    lines: tuple[str, ...]
    skipped: bool

    @property
    def where(self) -> str:
        return f"{display(self.path)}:{self.line}"

    @property
    def text(self) -> str:
        return "".join(f"{line}\n" for line in self.lines)


@dataclass(frozen=True)
class Command:
    """One `$ ` line of a console block and the output shown under it."""

    line: int
    command: str
    expected: tuple[str, ...]


def display(path: Path) -> str:
    """The path relative to the repository when it is inside it: short failure messages."""
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(ROOT).as_posix()
    return str(path)


def read_blocks(path: Path) -> list[Block]:
    """Every fenced code block of a Markdown page, in order (indented fences too, as in lists)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        end = index + 1
        while end < len(lines) and not _closes(lines[end], fence):
            end += 1
        body = tuple(_dedent(line, indent) for line in lines[index + 1 : end])
        found.append(
            Block(path, index + 1, opening["info"].lower(), body, _after_no_test(lines, index))
        )
        index = end + 1
    return found


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and set(stripped) == {fence[0]}


def _dedent(line: str, indent: int) -> str:
    return line[min(indent, len(line) - len(line.lstrip(" "))) :]


def _after_no_test(lines: list[str], index: int) -> bool:
    previous = index - 1
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    return previous >= 0 and lines[previous].strip() == NO_TEST


def console_commands(block: Block) -> list[Command]:
    """The commands of a console block; text before the first `$ ` is a mistake in the page."""
    commands: list[Command] = []
    for offset, line in enumerate(block.lines, start=block.line + 1):
        if line.startswith("$ "):
            commands.append(Command(offset, line[2:], ()))
        elif not commands:
            if line.strip():
                raise ValueError(f"{display(block.path)}:{offset}: console text before a `$ ` line")
        else:
            last = commands[-1]
            commands[-1] = Command(last.line, last.command, (*last.expected, line))
    return commands


def output_lines(text: str) -> list[str]:
    """Lines compared without trailing whitespace or trailing blank lines (see module doc)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def lines_match(expected: list[str], actual: list[str]) -> bool:
    """Line-by-line equality where an expected `...` line stands for any run of actual lines."""
    # reachable[j]: the expected lines so far can match exactly the first j actual lines.
    reachable = [True] + [False] * len(actual)
    for want in expected:
        if want == ANY_LINES:
            for j in range(1, len(actual) + 1):
                reachable[j] = reachable[j] or reachable[j - 1]
        else:
            reachable = [False] + [
                reachable[j - 1] and actual[j - 1] == want for j in range(1, len(actual) + 1)
            ]
    return reachable[-1]


def prepare_workspace(directory: Path) -> None:
    """The files every page's examples may use: example.md and docs/examples/."""
    example = files("digestkit") / "examples" / "daily-papers.md"
    (directory / "example.md").write_bytes(example.read_bytes())
    if EXAMPLES.is_dir():
        shutil.copytree(EXAMPLES, directory, dirs_exist_ok=True)


def bin_folder() -> Path:
    """The folder of the interpreter running the tests, where pip put the `digestkit` script."""
    folder = Path(sys.executable).parent
    if shutil.which("digestkit", path=str(folder)) is None:
        raise RuntimeError(f"no digestkit script in {folder}: run `pip install -e .` first")
    return folder


def environment(folder: Path) -> dict[str, str]:
    """A predictable environment: no GitHub Actions defaults, unbuffered output in write order."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"GITHUB_ACTIONS", "PYTHONIOENCODING", "COLUMNS", "LINES"}
    }
    env.update(
        PATH=f"{folder}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        PYTHONUTF8="1",
        COLUMNS="100",
        TZ="UTC",
        TERM="dumb",
        NO_COLOR="1",
    )
    return env


# A command of these characters alone is one `digestkit` run with literal arguments: no pipe,
# redirection, variable, glob or list of commands that needs bash.
_PLAIN_COMMAND = re.compile(r"digestkit( [-\w./,=:+@]+)*")


def in_process(command: str, cwd: Path) -> list[str] | None:
    """The arguments of a command that can run in process (`digestkit.cli.main`), else None.

    Each page shows dozens of one-line `digestkit` runs whose output is the point, not the
    process: in process each costs milliseconds instead of an interpreter's start-up and
    imports. Anything a shell does (pipes, redirections, `$?`) still runs in bash, and so does
    a run that may start worker processes (`--jobs`, a folder argument) or read standard input.
    """
    if _PLAIN_COMMAND.fullmatch(command) is None:
        return None
    args = command.split()[1:]
    if any(a in {"-", "-j"} or a.startswith("--jobs") or (cwd / a).is_dir() for a in args):
        return None
    return args


def run_in_process(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """`digestkit ARGS` by `digestkit.cli.main`, with the subprocess's working directory,
    environment and standard streams (output and errors in one stream, in write order); every
    process-wide setting it touches is put back after."""
    import io
    import time
    import warnings

    from digestkit.cli import main

    captured = io.BytesIO()
    streams = (sys.stdin, sys.stdout, sys.stderr)
    saved_env, saved_warning = dict(os.environ), warnings.showwarning
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(captured, encoding="utf-8", newline="", write_through=True)
    sys.stderr = io.TextIOWrapper(captured, encoding="utf-8", write_through=True)
    try:
        with _working_directory(cwd):
            with contextlib.suppress(SystemExit):
                main(args)
            sys.stdout.flush()
            sys.stderr.flush()
        return captured.getvalue().decode("utf-8", errors="replace")
    finally:
        for wrapper in (sys.stdout, sys.stderr):
            with contextlib.suppress(ValueError):
                wrapper.detach()
        sys.stdin, sys.stdout, sys.stderr = streams
        warnings.showwarning = saved_warning
        os.environ.clear()
        os.environ.update(saved_env)
        time.tzset()


def run_command(command: Command, cwd: Path, env: dict[str, str]) -> str:
    args = in_process(command.command, cwd)
    if args is not None:
        return run_in_process(args, cwd, env)
    result = subprocess.run(
        ["bash", "-c", command.command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    return result.stdout.decode("utf-8", errors="replace")


def check_console(block: Block, cwd: Path, env: dict[str, str]) -> Iterator[str]:
    try:
        commands = console_commands(block)
    except ValueError as exc:
        yield str(exc)
        return
    for command in commands:
        actual = output_lines(run_command(command, cwd, env))
        expected = output_lines("\n".join(command.expected))
        if not lines_match(expected, actual):
            yield (
                f"{display(block.path)}:{command.line}: `$ {command.command}` printed other output"
                "\n--- expected\n" + "\n".join(expected) + "\n--- actual\n" + "\n".join(actual)
            )


def check_pycon(block: Block, cwd: Path, globs: dict[str, object]) -> Iterator[str]:
    test = doctest.DocTestParser().get_doctest(
        block.text, globs, block.where, display(block.path), block.line
    )
    report: list[str] = []
    runner = doctest.DocTestRunner(verbose=False, optionflags=0)
    with _working_directory(cwd):
        runner.run(test, out=report.append, clear_globs=False)
    globs.update(test.globs)  # DocTest copies its globals; the next block continues from here
    if report:
        yield f"{block.where}: doctest failed\n" + "".join(report)


def check_python(block: Block) -> Iterator[str]:
    try:
        ast.parse(block.text, filename=block.where)
    except SyntaxError as exc:
        line = block.line + (exc.lineno or 0)
        yield f"{display(block.path)}:{line}: python block does not compile: {exc.msg}"


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def run_page(page: Path, workspace: Path) -> list[str]:
    """Run every executable block of `page` in `workspace` (fresh, empty); return the failures."""
    prepare_workspace(workspace)
    env = environment(bin_folder())
    globs: dict[str, object] = {"__name__": "__docs__"}
    failures: list[str] = []
    for block in read_blocks(page):
        if block.skipped:
            continue
        if block.language == "console":
            failures.extend(check_console(block, workspace, env))
        elif block.language == "pycon":
            failures.extend(check_pycon(block, workspace, globs))
        elif block.language == "python":
            failures.extend(check_python(block))
    return failures
