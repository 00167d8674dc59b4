"""The journal of a batch: one small file per finished run, before its chunk is written.

A journal entry guards a finished run against the process dying before the
run is folded into a Parquet chunk (:class:`crmsim.storage.RunStore`): the
magic line, a JSON header (the summary row, the weekly columns and their
dtypes) and one 2-D array of the weekly series.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_JOURNAL_MAGIC = b"CRMSIM-RUN-1\n"


def run_row(spec: Any, outcome: Mapping[str, Any], sweep_names: Sequence[str]) -> dict[str, Any]:
    """The summary row of one finished run: inputs, status, error, figures, rerun command.

    Args:
        spec: The run's :class:`crmsim.batch.RunSpec`.
        outcome: What :func:`crmsim.executors.run_one` returned.
        sweep_names: The batch's swept parameters (one column each).
    """
    from crmsim.results import SUMMARY_FIELDS

    row: dict[str, Any] = {
        "run_id": spec.run_id,
        "cell": spec.cell,
        "scenario": spec.scenario,
        "replicate": spec.replicate,
        "seed": spec.seed,
        "status": outcome["status"],
        "error": outcome.get("error"),
    }
    swept = dict(spec.swept)
    for name in sweep_names:
        row[name] = swept.get(name)
    summary = outcome.get("summary") or {}
    for name in SUMMARY_FIELDS:
        row[name] = summary.get(name)
    row["rerun"] = spec.rerun
    row["traceback"] = outcome.get("traceback")
    return row


def write_journal(fh: Any, row: Mapping[str, Any], weekly: Mapping[str, np.ndarray] | None) -> None:
    """One journal entry: magic, a JSON header (row, columns, dtypes), one 2-D array.

    A single contiguous array costs far less to write than one array per
    column; the dtypes let :func:`read_journal` restore integer columns.
    """
    columns = list(weekly) if weekly is not None else []
    header = {
        "row": row,
        "columns": columns,
        "dtypes": [str(np.asarray(weekly[c]).dtype) for c in columns],
    }
    blob = json.dumps(header, allow_nan=True).encode()
    fh.write(_JOURNAL_MAGIC + len(blob).to_bytes(8, "little") + blob)
    if columns:
        table = np.stack([np.asarray(weekly[c], dtype=np.float64) for c in columns])
        np.lib.format.write_array(fh, table, allow_pickle=False)


def read_journal(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray] | None]:
    """Read what :func:`write_journal` wrote.

    Raises:
        ValueError, EOFError, KeyError: for a torn or foreign file.
    """
    with open(path, "rb") as fh:
        if fh.read(len(_JOURNAL_MAGIC)) != _JOURNAL_MAGIC:
            raise ValueError(f"{path.name}: not a crmsim journal entry")
        prefix = fh.read(8)
        size = int.from_bytes(prefix, "little")
        if len(prefix) != 8 or size > os.fstat(fh.fileno()).st_size:
            raise EOFError(f"{path.name}: truncated")
        blob = fh.read(size)
        if len(blob) != size:
            raise EOFError(f"{path.name}: truncated")
        header = json.loads(blob)
        if not header["columns"]:
            return header["row"], None
        table = np.lib.format.read_array(fh, allow_pickle=False)
    weekly = {
        c: table[i].astype(dt)
        for i, (c, dt) in enumerate(zip(header["columns"], header["dtypes"], strict=True))
    }
    return header["row"], weekly
