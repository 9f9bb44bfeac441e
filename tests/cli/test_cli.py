"""The installed `digestkit` console script, end to end, as a subprocess: what users and CI see."""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

import digestkit
from digestkit.cli import app as cli

from ..conftest import FIXTURES
from ..test_report import DIAGNOSTICS_SCHEMA, GITHUB_LINE, SARIF_SCHEMA

DATA = Path(__file__).resolve().parent.parent / "data" / "cli"
DIGESTS = DATA / "digests"
DAY5 = DIGESTS / "2024" / "03" / "05.md"
DAY6 = DIGESTS / "2024" / "03" / "06.md"
UNTIDY = DATA / "untidy.md"
EXAMPLE = Path(digestkit.__file__).parent / "examples" / "daily-papers.md"

_SCRIPT = shutil.which("digestkit", path=str(Path(sys.executable).parent))
COMMAND = [_SCRIPT] if _SCRIPT else [sys.executable, "-m", "digestkit"]
TEXT_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>DK\d{3}) (?P<msg>.+)$")
ERROR_LINE = re.compile(r"^digestkit: error: .+")
PAPER = "### [A](https://arxiv.org/abs/2401.00001)\n\n"
DIGEST = "## Daily Papers (2024-01-02)\n\n"


def run(
    *args: Any, stdin: bytes = b"", cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    environ = {
        k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PYTHONIOENCODING")
    }
    environ.update(env or {})
    return subprocess.run(
        [*COMMAND, *map(str, args)],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=environ,
        timeout=120,
        check=False,
    )


def err(result: subprocess.CompletedProcess[bytes]) -> str:
    text = result.stderr.decode("utf-8")
    assert "Traceback" not in text, text
    return text


def one_error_line(result: subprocess.CompletedProcess[bytes], name: str) -> str:
    """The single `digestkit: error: NAME: reason` line a bad input gives."""
    lines = err(result).splitlines()
    assert len(lines) == 1, lines
    assert ERROR_LINE.match(lines[0]), lines
    assert name in lines[0], lines
    return lines[0]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# -- the command itself ------------------------------------------------------------------------
def test_the_installed_console_script_is_used() -> None:
    assert _SCRIPT is not None, "install the package (pip install -e .) so `digestkit` exists"


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"digestkit {digestkit.__version__}"


@pytest.mark.parametrize("command", ["convert", "validate", "fmt", "schema", "example"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0, err(result)
    text = result.stdout.decode()
    assert text.startswith(f"usage: digestkit {command}")
    epilog = text[text.index("example") :]
    assert f"digestkit {command}" in epilog or "| digestkit" in epilog


def test_top_level_help_lists_every_command() -> None:
    text = run("--help").stdout.decode()
    for command in ("convert", "validate", "fmt", "schema", "example"):
        assert re.search(rf"^\s+{command}\s+\S", text, re.M), command


@pytest.mark.parametrize(
    "args", [[], ["frobnicate"], ["convert"], ["validate", "--format", "xml", "x.md"]]
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "usage: digestkit" in err(result)


def test_main_returns_exit_codes_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert cli.main(["convert"]) == 2
    assert cli.main(["validate", str(DAY5), str(DAY6)]) == 0
    captured = capsys.readouterr()
    assert "0 errors, 0 warnings in 2 files" in captured.err


def test_start_up_imports_nothing_heavy() -> None:
    code = (
        "import sys, digestkit.cli as c; c.build_parser(); "
        "print(' '.join(m for m in ('tqdm', 'lxml', 'mistune', 'jsonschema', 'difflib', "
        "'digestkit.report', 'digestkit.formats.markdown') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert result.stdout.decode().strip() == ""


PLUGIN = """\
import os


class Plugin:
    def new_schema_validator(self, schema, schema_type, *rest):
        with open(os.environ["PLUGIN_LOG"], "a") as log:
            log.write(f"{schema_type.__name__}\\n")
        return None, None, None


plugin = Plugin()
"""


def with_a_pydantic_plugin(tmp_path: Path, code: list[str], variable: str | None) -> list[str]:
    """The models a pydantic plugin installed on the path saw built while `code` ran, with
    PYDANTIC_DISABLE_PLUGINS unset (None) or set to `variable`."""
    site = tmp_path / "site"
    info = site / "logging_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: logging-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nlogging = logging_plugin:plugin\n")
    (site / "logging_plugin.py").write_text(PLUGIN)
    log = tmp_path / "plugin.log"
    log.write_text("")
    env = {k: v for k, v in os.environ.items() if k != cli.PLUGINS_VARIABLE}
    env.update(PLUGIN_LOG=str(log), PYTHONPATH=os.pathsep.join([str(site), *sys.path]))
    if variable is not None:
        env[cli.PLUGINS_VARIABLE] = variable
    result = subprocess.run(code, capture_output=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr.decode()
    return log.read_text().split()


def test_the_command_runs_without_pydantic_plugins_unless_the_user_asks(tmp_path: Path) -> None:
    # A parse builds no pydantic validator (`defer_build`); JSON output builds them all.
    dump = f"import digestkit; digestkit.dumps(digestkit.parse_file({str(DAY5)!r}), 'json')"
    library = [sys.executable, "-c", dump]
    convert = [*COMMAND, "convert", str(DAY5), "--to", "json"]
    assert "DigestDocument" in with_a_pydantic_plugin(tmp_path / "library", library, None)
    assert with_a_pydantic_plugin(tmp_path / "cli", convert, None) == []
    assert "DigestDocument" in with_a_pydantic_plugin(tmp_path / "on", convert, "")  # user choice
    assert with_a_pydantic_plugin(tmp_path / "named", convert, "other") != []
    assert with_a_pydantic_plugin(tmp_path / "off", convert, "logging") == []


# -- example -----------------------------------------------------------------------------------
def test_example_prints_the_shipped_digest() -> None:
    result = run("example")
    assert result.returncode == 0
    assert result.stdout == EXAMPLE.read_bytes()
    assert digestkit.parse(result.stdout.decode()).errors == []


def test_readme_first_command_example_to_csv() -> None:
    example = run("example").stdout
    result = run("convert", "-", "--to", "csv", stdin=example)
    assert result.returncode == 0, err(result)
    rows = list(csv.reader(io.StringIO(result.stdout.decode("utf-8"), newline="")))
    assert len(rows) == 1 + len(digestkit.parse(example.decode()).papers)


# -- convert: inputs and outputs ---------------------------------------------------------------
def test_convert_stdin_to_stdout_is_byte_exact_markdown() -> None:
    result = run("convert", "-", "--to", "md", stdin=UNTIDY.read_bytes())
    assert result.returncode == 0, err(result)
    assert result.stdout == UNTIDY.read_bytes()
    assert err(result) == ""  # warnings are validate's business


def test_convert_directory_reads_every_digest_in_sorted_order() -> None:
    result = run("convert", DIGESTS, "--to", "markdown")
    assert result.returncode == 0, err(result)
    assert result.stdout == DAY5.read_bytes() + DAY6.read_bytes()
    assert err(result) == ""  # no progress bar when stderr is not a terminal


def test_convert_glob_and_argument_order(tmp_path: Path) -> None:
    glob = run("convert", "digests/2024/*/*.md", "--to", "md", cwd=DATA)
    assert glob.returncode == 0, err(glob)
    assert glob.stdout == DAY5.read_bytes() + DAY6.read_bytes()
    reverse = run("convert", DAY6, DAY5, "--to", "md")
    assert reverse.stdout == DAY6.read_bytes() + DAY5.read_bytes()


def test_convert_hidden_folders_are_skipped(tmp_path: Path) -> None:
    shutil.copytree(DIGESTS, tmp_path / "logs")
    write(tmp_path / "logs" / ".git" / "notes.md", "not a digest\n")
    result = run("convert", tmp_path / "logs", "--to", "md")
    assert result.returncode == 0, err(result)
    assert result.stdout == DAY5.read_bytes() + DAY6.read_bytes()


def test_convert_infers_the_format_from_the_output_name(tmp_path: Path) -> None:
    out = tmp_path / "both.md"
    result = run("convert", DAY5, DAY6, "-o", out)
    assert result.returncode == 0, err(result)
    assert result.stdout == b""
    assert out.read_bytes() == DAY5.read_bytes() + DAY6.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "papers.xyz"], "--to"),
        ([], "--to FORMAT"),
        (["--to", "docx"], "unknown format 'docx'"),
        (["--to", "md", "--bom"], "--bom applies to csv output, not markdown"),
        (["--to", "md", "--indent", "2"], "--indent applies to json output"),
        (["--to", "md", "--split", "out", "-o", "x.md"], "either -o"),
        (["--to", "json", "--indent", "-1"], "non-negative"),
    ],
)
def test_convert_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = run("convert", DAY5, *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in err(result)
    assert list(tmp_path.iterdir()) == []


def test_convert_canonical_markdown_equals_fmt() -> None:
    canonical = run("convert", UNTIDY, "--to", "md", "--canonical")
    formatted = run("fmt", "-", stdin=UNTIDY.read_bytes())
    assert canonical.returncode == formatted.returncode == 0
    assert canonical.stdout == formatted.stdout != UNTIDY.read_bytes()
    assert digestkit.parse(canonical.stdout.decode()) == digestkit.parse_file(UNTIDY)


def test_convert_split_mirrors_directory_inputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("convert", DIGESTS, DATA / "untidy.md", "--split", out, "--to", "md")
    assert result.returncode == 0, err(result)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["2024/03/05.md", "2024/03/06.md", "untidy.md"]
    assert (out / "2024" / "03" / "05.md").read_bytes() == DAY5.read_bytes()
    assert (out / "untidy.md").read_bytes() == UNTIDY.read_bytes()


def test_convert_split_refuses_two_inputs_with_one_output(tmp_path: Path) -> None:
    other = write(tmp_path / "b" / "05.md", DAY6.read_bytes())
    result = run("convert", DAY5, other, "--split", tmp_path / "out", "--to", "md")
    assert result.returncode == 1
    assert "is already the output of" in one_error_line(result, str(other))
    assert (tmp_path / "out" / "05.md").read_bytes() == DAY5.read_bytes()


def test_convert_split_needs_named_inputs(tmp_path: Path) -> None:
    result = run("convert", "-", "--split", tmp_path, "--to", "md", stdin=DAY5.read_bytes())
    assert result.returncode == 2
    assert "standard input" in err(result)


def test_convert_markdown_json_markdown_gives_back_the_bytes(tmp_path: Path) -> None:
    as_json = tmp_path / "day.json"
    first = run("convert", DAY5, "-o", as_json)
    assert first.returncode == 0, err(first)
    back = run("convert", as_json, "--to", "md")  # --from inferred from .json
    assert back.returncode == 0, err(back)
    assert back.stdout == DAY5.read_bytes()
    piped = run("convert", "-", "--from", "json", "--to", "md", stdin=as_json.read_bytes())
    assert piped.stdout == DAY5.read_bytes()


def test_convert_several_inputs_to_one_json_document_list(tmp_path: Path) -> None:
    result = run("convert", DIGESTS, "--to", "json", "--indent", "2")
    assert result.returncode == 0, err(result)
    back = digestkit.loads(result.stdout.decode(), "json")
    assert isinstance(back, list)
    assert back == [digestkit.parse_file(DAY5), digestkit.parse_file(DAY6)]


def test_convert_reads_inputs_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer gets a generator: the second file is read only after the first is written."""
    from digestkit.cli import convert as _convert
    from digestkit.cli import files as _files
    from digestkit.cli.common import read_bytes as original

    inputs = _files.expand([str(DAY5), str(DAY6)])
    reads: list[str] = []

    def spy(item: _files.Input) -> bytes:
        reads.append(item.name)
        return original(item)

    monkeypatch.setattr(_convert, "read_bytes", spy)
    args = cli.build_parser().parse_args(["convert", str(DAY5), str(DAY6), "--to", "md"])
    documents = _convert.Conversion(args, inputs).documents(inputs)
    assert reads == []
    next(documents)
    assert reads == [str(DAY5)]
    next(documents)
    assert reads == [str(DAY5), str(DAY6)]


def test_output_is_utf8_whatever_the_locale() -> None:
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    result = run("convert", DAY5, "--to", "md", env=env)
    assert result.returncode == 0, err(result)
    assert result.stdout == DAY5.read_bytes()
    assert "Øvergaard".encode() in result.stdout
    warned = run("validate", "-", stdin=(DIGEST + PAPER + "Vote: zwölf\n\n- x\n").encode(), env=env)
    assert warned.returncode == 0, err(warned)
    assert "`Vote: zwölf`".encode() in warned.stdout


def test_an_explicit_non_utf8_encoding_gives_one_line() -> None:
    result = run("convert", DAY5, "--to", "md", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 1
    assert "PYTHONIOENCODING=utf-8" in one_error_line(result, "ascii")


def test_progress_bar_only_on_a_terminal() -> None:
    import fcntl
    import pty
    import select
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    try:
        process = subprocess.Popen(
            [*COMMAND, "convert", str(DAY5), str(DAY6), "--to", "md"],
            stdout=subprocess.PIPE,
            stderr=follower,
        )
        os.close(follower)
        assert process.stdout is not None
        output = process.stdout.read()
        process.stdout.close()
        process.wait(timeout=60)
        shown = b""
        while select.select([leader], [], [], 1)[0]:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert process.returncode == 0
    assert output == DAY5.read_bytes() + DAY6.read_bytes()
    assert b"/2 [" in shown  # tqdm's counter
    assert run("convert", DAY5, DAY6, "--to", "md").stderr == b""  # not a terminal: silent


def closed_pipe_run(*args: str) -> tuple[int, bytes]:
    """Exit code and standard error of `digestkit ARGS` whose reader stops after 100 bytes
    (`digestkit ... | head -c 100`)."""
    process = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(100)
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=60)
    process.stderr.close()
    return process.returncode, stderr


def test_closed_pipe_exits_quietly() -> None:
    assert closed_pipe_run("convert", *[str(DAY5)] * 400, "--to", "md") == (141, b"")


# -- convert: bad inputs -----------------------------------------------------------------------
BAD_INPUTS: dict[str, tuple[str, bytes | None, str]] = {
    # name -> (file name, content (None: nothing is created), words the reason contains)
    "missing file": ("nothing-here.md", None, "no such file"),
    "invalid UTF-8": (
        "latin1.md",
        "## Daily Papers (2024-01-02)\n\ncaf\xe9\n".encode("latin-1"),
        "invalid UTF-8",
    ),
    "binary file": ("clip.md", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "binary"),
    "not a digest": ("notes.md", b"# Shopping list\n\n- eggs\n", "not a digest"),
    "empty file": ("empty.md", b"", "empty file"),
    "blank file": ("blank.md", b"\n\n  \n", "empty file"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_convert_bad_input_gives_one_line(case: str, tmp_path: Path) -> None:
    name, content, reason = BAD_INPUTS[case]
    if content is not None:
        write(tmp_path / name, content)
    result = run("convert", name, "--to", "md", cwd=tmp_path)
    assert result.returncode == 1
    assert reason in one_error_line(result, name)
    assert result.stdout == b""


def test_convert_empty_directory_and_empty_glob(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty" / "readme.txt", "hello")
    result = run("convert", "empty", "--to", "md", cwd=tmp_path)
    assert result.returncode == 1
    assert "has no *.md files" in one_error_line(result, "empty")
    result = run("convert", "logs/*/*.md", "--to", "md", cwd=tmp_path)
    assert result.returncode == 1
    assert "no file matches" in one_error_line(result, "logs/*/*.md")


def test_convert_goes_on_after_a_bad_input(tmp_path: Path) -> None:
    result = run("convert", DAY5, tmp_path / "missing.md", DAY6, "--to", "md")
    assert result.returncode == 1
    one_error_line(result, "missing.md")
    assert result.stdout == DAY5.read_bytes() + DAY6.read_bytes()


def test_convert_reports_parse_errors_and_still_converts(tmp_path: Path) -> None:
    broken = write(
        tmp_path / "2024" / "01" / "02.md",
        DIGEST + PAPER + "- fine\n\n### [](https://arxiv.org/abs/2401.00002)\n\n- x\n",
    )
    result = run("convert", broken, "--to", "md")
    assert result.returncode == 1
    line = one_error_line(result, str(broken))
    assert TEXT_LINE.match(line.removeprefix("digestkit: error: "))
    assert "DK207" in line
    assert result.stdout == broken.read_bytes()


def test_convert_bad_json_input_gives_one_line(tmp_path: Path) -> None:
    write(tmp_path / "broken.json", '{"digests": [')
    result = run("convert", "broken.json", "--to", "md", cwd=tmp_path)
    assert result.returncode == 1
    one_error_line(result, "broken.json")


# -- convert: atomic outputs -------------------------------------------------------------------
def test_fail_fast_leaves_an_existing_output_untouched(tmp_path: Path) -> None:
    out = write(tmp_path / "out.md", "previous output\n")
    bad = write(tmp_path / "in" / "bad.md", b"## Daily Papers (2024-01-02)\n\n\xff\xfe")
    result = run("convert", DAY5, bad, DAY6, "-o", out, "--fail-fast")
    assert result.returncode == 1
    one_error_line(result, str(bad))
    assert out.read_bytes() == b"previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.md"]  # no temp file


def test_fail_fast_on_a_parse_error_half_way(tmp_path: Path) -> None:
    out = write(tmp_path / "out.md", "previous output\n")
    broken = write(
        tmp_path / "in" / "2024" / "01" / "02.md",
        DIGEST + PAPER + "- fine\n\n### [](https://arxiv.org/abs/2401.00002)\n",
    )
    result = run("convert", DAY5, broken, "-o", out, "--to", "md", "--fail-fast")
    assert result.returncode == 1
    assert "DK207" in one_error_line(result, str(broken))
    assert out.read_bytes() == b"previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.md"]


def test_without_fail_fast_the_good_inputs_are_written(tmp_path: Path) -> None:
    out = write(tmp_path / "out.md", "previous output\n")
    result = run("convert", DAY5, tmp_path / "missing.md", DAY6, "-o", out)
    assert result.returncode == 1
    assert out.read_bytes() == DAY5.read_bytes() + DAY6.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_an_output_is_not_replaced_when_every_input_failed(tmp_path: Path) -> None:
    out = write(tmp_path / "out.md", "previous output\n")
    result = run("convert", tmp_path / "missing.md", "-o", out)
    assert result.returncode == 1
    assert out.read_bytes() == b"previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_unwritable_output_gives_one_line(tmp_path: Path) -> None:
    result = run("convert", DAY5, "-o", tmp_path / "no" / "such" / "dir.md")
    assert result.returncode == 1
    assert "No such file or directory" in one_error_line(result, "dir.md")
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_keeps_permissions_and_cleans_up(tmp_path: Path) -> None:
    from digestkit.cli.files import atomic_output

    target = write(tmp_path / "kept.md", "old\n")
    target.chmod(0o640)
    with atomic_output(target) as stream:
        stream.write("new\r\n")  # written as given: no newline translation
        assert target.read_bytes() == b"old\n"  # nothing visible until the block completes
    assert target.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    with pytest.raises(RuntimeError), atomic_output(target) as stream:
        stream.write("half")
        raise RuntimeError("writer failed")
    assert target.read_bytes() == b"new\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.md"]


def test_atomic_output_removes_its_file_when_interrupted_as_it_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An interrupt raised the moment the temporary file exists (a signal another thread
    received is raised on the main thread at any point) leaves no temporary file behind."""
    from digestkit.cli.files import atomic_output

    target = write(tmp_path / "kept.md", "old\n")
    real_open = os.open

    def interrupted_open(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        handle = real_open(path, flags, mode, **kw)
        if Path(path).name.startswith(".kept.md."):
            os.close(handle)
            raise KeyboardInterrupt
        return handle

    monkeypatch.setattr(os, "open", interrupted_open)
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as stream:
        stream.write("never")
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["kept.md"]
    assert target.read_bytes() == b"old\n"


# -- validate ----------------------------------------------------------------------------------
WITH_PROBLEMS = {
    "2024/01/02.md": DIGEST
    + PAPER
    + "Vote: -\n\n- ok\n\n### [](https://arxiv.org/abs/2401.00002)\n\nVote: many\n\n- x\n",
    "2024/01/03.md": "## Daily Papers (2024-01-04)\n\n" + PAPER + "- a bullet\n",
}


@pytest.fixture
def problems(tmp_path: Path) -> Path:
    for name, text in WITH_PROBLEMS.items():
        write(tmp_path / "logs" / name, text)
    return tmp_path


def test_validate_clean_files(tmp_path: Path) -> None:
    result = run("validate", DIGESTS, "--strict")
    assert result.returncode == 0
    assert result.stdout == b""
    assert err(result).strip() == "0 errors, 0 warnings in 2 files"


def test_validate_text_lines_and_summary(problems: Path) -> None:
    result = run("validate", "logs", cwd=problems)
    assert result.returncode == 1  # DK207 is an error
    lines = result.stdout.decode().splitlines()
    parsed = [TEXT_LINE.match(line) for line in lines]
    assert all(parsed), lines
    found = [(m["path"], int(m["line"]), m["code"]) for m in parsed if m]
    first, second = (str(Path("logs", "2024", "01", day)) for day in ("02.md", "03.md"))
    assert (first, 5, "DK206") in found
    assert (first, 9, "DK207") in found
    assert (first, 11, "DK205") in found
    assert (second, 1, "DK102") in found  # the heading date is not the path's date
    assert [p for p, _, _ in found] == sorted(p for p, _, _ in found)  # file order
    assert sum(m["code"] == "DK207" for m in parsed if m) == 1
    assert err(result) == f"1 error, {len(lines) - 1} warnings in 2 files\n"


def test_validate_strict_select_ignore(problems: Path) -> None:
    warnings_only = run("validate", "logs/2024/01/03.md", cwd=problems)
    assert warnings_only.returncode == 0
    assert warnings_only.stdout != b""
    assert run("validate", "logs/2024/01/03.md", "--strict", cwd=problems).returncode == 1
    selected = run("validate", "logs", "--select", "DK20", cwd=problems)
    codes = {m["code"] for m in map(TEXT_LINE.match, selected.stdout.decode().splitlines()) if m}
    assert codes and all(code.startswith("DK20") for code in codes)
    ignored = run("validate", "logs", "--ignore", "DK207", "--ignore", "DK1,DK2", cwd=problems)
    assert ignored.stdout == b""
    assert ignored.returncode == 0
    unknown = run("validate", "logs", "--select", "E501", cwd=problems)
    assert unknown.returncode == 2
    assert "unknown diagnostic code 'E501'" in err(unknown)


def test_validate_json_matches_the_schema_and_the_text(problems: Path) -> None:
    as_json = run("validate", "logs", "--format", "json", cwd=problems)
    as_text = run("validate", "logs", cwd=problems)
    assert as_json.returncode == as_text.returncode == 1
    records = json.loads(as_json.stdout)
    jsonschema.Draft202012Validator(DIAGNOSTICS_SCHEMA).validate(records)
    rebuilt = [f"{r['path']}:{r['line']}:{r['col']}: {r['code']} {r['message']}" for r in records]
    assert rebuilt == as_text.stdout.decode().splitlines()
    assert {r["severity"] for r in records} == {"error", "warning"}
    assert as_json.stderr == b""  # no summary in machine formats


def test_validate_github_format_and_its_default_in_actions(problems: Path) -> None:
    explicit = run("validate", "logs", "--format", "github", cwd=problems)
    default = run("validate", "logs", cwd=problems, env={"GITHUB_ACTIONS": "true"})
    assert explicit.stdout == default.stdout
    lines = explicit.stdout.decode().splitlines()
    matches = [GITHUB_LINE.match(line) for line in lines]
    assert all(matches), lines
    commands = {m["command"] for m in matches if m}
    assert commands == {"error", "warning"}
    text_lines = run("validate", "logs", cwd=problems).stdout.decode().splitlines()
    assert len(lines) == len(text_lines)
    assert "file=logs/2024/01/02.md,line=9,col=" in explicit.stdout.decode()


def test_validate_sarif_matches_the_official_schema(problems: Path) -> None:
    result = run("validate", "logs", "--format", "sarif", cwd=problems)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"logs/2024/01/02.md", "logs/2024/01/03.md"}
    assert {r["level"] for r in results} == {"error", "warning"}


def test_validate_stdin(tmp_path: Path) -> None:
    result = run("validate", "-", stdin=DAY5.read_bytes())
    assert result.returncode == 0
    result = run("validate", "-", stdin=WITH_PROBLEMS["2024/01/02.md"].encode())
    assert result.returncode == 1
    assert result.stdout.decode().startswith("<stdin>:")


@pytest.mark.parametrize("case", [c for c in BAD_INPUTS if c != "missing file"])
def test_validate_reports_a_bad_file_as_one_finding(case: str, tmp_path: Path) -> None:
    name, content, reason = BAD_INPUTS[case]
    assert content is not None
    write(tmp_path / name, content)
    result = run("validate", name, cwd=tmp_path)
    assert result.returncode == 1
    (line,) = result.stdout.decode().splitlines()
    match = TEXT_LINE.match(line)
    assert match and match["path"] == name and match["code"] in ("DK001", "DK002"), line
    assert reason in line
    assert err(result).strip() == "1 error, 0 warnings in 1 file"


def test_validate_missing_file_and_the_rest(tmp_path: Path) -> None:
    result = run("validate", tmp_path / "missing.md", DAY5)
    assert result.returncode == 1
    lines = err(result).splitlines()
    assert len(lines) == 2
    assert ERROR_LINE.match(lines[0]) and "missing.md" in lines[0]
    assert lines[1] == "0 errors, 0 warnings in 1 file; 1 file could not be read"


# -- fmt ---------------------------------------------------------------------------------------
def test_fmt_rewrites_in_canonical_form_once(tmp_path: Path) -> None:
    target = write(tmp_path / "2024" / "03" / "07.md", UNTIDY.read_bytes())
    target.chmod(0o640)
    result = run("fmt", target)
    assert result.returncode == 0, err(result)
    formatted = target.read_bytes()
    assert formatted != UNTIDY.read_bytes()
    assert formatted == run("convert", UNTIDY, "--to", "md", "--canonical").stdout
    assert digestkit.parse(formatted.decode()) == digestkit.parse_file(UNTIDY)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert err(result) == f"reformatted {target}\n1 file reformatted\n"  # as black says it
    before = target.stat().st_mtime_ns
    again = run("fmt", target)
    assert again.returncode == 0
    assert target.stat().st_mtime_ns == before  # unchanged files are not written
    assert err(again) == "1 file left unchanged\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["07.md"]


def test_fmt_check_lists_files_and_writes_nothing(tmp_path: Path) -> None:
    untidy = write(tmp_path / "untidy.md", UNTIDY.read_bytes())
    tidy = write(tmp_path / "2024" / "03" / "05.md", DAY5.read_bytes())
    result = run("fmt", "--check", tmp_path)
    assert result.returncode == 1
    assert f"would reformat {untidy}" in err(result)
    assert str(tidy) not in err(result)
    assert untidy.read_bytes() == UNTIDY.read_bytes()
    assert run("fmt", "--check", tidy).returncode == 0


def test_fmt_diff_is_a_unified_diff_of_the_change(tmp_path: Path) -> None:
    untidy = write(tmp_path / "untidy.md", UNTIDY.read_bytes())
    result = run("fmt", "--diff", untidy)
    assert result.returncode == 1
    assert untidy.read_bytes() == UNTIDY.read_bytes()
    diff = result.stdout.decode().splitlines(keepends=True)
    assert diff[0] == f"--- {untidy}\n" and diff[1] == f"+++ {untidy}\n"
    canonical = run("convert", UNTIDY, "--to", "md", "--canonical").stdout.decode()
    expected = difflib.unified_diff(
        UNTIDY.read_text(encoding="utf-8").splitlines(True),
        canonical.splitlines(True),
        str(untidy),
        str(untidy),
    )
    assert diff == list(expected)


def test_fmt_stdin_to_stdout() -> None:
    result = run("fmt", "-", stdin=UNTIDY.read_bytes())
    assert result.returncode == 0
    again = run("fmt", "-", stdin=result.stdout)
    assert again.stdout == result.stdout
    assert run("fmt", "--check", "-", stdin=result.stdout).returncode == 0
    assert run("fmt", "--check", "-", stdin=UNTIDY.read_bytes()).returncode == 1


LOSSY = {
    "DK111": DIGEST + PAPER + "- x\n\n### Not a paper link\n\nsome text\n",
    "DK112": DIGEST + "a stray line\n\n" + PAPER + "- x\n",
    "DK205": DIGEST + PAPER + "Vote: many\n\n- x\n",
    "DK209": DIGEST + PAPER + "Vote: 3\n\nVote: 5\n\n- x\n",
    "DK211": DIGEST
    + PAPER
    + "[Watch Video](https://v.example/a.mp4)\n"
    + '<div><video src="https://v.example/b.mp4"></video></div>\n\n- x\n',
    "DK212": DIGEST + PAPER + "<div>a note</div>\n\n- x\n",
    "DK207": DIGEST + "### [](https://arxiv.org/abs/2401.00001)\n\n- x\n",
}


@pytest.mark.parametrize("code", LOSSY)
def test_fmt_refuses_files_whose_text_it_would_drop(code: str, tmp_path: Path) -> None:
    target = write(tmp_path / "2024" / "01" / "02.md", LOSSY[code])
    assert code in {d.code for d in digestkit.parse_file(target).diagnostics}
    result = run("fmt", target)
    assert result.returncode == 1
    assert code in one_error_line(result, str(target))
    assert target.read_text(encoding="utf-8") == LOSSY[code]


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_fmt_bad_input_gives_one_line(case: str, tmp_path: Path) -> None:
    name, content, reason = BAD_INPUTS[case]
    if content is not None:
        write(tmp_path / name, content)
    result = run("fmt", name, cwd=tmp_path)
    assert result.returncode == 1
    assert reason in one_error_line(result, name)
    if content is not None:
        assert (tmp_path / name).read_bytes() == content


# -- schema ------------------------------------------------------------------------------------
def test_schema_describes_the_json_output() -> None:
    result = run("schema")
    assert result.returncode == 0, err(result)
    schema = json.loads(result.stdout)
    converted = run("convert", DAY5, "--to", "json")
    assert converted.returncode == 0, err(converted)
    validator = jsonschema.validators.validator_for(schema)(schema)
    validator.validate(json.loads(converted.stdout))
    assert not validator.is_valid({"digests": "not a list"})


# -- the whole corpus --------------------------------------------------------------------------
@pytest.mark.corpus
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "bibtex", "markdown"])
def test_convert_the_whole_corpus(fmt: str, corpus: list[Path], tmp_path: Path) -> None:
    out = tmp_path / f"corpus.{fmt}"
    result = run("convert", corpus[0].parent.parent.parent, "--to", fmt, "-o", out)
    assert result.returncode == 0, err(result)
    assert result.stderr == b""
    assert out.stat().st_size > 100_000
    if fmt == "markdown":
        assert out.read_bytes().count(b"\n## Daily Papers (") + 1 == 362


