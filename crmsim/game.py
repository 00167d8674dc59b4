"""Team play: a game read from ``scenarios/games/*.toml``, its rules, one team's game.

A workshop game runs the roll-out in rounds (by default 12 rounds of a
quarter, 13 weeks). Before each round a team chooses a few actions from a
menu (the article's support system, S3, S4, S5, S6, S8, S10); each action
costs money from the team's change budget, starts to work after its lead
time, cannot be taken again during its cooldown, and acts on the model
through its effects. Every team plays its own copy of the same organisation
from the same seed, so differences between teams come from their decisions.

The pieces:

- :func:`load_game` reads a game file once into a frozen, validated
  :class:`Game` (the scenario and starting conditions, rounds, budget, the
  action menu, the scoring rule); nothing downstream sees raw TOML.
- :class:`TeamGame` is one team's game: the model, the budget spent, the
  decisions of each round and what is scheduled. :meth:`TeamGame.check`
  refuses a bad set of decisions with one clear line and changes nothing;
  :meth:`TeamGame.play_round` commits them and runs the round's weeks.
- :func:`save` writes the game state as JSON atomically after every round;
  :func:`resume` rebuilds a team's game by replaying its saved decisions with
  the same seed (the model is deterministic), checking that the replay lands
  on the recorded state, so a game survives a crash or a closed laptop.
- :func:`replay` plays a whole decision sequence with any seed (the debrief
  replays each team's sequence over many seeds).

Effects of actions
------------------

Each effect of an action is one of these (docs/game.md has the full table):

``{ param = NAME, add = X }`` / ``{ param = NAME, set = X }``
    Changes a parameter through :meth:`CrmModel.intervene` from the next
    week on; ``add`` is clipped to the parameter's declared range. With
    ``weeks = N`` an ``add`` is taken back N weeks later (a campaign, a
    contract). Parameters that only shape the starting state are refused.
``{ confidence = DZ, people = GROUP, via = "sponsor" }``
    Moves the confidence (log-odds) of a group at once. With ``via =
    "sponsor"`` the shift is the sponsor's message rule of the model (S8,
    docs/model.md 7.1 and 7.6): scaled by the sponsor's own conviction
    ``2c - 1`` and, for frontline staff, by their manager's gate (S5).
``{ resistance = F }``
    Multiplies middle managers' resistance by F at once (S5: communication
    between department managers eases friction).
``{ restructure = D, fit = F }``
    Restructures a department (S5, S2): the restructuring depth of its units
    rises by D (so does its managers' resistance, over the following weeks)
    and the process fit of its units rises by F (their benefits grow).
``{ skill = G }``
    Closes a share G of the skill gap of CRM users already live (a training
    wave reaches people who went live before it, S3 training, CAL-1.4).

An action with ``target = "department"`` is aimed at one function
(``restructure_department:sales``); its people, resistance and skill
effects then reach only that department.

The direct array changes of the last four effects live in one place,
:class:`GameModel`; they are the only places the game touches the model's
arrays.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from crmsim.errors import CrmsimError
from crmsim.model import CANCELLED, CrmModel, sigmoid
from crmsim.organisation import FRONTLINE, FUNCTIONS, MANAGER
from crmsim.params import PARAMS, suggest
from crmsim.runner import RunResult, summarise
from crmsim.scenario import SCENARIO_DIR, Scenario, find_toml, load

GAME_DIR = SCENARIO_DIR / "games"
"""Where the bundled games live."""

STATE_FILE = "state.json"
DECISIONS_FILE = "decisions.toml"
STATE_FORMAT = 1
"""Version of the state file's layout; bump when keys change meaning."""

MONEY = "k$"
"""The unit of the change budget and of action costs: thousands of US dollars."""

TARGET_KINDS = ("department",)
PEOPLE = ("sponsor", "executives", "managers", "frontline", "users")
"""Groups a confidence effect can reach."""

MEASURES: dict[str, str] = {
    "adoption": "share of CRM users routinely using it at the end (0-1)",
    "speed": "1 - (week adoption first reached 50 %) / (weeks in the game); 0 if never",
    "budget_left": "share of the change budget not spent on actions",
    "sponsor": "the sponsor's final confidence; halved if the budget was ever cut, "
    "0 if the project was cancelled (S4)",
    "profit": "share of the weeks played with profit at or above its pre-project level (S7)",
    "success": "1 if the roll-out succeeded (not cancelled, adoption at least "
    "outcome.success_adoption), else 0",
}
"""The measures a scoring rule may weigh; each lies in [0, 1]."""

SNAPSHOT = (
    "week",
    "adoption",
    "trying",
    "rejecting",
    "confidence_sponsor",
    "confidence_manager",
    "confidence_frontline",
    "managers_resisting",
    "profit_rel",
    "spend",
    "status",
)
"""Weekly columns recorded after every round (and checked when a game is resumed)."""

