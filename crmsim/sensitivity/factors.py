"""The parameters a sensitivity analysis varies, and their ranges (step 1).

A range is the parameter's declared ``[lo, hi]`` (:mod:`crmsim.params`),
narrowed by the scenario file's ``[batch]`` sweep (the smallest and largest
swept value) and, above that, by ``--params name=lo:hi``. Parameters fixed
by ``[batch] set`` or ``--set`` are held at their value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crmsim.errors import CrmsimError
from crmsim.params import LEVERS, PARAMS, lookup

if TYPE_CHECKING:
    from crmsim.scenario import Scenario


@dataclass(frozen=True)
class Factor:
    """One parameter varied by the analysis.

    Attributes:
        name: Declared parameter name.
        lo: Lower end of the range sampled.
        hi: Upper end of the range sampled.
        origin: Where the range comes from: ``declared``, ``[batch] sweep``
            or ``--params``.
    """

    name: str
    lo: float
    hi: float
    origin: str = "declared"

    @property
    def whole(self) -> bool:
        """A whole-number parameter: sampled values are rounded before running."""
        return PARAMS[self.name].kind is int

    @property
    def label(self) -> str:
        """Plain-words label for charts."""
        return PARAMS[self.name].label or self.name


def parse_params(text: str) -> list[tuple[str, float | None, float | None]]:
    """Parse ``--params name,name=lo:hi,...`` into names and optional ranges.

    Raises:
        CrmsimError: for an empty entry, a bad range or a name given twice.
    """
    entries: list[tuple[str, float | None, float | None]] = []
    seen: set[str] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise CrmsimError(
                f"--params {text!r}: empty entry; write name,name=lo:hi,... "
                "e.g. --params levers.training,visibility.level=0.1:0.6"
            )
        name, _, spec = part.partition("=")
        name = name.strip()
        if name in seen:
            raise CrmsimError(f"--params names {name} twice; give each parameter once")
        seen.add(name)
        if not spec:
            entries.append((name, None, None))
            continue
        ends = spec.split(":")
        try:
            lo, hi = (float(e) for e in ends) if len(ends) == 2 else (None, None)
        except ValueError:
            lo = hi = None
        if lo is None or hi is None:
            raise CrmsimError(f"--params {part}: write the range as {name}=lo:hi, e.g. {name}=0:1")
        entries.append((name, lo, hi))
    return entries


def _factor(name: str, lo: float | None, hi: float | None, origin: str, where: str) -> Factor:
    try:
        param = lookup(name)
    except CrmsimError as exc:
        raise CrmsimError(f"{where}: {exc}") from None
    if param.kind is bool:
        raise CrmsimError(f"{where}: {name} is true/false; sensitivity needs a numeric range")
    lo = float(param.lo) if lo is None else lo
    hi = float(param.hi) if hi is None else hi
    for end in (lo, hi):
        try:
            param.coerce(end)
        except CrmsimError as exc:
            raise CrmsimError(f"{where}: {exc}") from None
    if not lo < hi:
        raise CrmsimError(f"{where}: {name} range [{lo:g}, {hi:g}] is empty; give lo < hi")
    return Factor(name, float(lo), float(hi), origin)


def choose_factors(
    scenario: Scenario,
    params_text: str | None = None,
    cli_sets: Mapping[str, Any] | None = None,
) -> tuple[tuple[Factor, ...], dict[str, Any]]:
    """The parameters to vary, their ranges, and the parameters held fixed.

    Factors are those named by ``--params``; without it, the nine survey
    levers and any other parameter the file's ``[batch]`` sweep names, less
    the ones fixed by ``[batch] set`` or ``--set``. Ranges: ``--params
    name=lo:hi`` first, then the ``[batch]`` sweep's smallest and largest
    value, then the declaration. (A ``[sensitivity]`` table is not possible:
    scenario files accept only parameter groups, ``[scenario]`` and
    ``[batch]``, and ``crmsim batch`` reads the same ``[batch]`` section.)

    Args:
        scenario: The loaded scenario (its ``[batch]`` section is validated here).
        params_text: The ``--params`` text, or None.
        cli_sets: ``--set`` values (already validated).

    Returns:
        The factors, in order, and every fixed parameter (file and command
        line; the command line wins name by name).

    Raises:
        CrmsimError: for a bad ``[batch]`` section or ``--params``, an
            unknown or true/false parameter, an empty range, or a parameter
            both fixed with ``--set`` and varied.
    """
    from crmsim.batch import file_settings

    cli_sets = dict(cli_sets or {})
    file = file_settings(scenario)
    where_file = f"{scenario.path.name if scenario.path else scenario.name}: batch.sweep"
    swept_range = {n: (min(v), max(v)) for n, v in file.sweep.items()}
    if params_text is not None:
        requested = parse_params(params_text)
        named = {n for n, _, _ in requested}
    else:
        names = list(LEVERS) + [n for n in file.sweep if n not in LEVERS]
        requested = [(n, None, None) for n in names if n not in file.set and n not in cli_sets]
        named = set()
    sets = {k: v for k, v in file.set.items() if k not in named}
    sets.update(cli_sets)
    factors = []
    for name, lo, hi in requested:
        if name in cli_sets:
            raise CrmsimError(f"{name} is both fixed (--set) and varied (--params); keep one")
        if lo is not None:
            factors.append(_factor(name, lo, hi, "--params", "--params"))
        elif name in swept_range:
            lo_s, hi_s = swept_range[name]
            factors.append(_factor(name, lo_s, hi_s, "[batch] sweep", where_file))
        else:
            factors.append(_factor(name, None, None, "declared", "--params"))
    if not factors:
        raise CrmsimError("nothing to vary: every lever is fixed; name parameters with --params")
    return tuple(factors), sets
