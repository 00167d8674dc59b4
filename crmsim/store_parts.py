"""The Parquet parts of a batch: their tables, their types, and checking them.

:class:`crmsim.storage.RunStore` writes each chunk of finished runs as a
pair of parts with the same number, ``weekly/part-N.parquet`` then
``summary/part-N.parquet`` (which commits the chunk). The summary part
records in its metadata how many weekly rows its pair holds
(``crmsim.weekly_rows``), so a weekly part cut short or replaced is found
(:func:`part_problem`) even when it is still readable Parquet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from crmsim.params import PARAMS
from crmsim.results import SUMMARY_FIELDS, SUMMARY_KINDS

WEEKLY_ROWS_KEY = b"crmsim.weekly_rows"
"""Summary parts' metadata key: the number of rows of their weekly pair."""
_PART = re.compile(r"part-(\d{6})\.parquet$")
_ARROW_TYPES = {int: pa.int64(), bool: pa.bool_(), float: pa.float64()}


def _field_type(name: str) -> pa.DataType:
    return _ARROW_TYPES[SUMMARY_KINDS.get(name, float)]


def _param_type(name: str) -> pa.DataType:
    kind = PARAMS[name].kind
    return {bool: pa.bool_(), int: pa.int64()}.get(kind, pa.float64())


