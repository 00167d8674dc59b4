"""Batch plans: scenarios × sweep grid × replicates, each run with its own seed.

A batch is planned completely in the parent process before anything runs
(Axelrod's habit): every run gets a :class:`RunSpec` with its scenario, the
swept values of its grid cell, its replicate index and an integer seed. The
seeds come from ``numpy.random.SeedSequence(root).spawn(n)``, one child per
run in plan order; each child is turned into a plain 63-bit integer with
``generate_state`` so that ``crmsim run SCENARIO --seed N --set name=value``
rebuilds exactly the same generator (``default_rng(N)``) and hence the same
numbers. Which process or machine executes a run never changes its result.

Settings come from the command line and from a scenario file's ``[batch]``
section (``replicates``, ``seed``, ``sweep``, ``set``, ``workers``,
``scheduler``); the command line wins, name by name. Sweeps are written
``name=v1,v2,...`` or ``name=lo:hi:steps`` and are validated against the
parameter declarations in :mod:`crmsim.params`, like every ``--set``.

Execution lives in :mod:`crmsim.executors`, storage in :mod:`crmsim.storage`;
:func:`run_batch` joins the three.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
import shlex
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from crmsim.errors import CrmsimError
from crmsim.params import PARAMS, Param, ParamSet, lookup, parse_assignment, suggest
from crmsim.scenario import Scenario, load

if TYPE_CHECKING:
    import pandas as pd

    from crmsim.progress import Progress
    from crmsim.storage import RunStore

DEFAULT_REPLICATES = 10
"""Replicates per grid cell when neither the command line nor the file says."""

BATCH_KEYS = ("replicates", "seed", "sweep", "set", "workers", "scheduler", "common_seeds")
"""Keys a scenario file's ``[batch]`` section may hold (the flags of the same name)."""

SEED_BITS = 63
"""Run seeds are non-negative integers below 2**63 (they fit Parquet's int64)."""


