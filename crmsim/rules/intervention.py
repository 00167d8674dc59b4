"""Parameters changed mid-run: what the new values change in the state, and what the past fixed."""

from __future__ import annotations

import numpy as np

from crmsim.codes import CANCELLED, FIT_MAX, FIT_MIN, NEVER
from crmsim.effects import derive
from crmsim.kernels import param_record
from crmsim.rules import Params
from crmsim.rules.managers import update_stance
from crmsim.rules.restructuring import unit_depth
from crmsim.rules.sponsor import update_resources
from crmsim.state import State


def change_parameters(s: State, before: Params, after: Params) -> None:
    """Bring the state in line with parameters changed from ``before`` to ``after``.

    From the next week on, the new values act as if they had been set from
    the start, except for what the past has fixed: the organisation, the
    people's traits and starting state, the implementation period and its
    up-front cost, the pre-project profit and the budget, and the go-live
    week of units already live (units not yet live follow the new pilot and
    phasing plan, never earlier than next week). A change of process fit
    keeps the firm's own deviation from the expected fit; a raised one-off
    lever costs its difference, paid next week.
    """
    pr, units, org = s.project, s.units, s.org
    old = s.d
    more_analysis = max(0.0, after["levers.process_analysis"] - before["levers.process_analysis"])
    more_vendor = max(0.0, after["levers.vendor_evaluation"] - before["levers.vendor_evaluation"])
    if pr.status != CANCELLED:
        pr.one_off_due += (
            more_analysis * after["economics.analysis_per_employee"] * org.n
            + more_vendor * after["effects.vendor_evaluation_cost"] * old.services_total
        )
    d = derive(after, org)
    d.implementation_weeks, d.first_live = old.implementation_weeks, old.first_live
    d.up_front_weekly, d.services_total = old.up_front_weekly, old.services_total
    d.profit0, d.budget = old.profit0, old.budget
    planned = d.go_live != NEVER
    d.go_live = np.where(
        units.unit_live,
        old.go_live,
        np.where(planned, np.maximum(d.go_live, pr.week + 1), NEVER),
    )
    if pr.week >= old.first_live:  # the pilot, if any, has already been decided
        d.pilot_scheduled = old.pilot_scheduled
    s.d = d
    s.prm = param_record(after)
    if d.fit != old.fit:  # (x + a - a need not be x in floating point: no change, no sum)
        pr.firm_fit = float(np.clip(pr.firm_fit + d.fit - old.fit, FIT_MIN, FIT_MAX))
        waiting = ~units.unit_live
        # the pilot's lessons reach a waiting unit when it goes live (rules.rollout)
        units.unit_fit[waiting] = pr.firm_fit
        live_fit = units.unit_fit[~waiting] + d.fit - old.fit
        units.unit_fit[~waiting] = np.clip(live_fit, FIT_MIN, FIT_MAX)
    # (restructuring as an event keeps its course: rules.restructuring)
    if pr.status != CANCELLED and after["restructuring.half_life_weeks"] <= 0:
        restructuring = unit_depth(after, org.unit_front)
        adjustment = units.restructuring_adjustment
        if adjustment.any():
            np.clip(restructuring + adjustment, 0.0, 1.0, out=restructuring)
        units.restructuring = restructuring
    update_resources(s, after)
    update_stance(s, after)
