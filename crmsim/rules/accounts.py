"""Phase 3, accounts (S7): costs, productivity lost while learning, disruption, benefits."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from crmsim import kernels
from crmsim.codes import CANCELLED, FIT_MAX, FIT_MIN, HOURS_PER_FTE_WEEK
from crmsim.effects import Derived
from crmsim.rules import Params
from crmsim.rules.support import consultants_on, team_on
from crmsim.state import Census, Project, State


def effective_fit(s: State) -> np.ndarray:
    """Each unit's process fit as the accounts read it: its own fit plus any
    adjustment (a department restructured in a game), within the fit's range."""
    units = s.units
    if not np.count_nonzero(units.fit_adjustment):  # (cheaper than .any() on a few units)
        return units.unit_fit
    return np.clip(units.unit_fit + units.fit_adjustment, FIT_MIN, FIT_MAX)


def census(s: State, p: Params) -> Census:
    """This week's counts over the users (:class:`~crmsim.state.Census`), taken in one pass
    (:func:`crmsim.kernels.user_tallies`) the first time a rule asks for them this week,
    and again after a cancellation (which stops everybody's use)."""
    c, pr = s.census, s.project
    if c.week == pr.week and c.status == pr.status:
        return c
    lay = s.layout
    c.live, c.loss_units, c.rejecting, c.using, c.realised, c.trying = kernels.user_tallies(
        lay.users, lay.user_unit, s.people.state, s.people.live, s.people.skill,
        effective_fit(s), pr.status != CANCELLED, p["economics.proficient_skill"],
        c.unit_using,
    )  # fmt: skip
    c.week, c.status = pr.week, pr.status
    return c


class Rates(NamedTuple):
    """The accounts' figures that change only with the parameters or the plan (:func:`rates`)."""

    rev_cm: float  # revenue x contribution margin per employee and week
    amortise: int  # economics.amortisation_weeks
    implementation_end: int  # the last week of up-front costs (at least 1)
    services_weekly: float  # services capitalised per implementation week
    licence_factor: float  # 1 + maintenance share
    training: float  # levers.training
    training_hours: float
    hourly_cost: float
    consultants: float  # consultants' cost a week while they help
    team: float  # the project team's cost a week while it helps
    customers_per_live_user: float  # customers' time a week per live user
    executives: float  # executives' time a week at full resources
    learning_loss: float
    workaround_loss: float
    network_value: float
    benefit_uplift: float
    data_weight: float  # data.benefit_weight
    benefit_lag: float  # economics.benefit_lag_weeks


def rates(s: State, p: Params) -> Rates:
    """The accounts' weekly figures from the parameters and the plan, each computed as the
    weekly rule writes it; kept in ``s.memo`` with the parameters and the plan they came
    from (both new after an intervention)."""
    kept = s.recall("accounts", p, s.d)
    if kept is not None:
        return kept
    d, n_users = s.d, s.layout.n_users
    hourly = p["economics.hourly_cost"]
    team = n_users / 100.0 * p["economics.team_per_100_users"]
    k = Rates(
        rev_cm=d.revenue * d.cm,
        amortise=p["economics.amortisation_weeks"],
        implementation_end=max(d.implementation_weeks, 1),
        services_weekly=d.services_total / max(d.implementation_weeks, 1),
        licence_factor=1.0 + p["economics.maintenance_share"],
        training=p["levers.training"],
        training_hours=p["economics.training_hours"],
        hourly_cost=hourly,
        consultants=p["levers.expert_help"] * p["economics.consultant_per_user_week"] * n_users,
        team=p["levers.staffing"] * team * HOURS_PER_FTE_WEEK * hourly,
        customers_per_live_user=(
            p["levers.customer_participation"] * p["economics.customer_hours"] * hourly
        ),
        executives=(
            p["levers.top_management_support"]
            * s.org.n_exec
            * p["economics.executive_hours"]
            * p["economics.executive_rate"]
            * hourly
        ),
        learning_loss=p["frontline.learning_loss"],
        workaround_loss=p["frontline.workaround_loss"],
        network_value=p["economics.network_value"],
        benefit_uplift=p["economics.benefit_uplift"],
        data_weight=p["data.benefit_weight"],
        benefit_lag=p["economics.benefit_lag_weeks"],
    )
    return s.keep("accounts", k, p, s.d)


