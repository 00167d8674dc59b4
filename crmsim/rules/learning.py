"""Phase 9, learning (S3): skill grows with training and support."""

from __future__ import annotations

from crmsim import kernels
from crmsim.codes import CANCELLED
from crmsim.kernels.tallies import skill_after  # noqa: F401 (the one skill-gain rule)
from crmsim.rules import Params
from crmsim.rules.support import overload
from crmsim.state import State


def learn(s: State, p: Params) -> None:
    """Live users trying or using gain skill at a rate set by training and support.

    The same pass tallies the users for the week's record (``s.tally``,
    :func:`crmsim.kernels.weekend.learn_and_tally`).
    """
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
    people, tally = s.people, s.tally
    tally.confidence, tally.skill = kernels.learn_and_tally(
        s.layout.users, people.state, people.live, people.skill, people.confidence, rate,
        tally.counts,
    )  # fmt: skip
    tally.week = s.project.week
