"""One team's game: :class:`TeamGame`, its rounds and its schedule of actions.

:meth:`TeamGame.check` refuses a bad set of decisions with one clear line
and changes nothing; :meth:`TeamGame.play_round` commits them and runs the
round's weeks. What the chosen actions do, and when, is kept by a
:class:`~crmsim.game.schedule.Schedule`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.game.actions import GameModel
from crmsim.game.checks import Blocked, check_available
from crmsim.game.decisions import Decision
from crmsim.game.definition import Game
from crmsim.game.reading import closest as _closest
from crmsim.game.schedule import Schedule
from crmsim.i18n import DEFAULT, _, get_language, localized
from crmsim.organisation import FUNCTIONS
from crmsim.results import RunResult, summarise

STATE_FORMAT = 1
"""Version of the state file's layout; bump when keys change meaning."""

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
        self._taken: dict[str, list[int]] = {}
        self._schedule = Schedule(self.model, game.actions)

    @property
    def applied(self) -> list[dict[str, Any]]:
        """When each action started (and a temporary one ended) to work (:class:`Schedule`)."""
        return self._schedule.applied

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

    @property
    def taken(self) -> dict[str, list[int]]:
        """The rounds in which each action was taken (read-only by convention)."""
        return self._taken

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
                expert help hired after the consultants' window; over budget.
        """
        game = self.game
        if self.finished:
            raise CrmsimError(_("the game is over ({n} rounds played)").format(n=game.rounds))
        chosen = tuple(Decision.parse(d) for d in decisions)
        number = self.round
        start = self.week
        seen: set[str] = set()
        for d in chosen:
            if d.action not in game.actions:
                hint = _closest(d.action, game.actions, "actions")
                raise CrmsimError(_("unknown action {name!r}").format(name=d.action) + hint)
            action = game.actions[d.action]
            label = self.label(d.action)
            if d.action in seen:
                raise CrmsimError(
                    _(
                        "{action} is chosen twice in round {n}; an action counts once a round"
                    ).format(action=label, n=number)
                )
            seen.add(d.action)
            if action.target == "department":
                if d.target is None:
                    raise CrmsimError(
                        _(
                            "{action} needs a department, e.g. {name}:sales (one of {choices})"
                        ).format(action=label, name=d.action, choices=", ".join(FUNCTIONS))
                    )
                if d.target not in FUNCTIONS:
                    hint = _closest(d.target, FUNCTIONS, "departments")
                    raise CrmsimError(
                        _("unknown department {dept!r} for {action}").format(
                            dept=d.target, action=label
                        )
                        + hint
                    )
                if self.model.units_of(d.target).size == 0:
                    raise CrmsimError(
                        _("this organisation has no {dept} department; choose another").format(
                            dept=d.target
                        )
                    )
            elif d.target is not None:
                raise CrmsimError(
                    _("{action} is not aimed at a department; write just {name}").format(
                        action=label, name=d.action
                    )
                )
            check_available(self, d.action, number, start)
        if len(chosen) > game.max_actions:
            raise CrmsimError(
                _("round {n} allows at most {most} actions; {k} chosen").format(
                    n=number, most=game.max_actions, k=len(chosen)
                )
            )
        cost = sum(game.actions[d.action].cost for d in chosen)
        if cost > self.budget_left + 1e-9:
            names = " + ".join(self.label(d.action) for d in chosen)
            raise CrmsimError(
                _("over budget: {names} cost {cost}, {left} left; drop an action").format(
                    names=names,
                    cost=game.money.amount(cost),
                    left=game.money.amount(self.budget_left),
                )
            )
        return chosen

    def label(self, name: str) -> str:
        """An action as messages name it: in English the name teams type (``training_wave``);
        in another language its title, quoted (「一轮集中培训」)."""
        if get_language() == DEFAULT:
            return name
        return _("“{label}”").format(label=localized(self.game.actions[name].label))

    def blocked(self, name: str) -> Blocked | None:
        """Why action ``name`` cannot be taken this round, or would do nothing (None: it can).

        A :class:`~crmsim.game.checks.Blocked`: ``str()`` is one line in the
        current language (taken once already, in cooldown, too late: after the
        first go-live, after the consultants' window), ``.kind`` says which, and
        ``_(BLOCKED_NOTES[kind]).format(again=...)`` is a short note for a menu.
        Team pages and the terminal menu show it at choice time; :meth:`check`
        refuses with the same line.
        """
        try:
            check_available(self, name, self.round, self.week)
        except Blocked as exc:
            return exc
        return None

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
            self._schedule.add(start + action.lead_weeks, "start", d.action, d.target, number)
        self.spent += cost
        n_events = len(self.model.events)
        for _week in range(self.game.weeks_per_round):
            self._schedule.apply_due()
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
