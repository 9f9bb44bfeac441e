"""docs/security.md names the test behind each guarantee: every test it names must exist, in
the file it names when it names one, so a renamed or deleted test cannot leave a guarantee
standing on nothing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECURITY = ROOT / "docs" / "security.md"
# `tests/test_x.py::test_name`, `tests/test_x.py::test_name[case]`, or a bare `test_name`.
_NAMED = re.compile(r"`(?:(tests/[\w/]+\.py)::)?(test_\w+)(?:\[[^\]`]*\])?`")


def defined_tests() -> dict[str, set[str]]:
    """Test function names, by file (relative to the repository)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        found[path.relative_to(ROOT).as_posix()] = set(re.findall(r"^def (test_\w+)\(", text, re.M))
    return found


def test_every_test_named_in_security_md_exists() -> None:
    tests = defined_tests()
    everywhere = set().union(*tests.values())
    named = _NAMED.findall(SECURITY.read_text(encoding="utf-8"))
    assert len(named) > 40  # the page names its tests (this reads them)
    missing = [
        f"{file}::{name}" if file else name
        for file, name in named
        if name not in (tests.get(file, set()) if file else everywhere)
    ]
    assert missing == []


def test_the_check_sees_a_missing_test() -> None:
    # The check can fail: a name no test file defines is reported.
    assert "test_no_such_guarantee" not in set().union(*defined_tests().values())
    assert _NAMED.findall("`tests/cli/test_cli.py::test_no_such_guarantee[x]`") == [
        ("tests/cli/test_cli.py", "test_no_such_guarantee")
    ]
