"""Phase 2c, turnover (S9; CAL-8.x, CAL-9.x): staff leave and untrained newcomers take
their place; the sponsor may leave and a successor's commitment is drawn afresh.

The week's random numbers for turnover are the two rows after the adoption
sub-steps in the week's draws (:meth:`crmsim.model.CrmModel.draw_uniforms`),
present only when a turnover rate is above zero: row ``run.substeps`` decides
who leaves (column ``a`` the ``a``-th user, the last column the sponsor), row
``run.substeps + 1`` is turned into the newcomer's standard normal draw by the
inverse normal distribution function.
"""

from __future__ import annotations

import functools

import numpy as np

from crmsim import kernels
from crmsim.codes import CANCELLED, WEEKS_PER_YEAR
from crmsim.rules import Params
from crmsim.rules.logodds import logit, sigmoid, sigmoid_of_negated
from crmsim.rules.rollout import queue_training
from crmsim.state import State

TINY = 1e-12
"""Uniforms are clipped to [TINY, 1 - TINY] before the inverse normal (0 has none)."""


def turnover_on(p: Params) -> bool:
    """Whether any turnover rate is above zero (then the week draws two more rows)."""
    return p["turnover.staff_annual"] > 0 or p["turnover.sponsor_annual"] > 0


def weekly_hazard(annual: float) -> float:
    """The weekly chance of leaving for an annual share: ``1 - (1 - a) ** (1 / 52)``."""
    return 1.0 - (1.0 - annual) ** (1.0 / WEEKS_PER_YEAR)


def normal(u: float) -> float:
    """A standard normal number from a uniform one (inverse distribution function,
    :func:`crmsim.kernels.inv_normal`, the one the newcomers' draws use too)."""
    return kernels.inv_normal(min(max(u, TINY), 1.0 - TINY))


@functools.lru_cache(maxsize=8)
def newcomer_mean(confidence: float) -> float:
    """The newcomers' mean log-odds: ``logit(frontline.confidence)`` (kept per value)."""
    return logit(confidence)


def onboard_newcomers(s: State, p: Params) -> bool:
    """Whether newcomers joining live units are onboarded: trained like the go-live users,
    and trying the system (``turnover.onboarding``, while the project is not cancelled).

    They get the training's share of their skill gap (``effects.training_skill``
    scaled by the training lever, as at go-live; not a pilot's or the
    consultants' coaching, which were once-only) and their training is paid for
    over ``economics.training_weeks`` like the go-live users'.
    """
    return bool(p["turnover.onboarding"]) and s.project.status != CANCELLED


def turnover(s: State, p: Params, draws: np.ndarray) -> None:
    """Users leave at ``turnover.staff_annual``; the sponsor at ``turnover.sponsor_annual``.

    A leaver's newcomer has a disposition drawn afresh (``frontline.confidence``,
    ``frontline.confidence_spread``), is not using and has the starting skill, or is
    onboarded (:func:`onboard_newcomers`); :func:`crmsim.kernels.leavers` does it. The
    weekly hazards and newcomers' figures are kept in ``s.memo`` with the parameters.
    """
    kept = s.recall("turnover", p)
    if kept is None:
        n = s.layout.n_users
        kept = (
            turnover_on(p), p["run.substeps"],
            weekly_hazard(p["turnover.staff_annual"]), weekly_hazard(p["turnover.sponsor_annual"]),
            newcomer_mean(p["frontline.confidence"]), p["frontline.confidence_spread"],
            p["start.skill_per_it_maturity"] * p["start.it_maturity"],
            np.empty(n, dtype=np.int64), np.empty(n),
        )  # fmt: skip
        s.keep("turnover", kept, p)
    on, k, staff_hazard, sponsor_hazard, mean, spread, start_skill, gone, minus_z = kept
    if not on:
        return
    people, users = s.people, s.layout.users
    n_gone, n_onboarded, sponsor_leaves = kernels.leavers(
        draws, k, users, staff_hazard, sponsor_hazard, mean, spread, TINY, start_skill,
        s.d.training_skill, onboard_newcomers(s, p), people.disposition, people.z,
        people.state, people.skill, people.live, gone, minus_z,
    )  # fmt: skip
    if n_gone:
        newcomers = minus_z[:n_gone]  # (the kernel left their -z there)
        sigmoid_of_negated(newcomers)
        people.confidence[gone[:n_gone]] = newcomers
        s.project.leavers += n_gone
        if n_onboarded:
            queue_training(s, p, n_onboarded)
    if sponsor_leaves:
        z0 = logit(p["sponsor.commitment"]) + p["sponsor.commitment_spread"] * normal(
            float(draws[k + 1, users.size])
        )
        people.disposition[0] = people.z[0] = z0
        people.confidence[0] = float(sigmoid(z0))
        s.project.events.append({"week": s.project.week, "event": "sponsor_replaced"})
