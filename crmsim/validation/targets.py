"""Targets files: published patterns as data, read once and checked before anything runs.

A targets file (TOML) holds one ``[[target]]`` table per pattern::

    [[target]]
    id = "failure_rate"
    pattern = "Most CRM roll-outs fail to meet expectations"
    kind = "share"                 # see KINDS
    expr = "not success"           # over the per-run fields (crmsim.validation.fields)
    where = "dip_weeks > 0"        # optional: only the runs where this holds
    band = [0.40, 0.67]            # [low, high]; inf for an open end
    sources = ["CAL-4.2", "CAL-5.7"]
    source_text = "Forrester 2009 47 %; McKinsey 2008 (n = 3,199)"
    firmness = "S"                 # P, S, U or judgement (as in docs/sources.md)
    [target.arm]                   # optional: which runs
    scenario = "bass_limit"        # default: the scenario under test
    set = { "levers.training" = 1.0 }
    runs = 20                      # optional cap on the runs of this arm

Kinds (what is measured, and the arms it needs) are listed in :data:`KINDS`
and in docs/validation.md. Every problem raises :class:`CrmsimError` with
one line naming the file, the target and the fix.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.files import check_keys, read_toml
from crmsim.params import LEVERS, lookup, suggest
from crmsim.validation.fields import example_frame, field_names

KINDS: dict[str, str] = {
    "share": "share of runs where expr holds (Wilson interval)",
    "mean": "mean of expr over runs (t or bootstrap interval)",
    "median": "median of expr over runs (bootstrap interval)",
    "share_difference": "share where expr holds, treatment minus control (paired)",
    "mean_difference": "mean of expr, treatment minus control (paired)",
    "ordering": "the expressions in `order` decrease, first to last (smallest paired gap)",
    "strongest_lever": "lever's 0 -> 1 effect on expr minus the largest other lever's",
    "no_backfire": "smallest 0 -> 1 effect on expr among the levers (none below -margin)",
    "bass": "mean largest gap between adoption and the closed-form Bass curve",
}
"""The measure kinds a target may use, with what each measures."""

FIRMNESS = ("P", "S", "U", "judgement")
FUNCTIONS = ("abs", "log", "exp", "sqrt")
_TARGET_KEYS = {
    "id", "pattern", "kind", "expr", "where", "band", "sources", "source_text", "firmness",
    "arm", "treatment", "control", "order", "lever", "levers", "margin", "tolerance",
    "interval", "seed",
}  # fmt: skip
_FILE_KEYS = {"title", "description", "target"}
_ARM_KEYS = {"scenario", "set", "runs"}


@dataclass(frozen=True)
class Arm:
    """Which runs a measure reads: a scenario (None: the one under test) and values set on it."""

    scenario: str | None = None
    set: tuple[tuple[str, Any], ...] = ()
    runs: int | None = None

    def with_set(self, updates: Mapping[str, Any]) -> Arm:
        """A copy with more parameter values set (they win over the arm's own)."""
        merged = {**dict(self.set), **updates}
        return Arm(self.scenario, tuple(sorted(merged.items())), self.runs)


@dataclass(frozen=True)
class Target:
    """One published pattern and how the model is held against it."""

    id: str
    pattern: str
    kind: str
    band: tuple[float, float]
    expr: str = "success"
    where: str | None = None
    sources: tuple[str, ...] = ()
    source_text: str = ""
    firmness: str = "judgement"
    arm: Arm = field(default_factory=Arm)
    treatment: Arm | None = None
    control: Arm | None = None
    order: tuple[str, ...] = ()
    lever: str | None = None
    levers: tuple[str, ...] = LEVERS
    margin: float = 0.0
    interval: str = "t"
    seed: int = 12345

    def arms(self) -> list[Arm]:
        """Every arm this target's measure reads, in a fixed order."""
        if self.kind in ("share_difference", "mean_difference"):
            return [self.treatment or Arm(), self.control or Arm()]
        if self.kind in ("strongest_lever", "no_backfire"):
            return [self.arm.with_set({lv: v}) for lv in self.levers for v in (0.0, 1.0)]
        return [self.arm]

    def expressions(self) -> list[str]:
        """Every expression the target evaluates."""
        out = list(self.order) if self.kind == "ordering" else [self.expr]
        return out + ([self.where] if self.where else [])


def check_expression(text: Any, where: str) -> str:
    """Check that ``text`` names only per-run fields and allowed functions.

    Raises:
        CrmsimError: for syntax errors, unknown names (listing the valid
            ones) and anything but arithmetic, comparisons and and/or/not.
    """
    if not isinstance(text, str) or not text.strip():
        raise CrmsimError(f'{where}: give an expression as text, e.g. "success"')
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise CrmsimError(f"{where}: {text!r} is not a valid expression ({exc.msg})") from None
    names = field_names()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
                raise CrmsimError(
                    f"{where}: {text!r} calls a function; only {', '.join(FUNCTIONS)} are allowed"
                )
        elif isinstance(node, ast.Name):
            if node.id not in names and node.id not in FUNCTIONS:
                hint = suggest(node.id, names) or ""
                raise CrmsimError(
                    f"{where}: unknown field {node.id!r} in {text!r}{hint} "
                    f"(valid: {', '.join(names)})"
                )
        elif isinstance(node, ast.Attribute | ast.Subscript | ast.Lambda | ast.comprehension):
            raise CrmsimError(
                f"{where}: {text!r} uses attributes, indexing or comprehensions; write field "
                "names, numbers, comparisons, arithmetic and and/or/not"
            )
    return text.strip()


def _dry_run(target: Target, where: str) -> None:
    """Evaluate the target's expressions on made-up runs: catches a measure that cannot work."""
    frame = example_frame()
    for text in target.expressions():
        try:
            values = frame.eval(text)
        except Exception as exc:  # pandas raises many kinds for a bad expression
            raise CrmsimError(f"{where}: cannot compute {text!r} ({type(exc).__name__})") from None
        boolean = values.dtype == bool or str(values.dtype) == "boolean"
        must_be_bool = text == target.where or target.kind in ("share", "share_difference")
        if must_be_bool and not boolean:
            raise CrmsimError(
                f"{where}: {text!r} is a number, not true/false; a {target.kind} or `where` "
                "needs a condition such as final_adoption > 0.9"
            )
        if not boolean and values.dtype.kind not in "fiu":
            raise CrmsimError(f"{where}: {text!r} does not give numbers or true/false")


def _arm(raw: Any, where: str) -> Arm:
    if not isinstance(raw, Mapping):
        raise CrmsimError(f"{where} must be a table with scenario, set and runs")
    check_keys(raw, sorted(_ARM_KEYS), where)
    scenario = raw.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        raise CrmsimError(f"{where}.scenario must be a scenario name or file path")
    sets = raw.get("set", {})
    if not isinstance(sets, Mapping):
        raise CrmsimError(f'{where}.set must be a table, e.g. set = {{"levers.training" = 1.0}}')
    pairs = []
    for name, value in flatten(sets).items():
        try:
            pairs.append((name, lookup(name).coerce(value)))
        except CrmsimError as exc:
            raise CrmsimError(f"{where}.set: {exc}") from None
    runs = raw.get("runs")
    if runs is not None and (isinstance(runs, bool) or not isinstance(runs, int) or runs < 2):
        raise CrmsimError(f"{where}.runs must be a whole number >= 2, got {runs!r}")
    return Arm(scenario, tuple(sorted(pairs)), runs)


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested TOML tables as dotted parameter names (``{"levers": {"training": 1}}``)."""
    out: dict[str, Any] = {}
    for k, v in table.items():
        name = f"{prefix}.{k}" if prefix else k
        out.update(flatten(v, name) if isinstance(v, Mapping) else {name: v})
    return out


def _band(raw: Any, where: str) -> tuple[float, float]:
    ok = isinstance(raw, list) and len(raw) == 2
    ok = ok and all(isinstance(x, int | float) and not isinstance(x, bool) for x in raw)
    if not ok:
        raise CrmsimError(f"{where}: band must be two numbers [low, high], e.g. [0.4, 0.67]")
    lo, hi = float(raw[0]), float(raw[1])
    if math.isnan(lo) or math.isnan(hi) or lo > hi:
        raise CrmsimError(f"{where}: band [{raw[0]}, {raw[1]}] has low > high; write [low, high]")
    return lo, hi


def _text(raw: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise CrmsimError(f"{where}: {key} must be non-empty text")
    return value.strip()


def _kind_fields(raw: Mapping[str, Any], kind: str, where: str) -> dict[str, Any]:
    """The keys particular to a kind, validated; band defaults where the kind implies one."""
    out: dict[str, Any] = {}
    if kind in ("share_difference", "mean_difference"):
        for role in ("treatment", "control"):
            if role not in raw:
                raise CrmsimError(f"{where}: a {kind} needs [target.{role}] with the arm's set")
            out[role] = _arm(raw[role], f"{where}: {role}")
    if kind == "ordering":
        order = raw.get("order")
        if not isinstance(order, list) or len(order) < 2:
            raise CrmsimError(f'{where}: an ordering needs order = ["first", "second", ...]')
        out["order"] = tuple(check_expression(e, f"{where}: order") for e in order)
        out.setdefault("band", (0.0, math.inf))
    if kind in ("strongest_lever", "no_backfire"):
        levers = raw.get("levers", list(LEVERS))
        if not isinstance(levers, list) or not levers:
            raise CrmsimError(f"{where}: levers must be a list of lever names")
        for name in levers:
            if name not in LEVERS:
                hint = suggest(str(name), list(LEVERS)) or f"; levers: {', '.join(LEVERS)}"
                raise CrmsimError(f"{where}: {name!r} is not a lever{hint}")
        out["levers"] = tuple(levers)
        out.setdefault("band", (0.0, math.inf))
    if kind == "strongest_lever":
        lever = raw.get("lever")
        if lever not in out["levers"] or len(out["levers"]) < 2:
            raise CrmsimError(f"{where}: lever must be one of the levers compared (>= 2)")
        out["lever"] = lever
    if kind == "no_backfire":
        margin = raw.get("margin", 0.05)
        if isinstance(margin, bool) or not isinstance(margin, int | float) or margin < 0:
            raise CrmsimError(f"{where}: margin must be a number >= 0, e.g. 0.05")
        out["margin"] = float(margin)
        out["band"] = (-float(margin), math.inf)
    if kind == "bass":
        tol = raw.get("tolerance", 0.025)
        if isinstance(tol, bool) or not isinstance(tol, int | float) or tol <= 0:
            raise CrmsimError(f"{where}: tolerance must be a number > 0, e.g. 0.025")
        out["band"] = (0.0, float(tol))
        out["expr"] = "bass_error"
    return out


def parse_target(raw: Any, where: str) -> Target:
    """One ``[[target]]`` table, validated.

    Raises:
        CrmsimError: naming the key at fault and how to fix it.
    """
    if not isinstance(raw, Mapping):
        raise CrmsimError(f"{where} must be a table ([[target]])")
    tid = _text(raw, "id", where)
    where = f"{where.split(':')[0]}: target {tid!r}"
    check_keys(raw, sorted(_TARGET_KEYS), where)
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        hint = suggest(str(kind), list(KINDS)) or ""
        raise CrmsimError(f"{where}: unknown kind {kind!r}{hint} (kinds: {', '.join(KINDS)})")
    fields = _kind_fields(raw, kind, where)
    if "band" in raw and kind not in ("no_backfire", "bass"):
        fields["band"] = _band(raw["band"], where)
    if "band" not in fields:
        raise CrmsimError(f"{where}: give band = [low, high]")
    sources = raw.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) and s for s in sources):
        raise CrmsimError(f'{where}: sources must be a list of ids, e.g. ["CAL-4.2", "S7"]')
    firmness = raw.get("firmness", "judgement")
    if not isinstance(firmness, str) or any(
        part.strip() not in FIRMNESS for part in firmness.split("/")
    ):
        raise CrmsimError(f"{where}: firmness must be one of {', '.join(FIRMNESS)} (or P / S)")
    interval = raw.get("interval", "t")
    if interval not in ("t", "bootstrap"):
        raise CrmsimError(f'{where}: interval must be "t" or "bootstrap"')
    seed = raw.get("seed", 12345)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise CrmsimError(f"{where}: seed must be a whole number >= 0")
    if "expr" in raw and kind != "bass":
        fields["expr"] = check_expression(raw["expr"], where)
    elif kind in ("share", "mean", "median", "share_difference", "mean_difference"):
        raise CrmsimError(f'{where}: a {kind} needs expr = "...", e.g. expr = "success"')
    if raw.get("where") is not None:
        if kind in ("share_difference", "mean_difference", "ordering", "bass"):
            raise CrmsimError(f"{where}: `where` does not apply to a {kind}; remove it")
        fields["where"] = check_expression(raw["where"], f"{where}: where")
    target = Target(
        id=tid,
        pattern=_text(raw, "pattern", where),
        kind=kind,
        sources=tuple(sources),
        source_text=str(raw.get("source_text", "")).strip(),
        firmness=firmness,
        arm=_arm(raw.get("arm", {}), f"{where}: arm"),
        interval=interval,
        seed=seed,
        **fields,
    )
    _dry_run(target, where)
    return target


def load_targets(path: str | Path) -> list[Target]:
    """Read and check a targets file.

    Raises:
        CrmsimError: for a missing file, malformed TOML, an empty file,
            repeated ids, or any bad target (see :func:`parse_target`).
    """
    path = Path(path)
    data = read_toml(path, "targets file", fix="fix the file", missing="give an existing file")
    for key in data:
        if key not in _FILE_KEYS:
            raise CrmsimError(
                f"{path.name}: unknown top-level key {key!r}; write targets as [[target]] tables"
            )
    for key in ("title", "description"):
        if not isinstance(data.get(key, ""), str):
            raise CrmsimError(f'{path.name}: {key} must be text, e.g. {key} = "..."')
    raws = data.get("target", [])
    if not isinstance(raws, list) or not raws:
        raise CrmsimError(f"{path.name}: no [[target]] tables; add at least one")
    targets = [parse_target(raw, f"{path.name}: target {i}") for i, raw in enumerate(raws)]
    seen: set[str] = set()
    for t in targets:
        if t.id in seen:
            raise CrmsimError(f"{path.name}: target id {t.id!r} is given twice; make ids unique")
        seen.add(t.id)
    return targets
