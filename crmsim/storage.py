"""A batch's results on disk: written as runs finish, safe against interruption.

Layout of a run directory (``runs/NAME/``)::

    manifest.json              command line, scenarios with every parameter value,
                               grid, root seed, versions, sessions, status
    plan.parquet               one row per planned run: run_id, cell, scenario,
                               replicate, seed, swept values, rerun command
    summary/part-000001.parquet  one row per finished run (inputs, status, error
                               and the summary fields of ``crmsim run``)
    weekly/part-000001.parquet   the weekly series of those runs (run_id, week, ...)
    pending/run-00000042.run   journal: a finished run not yet in a chunk
    damaged/                   chunks found damaged on resuming, set aside (their
                               runs are run again)

Every file is written to a temporary name and renamed into place, so a
reader never sees half a file. Each finished run is journalled at once (one
small file, under a millisecond), and every ``chunk_runs`` runs the journal is
folded into a pair of zstd Parquet chunks: weekly first, then summary, which
commits the chunk; then the journal files are removed. A ``kill -9`` at any
point therefore loses no finished run and duplicates none: on reopening,
temporary files and weekly chunks without their summary chunk are removed,
journal entries already committed are dropped and the others are committed.
Kept chunks are read whole and checked against the row counts recorded with
them (:mod:`crmsim.store_parts`); a damaged pair is set aside and its runs
computed again, so a resumed batch is complete and correct.

Only one chunk's worth of weekly rows is ever held in memory.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmsim import store_parts as sp
from crmsim.csv_export import export_csv, write_csv  # noqa: F401 - re-exported
from crmsim.errors import CrmsimError
from crmsim.files import (
    Shape,
    atomic_write,
    check_format,
    check_shape,
    folder_kind,
    make_dirs,
    parquet_schema,
    read_json,
    read_parquet,
    read_parquet_frame,
    write_json,
)
from crmsim.journal import read_journal, run_row, write_journal
from crmsim.results import SUMMARY_FIELDS

FORMAT_VERSION = 1
CHUNK_RUNS = 200
"""Runs per Parquet chunk (about 30,000 weekly rows for a three-year run)."""

INPUT_COLUMNS = ("run_id", "cell", "scenario", "replicate", "seed", "status", "error")

MANIFEST_SHAPE = Shape(
    required={"format_version": int, "scenarios": list, "cells": list, "root_seed": int},
    optional={"kind": str, "status": str, "sweep_names": list, "fingerprint": str,
              "command": (list, str)},
)  # fmt: skip
"""What a batch's ``manifest.json`` must hold to be read."""
_ENTRY_SHAPES = {  # each entry of the manifest's scenarios and cells
    "scenarios": Shape(required={"name": str, "params": dict}),
    "cells": Shape(required={"cell": int, "scenario": str, "swept": dict}),
}
_MANIFEST_FIX = "the batch's manifest is damaged; run the batch again into a new --out"
_PLAN_FIX = "the batch's plan is damaged; run the batch again into a new --out"
_PENDING = re.compile(r"run-(\d+)\.run$")


def summary_fields() -> tuple[str, ...]:
    """The per-run figures stored, as ``crmsim run`` writes them to ``summary.json``."""
    return SUMMARY_FIELDS


