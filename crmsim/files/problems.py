"""An operating-system error on a file, as one line with the fix."""

from __future__ import annotations

import errno
from pathlib import Path

from crmsim.errors import CrmsimError

_FIXES = {
    errno.EACCES: ("permission denied", "choose a folder you may {verb} (e.g. --out)"),
    errno.EPERM: ("not permitted", "choose a folder you may {verb} (e.g. --out)"),
    errno.EROFS: ("the file system is read-only", "choose a writable folder (e.g. --out)"),
    errno.ENOSPC: ("the disk is full", "free some space or choose another disk (e.g. --out)"),
    errno.EDQUOT: ("the disk quota is used up", "free some space or choose another folder"),
    errno.ENOENT: ("no such file or folder", "check the path"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    errno.EISDIR: ("it is a folder", "give a file name"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter path"),
    errno.EMFILE: ("too many open files", "raise the limit (ulimit -n) or use fewer workers"),
}


def problem_of(exc: OSError) -> str:
    """The problem ``exc`` names, in plain words (``"the disk is full"``)."""
    return _FIXES.get(exc.errno, (exc.strerror or str(exc), ""))[0]


def os_error(exc: OSError, path: str | Path, verb: str = "write") -> CrmsimError:
    """The one-line :class:`CrmsimError` for ``exc`` raised while ``verb``-ing ``path``.

    Args:
        exc: The error the operating system gave.
        path: The file or folder concerned.
        verb: ``"write"`` or ``"read"`` (the first words of the line).
    """
    problem, fix = _FIXES.get(exc.errno, (exc.strerror or str(exc), "check the path"))
    return CrmsimError(f"cannot {verb} {path}: {problem}; {fix.format(verb=verb)}")