def accounts(s: State, p: Params) -> None:
    """This week's costs, learning loss, disruption and benefit; profit against the pre-project level."""
    d, pr, org = s.d, s.project, s.org
    week = pr.week
    n_users = s.layout.n_users
    active = pr.status != CANCELLED
    tally = census(s, p)
    n_live, loss_units, n_rejecting = tally.live, tally.loss_units, tally.rejecting
    n_using, realised = tally.using, tally.realised
    k = rates(s, p)
    rev_cm = k.rev_cm
    costs = 0.0
    expensed = 0.0  # costs that reach profit this week but were not paid this week (ACC-1)
    amortise = k.amortise
    if active:
        if week <= k.implementation_end:
            costs += d.up_front_weekly
            if amortise > 0:  # the services capitalised, charged from the first go-live on
                pr.capitalised += k.services_weekly
                expensed -= k.services_weekly
        # one-off costs of levers raised mid-run (see CrmModel.intervene)
        costs += pr.one_off_due
        # monitoring and incentives, as tallied last week (rules.mandate; Model 2.0)
        costs += pr.mechanism_costs
        lic = d.licence_week_per_user * n_live
        costs += lic * k.licence_factor
        # training is delivered over the weeks after a unit's go-live (CAL-1.4)
        trained = pr.training_queue.pop(week, 0)
        costs += trained * k.training * k.training_hours * k.hourly_cost
        # consultants and the project team are paid exactly while they help
        if consultants_on(s, p):
            costs += k.consultants
        if team_on(s, p):
            costs += k.team  # a dedicated project team: full-time people per 100 users
        # customers brought in: staff time per live user and week
        costs += k.customers_per_live_user * n_live
        # executives' time, at a multiple of the staff rate
        costs += k.executives * pr.resources
    pr.one_off_due = 0.0
    if amortise > 0 and pr.capitalised > 0.0:
        expensed += amortisation(d, pr, week, amortise)
    # learners lose productivity in proportion to what they have still to learn
    loss = loss_units * k.learning_loss * rev_cm
    # work-arounds cost a tenth of the learning loss rate (double entry)
    loss += float(n_rejecting) * k.workaround_loss * k.learning_loss * rev_cm
    units = s.units
    resisting = units.resistance
    if p["restructuring.half_life_weeks"] > 0:  # disruption ends with the restructuring (S5)
        resisting = resisting * units.restructuring_fade
    disruption = float(resisting @ org.unit_size) * p["economics.disruption"] * rev_cm
    share_using = float(n_using) / max(n_users, 1)
    pr.using_share = share_using
    pr.rejecting_share = float(n_rejecting) / max(n_users, 1)
    # CRM data is worth more when most use it: part of the value scales with adoption.
    nv = k.network_value
    network_factor = (1.0 - nv) + nv * share_using
    benefit = realised * network_factor * k.benefit_uplift * rev_cm
    w = k.data_weight
    if w > 0:  # the CRM is only as good as its data (S6, S9; CAL-10.4)
        benefit *= (1.0 - w) + w * pr.data_quality
    pr.benefit_flow = benefit
    lag = k.benefit_lag
    if lag > 0:  # the money follows use with a lag (S7)
        benefit = pr.benefit + (benefit - pr.benefit) / max(lag, 1.0)
    pr.benefit_ratio = realised * network_factor / max(n_users, 1)
    pr.benefit = benefit
    costs += expensed
    pr.costs = costs
    pr.loss = loss
    pr.disruption = disruption
    pr.spend += costs - expensed  # what was paid
    pr.profit = d.profit0 + benefit - costs - loss - disruption
    pr.cum_delta += pr.profit - d.profit0


def amortisation(d: Derived, pr: Project, week: int, weeks: int) -> float:
    """This week's charge for the capitalised implementation services (ACC-1): equal parts
    of the whole over ``weeks`` weeks from the first go-live; the rest at once when cancelled."""
    if pr.status == CANCELLED:
        charge = pr.capitalised  # written off: the system is switched off
    elif week < d.first_live:
        return 0.0
    else:
        charge = min(pr.capitalised, d.services_total / weeks)
    pr.capitalised -= charge
    return charge
