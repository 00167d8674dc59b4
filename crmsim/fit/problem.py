"""What a fit asks: the firm's scenario, the unknowns with their priors, the levers to try.

The scenario says what the firm knows about itself; the unknowns are the
parameters it does not know. The default unknowns are :data:`DEFAULT_UNKNOWNS`;
a scenario's ``[fit]`` section may name others, give priors, and choose the
actions ``crmsim fit`` tries::

    [fit]
    unknowns = ["sponsor.commitment", "diffusion.q"]
    actions = ["levers.training", "communication.cadence"]   # default: ACTION_GROUPS
    step = 0.2                                                # how far each is raised
    [fit.priors]
    "diffusion.q" = [0.02, 0.3]             # uniform on [lo, hi]
    "diffusion.p" = [0.001, 0.05, "log"]    # log-uniform

Without a prior in ``[fit.priors]`` a parameter's prior is uniform over its
declared range (:mod:`crmsim.params`), except for rates (units with a ``/``,
e.g. ``1/week``), whose declared range is far wider than any firm: those get
a log-uniform prior from a fifth to five times their declared default
(:func:`default_prior`), so the prior follows the model's defaults as they change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.params import PARAMS, lookup, suggest

DEFAULT_UNKNOWNS: tuple[str, ...] = (
    "sponsor.commitment",
    "effects.fit_base",
    "frontline.confidence",
    "diffusion.p",
    "diffusion.q",
    "managers.resistance_sensitivity",
)
"""What a firm usually cannot observe: its sponsor's commitment, the process fit,
the staff's starting confidence, the two diffusion rates, managers' resistance."""

ACTION_GROUPS: tuple[str, ...] = ("levers.", "communication.", "visibility.",
                                  "managers.xdept_communication")  # fmt: skip
"""Where the default actions come from: every parameter under these names that
may change mid-run (``Param.mid_run``) and is an intensity in [0, 1]."""

RATE_SPAN = 5.0
"""A rate's default prior runs from default / RATE_SPAN to default x RATE_SPAN."""

DEFAULT_STEP = 0.2
"""How far each action raises its parameter (capped at the top of its range)."""


@dataclass(frozen=True)
class Prior:
    """The prior of one unknown: uniform, or log-uniform, on ``[lo, hi]``.

    Attributes:
        name: The parameter's dotted name.
        lo: Lower end.
        hi: Upper end.
        log: Log-uniform instead of uniform.
    """

    name: str
    lo: float
    hi: float
    log: bool = False

    def rv(self) -> Any:
        """The prior as a ``pyabc.RV``."""
        import pyabc

        if self.log:
            return pyabc.RV("loguniform", self.lo, self.hi)
        return pyabc.RV("uniform", self.lo, self.hi - self.lo)

    def draw(self, u: float) -> float:
        """The prior's quantile at ``u`` in [0, 1] (draws without pyabc)."""
        if self.log:
            return math.exp(math.log(self.lo) + u * (math.log(self.hi) - math.log(self.lo)))
        return self.lo + u * (self.hi - self.lo)

    def text(self) -> str:
        """The prior in words, e.g. ``log-uniform on [0.0016, 0.04]``."""
        return f"{'log-uniform' if self.log else 'uniform'} on [{self.lo:.4g}, {self.hi:.4g}]"


def default_prior(name: str) -> Prior:
    """A parameter's prior when the scenario gives none (see the module docstring)."""
    p = lookup(name)
    if "/" in p.unit and p.default > 0:
        lo = max(p.default / RATE_SPAN, p.lo if p.lo and p.lo > 0 else 0.0)
        hi = min(p.default * RATE_SPAN, p.hi)
        return Prior(name, lo, hi, log=True)
    return Prior(name, float(p.lo), float(p.hi))


@dataclass(frozen=True)
class FitSection:
    """A scenario's ``[fit]`` section, checked.

    Attributes:
        unknowns: Unknowns it names (empty: the defaults).
        priors: Priors it gives, by name.
        actions: Actions it names (empty: the defaults).
        step: How far each action raises its parameter.
        fixed: Parameters the scenario file itself sets (the firm knows them).
    """

    unknowns: tuple[str, ...] = ()
    priors: dict[str, Prior] = field(default_factory=dict)
    actions: tuple[str, ...] = ()
    step: float = DEFAULT_STEP
    fixed: frozenset[str] = frozenset()


