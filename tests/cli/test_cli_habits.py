"""Command-line habits: `-q/--quiet` on every command, `fmt` listing what it rewrote (as black
does) and `convert -v` what it wrote, the `--split` folder's errors once per cause, and the
format list of `convert` errors and `--help` taken from the writer registry."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from digestkit.formats import FORMATS

from ..test_docs_site import subcommands
from .test_cli import COMMAND, DAY5, DAY6, EXAMPLE, UNTIDY, err, run, write


def out(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8")


def archive(root: Path, days: int = 5) -> Path:
    """`root/in/2024/03/DD.md`: `days` copies of a real fixture day, in one folder."""
    for day in range(1, days + 1):
        write(root / "in" / "2024" / "03" / f"{day:02}.md", DAY5.read_bytes())
    return root / "in"


# -- -q/--quiet ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_command_takes_quiet(name: str) -> None:
    options = [o for a in subcommands()[name]._actions for o in a.option_strings]
    assert "-q" in options and "--quiet" in options


def test_validate_quiet_prints_the_findings_without_the_summary(tmp_path: Path) -> None:
    day = write(tmp_path / "day.md", EXAMPLE.read_bytes())
    loud, quiet = run("validate", day), run("validate", "-q", day)
    assert re.search(r"^0 errors, 1 warning in 1 file$", err(loud), re.MULTILINE)
    assert out(quiet) == out(loud) and "DK206" in out(quiet)
    assert err(quiet) == "" and quiet.returncode == loud.returncode == 0


def test_diff_quiet_answers_with_the_exit_code_only(tmp_path: Path) -> None:
    a = write(tmp_path / "a.md", DAY5.read_bytes())
    b = write(tmp_path / "b.md", DAY5.read_bytes().replace(b"Vote: ", b"Vote: 1", 1))
    loud = run("diff", a, b)
    assert loud.returncode == 1 and out(loud)
    different, same = run("diff", "-q", a, b), run("diff", "--quiet", a, a)
    assert (different.returncode, out(different), err(different)) == (1, "", "")
    assert (same.returncode, out(same), err(same)) == (0, "", "")
    assert run("diff", "-q", a, tmp_path / "missing.md").returncode == 2  # trouble still is


@pytest.mark.parametrize("name", ["schema", "example"])
def test_quiet_changes_nothing_for_schema_and_example(name: str) -> None:
    assert run(name, "-q").stdout == run(name).stdout != b""


def test_convert_quiet_and_verbose_exclude_each_other(tmp_path: Path) -> None:
    result = run("convert", DAY5, "--to", "json", "-q", "-v")
    assert result.returncode == 2
    assert "use either -q/--quiet or -v/--verbose" in err(result)


# -- fmt lists what it rewrote, like black ------------------------------------------------------
def test_fmt_lists_each_reformatted_file_then_a_summary(tmp_path: Path) -> None:
    untidy = write(tmp_path / "a.md", UNTIDY.read_bytes())
    also = write(tmp_path / "b.md", UNTIDY.read_bytes())
    tidy = write(tmp_path / "c.md", run("fmt", "-", stdin=UNTIDY.read_bytes()).stdout)
    check = run("fmt", "--check", untidy, also, tidy)
    assert err(check) == (
        f"would reformat {untidy}\nwould reformat {also}\n"
        "2 files would be reformatted, 1 file would be left unchanged\n"
    )
    diff = run("fmt", "--diff", untidy)
    assert out(diff).startswith(f"--- {untidy}\n")
    assert err(diff) == f"would reformat {untidy}\n1 file would be reformatted\n"
    done = run("fmt", untidy, also, tidy)
    assert done.returncode == 0
    assert err(done) == (
        f"reformatted {untidy}\nreformatted {also}\n2 files reformatted, 1 file left unchanged\n"
    )
    assert err(run("fmt", untidy, also, tidy)) == "3 files left unchanged\n"


def test_fmt_summary_counts_refused_files(tmp_path: Path) -> None:
    untidy = write(tmp_path / "a.md", UNTIDY.read_bytes())
    broken = write(tmp_path / "b.md", "## Daily Papers (2024-01-02)\n\n### not a link\n")
    result = run("fmt", untidy, broken)
    lines = err(result).splitlines()
    assert result.returncode == 1
    assert lines[0] == f"reformatted {untidy}"
    assert lines[1].startswith(f"digestkit: error: {broken}: not reformatted: line 3:")
    assert lines[2:] == ["1 file reformatted, 1 file failed to reformat"]


def test_fmt_quiet_prints_only_errors(tmp_path: Path) -> None:
    untidy = write(tmp_path / "a.md", UNTIDY.read_bytes())
    assert err(run("fmt", "-q", "--check", untidy)) == ""
    result = run("fmt", "--quiet", untidy, tmp_path / "missing.md")
    assert result.returncode == 1
    missing = tmp_path / "missing.md"
    assert err(result) == f"digestkit: error: {missing}: no such file or directory\n"
    assert run("fmt", "--check", untidy).returncode == 0  # it was rewritten, quietly


# -- convert -v lists what it wrote -------------------------------------------------------------
def test_convert_is_silent_by_default_and_verbose_lists_outputs(tmp_path: Path) -> None:
    source = archive(tmp_path, days=2)
    silent = run("convert", "in", "--split", "out", "--to", "json", cwd=tmp_path)
    assert silent.returncode == 0 and err(silent) == ""
    (tmp_path / "out" / "2024" / "03" / "01.json").write_text("stale\n")
    again = run("convert", "in", "--split", "out", "--to", "json", "-v", cwd=tmp_path)
    assert err(again) == "wrote out/2024/03/01.json\n1 file written, 1 file left unchanged\n"
    write(source / "bad.md", "no digest here\n")
    one = run("convert", "in", "-o", "all.csv", "--verbose", cwd=tmp_path)
    assert one.returncode == 1
    assert err(one).splitlines()[-2:] == ["wrote all.csv", "1 file written, 1 input failed"]


def test_convert_verbose_lists_the_site_index_only_when_it_changes(tmp_path: Path) -> None:
    archive(tmp_path, days=1)
    first = run("convert", "in", "--split", "site", "--to", "html", "-v", cwd=tmp_path)
    assert err(first) == (
        "wrote site/2024/03/01.html\nwrote site/index.html\nwrote site/feed.xml\n3 files written\n"
    )
    second = run("convert", "in", "--split", "site", "--to", "html", "-v", cwd=tmp_path)
    assert err(second) == "0 files written, 3 files left unchanged\n"


# -- the --split folder -------------------------------------------------------------------------
@pytest.mark.parametrize("folder", ["afile", "afile/sub"])
def test_split_onto_a_file_says_it_is_not_a_folder(folder: str, tmp_path: Path) -> None:
    write(tmp_path / "afile", "keep me\n")
    result = run("convert", DAY5, DAY6, "--split", folder, "--to", "json", cwd=tmp_path)
    assert result.returncode == 2
    assert err(result).splitlines()[-1] == (
        f"digestkit convert: error: --split {folder}: afile is a file, not a folder"
    )
    assert (tmp_path / "afile").read_text() == "keep me\n"


def test_a_file_in_place_of_a_subfolder_is_named_once(tmp_path: Path) -> None:
    for day in ("01", "02", "03"):
        write(tmp_path / "in" / "2024" / day / "x.md", DAY5.read_bytes())
    write(tmp_path / "out" / "2024" / "02", "a file, not a folder\n")
    result = run("convert", "in", "--split", "out", "--to", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert err(result) == (
        "digestkit: error: out/2024/02/x.json: out/2024/02 is a file, not a folder\n"
    )
    assert sorted(p.name for p in (tmp_path / "out" / "2024").iterdir()) == ["01", "02", "03"]


def read_only_mount_command(folder: Path, command: list[str]) -> list[str]:
    """`command` with `folder` read-only: a read-only tmpfs mounted on it in a private mount
    namespace of the command alone (root ignores permission bits, not a read-only file system),
    or, for other users, the folder's write bits taken away."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return command
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("running as root without unshare(1): cannot make a read-only folder")
    probe = subprocess.run(
        [unshare, "-m", "mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"root cannot mount here: {probe.stderr.decode(errors='replace')}")
    script = 'mount -t tmpfs -o ro,size=64k tmpfs "$1" && shift && exec "$@"'
    return [unshare, "-m", "sh", "-c", script, "sh", str(folder), *command]


def run_with(command: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(command, cwd=cwd, capture_output=True, timeout=120, check=False)


@pytest.mark.parametrize("folder", ["out", "out/new/deeper"])
def test_a_read_only_output_folder_is_one_error_line(folder: str, tmp_path: Path) -> None:
    archive(tmp_path, days=5)
    (tmp_path / "out").mkdir()
    command = [*COMMAND, "convert", "in", "--split", folder, "--to", "json"]
    result = run_with(read_only_mount_command(tmp_path / "out", command), tmp_path)
    assert result.returncode == 1
    lines = err(result).splitlines()
    assert len(lines) == 1, lines
    reason = "Read-only file system" if os.geteuid() == 0 else "Permission denied"
    where = "cannot write in this folder" if folder == "out" else "cannot create this folder in out"
    assert lines[0] == f"digestkit: error: {folder}: {where}: {reason}"


def test_a_read_only_subfolder_is_reported_once_and_the_rest_is_written(tmp_path: Path) -> None:
    source = archive(tmp_path, days=4)
    write(source / "2024" / "04" / "01.md", DAY6.read_bytes())
    (tmp_path / "out" / "2024" / "03").mkdir(parents=True)
    command = [*COMMAND, "convert", "in", "--split", "out", "--to", "json"]
    full = read_only_mount_command(tmp_path / "out" / "2024" / "03", command)
    result = run_with(full, tmp_path)
    assert result.returncode == 1
    reason = "Read-only file system" if os.geteuid() == 0 else "Permission denied"
    folder = "out" if os.geteuid() == 0 else "out/2024/03"  # a file system's fault: anywhere
    assert err(result).splitlines() == [
        f"digestkit: error: out/2024/03/01.json: {reason}",
        f"digestkit: error: {folder}: 3 more outputs not written: {reason}",
    ]
    assert (tmp_path / "out" / "2024" / "04" / "01.json").is_file()


# -- formats named from the registry ------------------------------------------------------------
def test_the_missing_format_error_lists_every_output_extension() -> None:
    result = run("convert", DAY5)
    assert result.returncode == 2
    listed = re.search(r"known extension \(([^)]*)\)", err(result))
    assert listed is not None, err(result)
    assert listed.group(1).split(", ") == [fmt.extension for fmt in FORMATS.values()]
    assert ".hf.json" in listed.group(1)
    unknown = run("convert", DAY5, "-o", "papers.txt")
    assert ".hf.json" in err(unknown) and unknown.returncode == 2


def test_convert_help_format_table_lines_up() -> None:
    text = out(run("convert", "--help"))
    table = text.split("formats (--to, or inferred from the -o file's extension):\n", 1)[1]
    rows = table.split("\n")[: len(FORMATS)]
    cells = [re.match(r"^  (\S+)( +)(\.\S+)( +)(\S.*)$", row) for row in rows]
    assert all(cells), rows
    assert [cell.group(1) for cell in cells if cell] == list(FORMATS)
    extension_columns = {cell.start(3) for cell in cells if cell}
    description_columns = {cell.start(5) for cell in cells if cell}
    assert len(extension_columns) == 1 and len(description_columns) == 1, rows
    assert min(len(cell.group(4)) for cell in cells if cell) >= 2  # `.hf.json` too
