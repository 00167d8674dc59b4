"""The fuzz corpus's machinery: classes of damage, a TOML writer, hashes and the promise check.

A *damage* turns a good file into a bad one. Byte damages work on any text
file (undecodable bytes, empty, truncated, nested too deeply, too big);
document damages work on the parsed document (a list or table where a value
goes, a value where a table goes, the wrong type, NaN or infinity, a key
missing, an unknown key, a newer format) and are generated for every key
path of the good document, so the corpus follows the file's shape rather
than a list of examples.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from crmsim.cli import main
from crmsim.files import MAX_BYTES

DEEP = 3000
"""Nesting of the 'deep' damage: far beyond Python's recursion limit."""

Path_ = tuple[Any, ...]  # a key path into a document: dict keys and list indices


# ---------------------------------------------------------------- running and checking


def invoke(*args: object) -> Result:
    """``crmsim ARGS...`` in-process; an escaping exception is kept on the result, not raised."""
    return CliRunner().invoke(main, [str(a) for a in args])


def hashes(root: Path) -> dict[str, str]:
    """Every file under ``root`` (symbolic links as such) with the SHA-256 of its bytes."""
    out = {}
    for p in sorted(Path(root).rglob("*")):
        if p.is_symlink() or p.is_file():
            key = str(p.relative_to(root))
            out[key] = "link" if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def assert_unchanged(before: dict[str, str], root: Path) -> None:
    """Every file hashed in ``before`` is still there with the same bytes."""
    after = hashes(root)
    changed = [k for k, v in before.items() if after.get(k) != v]
    assert not changed, f"files changed or removed: {changed}"


