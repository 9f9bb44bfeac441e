"""docs/diagnostics.md documents exactly the catalogue's codes, with the catalogue's severities,
and each code's example really gives that code (the page's format is described at its top)."""

from __future__ import annotations

import re

import pytest

import digestkit
from digestkit.diagnostics import RULES

from .conftest import ROOT
from .docs_runner import Block, console_commands, read_blocks

PAGE = ROOT / "docs" / "diagnostics.md"
TEXT = PAGE.read_text(encoding="utf-8")
SECTION = re.compile(r"^### (DK\d{3})\s*$", re.MULTILINE)
PATH_COMMENT = re.compile(r"<!-- path: (\S+) -->")


def sections() -> dict[str, tuple[int, int]]:
    """`### DKnnn` heading -> the [first, last) 1-based line range of its section."""
    starts = [(m.group(1), TEXT.count("\n", 0, m.start()) + 1) for m in SECTION.finditer(TEXT)]
    ends = [line for _, line in starts[1:]] + [TEXT.count("\n") + 2]
    return {code: (start, end) for (code, start), end in zip(starts, ends, strict=True)}


SECTIONS = sections()


def test_every_code_is_documented_with_its_severity() -> None:
    documented = dict(re.findall(r"^\| (DK\d{3}) \| (error|warning) \|", TEXT, re.MULTILINE))
    assert documented == {code: rule.severity.value for code, rule in RULES.items()}
    listed = re.search(r"layout-only codes: ([^.]*)\.", TEXT)
    assert listed is not None
    assert set(listed.group(1).split(", ")) == {c for c, r in RULES.items() if r.layout_only}


def test_every_code_has_one_example_section_and_no_other() -> None:
    headings = SECTION.findall(TEXT)
    assert len(headings) == len(set(headings)), "a code has two sections"
    missing = sorted(set(RULES) - set(headings))
    assert not missing, f"no `### CODE` example section in {PAGE.name} for: {missing}"
    assert set(headings) <= set(RULES), "a section documents a code the catalogue lacks"


@pytest.mark.parametrize("code", sorted(RULES))
def test_example_gives_the_code_and_shows_the_fix(code: str) -> None:
    if code not in SECTIONS:
        pytest.fail(f"{PAGE.name} has no `### {code}` section (format: the page's top comment)")
    start, end = SECTIONS[code]
    blocks = [b for b in read_blocks(PAGE) if start < b.line < end]
    section_text = "\n".join(TEXT.split("\n")[start - 1 : end - 1])
    assert f"{RULES[code].severity.value}: " in section_text, f"{code}: severity line"
    assert "**Fix:**" in section_text, f"{code}: no **Fix:** paragraph"
    example = next((b for b in blocks if b.language in {"markdown", "console"}), None)
    assert example is not None, f"{code}: no ```markdown or ```console example"
    if example.language == "console":
        shown = "\n".join(line for c in console_commands(example) for line in c.expected)
        assert re.search(rf"\b{code}\b", shown), f"{code}: the console example does not show it"
        return  # the output itself is checked by test_docs_examples, like every console block
    check_markdown_example(code, example, blocks, section_text)


def check_markdown_example(code: str, example: Block, blocks: list[Block], text: str) -> None:
    shown = next((b for b in blocks if b.language == "text" and b.line > example.line), None)
    assert shown is not None, f"{code}: no ```text block with the diagnostics after the example"
    path = PATH_COMMENT.search(text)
    document = digestkit.parse(example.text, path=path.group(1) if path else None)
    reported = [str(d) for d in document.diagnostics]
    assert reported == list(shown.lines), f"{example.where}: the example reports other diagnostics"
    assert code in {d.code for d in document.diagnostics}, f"{example.where}: {code} not given"
