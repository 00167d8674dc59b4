"""A game's definition: :class:`Game`, frozen and validated.

A :class:`Game` is what :func:`crmsim.game.loading.load_game` makes of a game
file: the scenario and starting conditions, rounds, budget, the action menu,
the scoring rule.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from crmsim.game.actions import Action
from crmsim.game.case import Case
from crmsim.game.scoring import Scoring
from crmsim.i18n import Text
from crmsim.money import Money
from crmsim.scenario import Scenario

MONEY = "k$"
"""The unit of the change budget and of action costs in a US-dollar game (kept for old callers:
show money with ``game.money.amount(x)``, which is in the game's currency and language)."""


@dataclass(frozen=True)
class Game:
    """A validated game definition.

    Attributes:
        name: The game's name (file stem).
        title: Its title in plain words (a :class:`~crmsim.i18n.Text`: English,
            and ``localized(title)`` in the current language).
        description: What the teams face, in plain words (a ``Text``).
        path: The file it was read from.
        scenario: The starting organisation: the game's scenario with its
            ``[start]`` settings, any overrides and ``run.weeks`` set to the
            game's length.
        seed: The seed all teams share (same organisation, same chances).
        rounds: Number of decision rounds.
        weeks_per_round: Weeks simulated per round.
        budget: The change budget, in the game's money unit (:attr:`money`).
        max_actions: Most actions a team may take in one round.
        actions: The menu, by name, in file order.
        scoring: The scoring rule.
        overrides: Settings given at play time (``--set``), recorded.
        min_rounds: Fewest rounds the game may be played in (``--rounds``).
        max_rounds: Most rounds it may be played in.
        case: The case the participants read (the firm, its people, the
            situation), for the handouts; None when the file has no ``[case]``.
    """

    name: str
    title: Text
    description: Text
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
    min_rounds: int = 0
    max_rounds: int = 0
    case: Case | None = None

    @property
    def money(self) -> Money:
        """The firm's currency (its scenario's ``[money]``): budget and costs are in its unit."""
        return self.scenario.money

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
