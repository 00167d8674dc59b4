"""A round's decisions: :class:`Decision`, and decisions scripts to read and write."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from crmsim.errors import CrmsimError
from crmsim.files import read_json, read_toml
from crmsim.game.definition import Game
from crmsim.i18n import N_, _


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
    fix = _('write it as [rounds] with one list per round, e.g. 1 = ["sponsor_speech"]')
    read = read_json if path.suffix == ".json" else read_toml
    data = read(path, N_("decisions file"), fix=fix)
    rounds = data.get("rounds") if isinstance(data, dict) else None
    extra = sorted(set(data) - {"rounds"}) if isinstance(data, dict) else []
    if extra:
        raise CrmsimError(
            _("{name}: unknown key {value!r}; {fix}").format(
                name=path.name, value=extra[0], fix=fix
            )
        )
    if not isinstance(rounds, dict):
        raise CrmsimError(
            _('{name}: needs a [rounds] table, e.g. 1 = ["sponsor_speech"]').format(name=path.name)
        )
    out: dict[int, list[Decision]] = {}
    for key, value in rounds.items():
        try:
            number = int(key)
        except ValueError:
            raise CrmsimError(
                _("{name}: round {key!r} is not a number").format(name=path.name, key=key)
            ) from None
        if number in out:
            raise CrmsimError(
                _("{name}: round {number} is given twice; keep one of them").format(
                    name=path.name, number=number
                )
            )
        if not 1 <= number <= game.rounds:
            raise CrmsimError(
                _("{name}: round {number} is outside 1-{rounds}").format(
                    name=path.name, number=number, rounds=game.rounds
                )
            )
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CrmsimError(
                _("{name}: round {number} must be a list of action names").format(
                    name=path.name, number=number
                )
            )
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
