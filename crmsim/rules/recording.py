"""Phase 10, the record: the week's aggregates, by the names of :data:`crmsim.record.COLUMNS`."""

from __future__ import annotations

import numpy as np

from crmsim import kernels
from crmsim.codes import NOT_USING, REJECTING, TRYING, USING
from crmsim.rules import Params
from crmsim.state import State


def _mean(total: float, n: int) -> float:
    """``total / n``, or NaN for nobody (as numpy's mean of nothing)."""
    return total / n if n else np.nan


def week_values(s: State, p: Params, counts: np.ndarray) -> dict[str, float]:
    """Every column of this week's row by name (``counts`` is scratch space of 4 ints)."""
    org, pr, d = s.org, s.project, s.d
    users = s.layout.n_users
    nu = max(users, 1)
    tally = s.tally
    if tally.week == pr.week:  # learning has just tallied the users (rules.learning)
        tally.week = -1  # used once
        counts, conf_users, skill_users = tally.counts, tally.confidence, tally.skill
    else:  # week 0, or no learning this week
        conf_users, skill_users = kernels.user_summary(
            s.layout.users, s.people.state, s.people.confidence, s.people.skill, counts
        )
    c = s.people.confidence
    n_staff = c.size - org.n_exec - org.n_units
    n_mgr = s.units.resistance.size
    # (sums as numpy makes them; sum / size is the same number as numpy's mean)
    exec_sum, mgr_sum, staff_sum, res_sum, n_resisting, n_live = kernels.people_summary(
        c, org.n_exec, org.n_units, s.units.resistance, p["outcome.resisting_level"],
        s.units.unit_live,
    )  # fmt: skip
    r = pr.benefit_ratio
    return {
        "week": pr.week,
        "adoption": counts[USING] / nu,
        "trying": counts[TRYING] / nu,
        "rejecting": counts[REJECTING] / nu,
        "not_using": counts[NOT_USING] / nu,
        "engaged": (counts[TRYING] + counts[USING]) / nu,
        "units_live": n_live,
        "confidence_sponsor": c[0],
        "confidence_executive": _mean(exec_sum, org.n_exec),
        "confidence_manager": _mean(mgr_sum, org.n_units),
        "confidence_frontline": _mean(staff_sum, n_staff),
        "confidence_user": conf_users / users if users else np.nan,
        "manager_resistance": _mean(res_sum, n_mgr),
        "managers_resisting": _mean(n_resisting, n_mgr),
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
