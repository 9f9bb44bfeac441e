"""The README's test command is the one CI runs: `.ci/run` holds it verbatim, so a change to
how the suite runs (`-n auto`, a profile) cannot reach one and not the other."""

from __future__ import annotations

import re

from .conftest import ROOT

README_BLOCK = re.compile(
    r"run the whole test suite[^\n]*\n(?:[^\n]*\n)*?```sh\n(?P<command>[^\n]+)\n```"
)


def readme_test_command(text: str) -> str:
    match = README_BLOCK.search(text)
    assert match is not None, "README.md: no ```sh block after 'run the whole test suite'"
    return match.group("command")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    command = readme_test_command((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "python -m pytest" in command, command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci, f".ci/run does not run the README's command: {command}"


def test_the_suite_runs_on_every_core_with_the_long_profile_documented() -> None:
    command = readme_test_command((ROOT / "README.md").read_text(encoding="utf-8"))
    assert re.search(r"\s-n auto\b", command), command
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^\s+"pytest-xdist>=', pyproject, re.MULTILINE)
    contributing = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    assert "DIGESTKIT_TEST_PROFILE=long python -m pytest -n auto" in contributing


def test_the_command_is_read_from_the_test_suite_block() -> None:
    readme = (
        "```sh\npip install .\n```\n\nrun the whole test suite (x):\n\n```sh\npytest -n 3\n```\n"
    )
    assert readme_test_command(readme) == "pytest -n 3"