def _flat(table: dict[str, Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for k, v in table.items():
        name = f"{prefix}.{k}" if prefix else k
        out.extend(_flat(v, name) if isinstance(v, dict) else [name])
    return out


def _prior(name: str, value: Any, where: str) -> Prior:
    fix = f'write "{name}" = [lo, hi] or [lo, hi, "log"]'
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise CrmsimError(f"{where}: the prior of {name} must be a list; {fix}")
    lo, hi = value[0], value[1]
    log = len(value) == 3
    if log and value[2] != "log":
        raise CrmsimError(f"{where}: the prior of {name} has {value[2]!r}; {fix}")
    p = lookup(name)
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (lo, hi)):
        raise CrmsimError(f"{where}: the prior of {name} must give numbers; {fix}")
    if not lo < hi or lo < p.lo or hi > p.hi or (log and lo <= 0):
        raise CrmsimError(
            f"{where}: the prior of {name}, [{lo}, {hi}], must have lo < hi inside "
            f"{p.range_text()}{' and lo > 0 (log)' if log else ''}; {fix}"
        )
    return Prior(name, float(lo), float(hi), log)


def read_fit_section(path: Path | None) -> FitSection:
    """The ``[fit]`` section of a scenario file, and the parameters the file sets.

    Raises:
        CrmsimError: for an unknown key or parameter, or a bad prior or step.
    """
    if path is None:
        return FitSection()
    from crmsim.files import check_keys, read_toml

    data = read_toml(path, "scenario file")
    where = f"{path.name} [fit]"
    fixed = frozenset(
        n for key, v in data.items() if key not in ("scenario", "batch", "fit")
        and isinstance(v, dict) for n in _flat(v, key)
    )  # fmt: skip
    fit = data.get("fit", {})
    if not isinstance(fit, dict):
        raise CrmsimError(f"{path.name}: [fit] must be a table")
    check_keys(fit, ["actions", "priors", "step", "unknowns"], path.name, "fit.")
    lists = {}
    for key in ("unknowns", "actions"):
        v = fit.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise CrmsimError(f'{where}: {key} must be a list of names, e.g. ["diffusion.q"]')
        for name in v:
            lookup(name)
        lists[key] = tuple(v)
    step = fit.get("step", DEFAULT_STEP)
    if isinstance(step, bool) or not isinstance(step, int | float) or not 0 < step <= 1:
        raise CrmsimError(f"{where}: step must be a number in (0, 1], e.g. step = 0.2")
    priors_in = fit.get("priors", {})
    if not isinstance(priors_in, dict):
        raise CrmsimError(f"{where}: priors must be a table, e.g. [fit.priors]")
    priors = {n: _prior(n, v, where) for n, v in priors_in.items() if lookup(n)}
    return FitSection(lists["unknowns"], priors, lists["actions"], float(step), fixed)


def choose_priors(given: Sequence[str], section: FitSection) -> list[Prior]:
    """The unknowns' priors: from ``--unknown`` names, else the section's, else the defaults.

    Names given on the command line or in the section must be numeric
    parameters the scenario does not set; the defaults leave out what it sets.

    Raises:
        CrmsimError: for an unknown name, a name given twice, a parameter the
            scenario sets, or one that is not a number.
    """
    names = list(given) or list(section.unknowns)
    explicit = bool(names)
    if not explicit:
        names = [n for n in DEFAULT_UNKNOWNS if n not in section.fixed]
    seen: set[str] = set()
    for name in names:
        if name not in PARAMS:
            hint = suggest(name) or "; run `crmsim describe` to list them"
            raise CrmsimError(f"--unknown {name}: not a parameter{hint}")
        if name in seen:
            raise CrmsimError(f"--unknown {name} is given twice; name each unknown once")
        seen.add(name)
        if name in section.fixed:
            raise CrmsimError(
                f"--unknown {name}: the scenario sets it, so the firm knows it; "
                "remove it from the scenario or from the unknowns"
            )
        if lookup(name).kind is not float:
            raise CrmsimError(
                f"--unknown {name}: only real-valued parameters can be fitted "
                f"({name} is {lookup(name).kind.__name__}); set it in the scenario"
            )
    if not names:
        raise CrmsimError("nothing is unknown: the scenario sets every default unknown; "
                          "name some with --unknown")  # fmt: skip
    return [section.priors.get(n) or default_prior(n) for n in names]


def choose_actions(section: FitSection, values: Any, unknowns: Sequence[str]) -> list[str]:
    """The actions to try: the section's, else every mid-run [0, 1] intensity of ACTION_GROUPS.

    Actions already at the top of their range, or fitted as unknowns, are left out.

    Raises:
        CrmsimError: for an action that cannot change mid-run.
    """
    names = list(section.actions) or [
        n for n, p in PARAMS.items()
        if any(n.startswith(g) if g.endswith(".") else n == g for g in ACTION_GROUPS)
        and p.mid_run and p.kind is float and p.lo == 0 and p.hi == 1
    ]  # fmt: skip
    for n in names:
        if not lookup(n).mid_run:
            raise CrmsimError(
                f"[fit] actions: {n} cannot change mid-run; name a lever that can "
                "(crmsim describe shows them)"
            )
    return [n for n in names if values[n] < lookup(n).hi and n not in unknowns]
