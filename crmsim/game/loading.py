"""Reading a game file: finding it, parsing its TOML, validating every key.

:func:`load_game` reads a game file once into a frozen, validated
:class:`~crmsim.game.definition.Game`; nothing downstream sees raw TOML. Any
unknown key, action, parameter or measure is refused with the closest valid
name, any value out of range with its range.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.files import Shape, check_shape, read_toml
from crmsim.game.case import parse_case, text
from crmsim.game.definition import Game
from crmsim.game.reading import closest, number, read_action, unknown_keys
from crmsim.game.scoring import MEASURES, Scoring
from crmsim.i18n import N_, _
from crmsim.params import PARAMS, suggest
from crmsim.scenario import SCENARIO_DIR, Scenario, find_toml, load

GAME_DIR: Path = SCENARIO_DIR / "games"
"""Where the bundled games live (``games/`` beside the bundled scenarios, see crmsim.data)."""

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
            return _("; did you mean {name}?").format(name=close[0])
        return _("; bundled games: {names}").format(names=", ".join(bundled_games()))

    return find_toml(ref, GAME_DIR, "game", hint)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(_flatten(value, name))
        else:
            out[name] = value
    return out


# texts in several languages ({ en = "...", zh = "..." }: title, description, label) are
# checked where they are read (crmsim.game.case.text)
_TEXT = Shape(optional={k: str for k in ("scenario", "claims", "target", "param", "people",
                                          "via")})  # fmt: skip
_GAME_FIX = N_("write it as text in quotes")


def _check_text(where: str, data: Mapping[str, Any]) -> None:
    """Refuse a list or table where a game file's text goes (a title, a label, a parameter name)."""
    if isinstance(data.get("game"), dict):
        check_shape(data["game"], _TEXT, f"{where} [game]", _(_GAME_FIX))
    actions = data.get("actions")
    for name, raw in actions.items() if isinstance(actions, dict) else ():
        if not isinstance(raw, dict):
            continue
        check_shape(raw, _TEXT, f"{where} [actions.{name}]", _(_GAME_FIX))
        effects = raw.get("effects")
        for i, effect in enumerate(effects if isinstance(effects, list) else ()):
            if isinstance(effect, dict):
                check_shape(effect, _TEXT, f"{where} actions.{name}.effects[{i}]", _(_GAME_FIX))


def _scoring(raw: Any, where: str) -> Scoring:
    if not isinstance(raw, dict) or not raw:
        raise CrmsimError(
            _("{where}: [scoring] is missing; give points per measure").format(where=where)
        )
    description = text(raw.get("description", ""), f"{where}: description")
    weights = {}
    for key, value in raw.items():
        if key == "description":
            continue
        if key not in MEASURES:
            raise CrmsimError(
                _("{where}: unknown measure {key!r}{hint}").format(
                    where=where, key=key, hint=closest(key, MEASURES, N_("measures"))
                )
            )
        weights[key] = number(f"{where}.{key}", value, 0, 1e6)
    if not weights or sum(weights.values()) <= 0:
        raise CrmsimError(
            _("{where}: [scoring] gives no points; weigh at least one measure").format(where=where)
        )
    if not description:
        raise CrmsimError(
            _("{where}: [scoring] needs a description stating the rule in words").format(
                where=where
            )
        )
    return Scoring(weights=MappingProxyType(weights), description=description)


def _rounds(where: str, meta: Mapping[str, Any], wanted: int | None) -> tuple[int, int, int]:
    """The rounds to play and the range the file allows (``min_rounds``, ``max_rounds``)."""
    rounds = int(number(f"{where} game.rounds", meta.get("rounds", 12), 1, 520, True))
    lo = int(number(f"{where} game.min_rounds", meta.get("min_rounds", rounds), 1, rounds, True))
    hi = int(number(f"{where} game.max_rounds", meta.get("max_rounds", rounds), rounds, 520, True))
    if wanted is None or wanted == rounds:
        return rounds, lo, hi
    if lo == hi:
        raise CrmsimError(
            _(
                "{where} is played in {rounds} rounds and allows no other number; leave out --rounds"
            ).format(where=where, rounds=rounds)
        )
    if not lo <= wanted <= hi:
        raise CrmsimError(
            _("--rounds {wanted}: {where} allows {lo} to {hi} rounds; pick one").format(
                wanted=wanted, where=where, lo=lo, hi=hi
            )
        )
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
    data = read_toml(path, N_("game file"))
    where = path.name
    _check_text(where, data)
    unknown_keys(where, data, {"game", "start", "scoring", "actions", "case"})
    meta = data.get("game")
    if not isinstance(meta, dict):
        raise CrmsimError(_("{where}: [game] is missing").format(where=where))
    unknown_keys(f"{where} [game]", meta, _GAME_KEYS)
    for key in ("title", "scenario", "budget"):
        if key not in meta:
            raise CrmsimError(_("{where} [game]: {key} is missing").format(where=where, key=key))
    rounds, min_rounds, max_rounds = _rounds(where, meta, rounds)
    per_round = int(
        number(f"{where} game.weeks_per_round", meta.get("weeks_per_round", 13), 1, 520, True)
    )
    if rounds * per_round > PARAMS["run.weeks"].hi:
        raise CrmsimError(
            _("{where}: {rounds} rounds of {per_round} weeks is longer than allowed").format(
                where=where, rounds=rounds, per_round=per_round
            )
        )
    file_seed = int(number(f"{where} game.seed", meta.get("seed", 1), 0, 2**63 - 1, True))

    scenario_ref = str(meta["scenario"])
    local = path.parent / scenario_ref
    base = load(local if local.suffix == ".toml" and local.is_file() else scenario_ref)
    if not isinstance(data.get("start", {}), dict):
        raise CrmsimError(
            _('{where}: [start] should be a table, e.g. "levers.training" = 0.2').format(
                where=where
            )
        )
    start = _flatten(data.get("start", {}))
    for name in start:
        if name not in PARAMS:
            raise CrmsimError(
                _("{where} [start]: unknown parameter {name!r}{hint}").format(
                    where=where, name=name, hint=suggest(name)
                )
            )
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
        raise CrmsimError(
            _("{where}: [actions] is missing; a game needs an action menu").format(where=where)
        )
    actions = {
        name: read_action(name, raw, f"{where} actions.{name}", rounds)
        for name, raw in actions_raw.items()
    }
    max_actions = int(
        number(
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
        budget=number(f"{where} game.budget", meta["budget"], 0, 1e12),
        max_actions=max_actions,
        actions=MappingProxyType(actions),
        scoring=_scoring(data.get("scoring"), f"{where} [scoring]"),
        overrides=MappingProxyType(dict(overrides or {})),
        min_rounds=min_rounds,
        max_rounds=max_rounds,
        case=parse_case(data.get("case"), f"{where} [case]"),
    )
