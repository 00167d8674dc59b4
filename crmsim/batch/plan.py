"""The plan: cells, run specs and how a batch is planned before anything runs.

:func:`make_plan` expands scenarios × sweep grid × replicates;
:func:`make_points_plan` takes arbitrary points (a sample). Every run gets a
:class:`RunSpec` with its seed (:mod:`crmsim.batch.seeds`) and the
``crmsim run`` command line that repeats it (:func:`rerun_command`).
:class:`Plan` also gives its fingerprint and ``manifest.json`` data; the plan
as a table and back is in :mod:`crmsim.batch.plan_store`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import secrets
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmsim.batch.seeds import cell_seeds
from crmsim.batch.settings import DEFAULT_REPLICATES, Settings, _agreed, file_settings
from crmsim.batch.sizing import check_plan
from crmsim.batch.values import _lookup, format_value
from crmsim.errors import CrmsimError
from crmsim.params import ParamSet
from crmsim.scenario import Scenario, load


@dataclass(frozen=True)
class Cell:
    """One scenario at one point of its sweep grid.

    Attributes:
        index: Position in the plan (0, 1, ...).
        scenario: Scenario name.
        swept: The swept parameters' values at this point, in sweep order.
        params: Every parameter's value for the runs of this cell.
    """

    index: int
    scenario: str
    swept: tuple[tuple[str, Any], ...]
    params: ParamSet


@dataclass(frozen=True)
class RunSpec:
    """Everything needed to run, store and rerun one simulation.

    Attributes:
        run_id: Position in the plan; the key of every stored row.
        cell: Index of the run's :class:`Cell`.
        scenario: Scenario name.
        replicate: Replicate index within the cell (0, 1, ...).
        seed: Integer seed; ``crmsim run`` with it reproduces the run.
        swept: The cell's swept values.
        rerun: The ``crmsim run`` command line giving the same numbers.
    """

    run_id: int
    cell: int
    scenario: str
    replicate: int
    seed: int
    swept: tuple[tuple[str, Any], ...]
    rerun: str


@dataclass(frozen=True)
class ScenarioEntry:
    """A scenario as the batch uses it: its file, settings and parameters after ``--set``."""

    name: str
    ref: str
    scenario: Scenario
    replicates: int
    sweep: Mapping[str, tuple[Any, ...]]
    sets: Mapping[str, Any]
    params: ParamSet


@dataclass(frozen=True)
class Plan:
    """A whole batch, decided before anything runs."""

    root_seed: int
    scenarios: tuple[ScenarioEntry, ...]
    cells: tuple[Cell, ...]
    runs: tuple[RunSpec, ...]
    workers: int | None = None
    scheduler: str | None = None
    common_seeds: bool = False  # replicate r has the same seed in every cell

    @property
    def sweep_names(self) -> list[str]:
        """Every swept parameter, in first-seen order."""
        names: dict[str, None] = {}
        for entry in self.scenarios:
            names.update(dict.fromkeys(entry.sweep))
        return list(names)

    def fingerprint(self) -> str:
        """A hash of what the runs compute: cells' parameters and runs' seeds."""
        h = hashlib.sha256()
        for cell in self.cells:
            h.update(json.dumps([cell.scenario, cell.params.to_dict()], default=str).encode())
        for run in self.runs:
            h.update(f"{run.run_id},{run.cell},{run.replicate},{run.seed};".encode())
        return h.hexdigest()

    def manifest(self) -> dict[str, Any]:
        """The plan as JSON-ready data for ``manifest.json``."""
        return {
            "root_seed": self.root_seed,
            "common_seeds": self.common_seeds,
            "n_runs": len(self.runs),
            "sweep_names": self.sweep_names,
            "fingerprint": self.fingerprint(),
            "scenarios": [
                {
                    "name": e.name,
                    "ref": e.ref,
                    "path": str(e.scenario.path) if e.scenario.path else None,
                    "description": e.scenario.description,
                    "inherits": list(e.scenario.chain),
                    "replicates": e.replicates,
                    "set": dict(e.sets),
                    "sweep": {k: list(v) for k, v in e.sweep.items()},
                    "params": e.params.to_dict(),
                    "money": e.scenario.money.to_dict(),  # for plots in the firm's currency
                }
                for e in self.scenarios
            ],
            "cells": [
                {"cell": c.index, "scenario": c.scenario, "swept": dict(c.swept)}
                for c in self.cells
            ],
        }


def _check_organisations(cells: Iterable[Cell]) -> None:
    """Refuse, before anything runs, a cell whose organisation will not fit in memory."""
    from crmsim.organisation import check_size

    for cell in cells:
        try:
            check_size(cell.params)
        except CrmsimError as exc:
            raise CrmsimError(f"{cell.scenario}, cell {cell.index}: {exc}") from None


def rerun_command(ref: str, seed: int, assignments: Iterable[tuple[str, Any]]) -> str:
    """The ``crmsim run`` command line that repeats one run.

    A scenario file's path is made absolute, so the command works from any
    directory (as ``crmsim run`` records its own replay command).
    """
    if ref.endswith(".toml") or "/" in ref or Path(ref).exists():
        ref = str(Path(ref).resolve())
    parts = ["crmsim", "run", shlex.quote(ref), "--seed", str(seed)]
    for name, value in assignments:
        parts += ["--set", shlex.quote(f"{name}={format_value(value)}")]
    return " ".join(parts)


def make_plan(
    refs: Sequence[str],
    cli: Settings | None = None,
    default_seed: int | None = None,
    load_scenario: Callable[[str], Scenario] = load,
) -> Plan:
    """Plan a batch: load and validate scenarios, merge settings, expand the grid.

    Args:
        refs: Scenario names or file paths, in the order given.
        cli: Settings from the command line (they win over ``[batch]``).
        default_seed: Root seed when neither the command line nor a file
            gives one (``None``: draw a fresh one from the operating system,
            as msprime does, and record it).
        load_scenario: Scenario loader (tests substitute their own).

    Raises:
        CrmsimError: for any bad scenario, section, sweep or assignment.
    """
    cli = cli or Settings()
    if not refs:
        raise CrmsimError("give at least one scenario, e.g. crmsim batch baseline")
    loaded: list[tuple[str, Scenario, Settings]] = []
    seen: dict[str, str] = {}
    for ref in refs:
        scenario = load_scenario(ref)
        if scenario.name in seen:
            raise CrmsimError(
                f"scenario {scenario.name!r} is given twice ({seen[scenario.name]}, {ref}); "
                "give each once (copy a file under a new name to compare variants)"
            )
        seen[scenario.name] = ref
        loaded.append((ref, scenario, file_settings(scenario)))

    seeds = {s.name: f.seed for _, s, f in loaded if f.seed is not None}
    root = cli.seed if cli.seed is not None else _agreed(seeds, "seed")
    if root is None:
        root = default_seed if default_seed is not None else secrets.randbelow(2**31 - 1) + 1
    workers = cli.workers
    scheduler = cli.scheduler
    if workers is None and scheduler is None:
        scheduler = _agreed({s.name: f.scheduler for _, s, f in loaded if f.scheduler}, "scheduler")
        if scheduler is None:
            workers = _agreed({s.name: f.workers for _, s, f in loaded if f.workers}, "workers")

    entries: list[ScenarioEntry] = []
    for ref, scenario, fs in loaded:
        # The command line wins name by name; a name it fixes is no longer swept and vice versa.
        sweep = {k: v for k, v in fs.sweep.items() if k not in cli.set}
        sweep.update(cli.sweep)
        sets = {k: v for k, v in fs.set.items() if k not in cli.sweep}
        sets.update(cli.set)
        try:
            params = scenario.params.with_updates(sets)
        except CrmsimError as exc:
            raise CrmsimError(f"{scenario.name}: {exc}") from None
        replicates = cli.replicates or fs.replicates or DEFAULT_REPLICATES
        entries.append(ScenarioEntry(scenario.name, ref, scenario, replicates, sweep, sets, params))

    grid = [math.prod(len(v) for v in e.sweep.values()) for e in entries]
    check_plan(sum(n * e.replicates for n, e in zip(grid, entries, strict=True)), sum(grid))
    cells: list[Cell] = []
    pending: list[tuple[Cell, ScenarioEntry]] = []
    for entry in entries:
        names = list(entry.sweep)
        for point in itertools.product(*(entry.sweep[n] for n in names)):
            swept = tuple(zip(names, point, strict=True))
            params = entry.params.with_updates(dict(swept)) if swept else entry.params
            cell = Cell(len(cells), entry.name, swept, params)
            cells.append(cell)
            pending.append((cell, entry))
    _check_organisations(cells)
    common = cli.common_seeds
    if common is None:
        common = bool(
            _agreed({s.name: f.common_seeds for _, s, f in loaded if f.common_seeds is not None},
                    "common_seeds")
        )  # fmt: skip
    seeds = cell_seeds(root, [e.replicates for _, e in pending], common)
    runs: list[RunSpec] = []
    for (cell, entry), cell_seed in zip(pending, seeds, strict=True):
        fixed = [(k, v) for k, v in entry.sets.items()]
        for rep, seed in enumerate(cell_seed):
            cmd = rerun_command(entry.ref, seed, fixed + list(cell.swept))
            runs.append(RunSpec(len(runs), cell.index, cell.scenario, rep, seed, cell.swept, cmd))
    return Plan(root, tuple(entries), tuple(cells), tuple(runs), workers, scheduler, common)


def make_points_plan(
    scenario_ref: str,
    points: Sequence[Mapping[str, Any]],
    replicates: int,
    root_seed: int,
    sets: Mapping[str, Any] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    load_scenario: Callable[[str], Scenario] = load,
    common_seeds: bool = False,
) -> Plan:
    """Plan runs at arbitrary points of parameter space (a sample, not a grid).

    One cell per point, in the given order, each carrying the point's values
    in ``swept``; runs are numbered point → replicate and seeded from
    ``SeedSequence(root_seed).spawn(n)`` exactly as :func:`make_plan` does,
    so the plan runs, stores, resumes and reruns like any batch. Used by
    ``crmsim sensitivity`` (a SALib sample) and ``crmsim levers`` (one lever
    at a time).

    Args:
        scenario_ref: Scenario name or file path (its ``[batch]`` section is
            not read here; the caller decides what to take from it).
        points: Parameter values per point; every value is checked against
            its declaration. Points may name different parameters.
        replicates: Runs per point.
        root_seed: Root seed of the run seeds.
        sets: Parameters fixed for every run (validated).
        workers: Local worker processes recorded in the plan.
        scheduler: Dask scheduler address recorded in the plan.
        load_scenario: Scenario loader (tests substitute their own).
        common_seeds: Give replicate ``r`` the same seed at every point
            (common random numbers, :func:`cell_seeds`).

    Raises:
        CrmsimError: for no points, fewer than one replicate, an unknown
            parameter (with a suggestion), a value of the wrong type or out
            of range, or a parameter both fixed and varied.
    """
    if not points:
        raise CrmsimError("no sample points to run; ask for at least one")
    if replicates < 1:
        raise CrmsimError(f"replicates must be a whole number >= 1, got {replicates}")
    check_plan(len(points) * replicates, len(points), "the plan", "use fewer replicates or points")
    scenario = load_scenario(scenario_ref)
    fixed: dict[str, Any] = {}
    for name, value in (sets or {}).items():
        param = _lookup(name, "--set")
        try:
            fixed[name] = param.coerce(value)
        except CrmsimError as exc:
            raise CrmsimError(f"--set: {exc}") from None
    try:
        params = scenario.params.with_updates(fixed)
    except CrmsimError as exc:  # pragma: no cover - values were coerced above
        raise CrmsimError(f"{scenario.name}: {exc}") from None
    swept_points: list[tuple[tuple[str, Any], ...]] = []
    values_seen: dict[str, dict[Any, None]] = {}
    for i, point in enumerate(points):
        swept = []
        for name, value in point.items():
            param = _lookup(name, f"point {i}")
            if name in fixed:
                raise CrmsimError(f"{name} is both fixed (--set) and varied at point {i}; keep one")
            try:
                swept.append((name, param.coerce(value)))
            except CrmsimError as exc:
                raise CrmsimError(f"point {i}: {exc}") from None
        swept_points.append(tuple(swept))
        for name, value in swept:
            values_seen.setdefault(name, {})[value] = None
    sweep = {name: tuple(vals) for name, vals in values_seen.items()}
    entry = ScenarioEntry(scenario.name, scenario_ref, scenario, replicates, sweep, fixed, params)
    cells = tuple(
        Cell(i, scenario.name, swept, params.with_updates(dict(swept)) if swept else params)
        for i, swept in enumerate(swept_points)
    )
    _check_organisations(cells)
    seeds = cell_seeds(root_seed, [replicates] * len(cells), common_seeds)
    assigned = list(fixed.items())
    runs: list[RunSpec] = []
    for cell, cell_seed in zip(cells, seeds, strict=True):
        for rep, seed in enumerate(cell_seed):
            cmd = rerun_command(scenario_ref, seed, assigned + list(cell.swept))
            runs.append(RunSpec(len(runs), cell.index, cell.scenario, rep, seed, cell.swept, cmd))
    return Plan(root_seed, (entry,), cells, tuple(runs), workers, scheduler, common_seeds)
