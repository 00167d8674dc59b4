"""Phase 5, the sponsor and executives (S4): confidence, retreat and resources."""

from __future__ import annotations

from crmsim import kernels
from crmsim.codes import (
    ACTIVE,
    CANCELLED,
    CUT,
    NOT_USING,
    TRYING,
    USING,
    WEEKS_PER_YEAR,
)
from crmsim.rules import Params
from crmsim.rules.accounts import census
from crmsim.rules.logodds import sigmoid_of_negated
from crmsim.rules.support import overload
from crmsim.state import State


def sponsor_message(s: State) -> float:
    """Strength and sign of the sponsor's message (S8): quality x resources x conviction,
    times the share that persuades (credibility x novelty; 1 without credibility)."""
    pr = s.project
    return s.d.comm_quality * pr.resources * (2.0 * s.people.confidence[0] - 1.0) * pr.persuasion


def usage_report(s: State, p: Params) -> float:
    """Usage reports reaching the sponsor (S4), lagged: use minus rejection and complaints.

    From the first go-live on, the week's report is the share of live users using
    minus the share rejecting minus the complaints of learners support cannot serve
    (overload x share trying), all among the users who have the system; it reaches
    the sponsor smoothed over
    ``sponsor.report_lag_weeks``. Before go-live and after a cancellation it is 0.
    """
    pr = s.project
    report = 0.0
    if pr.week >= s.d.first_live and pr.status != CANCELLED:
        tally = census(s, p)
        n = max(tally.live, 1)
        report = tally.using / n - tally.rejecting / n - overload(s, p) * (tally.trying / n)
    pr.use_report += (report - pr.use_report) / p["sponsor.report_lag_weeks"]
    return pr.use_report


def sponsor(s: State, p: Params) -> None:
    """The executives' confidence; retreat after sustained low confidence; resources."""
    d, pr, people = s.d, s.project, s.people
    week = pr.week
    ne = s.org.n_exec
    mem = p["confidence.memory"]
    c = people.confidence
    exec_mean = kernels.conviction_sum(c, ne) / ne
    # Budget overrun worries the sponsor (S1 scarce money; CAL-1.3 37.5 % over budget);
    # the plan grows after the first year and the worry saturates.
    growth = p["sponsor.budget_growth"]
    planned = d.budget * (1.0 + growth * max(0.0, week - WEEKS_PER_YEAR) / WEEKS_PER_YEAR)
    cap = p["sponsor.overrun_cap"]
    overrun = min(cap, max(0.0, pr.spend / planned - 1.0)) if planned >= 1.0 else 0.0
    dip_feel = p["confidence.dip_weight"] * p["sponsor.dip_sensitivity"] * (pr.dip + overrun)
    setback = dip_feel + max(0.0, -p["milestones.impact"] * pr.milestone_signal)
    good = p["confidence.results_weight"] * pr.visible_results + max(
        0.0, p["milestones.impact"] * pr.milestone_signal
    )
    signal = good - (1.0 - d.resilience) * setback + p["confidence.peer_weight"] * exec_mean
    # other executives hear the sponsor (top decides as one, S4)
    others = good - setback + p["confidence.communication_weight"] * sponsor_message(s)
    use_weight = p["sponsor.use_weight"]
    if use_weight > 0.0:
        # usage reports reach the top (S4): support gives resilience, not blindness
        report = use_weight * usage_report(s, p)
        shrug = 1.0 - p["sponsor.use_resilience"] * d.resilience
        signal += report if report >= 0.0 else shrug * report
        others += report
    kernels.executives(people.z, people.disposition, c, ne, mem, signal, others)
    sigmoid_of_negated(c[:ne])  # (the kernel left -z there)

    # Retreat after sustained low confidence (S4).
    if pr.status != CANCELLED:
        threshold = p["sponsor.retreat_threshold"]
        if c[0] < threshold:
            pr.weeks_low += 1
            pr.weeks_high = 0
        else:
            pr.weeks_low = 0
            margin = p["sponsor.restore_margin"]
            pr.weeks_high = pr.weeks_high + 1 if c[0] >= threshold + margin else 0
        need = p["sponsor.retreat_weeks"]
        if pr.weeks_low >= need:
            pr.weeks_low = 0
            if pr.status == ACTIVE:
                pr.status = CUT
                pr.events.append({"week": week, "event": "budget_cut"})
            else:
                cancel(s)
        elif pr.status == CUT and pr.weeks_high >= need:
            pr.status = ACTIVE
            pr.weeks_high = 0
            pr.events.append({"week": week, "event": "budget_restored"})
    update_resources(s, p)


def cancel(s: State) -> None:
    """The project is cancelled: the system is switched off, restructuring stops (S4, S5)."""
    pr, people, units = s.project, s.people, s.units
    pr.status = CANCELLED
    # Nobody uses the system any more; rejection stays.
    users = s.layout.users
    st = people.state[users]
    st[(st == TRYING) | (st == USING)] = NOT_USING
    people.state[users] = st
    people.live[:] = False
    # Restructuring stops: managers' resistance fades toward zero (S5).
    units.unit_live[:] = False
    units.restructuring[:] = 0.0
    pr.events.append({"week": pr.week, "event": "cancelled"})


def update_resources(s: State, p: Params) -> None:
    """Time, money and people the sponsor provides (S4)."""
    pr = s.project
    status_factor = (1.0, p["effects.cut_share"], 0.0)[pr.status]
    tms = p["levers.top_management_support"]
    base = p["effects.resources_base"]
    conviction = p["effects.resources_conviction"]
    pr.resources = (
        (base + (1.0 - base) * tms)
        * status_factor
        * ((1.0 - conviction) + conviction * s.people.confidence[0])
    )
