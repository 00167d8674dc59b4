"""Reading files: every file crmsim reads goes through here.

Each reader names what it reads (``"scenario file"``, ``"manifest"``...) and
turns every failure into one :class:`~crmsim.errors.CrmsimError` line naming
the file, the problem and the fix: missing or unreadable, not UTF-8 (a UTF-8
byte-order mark is dropped, not an error), bigger than :data:`MAX_BYTES`,
nested deeper than :data:`MAX_DEPTH` (never a ``RecursionError``), malformed,
a damaged, truncated or empty Parquet file, a document whose shape differs
from its declared :class:`Shape`, or a format newer than this crmsim reads
(:func:`check_format`).
"""

from __future__ import annotations

import io
import json
import os
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmsim.errors import CrmsimError
from crmsim.files.problems import os_error
from crmsim.i18n import N_, _

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

MAX_BYTES = 64 * 2**20
"""Largest text file (TOML, JSON, CSV) read, in bytes: far above any crmsim writes."""
MAX_DEPTH = 32
"""Deepest nesting of tables and lists accepted in TOML and JSON (crmsim's own use 4)."""

Kind = Any  # a type, a tuple of types, or a Shape


@dataclass(frozen=True)
class Shape:
    """The declared shape of a TOML or JSON document: a table with typed keys.

    A key's kind is a type, a tuple of types, or another :class:`Shape` for a
    nested table. ``int`` does not accept booleans; ``float`` accepts integers.

    Attributes:
        required: Keys that must be present, with their kinds.
        optional: Keys that may be present, with their kinds (``None`` is
            accepted for them).
    """

    required: Mapping[str, Kind] = field(default_factory=dict)
    optional: Mapping[str, Kind] = field(default_factory=dict)


def _kind_name(kind: Kind) -> str:
    if isinstance(kind, Shape):
        return "a table"
    kinds = kind if isinstance(kind, tuple) else (kind,)
    words = {dict: N_("a table"), list: N_("a list"), str: N_("text"), int: N_("a whole number"),
             float: N_("a number"), bool: N_("true or false"), type(None): N_("null")}  # fmt: skip
    return _(" or ").join(_(words[k]) if k in words else k.__name__ for k in kinds)


def _fits(value: Any, kind: Kind) -> bool:
    if isinstance(kind, Shape):
        return isinstance(value, dict)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int) and float in kinds:
        return True
    return isinstance(value, kinds)


def _value_name(value: Any) -> str:
    return _kind_name(type(value)) if not isinstance(value, Shape) else _("a table")


def check_shape(data: Any, shape: Shape, where: str, fix: str) -> None:
    """Check ``data`` against ``shape``.

    Args:
        data: The parsed document (or a table inside it).
        shape: Its declared shape.
        where: The file (and table) named in the message.
        fix: What to do about a wrong shape.

    Raises:
        CrmsimError: for a document that is not a table, a missing key or a
            value of the wrong kind.
    """
    if not isinstance(data, dict):
        raise CrmsimError(
            _("{where} should hold a table, not {value}; {fix}").format(
                where=where, value=_value_name(data), fix=_(fix)
            )
        )
    for key, kind in shape.required.items():
        if key not in data:
            raise CrmsimError(
                _("{where}: {key} is missing; {fix}").format(where=where, key=key, fix=_(fix))
            )
        _check_value(data[key], kind, f"{where}: {key}", fix)
    for key, kind in shape.optional.items():
        if data.get(key) is not None:
            _check_value(data[key], kind, f"{where}: {key}", fix)


def check_keys(
    table: Mapping[str, Any], allowed: Sequence[str], where: str, prefix: str = ""
) -> None:
    """Refuse a key of ``table`` that is not ``allowed``, suggesting the closest one.

    The message is ``{where}: unknown key {prefix}{key}; did you mean X?`` (or
    ``; allowed: ...`` when nothing is close).

    Raises:
        CrmsimError: for the first unknown key.
    """
    from crmsim.params import suggest

    for key in table:
        if key not in allowed:
            hint = suggest(key, list(allowed)) or f"; allowed: {', '.join(allowed)}"
            raise CrmsimError(f"{where}: unknown key {prefix}{key}{hint}")


def _check_value(value: Any, kind: Kind, where: str, fix: str) -> None:
    if not _fits(value, kind):
        raise CrmsimError(
            _("{where} should be {kind}, not {value}; {fix}").format(
                where=where, kind=_kind_name(kind), value=_value_name(value), fix=_(fix)
            )
        )
    if isinstance(kind, Shape):
        check_shape(value, kind, where, fix)


