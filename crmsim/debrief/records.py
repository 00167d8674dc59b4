"""What a finished team's game left behind, as plain records (no live game).

The debrief's analysis (:mod:`crmsim.debrief.teams`) and its pages
(:mod:`crmsim.debrief.pages`) read a :class:`TeamRecord`, made once from the
replayed game by :func:`team_record`; neither touches the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crmsim.i18n import localized
from crmsim.results import RunResult

if TYPE_CHECKING:
    from crmsim.game import TeamGame


@dataclass(frozen=True)
class RoundFacts:
    """One round played.

    Attributes:
        number: The round (from 1).
        start_week: The week the round started.
        decisions: The decisions, written out (``action`` or ``action:department``).
        labels: The same decisions in plain words (``"Pilot (sales)"``).
        actions: The decisions' action names.
    """

    number: int
    start_week: int
    decisions: tuple[str, ...]
    labels: tuple[str, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class TeamRecord:
    """One team's finished game: its run, its rounds and the actions applied.

    Attributes:
        team: The team's name.
        result: Its run (weekly series, summary, events).
        rounds: The rounds played.
        applied: The actions' start and end records (week, what, action, round...).
        spent: Money spent on actions.
        retreat: The sponsor's retreat point (``sponsor.retreat_threshold``) of its run.
        score: Its actual score.
        points: Its points per measure.
    """

    team: str
    result: RunResult
    rounds: tuple[RoundFacts, ...]
    applied: tuple[dict[str, Any], ...]
    spent: float
    retreat: float
    score: float
    points: dict[str, float] = field(default_factory=dict)

    def sequence(self) -> list[list[str]]:
        """The decisions of each round played, written out."""
        return [list(r.decisions) for r in self.rounds]


def team_record(tg: TeamGame) -> TeamRecord:
    """The record of a finished (or replayed) team's game."""
    actions = tg.game.actions
    rounds = tuple(
        RoundFacts(
            number=r.number,
            start_week=r.start_week,
            decisions=tuple(str(d) for d in r.decisions),
            labels=tuple(
                localized(actions[d.action].label) + (f" ({d.target})" if d.target else "")
                for d in r.decisions
            ),
            actions=tuple(d.action for d in r.decisions),
        )
        for r in tg.rounds
    )
    standing = tg.standing()
    return TeamRecord(
        team=tg.team,
        result=tg.result(),
        rounds=rounds,
        applied=tuple(dict(a) for a in tg.applied),
        spent=float(tg.spent),
        retreat=float(tg.model.params["sponsor.retreat_threshold"]),
        score=float(standing["score"]),
        points=dict(standing["points"]),
    )
