"""Where the command line's inputs come from and how its outputs land on disk.

Inputs: a file, a directory (searched recursively, in sorted order), a glob, or `-` for stdin.
Each argument expands on its own, so one bad argument is reported without hiding the others.

Outputs are written to a temporary file beside the target and moved over it with `os.replace`:
a reader never sees half a file, and a run that fails leaves an existing output as it was. A
target that exists and is not a regular file (a FIFO, a device, `/dev/stdout`, `>(wc -c)`) is
written in place instead, as pandoc does: renaming over it would replace the device itself.
Every byte is written or the write fails: `FullWriteIO` turns a pipe's short write (its reader
went away mid-write) into the `BrokenPipeError` the next write gives, where Python's buffered
layer would drop the rest silently.
"""

from __future__ import annotations

import io
import os
import secrets
import stat
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, TextIO

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
    root: Path | None = None
    """The directory or glob base a search found it under; None for a file named as such."""

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
    if not argument:  # `Path("")` is the current folder: an unset variable must not walk it
        return [_failed(argument, "empty path")]
    path = Path(argument)
    if path.is_dir():
        found = _directory(path, suffixes)
        if not found:
            kinds = " or ".join(f"*{suffix}" for suffix in suffixes)
            return [_failed(argument, f"directory has no {kinds} files")]
        return [_file(file, PurePath(*parts), path) for file, parts in found]
    if path.exists() or not _MAGIC.intersection(argument):
        if not path.exists():
            return [_failed(argument, "no such file or directory")]
        return [_file(path, PurePath(path.name))]
    return _glob(argument, suffixes)


def _directory(root: Path, suffixes: tuple[str, ...]) -> list[tuple[Path, tuple[str, ...]]]:
    """Files under `root` with a wanted suffix, skipping hidden folders such as `.git`, each
    with its path under `root` as parts, in the order of those parts. The parts come from the
    walk, a folder at a time: `relative_to` per file was a third of a corpus's expansion."""
    found: list[tuple[Path, tuple[str, ...]]] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        here = Path(folder)
        prefix = here.relative_to(root).parts
        found.extend(
            (here / name, (*prefix, name)) for name in files if name.lower().endswith(suffixes)
        )
    return sorted(found, key=lambda entry: entry[1])


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
            items.extend(
                _file(file, file.relative_to(base), base) for file, _ in _directory(path, suffixes)
            )
        elif path.is_file():
            items.append(_file(path, path.relative_to(base), base))
    return items or [_failed(pattern, "no file matches this pattern")]


def _file(path: Path, relative: PurePath, root: Path | None = None) -> Input:
    return Input(str(path), path, relative, root=root)


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


class FullWriteIO(io.FileIO):
    """A file whose `write` writes every byte or raises.

    When the reader of a pipe goes away mid-write, the kernel reports a short write, and
    Python's buffered layer drops what was not written and reports success: `| head` then
    ends the run with exit 0 and a truncated output. Writing the rest makes the next
    `write(2)` fail with EPIPE, which is the `BrokenPipeError` the command line turns into 141.
    """

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            written = super().write(view[done:])
            if written is None:  # non-blocking and full: let the caller see it as usual
                return done
            done += written
        return done


def text_stream(
    fd: int, encoding: str = "utf-8", errors: str = "strict", buffered: bool = True
) -> io.TextIOWrapper:
    """A text stream on `fd` (not closed with it) whose writes are complete or raise;
    `buffered=False` writes through at once, as `python -u` and PYTHONUNBUFFERED ask."""
    raw = FullWriteIO(fd, "w", closefd=False)
    return io.TextIOWrapper(
        io.BufferedWriter(raw) if buffered else raw,
        encoding=encoding,
        errors=errors,
        newline="",
        line_buffering=raw.isatty(),
        write_through=not buffered,
    )


def is_special(target: str | os.PathLike[str]) -> bool:
    """Whether `target` exists and is neither a regular file nor a directory (symlinks
    followed): a FIFO, a device, a socket, `/dev/stdout` on a pipe."""
    try:
        mode = Path(target).stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextmanager
def atomic_output(target: str | os.PathLike[str]) -> Iterator[TextIO]:
    """A UTF-8 text stream that replaces `target` only if the `with` block completes.

    The temporary file lives in the target's directory (so `os.replace` is a rename on one file
    system) and is removed on any failure. Line endings are written exactly as given. A symlink
    is written through; an existing file keeps its permission bits, a new one gets the umask's.
    A target that is not a regular file (see `is_special`) is written in place, unbuffered by
    any temporary file: what was written before a failure has already gone to it.
    """
    if is_special(target):
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
        try:
            with text_stream(fd) as stream:
                yield stream
        finally:
            os.close(fd)
        return
    destination = Path(os.path.realpath(target))
    # The name is chosen before the file exists, so the `except` below knows what to remove
    # however late an interrupt lands, even between `os.open` returning and its result being
    # kept (a signal delivered to another thread, such as the `--jobs` pool's, is raised on
    # the main thread at any point). O_EXCL makes the name this run's alone.
    temporary = destination.parent / f".{destination.name}.{secrets.token_hex(8)}.tmp"
    try:
        handle = os.open(temporary, _NEW_FILE, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        temporary.chmod(_mode_for(destination))
        temporary.replace(destination)
    except BaseException as error:
        ours = not (isinstance(error, FileExistsError) and error.filename == str(temporary))
        if ours:  # a FileExistsError of the `os.open` itself names another's file
            with suppress(OSError):
                temporary.unlink()
        raise


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _mode_for(destination: Path) -> int:
    try:
        return stat.S_IMODE(destination.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class OutputRefused(Exception):
    """An output path that would land outside its folder, or on another input's output."""


class Outputs:
    """The files one run writes, compared by resolved path (symlinks and `..` followed).

    Every computed output of `--split` goes through `claim`, whatever layout computed it: it
    must resolve inside the output folder, and no two inputs may share one. `is_output` lets
    the input search skip what this run writes, so a re-run does not read its own output.
    """

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.given = Path(folder) if folder is not None else Path()
        """The folder as the user wrote it, for messages and the paths returned."""
        self.folder = None if folder is None else Path(os.path.realpath(folder))
        self.owners: dict[Path, str] = {}

    def claim(self, path: str | os.PathLike[str], owner: str) -> Path:
        """`path` (relative to the folder, or as given without one), checked and recorded for
        `owner`; raises `OutputRefused` naming the reason. Under a folder, the path returned is
        the folder as given joined with the resolved path inside it (no `..` left)."""
        given = self.given / path
        resolved = Path(os.path.realpath(given))
        if self.folder is not None:
            if not resolved.is_relative_to(self.folder):
                raise OutputRefused(f"{given} would be outside {self.given}")
            inside = resolved.relative_to(self.folder)
            if not inside.parts:
                raise OutputRefused(f"{given} is the folder {self.given} itself")
            given = self.given / inside
        taken = self.owners.get(resolved)
        if taken is not None:
            raise OutputRefused(f"{given} is already the output of {taken}")
        self.owners[resolved] = owner
        return given

    def is_output(self, item: Input) -> bool:
        """Whether a file found by searching a folder is one this run writes: the `-o` file,
        or a file inside a `--split` folder that lies inside the searched folder."""
        if item.path is None or item.root is None:
            return False  # named on the command line: the user asked for it
        resolved = Path(os.path.realpath(item.path))
        if resolved in self.owners:
            return True
        if self.folder is None:
            return False
        root = Path(os.path.realpath(item.root))
        return (
            self.folder != root
            and self.folder.is_relative_to(root)
            and resolved.is_relative_to(self.folder)
        )