def check_format(data: Mapping[str, Any], key: str, newest: int, where: str) -> int:
    """The format number ``data[key]``, refused when a newer crmsim wrote it.

    Raises:
        CrmsimError: for a missing or non-integer format, or one above ``newest``.
    """
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CrmsimError(
            f"{where}: {key} should be a whole number, not {_value_name(value)}; "
            "the file is damaged or was not written by crmsim"
        )
    if value > newest:
        raise CrmsimError(
            f"{where} was written by a newer crmsim ({key} {value}, this one reads up to "
            f"{newest}); upgrade crmsim to read it"
        )
    return value


# ---------------------------------------------------------------- bytes and text


def read_bytes(path: str | Path, what: str = N_("file"), max_bytes: int = MAX_BYTES,
               missing: str = N_("check the path")) -> bytes:  # fmt: skip
    """The bytes of a file, at most ``max_bytes`` of them.

    Args:
        path: The file.
        what: What it is, for messages (``"scenario file"``).
        max_bytes: Refuse bigger files.
        missing: The fix named when the file does not exist.

    Raises:
        CrmsimError: for a missing, unreadable or too big file.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise CrmsimError(
                    _(
                        "{what} {path} is {size} bytes, more than the {most} crmsim reads; "
                        "give the right file"
                    ).format(what=_(what), path=path, size=f"{size:,}", most=f"{max_bytes:,}")
                )
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise CrmsimError(
            _("{what} {path} not found; {fix}").format(what=_(what), path=path, fix=_(missing))
        ) from None
    except IsADirectoryError:
        raise CrmsimError(
            _("{what} {path} is a folder; give a file").format(what=_(what), path=path)
        ) from None
    except OSError as exc:
        raise os_error(exc, path, "read") from None
    if len(data) > max_bytes:  # a pipe or device says no size up front
        raise CrmsimError(
            _(
                "{what} {path} is more than the {most} bytes crmsim reads; give the right file"
            ).format(what=_(what), path=path, most=f"{max_bytes:,}")
        )
    return data


def read_text(path: str | Path, what: str = N_("file"), max_bytes: int = MAX_BYTES,
              missing: str = N_("check the path")) -> str:  # fmt: skip
    """A UTF-8 text file (a leading byte-order mark dropped).

    Raises:
        CrmsimError: for a missing, unreadable or too big file, or bytes that
            are not UTF-8.
    """
    data = read_bytes(path, what, max_bytes, missing)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CrmsimError(
            _(
                "{what} {path} is not UTF-8 text (line {line}, byte {byte}); save it as UTF-8"
            ).format(what=_(what), path=path, line=line, byte=exc.start)
        ) from None


def _depth(data: Any) -> int:
    """Nesting depth of tables and lists (iterative: no recursion limit)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((c, level + 1) for c in children)
    return deepest


def _too_deep(what: str, path: Path, fix: str) -> CrmsimError:
    return CrmsimError(
        _("{what} {path} is nested more than {levels} levels deep; {fix}").format(
            what=_(what), path=path, levels=MAX_DEPTH, fix=_(fix)
        )
    )


