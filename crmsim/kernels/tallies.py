"""Sums and counts over the users, and the learning kernel (S3, S7)."""

from __future__ import annotations

import numpy as np

from crmsim.codes import NOT_USING, REJECTING, TRYING, USING
from crmsim.kernels.compiling import compiled


@compiled
def user_tallies(
    users: np.ndarray,
    user_unit: np.ndarray,
    state: np.ndarray,
    live: np.ndarray,
    skill: np.ndarray,
    unit_fit: np.ndarray,
    active: bool,
    proficient: float,
    unit_using: np.ndarray,
) -> tuple[int, float, int, int, float, int]:  # pragma: no cover
    """Counts and sums over the users for the week (S4, S7), in one pass.

    ``proficient`` is the skill at which a user is fully productive
    (``economics.proficient_skill``; 1: full skill): nothing more is lost
    while learning, and the whole benefit is earned. ``unit_using`` receives
    the users using in each unit (live or not); when not ``active`` (cancelled)
    everything is 0.

    Returns:
        (live users, learning loss units ``sum(max(0, 1 - skill / proficient))`` over live
        learners,
        live users rejecting, live users using, realised benefit units
        ``sum(min(1, skill / proficient) * unit fit)`` over live users using,
        live users trying)
    """
    n_live = 0
    loss_units = 0.0
    n_rejecting = 0
    n_using = 0
    realised = 0.0
    n_trying = 0
    unit_using[:] = 0
    if not active:
        return n_live, loss_units, n_rejecting, n_using, realised, n_trying
    for a in range(users.shape[0]):
        i = np.uint64(users[a])  # unsigned: no check for negative indices
        u = np.uint64(user_unit[a])  # (= unit[i], read from the smaller array)
        s = state[i]
        if s == USING:
            unit_using[u] += 1
        if live[i]:
            n_live += 1
            if s == TRYING or s == USING:
                loss_units += max(0.0, 1.0 - skill[i] / proficient)
            if s == REJECTING:
                n_rejecting += 1
            elif s == TRYING:
                n_trying += 1
            elif s == USING:
                n_using += 1
                realised += min(1.0, skill[i] / proficient) * unit_fit[u]
    return n_live, loss_units, n_rejecting, n_using, realised, n_trying


@compiled
def skill_after(skill, share):  # pragma: no cover
    """Skill after closing a ``share`` of the gap to full skill: ``skill + share * (1 - skill)``.

    The one skill-gain rule (S3, CAL-1.4): training at go-live, a game's
    training wave, the weekly learning kernel
    (:func:`crmsim.kernels.weekend.learn_and_tally`) and the reference engine
    all use it. Works on a number or an array (compiled for each).
    """
    return skill + share * (1.0 - skill)


@compiled
def count_state(users: np.ndarray, state: np.ndarray, code: int) -> int:  # pragma: no cover
    """Number of users in adoption state ``code`` (``users`` ascending, as ``Layout.users``)."""
    n = 0
    m = users.shape[0]
    if m and users[m - 1] - users[0] == m - 1:  # one run of people, as usual: a vector loop
        run = state[users[0] : users[0] + m]
        for j in range(m):
            n += run[j] == code
        return n
    for a in range(m):
        n += state[np.uint64(users[a])] == code  # unsigned: no check for negative indices
    return n


@compiled
def user_summary(
    users: np.ndarray,
    state: np.ndarray,
    confidence: np.ndarray,
    skill: np.ndarray,
    counts: np.ndarray,
) -> tuple[float, float]:  # pragma: no cover
    """Users per adoption state (written to ``counts``); sums of their confidence and skill
    (from 0.0, in user order)."""
    n_trying, n_using, n_rejecting = 0, 0, 0
    conf = 0.0
    sk = 0.0
    for a in range(users.shape[0]):
        i = np.uint64(users[a])  # unsigned: no check for negative indices
        s = state[i]
        n_trying += s == TRYING
        n_using += s == USING
        n_rejecting += s == REJECTING
        conf += confidence[i]
        sk += skill[i]
    counts[NOT_USING] = users.shape[0] - n_trying - n_using - n_rejecting  # one state each
    counts[TRYING], counts[USING], counts[REJECTING] = n_trying, n_using, n_rejecting
    return conf, sk
