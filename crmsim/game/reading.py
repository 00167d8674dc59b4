"""Reading a game file's numbers, switches and action menu (for :mod:`crmsim.game.loading`).

Each value is checked where it is read; a bad one is refused in one line in
the current language, naming the key and, for an unknown name, the closest
valid one.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.game.actions import PEOPLE, TARGET_KINDS, Action, Effect
from crmsim.game.case import text
from crmsim.i18n import N_, _
from crmsim.params import PARAMS, suggest

_KIND_KEYS = ("param", "confidence", "resistance", "restructure", "skill")
_EFFECT_KEYS = {
    "param": {"param", "add", "set", "weeks"},
    "confidence": {"confidence", "people", "via"},
    "resistance": {"resistance"},
    "restructure": {"restructure", "fit"},
    "skill": {"skill"},
}
_ACTION_KEYS = {
    "label", "description", "claims", "cost", "lead_weeks", "cooldown_rounds", "once",
    "before_go_live", "target", "effects",
}  # fmt: skip


def closest(name: str, choices: Iterable[str], what: str) -> str:
    """``"; did you mean X?"`` for the closest of ``choices``, else the list of them (``what``)."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    if close:
        return _("; did you mean {name}?").format(name=close[0])
    return f"; {_(what)}: {', '.join(choices)}"


