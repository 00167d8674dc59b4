"""Team play on the dashboard: several teams of one game, played round by round.

:class:`Room` holds every team's :class:`~crmsim.game.TeamGame` (each its own
organisation, all from the game's seed), the decisions entered for the next
round and the scoreboard. It only consumes :mod:`crmsim.game`: a round is
checked for every team first and played for all of them only if no team's
decisions are refused, so the teams stay in step; each team's state is
saved in the game folder after every round, exactly as ``crmsim play``
saves it, so a reloaded page (or ``crmsim play --resume``, or ``crmsim
debrief``) carries on from the files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.game import (
    STATE_FILE,
    Decision,
    Game,
    TeamGame,
    check_team_name,
    read_state,
    resume,
    save,
)
from crmsim.i18n import _

ENV_GAME = "CRMSIM_PLAY_GAME"
ENV_OUT = "CRMSIM_PLAY_OUT"
ENV_SET = "CRMSIM_PLAY_SET"
ENV_SEED = "CRMSIM_PLAY_SEED"
ENV_URL = "CRMSIM_PLAY_URL"
ENV_ROUNDS = "CRMSIM_PLAY_ROUNDS"
"""How ``crmsim play --dashboard`` hands the game, folder, settings, seed, the address
teams open and the number of rounds (``--rounds``) to the pages."""

PALETTE: tuple[str, ...] = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
)  # fmt: skip
"""Team colours in joining order (matplotlib's first ten, strong enough for a projector)."""

NAMED_COLOURS: dict[str, str] = {
    "blue": "#1f77b4", "red": "#d62728", "green": "#2ca02c", "orange": "#ff7f0e",
    "purple": "#9467bd", "brown": "#8c564b", "pink": "#e377c2", "cyan": "#17becf",
    "grey": "#7f7f7f", "gray": "#7f7f7f", "yellow": "#bcbd22", "black": "#222222",
    "hong": "#d62728", "lan": "#1f77b4", "lv": "#2ca02c", "huang": "#bcbd22",
    "zi": "#9467bd", "cheng": "#ff7f0e", "hei": "#222222",
}  # fmt: skip
"""A team named after a colour (``red``, ``team-blue``, pinyin ``hong``) is drawn in it."""


def team_colours(names: Sequence[str]) -> dict[str, str]:
    """Each team's colour, given in joining order: the colour its name says when still
    free, else the next free one of :data:`PALETTE`. A team's colour never changes as
    later teams join."""
    out: dict[str, str] = {}
    for name in names:
        words = name.lower().replace("_", "-").split("-")
        named = next((NAMED_COLOURS[w] for w in words if w in NAMED_COLOURS), None)
        used = set(out.values())
        if named is None or named in used:
            free = [c for c in PALETTE if c not in used]
            named = free[0] if free else PALETTE[len(out) % len(PALETTE)]
        out[name] = named
    return out


@dataclass(frozen=True)
class Standing:
    """One row of the scoreboard."""

    team: str
    round: int
    score: float
    adoption: float
    sponsor: float
    spent: float
    project: str


class Room:
    """The teams of one game in one folder.

    Args:
        game: The game every team plays.
        folder: The game folder (one sub-folder per team); teams saved there
            before are resumed.

    Raises:
        CrmsimError: when a saved team belongs to another game or no longer
            replays to its saved state.
    """

    def __init__(self, game: Game, folder: str | Path) -> None:
        self.game = game
        self.folder = Path(folder)
        self.teams: dict[str, TeamGame] = {}
        self.pending: dict[str, list[Decision]] = {}
        for path in sorted(self.folder.glob(f"*/{STATE_FILE}")):
            state = read_state(path.parent)
            self.teams[state["team"]] = resume(game, state)
            self.pending[state["team"]] = []

    def add_team(self, name: str) -> TeamGame:
        """A new team, saved at once (round 1 still to play).

        Raises:
            CrmsimError: for a bad or taken name, or once rounds have been played.
        """
        name = check_team_name(name.strip())
        if name in self.teams:
            raise CrmsimError(_("there is already a team {name}").format(name=name))
        if any(tg.rounds for tg in self.teams.values()):
            raise CrmsimError(_("teams join before the first round; this game has started"))
        tg = TeamGame(self.game, name)
        save(tg, self.folder / name)
        self.teams[name] = tg
        self.pending[name] = []
        return tg

    def choose(self, team: str, decisions: Sequence[Decision | str]) -> None:
        """Enter a team's decisions for its next round (checked when the round is played)."""
        self.pending[team] = [Decision.parse(d) for d in decisions]

    def refusals(self) -> dict[str, str]:
        """Each unfinished team's refused decisions, with the reason (empty: all fine)."""
        out = {}
        for name, tg in self.teams.items():
            if tg.finished:
                continue
            try:
                tg.check(self.pending[name])
            except CrmsimError as exc:
                out[name] = str(exc)
        return out

    @property
    def finished(self) -> bool:
        """Whether every team has played every round."""
        return bool(self.teams) and all(tg.finished for tg in self.teams.values())

    def play_round(self) -> dict[str, str]:
        """Play the next round of every unfinished team, if no team's decisions are refused.

        Returns:
            The refusals (nothing was played when not empty).
        """
        refused = self.refusals()
        if refused:
            return refused
        for name, tg in self.teams.items():
            if tg.finished:
                continue
            tg.play_round(self.pending[name])
            save(tg, self.folder / name)
            self.pending[name] = []
        return {}

    def scoreboard(self) -> list[Standing]:
        """Every team's standing, best score first."""
        rows = []
        for name, tg in self.teams.items():
            snap = tg.snapshot()
            rows.append(
                Standing(
                    team=name,
                    round=len(tg.rounds),
                    score=tg.standing()["score"],
                    adoption=snap["adoption"],
                    sponsor=snap["confidence_sponsor"],
                    spent=tg.spent,
                    project=("active", "budget cut", "cancelled")[int(snap["status"])],
                )
            )
        return sorted(rows, key=lambda r: (-r.score, r.team))

    def colours(self) -> dict[str, str]:
        """Each team's colour, in joining order (see :func:`team_colours`)."""
        return team_colours(list(self.teams))

    def series(self) -> Mapping[str, Any]:
        """Each team's weekly series so far (for the charts)."""
        return {name: tg.model.timeseries() for name, tg in self.teams.items()}
