"""What a team's actions do, and when: the schedule of a :class:`~crmsim.game.team.TeamGame`.

An action starts to work after its lead time; its parameter changes go
through :meth:`CrmModel.intervene` (a temporary ``add`` is taken back after
its weeks), its other effects through :class:`~crmsim.game.actions.GameModel`.
Everything started or taken back is written to :attr:`Schedule.applied`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crmsim.game.actions import Action, GameModel
from crmsim.params import PARAMS


def clip_to_range(name: str, value: float) -> float:
    """``value`` inside the declared range of ``name``, without float dust (1e-9)."""
    p = PARAMS[name]
    return round(float(np.clip(value, p.lo, p.hi)), 9)


@dataclass(order=True)
class Scheduled:
    """An action due to start, or a temporary change due to be taken back."""

    week: int
    order: int
    kind: str = field(compare=False)  # "start" or "end"
    action: str = field(compare=False)
    target: str | None = field(compare=False, default=None)
    round: int = field(compare=False, default=0)
    deltas: dict[str, float] = field(compare=False, default_factory=dict)  # for "end"


class Schedule:
    """The actions due to start and the temporary changes due to be taken back, by week.

    Args:
        model: The team's organisation, which the actions change.
        actions: The game's action menu, by name.

    Attributes:
        applied: When each action started (and a temporary one ended) to
            work, with the parameter changes made.
    """

    def __init__(self, model: GameModel, actions: Mapping[str, Action]) -> None:
        self.model = model
        self.actions = actions
        self.applied: list[dict[str, Any]] = []
        self._items: list[Scheduled] = []
        self._order = 0

    def __len__(self) -> int:
        """The number of starts and take-backs still due."""
        return len(self._items)

    def add(
        self,
        week: int,
        kind: str,
        action: str,
        target: str | None,
        number: int,
        deltas: dict[str, float] | None = None,
    ) -> None:
        """Schedule an action's ``start`` (or the ``end`` of its temporary changes) at ``week``.

        Items due in the same week are applied in the order they were added.
        """
        self._order += 1
        item = Scheduled(week, self._order, kind, action, target, number, deltas or {})
        self._items.append(item)
        self._items.sort()

    def apply_due(self) -> None:
        """Apply what is due at the model's current week, in the order it was decided."""
        week = self.model.week
        while self._items and self._items[0].week <= week:
            item = self._items.pop(0)
            if item.kind == "start":
                self._start(item)
            else:
                self._end(item)

    def _start(self, item: Scheduled) -> None:
        model = self.model
        action = self.actions[item.action]
        updates: dict[str, Any] = {}
        temporary: dict[int, dict[str, float]] = {}  # weeks -> parameter -> delta to take back
        for e in action.effects:
            if e.kind != "param":
                continue
            if e.mode == "set":
                updates[e.param] = e.value
                continue
            old = updates.get(e.param, model.params[e.param])
            new = clip_to_range(e.param, old + e.value)
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
            self.add(model.week + weeks, "end", item.action, item.target, item.round, deltas)
        self._note("start", item, updates)

    def _end(self, item: Scheduled) -> None:
        params = self.model.params
        updates = {
            name: clip_to_range(name, params[name] - delta) for name, delta in item.deltas.items()
        }
        self.model.intervene(updates, label=f"action_ends:{item.action}")
        self._note("end", item, updates)

    def _note(self, what: str, item: Scheduled, updates: dict[str, Any]) -> None:
        self.applied.append(
            {
                "week": self.model.week,
                "what": what,
                "action": item.action,
                "target": item.target,
                "round": item.round,
                "changes": updates,
            }
        )