def _column(values: list[Any], kind: pa.DataType) -> pa.Array:
    try:
        return pa.array(values, type=kind, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        return pa.array(values, from_pandas=True)  # the runner changed a type: keep its own


def mapper(kind: pa.DataType) -> Any:
    """Arrow to pandas types: nullable integers stay integers (weeks_to_80 is 52, not 52.0)."""
    return {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}.get(kind)


def read_pandas(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as pandas with :func:`mapper`'s types."""
    return table.to_pandas(types_mapper=mapper)


def combine_summaries(parts: Sequence[pa.Table], include_failed: bool) -> pd.DataFrame:
    """Summary parts as one table sorted by run_id: a retried run's ok row wins."""
    df = read_pandas(pa.concat_tables(parts, promote_options="permissive"))
    df["_ok"] = df["status"] == "ok"
    df = df.sort_values(["run_id", "_ok"], kind="stable")
    df = df.drop_duplicates("run_id", keep="last").drop(columns="_ok")
    if not include_failed:
        df = df[df["status"] == "ok"]
    return df.reset_index(drop=True)


def summary_table(
    rows: Sequence[Mapping[str, Any]], sweep_names: Sequence[str], weekly_rows: int
) -> pa.Table:
    """The summary part of a chunk: one row per run, typed, with its pair's row count."""
    types: dict[str, pa.DataType] = {
        "run_id": pa.int64(), "cell": pa.int64(), "scenario": pa.string(),
        "replicate": pa.int64(), "seed": pa.int64(), "status": pa.string(),
        "error": pa.string(),
    }  # fmt: skip
    types.update({n: _param_type(n) for n in sweep_names if n in PARAMS})
    types.update({n: _field_type(n) for n in SUMMARY_FIELDS})
    types.update({"rerun": pa.string(), "traceback": pa.string()})
    names = list(types) + [k for k in rows[0] if k not in types]
    table = pa.table({n: _column([r.get(n) for r in rows], types.get(n)) for n in names})
    return table.replace_schema_metadata({WEEKLY_ROWS_KEY: str(weekly_rows).encode()})


def weekly_table(ok: Sequence[tuple[int, Mapping[str, np.ndarray]]]) -> pa.Table:
    """The weekly part of a chunk: every finished run's weekly series, tagged with its run_id."""
    columns = list(ok[0][1])
    data = {"run_id": np.concatenate([np.full(len(w[columns[0]]), i) for i, w in ok])}
    for col in columns:
        data[col] = np.concatenate([w[col] for _, w in ok])
    return pa.table(data)


def write_weekly(table: pa.Table, fh: Any) -> None:
    """Write a weekly part (zstd; dictionary encoding for whole-number columns only).

    Trying dictionaries on the float columns costs three times the write and saves nothing.
    Page checksums let :func:`part_problem` find damage inside the data.
    """
    whole = [f.name for f in table.schema if pa.types.is_integer(f.type)]
    pq.write_table(table, fh, compression="zstd", use_dictionary=whole, write_page_checksum=True)


def write_summary(table: pa.Table, fh: Any) -> None:
    """Write a summary part (zstd, with page checksums like the weekly part)."""
    pq.write_table(table, fh, compression="zstd", write_page_checksum=True)


def _problem(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    if "magic bytes" in text or "size is 0 bytes" in text:
        return "cut short or not Parquet"
    return text if len(text) <= 100 else text[:97] + "..."


def part_problem(summary: Path, weekly: Path | None, full: bool) -> str | None:
    """What is wrong with one chunk's pair of parts, or None when it is sound.

    Args:
        summary: The summary part.
        weekly: Its weekly part (None when there is none).
        full: Read every row and verify the page checksums (finds damage inside
            the data too); otherwise only the footers and the run statuses are
            read (cheap: finds truncation, a missing or swapped weekly part).
    """
    unreadable = (OSError, EOFError, pa.ArrowException, ValueError, KeyError, IndexError,
                  TypeError)  # fmt: skip
    try:
        if full:
            runs = pq.read_table(summary, page_checksum_verification=True)
        else:
            runs = pq.read_table(summary, columns=["run_id", "status"])
            runs = runs.replace_schema_metadata(pq.read_schema(summary).metadata)
        status = runs.column("status").to_pylist()
    except unreadable as exc:
        return f"summary/{summary.name} unreadable ({_problem(exc)})"
    recorded = (runs.schema.metadata or {}).get(WEEKLY_ROWS_KEY)
    expected = int(recorded) if recorded is not None and recorded.isdigit() else None
    finished = sum(1 for s in status if s == "ok")
    if weekly is None:
        if finished and expected != 0:
            return f"weekly/{summary.name} missing ({finished} finished runs have no weekly rows)"
        return None
    try:
        if full:
            rows = pq.read_table(weekly, page_checksum_verification=True).num_rows
        else:
            rows = pq.ParquetFile(weekly).metadata.num_rows
    except unreadable as exc:
        return f"weekly/{weekly.name} unreadable ({_problem(exc)})"
    if expected is not None and expected != rows:
        return f"weekly/{weekly.name} holds {rows} rows, its summary part says {expected}"
    if expected is None and finished and not rows:
        return f"weekly/{weekly.name} holds no rows for {finished} finished runs"
    return None


def list_parts(root: Path, kind: str) -> list[tuple[int, Path]]:
    """The parts in ``root/kind`` (``summary`` or ``weekly``) as ``(number, path)``, in order."""
    out = []
    for path in (Path(root) / kind).glob("part-*.parquet"):
        m = _PART.search(path.name)
        if m:
            out.append((int(m.group(1)), path))
    return sorted(out)


def damaged_parts(root: Path, full: bool = False) -> dict[int, str]:
    """Committed chunks of the batch in ``root`` that cannot be trusted: number -> problem."""
    weekly = dict(list_parts(root, "weekly"))
    problems = {}
    for n, path in list_parts(root, "summary"):
        problem = part_problem(path, weekly.get(n), full)
        if problem is not None:
            problems[n] = problem
    return problems


def set_aside(root: Path, parts: Mapping[int, str]) -> list[Path]:
    """Move the given chunks (both parts) into ``root/damaged/``; the paths they now have."""
    from crmsim.files import make_dirs

    moved = []
    for n in parts:
        name = f"part-{n:06d}.parquet"
        for sub in ("summary", "weekly"):
            path = Path(root) / sub / name
            if path.exists():
                target = make_dirs(Path(root) / "damaged") / f"{sub}-{name}"
                path.replace(target)
                moved.append(target)
    return moved


def resume_command(root: Path, manifest: Mapping[str, Any]) -> str:
    """The command that finishes (or repairs) the run directory ``root``."""
    kind = str(manifest.get("kind") or "crmsim batch")
    if kind in ("crmsim batch", "crmsim levers", "crmsim sensitivity"):
        return f"{kind} --resume --out {root}"
    command = manifest.get("command")
    text = " ".join(command) if isinstance(command, list) else str(command or kind)
    return f"the same command again ({text})"


def lock_dir(root: Path) -> Any:
    """Take the exclusive lock of a run directory: the open ``.lock`` file (None on Windows).

    Raises:
        CrmsimError: when another process holds it, or the folder cannot be written.
    """
    from crmsim.errors import CrmsimError
    from crmsim.files import make_dirs, os_error

    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        return None
    make_dirs(root)
    try:
        fh = open(Path(root) / ".lock", "a")  # noqa: SIM115 - held until the store closes
    except OSError as exc:
        raise os_error(exc, Path(root) / ".lock") from None
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise CrmsimError(f"another crmsim batch is writing {root}; wait for it") from None
    return fh


def lock_held(root: Path) -> bool:
    """Whether a process holds the run directory's lock now (a batch at work)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        return False
    try:
        fh = open(Path(root) / ".lock", "rb")  # noqa: SIM115 - closed below
    except OSError:
        return False
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return False
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False
