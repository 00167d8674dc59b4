"""Phase 8, adoption (S6, S9): not using -> trying -> using, and rejecting."""

from __future__ import annotations

import numpy as np

from crmsim import kernels
from crmsim.codes import CANCELLED, CUT
from crmsim.kernels.records import CUT_FACTOR
from crmsim.rules import Params
from crmsim.state import State


def adopt(s: State, p: Params, draws: np.ndarray) -> None:
    """Adoption transitions, decided ``run.substeps`` times a week from ``draws``.

    Each sub-step applies the weekly hazards divided by the number of
    sub-steps and recomputes the peer shares, so the weekly result
    approaches the continuous-time process (the Bass curve) as the number
    of sub-steps grows. Confidence and manager stance are fixed within the
    week. ``draws`` has one row of uniforms per sub-step and one column per user.
    """
    if s.layout.n_users == 0 or s.project.status == CANCELLED:
        return
    s.signals[CUT_FACTOR] = p["effects.cut_share"] if s.project.status == CUT else 1.0
    people, org = s.people, s.org
    kernels.adopt(
        draws, s.layout.users, people.state, people.confidence, s.units.gate, s.layout.user_unit,
        people.live, people.innovativeness, people.reject_threshold, people.threshold,
        people.skill, org.user_peer_count, s.layout.user_table, s.prm, s.signals,
    )  # fmt: skip
