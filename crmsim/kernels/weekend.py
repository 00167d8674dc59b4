"""The end of a week in one pass over the users: learning (S3) and the record's user tally.

Learning (:mod:`crmsim.rules.learning`) is the last rule of a week and the
record (:mod:`crmsim.rules.recording`) reads the users right after it, so one
pass does both: it moves each learner's skill and then counts the user's
adoption state and adds their confidence and new skill, in user order from
0.0, the same additions in the same order as
:func:`crmsim.kernels.tallies.user_summary` makes after learning, so the
same numbers.

The loop has no branches: a user's state decides by selection, not by a
jump (the states are mixed, so a jump would be mispredicted often), and
people are indexed as unsigned numbers (numba then leaves out its check for
negative indices).
"""

from __future__ import annotations

import numpy as np

from crmsim.codes import NOT_USING, REJECTING, TRYING, USING
from crmsim.kernels.compiling import compiled
from crmsim.kernels.tallies import skill_after


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
    and the sums of their confidence and of their skill after learning."""
    n_trying, n_using, n_rejecting = 0, 0, 0
    conf = 0.0
    sk = 0.0
    for a in range(users.shape[0]):
        i = np.uint64(users[a])
        s = state[i]
        x = skill[i]
        grown = min(skill_after(x, rate), 1.0)  # computed for all: a selection, no jump
        x = grown if live[i] & ((s == TRYING) | (s == USING)) else x
        skill[i] = x
        n_trying += s == TRYING
        n_using += s == USING
        n_rejecting += s == REJECTING
        conf += confidence[i]
        sk += x
    counts[NOT_USING] = users.shape[0] - n_trying - n_using - n_rejecting
    counts[TRYING], counts[USING], counts[REJECTING] = n_trying, n_using, n_rejecting
    return conf, sk
