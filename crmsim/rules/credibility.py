"""Credibility of the senders (Model 2.0, mechanism 1; S4, S8; CAL-5.4, CAL-13.1).

Each sender -- the sponsor and every middle manager -- holds a credibility in
[0, 1]. A message persuades in proportion to it, repetition wears it out
(CAL-5.4: a message is repeated 5-7 times before it lands, and then it stops
adding), and credibility follows what people see: from the first go-live on
it moves toward how far the use they see confirms what the sender said (the
say-do gap: in each live unit, the share of users using against the plan
counted from the unit's go-live; for the sponsor their average over the live
units, weighted by users), and a milestone review met or missed moves the sponsor's at once.
Talk without results wears off; talk with results compounds.
Off (``credibility.enabled`` false), the message persuades in full, always.
"""

from __future__ import annotations

import numpy as np

from crmsim import kernels
from crmsim.codes import CANCELLED
from crmsim.kernels.senders import confirmation
from crmsim.rules import Params
from crmsim.rules.accounts import census
from crmsim.state import State


def planned_use(s: State, p: Params) -> float:
    """The share of users the plan expects using by now (S8): an S-curve from the first
    go-live to ``milestones.target`` over ``milestones.plan_weeks`` (0 before go-live;
    :func:`crmsim.kernels.plan_share`)."""
    since = s.project.week - s.d.first_live
    return kernels.plan_share(since, p["milestones.plan_weeks"], p["milestones.target"])


def raw_message(s: State) -> float:
    """The sponsor's message before credibility: quality x resources x conviction (S8)."""
    return s.d.comm_quality * s.project.resources * (2.0 * s.people.confidence[0] - 1.0)


def update_credibility(s: State, p: Params) -> None:
    """This week's credibility of the sponsor and managers, and how much the message persuades."""
    if not p["credibility.enabled"]:
        return
    pr, units = s.project, s.units
    pr.fatigue = pr.fatigue * (1.0 - p["credibility.fatigue_recovery"]) + abs(raw_message(s))
    novelty = 1.0 / (1.0 + pr.fatigue / p["credibility.repetitions"])
    # each live unit is held to the plan from its own go-live (a phased roll-out is
    # not behind plan for the units still waiting); managers' credibility moves with it
    if pr.status != CANCELLED:
        weighted = np.empty(s.org.n_units)
        tested, users = kernels.unit_credibility(
            pr.week, s.d.go_live, units.unit_live, census(s, p).unit_using,
            s.layout.unit_users, units.stance,
            units.manager_credibility, p["milestones.plan_weeks"], p["milestones.target"],
            p["milestones.min_goal"], p["credibility.learn_rate"], weighted,
        )  # fmt: skip
        if tested:
            firm = float(weighted[:tested].sum() / users)
            conviction = 2.0 * s.people.confidence[0] - 1.0
            pr.sponsor_credibility += p["credibility.learn_rate"] * (
                float(confirmation(conviction, firm)) - pr.sponsor_credibility
            )
    step = p["credibility.milestone_step"]
    if pr.milestone_signal > 0.0:
        pr.sponsor_credibility += step * (1.0 - pr.sponsor_credibility)
    elif pr.milestone_signal < 0.0:
        pr.sponsor_credibility += step * pr.milestone_signal * pr.sponsor_credibility
    pr.persuasion = pr.sponsor_credibility * novelty