class RunStore:
    """The run directory of one batch.

    Open with :meth:`create` (a new batch) or :meth:`open` (resume or read).
    A writable store holds an exclusive lock on the directory.
    """

    def __init__(self, root: Path, writable: bool, chunk_runs: int = CHUNK_RUNS) -> None:
        self.root = Path(root)
        self.writable = writable
        self.chunk_runs = chunk_runs
        self._buffer: list[tuple[dict[str, Any], dict[str, np.ndarray] | None]] = []
        self._lock_fh = None
        self._manifest: dict[str, Any] | None = None
        self._status: dict[int, str] | None = None
        self.set_aside_parts: dict[int, str] = {}
        """Damaged chunks :meth:`recover` moved to ``damaged/`` (number -> problem)."""
        if writable:
            self._lock()

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(
        cls,
        root: str | Path,
        manifest: Mapping[str, Any],
        plan: pd.DataFrame,
        chunk_runs: int = CHUNK_RUNS,
    ) -> RunStore:
        """Start a new run directory with its manifest and plan.

        Raises:
            CrmsimError: when the directory already holds a batch.
        """
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise CrmsimError(f"{root} is a file, not a folder; choose another --out")
        kind = folder_kind(root)
        if kind in ("crmsim run", "crmsim play", "crmsim debrief"):
            raise CrmsimError(f"{root} holds the output of {kind}; choose another --out")
        if (root / "manifest.json").exists():
            raise CrmsimError(
                f"{root} already holds a batch; add --resume to finish it or choose another --out"
            )
        if root.exists() and any(root.iterdir()):
            raise CrmsimError(f"{root} is not empty; choose another --out")
        for sub in ("summary", "weekly", "pending"):
            make_dirs(root / sub)
        store = cls(root, writable=True, chunk_runs=chunk_runs)
        atomic_write(root / "plan.parquet", lambda fh: plan.to_parquet(fh, index=False))
        store.write_manifest(dict(manifest))
        return store

    @classmethod
    def open(cls, root: str | Path, writable: bool = False) -> RunStore:
        """Open an existing run directory; a writable one is recovered first.

        Raises:
            CrmsimError: when ``root`` holds no batch or a newer format.
        """
        root = Path(root)
        if not (root / "manifest.json").is_file():
            raise CrmsimError(f"{root} holds no batch (no manifest.json); give a run directory")
        if folder_kind(root) == "crmsim run":
            raise CrmsimError(
                f"{root} holds a single run (crmsim run), not a batch; "
                "give a directory written by crmsim batch"
            )
        store = cls(root, writable=writable)
        try:
            store.manifest  # noqa: B018 - read and checked now: damaged or newer is refused
        except CrmsimError:
            store.close()
            raise
        if writable:
            store.recover()
        return store

    def _lock(self) -> None:
        self._lock_fh = sp.lock_dir(self.root)

    def close(self) -> None:
        """Commit what is buffered and release the directory."""
        if self.writable:
            self.flush()
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ manifest and plan
    @property
    def manifest(self) -> dict[str, Any]:
        """The parsed ``manifest.json``."""
        if self._manifest is None:
            path = self.root / "manifest.json"
            data = read_json(path, "batch manifest", shape=MANIFEST_SHAPE, fix=_MANIFEST_FIX)
            check_format(data, "format_version", FORMAT_VERSION, f"batch manifest {path}")
            for key, shape in _ENTRY_SHAPES.items():
                for i, entry in enumerate(data[key]):
                    check_shape(entry, shape, f"batch manifest {path}: {key}.{i}", _MANIFEST_FIX)
            self._manifest = data
        return self._manifest

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Replace ``manifest.json`` (atomically)."""
        manifest.setdefault("format_version", FORMAT_VERSION)
        write_json(self.root / "manifest.json", manifest, keep_nan=True)
        self._manifest = manifest

    def plan(self) -> pd.DataFrame:
        """The planned runs, one row each, by run_id."""
        path = self.root / "plan.parquet"
        return read_parquet_frame(path, "batch plan", fix=_PLAN_FIX, types_mapper=sp.mapper)

    @property
    def sweep_names(self) -> list[str]:
        """The swept parameters' names (columns of the summary table)."""
        return list(self.manifest.get("sweep_names", []))

    # ------------------------------------------------------------------ chunks
    def _parts(self, kind: str) -> list[tuple[int, Path]]:
        return sp.list_parts(self.root, kind)

    def _next_part(self) -> int:
        numbers = [n for n, _ in self._parts("summary")] + [n for n, _ in self._parts("weekly")]
        return max(numbers, default=0) + 1

    def recover(self) -> int:
        """Bring the directory to a clean state after an interruption.

        Removes temporary files and weekly chunks whose summary chunk was
        never written; reads every kept chunk whole and sets aside in
        ``damaged/`` the pairs that are unreadable or whose row counts
        disagree (their runs are then run again); drops journal entries
        that are already committed and commits the others.

        Returns:
            The number of journalled runs committed.
        """
        for sub in ("summary", "weekly", "pending"):
            (self.root / sub).mkdir(exist_ok=True)
            for tmp in (self.root / sub).glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
        committed = {n for n, _ in self._parts("summary")}
        for n, path in self._parts("weekly"):
            if n not in committed:
                path.unlink()
        self.set_aside_parts = self.damaged(full=True)
        self.set_aside(self.set_aside_parts)
        stored = self.stored_status()
        recovered = 0
        for path in sorted((self.root / "pending").glob("run-*.run")):
            m = _PENDING.search(path.name)
            if m is None:
                continue
            if int(m.group(1)) in stored:
                path.unlink()
                continue
            try:
                row, weekly = read_journal(path)
            except (OSError, ValueError, KeyError, EOFError):  # torn by a crash: recompute
                path.unlink()
                continue
            self._buffer.append((row, weekly))
            recovered += 1
        self.flush()
        return recovered

    def damaged(self, full: bool = False) -> dict[int, str]:
        """Committed chunks that cannot be trusted: part number -> what is wrong.

        Args:
            full: Read every row (as ``--resume`` and ``crmsim check`` do);
                otherwise only footers and statuses (cheap, for the analyses).
        """
        return sp.damaged_parts(self.root, full)

    def set_aside(self, parts: Mapping[int, str]) -> list[Path]:
        """Move damaged chunks (both parts) into ``damaged/`` so their runs are run again."""
        moved = sp.set_aside(self.root, parts)
        if moved:
            self._status = None
        return moved

    @property
    def part_fix(self) -> str:
        """How to repair a damaged batch: its resume command."""
        return f"the batch is damaged; {sp.resume_command(self.root, self.manifest)} recomputes it"

    def add(self, spec: Any, outcome: Mapping[str, Any]) -> None:
        """Record one finished run: journal it now, commit it with its chunk.

        Args:
            spec: The run's :class:`crmsim.batch.RunSpec`.
            outcome: What :func:`crmsim.executors.run_one` returned.
        """
        row = run_row(spec, outcome, self.sweep_names)
        weekly = outcome.get("weekly")

        def write(fh: Any) -> None:
            write_journal(fh, row, weekly)

        # No fsync: the journal guards against the process dying, not the machine
        # (a torn entry is found and recomputed by recover()).
        atomic_write(self.root / "pending" / f"run-{spec.run_id:08d}.run", write, sync=False)
        self._buffer.append((row, weekly))
        if self._status is not None:
            self._status[spec.run_id] = row["status"]
        if len(self._buffer) >= self.chunk_runs:
            self.flush()

    def flush(self) -> None:
        """Commit the buffered runs as one pair of chunks, then drop their journal files."""
        if not self._buffer:
            return
        # Take the runs out of the buffer first: if an interrupt lands between the
        # two chunks, close() must not commit them a second time (their journal
        # files stay until both chunks are written, so recover() completes them).
        buffered, self._buffer = self._buffer, []
        rows = [r for r, _ in buffered]
        name = f"part-{self._next_part():06d}.parquet"
        ok = [(r["run_id"], w) for r, w in buffered if w is not None]
        weekly = sp.weekly_table(ok) if ok else None
        if weekly is not None:
            atomic_write(self.root / "weekly" / name, lambda fh: sp.write_weekly(weekly, fh))
        rows_written = 0 if weekly is None else weekly.num_rows
        summary = sp.summary_table(rows, self.sweep_names, rows_written)
        atomic_write(self.root / "summary" / name, lambda fh: sp.write_summary(summary, fh))
        for r in rows:
            (self.root / "pending" / f"run-{r['run_id']:08d}.run").unlink(missing_ok=True)
        if self._status is not None:
            self._status.update({r["run_id"]: r["status"] for r in rows})

    # ------------------------------------------------------------------ reading
    def stored_status(self, skip: Collection[int] = ()) -> dict[int, str]:
        """Committed runs' status by run_id (``ok`` or ``failed``), leaving out parts ``skip``."""
        status: dict[int, str] = {}
        for n, path in self._parts("summary"):
            if n in skip:
                continue
            t = read_parquet(path, "summary part", ["run_id", "status"], fix=self.part_fix)
            for rid, st in zip(t["run_id"].to_pylist(), t["status"].to_pylist(), strict=True):
                # a failed run retried later: the later row wins, "ok" beats "failed"
                if status.get(rid) != "ok":
                    status[rid] = st
        return status

    def _all_status(self) -> dict[int, str]:
        if self._status is None:
            self._status = self.stored_status()
            for row, _ in self._buffer:
                self._status[row["run_id"]] = row["status"]
        return self._status

    def done_run_ids(self, include_failed: bool = True) -> set[int]:
        """Runs already stored (finished ones; failed ones too unless told not to)."""
        return {rid for rid, st in self._all_status().items() if include_failed or st == "ok"}

    def counts(self) -> dict[str, int]:
        """Stored runs by status: ``{"ok": n, "failed": m}``."""
        out = {"ok": 0, "failed": 0}
        for st in self._all_status().values():
            out[st] = out.get(st, 0) + 1
        return out

    def summary(self, include_failed: bool = True) -> pd.DataFrame:
        """One row per stored run, sorted by run_id (the last attempt of a retried run).

        Args:
            include_failed: Keep the rows of runs that failed.
        """
        parts = [
            read_parquet(p, "summary part", fix=self.part_fix) for _, p in self._parts("summary")
        ]
        if not parts:
            return pd.DataFrame(columns=list(INPUT_COLUMNS) + list(summary_fields()))
        return sp.combine_summaries(parts, include_failed)

    def iter_weekly(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """The weekly rows chunk by chunk (bounded memory for any batch size).

        Args:
            columns: Columns to read besides ``run_id`` (all when None).
        """
        for _, path in self._parts("weekly"):
            cols = None if columns is None else ["run_id", *[c for c in columns if c != "run_id"]]
            yield read_parquet_frame(path, "weekly part", cols, self.part_fix, sp.mapper)

    def weekly(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """All weekly rows (of the given columns), sorted by run and week."""
        frames = list(self.iter_weekly(columns))
        if not frames:
            return pd.DataFrame(columns=["run_id", *(columns or [])])
        df = pd.concat(frames, ignore_index=True)
        keys = ["run_id", "week"] if "week" in df.columns else ["run_id"]
        return df.sort_values(keys, kind="stable").reset_index(drop=True)

    def weekly_columns(self) -> list[str]:
        """Names of the weekly series' columns (empty before any run finished)."""
        parts = self._parts("weekly")
        if not parts:
            return []
        schema = parquet_schema(parts[0][1], "weekly part", fix=self.part_fix)
        return [n for n in schema.names if n != "run_id"]


@contextlib.contextmanager
def opened(root: str | Path) -> Iterator[RunStore]:
    """Open a run directory for reading (``with opened(dir) as store:``)."""
    store = RunStore.open(root)
    try:
        yield store
    finally:
        store.close()
