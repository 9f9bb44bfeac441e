"""What the docs tell users to install is this project: its distribution name (PyPI's
`digestkit` is an unrelated project), install lines that name it, and a pre-commit recipe
that runs, checked with pre-commit itself."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import digestkit

from .cli.test_cli import EXAMPLE
from .conftest import ROOT

DISTRIBUTION = "digestkit-md"
"""The name on the package index; `import digestkit` and the command keep theirs."""

DOCUMENTS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "src" / "digestkit").rglob("*.py")),  # messages such as "pip install ..."
]
INSTALL = re.compile(r"\b(?:pip|pipx|uv(?: pip)?|uv tool)\s+install\s+(?P<args>[^\n#`]*)")


def test_pyproject_names_the_distribution_and_keeps_the_command() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # tomllib is 3.11+
    project = text.split("\n[project]\n", 1)[1].split("\n[", 1)[0]
    assert re.findall(r'^name = "(.*)"$', project, re.MULTILINE) == [DISTRIBUTION]
    scripts = text.split("\n[project.scripts]\n", 1)[1].split("\n[", 1)[0]
    assert scripts.strip() == 'digestkit = "digestkit.cli:main"'


def test_installed_metadata_matches_the_code() -> None:
    assert importlib.metadata.version(DISTRIBUTION) == digestkit.__version__
    scripts = importlib.metadata.distribution(DISTRIBUTION).entry_points
    assert [ep.name for ep in scripts if ep.group == "console_scripts"] == ["digestkit"]


def install_targets(text: str) -> list[str]:
    """The package arguments of every install command in a page (options dropped)."""
    targets = []
    for match in INSTALL.finditer(text):
        arguments = re.findall(r'"[^"]*"|\'[^\']*\'|\S+', match.group("args"))
        for argument in arguments:
            if argument in ("&&", "|", ";"):
                break
            if not argument.startswith("-"):
                targets.append(argument.strip("\"'"))
    return targets


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_no_doc_installs_the_other_digestkit(path: Path) -> None:
    """Every `pip install X` installs this project: a path, the repository, `digestkit-md`, an
    extra of the checkout, or a tool that is not digestkit; never the bare `digestkit`."""
    for target in install_targets(path.read_text(encoding="utf-8")):
        name = re.split(r"[\s@\[=<>~!;]", target, maxsplit=1)[0].lower()
        assert name != "digestkit", f"{path.name}: `pip install {target}` installs PyPI's digestkit"
        if name.startswith("digestkit"):
            assert name == DISTRIBUTION, f"{path.name}: {target!r}"


def test_install_line_check_can_fail() -> None:
    text = 'run: python -m pip install digestkit  # x\n`pip install -q "digestkit>=0.1"`\n'
    assert install_targets(text) == ["digestkit", "digestkit>=0.1"]
    assert install_targets("pip install -e '.[docs]' && mkdocs serve") == [".[docs]"]


# -- pre-commit --------------------------------------------------------------------------------
def local_hook_config() -> str:
    """The `repo: local` snippet of docs/ci.md, as written there."""
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)
    [config] = [block for block in blocks if "repo: local" in block]
    return str(config)


def pre_commit(folder: Path, home: Path) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environ.get('PATH', '')}"
    environ.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=folder,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_documented_local_pre_commit_hooks_run(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is needed to run pre-commit")
    repo = tmp_path / "digests"
    day = repo / "paper_logs" / "2024" / "10" / "21.md"
    day.parent.mkdir(parents=True)
    day.write_bytes(EXAMPLE.read_bytes())
    (repo / "notes.md").write_text("# not a digest: the hooks' `files:` leaves it out\n")
    (repo / ".pre-commit-config.yaml").write_text(local_hook_config(), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)

    first = pre_commit(repo, tmp_path / "home")
    output = first.stdout + first.stderr
    assert first.returncode == 1, output  # fmt rewrote the example: stage it and commit again
    assert re.search(r"validate digest Markdown\.+Passed", output), output
    assert re.search(r"format digest Markdown\.+Failed", output), output
    assert "files were modified by this hook" in output
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    second = pre_commit(repo, tmp_path / "home")
    assert second.returncode == 0, second.stdout + second.stderr

    day.write_text(day.read_text(encoding="utf-8").replace("Vote: 42", "Vote: lots"))
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    third = pre_commit(repo, tmp_path / "home")
    assert third.returncode == 1
    assert "paper_logs/2024/10/21.md:" in third.stdout and "DK205" in third.stdout, third.stdout
