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
from crmsim.codes import CANCELLED, NOT_USING, TRYING, WEEKS_PER_YEAR
from crmsim.rules import Params
from crmsim.rules.learning import skill_after
from crmsim.rules.logodds import logit, sigmoid
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


def onboard(s: State, p: Params, idx: np.ndarray) -> None:
    """Newcomers ``idx`` joining live units: trained like the go-live users, trying the system.

    They get the training's share of their skill gap (``effects.training_skill``
    scaled by the training lever, as at go-live; not a pilot's or the
    consultants' coaching, which were once-only) and their training is paid for
    over ``economics.training_weeks`` like the go-live users'.
    """
    if idx.size == 0:
        return
    people = s.people
    people.skill[idx] = skill_after(people.skill[idx], s.d.training_skill)
    people.state[idx] = TRYING
    queue_training(s, p, idx.size)


def turnover(s: State, p: Params, draws: np.ndarray) -> None:
    """Users leave at ``turnover.staff_annual``; the sponsor at ``turnover.sponsor_annual``."""
    if not turnover_on(p):
        return
    k = p["run.substeps"]
    leave, shape = draws[k], draws[k + 1]
    people, users = s.people, s.layout.users
    gone = np.empty(users.size, dtype=np.int64)
    z = np.empty(users.size)
    n_gone = kernels.leavers(
        leave, shape, users, weekly_hazard(p["turnover.staff_annual"]),
        newcomer_mean(p["frontline.confidence"]), p["frontline.confidence_spread"], TINY, gone, z,
    )  # fmt: skip
    if n_gone:
        idx, z = gone[:n_gone], z[:n_gone]
        people.disposition[idx] = z
        people.z[idx] = z
        people.confidence[idx] = sigmoid(z)
        people.state[idx] = NOT_USING
        people.skill[idx] = p["start.skill_per_it_maturity"] * p["start.it_maturity"]
        s.project.leavers += n_gone
        if p["turnover.onboarding"] and s.project.status != CANCELLED:
            onboard(s, p, idx[people.live[idx]])
    if leave[users.size] < weekly_hazard(p["turnover.sponsor_annual"]):
        z0 = logit(p["sponsor.commitment"]) + p["sponsor.commitment_spread"] * normal(
            float(shape[users.size])
        )
        people.disposition[0] = people.z[0] = z0
        people.confidence[0] = float(sigmoid(z0))
        s.project.events.append({"week": s.project.week, "event": "sponsor_replaced"})