RESERVED_NAMES = ("debrief",)
"""Folder names in a game folder that are not teams (``crmsim debrief`` writes there)."""

_TEAM_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
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
    "max_actions_per_round",
}  # fmt: skip


# ---------------------------------------------------------------- definitions


@dataclass(frozen=True)
class Effect:
    """One effect of an action on the model (see the module docstring).

    Attributes:
        kind: ``param``, ``confidence``, ``resistance``, ``restructure`` or ``skill``.
        param: The parameter a ``param`` effect changes.
        mode: ``add`` or ``set`` for a ``param`` effect.
        value: The amount: the value set or added, the confidence shift
            (log-odds), the resistance factor, the restructuring depth added,
            the share of the skill gap closed.
        weeks: For a temporary ``add``: weeks until it is taken back.
        people: The group a ``confidence`` effect reaches.
        via_sponsor: A ``confidence`` effect follows the sponsor's message rule.
        fit: Process fit added by a ``restructure`` effect.
    """

    kind: str
    value: float
    param: str | None = None
    mode: str | None = None
    weeks: int | None = None
    people: str | None = None
    via_sponsor: bool = False
    fit: float = 0.0

    def describe(self) -> str:
        """The effect in plain words."""
        if self.kind == "param":
            p = PARAMS[self.param]
            label = p.label or self.param
            if self.mode == "set":
                text = f"{label} set to {self.value:g}"
            else:
                text = f"{label} {self.value:+g}"
            return text + (f" for {self.weeks} weeks" if self.weeks else "")
        if self.kind == "confidence":
            how = " x the sponsor's conviction (through managers)" if self.via_sponsor else ""
            return f"confidence of {self.people} {self.value:+g} log-odds{how}"
        if self.kind == "resistance":
            return f"managers' resistance x {self.value:g}"
        if self.kind == "restructure":
            return f"restructuring depth {self.value:+g}, process fit {self.fit:+g}"
        return f"skill of live CRM users: {100 * self.value:.0f} % of the gap closed"

    def to_dict(self) -> dict[str, Any]:
        """The effect as written in a game file."""
        if self.kind == "param":
            out: dict[str, Any] = {"param": self.param, self.mode: self.value}
            if self.weeks:
                out["weeks"] = self.weeks
            return out
        if self.kind == "confidence":
            out = {"confidence": self.value, "people": self.people}
            if self.via_sponsor:
                out["via"] = "sponsor"
            return out
        if self.kind == "restructure":
            return {"restructure": self.value, "fit": self.fit}
        return {self.kind: self.value}


@dataclass(frozen=True)
class Action:
    """One entry of a game's action menu.

    Attributes:
        name: The name teams type (``sponsor_speech``).
        label: A short title in plain words.
        description: What the action is and does, in plain words.
        claims: The article claims (and calibration rows) behind it.
        cost: Money drawn from the change budget when chosen (:data:`MONEY`).
        lead_weeks: Weeks from the start of the round until it starts to work.
        cooldown_rounds: Rounds after taking it during which it cannot be taken again.
        once: At most once a game.
        before_go_live: Must start to work before the first go-live (a pilot,
            a phasing plan).
        target: ``"department"`` when the action is aimed at one function.
        effects: What it does to the model.
    """

    name: str
    label: str
    description: str
    claims: str
    cost: float
    lead_weeks: int
    cooldown_rounds: int
    once: bool
    before_go_live: bool
    target: str | None
    effects: tuple[Effect, ...]

    def to_dict(self) -> dict[str, Any]:
        """The action as written in a game file."""
        out: dict[str, Any] = {
            "label": self.label,
            "description": self.description,
            "claims": self.claims,
            "cost": self.cost,
            "lead_weeks": self.lead_weeks,
            "cooldown_rounds": self.cooldown_rounds,
            "once": self.once,
            "before_go_live": self.before_go_live,
            "effects": [e.to_dict() for e in self.effects],
        }
        if self.target:
            out["target"] = self.target
        return out


@dataclass(frozen=True)
class Scoring:
    """A game's scoring rule: points = sum of weight x measure (:data:`MEASURES`).

    Attributes:
        weights: Points per measure at its best (1).
        description: The rule in plain words, as stated in the game file.
    """

    weights: Mapping[str, float]
    description: str

    @property
    def maximum(self) -> float:
        """The best possible score."""
        return float(sum(self.weights.values()))

    def parts(self, measures: Mapping[str, float]) -> dict[str, float]:
        """Points per measure."""
        return {name: w * float(measures[name]) for name, w in self.weights.items()}

    def score(self, measures: Mapping[str, float]) -> float:
        """The total score of ``measures``."""
        return float(sum(self.parts(measures).values()))

    def rule_text(self) -> str:
        """The rule as one line, e.g. ``"50 x adoption + 15 x speed ..."``."""
        terms = " + ".join(f"{w:g} x {name}" for name, w in self.weights.items())
        return f"score = {terms} (best {self.maximum:g})"


