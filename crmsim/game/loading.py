"""Reading a game file: finding it, parsing its TOML, validating every key.

:func:`load_game` reads a game file once into a frozen, validated
:class:`~crmsim.game.definition.Game`; nothing downstream sees raw TOML. Any
unknown key, action, parameter or measure is refused with the closest valid
name, any value out of range with its range.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.files import Shape, check_shape, read_toml
from crmsim.game.actions import PEOPLE, TARGET_KINDS, Action, Effect
from crmsim.game.case import parse_case, text
from crmsim.game.definition import Game
from crmsim.game.scoring import MEASURES, Scoring
from crmsim.params import PARAMS, suggest
from crmsim.scenario import SCENARIO_DIR, Scenario, find_toml, load

GAME_DIR: Path = SCENARIO_DIR / "games"
"""Where the bundled games live (``games/`` beside the bundled scenarios, see crmsim.data)."""

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
_GAME_KEYS = {
    "title", "description", "scenario", "seed", "rounds", "weeks_per_round", "budget",
    "max_actions_per_round", "min_rounds", "max_rounds",
}  # fmt: skip


def bundled_games() -> list[str]:
    """Names of the bundled games, sorted."""
    return sorted(p.stem for p in GAME_DIR.glob("*.toml"))


def resolve_game(ref: str | Path) -> Path:
    """A game name or a path to an existing game file.

    Raises:
        CrmsimError: when neither a bundled game nor an existing file.
    """

    def hint(name: str) -> str:
        close = difflib.get_close_matches(name, bundled_games(), n=1)
        if close:
            return f"; did you mean {close[0]}?"
        return f"; bundled games: {', '.join(bundled_games())}"

    return find_toml(ref, GAME_DIR, "game", hint)


def _closest(name: str, choices: Iterable[str], what: str) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    if close:
        return f"; did you mean {close[0]}?"
    return f"; {what}: {', '.join(choices)}"


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(_flatten(value, name))
        else:
            out[name] = value
    return out


def _number(where: str, value: Any, lo: float, hi: float, whole: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CrmsimError(f"{where} must be a number, got {value!r}")
    if whole and not float(value).is_integer():
        raise CrmsimError(f"{where} must be a whole number, got {value!r}")
    if not (lo <= value <= hi) or not math.isfinite(value):
        raise CrmsimError(f"{where} = {value!r} is out of range [{lo:g}, {hi:g}]")
    return int(value) if whole else float(value)


def _flag(where: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise CrmsimError(f"{where} must be true or false, got {value!r}")
    return value


# texts in several languages ({ en = "...", zh = "..." }: title, description, label) are
# checked where they are read (crmsim.game.case.text)
_TEXT = Shape(optional={k: str for k in ("scenario", "claims", "target", "param", "people",
                                          "via")})  # fmt: skip
_GAME_FIX = "write it as text in quotes"


def _check_text(where: str, data: Mapping[str, Any]) -> None:
    """Refuse a list or table where a game file's text goes (a title, a label, a parameter name)."""
    if isinstance(data.get("game"), dict):
        check_shape(data["game"], _TEXT, f"{where} [game]", _GAME_FIX)
    actions = data.get("actions")
    for name, raw in actions.items() if isinstance(actions, dict) else ():
        if not isinstance(raw, dict):
            continue
        check_shape(raw, _TEXT, f"{where} [actions.{name}]", _GAME_FIX)
        effects = raw.get("effects")
        for i, effect in enumerate(effects if isinstance(effects, list) else ()):
            if isinstance(effect, dict):
                check_shape(effect, _TEXT, f"{where} actions.{name}.effects[{i}]", _GAME_FIX)


