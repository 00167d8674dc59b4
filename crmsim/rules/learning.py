"""Phase 9, learning (S3): skill grows with training and support."""

from __future__ import annotations

import numpy as np

from crmsim import kernels
from crmsim.codes import CANCELLED
from crmsim.rules import Params
from crmsim.rules.support import overload
from crmsim.state import State


def skill_after(skill: float | np.ndarray, share: float) -> float | np.ndarray:
    """Skill after closing a ``share`` of the gap to full skill: ``skill + share * (1 - skill)``.

    The one skill-gain rule (S3, CAL-1.4): training at go-live, a game's
    training wave and the reference engine use it; the learning kernel applies
    the same step each week (capped at 1).
    """
    return skill + share * (1.0 - skill)


def learn(s: State, p: Params) -> None:
    """Live users trying or using gain skill at a rate set by training and support."""
    if s.layout.n_users == 0 or s.project.status == CANCELLED:
        return
    support = 1.0 - overload(s, p)
    floor, it_share = p["frontline.learn_floor"], p["frontline.learn_it_share"]
    rate = (
        p["frontline.learn_rate"]
        * s.d.learn_multiplier
        * (floor + (1.0 - floor) * support)
        * ((1.0 - it_share) + it_share * p["start.it_maturity"])
    )
    kernels.learn(s.layout.users, s.people.state, s.people.live, s.people.skill, rate)
