"""Batch settings from a scenario file's ``[batch]`` section and from the command line.

Settings come from the command line and from a scenario file's ``[batch]``
section (``replicates``, ``seed``, ``sweep``, ``set``, ``workers``,
``scheduler``, ``common_seeds``); the command line wins, name by name
(merged in :func:`crmsim.batch.plan.make_plan`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crmsim.batch.values import _lookup, parse_sweep, sweep_values
from crmsim.errors import CrmsimError
from crmsim.files import check_keys
from crmsim.params import PARAMS, parse_assignment, unique_assignments
from crmsim.scenario import Scenario

DEFAULT_REPLICATES = 10
"""Replicates per grid cell when neither the command line nor the file says."""

BATCH_KEYS = ("replicates", "seed", "sweep", "set", "workers", "scheduler", "common_seeds")
"""Keys a scenario file's ``[batch]`` section may hold (the flags of the same name)."""


SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
"""Dask transports a ``--scheduler`` address may name (``tcp`` when none is given)."""

_ADDRESS = re.compile(
    rf"^(?:(?:{'|'.join(SCHEDULER_SCHEMES)})://)?"  # transport
    r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"  # host or [IPv6]
    r":(?P<port>[0-9]{1,5})$"
)


def scheduler_address(text: str, where: str = "--scheduler") -> str:
    """Check the form of a Dask scheduler address before anything connects to it.

    ``tcp://HOST:PORT`` (or ``tls``, ``ws``, ``wss``, ``ucx``; ``HOST:PORT``
    alone means tcp); HOST a name, an IPv4 address or ``[IPv6]``; PORT 1-65535.

    Returns:
        The address, stripped of surrounding blanks.

    Raises:
        CrmsimError: naming the address and the form expected.
    """
    address = text.strip() if isinstance(text, str) else ""
    match = _ADDRESS.match(address)
    if match is None or not 1 <= int(match["port"]) <= 65535:
        raise CrmsimError(
            f"{where} must be an address like tcp://HOST:PORT of a Dask scheduler "
            f"(e.g. tcp://10.0.0.5:8786, as `dask scheduler` prints it), got {text!r}"
        )
    return address


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


def _once(table: dict[str, Any], name: str, value: Any, key: str, where: str) -> None:
    """Add ``name`` to ``table``, refusing a name the section gives twice."""
    if name in table:
        raise CrmsimError(
            f"{where}: batch.{key} gives {name} twice; give it once "
            f"(put all its values in one entry)"
        )
    table[name] = value


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
            _once(out, name.strip(), spec.strip(), key, where)
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
                _once(flat, name, v, key, where)

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
    check_keys(section, list(BATCH_KEYS), where, "batch.")
    scheduler = section.get("scheduler")
    if scheduler is not None:
        scheduler = scheduler_address(scheduler, f"{where}: batch.scheduler")
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


def check_one_executor(workers: int | None, scheduler: str | None) -> None:
    """Refuse local ``workers`` together with a Dask ``scheduler`` (the cluster sets the workers).

    Raises:
        CrmsimError: when both are given.
    """
    if workers is not None and scheduler is not None:
        raise CrmsimError(
            "--workers and --scheduler exclude each other; the cluster sets the workers"
        )


def cli_settings(
    sweeps: Sequence[str] = (),
    sets: Sequence[str] | Mapping[str, Any] = (),
    replicates: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    common_seeds: bool | None = None,
) -> Settings:
    """Validate the command line's settings (``--sweep``, ``--set`` and friends).

    ``sets`` are ``NAME=VALUE`` texts, or a mapping already parsed (by the
    CLI's ``--set`` option, :mod:`crmsim.commands.options`).

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
    if isinstance(sets, Mapping):  # already parsed (the CLI's --set option)
        set_map = dict(sets)
    else:
        set_map = unique_assignments(parse_assignment(text) for text in sets)
    both = sorted(set(sweep_map) & set(set_map))
    if both:
        raise CrmsimError(f"{both[0]} is both swept (--sweep) and fixed (--set); keep one")
    check_one_executor(workers, scheduler)
    if scheduler is not None:
        scheduler = scheduler_address(scheduler)
    return Settings(replicates, seed, workers, scheduler, sweep_map, set_map, common_seeds)


def _agreed(values: dict[str, Any], key: str) -> Any:
    """The one value several files give for a batch-wide key (error if they differ)."""
    distinct = set(values.values())
    if len(distinct) > 1:
        shown = ", ".join(f"{k}: {v}" for k, v in values.items())
        raise CrmsimError(f"scenario files disagree on batch.{key} ({shown}); give --{key}")
    return next(iter(distinct)) if distinct else None
