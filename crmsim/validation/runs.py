"""The runs behind a validation or a calibration: planned, run and stored by the batch engine.

Every measured arm (a scenario with some values set) becomes one cell of one
:class:`crmsim.batch.Plan`. All cells share their seeds (common random
numbers, :func:`crmsim.batch.cell_seeds` with ``common=True``): replicate
*r* of every arm uses the same seed, so contrasts between arms are paired.
The plan runs in a :class:`crmsim.batch.BatchSession` (local processes or a
Dask cluster, into a :class:`crmsim.storage.RunStore`, with the manifest's
provenance and status kept as for every batch); a directory that already
holds the same plan is resumed (finished runs are not recomputed), one
holding a different plan is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from crmsim.batch import Cell, Plan, RunSpec, ScenarioEntry, cell_seeds, rerun_command
from crmsim.batch.sizing import check_plan
from crmsim.errors import CrmsimError
from crmsim.scenario import Scenario, load

if TYPE_CHECKING:
    from crmsim.batch.session import BatchSession


@dataclass(frozen=True)
class CellSpec:
    """One arm to run: a scenario reference, the values set on it and its number of runs."""

    ref: str
    set: tuple[tuple[str, Any], ...]
    runs: int


def plan_cells(
    specs: Sequence[CellSpec],
    root_seed: int,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Plan:
    """A batch plan with one cell per spec, every cell on common seeds.

    Raises:
        CrmsimError: for an unknown scenario or a bad parameter value.
    """
    scenarios: dict[str, tuple[str, Scenario]] = {}
    for spec in specs:
        if spec.ref not in scenarios:
            scenarios[spec.ref] = (spec.ref, load(spec.ref))
    entries: dict[str, ScenarioEntry] = {}
    values: dict[str, dict[str, dict[Any, None]]] = {}
    cells: list[Cell] = []
    for spec in specs:
        ref, scenario = scenarios[spec.ref]
        if scenario.name in entries and entries[scenario.name].ref != ref:
            raise CrmsimError(
                f"two scenario files are both named {scenario.name!r} ({entries[scenario.name].ref}"
                f", {ref}); rename one"
            )
        entries.setdefault(
            scenario.name,
            ScenarioEntry(scenario.name, ref, scenario, 0, {}, {}, scenario.params),
        )
        seen = values.setdefault(scenario.name, {})
        for name, value in spec.set:
            seen.setdefault(name, {})[value] = None
        try:
            params = scenario.params.with_updates(dict(spec.set))
        except CrmsimError as exc:
            raise CrmsimError(f"{scenario.name}: {exc}") from None
        cells.append(Cell(len(cells), scenario.name, spec.set, params))
    final = tuple(
        ScenarioEntry(
            e.name, e.ref, e.scenario, max(s.runs for s in specs),
            {k: tuple(v) for k, v in values[e.name].items()}, {}, e.params,
        )
        for e in entries.values()
    )  # fmt: skip
    check_plan(sum(s.runs for s in specs), len(specs), "these runs", "use fewer seeds per arm (-n)")
    seeds = cell_seeds(root_seed, [s.runs for s in specs], common=True)
    runs: list[RunSpec] = []
    for cell, spec, cell_seed in zip(cells, specs, seeds, strict=True):
        for rep, seed in enumerate(cell_seed):
            cmd = rerun_command(spec.ref, seed, list(cell.swept))
            runs.append(RunSpec(len(runs), cell.index, cell.scenario, rep, seed, cell.swept, cmd))
    return Plan(root_seed, final, tuple(cells), tuple(runs), workers, scheduler, True)


@dataclass(frozen=True)
class RunDirectory:
    """What a validation's run directory records about the work it holds.

    Attributes:
        kind: The manifest's ``kind`` (``"crmsim validate"``...); a directory
            of another kind is refused.
        command: The command line that repeats this work.
        extra: The command's own manifest fields (targets' hash, seeds...).
        noun: What the directory holds, for messages.
    """

    kind: str
    command: tuple[str, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)
    noun: str = "validation"


def open_session(out: Path, plan: Plan, record: RunDirectory) -> BatchSession:
    """The run directory ``out`` for ``plan``, opened for writing: new, or the same plan resumed.

    Goes through :meth:`crmsim.batch.BatchSession.create_or_resume`, so the
    manifest records provenance, the plan and ``record.extra`` like every batch's.

    Raises:
        CrmsimError: when ``out`` holds another kind of run or a different plan.
    """
    from crmsim.batch.session import BatchSession

    return BatchSession.create_or_resume(
        Path(out), plan, kind=record.kind, command=list(record.command), noun=record.noun,
        extra=dict(record.extra),
    )  # fmt: skip


def read_fields(store: Any, plan: Plan) -> pd.DataFrame:
    """Per-run fields of every finished run in the store (see :mod:`crmsim.validation.fields`)."""
    from crmsim.validation.fields import WEEKLY_COLUMNS, run_fields, weekly_features

    cell_of = {r.run_id: r.cell for r in plan.runs}
    rates = {
        rid: (plan.cells[c].params["diffusion.p"], plan.cells[c].params["diffusion.q"])
        for rid, c in cell_of.items()
    }
    features = (weekly_features(w, rates) for w in store.iter_weekly(list(WEEKLY_COLUMNS)))
    return run_fields(store.summary(), features)
