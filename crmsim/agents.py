"""The people of the organisation as Mesa agents (S4, S5, S6).

Each agent is a thin view on one row of the model's arrays: reading
``agent.confidence`` reads ``model.confidence[agent.index]`` and writing it
writes through (confidence is stored as log-odds, so the setter updates
both). The weekly rules act on whole arrays in :mod:`crmsim.model`; the
agents exist so that Mesa's API works as usual::

    model.agents_by_type[MiddleManager].agg("resistance", np.mean)
    model.agents_by_type[FrontlineStaff].select(lambda a: a.adoption_state == "using")
    model.agents_by_type[FrontlineStaff].groupby("function").agg("confidence", np.mean)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from crmsim.codes import STATE_NAMES

if TYPE_CHECKING:
    from crmsim.model import CrmModel


class Person(mesa.Agent):
    """An employee: a view on row ``index`` of the model's arrays."""

    model: CrmModel

    def __init__(self, model: CrmModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)
        model.agent_index[self.index] = self

    @property
    def confidence(self) -> float:
        """Confidence in [0, 1] that the CRM roll-out will work."""
        return float(self.model.confidence[self.index])

    @confidence.setter
    def confidence(self, value: float) -> None:
        c = min(max(float(value), 1e-4), 1.0 - 1e-4)
        self.model.confidence[self.index] = c
        self.model.z[self.index] = math.log(c / (1.0 - c))

    @property
    def disposition(self) -> float:
        """The confidence this person drifts back to without signals (S1)."""
        return 1.0 / (1.0 + math.exp(-float(self.model.disposition[self.index])))

    @property
    def unit(self) -> int:
        """Unit index (-1 for executives)."""
        return int(self.model.org.unit[self.index])

    @property
    def function(self) -> str:
        """The unit's function (sales, finance, ...) or ``"top"`` for executives."""
        from crmsim.organisation import FUNCTIONS

        u = self.unit
        return "top" if u < 0 else FUNCTIONS[self.model.org.unit_function[u]]

    def step(self) -> None:
        """Agents do not step one by one: the model updates all arrays at once."""


class Executive(Person):
    """A member of the top team; ``index == 0`` is the CRM sponsor (S4)."""

    @property
    def is_sponsor(self) -> bool:
        """Whether this executive commands the roll-out."""
        return self.index == 0


class MiddleManager(Person):
    """The manager of one unit (S5): resists restructuring and filters messages."""

    @property
    def resistance(self) -> float:
        """Opposition to the restructuring of the own unit, in [0, 1]."""
        return float(self.model.resistance[self.unit])

    @resistance.setter
    def resistance(self, value: float) -> None:
        self.model.resistance[self.unit] = min(max(float(value), 0.0), 1.0)
        self.model.update_stance()

    @property
    def stance(self) -> float:
        """Conviction minus resistance, in [-1, 1]: what the team hears from its manager."""
        return float(self.model.stance[self.unit])

    @property
    def restructuring(self) -> float:
        """How deeply the roll-out restructures this unit, in [0, 1]."""
        return float(self.model.restructuring[self.unit])

    @property
    def front_end(self) -> bool:
        """Whether the unit uses CRM daily."""
        return bool(self.model.org.unit_front[self.unit])


class FrontlineStaff(Person):
    """A frontline employee; in a front-end unit also a CRM user (S6, S9)."""

    @property
    def is_user(self) -> bool:
        """Whether this person is meant to use CRM daily."""
        return bool(self.model.org.is_user[self.index])

    @property
    def adoption_state(self) -> str:
        """``not_using``, ``trying``, ``using`` or ``rejecting``."""
        return STATE_NAMES[self.model.state[self.index]]

    @adoption_state.setter
    def adoption_state(self, value: str) -> None:
        self.model.state[self.index] = STATE_NAMES.index(value)

    @property
    def skill(self) -> float:
        """Skill with the system, in [0, 1]."""
        return float(self.model.skill[self.index])

    @skill.setter
    def skill(self, value: float) -> None:
        self.model.skill[self.index] = min(max(float(value), 0.0), 1.0)

    @property
    def innovativeness(self) -> float:
        """Multiplier on the innovation rate (Rogers' adopter category; mean 1)."""
        return float(self.model.innovativeness[self.index])

    @property
    def manager(self) -> MiddleManager:
        """The manager of this person's unit."""
        return self.model.agent_index[int(self.model.org.unit_manager[self.unit])]