# --------------------------------------------------------------------------- values
def format_value(value: Any) -> str:
    """A parameter value as command-line text that parses back to the same value.

    Floats use Python's shortest round-trip ``repr``, so ``--set name=TEXT``
    reproduces the value bit for bit.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _tidy(x: float) -> float:
    # 12 significant digits turn linspace's 0.30000000000000004 into 0.3; the
    # tidied value is the one used and recorded, so nothing is lost.
    return float(f"{x:.12g}")


def sweep_values(name: str, spec: Any, where: str = "--sweep") -> tuple[str, tuple[Any, ...]]:
    """Validate one swept parameter and expand its values.

    Args:
        name: Parameter name (checked against the declarations).
        spec: ``"v1,v2,..."``, ``"lo:hi:steps"``, a single value or a list of
            values (from a TOML ``[batch]`` section).
        where: What to name in error messages (a flag or a file key).

    Returns:
        The parameter name and its values, coerced to the declared type, in
        the given order.

    Raises:
        CrmsimError: unknown name (with a suggestion), bad syntax, a value of
            the wrong type or out of range, repeated values.
    """
    param = _lookup(name, where)
    if isinstance(spec, list | tuple):
        raw: list[Any] = list(spec)
    elif isinstance(spec, str) and ":" in spec:
        raw = _linspace(param, spec, where)
    elif isinstance(spec, str):
        raw = [part for part in spec.split(",")]
        if any(not part.strip() for part in raw):
            raise CrmsimError(
                f"{where} {name}={spec}: empty value in the list; write {name}=v1,v2,..."
            )
    else:
        raw = [spec]
    if not raw:
        raise CrmsimError(
            f"{where} {name}: no values; write {name}=v1,v2,... or {name}=lo:hi:steps"
        )
    values = []
    for v in raw:
        try:
            values.append(param.coerce(v))
        except CrmsimError as exc:
            raise CrmsimError(f"{where}: {exc}") from None
    if len(set(values)) != len(values):
        dup = next(v for v in values if values.count(v) > 1)
        raise CrmsimError(f"{where} {name}: value {format_value(dup)} is repeated; list each once")
    return name, tuple(values)


def _lookup(name: str, where: str) -> Param:
    try:
        return lookup(name)
    except CrmsimError as exc:
        raise CrmsimError(f"{where}: {exc}") from None


def _linspace(param: Param, spec: str, where: str) -> list[Any]:
    usage = f"write {param.name}=lo:hi:steps, e.g. {param.name}=0:1:5"
    if param.kind is bool:
        raise CrmsimError(f"{where} {param.name}={spec}: a true/false parameter takes true,false")
    parts = spec.split(":")
    if len(parts) != 3:
        raise CrmsimError(
            f"{where} {param.name}={spec}: expected three numbers lo:hi:steps; {usage}"
        )
    try:
        lo, hi = float(parts[0]), float(parts[1])
        steps_f = float(parts[2])
    except ValueError:
        raise CrmsimError(
            f"{where} {param.name}={spec}: lo, hi and steps must be numbers; {usage}"
        ) from None
    if not steps_f.is_integer() or steps_f < 2:
        raise CrmsimError(
            f"{where} {param.name}={spec}: steps must be a whole number >= 2; {usage}"
        )
    if lo == hi:
        raise CrmsimError(f"{where} {param.name}={spec}: lo equals hi; give two different ends")
    values: list[Any] = [_tidy(x) for x in np.linspace(lo, hi, int(steps_f))]
    if param.kind is int:
        if not all(float(v).is_integer() for v in values):
            shown = ", ".join(format_value(v) for v in values[:4])
            raise CrmsimError(
                f"{where} {param.name}={spec} gives {shown}...; {param.name} takes whole numbers, "
                "so choose steps that divide hi - lo evenly"
            )
        values = [int(v) for v in values]
    return values


def parse_sweep(text: str) -> tuple[str, tuple[Any, ...]]:
    """Parse ``--sweep name=v1,v2,...`` or ``--sweep name=lo:hi:steps``.

    Raises:
        CrmsimError: as :func:`sweep_values`, or for a missing ``=``.
    """
    if "=" not in text:
        raise CrmsimError(
            f"--sweep expects name=v1,v2,... or name=lo:hi:steps, got {text!r}; "
            "e.g. --sweep levers.training=0:1:5"
        )
    name, spec = text.split("=", 1)
    return sweep_values(name.strip(), spec.strip(), "--sweep")


# --------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class Settings:
    """Batch settings from one source (the command line or one ``[batch]`` section).

    ``None`` means "not given here"; sweeps and sets map names to values.
    """

    replicates: int | None = None
    seed: int | None = None
    workers: int | None = None
    scheduler: str | None = None
    sweep: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    set: Mapping[str, Any] = field(default_factory=dict)
    common_seeds: bool | None = None


def _whole(value: Any, key: str, where: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CrmsimError(
            f"{where}: batch.{key} must be a whole number >= {minimum}, got {value!r}"
        )
    return value


def _flat_table(table: Any, key: str, where: str) -> dict[str, Any]:
    """``[batch.sweep]`` with ``levers.training = [...]`` arrives nested; flatten it."""
    if isinstance(table, list) and key == "sweep":
        out: dict[str, Any] = {}
        for item in table:
            if not isinstance(item, str) or "=" not in item:
                raise CrmsimError(
                    f'{where}: batch.sweep entries must be "name=v1,v2" or "name=lo:hi:steps", '
                    f"got {item!r}"
                )
            name, spec = item.split("=", 1)
            out[name.strip()] = spec.strip()
        return out
    if not isinstance(table, Mapping):
        raise CrmsimError(f"{where}: batch.{key} must be a table of parameter names")
    flat: dict[str, Any] = {}

    def walk(t: Mapping[str, Any], prefix: str) -> None:
        for k, v in t.items():
            name = f"{prefix}.{k}" if prefix else k
            if isinstance(v, Mapping) and name not in PARAMS:
                walk(v, name)
            else:
                flat[name] = v

    walk(table, "")
    return flat


def file_settings(scenario: Scenario) -> Settings:
    """Validate a scenario's ``[batch]`` section.

    Raises:
        CrmsimError: naming the file and the key: unknown key (with a
            suggestion), wrong type, unknown parameter, bad sweep or value.
    """
    where = scenario.path.name if scenario.path else scenario.name
    section = dict(scenario.batch)
    for key in section:
        if key not in BATCH_KEYS:
            hint = suggest(key, list(BATCH_KEYS)) or f"; allowed: {', '.join(BATCH_KEYS)}"
            raise CrmsimError(f"{where}: unknown key batch.{key}{hint}")
    scheduler = section.get("scheduler")
    if scheduler is not None and not isinstance(scheduler, str):
        raise CrmsimError(f"{where}: batch.scheduler must be an address like tcp://host:8786")
    sweeps = {}
    for name, spec in _flat_table(section.get("sweep", {}), "sweep", where).items():
        n, values = sweep_values(name, spec, f"{where}: batch.sweep")
        sweeps[n] = values
    sets = {}
    for name, value in _flat_table(section.get("set", {}), "set", where).items():
        param = _lookup(name, f"{where}: batch.set")
        try:
            sets[name] = param.coerce(value)
        except CrmsimError as exc:
            raise CrmsimError(f"{where}: batch.set: {exc}") from None
    both = sorted(set(sweeps) & set(sets))
    if both:
        raise CrmsimError(f"{where}: {both[0]} is both in batch.sweep and batch.set; keep one")
    common = section.get("common_seeds")
    if common is not None and not isinstance(common, bool):
        raise CrmsimError(f"{where}: batch.common_seeds must be true or false, got {common!r}")
    return Settings(
        replicates=_whole(section["replicates"], "replicates", where, 1)
        if "replicates" in section
        else None,
        seed=_whole(section["seed"], "seed", where, 0) if "seed" in section else None,
        workers=_whole(section["workers"], "workers", where, 1) if "workers" in section else None,
        scheduler=scheduler,
        sweep=sweeps,
        set=sets,
        common_seeds=common,
    )


def cli_settings(
    sweeps: Sequence[str] = (),
    sets: Sequence[str] = (),
    replicates: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    common_seeds: bool | None = None,
) -> Settings:
    """Validate the command line's settings (``--sweep``, ``--set`` and friends).

    Raises:
        CrmsimError: for a bad sweep or assignment, a name given twice, or a
            name both set and swept.
    """
    sweep_map: dict[str, tuple[Any, ...]] = {}
    for text in sweeps:
        name, values = parse_sweep(text)
        if name in sweep_map:
            raise CrmsimError(f"--sweep {name} is given twice; combine the values in one --sweep")
        sweep_map[name] = values
    set_map: dict[str, Any] = {}
    for text in sets:
        name, value = parse_assignment(text)
        if name in set_map:
            raise CrmsimError(f"--set {name} is given twice; keep one")
        set_map[name] = value
    both = sorted(set(sweep_map) & set(set_map))
    if both:
        raise CrmsimError(f"{both[0]} is both swept (--sweep) and fixed (--set); keep one")
    if workers is not None and scheduler is not None:
        raise CrmsimError(
            "--workers and --scheduler exclude each other; the cluster sets the workers"
        )
    return Settings(replicates, seed, workers, scheduler, sweep_map, set_map, common_seeds)


def _agreed(values: dict[str, Any], key: str) -> Any:
    """The one value several files give for a batch-wide key (error if they differ)."""
    distinct = set(values.values())
    if len(distinct) > 1:
        shown = ", ".join(f"{k}: {v}" for k, v in values.items())
        raise CrmsimError(f"scenario files disagree on batch.{key} ({shown}); give --{key}")
    return next(iter(distinct)) if distinct else None


# --------------------------------------------------------------------------- the plan
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
                }
                for e in self.scenarios
            ],
            "cells": [
                {"cell": c.index, "scenario": c.scenario, "swept": dict(c.swept)}
                for c in self.cells
            ],
        }


def run_seeds(root: int, n: int) -> list[int]:
    """``n`` independent integer seeds from ``SeedSequence(root).spawn(n)``.

    Each spawned child is reduced to 63 bits of its generated state; the
    integer seeds ``numpy.random.default_rng`` (as ``crmsim run --seed``
    does), so a run can be repeated from its seed alone.
    """
    children = np.random.SeedSequence(root).spawn(n)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(64 - SEED_BITS)) for c in children]


def cell_seeds(root: int, replicates: Sequence[int], common: bool) -> list[list[int]]:
    """Seeds of every cell's replicates, from ``SeedSequence(root).spawn``.

    Independent (the default): one spawned child per run, numbered cell by
    cell. Common random numbers (``common``): replicate ``r`` of every cell
    gets the ``r``-th child, so cells differ only by their parameters and
    their differences are paired (less noisy than between independent runs).
    """
    if common:
        shared = run_seeds(root, max(replicates, default=0))
        return [shared[:n] for n in replicates]
    flat = run_seeds(root, sum(replicates))
    out, at = [], 0
    for n in replicates:
        out.append(flat[at : at + n])
        at += n
    return out


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
    seeds = cell_seeds(root_seed, [replicates] * len(cells), common_seeds)
    assigned = list(fixed.items())
    runs: list[RunSpec] = []
    for cell, cell_seed in zip(cells, seeds, strict=True):
        for rep, seed in enumerate(cell_seed):
            cmd = rerun_command(scenario_ref, seed, assigned + list(cell.swept))
            runs.append(RunSpec(len(runs), cell.index, cell.scenario, rep, seed, cell.swept, cmd))
    return Plan(root_seed, (entry,), cells, tuple(runs), workers, scheduler, common_seeds)


# --------------------------------------------------------------------------- running
@dataclass
class BatchOutcome:
    """What :func:`run_batch` did.

    Attributes:
        total: Runs in the plan.
        ok: Runs stored as finished without error (this session and before).
        failed: Runs stored with an error.
        computed: Runs computed in this session.
        skipped: Runs already stored before this session (resume).
        interrupted: The batch stopped early (Ctrl-C); finished runs are kept.
        seconds: Wall time of this session's computing.
    """

    total: int
    ok: int = 0
    failed: int = 0
    computed: int = 0
    skipped: int = 0
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        """Every planned run is stored (with or without error)."""
        return self.ok + self.failed == self.total


def run_batch(
    plan: Plan,
    store: RunStore,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    retry_failed: bool = False,
) -> BatchOutcome:
    """Run every planned run not yet in ``store``, storing each as it finishes.

    Args:
        plan: The batch plan (its runs and cells).
        store: An open :class:`crmsim.storage.RunStore`; runs already in it
            are skipped (that is how ``--resume`` works).
        workers: Local worker processes (1 runs in this process).
        scheduler: A Dask scheduler address; when given, ``workers`` is ignored.
        progress: Optional object with ``start(total, done)``,
            ``update(ok: bool)`` and ``close()``.
        retry_failed: Run again the runs stored with an error.

    Returns:
        Counts of what is stored and what happened in this session. A
        KeyboardInterrupt stops the batch cleanly with ``interrupted=True``.
    """
    from crmsim.executors import Task, outcomes

    done = store.done_run_ids(include_failed=not retry_failed)
    todo = [r for r in plan.runs if r.run_id not in done]
    result = BatchOutcome(total=len(plan.runs), skipped=len(plan.runs) - len(todo))
    cells = {c.index: c for c in plan.cells}
    params_of = {i: tuple(c.params.to_dict().items()) for i, c in cells.items()}
    specs = {r.run_id: r for r in todo}
    tasks = (Task(r.run_id, r.scenario, params_of[r.cell], r.seed) for r in todo)
    if progress is not None:
        progress.start(len(plan.runs), result.skipped)
    started = time.perf_counter()
    if todo:
        # no more local processes than runs left (a pool costs a second to start)
        stream = outcomes(tasks, workers=min(workers, len(todo)), scheduler=scheduler)
    else:
        stream = (out for out in ())
    try:
        for out in stream:
            store.add(specs.pop(out["run_id"]), out)
            result.computed += 1
            if progress is not None:
                progress.update(out["status"] == "ok")
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        stream.close()
        store.flush()
        if progress is not None:
            progress.close()
    result.seconds = time.perf_counter() - started
    counts = store.counts()
    result.ok, result.failed = counts["ok"], counts["failed"]
    return result


# --------------------------------------------------------------------------- plan on disk
def plan_frame(plan: Plan) -> pd.DataFrame:
    """The plan as a table: one row per run (``plan.parquet``)."""
    import pandas as pd

    rows = []
    for r in plan.runs:
        row: dict[str, Any] = {
            "run_id": r.run_id,
            "cell": r.cell,
            "scenario": r.scenario,
            "replicate": r.replicate,
            "seed": r.seed,
        }
        swept = dict(r.swept)
        row.update({n: swept.get(n) for n in plan.sweep_names})
        row["rerun"] = r.rerun
        rows.append(row)
    df = pd.DataFrame(rows)
    for name in plan.sweep_names:
        kind = PARAMS[name].kind
        df[name] = df[name].astype({int: "Int64", bool: "boolean"}.get(kind, "float64"))
    return df


def plan_from_store(manifest: Mapping[str, Any], runs: pd.DataFrame) -> Plan:
    """Rebuild a stored plan (for ``--resume``) from the manifest and ``plan.parquet``.

    The scenarios' parameters come from the manifest, not from the files,
    so a resumed batch finishes exactly what was planned even if a scenario
    file changed since.

    Raises:
        CrmsimError: when the rebuilt plan does not match the stored fingerprint.
    """
    entries = []
    for s in manifest["scenarios"]:
        params = ParamSet(s["params"])
        scenario = Scenario(
            name=s["name"], description=s.get("description", ""), params=params,
            chain=tuple(s.get("inherits", ())),
        )  # fmt: skip
        sweep = {k: tuple(v) for k, v in s.get("sweep", {}).items()}
        entries.append(
            ScenarioEntry(s["name"], s["ref"], scenario, s["replicates"], sweep, s["set"], params)
        )
    by_name = {e.name: e for e in entries}
    cells = []
    for c in manifest["cells"]:
        swept = tuple((k, lookup(k).coerce(v)) for k, v in c["swept"].items())
        params = by_name[c["scenario"]].params.with_updates(dict(swept))
        cells.append(Cell(c["cell"], c["scenario"], swept, params))
    specs = []
    for row in runs.to_dict("records"):
        cell = cells[int(row["cell"])]
        specs.append(
            RunSpec(
                int(row["run_id"]), cell.index, row["scenario"], int(row["replicate"]),
                int(row["seed"]), cell.swept, row["rerun"],
            )
        )  # fmt: skip
    plan = Plan(
        int(manifest["root_seed"]), tuple(entries), tuple(cells), tuple(specs),
        common_seeds=bool(manifest.get("common_seeds", False)),
    )  # fmt: skip
    if manifest.get("fingerprint") and plan.fingerprint() != manifest["fingerprint"]:
        raise CrmsimError(
            "the stored plan is inconsistent (fingerprint differs); start a new batch"
        )
    return plan