def _parse(path: str | Path, what: str, shape: Shape | None, fix: str, missing: str,
           parse: Callable[[str], Any]) -> Any:  # fmt: skip
    """Read, decode and ``parse`` a text file, then bound its depth and check its shape."""
    path = Path(path)
    text = read_text(path, what, missing=missing)
    try:
        data = parse(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already says "(at line N, column M)"
        raise CrmsimError(
            _("malformed TOML in {path}: {problem}; {fix}").format(
                path=path, problem=exc, fix=_(fix)
            )
        ) from None
    except json.JSONDecodeError as exc:
        if not text.strip():
            raise CrmsimError(
                _("{what} {path} is empty; {fix}").format(what=_(what), path=path, fix=_(fix))
            ) from None
        raise CrmsimError(
            f"{path} is not valid JSON (line {exc.lineno}): {exc.msg}; {fix}"
        ) from None
    except RecursionError:
        raise _too_deep(what, path, fix) from None
    if _depth(data) > MAX_DEPTH:
        raise _too_deep(what, path, fix)
    if shape is not None:
        check_shape(data, shape, f"{what} {path}", fix)
    return data


def read_toml(path: str | Path, what: str = N_("TOML file"), shape: Shape | None = None,
              fix: str = N_("fix the file's syntax"),
              missing: str = N_("check the path")) -> dict:  # fmt: skip
    """A TOML file as a dict.

    Args:
        path: The file.
        what: What it is, for messages (``"scenario file"``).
        shape: Its declared shape, checked when given.
        fix: The fix named for a malformed or wrongly shaped file.
        missing: The fix named when the file does not exist.

    Raises:
        CrmsimError: for any problem reading, decoding, parsing or checking it.
    """
    return _parse(path, what, shape, fix, missing, tomllib.loads)


def read_json(path: str | Path, what: str = "JSON file", shape: Shape | None = None,
              fix: str = "the file is damaged; write it again",
              missing: str = "check the path") -> Any:  # fmt: skip
    """A JSON file, parsed (``NaN`` and ``Infinity`` read as floats); arguments as :func:`read_toml`.

    Raises:
        CrmsimError: for any problem reading, decoding, parsing or checking it
            (an empty file too).
    """
    return _parse(path, what, shape, fix, missing, json.loads)


# ---------------------------------------------------------------- tables


def _arrow_problem(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first if len(first) <= 120 else first[:117] + "..."


def _parquet(path: Path, what: str, fix: str, read: Any) -> Any:
    import pyarrow as pa

    try:
        return read()
    except FileNotFoundError:
        raise CrmsimError(f"{what} {path} not found; {fix}") from None
    except OSError as exc:
        if exc.errno is not None:
            raise os_error(exc, path, "read") from None
        problem = _arrow_problem(exc)
    except (pa.ArrowException, ValueError, KeyError, IndexError, EOFError) as exc:
        problem = _arrow_problem(exc)
    raise CrmsimError(f"{what} {path} is damaged or not Parquet ({problem}); {fix}")


def read_parquet(path: str | Path, what: str = "Parquet file",
                 columns: Sequence[str] | None = None,
                 fix: str = "delete it and write it again") -> pa.Table:  # fmt: skip
    """A Parquet file as an Arrow table (of ``columns`` when given).

    Raises:
        CrmsimError: for a missing, unreadable, empty, truncated or damaged
            file, or missing columns.
    """
    import pyarrow.parquet as pq

    path = Path(path)
    cols = None if columns is None else list(columns)
    return _parquet(path, what, fix, lambda: pq.read_table(path, columns=cols))


def read_parquet_frame(path: str | Path, what: str = "Parquet file",
                       columns: Sequence[str] | None = None,
                       fix: str = "delete it and write it again",
                       types_mapper: Callable[[Any], Any] | None = None) -> pd.DataFrame:  # fmt: skip
    """A Parquet file as a pandas table (of ``columns`` when given).

    The conversion to pandas is guarded too: a file whose pandas metadata is
    damaged is refused like one whose data is.

    Args:
        path: The file.
        what: What it is, for messages.
        columns: Columns to read (all when None).
        fix: The fix named for a missing or damaged file.
        types_mapper: Passed to :meth:`pyarrow.Table.to_pandas` (e.g. nullable integers).

    Raises:
        CrmsimError: as :func:`read_parquet`.
    """
    path = Path(path)
    table = read_parquet(path, what, columns, fix)
    return _parquet(path, what, fix, lambda: table.to_pandas(types_mapper=types_mapper))


def parquet_schema(path: str | Path, what: str = "Parquet file",
                   fix: str = "delete it and write it again") -> pa.Schema:  # fmt: skip
    """The schema of a Parquet file (its footer only).

    Raises:
        CrmsimError: as :func:`read_parquet`.
    """
    import pyarrow.parquet as pq

    path = Path(path)
    return _parquet(path, what, fix, lambda: pq.read_schema(path))


def read_csv(path: str | Path, what: str = "CSV file",
             fix: str = "save it as comma-separated UTF-8 text") -> pd.DataFrame:  # fmt: skip
    """A CSV file with a header row, as a table.

    Raises:
        CrmsimError: for a missing, unreadable, empty, non-UTF-8 or malformed file.
    """
    import pandas as pd

    path = Path(path)
    text = read_text(path, what)
    if not text.strip():
        raise CrmsimError(f"{what} {path} is empty; {fix}")
    try:
        return pd.read_csv(io.StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise CrmsimError(f"{what} {path} is malformed ({_arrow_problem(exc)}); {fix}") from None
