"""Writing files: one atomic write, and output folders claimed before they are used.

:func:`atomic_write` is the only way crmsim writes a file. It writes to a
unique temporary name in the target's folder (so concurrent writers never
share one), flushes and fsyncs it, and renames it into place, so a reader
sees the old file or the new one, never half of one. It refuses to replace a
symbolic link, a device, a pipe or a folder, and turns an operating-system
error (read-only folder, full disk, permission) into one line with the fix.

:func:`claim_output_dir` guards folders: crmsim writes into a folder only
when it is new, empty, or holds output of the same kind that crmsim made.
What kind a folder holds is read from its ``manifest.json`` (its ``kind``
key; older manifests without one are recognised by their format key) or its
saved game (``state.json``), see :func:`folder_kind`.
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from crmsim.errors import CrmsimError
from crmsim.files.problems import os_error, problem_of

Writer = Callable[[IO[bytes]], Any]
"""Called with a binary file open for writing; writes the file's content."""

UNKNOWN = "unknown"
"""The kind of a folder holding files crmsim did not write (see :func:`folder_kind`)."""
BATCH_KINDS = ("crmsim batch", "crmsim levers", "crmsim sensitivity")
"""The kinds of folder a :class:`crmsim.storage.RunStore` holds."""
_EXPORT_FILES = {"summary.csv", "weekly.csv", "cells.csv", "completeness.csv"}


def check_target(path: Path) -> None:
    """Refuse a target that is not a plain file (or absent).

    Raises:
        CrmsimError: for a symbolic link, a folder, a device, a pipe or a socket.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise os_error(exc, path) from None
    if stat.S_ISLNK(mode):
        problem = "is a symbolic link"
    elif stat.S_ISDIR(mode):
        problem = "is a folder"
    elif not stat.S_ISREG(mode):
        problem = "is a device, pipe or socket, not a file"
    else:
        return
    raise CrmsimError(f"cannot write {path}: it {problem}; crmsim replaces only plain files, "
                      "give another file name")  # fmt: skip


def atomic_write(path: str | Path, write: Writer | bytes | str, sync: bool = True) -> Path:
    """Write a file atomically: into a unique temporary file, then rename it into place.

    Args:
        path: The final location (its folder must exist).
        write: The content (bytes, or text written as UTF-8), or a function
            called with a binary file handle open for writing.
        sync: fsync the file and its folder before returning (off for
            journal entries, which guard against a dying process only).

    Returns:
        ``path``.

    Raises:
        CrmsimError: when ``path`` is a symbolic link, folder or device, or
            the folder cannot be written (read-only, full, no permission).
            The old file, if any, is then untouched and no temporary file is left.
    """
    path = Path(path)
    check_target(path)
    if isinstance(write, str):
        write = write.encode("utf-8")
    if isinstance(write, bytes):
        data = write
        write = lambda fh: fh.write(data)  # noqa: E731
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise os_error(exc, path) from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
        if sync:
            _sync_dir(path.parent)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise os_error(exc, path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - a platform without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once, at import: umask() is process-wide, not thread-safe


def _umask() -> int:
    """The process's file-creation mask."""
    return _UMASK


def write_bytes(path: str | Path, data: bytes, sync: bool = True) -> Path:
    """Write ``data`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, data, sync=sync)


def write_text(path: str | Path, text: str, sync: bool = True) -> Path:
    """Write ``text`` as UTF-8, atomically (see :func:`atomic_write`)."""
    return atomic_write(path, text.encode("utf-8"), sync=sync)


def plain(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, non-finite floats to None, paths to str."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    np = sys.modules.get("numpy")  # not loaded: no value can be a numpy scalar
    if np is not None and isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


def write_json(path: str | Path, data: Any, keep_nan: bool = False) -> Path:
    """Write ``data`` as indented JSON, atomically.

    Args:
        path: The file.
        data: Anything JSON can hold; numpy scalars and paths are converted.
        keep_nan: Write NaN and infinity as JSON's ``NaN``/``Infinity`` and
            anything else as its ``str`` (batch manifests, which must read back
            exactly); by default they become ``null``.
    """
    if keep_nan:
        text = json.dumps(data, indent=2, default=str, allow_nan=True)
    else:
        text = json.dumps(plain(data), indent=2, allow_nan=False)
    return atomic_write(path, (text + "\n").encode("utf-8"))


def make_dirs(path: str | Path) -> Path:
    """Create a folder and its parents (fine if it exists).

    Raises:
        CrmsimError: when it cannot be made (a file in the way, read-only, no permission).
    """
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        problem = "a file is in the way"
    except OSError as exc:
        problem = problem_of(exc)
    else:
        return path
    raise CrmsimError(f"cannot create output directory {path}: {problem}; choose another --out")


def _is_temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def folder_kind(path: str | Path) -> str | None:
    """What an existing folder holds: the command whose output it is.

    Returns:
        None for a folder that does not exist, ``""`` for an empty one, the
        manifest's ``kind`` (``"crmsim run"``, ``"crmsim batch"``,
        ``"crmsim levers"``, ``"crmsim sensitivity"``), ``"crmsim play"``
        for a team's game, ``"crmsim debrief"``, ``"crmsim export"`` (only
        the CSV files of an export), or :data:`UNKNOWN` for
        files crmsim did not write (or a manifest it cannot read).
    """
    path = Path(path)
    if not path.is_dir():
        return None
    # atomic_write's temporary files belong to a writer at work, not to the folder
    names = {p.name for p in path.iterdir() if not _is_temporary(p.name)}
    if not names:
        return ""
    if "state.json" in names:
        return "crmsim play"
    if "debrief.json" in names:
        return "crmsim debrief"
    if "manifest.json" in names:
        from crmsim.files.read import read_json

        try:
            manifest = read_json(path / "manifest.json", "manifest")
        except CrmsimError:
            return UNKNOWN
        if not isinstance(manifest, dict):
            return UNKNOWN
        if isinstance(manifest.get("kind"), str):
            return manifest["kind"]
        if "format_version" in manifest:  # batches before manifests said their kind
            return "crmsim batch"
        if "format" in manifest:  # runs before manifests said their kind
            return "crmsim run"
        return UNKNOWN
    if names <= {".lock"}:  # a batch lock left behind, nothing else
        return ""
    if names <= _EXPORT_FILES:
        return "crmsim export"
    return UNKNOWN


def claim_output_dir(path: str | Path, kind: str, accept: Iterable[str] = ()) -> Path:
    """Make sure ``path`` may take output of ``kind``, creating it if needed.

    A folder may be used when it is new, empty, or holds output of the same
    kind (or of one of ``accept``) that crmsim wrote; anything else is refused,
    so one command never overwrites another's files (``crmsim run --out``
    into a batch would otherwise replace the batch's ``manifest.json``).

    Args:
        path: The output folder.
        kind: The command writing, as recorded in manifests, e.g. ``"crmsim run"``.
        accept: Other kinds the writer may share a folder with.

    Returns:
        ``path``.

    Raises:
        CrmsimError: for a file in the way, a folder of another kind or of
            files crmsim did not write, or a folder that cannot be made.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise CrmsimError(f"{path} is a file, not a folder; choose another --out")
    found = folder_kind(path)
    if found in (None, "", kind) or found in set(accept):
        return make_dirs(path)
    if found == UNKNOWN:
        raise CrmsimError(
            f"{path} holds files crmsim did not write; choose a new or empty folder for --out"
        )
    raise CrmsimError(
        f"{path} holds the output of {found}; {kind} would overwrite it, choose another --out"
    )
