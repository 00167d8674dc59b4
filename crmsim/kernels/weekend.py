"""The end of a week's rules in compiled passes over the users: after adoption, the
mandate's tallies (S2); then learning (S3) and the record's user tally in one kernel.

Learning (:mod:`crmsim.rules.learning`) is the last rule of a week and the
record (:mod:`crmsim.rules.recording`) reads the users right after it, so one
kernel does both: it moves the learners' skill, counts the users per adoption
state and adds their confidence and new skill in user order from 0.0, the
same additions in the same order as
:func:`crmsim.kernels.tallies.user_summary` makes after learning, so the same
numbers.

:func:`learn_and_tally` walks the users as runs of consecutive people
(usually one run: the users are the staff of the front-end units). Within a run, learning and the
counts are a loop without jumps (a user's state decides by selection, so
mixed states cost no mispredicted branches) over views, which compiles to
vector instructions; the sums, whose order is fixed, follow in a second loop.
"""

from __future__ import annotations

import numpy as np

from crmsim.codes import NOT_USING, REJECTING, TRYING, USING
from crmsim.kernels.compiling import compiled
from crmsim.kernels.tallies import skill_after


@compiled
def _run_end(users: np.ndarray, a: int) -> int:  # pragma: no cover
    """Where the run of consecutive people from ``users[a]`` on ends (``users`` ascending)."""
    m = users.shape[0]
    if users[m - 1] - users[a] == m - 1 - a:  # the rest is one run
        return m
    b = a + 1
    while b < m and users[b] == users[b - 1] + 1:
        b += 1
    return b


@compiled
def mandate_tallies(
    users: np.ndarray,
    state: np.ndarray,
    live: np.ndarray,
    confidence: np.ndarray,
    reject_threshold: np.ndarray,
) -> tuple[int, int, int]:  # pragma: no cover
    """Among the users: how many use only because monitored (trying or using with their
    confidence below their rejection point, CAL-11.6), how many are live, how many using."""
    n_compliant, n_live, n_using = 0, 0, 0
    for a in range(users.shape[0]):
        i = np.uint64(users[a])  # unsigned: no check for negative indices
        s = state[i]
        engaged = (s == TRYING) | (s == USING)
        n_compliant += engaged & (confidence[i] < reject_threshold[i])
        n_live += live[i]
        n_using += s == USING
    return n_compliant, n_live, n_using


@compiled
def learn_and_tally(
    users: np.ndarray,
    state: np.ndarray,
    live: np.ndarray,
    skill: np.ndarray,
    confidence: np.ndarray,
    rate: float,
    counts: np.ndarray,
) -> tuple[float, float]:  # pragma: no cover
    """Skill grows by ``rate * (1 - skill)`` (:func:`skill_after`), capped at 1, for live
    users trying or using (S3); then the users per adoption state (written to ``counts``)
    and the sums of their confidence and of their skill after learning.

    ``users`` are person indices in ascending order (``Layout.users``).
    """
    n_trying, n_using, n_rejecting = 0, 0, 0
    conf = 0.0
    sk = 0.0
    a, m = 0, users.shape[0]
    while a < m:
        b = _run_end(users, a)
        lo, hi = users[a], users[a] + b - a
        st, lv, sl, cf = state[lo:hi], live[lo:hi], skill[lo:hi], confidence[lo:hi]
        for j in range(b - a):
            s = st[j]
            grown = min(skill_after(sl[j], rate), 1.0)  # for everyone: a selection, no jump
            sl[j] = grown if lv[j] & ((s == TRYING) | (s == USING)) else sl[j]
            n_trying += s == TRYING
            n_using += s == USING
            n_rejecting += s == REJECTING
        for j in range(b - a):
            conf += cf[j]
            sk += sl[j]
        a = b
    counts[NOT_USING] = m - n_trying - n_using - n_rejecting  # every user is in one state
    counts[TRYING], counts[USING], counts[REJECTING] = n_trying, n_using, n_rejecting
    return conf, sk
