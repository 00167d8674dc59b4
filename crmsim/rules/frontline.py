"""Phase 7, frontline staff (S6, S8, S9): confidence from results, messages, peers, own use."""

from __future__ import annotations

import numpy as np

from crmsim import kernels
from crmsim.kernels.records import COMMON, OWN_SCALE, STRAIN
from crmsim.rules import Params
from crmsim.rules.accounts import effective_fit
from crmsim.rules.logodds import sigmoid_of_negated
from crmsim.rules.mandate import resentment
from crmsim.rules.perception import common_signal
from crmsim.rules.sponsor import sponsor_message
from crmsim.rules.support import overload
from crmsim.state import State


def live_signal(p: Params) -> float:
    """What the users of a live unit feel of the system's setting (S3, S6; CAL-11.6):
    customers who took part expect it used, minus the resentment of monitoring."""
    demand = (
        p["effects.customer_demand"]
        * p["confidence.results_weight"]
        * p["levers.customer_participation"]
    )
    return demand - resentment(p)


def frontline(s: State, p: Params) -> None:
    """The staff's log-odds move with what they see, hear and feel; confidence follows."""
    org, people, units = s.org, s.people, s.units
    lo = org.n_exec + org.n_units
    # What each unit's staff hear: the sponsor's message through the manager's
    # gate, plus the manager's own stance (S5, S8); computed per unit.
    message = sponsor_message(s)
    heard_in_unit = np.empty(units.gate.size)
    kernels.unit_messages(
        message, p["managers.sign_aware"], p["managers.filter_strength"], units.gate,
        units.stance, p["managers.message_weight"], units.manager_credibility,
        p["credibility.enabled"], units.message_gate, heard_in_unit,
    )  # fmt: skip
    # Own benefit and frustration: only users can be using or trying (S6, S7).
    w = p["frontline.strain_overload_share"]
    sig = s.signals
    sig[STRAIN] = w * overload(s, p) + (1.0 - w) * (1.0 - s.d.quality)
    sig[COMMON] = common_signal(s, p)
    # the personal benefit a user can see depends on the data in the system (S6, S9),
    # by the same share as the firm's benefit (data.benefit_weight; 0: not at all)
    dq = p["data.benefit_weight"]
    sig[OWN_SCALE] = (1.0 - dq) + dq * s.project.data_quality if dq > 0 else 1.0
    kernels.frontline(
        people.z, people.disposition, people.confidence, s.layout.staff_peers, org.peer_count,
        lo, org.unit, heard_in_unit, effective_fit(s), units.unit_live,
        p["frontline.fit_frustration"], live_signal(p), org.is_user, people.state,
        people.skill, s.prm, s.signals,
    )  # fmt: skip
    sigmoid_of_negated(people.confidence[lo:])  # (the kernel left -z there)
