"""A batch as CSV files for spreadsheet users (``crmsim export``).

:func:`export_csv` writes ``summary.csv``, ``weekly.csv``, ``cells.csv``
and ``completeness.csv`` from a :class:`crmsim.storage.RunStore`;
:func:`write_csv` writes any table. Both write through
:func:`crmsim.files.atomic_write`.

Completeness goes in a file of its own, not in a footer or comment line:
one row per grid cell (``cell``, ``scenario``, swept values, ``planned``,
``done``, ``failed``, ``missing``), so the other files stay plain tables
that every spreadsheet and ``pandas.read_csv`` reads as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from crmsim.files import BATCH_KINDS, atomic_write, claim_output_dir, make_dirs

if TYPE_CHECKING:
    from crmsim.completeness import Completeness
    from crmsim.storage import RunStore

KIND = "crmsim export"
"""What an export folder holds (see :func:`crmsim.files.folder_kind`)."""
FILES = ("summary.csv", "weekly.csv", "cells.csv", "completeness.csv")
"""The files of an export, in the order written."""


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as CSV atomically (temporary file, then rename)."""
    path = Path(path)
    make_dirs(path.parent)
    atomic_write(path, lambda fh: table.to_csv(fh, index=False), sync=False)
    return path


def export_csv(
    store: RunStore, directory: str | Path, completeness: Completeness | None = None
) -> list[Path]:
    """Write ``summary.csv``, ``weekly.csv``, ``cells.csv`` and ``completeness.csv``.

    The weekly file is written chunk by chunk (each chunk sorted by run and
    week), so exporting a batch of any size needs one chunk of memory.

    The folder must be new, empty, a previous export or a batch's own folder
    (:func:`crmsim.files.claim_output_dir`), so no one else's files are replaced.

    Args:
        store: The batch.
        directory: The folder to write.
        completeness: The batch's completeness (computed when None).

    Returns:
        The paths written.

    Raises:
        CrmsimError: for a folder of other files, or one that cannot be written.
    """
    directory = claim_output_dir(directory, KIND, accept=BATCH_KINDS)
    written = [write_csv(store.summary(), directory / FILES[0])]

    weekly_path = directory / FILES[1]

    def write_weekly(fh: Any) -> None:
        header = True
        for chunk in store.iter_weekly():
            chunk = chunk.sort_values(["run_id", "week"], kind="stable")
            chunk.to_csv(fh, index=False, header=header)
            header = False

    atomic_write(weekly_path, write_weekly, sync=False)
    written.append(weekly_path)

    scenarios = {s["name"]: s for s in store.manifest["scenarios"]}
    rows = []
    for c in store.manifest["cells"]:
        params = dict(scenarios[c["scenario"]]["params"])
        params.update(c["swept"])
        rows.append({"cell": c["cell"], "scenario": c["scenario"], **params})
    written.append(write_csv(pd.DataFrame(rows), directory / FILES[2]))
    if completeness is None:
        from crmsim.completeness import completeness as compute

        completeness = compute(store)
    cells = completeness.groups(["cell", *completeness.dims])
    written.append(write_csv(cells, directory / FILES[3]))
    return written
