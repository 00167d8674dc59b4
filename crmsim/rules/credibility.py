"""Credibility of the senders (Model 2.0, mechanism 1; S4, S8; CAL-5.4, CAL-13.1).

Each sender -- the sponsor and every middle manager -- holds a credibility in
[0, 1]. A message persuades in proportion to it, repetition wears it out
(CAL-5.4: a message is repeated 5-7 times before it lands, and then it stops
adding), and credibility follows what people see: from the first go-live on
it moves toward how far the use they see confirms what the sender said (the
say-do gap), and a milestone review met or missed moves the sponsor's at once.
Talk without results wears off; talk with results compounds.
Off (``credibility.enabled`` false), the message persuades in full, always.
"""

from __future__ import annotations

import numpy as np

from crmsim.codes import CANCELLED, USING
from crmsim.rules import Params
from crmsim.state import State


def planned_use(s: State, p: Params) -> float:
    """The share of users the plan expects using by now (S8): an S-curve from the first
    go-live to ``milestones.target`` over ``milestones.plan_weeks`` (0 before go-live)."""
    since = s.project.week - s.d.first_live
    if since <= 0:
        return 0.0
    x = min(1.0, since / p["milestones.plan_weeks"])
    return p["milestones.target"] * x * x * (3.0 - 2.0 * x)


def raw_message(s: State) -> float:
    """The sponsor's message before credibility: quality x resources x conviction (S8)."""
    return s.d.comm_quality * s.project.resources * (2.0 * s.people.confidence[0] - 1.0)


def use_shares(s: State) -> tuple[float, np.ndarray]:
    """The share of users using, in the firm and per unit (the firm's for units without users)."""
    lay = s.layout
    using = s.people.state[lay.users] == USING
    firm = float(np.count_nonzero(using)) / max(lay.n_users, 1)
    nu = s.org.n_units
    per_unit = np.bincount(lay.user_unit, weights=using, minlength=nu)
    n = np.bincount(lay.user_unit, minlength=nu)
    return firm, np.where(n > 0, per_unit / np.maximum(n, 1), firm)


def confirmation(claim: np.ndarray | float, seen: np.ndarray | float, plan: float):
    """How far what is seen confirms what was said, in [0, 1].

    ``claim`` is the sender's conviction or stance in [-1, 1] (+1: it will work);
    the evidence is the use seen against the plan, mapped to [-1, 1].
    """
    evidence = 2.0 * np.minimum(1.0, np.asarray(seen) / plan) - 1.0
    return 1.0 - np.abs(np.asarray(claim) - evidence) / 2.0


def update_credibility(s: State, p: Params) -> None:
    """This week's credibility of the sponsor and managers, and how much the message persuades."""
    if not p["credibility.enabled"]:
        return
    pr, units = s.project, s.units
    pr.fatigue = pr.fatigue * (1.0 - p["credibility.fatigue_recovery"]) + abs(raw_message(s))
    novelty = 1.0 / (1.0 + pr.fatigue / p["credibility.repetitions"])
    plan = planned_use(s, p)
    rate = p["credibility.learn_rate"]
    if plan >= p["milestones.min_goal"] and pr.status != CANCELLED:
        firm, per_unit = use_shares(s)
        conviction = 2.0 * s.people.confidence[0] - 1.0
        pr.sponsor_credibility += rate * (
            float(confirmation(conviction, firm, plan)) - pr.sponsor_credibility
        )
        units.manager_credibility += rate * (
            confirmation(units.stance, per_unit, plan) - units.manager_credibility
        )
    step = p["credibility.milestone_step"]
    if pr.milestone_signal > 0.0:
        pr.sponsor_credibility += step * (1.0 - pr.sponsor_credibility)
    elif pr.milestone_signal < 0.0:
        pr.sponsor_credibility += step * pr.milestone_signal * pr.sponsor_credibility
    pr.persuasion = pr.sponsor_credibility * novelty