def number(where: str, value: Any, lo: float, hi: float, whole: bool = False) -> float:
    """``value`` as a number in ``[lo, hi]`` (a whole one if ``whole``); refused in one line if not."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CrmsimError(
            _("{where} must be a number, got {value!r}").format(where=where, value=value)
        )
    if whole and not float(value).is_integer():
        raise CrmsimError(
            _("{where} must be a whole number, got {value!r}").format(where=where, value=value)
        )
    if not (lo <= value <= hi) or not math.isfinite(value):
        raise CrmsimError(
            _("{where} = {value!r} is out of range [{lo:g}, {hi:g}]").format(
                where=where, value=value, lo=lo, hi=hi
            )
        )
    return int(value) if whole else float(value)


def flag(where: str, value: Any) -> bool:
    """``value`` as true or false; refused in one line if not."""
    if not isinstance(value, bool):
        raise CrmsimError(
            _("{where} must be true or false, got {value!r}").format(where=where, value=value)
        )
    return value


def unknown_keys(where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    """Refuse the first key of ``table`` not in ``allowed``, with the closest allowed one."""
    for key in table:
        if key not in allowed:
            hint = closest(key, sorted(allowed), N_("allowed"))
            raise CrmsimError(
                _("{where}: unknown key {key!r}{hint}").format(where=where, key=key, hint=hint)
            )


def read_effect(where: str, raw: Any, target: str | None) -> Effect:
    """One effect of an action (``effects[i]``): exactly one kind, its keys and ranges checked."""
    if not isinstance(raw, dict):
        raise CrmsimError(
            _("{where} must be a table, e.g. {{ param = 'levers.training', add = 0.2 }}").format(
                where=where
            )
        )
    kinds = [k for k in _KIND_KEYS if k in raw]
    if len(kinds) != 1:
        raise CrmsimError(
            _("{where} needs exactly one of {choices}").format(
                where=where, choices=", ".join(_KIND_KEYS)
            )
        )
    kind = kinds[0]
    unknown_keys(where, raw, _EFFECT_KEYS[kind])
    if kind == "param":
        name = raw["param"]
        if name not in PARAMS:
            raise CrmsimError(
                _("{where}: unknown parameter {name!r}{hint}").format(
                    where=where, name=name, hint=suggest(str(name))
                )
            )
        if not PARAMS[name].mid_run:
            raise CrmsimError(
                _(
                    "{where}: {name} shapes the starting state and cannot change mid-game; set it in [start] instead"
                ).format(where=where, name=name)
            )
        modes = [m for m in ("add", "set") if m in raw]
        if len(modes) != 1:
            raise CrmsimError(
                _("{where}: give either add = X or set = X for {name}").format(
                    where=where, name=name
                )
            )
        mode = modes[0]
        p = PARAMS[name]
        weeks = raw.get("weeks")
        if weeks is not None:
            weeks = int(number(f"{where}.weeks", weeks, 1, 2080, whole=True))
            if mode != "add":
                raise CrmsimError(
                    _("{where}: weeks works with add only (a set is not taken back)").format(
                        where=where
                    )
                )
        if mode == "set":
            value = p.coerce(raw["set"])
        else:
            if p.kind is not float:
                raise CrmsimError(
                    _("{where}: {name} is a whole number or a switch; use set").format(
                        where=where, name=name
                    )
                )
            span = p.hi - p.lo
            value = number(f"{where}.add", raw["add"], -span, span)
        return Effect(kind="param", param=name, mode=mode, value=value, weeks=weeks)
    if kind == "confidence":
        people = raw.get("people")
        if people not in PEOPLE:
            hint = closest(str(people), PEOPLE, N_("groups"))
            raise CrmsimError(
                _("{where}: people = {people!r} is not a group{hint}").format(
                    where=where, people=people, hint=hint
                )
            )
        via = raw.get("via")
        if via not in (None, "sponsor"):
            raise CrmsimError(_('{where}: via must be "sponsor" or left out').format(where=where))
        value = number(f"{where}.confidence", raw["confidence"], -5.0, 5.0)
        return Effect(kind="confidence", value=value, people=people, via_sponsor=via == "sponsor")
    if kind == "resistance":
        return Effect(kind="resistance", value=number(f"{where}.resistance", raw[kind], 0, 2))
    if kind == "restructure":
        if target != "department":
            raise CrmsimError(
                _('{where}: restructure needs target = "department" on the action').format(
                    where=where
                )
            )
        depth = number(f"{where}.restructure", raw[kind], -1.0, 1.0)
        fit = number(f"{where}.fit", raw.get("fit", 0.0), -1.0, 1.0)
        return Effect(kind="restructure", value=depth, fit=fit)
    return Effect(kind="skill", value=number(f"{where}.skill", raw[kind], 0.0, 1.0))


def read_action(name: str, raw: Any, where: str, rounds: int) -> Action:
    """One action of the menu: its keys, texts, cost, timing and effects checked."""
    if not isinstance(raw, dict):
        raise CrmsimError(_("{where} must be a table").format(where=where))
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise CrmsimError(
            _("{where}: action names are lower case words joined by _").format(where=where)
        )
    unknown_keys(where, raw, _ACTION_KEYS)
    for key in ("label", "description", "claims", "cost", "effects"):
        if key not in raw:
            raise CrmsimError(_("{where}: {key} is missing").format(where=where, key=key))
    target = raw.get("target")
    if target is not None and target not in TARGET_KINDS:
        raise CrmsimError(_('{where}: target must be "department" or left out').format(where=where))
    effects = raw["effects"]
    if not isinstance(effects, list) or not effects:
        raise CrmsimError(
            _("{where}: effects must be a non-empty list of tables").format(where=where)
        )
    return Action(
        name=name,
        label=text(raw["label"], f"{where}.label"),
        description=text(raw["description"], f"{where}.description"),
        claims=str(raw["claims"]),
        cost=number(f"{where}.cost", raw["cost"], 0, 1e9),
        lead_weeks=int(number(f"{where}.lead_weeks", raw.get("lead_weeks", 0), 0, 520, True)),
        cooldown_rounds=int(
            number(f"{where}.cooldown_rounds", raw.get("cooldown_rounds", 0), 0, rounds, True)
        ),
        once=flag(f"{where}.once", raw.get("once", False)),
        before_go_live=flag(f"{where}.before_go_live", raw.get("before_go_live", False)),
        target=target,
        effects=tuple(
            read_effect(f"{where}.effects[{i}]", e, target) for i, e in enumerate(effects)
        ),
    )