@pytest.mark.corpus
def test_validate_the_whole_corpus(corpus: list[Path], tmp_path: Path) -> None:
    root = corpus[0].parent.parent.parent
    result = run("validate", root, "--format", "sarif", cwd=root)
    assert result.returncode == 0, err(result)
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert {r["level"] for r in log["runs"][0]["results"]} == {"warning"}
    text = run("validate", ".", cwd=root)
    assert text.returncode == 0
    assert re.fullmatch(r"0 errors, \d+ warnings in 357 files\n", err(text))


# -- pre-commit hooks and docs -----------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent.parent
# pre-commit 4.x `clientlib.MANIFEST_HOOK_DICT`: the keys a hook may have, and those it must.
HOOK_KEYS = {
    "id", "name", "entry", "language", "alias", "files", "exclude", "types", "types_or",
    "exclude_types", "additional_dependencies", "args", "always_run", "fail_fast",
    "pass_filenames", "description", "language_version", "log_file", "require_serial",
    "stages", "verbose", "minimum_pre_commit_version",
}  # fmt: skip
REQUIRED_HOOK_KEYS = {"id", "name", "entry", "language"}


def test_pre_commit_hooks_run_the_right_commands_on_dated_files(tmp_path: Path) -> None:
    import yaml  # type: ignore[import-untyped]

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["digestkit-validate", "digestkit-fmt"]
    for hook in hooks:
        assert REQUIRED_HOOK_KEYS <= set(hook) <= HOOK_KEYS, hook
        assert hook["language"] == "python"
        assert hook["types"] == ["markdown"]
        files = re.compile(hook["files"])
        assert files.search("paper_logs/2024/10/18.md")
        assert files.search("2024/10/18.md")
        assert not files.search("README.md")
        assert not files.search("paper_logs/2024/10/18.md.bak")
        # pre-commit appends the staged file names to the entry.
        program, command = hook["entry"].split()
        assert program == "digestkit"
        target = write(tmp_path / hook["id"] / "2024" / "03" / "05.md", DAY5.read_bytes())
        assert run(command, target).returncode == 0


