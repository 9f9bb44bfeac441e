"""Where the command line's inputs come from and how its outputs land on disk.

Inputs: a file, a directory (searched recursively, in sorted order), a glob, or `-` for stdin.
Each argument expands on its own, so one bad argument is reported without hiding the others.

Outputs are written to a temporary file beside the target and moved over it with `os.replace`:
a reader never sees half a file, and a run that fails leaves an existing output as it was.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TextIO

STDIN = "-"
STDIN_NAME = "<stdin>"
_MAGIC = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Input:
    """One input file. `relative` is where `--split` mirrors it under the output directory."""

    name: str
    """The path as shown in messages and diagnostics (`<stdin>` for standard input)."""
    path: Path | None
    """None for standard input, and for an argument that gave no file."""
    relative: PurePath
    error: str | None = None
    """Why the argument gave no file (missing, an empty directory, a glob matching nothing)."""

    @property
    def is_stdin(self) -> bool:
        return self.name == STDIN_NAME


def expand(arguments: Sequence[str], suffixes: Sequence[str] = (".md",)) -> list[Input]:
    """Every input the arguments name, in argument order; directories and globs sorted."""
    wanted = tuple(suffix.lower() for suffix in suffixes)
    return [item for argument in arguments for item in _expand_one(argument, wanted)]


def _expand_one(argument: str, suffixes: tuple[str, ...]) -> list[Input]:
    if argument == STDIN:
        return [Input(STDIN_NAME, None, PurePath("stdin"))]
    path = Path(argument)
    if path.is_dir():
        found = _directory(path, suffixes)
        if not found:
            kinds = " or ".join(f"*{suffix}" for suffix in suffixes)
            return [_failed(argument, f"directory has no {kinds} files")]
        return [_file(file, file.relative_to(path)) for file in found]
    if path.exists() or not _MAGIC.intersection(argument):
        if not path.exists():
            return [_failed(argument, "no such file or directory")]
        return [_file(path, PurePath(path.name))]
    return _glob(argument, suffixes)


def _directory(root: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Files under `root` with a wanted suffix, skipping hidden folders such as `.git`."""
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found.extend(Path(folder, name) for name in files if name.lower().endswith(suffixes))
    return sorted(found, key=lambda file: file.relative_to(root).parts)


def _glob(pattern: str, suffixes: tuple[str, ...]) -> list[Input]:
    """Glob matches sorted; a matched directory is searched like a directory argument.

    Paths are mirrored relative to the pattern's fixed prefix: `corpus/2024/*/*.md` puts
    `corpus/2024/10/18.md` at `10/18.md` under `--split DIR`.
    """
    parts = PurePath(pattern).parts
    fixed = next(i for i, part in enumerate(parts) if _MAGIC.intersection(part))
    base = Path(*parts[:fixed]) if fixed else Path()
    items: list[Input] = []
    for path in sorted(base.glob("/".join(parts[fixed:]))):
        if path.is_dir():
            items.extend(_file(file, file.relative_to(base)) for file in _directory(path, suffixes))
        elif path.is_file():
            items.append(_file(path, path.relative_to(base)))
    return items or [_failed(pattern, "no file matches this pattern")]


def _file(path: Path, relative: PurePath) -> Input:
    return Input(str(path), path, relative)


def _failed(argument: str, reason: str) -> Input:
    return Input(argument, None, PurePath(argument), reason)


def read_bytes(item: Input) -> bytes:
    """The input's bytes; raises `OSError` when they cannot be read."""
    if item.is_stdin:
        if sys.stdin is None:
            raise OSError("standard input is closed")
        return sys.stdin.buffer.read()
    if item.path is None:
        raise OSError(item.error or "no such file")
    return item.path.read_bytes()


@contextmanager
def atomic_output(target: str | os.PathLike[str]) -> Iterator[TextIO]:
    """A UTF-8 text stream that replaces `target` only if the `with` block completes.

    The temporary file lives in the target's directory (so `os.replace` is a rename on one file
    system) and is removed on any failure. Line endings are written exactly as given. A symlink
    is written through; an existing file keeps its permission bits, a new one gets the umask's.
    """
    destination = Path(os.path.realpath(target))
    handle, temporary = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(_mode_for(destination))
        Path(temporary).replace(destination)
    except BaseException:
        with suppress(OSError):
            Path(temporary).unlink()
        raise


def _mode_for(destination: Path) -> int:
    try:
        return stat.S_IMODE(destination.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
