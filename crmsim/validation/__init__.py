"""Pattern-oriented validation: the model held against published patterns (``crmsim validate``).

Targets are data (:mod:`crmsim.validation.targets`, a TOML file, the bundled
one being ``scenarios/targets/published.toml``); each target's arms become
cells of one batch plan on common seeds (:mod:`crmsim.validation.runs`),
run and stored by the batch engine; per-run fields
(:mod:`crmsim.validation.fields`) are measured with 95 % intervals
(:mod:`crmsim.validation.measures`) and reported
(:mod:`crmsim.validation.report`). :func:`measure_subjects` does all of it
and is what ``crmsim validate`` and ``crmsim calibrate`` call; its runs go
through :class:`crmsim.batch.BatchSession`, as every batch's do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmsim.scenario import SCENARIO_DIR
from crmsim.validation.core import Row, Subject, evaluate, layout
from crmsim.validation.measures import distance
from crmsim.validation.runs import RunDirectory
from crmsim.validation.targets import KINDS, Arm, Target, load_targets

BUNDLED_TARGETS = SCENARIO_DIR / "targets" / "published.toml"
"""The bundled targets: the patterns of docs/calibration.md."""

__all__ = [
    "BUNDLED_TARGETS",
    "KINDS",
    "Arm",
    "Measured",
    "Row",
    "RunDirectory",
    "Subject",
    "Target",
    "distance",
    "file_hash",
    "load_targets",
    "measure_subjects",
]


@dataclass
class Measured:
    """What :func:`measure_subjects` did: rows per subject (None if interrupted) and the batch."""

    rows: list[list[Row]] | None
    outcome: Any
    plan: Any


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes (recorded with the targets it holds)."""
    from crmsim.files import read_bytes

    return hashlib.sha256(read_bytes(path, "targets file")).hexdigest()


def measure_subjects(
    targets: Sequence[Target],
    subjects: Sequence[Subject],
    seeds: int,
    root_seed: int,
    out: Path,
    record: RunDirectory,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Any = None,
) -> Measured:
    """Run (or resume) every cell the targets need on the subjects, then measure them.

    Args:
        targets: The checked targets.
        subjects: What is held against them.
        seeds: Runs per arm (an arm's ``runs`` may cap it).
        root_seed: Root of the common seeds.
        out: Run directory (created, or resumed when it holds the same plan).
        record: What the run directory records (kind, command, extra fields).
        workers: Local worker processes (default: all cores).
        scheduler: A Dask scheduler address instead.
        progress: Optional progress display for the batch engine.

    Raises:
        CrmsimError: for an unknown scenario, a bad value, or an ``out``
            holding other runs.
    """
    from crmsim.validation.runs import open_session, plan_cells, read_fields

    specs, index = layout(targets, subjects, seeds)
    plan = plan_cells(specs, root_seed, workers=workers, scheduler=scheduler)
    session = open_session(out, plan, record)
    outcome = session.run(
        list(record.command),
        workers=workers,
        scheduler=scheduler,
        label=record.kind.removeprefix("crmsim "),
        cells="arms",
        progress=progress,
    )
    if outcome.interrupted or not outcome.complete:
        return Measured(None, outcome, plan)
    from crmsim.storage import RunStore

    with RunStore.open(out) as reader:
        fields = read_fields(reader, plan)
    return Measured(evaluate(targets, subjects, fields, index), outcome, plan)