def test_docs_cover_every_option() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subparsers.choices.items():
        assert f"digestkit {name}" in doc, name
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert f"`{option}" in doc, (name, option)


@pytest.mark.parametrize("fmt", ["json", "csv", "jsonl"])
def test_a_run_whose_every_input_failed_writes_nothing(fmt: str, tmp_path: Path) -> None:
    result = run("convert", tmp_path / "missing.md", "--to", fmt)
    assert result.returncode == 1
    assert result.stdout == b""
    assert "missing.md" in one_error_line(result, "missing.md")


def test_convert_split_strips_two_part_extensions(tmp_path: Path) -> None:
    """`day.hf.json` -> `day.json`, `day.md` -> `day.hf.json`: the whole `.hf.json` is the
    extension (hf-json to Markdown goes to the archive layout, tests/formats/test_hf_json.py)."""
    api = tmp_path / "in" / "day.hf.json"
    api.parent.mkdir()
    api.write_bytes((FIXTURES / "hf" / "daily_papers.json").read_bytes())
    as_json = run("convert", api, "--split", tmp_path / "js", "--to", "json")
    assert as_json.returncode == 0, err(as_json)
    assert [p.name for p in (tmp_path / "js").iterdir()] == ["day.json"]
    day = write(tmp_path / "md" / "day.md", DAY5.read_bytes())
    back = run("convert", day, "--split", tmp_path / "api", "--to", "hf-json")
    assert back.returncode == 0, err(back)
    assert [p.name for p in (tmp_path / "api").iterdir()] == ["day.hf.json"]
    notes = write(tmp_path / "notes.v2.md", DAY5.read_bytes())
    assert run("convert", notes, "--split", tmp_path / "j", "--to", "json").returncode == 0
    assert [p.name for p in (tmp_path / "j").iterdir()] == ["notes.v2.json"]
