"""Management mechanisms (Model 2.0, mechanism 7; S2 管理机制; CAL-11.x).

Mandated use with usage monitoring and incentives tied to CRM data, beside
the nine survey levers. A mandate forces take-up and deters work-arounds
while its force lasts; the force fades after the first go-live (CAL-11.1,
11.2: norms act under mandate and fade; CAL-11.3: mandated SFA rejected by
month 6), while monitored users resent it (CAL-11.6). Incentives add a pull
for routine users. Both cost money each week, and both produce
compliance-only use (users who use though their own confidence is below
their rejection point), exposed as ``Project.compliance_share`` for the data
quality rule. All zero when ``mandate.level`` and ``mandate.incentives`` are 0.
"""

from __future__ import annotations

import math

from crmsim import kernels
from crmsim.codes import CANCELLED
from crmsim.kernels.records import MANDATE_PUSH, REJECT_FACTOR, USE_BONUS
from crmsim.rules import Params
from crmsim.state import State


def mandate_force(s: State, p: Params) -> float:
    """The mandate's force this week: its level, fading from the first go-live on (CAL-11.2)."""
    level = p["mandate.level"]
    since = s.project.week - s.d.first_live
    if level <= 0.0 or since < 0 or s.project.status == CANCELLED:
        return 0.0
    return level * math.exp(-since / p["mandate.fade_weeks"])


def set_signals(s: State, p: Params) -> None:
    """The adoption and frontline signals of a mandate and of incentives (before those phases)."""
    sig = s.signals
    if p["mandate.level"] <= 0.0 and p["mandate.incentives"] <= 0.0:  # neither: no force, no pull
        sig[MANDATE_PUSH], sig[REJECT_FACTOR], sig[USE_BONUS] = 0.0, 1.0, 0.0
        return
    force = mandate_force(s, p)
    sig[MANDATE_PUSH] = p["mandate.push"] * force
    sig[REJECT_FACTOR] = 1.0 - p["mandate.suppression"] * force
    sig[USE_BONUS] = p["mandate.incentive_weight"] * p["mandate.incentives"]


def resentment(p: Params) -> float:
    """Confidence a monitored user loses per week (CAL-11.6)."""
    return p["mandate.resentment"] * p["mandate.level"]


def mandate(s: State, p: Params) -> None:
    """After adoption: the share of compliance-only users and next week's cost of the mechanisms."""
    pr = s.project
    level, incentives = p["mandate.level"], p["mandate.incentives"]
    if (level <= 0.0 and incentives <= 0.0) or pr.status == CANCELLED:
        pr.compliance_share = 0.0
        pr.mechanism_costs = 0.0
        return
    people, n_users = s.people, s.layout.n_users
    n_compliant, n_live, n_using = kernels.mandate_tallies(
        s.layout.users, people.state, people.live, people.confidence, people.reject_threshold
    )
    pr.compliance_share = float(n_compliant) / max(n_users, 1)
    pr.mechanism_costs = (
        level * p["mandate.cost_per_user_week"] * n_live
        + incentives * p["mandate.incentive_per_user_week"] * n_using
    )
