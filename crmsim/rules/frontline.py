"""Phase 7, frontline staff (S6, S8, S9): confidence from results, messages, peers, own use."""

from __future__ import annotations

from crmsim import kernels
from crmsim.kernels.records import COMMON, STRAIN
from crmsim.rules import Params
from crmsim.rules.logodds import sigmoid_into
from crmsim.rules.perception import common_signal
from crmsim.rules.sponsor import sponsor_message
from crmsim.rules.support import overload
from crmsim.state import State


def frontline(s: State, p: Params) -> None:
    """The staff's log-odds move with what they see, hear and feel; confidence follows."""
    org, people, units = s.org, s.people, s.units
    lo = org.n_exec + org.n_units
    # What each unit's staff hear: the sponsor's message through the manager's
    # gate, plus the manager's own stance (S5, S8); computed per unit.
    heard_in_unit = units.gate * sponsor_message(s) + p["managers.message_weight"] * units.stance
    # Own benefit and frustration: only users can be using or trying (S6, S7).
    w = p["frontline.strain_overload_share"]
    sig = s.signals
    sig[STRAIN] = w * overload(s, p) + (1.0 - w) * (1.0 - s.d.quality)
    sig[COMMON] = common_signal(s, p)
    kernels.frontline(
        people.z, people.disposition, people.confidence, s.layout.staff_peers, org.peer_count,
        lo, org.unit, heard_in_unit, org.is_user, people.state, people.skill, s.prm, s.signals,
    )  # fmt: skip
    sigmoid_into(people.z[lo:], people.confidence[lo:])