def _unknown_keys(where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            hint = _closest(key, sorted(allowed), "allowed")
            raise CrmsimError(f"{where}: unknown key {key!r}{hint}")


def _effect(where: str, raw: Any, target: str | None) -> Effect:
    if not isinstance(raw, dict):
        raise CrmsimError(
            f"{where} must be a table, e.g. {{ param = 'levers.training', add = 0.2 }}"
        )
    kinds = [k for k in _KIND_KEYS if k in raw]
    if len(kinds) != 1:
        raise CrmsimError(f"{where} needs exactly one of {', '.join(_KIND_KEYS)}")
    kind = kinds[0]
    _unknown_keys(where, raw, _EFFECT_KEYS[kind])
    if kind == "param":
        name = raw["param"]
        if name not in PARAMS:
            raise CrmsimError(f"{where}: unknown parameter {name!r}{suggest(str(name))}")
        if not PARAMS[name].mid_run:
            raise CrmsimError(
                f"{where}: {name} shapes the starting state and cannot change mid-game; "
                "set it in [start] instead"
            )
        modes = [m for m in ("add", "set") if m in raw]
        if len(modes) != 1:
            raise CrmsimError(f"{where}: give either add = X or set = X for {name}")
        mode = modes[0]
        p = PARAMS[name]
        weeks = raw.get("weeks")
        if weeks is not None:
            weeks = int(_number(f"{where}.weeks", weeks, 1, 2080, whole=True))
            if mode != "add":
                raise CrmsimError(f"{where}: weeks works with add only (a set is not taken back)")
        if mode == "set":
            value = p.coerce(raw["set"])
        else:
            if p.kind is not float:
                raise CrmsimError(f"{where}: {name} is a whole number or a switch; use set")
            span = p.hi - p.lo
            value = _number(f"{where}.add", raw["add"], -span, span)
        return Effect(kind="param", param=name, mode=mode, value=value, weeks=weeks)
    if kind == "confidence":
        people = raw.get("people")
        if people not in PEOPLE:
            hint = _closest(str(people), PEOPLE, "groups")
            raise CrmsimError(f"{where}: people = {people!r} is not a group{hint}")
        via = raw.get("via")
        if via not in (None, "sponsor"):
            raise CrmsimError(f'{where}: via must be "sponsor" or left out')
        value = _number(f"{where}.confidence", raw["confidence"], -5.0, 5.0)
        return Effect(kind="confidence", value=value, people=people, via_sponsor=via == "sponsor")
    if kind == "resistance":
        return Effect(kind="resistance", value=_number(f"{where}.resistance", raw[kind], 0, 2))
    if kind == "restructure":
        if target != "department":
            raise CrmsimError(f'{where}: restructure needs target = "department" on the action')
        depth = _number(f"{where}.restructure", raw[kind], -1.0, 1.0)
        fit = _number(f"{where}.fit", raw.get("fit", 0.0), -1.0, 1.0)
        return Effect(kind="restructure", value=depth, fit=fit)
    return Effect(kind="skill", value=_number(f"{where}.skill", raw[kind], 0.0, 1.0))


def _action(name: str, raw: Any, where: str, rounds: int) -> Action:
    if not isinstance(raw, dict):
        raise CrmsimError(f"{where} must be a table")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise CrmsimError(f"{where}: action names are lower case words joined by _")
    _unknown_keys(where, raw, _ACTION_KEYS)
    for key in ("label", "description", "claims", "cost", "effects"):
        if key not in raw:
            raise CrmsimError(f"{where}: {key} is missing")
    target = raw.get("target")
    if target is not None and target not in TARGET_KINDS:
        raise CrmsimError(f'{where}: target must be "department" or left out')
    effects = raw["effects"]
    if not isinstance(effects, list) or not effects:
        raise CrmsimError(f"{where}: effects must be a non-empty list of tables")
    return Action(
        name=name,
        label=text(raw["label"], f"{where}.label"),
        description=text(raw["description"], f"{where}.description"),
        claims=str(raw["claims"]),
        cost=_number(f"{where}.cost", raw["cost"], 0, 1e9),
        lead_weeks=int(_number(f"{where}.lead_weeks", raw.get("lead_weeks", 0), 0, 520, True)),
        cooldown_rounds=int(
            _number(f"{where}.cooldown_rounds", raw.get("cooldown_rounds", 0), 0, rounds, True)
        ),
        once=_flag(f"{where}.once", raw.get("once", False)),
        before_go_live=_flag(f"{where}.before_go_live", raw.get("before_go_live", False)),
        target=target,
        effects=tuple(_effect(f"{where}.effects[{i}]", e, target) for i, e in enumerate(effects)),
    )


def _scoring(raw: Any, where: str) -> Scoring:
    if not isinstance(raw, dict) or not raw:
        raise CrmsimError(f"{where}: [scoring] is missing; give points per measure")
    description = text(raw.get("description", ""), f"{where}: description")
    weights = {}
    for key, value in raw.items():
        if key == "description":
            continue
        if key not in MEASURES:
            raise CrmsimError(
                f"{where}: unknown measure {key!r}{_closest(key, MEASURES, 'measures')}"
            )
        weights[key] = _number(f"{where}.{key}", value, 0, 1e6)
    if not weights or sum(weights.values()) <= 0:
        raise CrmsimError(f"{where}: [scoring] gives no points; weigh at least one measure")
    if not description:
        raise CrmsimError(f"{where}: [scoring] needs a description stating the rule in words")
    return Scoring(weights=MappingProxyType(weights), description=description)


def _rounds(where: str, meta: Mapping[str, Any], wanted: int | None) -> tuple[int, int, int]:
    """The rounds to play and the range the file allows (``min_rounds``, ``max_rounds``)."""
    rounds = int(_number(f"{where} game.rounds", meta.get("rounds", 12), 1, 520, True))
    lo = int(_number(f"{where} game.min_rounds", meta.get("min_rounds", rounds), 1, rounds, True))
    hi = int(_number(f"{where} game.max_rounds", meta.get("max_rounds", rounds), rounds, 520, True))
    if wanted is None or wanted == rounds:
        return rounds, lo, hi
    if lo == hi:
        raise CrmsimError(
            f"{where} is played in {rounds} rounds and allows no other number; leave out --rounds"
        )
    if not lo <= wanted <= hi:
        raise CrmsimError(f"--rounds {wanted}: {where} allows {lo} to {hi} rounds; pick one")
    return wanted, lo, hi


def load_game(
    ref: str | Path,
    overrides: Mapping[str, Any] | None = None,
    seed: int | None = None,
    rounds: int | None = None,
) -> Game:
    """Read and validate a game by bundled name or file path.

    Args:
        ref: A bundled game's name (``crmsim play --help`` lists them) or a path.
        overrides: Parameter values to change from the game's starting
            conditions (``--set``), e.g. a smaller organisation for a quick game.
        seed: Another seed than the file's.
        rounds: Another number of rounds than the file's, within the file's
            ``min_rounds`` to ``max_rounds`` (``crmsim play --rounds``).

    Raises:
        CrmsimError: for a missing file, malformed TOML, an unknown key,
            action, parameter or measure (with the closest valid name), or a
            value out of range.
    """
    path = resolve_game(ref)
    data = read_toml(path, "game file")
    where = path.name
    _check_text(where, data)
    _unknown_keys(where, data, {"game", "start", "scoring", "actions", "case"})
    meta = data.get("game")
    if not isinstance(meta, dict):
        raise CrmsimError(f"{where}: [game] is missing")
    _unknown_keys(f"{where} [game]", meta, _GAME_KEYS)
    for key in ("title", "scenario", "budget"):
        if key not in meta:
            raise CrmsimError(f"{where} [game]: {key} is missing")
    rounds, min_rounds, max_rounds = _rounds(where, meta, rounds)
    per_round = int(
        _number(f"{where} game.weeks_per_round", meta.get("weeks_per_round", 13), 1, 520, True)
    )
    if rounds * per_round > PARAMS["run.weeks"].hi:
        raise CrmsimError(f"{where}: {rounds} rounds of {per_round} weeks is longer than allowed")
    file_seed = int(_number(f"{where} game.seed", meta.get("seed", 1), 0, 2**63 - 1, True))

    scenario_ref = str(meta["scenario"])
    local = path.parent / scenario_ref
    base = load(local if local.suffix == ".toml" and local.is_file() else scenario_ref)
    if not isinstance(data.get("start", {}), dict):
        raise CrmsimError(f'{where}: [start] should be a table, e.g. "levers.training" = 0.2')
    start = _flatten(data.get("start", {}))
    for name in start:
        if name not in PARAMS:
            raise CrmsimError(f"{where} [start]: unknown parameter {name!r}{suggest(name)}")
    settings = {**start, **dict(overrides or {}), "run.weeks": rounds * per_round}
    try:
        params = base.params.with_updates(settings)
    except CrmsimError as exc:
        raise CrmsimError(f"{where}: {exc}") from None
    scenario = Scenario(
        name=path.stem,
        description=text(meta.get("description", base.description), f"{where} game.description"),
        params=params,
        path=path,
        chain=(base.name, *base.chain),
        money=base.money,
    )

    actions_raw = data.get("actions")
    if not isinstance(actions_raw, dict) or not actions_raw:
        raise CrmsimError(f"{where}: [actions] is missing; a game needs an action menu")
    actions = {
        name: _action(name, raw, f"{where} actions.{name}", rounds)
        for name, raw in actions_raw.items()
    }
    max_actions = int(
        _number(
            f"{where} game.max_actions_per_round",
            meta.get("max_actions_per_round", min(3, len(actions))),
            1,
            len(actions),
            True,
        )
    )
    return Game(
        name=path.stem,
        title=text(meta["title"], f"{where} game.title"),
        description=scenario.description,
        path=path,
        scenario=scenario,
        seed=file_seed if seed is None else int(seed),
        rounds=rounds,
        weeks_per_round=per_round,
        budget=_number(f"{where} game.budget", meta["budget"], 0, 1e12),
        max_actions=max_actions,
        actions=MappingProxyType(actions),
        scoring=_scoring(data.get("scoring"), f"{where} [scoring]"),
        overrides=MappingProxyType(dict(overrides or {})),
        min_rounds=min_rounds,
        max_rounds=max_rounds,
        case=parse_case(data.get("case"), f"{where} [case]"),
    )
