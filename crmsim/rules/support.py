"""Support for learners (S3 expert help, staffing), read by several phases."""

from __future__ import annotations

from crmsim import kernels
from crmsim.codes import ACTIVE, TRYING
from crmsim.rules import Params
from crmsim.state import State


def consultants_on(s: State, p: Params) -> bool:
    """Consultants are paid, and help, while active and for a while after go-live."""
    pr = s.project
    return pr.status == ACTIVE and pr.week < s.d.first_live + p["economics.consultant_weeks"]


def team_on(s: State, p: Params) -> bool:
    """The project team is paid, and helps, while active and for a while after go-live."""
    pr = s.project
    return pr.status == ACTIVE and pr.week < s.d.first_live + p["economics.team_weeks"]


def support_share(s: State, p: Params) -> float:
    """Learners that can be supported per user and week (S3 expert help, staffing).

    Several rules ask for it each week; it is kept in ``s.memo`` for the week and
    status it was computed in, with the parameters and plan it came from.
    """
    inputs = (s.project.week, s.project.status, p, s.d)
    share = s.recall("support", *inputs)
    return share if share is not None else s.keep("support", _support_share(s, p), *inputs)


def _support_share(s: State, p: Params) -> float:
    expert_support = p["effects.support_per_expert_help"] * p["levers.expert_help"]
    return (
        p["effects.support_base"]
        + expert_support * consultants_on(s, p)
        + p["effects.support_per_staffing"] * p["levers.staffing"] * team_on(s, p)
    ) + (
        p["effects.knowhow_transfer"] * expert_support * knowhow_kept(s, p)
        if p["effects.knowhow_transfer"] > 0.0
        else 0.0
    )


def knowhow_kept(s: State, p: Params) -> bool:
    """The consultants have left and the know-how they passed on stays (S10; Model 2.0)."""
    pr = s.project
    return pr.status == ACTIVE and pr.week >= s.d.first_live + p["economics.consultant_weeks"]


def overload(s: State, p: Params) -> float:
    """Share of learners the support capacity cannot serve this week (S3)."""
    n_trying = kernels.count_state(s.layout.users, s.people.state, TRYING)
    if n_trying == 0:
        return 0.0
    capacity = s.layout.n_users * support_share(s, p) * s.project.resources
    return 1.0 - min(1.0, capacity / n_trying)
