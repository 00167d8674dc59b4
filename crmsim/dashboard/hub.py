"""The team server's state: one room, join codes, who has submitted (as NetLogo's HubNet).

:class:`Hub` wraps a :class:`~crmsim.dashboard.teams.Room` for a server that
several browsers share: the facilitator's screen (the projector) and one
page per team on the team's own device. Each team joins with its own code;
a team's submission is checked at once (a refused decision is never
accepted) and the round is played for every team when all have submitted
(or when the facilitator says so; teams that have not submitted then take
no action unless the facilitator chose for them). Every team is saved after
every round exactly as ``crmsim play`` saves it (the room does it); the
join codes are kept in :data:`CODES_FILE` in the game folder, so a
restarted server lets the same teams back in.

There is one hub per server process (:func:`hub_for`): every browser
session reads the same one, under its lock. Pages learn about changes
made by other sessions through :attr:`Hub.version`, bumped on every change.

Nothing here imports Solara.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from pathlib import Path

from crmsim.dashboard.teams import Room, Standing
from crmsim.errors import CrmsimError
from crmsim.files import read_json, write_json
from crmsim.game import Decision, Game
from crmsim.i18n import N_

CODES_FILE = "join_codes.json"
"""The teams' join codes, in the game folder (beside one sub-folder per team)."""

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
"""Letters and digits nobody misreads on a projector or a phone (no 0/O, 1/I/L, 2/Z, 5/S, 8/B)."""

CODE_LENGTH = 4


def new_code(taken: set[str]) -> str:
    """A fresh join code, unlike every code in ``taken``.

    Drawn with :mod:`secrets`: a code is a password, not part of the model's chances.
    """
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def normal_code(text: str) -> str:
    """A typed code as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


class Hub:
    """One game's teams, their join codes and submissions, shared by every page.

    Args:
        game: The game every team plays.
        folder: The game folder; teams and join codes saved there are resumed.

    Attributes:
        room: The teams and their games.
        codes: Each team's join code.
        submitted: Teams whose decisions for their next round are in.
        auto_play: Play the round as soon as every team has submitted.
        scoreboard_hidden: The facilitator hid the scoreboard.
        frozen: The scoreboard as it was when the facilitator froze it (None: live).
        version: Bumped after every change (pages compare it to redraw).
        lock: Held while the hub changes or a round is played.
    """

    def __init__(self, game: Game, folder: str | Path) -> None:
        self.room = Room(game, folder)
        self.lock = threading.RLock()
        self.version = 0
        self.submitted: set[str] = set()
        self.auto_play = True
        self.scoreboard_hidden = False
        self.frozen: list[Standing] | None = None
        self.codes: dict[str, str] = {}
        path = self.room.folder / CODES_FILE
        saved = read_json(path, N_("join codes")) if path.is_file() else {}
        saved = saved if isinstance(saved, dict) else {}
        # the teams in joining order (the order of the codes file), later ones last
        order = [t for t in saved if t in self.room.teams]
        order += [t for t in self.room.teams if t not in saved]
        self.room.teams = {t: self.room.teams[t] for t in order}
        self.room.pending = {t: self.room.pending[t] for t in order}
        for team in self.room.teams:
            code = saved.get(team)
            self.codes[team] = code if isinstance(code, str) else new_code(set(self.codes.values()))
        if self.codes != saved:
            self._save_codes()

    @property
    def game(self) -> Game:
        """The game every team plays."""
        return self.room.game

    def _changed(self) -> None:
        self.version += 1

    def _save_codes(self) -> None:
        write_json(self.room.folder / CODES_FILE, self.codes)

    def add_team(self, name: str) -> str:
        """Add a team (before the first round) and give it a join code.

        Returns:
            The team's join code.

        Raises:
            CrmsimError: for a bad or taken name, or once rounds have been played.
        """
        with self.lock:
            tg = self.room.add_team(name)
            self.codes[tg.team] = new_code(set(self.codes.values()))
            self._save_codes()
            self._changed()
            return self.codes[tg.team]

    def team_of(self, code: str) -> str | None:
        """The team a join code belongs to (None for a wrong code)."""
        wanted = normal_code(code)
        return next((t for t, c in self.codes.items() if c == wanted), None)

    def waiting(self) -> list[str]:
        """Teams still playing whose decisions are not in yet, in joining order."""
        return [
            t for t, tg in self.room.teams.items() if not tg.finished and t not in self.submitted
        ]

    def choose(self, team: str, decisions: Sequence[Decision | str]) -> None:
        """The facilitator's choice for a team (a draft; the team has not submitted)."""
        with self.lock:
            self.room.choose(team, decisions)
            self._changed()

    def submit(self, team: str, decisions: Sequence[Decision | str]) -> str:
        """A team's decisions for its next round, from its own page.

        Refused decisions are not taken (the team's earlier submission stays).
        When this was the last team the room waited for and :attr:`auto_play`
        is on, the round is played for every team.

        Returns:
            Why the decisions are refused ("" when accepted).
        """
        with self.lock:
            tg = self.room.teams[team]
            if tg.finished:
                return "the game is over"
            try:
                chosen = tg.check([Decision.parse(d) for d in decisions])
            except CrmsimError as exc:
                return str(exc)
            self.room.choose(team, list(chosen))
            self.submitted.add(team)
            self._changed()
            if self.auto_play and not self.waiting():
                self.play_round()
            return ""

    def withdraw(self, team: str) -> None:
        """Take a team's submission back (to change it before the round is played); until
        it submits again it would take no action."""
        with self.lock:
            self.submitted.discard(team)
            self.room.choose(team, [])
            self._changed()

    def play_round(self) -> dict[str, str]:
        """Play the next round of every team now, if no team's decisions are refused
        (teams not submitted play the facilitator's choice for them, else no action).

        Returns:
            The refusals (nothing was played when not empty).
        """
        with self.lock:
            refused = self.room.play_round()
            if not refused:
                self.submitted.clear()
            self._changed()
            return refused

    def set_auto_play(self, on: bool) -> None:
        """Play each round as soon as every team has submitted, or wait for the facilitator."""
        with self.lock:
            self.auto_play = on
            self._changed()
            if on and self.room.teams and not self.waiting() and not self.room.finished:
                self.play_round()

    def show_scoreboard(self, hidden: bool | None = None, frozen: bool | None = None) -> None:
        """Hide or show the scoreboard; freeze it as it stands now, or let it follow the game."""
        with self.lock:
            if hidden is not None:
                self.scoreboard_hidden = hidden
            if frozen is not None:
                self.frozen = self.room.scoreboard() if frozen else None
            self._changed()

    def scoreboard(self) -> list[Standing]:
        """The scoreboard shown: frozen when the facilitator froze it, live otherwise."""
        return list(self.frozen) if self.frozen is not None else self.room.scoreboard()


_HUBS: dict[tuple[str, str], Hub] = {}
_HUBS_LOCK = threading.Lock()


def hub_for(game: Game, folder: str | Path) -> Hub:
    """The one hub of this server process for ``game`` in ``folder`` (made on first use)."""
    key = (game.fingerprint(), str(Path(folder).resolve()))
    with _HUBS_LOCK:
        if key not in _HUBS:
            _HUBS[key] = Hub(game, folder)
        return _HUBS[key]
