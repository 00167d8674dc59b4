"""Whether an action can be taken in a round, and can work: the checks behind
:meth:`crmsim.game.team.TeamGame.check` and :meth:`~crmsim.game.team.TeamGame.blocked`.

An action taken once a game, in its cooldown, or too late to do anything
(a pilot decided after the first go-live, consultants hired after their
window) is refused at choice time with one line in the current language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from crmsim.errors import CrmsimError
from crmsim.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from crmsim.game.team import TeamGame


class Blocked(CrmsimError):
    """An action that cannot be taken now, or could not work.

    Attributes:
        kind: ``once`` (taken already), ``cooldown``, ``go_live`` (too late to
            work before the first go-live) or ``consultants`` (after their window).
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


BLOCKED_NOTES: dict[str, str] = {
    "once": N_("taken: once a game"),
    "cooldown": N_("cooldown until round {again}"),
    "go_live": N_("too late: before go-live only"),
    "consultants": N_("too late: consultants help only in the first year after go-live"),
}
"""Short notes for a menu or an action picker (translate with ``_()``; ``{again}``: round)."""


def check_available(tg: TeamGame, name: str, number: int, start: int) -> None:
    """Refuse action ``name`` in round ``number`` (starting after week ``start``) if it cannot
    be taken (once a game, cooldown) or could not work (too late for go-live, consultants).

    Raises:
        Blocked: one line in the current language, with its ``kind``.
    """
    action = tg.game.actions[name]
    label = tg.label(name)
    again = tg.available_from(name)
    if again is None:
        raise Blocked(
            "once",
            _("{action} can be taken once a game and was taken in round {n}").format(
                action=label, n=tg.taken[name][0]
            ),
        )
    if again > number:
        raise Blocked(
            "cooldown",
            ngettext(
                "{action} is in cooldown until round {again} (taken in round {n}, "
                "cooldown {k} round)",
                "{action} is in cooldown until round {again} (taken in round {n}, "
                "cooldown {k} rounds)",
                action.cooldown_rounds,
            ).format(action=label, again=again, n=tg.taken[name][-1], k=action.cooldown_rounds),
        )
    if action.before_go_live:
        works = start + action.lead_weeks + 1
        if works > tg.first_go_live():
            raise Blocked(
                "go_live",
                _(
                    "{action} must work before the first go-live (week {live}); chosen in "
                    "round {n} it would start in week {works}"
                ).format(action=label, live=tg.first_go_live(), n=number, works=works),
            )
    _consultants_can_help(tg, name, action.effects, start + action.lead_weeks)


def _consultants_can_help(tg: TeamGame, name: str, effects: Iterable, works: int) -> None:
    """Refuse expert help that would start after the consultants' window (S10): it would
    be paid for and do nothing (the model pays and uses consultants only until
    ``economics.consultant_weeks`` after the first go-live)."""
    hires = any(e.kind == "param" and e.param == "levers.expert_help" for e in effects)
    end = tg.first_go_live() + int(tg.model.params["economics.consultant_weeks"])
    if hires and works + 1 >= end:
        raise Blocked(
            "consultants",
            _(
                "{action} would start in week {start}, but consultants help only until "
                "week {end} ({weeks} weeks after the first go-live); it would cost money and "
                "do nothing: choose another action"
            ).format(
                action=tg.label(name),
                start=works + 1,
                end=end - 1,
                weeks=int(tg.model.params["economics.consultant_weeks"]),
            ),
        )
