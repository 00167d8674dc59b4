"""Phase 10, the record: the week's aggregates, by the names of :data:`crmsim.record.COLUMNS`."""

from __future__ import annotations

import numpy as np

from crmsim import kernels
from crmsim.codes import NOT_USING, REJECTING, TRYING, USING
from crmsim.rules import Params
from crmsim.state import State


def week_values(s: State, p: Params, counts: np.ndarray) -> dict[str, float]:
    """Every column of this week's row by name (``counts`` is scratch space of 4 ints)."""
    org, pr, d, people = s.org, s.project, s.d, s.people
    users = s.layout.n_users
    tally = s.tally
    if tally.week == pr.week:  # learning has just tallied the users (rules.learning)
        tally.week = -1  # used once
        counts, conf_users, skill_users = tally.counts, tally.confidence, tally.skill
    else:  # week 0, or no learning this week
        conf_users, skill_users = kernels.user_summary(
            s.layout.users, people.state, people.confidence, people.skill, counts
        )
    n = counts.tolist()  # Python's int / int divides the same doubles as numpy's, faster
    nu = max(users, 1)
    sponsor, execs, managers, staff, resistance, resisting, n_live = kernels.people_summary(
        people.confidence, org.n_exec, org.n_units, s.units.resistance,
        p["outcome.resisting_level"], s.units.unit_live,
    )  # fmt: skip
    r = pr.benefit_ratio
    return {
        "week": pr.week,
        "adoption": n[USING] / nu,
        "trying": n[TRYING] / nu,
        "rejecting": n[REJECTING] / nu,
        "not_using": n[NOT_USING] / nu,
        "engaged": (n[TRYING] + n[USING]) / nu,
        "units_live": n_live,
        "confidence_sponsor": sponsor,
        "confidence_executive": execs,
        "confidence_manager": managers,
        "confidence_frontline": staff,
        "confidence_user": conf_users / users if users else np.nan,
        "manager_resistance": resistance,
        "managers_resisting": resisting,
        "mean_skill": skill_users / users if users else 0.0,
        "profit": pr.profit,
        "profit_rel": (pr.profit - d.profit0) / d.profit0,
        "benefit": pr.benefit,
        "costs": pr.costs,
        "learning_loss": pr.loss,
        "disruption": pr.disruption,
        "cum_profit_delta": pr.cum_delta,
        "spend": pr.spend,
        "visible_results": pr.visible_results,
        "resources": pr.resources,
        "status": pr.status,
        "milestone": pr.milestone,
        "kpi_sales_cycle_change_pct": p["outcome.kpi_sales_cycle_pct"] * r,  # CAL-2.7
        "kpi_customer_satisfaction_change_pct": p["outcome.kpi_satisfaction_pct"] * r,  # CAL-2.5
    }
