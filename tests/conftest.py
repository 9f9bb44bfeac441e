"""Shared test fixtures: the real corpus (path from DIGESTKIT_CORPUS) and small fixture files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = Path(os.environ.get("DIGESTKIT_CORPUS", ROOT.parent / "shared" / "corpus"))
REQUIRE_CORPUS = os.environ.get("DIGESTKIT_REQUIRE_CORPUS") == "1"


def corpus_files() -> list[Path]:
    """Every digest of the corpus, sorted. CI sets DIGESTKIT_REQUIRE_CORPUS=1 so that a missing
    corpus fails the run instead of skipping the tests that need it."""
    files = sorted(CORPUS.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9].md"))
    return required(files, "corpus", CORPUS, "DIGESTKIT_CORPUS")


def required(files: list[Path], what: str, folder: Path, variable: str) -> list[Path]:
    """`files`, or a skip when there are none; under DIGESTKIT_REQUIRE_CORPUS=1 (CI) none is
    an error, so shared data that went missing fails the run instead of skipping its tests."""
    if not files:
        if REQUIRE_CORPUS:
            raise RuntimeError(f"DIGESTKIT_REQUIRE_CORPUS=1 but no {what} at {folder}")
        pytest.skip(f"no {what} at {folder} (set {variable})")
    return files


@pytest.fixture(scope="session")
def corpus() -> list[Path]:
    return corpus_files()


@pytest.fixture(scope="session")
def corpus_documents(corpus: list[Path]) -> dict[Path, object]:
    import digestkit

    return {path: digestkit.parse_file(path) for path in corpus}


def default_signal_dispositions() -> None:
    """A `preexec_fn` for tests that signal a child: the terminating signals as a fresh shell
    leaves them, whatever the runner inherited (under `nohup`, or as a background job without
    job control, SIGHUP or SIGINT is ignored, and digestkit keeps an ignored signal ignored)."""
    import signal

    for name in ("SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The `heavy` tests first, the rest in their order: pytest-xdist's work stealing then
    ends the run on short tests, instead of one worker finishing a long one while the other
    idles."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)
