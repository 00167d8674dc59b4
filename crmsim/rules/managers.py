"""Phase 6, middle managers (S5): resistance, confidence, stance and the gate to their team."""

from __future__ import annotations

import numpy as np

from crmsim import kernels
from crmsim.kernels.records import CLARITY_FACTOR, MANAGER_SIGNAL, XDEPT
from crmsim.rules import Params
from crmsim.rules.perception import common_signal
from crmsim.rules.sponsor import sponsor_message
from crmsim.rules.support import team_on
from crmsim.state import State


def managers(s: State, p: Params) -> None:
    """Resistance moves toward what restructuring implies; confidence, stance and gate follow."""
    org = s.org
    # Cross-department communication, helped by the sponsor's coordination (S4, S5)
    # and by a dedicated project team (S3 staffing).
    xdept = 1.0 - (1.0 - p["managers.xdept_communication"]) * (
        1.0 - p["effects.xdept_per_resources"] * s.project.resources
    ) * (1.0 - p["effects.xdept_per_staffing"] * p["levers.staffing"] * team_on(s, p))
    sig = s.signals
    sig[CLARITY_FACTOR] = s.d.clarity_factor
    sig[XDEPT] = xdept
    sig[MANAGER_SIGNAL] = common_signal(s, p) + p[
        "confidence.communication_weight"
    ] * sponsor_message(s)
    people, units = s.people, s.units
    kernels.managers(
        people.z, people.disposition, people.confidence, s.layout.manager_peers, org.peer_count,
        org.n_exec, units.resistance, units.sensitivity, units.restructuring, units.stance,
        units.gate, s.prm, s.signals,
    )  # fmt: skip


def update_stance(s: State, p: Params) -> None:
    """A manager's stance: conviction minus resistance, in [-1, 1] (S5); and the gate."""
    org, units = s.org, s.units
    c_m = s.people.confidence[org.n_exec : org.n_exec + org.n_units]
    units.stance = np.clip(2.0 * c_m - 1.0 - units.resistance, -1.0, 1.0)
    # The gate through which the manager passes messages and readiness.
    units.gate = np.maximum(0.0, 1.0 + p["managers.filter_strength"] * units.stance)
