"""A game's scoring: the measures of a team's result and the rule weighing them.

The measures themselves are computed from a team's run by
:meth:`crmsim.game.team.TeamGame.measures`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crmsim.i18n import N_, Text, _

MEASURES: dict[str, str] = {
    "adoption": "share of CRM users routinely using it at the end (0-1)",
    "speed": "1 - (week adoption first reached 50 %) / (weeks in the game); 0 if never",
    "budget_left": "share of the change budget not spent on actions",
    "sponsor": "the sponsor's final confidence; halved if the budget was ever cut, "
    "0 if the project was cancelled (S4)",
    "profit": "share of the weeks played with profit at or above its pre-project level (S7)",
    "success": "1 if the roll-out succeeded (not cancelled, adoption at least "
    "outcome.success_adoption), else 0",
}
"""The measures a scoring rule may weigh; each lies in [0, 1]."""

MEASURE_WORDS: dict[str, str] = {
    "adoption": N_("adoption"),
    "speed": N_("speed"),
    "budget_left": N_("budget left"),
    "sponsor": N_("sponsor"),
    "profit": N_("profit"),
    "success": N_("success"),
}
"""Each measure in a word or two, for participants (translate with ``_()``)."""


@dataclass(frozen=True)
class Scoring:
    """A game's scoring rule: points = sum of weight x measure (:data:`MEASURES`).

    Attributes:
        weights: Points per measure at its best (1).
        description: The rule in plain words, as stated in the game file
            (a :class:`~crmsim.i18n.Text`).
    """

    weights: Mapping[str, float]
    description: Text

    @property
    def maximum(self) -> float:
        """The best possible score."""
        return float(sum(self.weights.values()))

    def parts(self, measures: Mapping[str, float]) -> dict[str, float]:
        """Points per measure."""
        return {name: w * float(measures[name]) for name, w in self.weights.items()}

    def score(self, measures: Mapping[str, float]) -> float:
        """The total score of ``measures``."""
        return float(sum(self.parts(measures).values()))

    def rule_text(self) -> str:
        """The rule as one line in the current language, e.g. ``"50 x adoption + 15 x speed ..."``."""
        terms = " + ".join(f"{w:g} x {_(MEASURE_WORDS[name])}" for name, w in self.weights.items())
        return _("score = {terms} (best {best:g})").format(terms=terms, best=self.maximum)