def assert_promise(result: Result, codes: tuple[int, ...] = (2,)) -> str:
    """The README's promise for bad input: exit code in ``codes``, one ``crmsim: error:`` line.

    A run that succeeds (exit 0 in ``codes``) need not print an error. Returns
    the error line ('' for a success).
    """
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), (
        f"{type(exc).__name__}: {exc}\n{result.output}"
    )
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in text, text
    assert result.exit_code in codes, f"exit {result.exit_code}, wanted {codes}: {text[-2000:]}"
    if result.exit_code in (0, 1) and 2 not in codes or result.exit_code == 0:
        return ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("crmsim: error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], f"not one error line: {lines}"
    return errors[0]


# ---------------------------------------------------------------- byte damages


def _deep_toml(good: bytes) -> bytes:
    return good + b"\nzz_deep = " + b"[" * DEEP + b"]" * DEEP + b"\n"


def _deep_json(good: bytes) -> bytes:
    return b"[" * DEEP + b"]" * DEEP


def _undecodable(good: bytes) -> bytes:
    cut = good.find(b"\n", len(good) // 3) + 1
    return good[:cut] + b"# \xff\xfe\xc3\x28\n" + good[cut:]


BYTE_DAMAGES: dict[str, Callable[[bytes, str], bytes]] = {
    "undecodable": lambda good, fmt: _undecodable(good) if fmt == "toml" else b"\xff" + good,
    "utf-16": lambda good, fmt: good.decode().encode("utf-16"),
    "empty": lambda good, fmt: b"",
    "blank": lambda good, fmt: b"  \n\n",
    "truncated": lambda good, fmt: good[: max(1, len(good) // 2)],
    "cut in a string": lambda good, fmt: good[: good.find(b'"') + 2] if b'"' in good else good[:1],
    "deep": lambda good, fmt: _deep_toml(good) if fmt == "toml" else _deep_json(good),
    "binary": lambda good, fmt: bytes(range(256)) * 4,
}
"""Byte damages for TOML and JSON files (``huge`` is written sparse by :func:`write_damaged`)."""

PARQUET_DAMAGES: dict[str, Callable[[bytes, str], bytes]] = {
    "empty": lambda good, fmt: b"",
    "magic only": lambda good, fmt: good[:4],
    "truncated": lambda good, fmt: good[: len(good) // 2],
    "no footer": lambda good, fmt: good[:-8],
    "footer only": lambda good, fmt: good[-64:],
    "flipped bytes": lambda good, fmt: good[:4] + bytes(b ^ 0x5A for b in good[4:-8]) + good[-8:],
    "text": lambda good, fmt: b"not parquet at all\n",
    "json": lambda good, fmt: b'{"format": 1}',
}


def write_damaged(path: Path, good: bytes, damage: str, fmt: str) -> None:
    """Write ``good`` damaged by ``damage`` (a key of the tables above, or ``huge``) to ``path``."""
    if damage == "huge":  # sparse: bigger than MAX_BYTES without writing them
        path.write_bytes(good)
        with open(path, "r+b") as fh:
            fh.truncate(MAX_BYTES + 1024)
        return
    table = PARQUET_DAMAGES if fmt == "parquet" else BYTE_DAMAGES
    path.write_bytes(table[damage](good, fmt))


# ---------------------------------------------------------------- document damages


@dataclass(frozen=True)
class DocDamage:
    """One damage of a parsed document: a name (the test id) and the damaged document."""

    name: str
    data: Any
    cls: str  # the class of damage: "type", "missing", "extra", "nan", "top", "format"
    path: tuple = ()  # the key path damaged


MAX_KEYS = 6
"""Keys of a nested table damaged (the first ones; every key of the top level)."""


def _paths(data: Any, prefix: Path_ = (), depth: int = 3) -> Iterator[tuple[Path_, Any]]:
    """Key paths of ``data`` down to ``depth`` levels (lists: their first item only)."""
    if depth == 0:
        return
    if isinstance(data, dict):
        items = list(data.items())[: None if not prefix else MAX_KEYS]
    elif isinstance(data, list) and data:
        items = [(0, data[0])]
    else:
        return
    for key, value in items:
        yield (*prefix, key), value
        yield from _paths(value, (*prefix, key), depth - 1)


def _set(data: Any, path: Path_, value: Any) -> Any:
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def _delete(data: Any, path: Path_) -> Any:
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


def _name(path: Path_) -> str:
    return ".".join(str(k) for k in path)


def doc_damages(good: Any, depth: int = 3, skip: Callable[[Path_], bool] = lambda p: False,
                format_key: str | None = None) -> list[DocDamage]:  # fmt: skip
    """Every document damage of ``good``, one per key path and class.

    Classes: the whole document a list or a number; at each path a list or a
    table where a value goes, a number where a table or a list goes, text
    where a number goes and a number where text goes, NaN and infinity where
    a number goes, the key missing; an unknown key in every table; a format
    number from the future.
    """
    out = [DocDamage("top is a list", [good], "top"), DocDamage("top is a number", 3, "top")]
    for path, value in _paths(good, depth=depth):
        if skip(path):
            continue
        where = _name(path)
        if isinstance(value, dict):
            out.append(DocDamage(f"{where}: a number for a table", _set(good, path, 3), "type"))
            out.append(DocDamage(f"{where}: unknown key", _set(good, (*path, "zz_unknown"), 1),
                                 "extra"))  # fmt: skip
        elif isinstance(value, list):
            out.append(DocDamage(f"{where}: a number for a list", _set(good, path, 3), "type"))
            out.append(DocDamage(f"{where}: a table for a list", _set(good, path, {"a": 1}),
                                 "type"))  # fmt: skip
        else:
            out.append(DocDamage(f"{where}: a list for a value", _set(good, path, [value]),
                                 "type"))  # fmt: skip
            out.append(DocDamage(f"{where}: a table for a value", _set(good, path, {"a": value}),
                                 "type"))  # fmt: skip
            if isinstance(value, str):
                out.append(DocDamage(f"{where}: a number for text", _set(good, path, 7), "type"))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                out.append(DocDamage(f"{where}: text for a number", _set(good, path, "x"), "type"))
                out.append(DocDamage(f"{where}: nan", _set(good, path, math.nan), "nan"))
                out.append(DocDamage(f"{where}: inf", _set(good, path, -math.inf), "nan"))
        if not isinstance(path[-1], int):
            out.append(DocDamage(f"{where}: missing", _delete(good, path), "missing", path))
    if isinstance(good, dict):
        out.append(DocDamage("unknown top-level key", {**good, "zz_unknown": 1}, "extra"))
    if format_key is not None:
        out.append(DocDamage(f"{format_key}: future", {**good, format_key: 999}, "format"))
    return out


# ---------------------------------------------------------------- writing documents


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}"
                               for k, v in value.items()) + "}"  # fmt: skip
    raise TypeError(f"no TOML for {value!r}")


def dump_toml(data: dict) -> str:
    """``data`` as TOML (every table inline: a valid file with the same parsed content)."""
    return "".join(f"{json.dumps(str(k))} = {_toml_value(v)}\n" for k, v in data.items())


def dump(data: Any, fmt: str) -> bytes:
    """``data`` as a ``fmt`` file (``toml`` or ``json``; JSON may hold NaN and Infinity)."""
    if fmt == "toml":
        if not isinstance(data, dict):  # TOML has no other top level: a key holding it
            return dump_toml({"zz_top": data}).encode()
        return dump_toml(data).encode()
    return json.dumps(data).encode()
