"""Parameter values on the command line: sweep syntax, its validation, and formatting.

Sweeps are written ``name=v1,v2,...`` or ``name=lo:hi:steps`` and are
validated against the parameter declarations in :mod:`crmsim.params`, like
every ``--set``; :func:`format_value` writes a value back as text that
parses to the same value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crmsim.errors import CrmsimError
from crmsim.params import Param, lookup


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
    from crmsim.batch.sizing import MAX_PLAN_RUNS

    if steps_f > MAX_PLAN_RUNS:
        raise CrmsimError(
            f"{where} {param.name}={spec}: {steps_f:,.0f} steps is more than the "
            f"{MAX_PLAN_RUNS:,} runs one plan may hold; use fewer steps"
        )
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
