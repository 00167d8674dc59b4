"""Calibration configs: which parameters are free, their ranges, the targets and the budget.

A config (TOML)::

    [calibrate]
    scenario = "baseline"        # the base scenario (name or path)
    targets = "my_targets.toml"  # relative to this file; "bundled" for the bundled set
    seeds = 20                   # runs per arm and trial (common seeds)
    budget = 60                  # trials in all
    batch = 4                    # trials proposed and run together
    seed = 1                     # seeds the sampler and the runs
    startup = 10                 # random trials before the sampler models the history
    set = { "org.employees" = 300 }   # values fixed in every trial
    only = ["failure_rate"]      # ids of the targets to fit (default: all of the file)

    [parameters]                 # free parameters; [] or "declared" takes the declared range
    "diffusion.p" = [0.002, 0.03]
    "diffusion.q" = "declared"

Without ``[parameters]`` the free parameters are every number declared with
the source *judgement call* (:func:`judgement_calls`), over their declared
ranges.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.files import check_keys, read_toml
from crmsim.params import PARAMS, lookup, suggest

_KEYS = {
    "scenario": "baseline",
    "targets": "bundled",
    "seeds": 20,
    "budget": 40,
    "batch": 4,
    "seed": 1,
    "startup": 10,
    "set": {},
    "only": [],
}
_NOT_FREE_GROUPS = ("run", "org", "outcome")


@dataclass(frozen=True)
class Free:
    """A free parameter and its search range."""

    name: str
    lo: float
    hi: float
    integer: bool = False


@dataclass(frozen=True)
class Config:
    """A checked calibration config."""

    path: Path
    scenario: str
    targets: Path
    seeds: int
    budget: int
    batch: int
    seed: int
    startup: int
    fixed: tuple[tuple[str, Any], ...]
    free: tuple[Free, ...]
    raw: Mapping[str, Any] = field(default_factory=dict)
    only: tuple[str, ...] = ()
    """Ids of the targets to fit (empty: every target of the file)."""

    def identity(self) -> dict[str, Any]:
        """What must not change when a study is resumed (everything but the budget)."""
        return {
            "scenario": self.scenario, "targets": str(self.targets), "seeds": self.seeds,
            "batch": self.batch, "seed": self.seed, "startup": self.startup,
            "set": dict(self.fixed), "free": [[f.name, f.lo, f.hi] for f in self.free],
            **({"only": list(self.only)} if self.only else {}),
        }  # fmt: skip


def judgement_calls() -> list[str]:
    """Numeric parameters whose declared source says *judgement call* (not run, org, outcome)."""
    return [
        p.name
        for p in PARAMS.values()
        if "judgement call" in p.source
        and p.kind in (int, float)
        and p.group not in _NOT_FREE_GROUPS
    ]


def _whole(value: Any, key: str, where: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CrmsimError(f"{where}: calibrate.{key} must be a whole number >= {minimum}")
    return value


def _free(name: str, spec: Any, where: str) -> Free:
    param = lookup(name) if name in PARAMS else None
    if param is None:
        hint = suggest(name) or "; run `crmsim describe` to list them"
        raise CrmsimError(f"{where}: unknown parameter {name!r}{hint}")
    if param.kind is bool:
        raise CrmsimError(f"{where}: {name} is true/false; only numbers can be calibrated")
    if spec in ("declared", []):
        lo, hi = float(param.lo), float(param.hi)
    elif (
        isinstance(spec, list)
        and len(spec) == 2
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in spec)
    ):
        lo, hi = float(spec[0]), float(spec[1])
    else:
        raise CrmsimError(f'{where}: {name} needs a range [low, high] or "declared"')
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
        raise CrmsimError(f"{where}: {name} range [{spec[0]}, {spec[1]}] needs low < high")
    if lo < param.lo or hi > param.hi:
        raise CrmsimError(
            f"{where}: {name} range [{spec[0]}, {spec[1]}] leaves the declared range "
            f"{param.range_text()}; narrow it"
        )
    if param.kind is int and not (lo.is_integer() and hi.is_integer()):
        raise CrmsimError(f"{where}: {name} is a whole number; give whole-number ends")
    return Free(name, lo, hi, param.kind is int)


def load_config(path: str | Path) -> Config:
    """Read and check a calibration config.

    Raises:
        CrmsimError: for a missing file, malformed TOML, unknown keys or
            parameters, a bad range or budget, or a bad targets file.
    """
    from crmsim.validation import BUNDLED_TARGETS, load_targets
    from crmsim.validation.targets import flatten

    path = Path(path)
    where = path.name
    data = read_toml(path, "config file", fix="fix the file", missing="give an existing file")
    if not data:  # an empty config would start the longest calibration there is
        raise CrmsimError(f"config file {path} holds no settings; write its [calibrate] table")
    for key in data:
        if key not in ("calibrate", "parameters"):
            raise CrmsimError(f"{where}: unknown table [{key}]; use [calibrate] and [parameters]")
    section = data.get("calibrate", {})
    if not isinstance(section, Mapping):
        raise CrmsimError(f"{where}: [calibrate] must be a table, e.g. [calibrate] seeds = 20")
    check_keys(section, list(_KEYS), where, "calibrate.")
    c = {**_KEYS, **section}
    targets = c["targets"]
    if not isinstance(targets, str):
        raise CrmsimError(f'{where}: calibrate.targets must be a file path or "bundled"')
    targets_path = BUNDLED_TARGETS if targets == "bundled" else (path.parent / targets)
    known = [t.id for t in load_targets(targets_path)]  # checked now: bad targets are bad input
    only = c["only"]
    if not isinstance(only, list) or not all(isinstance(i, str) for i in only):
        raise CrmsimError(
            f'{where}: calibrate.only must be a list of target ids, e.g. ["failure_rate"]'
        )
    for ident in only:
        if ident not in known:
            raise CrmsimError(
                f"{where}: calibrate.only names {ident!r}, not a target of {targets_path.name}; "
                f"use one of {', '.join(known)}"
            )
    if not isinstance(c["scenario"], str):
        raise CrmsimError(f"{where}: calibrate.scenario must be a scenario name or path")
    scenario = c["scenario"]
    if scenario.endswith(".toml") and not Path(scenario).is_absolute():
        scenario = str((path.parent / scenario).resolve())
    if not isinstance(c["set"], Mapping):
        raise CrmsimError(f'{where}: calibrate.set must be a table, e.g. {{"org.employees" = 300}}')
    fixed = []
    for name, value in flatten(c["set"]).items():
        try:
            fixed.append((name, lookup(name).coerce(value)))
        except CrmsimError as exc:
            raise CrmsimError(f"{where}: calibrate.set: {exc}") from None
    params = data.get("parameters")
    if params is not None:
        if not isinstance(params, Mapping):
            raise CrmsimError(f"{where}: [parameters] must be a table of name = [low, high]")
        params = flatten(params)
    names = judgement_calls() if params is None else list(params)
    if not names:
        raise CrmsimError(f"{where}: [parameters] is empty; name at least one parameter")
    free = tuple(_free(n, "declared" if params is None else params[n], where) for n in names)
    both = sorted({f.name for f in free} & {n for n, _ in fixed})
    if both:
        raise CrmsimError(f"{where}: {both[0]} is both free and in calibrate.set; keep one")
    return Config(
        path=path, scenario=scenario, targets=targets_path,
        seeds=_whole(c["seeds"], "seeds", where, 2), budget=_whole(c["budget"], "budget", where, 1),
        batch=_whole(c["batch"], "batch", where, 1), seed=_whole(c["seed"], "seed", where, 0),
        startup=_whole(c["startup"], "startup", where, 0), fixed=tuple(sorted(fixed)), free=free,
        raw=data, only=tuple(only),
    )  # fmt: skip
