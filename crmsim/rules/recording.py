"""Phase 10, the record: the week's aggregates, by the names of :data:`crmsim.record.COLUMNS`."""

from __future__ import annotations

import numpy as np

from crmsim import kernels
from crmsim.codes import NOT_USING, REJECTING, TRYING, USING
from crmsim.rules import Params
from crmsim.state import State


def week_values(s: State, p: Params, counts: np.ndarray) -> dict[str, float]:
    """Every column of this week's row by name (``counts`` is scratch space of 4 ints)."""
    org, pr, d = s.org, s.project, s.d
    users = s.layout.n_users
    nu = max(users, 1)
    conf_users, skill_users = kernels.user_summary(
        s.layout.users, s.people.state, s.people.confidence, s.people.skill, counts
    )
    c = s.people.confidence
    exec_c = c[: org.n_exec]
    mgr_c = c[org.n_exec : org.n_exec + org.n_units]
    staff_c = c[org.n_exec + org.n_units :]
    resistance = s.units.resistance
    r = pr.benefit_ratio
    # (x.sum() / x.size: the same number as x.mean(), without its Python overhead)
    return {
        "week": pr.week,
        "adoption": counts[USING] / nu,
        "trying": counts[TRYING] / nu,
        "rejecting": counts[REJECTING] / nu,
        "not_using": counts[NOT_USING] / nu,
        "engaged": (counts[TRYING] + counts[USING]) / nu,
        "units_live": int(s.units.unit_live.sum()),
        "confidence_sponsor": c[0],
        "confidence_executive": exec_c.sum() / exec_c.size,
        "confidence_manager": mgr_c.sum() / mgr_c.size,
        "confidence_frontline": staff_c.sum() / staff_c.size if staff_c.size else np.nan,
        "confidence_user": conf_users / users if users else np.nan,
        "manager_resistance": resistance.sum() / resistance.size,
        "managers_resisting": np.count_nonzero(resistance >= p["outcome.resisting_level"])
        / resistance.size,
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
