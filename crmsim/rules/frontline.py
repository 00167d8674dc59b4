"""Phase 7, frontline staff (S6, S8, S9): confidence from results, messages, peers, own use."""

from __future__ import annotations

import numpy as np

from crmsim import kernels
from crmsim.kernels.records import COMMON, OWN_SCALE, STRAIN
from crmsim.rules import Params
from crmsim.rules.accounts import effective_fit
from crmsim.rules.managers import message_gate
from crmsim.rules.mandate import resentment
from crmsim.rules.perception import common_signal
from crmsim.rules.sponsor import sponsor_message
from crmsim.rules.support import overload
from crmsim.state import State


def manager_voice(s: State, p: Params) -> np.ndarray:
    """The weight of each manager's own stance in what the team hears (CAL-5.4), times
    the manager's credibility when senders have credibility (Model 2.0)."""
    w = p["managers.message_weight"]
    return w * s.units.manager_credibility if p["credibility.enabled"] else w


_ZEROS: dict[int, np.ndarray] = {}


def _zeros(n: int) -> np.ndarray:
    """A read-only array of ``n`` zeros, made once per size (nothing to add this week)."""
    if n not in _ZEROS:
        zeros = np.zeros(n)
        zeros.flags.writeable = False
        _ZEROS[n] = zeros
    return _ZEROS[n]


def unit_signals(s: State, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: the strain of using its system, and the signal of its live users.

    Strain (in units of the frustration weight, for users trying or using):
    ``frontline.fit_frustration * (1 - fit)`` in live units (S2, S3; CAL-4.3:
    misfit brings work-arounds). Live signal: customers who took part expect
    the system used (S3, S6) minus the resentment of monitoring (CAL-11.6).
    """
    units = s.units
    live = units.unit_live
    w_fit = p["frontline.fit_frustration"]
    strain = (
        w_fit * (1.0 - effective_fit(s)) * live if w_fit > 0.0 else _zeros(units.unit_live.size)
    )
    demand = (
        p["effects.customer_demand"]
        * p["confidence.results_weight"]
        * p["levers.customer_participation"]
    )
    signal = demand - resentment(p)
    return strain, signal * live if signal != 0.0 else _zeros(units.unit_live.size)


def frontline(s: State, p: Params) -> None:
    """The staff's log-odds move with what they see, hear and feel; confidence follows."""
    org, people, units = s.org, s.people, s.units
    lo = org.n_exec + org.n_units
    # What each unit's staff hear: the sponsor's message through the manager's
    # gate, plus the manager's own stance (S5, S8); computed per unit.
    message = sponsor_message(s)
    heard_in_unit = message_gate(s, p, message) * message + manager_voice(s, p) * units.stance
    # Own benefit and frustration: only users can be using or trying (S6, S7).
    w = p["frontline.strain_overload_share"]
    sig = s.signals
    sig[STRAIN] = w * overload(s, p) + (1.0 - w) * (1.0 - s.d.quality)
    sig[COMMON] = common_signal(s, p)
    # the personal benefit a user can see depends on the data in the system (S6, S9),
    # by the same share as the firm's benefit (data.benefit_weight; 0: not at all)
    dq = p["data.benefit_weight"]
    sig[OWN_SCALE] = (1.0 - dq) + dq * s.project.data_quality if dq > 0 else 1.0
    strain, live_signal = unit_signals(s, p)
    kernels.frontline(
        people.z, people.disposition, people.confidence, s.layout.staff_peers, org.peer_count,
        lo, org.unit, heard_in_unit, strain, live_signal, org.is_user, people.state,
        people.skill, s.prm, s.signals,
    )  # fmt: skip
    # confidence = 1 / (1 + exp(-z)): the kernel left -z in it; numpy's exp, as everywhere
    c = people.confidence[lo:]
    np.exp(c, out=c)
    kernels.one_over_one_plus(c)