@dataclass(frozen=True)
class Game:
    """A validated game definition.

    Attributes:
        name: The game's name (file stem).
        title: Its title in plain words.
        description: What the teams face, in plain words.
        path: The file it was read from.
        scenario: The starting organisation: the game's scenario with its
            ``[start]`` settings, any overrides and ``run.weeks`` set to the
            game's length.
        seed: The seed all teams share (same organisation, same chances).
        rounds: Number of decision rounds.
        weeks_per_round: Weeks simulated per round.
        budget: The change budget (:data:`MONEY`).
        max_actions: Most actions a team may take in one round.
        actions: The menu, by name, in file order.
        scoring: The scoring rule.
        overrides: Settings given at play time (``--set``), recorded.
    """

    name: str
    title: str
    description: str
    path: Path | None
    scenario: Scenario
    seed: int
    rounds: int
    weeks_per_round: int
    budget: float
    max_actions: int
    actions: Mapping[str, Action]
    scoring: Scoring
    overrides: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def weeks(self) -> int:
        """Weeks in the whole game."""
        return self.rounds * self.weeks_per_round

    def round_of_week(self, week: int) -> int:
        """The round (1-based) in which ``week`` (1-based) is simulated."""
        return max(1, min(self.rounds, (week - 1) // self.weeks_per_round + 1))

    def with_seed(self, seed: int) -> Game:
        """The same game with another seed (the debrief replays over many)."""
        return replace(self, seed=int(seed))

    def to_dict(self) -> dict[str, Any]:
        """Everything that decides how the game plays (stored with each team's state)."""
        return {
            "name": self.name,
            "title": self.title,
            "seed": self.seed,
            "rounds": self.rounds,
            "weeks_per_round": self.weeks_per_round,
            "budget": self.budget,
            "max_actions_per_round": self.max_actions,
            "scenario": self.scenario.name,
            "params": self.scenario.params.to_dict(),
            "overrides": dict(self.overrides),
            "actions": {name: a.to_dict() for name, a in self.actions.items()},
            "scoring": {"description": self.scoring.description, **self.scoring.weights},
        }

    def fingerprint(self) -> str:
        """A short hash of what decides play: equal fingerprints play identically.

        Words (titles, descriptions, claims) are left out, so a typo fixed in
        the game file between two rounds does not stop a game from resuming.
        """
        rules = self.to_dict()
        for key in ("title",):
            rules.pop(key)
        rules["scoring"].pop("description")
        for action in rules["actions"].values():
            for key in ("label", "description", "claims"):
                action.pop(key)
        text = json.dumps(rules, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- loading


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
        if str(name).startswith(CrmModel.INITIAL_ONLY):
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
        label=str(raw["label"]),
        description=" ".join(str(raw["description"]).split()),
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
    description = " ".join(str(raw.get("description", "")).split())
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


def load_game(
    ref: str | Path, overrides: Mapping[str, Any] | None = None, seed: int | None = None
) -> Game:
    """Read and validate a game by bundled name or file path.

    Args:
        ref: A bundled game's name (``crmsim play --help`` lists them) or a path.
        overrides: Parameter values to change from the game's starting
            conditions (``--set``), e.g. a smaller organisation for a quick game.
        seed: Another seed than the file's.

    Raises:
        CrmsimError: for a missing file, malformed TOML, an unknown key,
            action, parameter or measure (with the closest valid name), or a
            value out of range.
    """
    path = resolve_game(ref)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CrmsimError(f"cannot read game file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CrmsimError(f"malformed TOML in {path}: {exc}; fix the file's syntax") from None
    where = path.name
    _unknown_keys(where, data, {"game", "start", "scoring", "actions"})
    meta = data.get("game")
    if not isinstance(meta, dict):
        raise CrmsimError(f"{where}: [game] is missing")
    _unknown_keys(f"{where} [game]", meta, _GAME_KEYS)
    for key in ("title", "scenario", "budget"):
        if key not in meta:
            raise CrmsimError(f"{where} [game]: {key} is missing")
    rounds = int(_number(f"{where} game.rounds", meta.get("rounds", 12), 1, 520, True))
    per_round = int(
        _number(f"{where} game.weeks_per_round", meta.get("weeks_per_round", 13), 1, 520, True)
    )
    if rounds * per_round > PARAMS["run.weeks"].hi:
        raise CrmsimError(f"{where}: {rounds} rounds of {per_round} weeks is longer than allowed")
    file_seed = int(_number(f"{where} game.seed", meta.get("seed", 1), 0, 2**63 - 1, True))

    scenario_ref = str(meta["scenario"])
    local = path.parent / scenario_ref
    base = load(local if local.suffix == ".toml" and local.is_file() else scenario_ref)
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
        description=" ".join(str(meta.get("description", base.description)).split()),
        params=params,
        path=path,
        chain=(base.name, *base.chain),
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
        title=str(meta["title"]),
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
    )


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Decision:
    """One action chosen for a round, with its department when it needs one.

    Written ``name`` or ``name:department`` (``restructure_department:sales``).
    """

    action: str
    target: str | None = None

    @classmethod
    def parse(cls, text: str | Decision) -> Decision:
        """A decision from its written form (spaces around the parts are ignored)."""
        if isinstance(text, Decision):
            return text
        name, _, target = str(text).strip().partition(":")
        return cls(name.strip(), target.strip() or None)

    def __str__(self) -> str:
        return f"{self.action}:{self.target}" if self.target else self.action


def parse_decisions(text: str) -> list[Decision]:
    """Decisions from a comma-separated line, e.g. ``"sponsor_speech, pilot_department"``."""
    return [Decision.parse(part) for part in text.split(",") if part.strip()]


def read_decisions(path: str | Path, game: Game) -> dict[int, list[Decision]]:
    """A decisions script (TOML or JSON): ``[rounds]`` with one list per round.

    Example::

        [rounds]
        1 = ["pilot_department", "sponsor_speech"]
        3 = ["restructure_department:sales"]

    Rounds left out take no action.

    Raises:
        CrmsimError: for a missing or malformed file or a round out of range.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except OSError as exc:
        raise CrmsimError(f"cannot read decisions file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise CrmsimError(f"malformed decisions file {path}: {exc}") from None
    rounds = data.get("rounds") if isinstance(data, dict) else None
    if not isinstance(rounds, dict):
        raise CrmsimError(f'{path.name}: needs a [rounds] table, e.g. 1 = ["sponsor_speech"]')
    out: dict[int, list[Decision]] = {}
    for key, value in rounds.items():
        try:
            number = int(key)
        except ValueError:
            raise CrmsimError(f"{path.name}: round {key!r} is not a number") from None
        if not 1 <= number <= game.rounds:
            raise CrmsimError(f"{path.name}: round {number} is outside 1-{game.rounds}")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CrmsimError(f"{path.name}: round {number} must be a list of action names")
        out[number] = [Decision.parse(v) for v in value]
    return out


def decisions_toml(rounds: Sequence[Sequence[Decision | str]], game: Game, team: str) -> str:
    """A decisions script replaying ``rounds`` (one list per round played)."""
    lines = [
        f"# Decisions of team {team} in game {game.name}; replay them with",
        f"#   crmsim play {game.name} --team NAME --decisions THIS_FILE",
        "[rounds]",
    ]
    for number, decisions in enumerate(rounds, start=1):
        lines.append(f"{number} = [{', '.join(json.dumps(str(d)) for d in decisions)}]")
    return "\n".join(lines) + "\n"


def check_team_name(team: str) -> str:
    """A team name usable as a folder name.

    Raises:
        CrmsimError: for an empty name or one with characters other than
            letters, digits, ``-`` and ``_``.
    """
    if not _TEAM_NAME.match(team or ""):
        raise CrmsimError(
            f"team name {team!r} is not allowed; use letters, digits, - and _ (up to 40), "
            "e.g. --team red"
        )
    if team in RESERVED_NAMES:
        raise CrmsimError(f"team name {team!r} is taken by the game folder itself; choose another")
    return team


# ---------------------------------------------------------------- the model with game actions


class GameModel(CrmModel):
    """The CRM model plus the targeted actions of a game (the one place they live).

    Parameter changes go through :meth:`CrmModel.intervene`. Everything a
    parameter cannot express — a shift of one group's confidence, a
    department's restructuring, resistance eased at once, a training wave for
    people already live — is done here, on the model's arrays, by rules that
    mirror the model's own (docs/model.md).

    Restructuring a department is kept as per-unit offsets because
    :meth:`CrmModel.intervene` recomputes restructuring depth from the
    parameters: the offsets are re-applied after every intervention, and the
    fit bonus of a restructured department is added to its units' process
    fit while the week's accounts are computed (the only place fit is read).
    """

    def __init__(self, params: Any, rng: Any = None) -> None:
        super().__init__(params, rng=rng, create_agents=False)
        self.restructuring_offset = np.zeros(self.org.n_units)
        self.fit_offset = np.zeros(self.org.n_units)

    def intervene(self, updates: Mapping[str, Any], label: str = "intervention") -> None:
        """:meth:`CrmModel.intervene`, keeping the game's departmental restructuring."""
        super().intervene(updates, label)
        self._apply_restructuring()

    def _apply_restructuring(self) -> None:
        if self.status != CANCELLED:  # a cancelled project restructures nothing (S5)
            np.clip(
                self.restructuring + self.restructuring_offset, 0.0, 1.0, out=self.restructuring
            )

    def _accounts(self, week: int) -> None:
        if not self.fit_offset.any():
            super()._accounts(week)
            return
        own = self.unit_fit.copy()
        self.unit_fit[:] = np.clip(own + self.fit_offset, 0.05, 1.0)
        try:
            super()._accounts(week)
        finally:
            self.unit_fit[:] = own

    # -- targeted effects -------------------------------------------------
    def units_of(self, function: str | None) -> np.ndarray:
        """Indices of the units of a function (all units for None)."""
        if function is None:
            return np.arange(self.org.n_units)
        return np.flatnonzero(self.org.unit_function == FUNCTIONS.index(function))

    def people_of(self, group: str, function: str | None = None) -> np.ndarray:
        """Indices of a group's people, in one function's units when given."""
        org = self.org
        if group == "sponsor":
            return np.array([0])
        if group == "executives":
            return np.arange(org.n_exec)
        if group == "managers":
            return org.unit_manager[self.units_of(function)]
        mask = org.role == FRONTLINE
        if group == "users":
            mask = mask & org.is_user
        if function is not None:
            mask = mask & np.isin(org.unit, self.units_of(function))
        return np.flatnonzero(mask)

    def shift_confidence(
        self, group: str, delta: float, via_sponsor: bool, function: str | None = None
    ) -> None:
        """Move a group's confidence by ``delta`` log-odds at once.

        With ``via_sponsor`` the shift follows the model's rule for the
        sponsor's message (S8; docs/model.md 7.1, 7.6): it is scaled by the
        sponsor's conviction ``2c - 1`` (a doubting sponsor's speech backfires)
        and, for frontline staff, by their manager's gate (S5: the manager
        damps or amplifies what reaches the team).
        """
        idx = self.people_of(group, function)
        if idx.size == 0:
            return
        shift = np.full(idx.size, float(delta))
        if via_sponsor:
            shift *= 2.0 * self.confidence[0] - 1.0
            staff = self.org.role[idx] == FRONTLINE
            shift[staff] *= self.gate[self.org.unit[idx[staff]]]
        z = np.clip(self.z[idx] + shift, -10.0, 10.0)
        self.z[idx] = z
        self.confidence[idx] = sigmoid(z)
        if (self.org.role[idx] == MANAGER).any():
            self._update_stance()

    def scale_resistance(self, factor: float, function: str | None = None) -> None:
        """Multiply managers' resistance by ``factor`` at once (S5)."""
        units = self.units_of(function)
        self.resistance[units] = np.clip(self.resistance[units] * factor, 0.0, 1.0)
        self._update_stance()

    def restructure(self, function: str, depth: float, fit: float) -> None:
        """Restructure one department: deeper restructuring (S5), better process fit (S2)."""
        units = self.units_of(function)
        self.restructuring_offset[units] += depth
        self.fit_offset[units] += fit
        self._apply_restructuring()

    def train_live_users(self, gain: float, function: str | None = None) -> None:
        """Close a share ``gain`` of the skill gap of users already live (S3 training)."""
        users = self.people_of("users", function)
        users = users[self.live[users]]
        self.skill[users] += gain * (1.0 - self.skill[users])


# ---------------------------------------------------------------- one team's game


def _clip(name: str, value: float) -> float:
    """``value`` inside the declared range of ``name``, without float dust (1e-9)."""
    p = PARAMS[name]
    return round(float(np.clip(value, p.lo, p.hi)), 9)


@dataclass
class RoundRecord:
    """What happened in one round.

    Attributes:
        number: The round (1-based).
        start_week: Weeks simulated before the round.
        decisions: The actions chosen.
        cost: Their cost.
        spent: Money spent on actions so far, this round included.
        after: The weekly columns of :data:`SNAPSHOT` at the end of the round.
        score: The score if the game ended now.
        events: The model's events during the round.
    """

    number: int
    start_week: int
    decisions: list[Decision]
    cost: float
    spent: float
    after: dict[str, float]
    score: float
    events: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record."""
        return {
            "round": self.number,
            "start_week": self.start_week,
            "decisions": [str(d) for d in self.decisions],
            "cost": self.cost,
            "spent": self.spent,
            "after": self.after,
            "score": self.score,
            "events": self.events,
        }


@dataclass(order=True)
class _Scheduled:
    """An action due to start, or a temporary change due to be taken back."""

    week: int
    order: int
    kind: str = field(compare=False)  # "start" or "end"
    action: str = field(compare=False)
    target: str | None = field(compare=False, default=None)
    round: int = field(compare=False, default=0)
    deltas: dict[str, float] = field(compare=False, default_factory=dict)  # for "end"


class TeamGame:
    """One team's game: its own organisation, budget, decisions and schedule.

    Args:
        game: The game definition; the model is seeded with ``game.seed``.
        team: The team's name.
        keep_scores: Score every round (for the scoreboard); replays that
            only need the final score switch it off (it costs a third of the time).

    Attributes:
        model: The team's organisation (a :class:`GameModel`).
        rounds: What happened in each round played.
        spent: Money spent on actions so far.
        applied: When each action started (and a temporary one ended) to work.
    """

    def __init__(self, game: Game, team: str, keep_scores: bool = True) -> None:
        self.game = game
        self.team = team
        self.keep_scores = keep_scores
        self.model = GameModel(game.scenario.params, rng=game.seed)
        self.rounds: list[RoundRecord] = []
        self.spent = 0.0
        self.applied: list[dict[str, Any]] = []
        self._taken: dict[str, list[int]] = {}
        self._schedule: list[_Scheduled] = []
        self._order = 0

    # -- where the game stands ----------------------------------------------
    @property
    def round(self) -> int:
        """The next round to play (1-based); ``rounds + 1`` once finished."""
        return len(self.rounds) + 1

    @property
    def finished(self) -> bool:
        """Whether every round has been played."""
        return len(self.rounds) >= self.game.rounds

    @property
    def budget_left(self) -> float:
        """Money left in the change budget."""
        return self.game.budget - self.spent

    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return self.model.week

    def available_from(self, name: str) -> int | None:
        """The first round from which action ``name`` can be taken again (None: never)."""
        action = self.game.actions[name]
        taken = self._taken.get(name, [])
        if not taken:
            return 1
        if action.once:
            return None
        return taken[-1] + action.cooldown_rounds + 1

    def first_go_live(self) -> int:
        """The week the first units go live (fixed by the implementation period)."""
        return int(self.model.d.first_live)

    # -- decisions ----------------------------------------------------------
    def check(self, decisions: Iterable[Decision | str]) -> tuple[Decision, ...]:
        """Validate a round's decisions without changing anything.

        Returns:
            The decisions, parsed.

        Raises:
            CrmsimError: naming the first problem and what to do: the game
                is over; an unknown action (with the closest name); an action
                chosen twice; too many actions; a missing, unneeded or unknown
                department; an action in cooldown or already taken once; an
                action that must work before the first go-live and would not;
                over budget.
        """
        game = self.game
        if self.finished:
            raise CrmsimError(f"the game is over ({game.rounds} rounds played)")
        chosen = tuple(Decision.parse(d) for d in decisions)
        number = self.round
        start = self.week
        seen: set[str] = set()
        for d in chosen:
            if d.action not in game.actions:
                hint = _closest(d.action, game.actions, "actions")
                raise CrmsimError(f"unknown action {d.action!r}{hint}")
            action = game.actions[d.action]
            if d.action in seen:
                raise CrmsimError(
                    f"{d.action} is chosen twice in round {number}; an action counts once a round"
                )
            seen.add(d.action)
            if action.target == "department":
                if d.target is None:
                    raise CrmsimError(
                        f"{d.action} needs a department, e.g. {d.action}:sales "
                        f"(one of {', '.join(FUNCTIONS)})"
                    )
                if d.target not in FUNCTIONS:
                    hint = _closest(d.target, FUNCTIONS, "departments")
                    raise CrmsimError(f"unknown department {d.target!r} for {d.action}{hint}")
                if self.model.units_of(d.target).size == 0:
                    raise CrmsimError(
                        f"this organisation has no {d.target} department; choose another"
                    )
            elif d.target is not None:
                raise CrmsimError(f"{d.action} is not aimed at a department; write just {d.action}")
            again = self.available_from(d.action)
            if again is None:
                raise CrmsimError(
                    f"{d.action} can be taken once a game and was taken in round "
                    f"{self._taken[d.action][0]}"
                )
            if again > number:
                rounds = "round" if action.cooldown_rounds == 1 else "rounds"
                raise CrmsimError(
                    f"{d.action} is in cooldown until round {again} (taken in round "
                    f"{self._taken[d.action][-1]}, cooldown {action.cooldown_rounds} {rounds})"
                )
            if action.before_go_live:
                works = start + action.lead_weeks + 1
                if works > self.first_go_live():
                    raise CrmsimError(
                        f"{d.action} must work before the first go-live (week "
                        f"{self.first_go_live()}); chosen in round {number} it would start "
                        f"in week {works}"
                    )
        if len(chosen) > game.max_actions:
            raise CrmsimError(
                f"round {number} allows at most {game.max_actions} actions; {len(chosen)} chosen"
            )
        cost = sum(game.actions[d.action].cost for d in chosen)
        if cost > self.budget_left + 1e-9:
            names = " + ".join(d.action for d in chosen)
            raise CrmsimError(
                f"over budget: {names} cost {cost:,.0f} {MONEY}, {self.budget_left:,.0f} "
                f"{MONEY} left; drop an action"
            )
        return chosen

    def play_round(self, decisions: Iterable[Decision | str] = ()) -> RoundRecord:
        """Commit a round's decisions (checked first) and simulate its weeks.

        Raises:
            CrmsimError: as :meth:`check`; then nothing has changed.
        """
        chosen = self.check(decisions)
        number = self.round
        start = self.week
        cost = 0.0
        for d in chosen:
            action = self.game.actions[d.action]
            cost += action.cost
            self._taken.setdefault(d.action, []).append(number)
            self._add(start + action.lead_weeks, "start", d.action, d.target, number)
        self.spent += cost
        n_events = len(self.model.events)
        for _ in range(self.game.weeks_per_round):
            self._apply_due()
            self.model.step()
        record = RoundRecord(
            number=number,
            start_week=start,
            decisions=list(chosen),
            cost=cost,
            spent=self.spent,
            after=self.snapshot(),
            score=self.standing()["score"] if self.keep_scores else math.nan,
            events=[dict(e) for e in self.model.events[n_events:]],
        )
        self.rounds.append(record)
        return record

    def _add(self, week: int, kind: str, action: str, target: str | None, number: int, **kw):
        self._order += 1
        self._schedule.append(_Scheduled(week, self._order, kind, action, target, number, **kw))
        self._schedule.sort()

    def _apply_due(self) -> None:
        """Apply what is due at the current week, in the order it was decided."""
        week = self.week
        while self._schedule and self._schedule[0].week <= week:
            item = self._schedule.pop(0)
            if item.kind == "start":
                self._start(item)
            else:
                self._end(item)

    def _start(self, item: _Scheduled) -> None:
        model = self.model
        action = self.game.actions[item.action]
        updates: dict[str, Any] = {}
        temporary: dict[int, dict[str, float]] = {}  # weeks -> parameter -> delta to take back
        for e in action.effects:
            if e.kind != "param":
                continue
            if e.mode == "set":
                updates[e.param] = e.value
                continue
            old = updates.get(e.param, model.params[e.param])
            new = _clip(e.param, old + e.value)
            updates[e.param] = new
            if e.weeks:
                back = temporary.setdefault(e.weeks, {})
                back[e.param] = back.get(e.param, 0.0) + new - old
        if updates:
            model.intervene(updates, label=f"action:{item.action}")
        for e in action.effects:
            if e.kind == "confidence":
                model.shift_confidence(e.people, e.value, e.via_sponsor, item.target)
            elif e.kind == "resistance":
                model.scale_resistance(e.value, item.target)
            elif e.kind == "restructure":
                model.restructure(item.target, e.value, e.fit)
            elif e.kind == "skill":
                model.train_live_users(e.value, item.target)
        for weeks, deltas in temporary.items():
            self._add(self.week + weeks, "end", item.action, item.target, item.round,
                      deltas=deltas)  # fmt: skip
        self.applied.append(
            {
                "week": self.week,
                "what": "start",
                "action": item.action,
                "target": item.target,
                "round": item.round,
                "changes": updates,
            }  # fmt: skip
        )

    def _end(self, item: _Scheduled) -> None:
        params = self.model.params
        updates = {name: _clip(name, params[name] - delta) for name, delta in item.deltas.items()}
        self.model.intervene(updates, label=f"action_ends:{item.action}")
        self.applied.append(
            {
                "week": self.week,
                "what": "end",
                "action": item.action,
                "target": item.target,
                "round": item.round,
                "changes": updates,
            }  # fmt: skip
        )

    # -- results ------------------------------------------------------------
    def snapshot(self) -> dict[str, float]:
        """The :data:`SNAPSHOT` columns of the last simulated week."""
        row = self.model.timeseries().iloc[-1]
        return {name: float(row[name]) for name in SNAPSHOT}

    def result(self) -> RunResult:
        """The run so far: weekly series, summary figures and events."""
        ts = self.model.timeseries()
        events = [dict(e) for e in self.model.events]
        summary = summarise(ts, events, self.model.params["outcome.success_adoption"])
        return RunResult(timeseries=ts, summary=summary, events=events, seed=self.game.seed)

    def measures(self, result: RunResult | None = None) -> dict[str, float]:
        """The scoring measures (:data:`MEASURES`) of the game so far."""
        result = result or self.result()
        s = result.summary
        played = max(int(result.timeseries["week"].iloc[-1]), 1)
        w50 = s["weeks_to_50"]
        sponsor = s["final_confidence_sponsor"]
        if s["cancelled"]:
            sponsor = 0.0
        elif s["cut_week"] is not None:
            sponsor *= 0.5
        return {
            "adoption": float(s["final_adoption"]),
            "speed": 0.0 if w50 is None else max(0.0, 1.0 - w50 / self.game.weeks),
            "budget_left": 1.0 - self.spent / self.game.budget if self.game.budget else 1.0,
            "sponsor": float(sponsor),
            "profit": 1.0 - s["dip_weeks"] / played,
            "success": float(bool(s["success"])),
        }

    def standing(self) -> dict[str, Any]:
        """Measures, points and score if the game ended now."""
        m = self.measures()
        return {
            "measures": m,
            "points": self.game.scoring.parts(m),
            "score": self.game.scoring.score(m),
        }

    def sequence(self) -> list[list[str]]:
        """The decisions of each round played, written out."""
        return [[str(d) for d in r.decisions] for r in self.rounds]

    # -- saving -------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The state file's content: enough to resume or replay the game."""
        from crmsim.provenance import environment

        env = environment()
        out: dict[str, Any] = {
            "format": STATE_FORMAT,
            "team": self.team,
            "game": {
                "name": self.game.name,
                "path": str(self.game.path.resolve()) if self.game.path else None,
                "fingerprint": self.game.fingerprint(),
                "seed": self.game.seed,
                "overrides": dict(self.game.overrides),
                "definition": self.game.to_dict(),
            },
            "rounds_played": len(self.rounds),
            "finished": self.finished,
            "budget": self.game.budget,
            "spent": self.spent,
            "rounds": [r.to_dict() for r in self.rounds],
            "applied": self.applied,
            "saved_utc": env["created_utc"],
            "versions": env["versions"],
        }
        if self.finished:
            standing = self.standing()
            out["final"] = {**standing, "summary": self.result().summary}
        return out


# ---------------------------------------------------------------- saving, resuming, replaying


def team_dir(out: str | Path, team: str) -> Path:
    """The folder of one team's game inside a game folder."""
    return Path(out) / check_team_name(team)


def save(team_game: TeamGame, directory: str | Path) -> Path:
    """Write the team's state (``state.json``) and decisions script atomically.

    Called after every round: a crash loses at most the round being played.
    """
    from crmsim.output import atomic_write, write_json

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    text = decisions_toml(team_game.sequence(), team_game.game, team_game.team)
    atomic_write(directory / DECISIONS_FILE, lambda fh: fh.write(text.encode("utf-8")))
    return write_json(directory / STATE_FILE, team_game.to_json())


def read_state(directory: str | Path) -> dict[str, Any]:
    """A team's saved state.

    Raises:
        CrmsimError: when there is none, or it is unreadable.
    """
    path = Path(directory) / STATE_FILE
    if not path.is_file():
        raise CrmsimError(f"no saved game in {path.parent}; start one with crmsim play")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CrmsimError(f"{path} is not valid JSON (line {exc.lineno}): {exc.msg}") from None
    if data.get("format") != STATE_FORMAT:
        raise CrmsimError(f"{path} has state format {data.get('format')}; expected {STATE_FORMAT}")
    return data


def game_of_state(state: Mapping[str, Any], ref: str | Path | None = None) -> Game:
    """Load the game a saved state was played with (from its recorded file by default).

    Raises:
        CrmsimError: when the game file has changed since (its rules differ).
    """
    g = state["game"]
    if ref is None:  # the recorded file; on another computer, the bundled game of that name
        ref = g["path"] if g["path"] and Path(g["path"]).is_file() else g["name"]
    game = load_game(ref, overrides=g.get("overrides"), seed=g["seed"])
    if game.fingerprint() != g["fingerprint"]:
        raise CrmsimError(
            f"the game {game.name} has changed since team {state['team']} started "
            f"(its rules, actions or settings differ); finish it with the original file"
        )
    return game


def _close(a: float, b: float) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def resume(game: Game, state: Mapping[str, Any]) -> TeamGame:
    """Rebuild a team's game from its saved state by replaying its decisions.

    The model is deterministic, so the replay lands where the game was
    saved; each round's recorded state is checked against the replay.

    Raises:
        CrmsimError: when the state belongs to another game, or the replay
            does not reproduce the saved state (crmsim itself has changed).
    """
    if state["game"]["fingerprint"] != game.fingerprint():
        raise CrmsimError(
            f"team {state['team']}'s saved game was played with other rules or settings "
            f"than {game.name} now has; resume it with the same game file, --set and --seed"
        )
    tg = TeamGame(game, state["team"])
    for saved in state["rounds"]:
        record = tg.play_round(saved["decisions"])
        for key, value in saved["after"].items():
            if not _close(record.after.get(key), value):
                raise CrmsimError(
                    f"round {record.number} of team {tg.team} does not replay to its saved state "
                    f"({key} {value!r} saved, {record.after.get(key)!r} now); crmsim has "
                    "changed since the game was saved"
                )
    return tg


def replay(game: Game, sequence: Sequence[Sequence[Decision | str]], team: str = "replay"):
    """Play a whole decision sequence (one list per round; missing rounds take none).

    Returns:
        The finished :class:`TeamGame`.
    """
    tg = TeamGame(game, team, keep_scores=False)
    for number in range(1, game.rounds + 1):
        tg.play_round(sequence[number - 1] if number <= len(sequence) else ())
    return tg
