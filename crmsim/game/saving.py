"""Saving, resuming and replaying a team's game; team names and folders.

:func:`save` writes the game state as JSON atomically after every round;
:func:`resume` rebuilds a team's game by replaying its saved decisions with
the same seed (the model is deterministic), checking that the replay lands on
the recorded state, so a game survives a crash or a closed laptop.
:func:`replay` plays a whole decision sequence with any seed (the debrief
replays each team's sequence over many seeds).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.files import (
    Shape,
    check_format,
    check_shape,
    make_dirs,
    read_json,
    write_json,
    write_text,
)
from crmsim.game.decisions import Decision, decisions_toml
from crmsim.game.definition import Game
from crmsim.game.loading import load_game
from crmsim.game.team import STATE_FORMAT, TeamGame
from crmsim.i18n import N_, _

STATE_FILE = "state.json"
DECISIONS_FILE = "decisions.toml"

RESERVED_NAMES = ("debrief",)
"""Folder names in a game folder that are not teams (``crmsim debrief`` writes there)."""

_STATE_FIX = N_("the saved game is damaged; start the team's game again with crmsim play")
_GAME_SHAPE = Shape(
    required={"name": str, "fingerprint": str, "seed": int},
    optional={"path": str, "overrides": dict},
)
_ROUND_SHAPE = Shape(required={"decisions": list, "after": dict})
STATE_SHAPE = Shape(
    required={
        "format": int,
        "team": str,
        "game": _GAME_SHAPE,
        "rounds": list,
        "rounds_played": int,
    },
    optional={"finished": bool},
)
"""What a saved game (``state.json``) must hold to be resumed."""

_TEAM_NAME = re.compile(r"^[^\W_][\w-]{0,39}$")  # letters of any script (红队), digits, _ and -


def check_team_name(team: str) -> str:
    """A team name usable as a folder name: letters of any script (``red``, ``红队``), digits,
    ``-`` and ``_``, starting with a letter or digit, up to 40 characters (NFC-normalised,
    so the same name typed two ways is one team).

    Raises:
        CrmsimError: for an empty name or one with other characters.
    """
    team = unicodedata.normalize("NFC", team or "")
    if not _TEAM_NAME.match(team):
        raise CrmsimError(
            _(
                "team name {team!r} is not allowed; use letters (any script), digits, - and _ (up to 40), e.g. --team red"
            ).format(team=team)
        )
    if team in RESERVED_NAMES:
        raise CrmsimError(
            _("team name {team!r} is taken by the game folder itself; choose another").format(
                team=team
            )
        )
    return team


def team_dir(out: str | Path, team: str) -> Path:
    """The folder of one team's game inside a game folder."""
    return Path(out) / check_team_name(team)


def save(team_game: TeamGame, directory: str | Path) -> Path:
    """Write the team's state (``state.json``) and decisions script atomically.

    Called after every round: a crash loses at most the round being played.
    """
    directory = make_dirs(directory)
    text = decisions_toml(team_game.sequence(), team_game.game, team_game.team)
    write_text(directory / DECISIONS_FILE, text)
    return write_json(directory / STATE_FILE, team_game.to_json())


def read_state(directory: str | Path) -> dict[str, Any]:
    """A team's saved state.

    Raises:
        CrmsimError: when there is none, or it is unreadable.
    """
    path = Path(directory) / STATE_FILE
    if not path.is_file():
        raise CrmsimError(
            _("no saved game in {parent}; start one with crmsim play").format(parent=path.parent)
        )
    data = read_json(path, N_("saved game"), shape=STATE_SHAPE, fix=_STATE_FIX)
    fmt = check_format(data, "format", STATE_FORMAT, f"saved game {path}")
    if fmt != STATE_FORMAT:
        raise CrmsimError(
            _("{path} has state format {fmt}; expected {expected}; {fix}").format(
                path=path, fmt=fmt, expected=STATE_FORMAT, fix=_(_STATE_FIX)
            )
        )
    data["game"].setdefault("path", None)  # the optional keys, as the readers expect them
    if data["game"].get("overrides") is None:
        data["game"]["overrides"] = {}
    for n, saved in enumerate(data["rounds"], start=1):
        check_shape(saved, _ROUND_SHAPE, f"saved game {path}: round {n}", _STATE_FIX)
        if not all(isinstance(d, str) for d in saved["decisions"]):
            raise CrmsimError(
                _("saved game {path}: round {n}: decisions should be text; {fix}").format(
                    path=path, n=n, fix=_(_STATE_FIX)
                )
            )
        if not all(v is None or isinstance(v, (int, float)) for v in saved["after"].values()):
            raise CrmsimError(
                _("saved game {path}: round {n}: after should hold numbers; {fix}").format(
                    path=path, n=n, fix=_(_STATE_FIX)
                )
            )
    return data


def game_of_state(state: Mapping[str, Any], ref: str | Path | None = None) -> Game:
    """Load the game a saved state was played with (from its recorded file by default).

    Raises:
        CrmsimError: when the game file has changed since (its rules differ).
    """
    g = state["game"]
    if ref is None:  # the recorded file; on another computer, the bundled game of that name
        ref = g["path"] if g["path"] and Path(g["path"]).is_file() else g["name"]
    definition = g.get("definition")  # played with --rounds: the rounds it had
    rounds = definition.get("rounds") if isinstance(definition, dict) else None
    game = load_game(ref, overrides=g.get("overrides"), seed=g["seed"], rounds=rounds)
    if game.fingerprint() != g["fingerprint"]:
        raise CrmsimError(
            _(
                "the game {name} has changed since team {team} started (its rules, actions or settings differ); finish it with the original file"
            ).format(name=game.name, team=state["team"])
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
            _(
                "team {team}'s saved game was played with other rules or settings than {name} now has; resume it with the same game file, --set and --seed"
            ).format(team=state["team"], name=game.name)
        )
    tg = TeamGame(game, state["team"])
    for saved in state["rounds"]:
        record = tg.play_round(saved["decisions"])
        for key, value in saved["after"].items():
            if not _close(record.after.get(key), value):
                raise CrmsimError(
                    _(
                        "round {number} of team {team} does not replay to its saved state ({key} {value!r} saved, {now!r} now); crmsim has changed since the game was saved"
                    ).format(
                        number=record.number,
                        team=tg.team,
                        key=key,
                        value=value,
                        now=record.after.get(key),
                    )
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
