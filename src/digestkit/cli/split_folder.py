"""The `--split DIR` folder: checked before any input is read, and its write failures reported
once per cause, not once per input.

A folder that cannot hold outputs (a file in its place, a read-only file system, no permission)
would otherwise fail every input the same way: 357 identical lines for an archive. So the folder
is checked first (`check_folder`), and a failure while writing is reported once for its folder
and reason (`WriteFailures`), or for the whole run when the file system is at fault (read-only,
full): the first in full, the rest counted in one line at the end.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .common import UsageError, describe

ANYWHERE = frozenset(
    code for code in (errno.EROFS, errno.ENOSPC, getattr(errno, "EDQUOT", None)) if code
)
"""Write failures of the file system rather than of one folder: grouped for the whole run."""


def not_a_folder(path: Path) -> Path | None:
    """The first part of `path` (from the root down) that exists and is not a folder, if any:
    the file a folder cannot be made under."""
    for part in reversed([path, *path.parents]):
        if os.path.lexists(part) and not part.is_dir():
            return part
    return None


def check_folder(given: str) -> str | None:
    """Why `--split given` cannot hold outputs, if it cannot: a file in the way is a usage
    error (`UsageError`); a folder that cannot be written in (or created) is the returned
    reason, one error line for the run. Nothing is created: a run whose inputs all fail leaves
    no empty folder behind."""
    folder = Path(given)
    blocker = not_a_folder(folder)
    if blocker is not None:
        what = "is a file, not a folder" if blocker.is_file() else "is not a folder"
        raise UsageError(f"--split {given}: {blocker} {what}")
    existing = next(part for part in [folder, *folder.parents] if part.is_dir())
    try:  # the way atomic_output writes: a temporary file in the folder
        handle, probe = tempfile.mkstemp(prefix=".digestkit-", suffix=".tmp", dir=existing)
    except OSError as exc:
        if existing == folder:
            return f"{given}: cannot write in this folder: {describe(exc)}"
        return f"{given}: cannot create this folder in {existing}: {describe(exc)}"
    os.close(handle)
    Path(probe).unlink()
    return None


def make_parents(target: Path) -> None:
    """The folders of `target`, made; a file in the way is named (mkdir alone says only
    `File exists`)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        blocker = not_a_folder(target.parent)
        if blocker is None:
            raise
        raise NotADirectoryError(exc.errno, f"{blocker} is a file, not a folder") from None


class WriteFailures:
    """Write failures of one run, grouped by folder (the `--split` folder itself for the
    `ANYWHERE` reasons) and reason: the first of each group is reported in full, the rest are
    counted and summed up by `lines` at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.repeats: dict[tuple[Path, str], int] = {}

    def first(self, target: Path, exc: OSError) -> bool:
        """Record a failure to write `target`; True if it is the first of its group."""
        key = (self.folder if exc.errno in ANYWHERE else target.parent, describe(exc))
        if key in self.repeats:
            self.repeats[key] += 1
            return False
        self.repeats[key] = 0
        return True

    def lines(self) -> list[str]:
        """One line per group that failed more than once."""
        return [
            f"{folder}: {count} more output{'' if count == 1 else 's'} not written: {reason}"
            for (folder, reason), count in self.repeats.items()
            if count
        ]
