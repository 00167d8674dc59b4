"""Phase 6, middle managers (S5): resistance, confidence, stance and the gate to their team."""

from __future__ import annotations

import numpy as np

from crmsim import kernels
from crmsim.kernels.records import CLARITY_FACTOR, MANAGER_SIGNAL
from crmsim.rules import Params
from crmsim.rules.credibility import unit_use
from crmsim.rules.perception import common_signal
from crmsim.rules.sponsor import sponsor_message
from crmsim.rules.support import team_on
from crmsim.state import State


def cross_department(s: State, p: Params) -> float | np.ndarray:
    """Cross-department communication (S4, S5): the firm's, or each manager's (Model 2.0).

    Helped by the sponsor's coordination (S4) and a dedicated project team (S3
    staffing). With ``managers.network_xdept`` the base intensity is the activity
    of each manager's ties to managers of other functions (relative to the mean,
    at most 1) instead of one firm-wide value.
    """
    base = p["managers.xdept_communication"]
    if p["managers.network_xdept"]:
        base = np.minimum(1.0, base * s.units.xdept_ties)
    return 1.0 - (1.0 - base) * (1.0 - p["effects.xdept_per_resources"] * s.project.resources) * (
        1.0 - p["effects.xdept_per_staffing"] * p["levers.staffing"] * team_on(s, p)
    )


def relief(s: State, p: Params, xdept: float | np.ndarray) -> np.ndarray:
    """Each unit's factor on the resistance target (S5).

    ``1 - managers.xdept_relief * xdept``; with Model 2.0's weights also
    ``x (1 - resistance_confidence * (2c - 1))`` (the manager's own conviction, last
    week's) ``x (1 - resistance_results * use share in the unit)`` (results seen).
    """
    nu = s.org.n_units
    factor = 1.0 - p["managers.xdept_relief"] * xdept
    if not isinstance(factor, np.ndarray):
        factor = np.full(nu, factor)
    w_conf = p["managers.resistance_confidence"]
    if w_conf > 0.0:
        lo = s.org.n_exec
        factor *= 1.0 - w_conf * (2.0 * s.people.confidence[lo : lo + nu] - 1.0)
    w_res = p["managers.resistance_results"]
    if w_res > 0.0:
        factor *= 1.0 - w_res * np.where(s.units.unit_live, unit_use(s)[0], 0.0)
    return factor


def managers(s: State, p: Params) -> None:
    """Resistance moves toward what restructuring implies; confidence, stance and gate follow."""
    org = s.org
    xdept = cross_department(s, p)
    sig = s.signals
    sig[CLARITY_FACTOR] = s.d.clarity_factor
    sig[MANAGER_SIGNAL] = common_signal(s, p) + p[
        "confidence.communication_weight"
    ] * sponsor_message(s)
    people, units = s.people, s.units
    kernels.managers(
        people.z, people.disposition, people.confidence, s.layout.manager_peers, org.peer_count,
        org.n_exec, units.resistance, units.sensitivity, units.restructuring, relief(s, p, xdept),
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
    """
    units = s.units
    if p["managers.sign_aware"]:
        units.message_gate = np.maximum(
            0.0, 1.0 + p["managers.filter_strength"] * units.stance * np.sign(message)
        )
    else:
        units.message_gate = units.gate
    return units.message_gate
