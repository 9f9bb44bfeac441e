"""`diff_documents` and `digestkit diff`, and the hf-json command-line paths, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import digestkit
from digestkit import DigestDocument, diff_documents
from digestkit.diff import FIELDS

from .cli.test_cli import err, run, write
from .conftest import FIXTURES

HF = FIXTURES / "hf"
A, B = HF / "diff_a.md", HF / "diff_b.md"
DAILY = HF / "daily_papers.json"

# The differences planted in diff_b.md, written out by hand.
PLANTED = [
    '- 2501.00303 "Third Paper"',
    "~ 2501.00301 votes 10 -> 12",
    '~ 2501.00302 title "Old Title" -> "New Title"',
    '~ 2501.00302 authors -"Carl Zeiss" +"Dana Scully"',
    "~ 2501.00304 media image https://example.org/304.png -> video https://example.org/304.mp4",
    '+ 2501.00305 "Fifth Paper"',
]


# -- the library -------------------------------------------------------------------------------
def test_diff_reports_exactly_the_planted_differences() -> None:
    result = diff_documents(digestkit.parse_file(A), digestkit.parse_file(B))
    assert result.lines() == PLANTED
    assert not result.equal
    assert [ref.arxiv_id for ref in result.removed] == ["2501.00303"]
    assert [ref.title for ref in result.added] == ["Fifth Paper"]
    assert [(c.paper.key, [f.field for f in c.changes]) for c in result.changed] == [
        ("2501.00301", ["votes"]),
        ("2501.00302", ["title", "authors"]),
        ("2501.00304", ["media"]),
    ]


def test_author_order_and_summary_are_opt_in() -> None:
    a, b = digestkit.parse_file(A), digestkit.parse_file(B)
    ordered = diff_documents(a, b, author_order=True).lines()
    assert ordered == [
        *PLANTED[:4],
        "~ 2501.00304 authors order Finn Møller, Gül Şahin -> Gül Şahin, Finn Møller",
        *PLANTED[4:],
    ]
    summary = diff_documents(a, b, fields=["summary"]).lines()
    assert summary == [PLANTED[0], "~ 2501.00301 summary 1 item -> 1 item", PLANTED[-1]]
    with pytest.raises(ValueError, match="unknown diff field 'colour'"):
        diff_documents(a, b, fields=["colour"])  # type: ignore[list-item]


def test_a_document_equals_itself_and_its_api_json() -> None:
    a = digestkit.parse_file(A)
    assert diff_documents(a, a).equal
    assert diff_documents(a, a, fields=FIELDS, author_order=True).lines() == []
    api = digestkit.read_daily_papers(DAILY.read_bytes())
    digest = digestkit.parse(digestkit.dumps(api, "markdown"))
    assert diff_documents(digest, api, fields=FIELDS).equal
    assert diff_documents(DigestDocument(), api).lines() == [
        '+ 2501.00101 "Sparse Mixtures of Tiny Experts for On-Device Reasoning"',
        '+ 2501.00117 "TÜLU-Vid: Talking-Head Video from a Single Photo"',
        '+ 2412.21042 "Why $\\\\nabla^2$ Matters: [IDK] Tokens and <think> Traces (a Study)"',
    ]


def test_matching_falls_back_to_url_then_title() -> None:
    a = digestkit.parse(
        "## Daily Papers (2025-01-03)\n\n"
        "### [Same Title](https://example.org/one)\n\nVote: 1\n\n"
        "### [Moved](https://example.org/two)\n\nVote: 2\n\n"
        "### [Twin](https://arxiv.org/abs/2501.00001)\n\n"
        "### [Twin](https://arxiv.org/pdf/2501.00001v2)\n"
    )
    b = digestkit.parse(
        "## Daily Papers (2025-01-04)\n\n"
        "### [Same Title](https://example.org/one)\n\nVote: 3\n\n"
        "### [Moved](https://example.org/2)\n\nVote: 2\n\n"
        "### [Twin](https://arxiv.org/abs/2501.00001v3)\n"
    )
    assert diff_documents(a, b).lines() == [
        '- 2501.00001 "Twin"',  # the second paper with that id has no partner left
        "~ https://example.org/one votes 1 -> 3",
        "~ https://example.org/one date 2025-01-03 -> 2025-01-04",
        "~ https://example.org/two url https://example.org/two -> https://example.org/2",
        "~ https://example.org/two date 2025-01-03 -> 2025-01-04",
        "~ 2501.00001 url https://arxiv.org/abs/2501.00001 -> https://arxiv.org/abs/2501.00001v3",
        "~ 2501.00001 date 2025-01-03 -> 2025-01-04",
    ]


# -- the command -------------------------------------------------------------------------------
def test_diff_command_text_and_exit_codes() -> None:
    result = run("diff", A, B)
    assert result.returncode == 1
    assert result.stdout.decode("utf-8").splitlines() == PLANTED
    assert err(result) == ""
    same = run("diff", A, A)
    assert (same.returncode, same.stdout, err(same)) == (0, b"", "")


def test_diff_command_json() -> None:
    result = run("diff", A, B, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["a"], report["b"], report["equal"]) == (str(A), str(B), False)
    assert [r["arxiv_id"] for r in report["removed"]] == ["2501.00303"]
    assert [r["key"] for r in report["added"]] == ["2501.00305"]
    changes = {
        (c["paper"]["key"], f["field"]): (f["a"], f["b"])
        for c in report["changed"]
        for f in c["changes"]
    }
    assert changes == {
        ("2501.00301", "votes"): (10, 12),
        ("2501.00302", "title"): ("Old Title", "New Title"),
        ("2501.00302", "authors"): (["Bea Arthur", "Carl Zeiss"], ["Dana Scully", "Bea Arthur"]),
        ("2501.00304", "media"): (
            {"kind": "image", "url": "https://example.org/304.png"},
            {"kind": "video", "url": "https://example.org/304.mp4"},
        ),
    }
    equal = json.loads(run("diff", A, A, "--format", "json").stdout)
    assert (equal["equal"], equal["added"], equal["removed"], equal["changed"]) == (
        True,
        [],
        [],
        [],
    )


def test_diff_digest_against_api_json_from_stdin(tmp_path: Path) -> None:
    digest = run("convert", DAILY, "--to", "md").stdout  # .json sniffed as hf-json
    edited = write(tmp_path / "day.md", digest.replace(b"Vote: 42", b"Vote: 40"))
    result = run("diff", edited, "-", stdin=DAILY.read_bytes())
    assert (result.returncode, result.stdout) == (1, b"~ 2501.00101 votes 40 -> 42\n")
    # Read as Markdown on purpose: not a digest, so the comparison is trouble.
    forced = run("diff", edited, DAILY, "--from-b", "markdown")
    assert forced.returncode == 2
    assert "not a digest" in err(forced)
    dated = run("diff", edited, DAILY, "--date", "2025-01-09", "--fields", "date")
    assert dated.stdout.decode().splitlines()[0] == "~ 2501.00101 date 2025-01-02 -> 2025-01-09"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.md", "B"], "missing.md: no such file or directory"),
        (["A", "bad.json"], "bad.json: invalid JSON: Expecting value (DK003, line 1, column 2)"),
        (["A", "notes.md"], "notes.md: not a digest: no `## Daily Papers (YYYY-MM-DD)` heading"),
        (["A", "empty.md"], "empty.md: empty file"),
    ],
)
def test_diff_trouble_is_exit_2_and_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    write(tmp_path / "bad.json", "[,]")
    write(tmp_path / "notes.md", "# Notes\n")
    write(tmp_path / "empty.md", "")
    paths = {"A": A, "B": B}
    result = run("diff", *[paths.get(arg, tmp_path / arg) for arg in args])
    assert result.returncode == 2
    (line,) = err(result).splitlines()
    assert line.startswith("digestkit: error: ")
    assert message in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "-"], "only one of A and B can be standard input"),
        ([str(A), str(B), "--fields", "votes,colour"], "unknown field 'colour'"),
        ([str(A), str(B), "--date", "2025-01-02"], "--date applies to hf-json input"),
        ([str(A), str(B), "--date", "tomorrow"], "expected a date YYYY-MM-DD"),
        ([str(A), str(B), "--from-a", "csv"], "invalid choice: 'csv'"),
    ],
)
def test_diff_usage_errors_are_exit_2(args: list[str], message: str) -> None:
    result = run("diff", *args)
    assert result.returncode == 2
    assert message in err(result)


# -- hf-json through convert and validate ------------------------------------------------------
def test_convert_api_json_from_stdin_to_markdown() -> None:
    result = run("convert", "--from", "hf-json", "-", "--to", "md", stdin=DAILY.read_bytes())
    assert result.returncode == 0, err(result)
    document = digestkit.parse(result.stdout.decode("utf-8"))
    assert document.diagnostics == []
    assert [(d.date.isoformat() if d.date else None) for d in document.digests] == ["2025-01-02"]
    assert [(p.arxiv_id, p.votes, p.media.kind if p.media else None) for p in document.papers] == [
        ("2501.00101", 42, "image"),
        ("2501.00117", 7, "video"),
        ("2412.21042", 0, "image"),
    ]
    assert document.papers[1].authors[3:5] == ["김서연", "田中 太郎"]


def test_convert_to_hf_json_by_extension_and_back(tmp_path: Path) -> None:
    out = tmp_path / "day.hf.json"
    assert run("convert", A, "-o", out).returncode == 0
    entries = json.loads(out.read_text(encoding="utf-8"))
    assert [e["paper"]["id"] for e in entries] == [
        "2501.00301",
        "2501.00302",
        "2501.00303",
        "2501.00304",
    ]
    assert entries[0]["paper"]["upvotes"] == 10
    assert entries[0]["paper"]["summary"] == "What's New: One."
    back = run("convert", out, "--to", "md").stdout.decode("utf-8")
    assert diff_documents(digestkit.parse(back), digestkit.parse_file(A)).equal


def test_convert_reports_entry_errors_and_still_converts() -> None:
    result = run("convert", "--from", "hf-json", HF / "missing_fields.json", "--to", "csv")
    assert result.returncode == 1
    lines = err(result).splitlines()
    assert [line.split(": ")[3].split()[0] for line in lines] == [
        "DK501",
        "DK501",
        "DK502",
        "DK504",
    ]
    assert lines[0].startswith(f"digestkit: error: {HF / 'missing_fields.json'}:2:3: DK501")
    assert len(result.stdout.decode("utf-8").splitlines()) == 1 + 6  # header and six papers


def test_convert_date_option() -> None:
    result = run("convert", DAILY, "--to", "jsonl", "--date", "2025-01-09")
    assert {json.loads(line)["date"] for line in result.stdout.splitlines()} == {"2025-01-09"}
    wrong = run("convert", A, "--to", "jsonl", "--date", "2025-01-09")
    assert wrong.returncode == 1
    assert "--date applies to hf-json input, and this input is markdown" in err(wrong)


def test_convert_directory_with_from_hf_json_finds_json_files(tmp_path: Path) -> None:
    write(tmp_path / "in" / "2025-01-02.json", DAILY.read_bytes())
    result = run(
        "convert", "--from", "hf-json", tmp_path / "in", "--split", tmp_path / "out", "--to", "md"
    )
    assert result.returncode == 0, err(result)
    assert (
        (tmp_path / "out" / "2025" / "01" / "02.md")  # the digest archive's layout
        .read_text(encoding="utf-8")
        .startswith("## Daily Papers (2025-01-02)\n")
    )


def test_validate_from_hf_json() -> None:
    result = run("validate", "--from", "hf-json", HF / "missing_fields.json", "--select", "DK50")
    assert result.returncode == 1
    lines = result.stdout.decode("utf-8").splitlines()
    assert (
        lines[0]
        == f"{HF / 'missing_fields.json'}:2:3: DK501 entry 1 has no `paper` object; skipped"
    )
    assert len(lines) == 16  # DK501..DK509 only
    assert err(result).strip() == "4 errors, 12 warnings in 1 file"
    clean = run("validate", "--from", "hf-json", DAILY)
    assert (clean.returncode, clean.stdout) == (0, b"")
    broken = run("validate", "--from", "hf-json", "-", "--format", "json", stdin=b"[1,")
    assert broken.returncode == 1
    (finding,) = json.loads(broken.stdout)
    assert (finding["path"], finding["code"], finding["line"], finding["col"]) == (
        "<stdin>",
        "DK003",
        1,
        4,
    )


def test_diff_lines_show_control_characters_as_escapes() -> None:
    # A title or author from a hand-edited archive must not drive the terminal the diff is
    # read on: an escape sequence, a C1 CSI or a bidi override is shown, not sent.
    a = digestkit.parse_file(A)
    paper = a.digests[0].papers[0]
    hostile = paper.model_copy(
        update={"title": "Red \x1b[31mtext\u202e", "authors": ["Eve\x9b2J", *paper.authors[1:]]}
    )
    b = a.model_copy(deep=True)
    b.digests[0].papers[0] = hostile
    lines = diff_documents(a, b).lines()
    assert lines[0].endswith('title "First Paper" -> "Red \\u001b[31mtext\\u202e"'), lines
    assert '+"Eve\\x9b2J"' in lines[1], lines
    assert not any(ch in "".join(lines) for ch in "\x1b\x9b\u202e")


def test_diff_command_output_is_inert_in_both_formats(tmp_path: Path) -> None:
    text = A.read_text(encoding="utf-8").replace("First Paper", "First\u202e\x9b Paper", 1)
    hostile = write(tmp_path / "hostile.md", text)
    for args in ([], ["--format", "json"]):
        result = run("diff", A, hostile, *args)
        assert result.returncode == 1
        shown = result.stdout.decode("utf-8")
        assert "\u202e" not in shown and "\x9b" not in shown, shown
        assert "\\u202e" in shown, shown
    data = json.loads(run("diff", A, hostile, "--format", "json").stdout)
    assert data["changed"][0]["changes"][0]["b"] == "First\u202e\x9b Paper"  # same data
