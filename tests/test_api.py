"""The public API: names, and clear errors for arguments of the wrong type."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable

import pytest

import digestkit
from digestkit.formats import FORMATS

DIGEST = "## Daily Papers (2024-01-01)\n\n### [T](https://arxiv.org/abs/2401.00001)\n\n- x\n"


def test_public_names_resolve_and_match_all() -> None:
    for name in digestkit.__all__:
        assert getattr(digestkit, name) is not None
    assert set(digestkit._SOURCES) | {"__version__"} == set(digestkit.__all__)


def test_importing_the_package_loads_no_models() -> None:
    code = (
        "import sys, digestkit; print('pydantic' in sys.modules, 'digestkit.models' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_parse_bytes_equals_parse() -> None:
    assert digestkit.parse_bytes(DIGEST.encode()) == digestkit.parse(DIGEST)
    assert digestkit.parse_bytes(bytearray(DIGEST.encode())) == digestkit.parse(DIGEST)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: digestkit.parse(DIGEST.encode()), "use parse_bytes() for bytes"),  # type: ignore[arg-type]
        (lambda: digestkit.parse_bytes(DIGEST), "use parse() for str"),  # type: ignore[arg-type]
        (lambda: digestkit.dumps("a document?", "json"), "not str"),  # type: ignore[arg-type]
        (lambda: digestkit.dumps(5, "json"), "not int"),  # type: ignore[arg-type]
        (lambda: digestkit.dumps([digestkit.parse(DIGEST), 5], "csv"), "items, not int"),  # type: ignore[list-item]
    ],
)
def test_wrong_argument_types_raise_type_error(call: Callable[[], object], message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_refuses_an_unknown_option_with_format_error(name: str) -> None:
    """The documented contract (docs/formats.md): FormatError naming the option, not TypeError."""
    document = digestkit.parse(DIGEST)
    with pytest.raises(digestkit.FormatError, match=rf"{name}.*'no_such_option'"):
        digestkit.dumps(document, name, no_such_option=True)


def test_trivia_names_list_every_trivia_attribute() -> None:
    """`DigestModel.__setattr__` routes these names straight to their descriptors."""
    from digestkit import models

    found = {
        name
        for model in (models.Paper, models.DailyDigest, models.DigestDocument)
        for name, value in vars(model).items()
        if isinstance(value, models.Trivia)
    }
    assert found == models.TRIVIA_NAMES
    assert not models.Paper.__private_attributes__  # no per-instance PrivateAttr set-up


def test_trivia_survives_copies_and_is_not_data() -> None:
    import copy
    import pickle

    doc = digestkit.parse(
        "## Daily Papers (2024-01-02)\n\n### [T](https://arxiv.org/abs/2401.00001)\n"
    )
    for clone in (copy.deepcopy(doc), pickle.loads(pickle.dumps(doc)), doc.model_copy(deep=True)):
        assert clone.papers[0].line == 3 and clone.diagnostics == doc.diagnostics
        assert digestkit.dumps(clone, "markdown") == digestkit.dumps(doc, "markdown")
    assert "_layout" not in doc.model_dump_json() and doc == digestkit.loads(doc.model_dump_json())
    built = digestkit.DigestDocument()
    built._diagnostics.append(doc.diagnostics[0])  # a mutable default persists
    assert built.diagnostics == [doc.diagnostics[0]]
