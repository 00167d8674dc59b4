"""Phase 4, perception (S6, S7, S8): visible results, the profit dip, milestone reviews."""

from __future__ import annotations

from crmsim import kernels
from crmsim.codes import CANCELLED, USING
from crmsim.rules import Params
from crmsim.rules.credibility import planned_use, update_credibility
from crmsim.state import State


def perceive(s: State, p: Params) -> None:
    """Smooth and scale the realised results; feel the dip; hold a milestone review when due."""
    d, pr = s.d, s.project
    week = pr.week
    alpha = 1.0 / p["visibility.lag_weeks"]
    pr.results_ema += alpha * (pr.benefit_ratio - pr.results_ema)
    pr.visible_results = d.visibility * pr.results_ema
    pr.dip = max(0.0, min(1.0, (d.profit0 - pr.profit) / d.profit0))
    # Milestone review (S8): a plan from the first go-live to the target.
    pr.milestone = 0
    pr.milestone_signal = 0.0
    interval = p["milestones.interval_weeks"]
    since = week - d.first_live
    # The plan expects an S-curve (slow start, Rogers): smoothstep to the target.
    plan = planned_use(s, p) if interval > 0 else 0.0
    due = interval > 0 and since > 0 and since % interval == 0
    # nobody announces a goal below the smallest one; a cancelled project has no reviews
    if due and plan >= p["milestones.min_goal"] and pr.status != CANCELLED:
        n_users = s.layout.n_users
        n_using = kernels.count_state(s.layout.users, s.people.state, USING)
        actual = n_using / n_users if n_users else 0.0
        pr.milestone = 1 if actual >= plan else -1
        # Met: a full lift; missed: a cost in proportion to the shortfall (S8).
        pr.milestone_signal = 1.0 if actual >= plan else -(plan - actual) / plan
        pr.events.append(
            {
                "week": week,
                "event": "milestone_met" if pr.milestone > 0 else "milestone_missed",
                "plan": plan,
                "actual": actual,
            }
        )
    update_credibility(s, p)


def common_signal(s: State, p: Params) -> float:
    """Signals everybody receives alike: visible results, the dip, milestones."""
    pr = s.project
    return (
        p["confidence.results_weight"] * pr.visible_results
        - p["confidence.dip_weight"] * pr.dip
        + p["milestones.impact"] * pr.milestone_signal
    )
