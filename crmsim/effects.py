"""What the levers do: the effects and fixed quantities computed once per run.

The nine survey levers (S3) and the starting conditions (S1) act through
these numbers, each a documented function of the declared parameters
(``docs/model.md``, section 8; the coefficients are the ``effects.*``
parameters): the process fit, the pilot's lessons, system quality,
visibility, training, support, clarity, the sponsor's resilience, the
accounts' fixed amounts, and the go-live week of every unit. The weekly
update in :mod:`crmsim.model` only reads them; ``CrmModel.intervene``
recomputes them when a lever moves mid-run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crmsim.codes import NEVER, WEEKS_PER_YEAR
from crmsim.organisation import Organisation


@dataclass
class Derived:
    """Lever effects and fixed quantities computed once per run.

    Each is a documented function of the parameters (docs/model.md, "Lever
    effects"); the weekly update only reads them.
    """

    fit: float  # process fit of the system, before pilot lessons (S2, S3)
    pilot_fit_bonus: float  # fit gained by units going live after a pilot (S3)
    pilot_skill_bonus: float
    quality: float  # system quality: fewer defects (S10 vendor evaluation)
    visibility: float  # share of results made visible (S6, customers help)
    training_skill: float  # skill given at go-live by training (S3)
    learn_multiplier: float
    clarity_factor: float  # restructuring clarity from process analysis (S5)
    comm_quality: float  # geometric mean of cadence and clarity (S8)
    resilience: float  # share of setbacks the sponsor shrugs off (S4)
    profit0: float  # pre-project weekly profit
    revenue: float
    cm: float
    licence_week_per_user: float
    services_total: float
    up_front_weekly: float  # analysis, vendor evaluation and services per implementation week
    implementation_weeks: int
    first_live: int  # week of the first go-live: the week after implementation
    go_live: np.ndarray = field(repr=False)  # go-live week per unit (NEVER for back office)
    budget: float = 0.0
    pilot_scheduled: bool = False  # a pilot actually runs before the other units


def derive(p: Mapping[str, Any], org: Organisation) -> Derived:
    """The lever effects and fixed quantities of a run (docs/model.md, section 8).

    Args:
        p: Every parameter's value by dotted name.
        org: The organisation (head counts, units, functions).
    """
    pa = p["levers.process_analysis"]
    cp = p["levers.customer_participation"]
    ve = p["levers.vendor_evaluation"]
    pilot = p["levers.pilot_first"]
    vis_level = p["visibility.level"]
    revenue = p["economics.revenue_per_employee"]
    n_users = org.n_users
    licence_week = p["economics.licence_per_user_month"] * 12.0 / WEEKS_PER_YEAR
    services_total = p["economics.services_multiple"] * licence_week * WEEKS_PER_YEAR * n_users
    impl = p["rollout.implementation_weeks"]
    # Tangible phase goals make the message clearer (S8).
    clarity = p["communication.clarity"]
    if p["milestones.interval_weeks"] > 0:
        clarity += p["effects.milestone_clarity"] * (1.0 - clarity)
    analysis = pa * p["economics.analysis_per_employee"] * org.n
    vendor_eval = ve * p["effects.vendor_evaluation_cost"] * services_total
    up_front = services_total + analysis + vendor_eval
    go_live, pilot_scheduled = go_live_schedule(p, org)
    quality_base = p["effects.quality_base"]
    return Derived(
        fit=float(
            np.clip(
                p["effects.fit_base"]
                + p["effects.fit_per_process_analysis"] * pa
                + p["effects.fit_per_customer_participation"] * cp
                + p["effects.fit_per_vendor_evaluation"] * ve
                + p["effects.fit_per_expert_help"] * p["levers.expert_help"]
                + p["effects.fit_per_it_maturity"] * p["start.it_maturity"],
                0.0,
                1.0,
            )
        ),
        pilot_fit_bonus=p["effects.pilot_fit"] * pilot,
        pilot_skill_bonus=p["effects.pilot_skill"] * pilot,
        quality=quality_base + (1.0 - quality_base) * ve,
        visibility=vis_level + p["effects.customer_visibility"] * cp * (1.0 - vis_level),
        training_skill=p["effects.training_skill"] * p["levers.training"],
        learn_multiplier=p["effects.learn_base"]
        + p["effects.learn_per_training"] * p["levers.training"],
        clarity_factor=1.0 - p["effects.analysis_clarity"] * pa,
        comm_quality=float(np.sqrt(p["communication.cadence"] * clarity)),
        resilience=p["effects.resilience"] * p["levers.top_management_support"],
        profit0=org.n * revenue * p["economics.margin"],
        revenue=revenue,
        cm=p["economics.contribution_margin"],
        licence_week_per_user=licence_week,
        services_total=services_total,
        up_front_weekly=up_front / max(impl, 1),
        implementation_weeks=impl,
        first_live=impl + 1,
        go_live=go_live,
        pilot_scheduled=pilot_scheduled,
        budget=p["start.budget_per_user"] * n_users,
    )


def go_live_schedule(p: Mapping[str, Any], org: Organisation) -> tuple[np.ndarray, bool]:
    """Go-live week per unit from the pilot and phasing levers (S3, S4).

    A pilot puts the first front-end function (sales, S4: "start locally")
    live first; the other front-end units follow after the pilot, in
    waves when the roll-out is phased. Back-office units never go live:
    they do not use CRM daily (S5).

    Returns:
        (go-live week per unit, ``NEVER`` for back office; whether a pilot
        runs before the other units)
    """
    go = np.full(org.n_units, NEVER, dtype=np.int64)
    front = np.flatnonzero(org.unit_front)
    start = p["rollout.implementation_weeks"] + 1
    pilot_weeks = round(p["levers.pilot_first"] * p["rollout.max_pilot_weeks"])
    rest = front
    pilot_scheduled = bool(pilot_weeks > 0 and front.size > 1)
    if pilot_scheduled:
        pilot_units = front[org.unit_function[front] == 0]
        if pilot_units.size == front.size:  # only sales: pilot a quarter of it
            pilot_units = front[: max(1, front.size // 4)]
        go[pilot_units] = start
        rest = np.setdiff1d(front, pilot_units)
        start += pilot_weeks
    n_waves = 1 + round(p["levers.phased_rollout"] * (p["rollout.max_waves"] - 1))
    n_waves = max(1, min(n_waves, rest.size))
    if rest.size:
        wave = (np.arange(rest.size) * n_waves) // rest.size
        go[rest] = start + wave * p["rollout.wave_weeks"]
    return go, pilot_scheduled
