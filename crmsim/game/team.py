"""One team's game: :class:`TeamGame`, its rounds and its schedule of actions.

:meth:`TeamGame.check` refuses a bad set of decisions with one clear line
and changes nothing; :meth:`TeamGame.play_round` commits them and runs the
round's weeks. An action starts to work after its lead time; its parameter
changes go through :meth:`CrmModel.intervene` (a temporary ``add`` is taken
back later), its other effects through :class:`~crmsim.game.actions.GameModel`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crmsim.errors import CrmsimError
from crmsim.game.actions import GameModel
from crmsim.game.decisions import Decision
from crmsim.game.definition import MONEY, Game
from crmsim.game.loading import _closest
from crmsim.organisation import FUNCTIONS
from crmsim.params import PARAMS
from crmsim.runner import RunResult, summarise

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
                expert help hired after the consultants' window; over budget.
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
            self._check_consultants_can_help(d.action, action.effects, start + action.lead_weeks)
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

    def _check_consultants_can_help(self, name: str, effects: Iterable, works: int) -> None:
        """Refuse expert help that would start after the consultants' window (S10): it would
        be paid for and do nothing (the model pays and uses consultants only until
        ``economics.consultant_weeks`` after the first go-live)."""
        hires = any(e.kind == "param" and e.param == "levers.expert_help" for e in effects)
        end = self.first_go_live() + int(self.model.params["economics.consultant_weeks"])
        if hires and works + 1 >= end:
            raise CrmsimError(
                f"{name} would start in week {works + 1}, but consultants help only until "
                f"week {end - 1} ({int(self.model.params['economics.consultant_weeks'])} weeks "
                "after the first go-live); it would cost money and do nothing: choose another action"
            )

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
