"""Phase 6, middle managers (S5): resistance, confidence, stance and the gate to their team."""

from __future__ import annotations

import numpy as np

from crmsim import kernels
from crmsim.kernels.records import CLARITY_FACTOR, MANAGER_SIGNAL
from crmsim.rules import Params
from crmsim.rules.accounts import census
from crmsim.rules.perception import common_signal
from crmsim.rules.restructuring import restructuring_over
from crmsim.rules.sponsor import sponsor_message
from crmsim.rules.support import team_on
from crmsim.state import State


def relief(s: State, p: Params) -> np.ndarray:
    """Each unit's factor on its manager's resistance target (S5).

    ``1 - managers.xdept_relief * xdept``, with ``xdept`` the cross-department
    communication (S4, S5): ``1 - (1 - base) (1 - effects.xdept_per_resources x
    resources) (1 - effects.xdept_per_staffing x levers.staffing x team)``, helped by the
    sponsor's coordination (S4) and a dedicated project team (S3 staffing); ``base`` is
    ``managers.xdept_communication``, or with ``managers.network_xdept`` the activity
    of each manager's ties to managers of other functions (relative to the mean, at
    most 1). With Model 2.0's weights also ``x (1 - resistance_confidence * (2c - 1))``
    (the manager's own conviction, last week's) ``x (1 - resistance_results * use share
    in the unit)`` (results seen). Computed by :func:`crmsim.kernels.unit_relief`.
    """
    units, lay = s.units, s.layout
    if p["managers.resistance_results"] > 0.0:  # (only then does the use seen count)
        using = census(s, p).unit_using  # the week's count, taken again after a cancellation
    else:
        using = np.zeros(s.org.n_units, dtype=np.int64)
    out = np.empty(s.org.n_units)
    kernels.unit_relief(
        p["managers.xdept_communication"], p["managers.network_xdept"], units.xdept_ties,
        1.0 - p["effects.xdept_per_resources"] * s.project.resources,
        1.0 - p["effects.xdept_per_staffing"] * p["levers.staffing"] * team_on(s, p),
        p["managers.xdept_relief"], p["managers.resistance_confidence"], s.people.confidence,
        s.org.n_exec, p["managers.resistance_results"], units.unit_live, using, lay.unit_users,
        out,
    )  # fmt: skip
    return out


def managers(s: State, p: Params) -> None:
    """Resistance moves toward what restructuring implies; confidence, stance and gate follow."""
    org = s.org
    sig = s.signals
    sig[CLARITY_FACTOR] = s.d.clarity_factor
    sig[MANAGER_SIGNAL] = common_signal(s, p) + p[
        "confidence.communication_weight"
    ] * sponsor_message(s)
    people, units = s.people, s.units
    if restructuring_over(s, p):  # the target is 0 whatever the relief (its factors are finite)
        factor = s.recall("no_relief")
        if factor is None:
            factor = s.keep("no_relief", np.ones(org.n_units))
    else:
        factor = relief(s, p)
    kernels.managers(
        people.z, people.disposition, people.confidence, s.layout.manager_peers, org.peer_count,
        org.n_exec, units.resistance, units.sensitivity, units.restructuring, factor,
        units.stance, units.gate, s.prm, s.signals,
    )  # fmt: skip


def update_stance(s: State, p: Params) -> None:
    """A manager's stance: conviction minus resistance, in [-1, 1] (S5); and the gate."""
    org, units = s.org, s.units
    c_m = s.people.confidence[org.n_exec : org.n_exec + org.n_units]
    units.stance = np.clip(2.0 * c_m - 1.0 - units.resistance, -1.0, 1.0)
    # The gate through which the manager passes messages and readiness.
    units.gate = np.maximum(0.0, 1.0 + p["managers.filter_strength"] * units.stance)


def message_gate(s: State, p: Params, message: float) -> np.ndarray:
    """What each manager passes of the sponsor's message (S5; CAL-5.4, 13.3, 13.4).

    Off (``managers.sign_aware`` false) the gate, whatever the message's sign.
    Sign-aware, ``max(0, 1 + filter_strength * stance * sign(message))``: a
    supportive manager amplifies good news and softens bad news, a resistant
    one does the reverse.

    The week's own gates are written by the frontline rule
    (:func:`crmsim.kernels.unit_messages`, which this reads too); this returns a new
    array and leaves the state as it is (a game's speech asks it mid-week).
    """
    units = s.units
    gate, heard = np.empty(units.gate.size), np.empty(units.gate.size)
    kernels.unit_messages(
        message, p["managers.sign_aware"], p["managers.filter_strength"], units.gate,
        units.stance, p["managers.message_weight"], units.manager_credibility,
        p["credibility.enabled"], gate, heard,
    )  # fmt: skip
    return gate
