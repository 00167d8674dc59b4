"""The array engine agrees with the slow per-agent reference, week by week.

Both engines start from the same week-0 state and read the same uniform
draws (drawn from the array model's generator and handed to both), so they
must take the same discrete decisions (adoption states, go-lives, budget
cuts, cancellation, milestone reviews) exactly. Continuous values are
compared with ``rtol=1e-9, atol=1e-12``: the engines differ only in the
last bits (``np.exp`` vs ``math.exp`` differ by one ulp for a few per cent
of arguments; numpy sums eight or more floats pairwise, the reference left
to right), about 1e-16 relative per operation, and the confidence dynamics
are contracting (memory pulls z back), so 156 weeks stay below 1e-12
relative; a wrong rule moves values by far more than 1e-9.

Seeds are fixed (``SEED``); each parameter set is run for three head
counts and also checks that the rules it is meant to exercise (cuts,
cancellation, restored budgets, milestones, rejection and return, pilot
bonuses) were actually exercised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from crmsim.model import (
    CANCELLED,
    CUT,
    NOT_USING,
    REJECTING,
    TRYING,
    USING,
    CrmModel,
)
from crmsim.reference import ReferenceModel
from crmsim.scenario import load

SEED = 20261127
SIZES = (12, 40, 150)
RTOL, ATOL = 1e-9, 1e-12

PERSON_FLOATS = ("z", "confidence", "skill")
PERSON_EXACT = ("state", "live")
UNIT_FLOATS = (
    "resistance",
    "stance",
    "gate",
    "restructuring",
    "unit_fit",
    "message_gate",
    "manager_credibility",
)
UNIT_EXACT = ("unit_live",)
ORG_FLOATS = (  # in process order, so the first listed disagreement is near the cause
    "profit",
    "spend",
    "results_ema",
    "visible_results",
    "dip",
    "milestone_signal",
    "resources",
    "data_quality",
    "capitalised",
    "persuasion",
    "use_report",
    "compliance_share",
    "mechanism_costs",
)
ORG_EXACT = ("status", "weeks_low", "weeks_high", "milestone", "leavers")
SERIES_FLOATS = (
    "adoption",
    "benefit",
    "costs",
    "learning_loss",
    "disruption",
    "cum_profit_delta",
    "profit",
    "spend",
    "visible_results",
    "resources",
)
SERIES_EXACT = ("week", "units_live", "status", "milestone")


def parameter_set(name: str) -> dict[str, Any]:
    """The parameter sets checked, each with the rules it must exercise."""
    sets: dict[str, tuple[str, dict[str, Any]]] = {
        "baseline": ("baseline", {}),
        # weak sponsor: budget cut, then cancellation (S4)
        # (an early go-live, so that some are trying when the system is switched off)
        "no_sponsor": (
            "no_sponsor",
            {"sponsor.commitment": 0.3, "run.substeps": 4, "rollout.implementation_weeks": 4},
        ),
        # sales pilot, then waves; later units get the pilot's fit and skill bonus (S3, S4)
        "pilot_phased": ("pilot_phased", {}),
        # quarterly milestone reviews, met and missed (S8)
        "visible_wins": ("visible_wins", {}),
        # many reject, some come back; adoption sub-stepped 7 times, mixed network
        "high_rejection": (
            "baseline",
            {
                "frontline.confidence_spread": 1.5,
                "frontline.reject_confidence": 0.3,
                "frontline.reject_rate": 0.3,
                "frontline.reconsider_rate": 0.5,
                "frontline.skill_to_use": 0.9,
                "network.mixing": 0.3,
                "run.substeps": 7,
            },
        ),
        # a short, expensive implementation shakes a committed sponsor with little
        # top-team backing: budget cut, then restored once the dip is over (S4)
        "sponsor_wavers": (
            "model_0_2",
            {
                "confidence.memory": 0.2,
                "levers.top_management_support": 0.2,
                "sponsor.commitment": 0.9,
                "sponsor.commitment_spread": 0.2,
                "sponsor.retreat_threshold": 0.5,
                "sponsor.retreat_weeks": 3,
                "sponsor.dip_sensitivity": 10.0,
                "economics.services_multiple": 5.0,
                "start.budget_per_user": 200000.0,
                "rollout.implementation_weeks": 4,
            },
        ),
        # the 0.2 model: every Model 2.0 mechanism off (the old paths stay covered)
        "model_0_2": ("model_0_2", {}),
        # ... with a weak sponsor who sees rejection, and mandate plus incentives (CAL-11.x)
        "model2_mandate": (
            "baseline",
            {
                "sponsor.commitment": 0.4,
                "mandate.level": 1.0,
                "mandate.incentives": 1.0,
                "levers.customer_participation": 1.0,
                "levers.expert_help": 1.0,
                "economics.consultant_weeks": 20,
                "rollout.implementation_weeks": 4,
                "milestones.interval_weeks": 8,
            },
        ),
        # a budget far too small: spending soon runs more than 100 % over it (S1, CAL-1.3)
        "tight_budget": ("baseline", {"start.budget_per_user": 2000.0}),
        # no peer network, one adoption step a week, go-live in week 1
        "no_network": (
            "big_bang",
            {
                "network.degree": 0,
                "run.substeps": 1,
                "rollout.implementation_weeks": 0,
                "milestones.interval_weeks": 5,
                "milestones.target": 0.2,
                "milestones.plan_weeks": 52,
            },
        ),
        # heavy turnover, so that staff and the sponsor are replaced in every size (S9),
        # and a weak sponsor, so that capitalised costs are written off at cancellation
        "turnover_cancelled": (
            "baseline",
            {
                "turnover.staff_annual": 0.6,
                "turnover.sponsor_annual": 0.9,
                "sponsor.commitment": 0.3,
                "rollout.implementation_weeks": 4,
            },
        ),
    }
    scenario, overrides = sets[name]
    return load(scenario).params.with_updates(overrides).to_dict()


# What each set must have exercised over its three head counts.
EXPECTED_EVENTS = {
    "baseline": {"go_live"},
    "no_sponsor": {"go_live", "budget_cut", "cancelled"},
    "pilot_phased": {"go_live"},
    "visible_wins": {"milestone_met", "milestone_missed"},
    "high_rejection": {"go_live"},
    "sponsor_wavers": {"budget_cut", "budget_restored"},
    "tight_budget": {"budget_cut", "cancelled"},
    "model_0_2": {"go_live"},
    "model2_mandate": {"go_live", "milestone_met", "milestone_missed"},
    "no_network": {"go_live", "milestone_met", "milestone_missed"},
    "turnover_cancelled": {"go_live", "sponsor_replaced", "cancelled"},
}
EXPECTED_TRANSITIONS = {
    "baseline": {(NOT_USING, TRYING), (TRYING, USING), (NOT_USING, REJECTING)},
    "high_rejection": {(NOT_USING, REJECTING), (TRYING, REJECTING), (REJECTING, TRYING)},
    "no_network": {(USING, REJECTING), (REJECTING, TRYING), (REJECTING, USING)},
    "no_sponsor": {(TRYING, NOT_USING)},  # switched off at cancellation
}


def _disagreement(name: str, actual: Any, expected: Any, exact: bool) -> str | None:
    """None when equal (exactly or within tolerance), else numpy's description."""
    try:
        if exact:
            np.testing.assert_array_equal(actual, expected, err_msg=name)
        else:
            np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL, err_msg=name)
    except AssertionError as exc:
        return str(exc)
    return None


def _assert_agree(week: int, checks: list[tuple[str, Any, Any, bool]]) -> None:
    """Check everything, then name every quantity that disagrees (the first is often the cause)."""
    failed = {}
    for name, actual, expected, exact in checks:
        detail = _disagreement(name, actual, expected, exact)
        if detail is not None:
            failed[name] = detail
    if failed:
        raise AssertionError(
            f"week {week}: {', '.join(failed)} disagree (array engine vs reference)\n"
            + "\n".join(failed.values())
        )


def assert_same_week(model: CrmModel, ref: ReferenceModel) -> None:
    """Every piece of state agrees: discrete exactly, continuous within tolerance."""
    assert ref.week == model.week
    people, units, org = ref.people(), ref.units(), ref.organisation()
    checks = [(name, getattr(model, name), org[name], True) for name in ORG_EXACT]
    checks += [(name, getattr(model, name), units[name], True) for name in UNIT_EXACT]
    checks += [(name, getattr(model, name), people[name], True) for name in PERSON_EXACT]
    checks += [(name, getattr(model, name), org[name], False) for name in ORG_FLOATS]
    checks += [(name, getattr(model, name), units[name], False) for name in UNIT_FLOATS]
    checks += [(name, getattr(model, name), people[name], False) for name in PERSON_FLOATS]
    _assert_agree(model.week, checks)


def assert_same_history(model: CrmModel, ref: ReferenceModel) -> None:
    """Weekly records and the event log agree."""
    series = model.timeseries().iloc[-len(ref.history) :]
    _assert_agree(
        model.week,
        [
            (
                name,
                series[name].to_numpy(),
                [row[name] for row in ref.history],
                name in SERIES_EXACT,
            )
            for name in SERIES_EXACT + SERIES_FLOATS
        ],
    )
    events = [e for e in model.events if e["week"] > model.week - len(ref.history)]
    assert [(e["week"], e["event"]) for e in events] == [
        (e["week"], e["event"]) for e in ref.events
    ]
    for e_model, e_ref in zip(events, ref.events, strict=True):
        for key in ("units", "users"):
            assert e_model.get(key) == e_ref.get(key), e_model
        for key in ("plan", "actual"):
            if key in e_model:
                np.testing.assert_allclose(e_model[key], e_ref[key], rtol=RTOL, atol=ATOL)


def run_side_by_side(
    params: dict[str, Any],
    weeks: int,
    seed: int = SEED,
    perturb: Callable[[ReferenceModel], None] | None = None,
    start_week: int = 0,
) -> tuple[CrmModel, set[tuple[int, int]]]:
    """Step both engines with the same draws; assert agreement every week.

    The reference copies the model after ``start_week`` weeks of the array
    engine alone. Returns the array model and the adoption-state transitions seen.
    """
    model = CrmModel({**params, "run.weeks": start_week + weeks}, rng=seed, create_agents=False)
    model.run(start_week)
    ref = ReferenceModel(model)
    if perturb is not None:
        perturb(ref)
    assert_same_week(model, ref)
    transitions: set[tuple[int, int]] = set()
    for _ in range(weeks):
        before = model.state.copy()
        draws = model.draw_uniforms()
        model.advance(draws)
        ref.advance(draws)
        assert_same_week(model, ref)
        moved = before != model.state
        transitions |= set(zip(before[moved].tolist(), model.state[moved].tolist(), strict=True))
    assert_same_history(model, ref)
    return model, transitions


@pytest.mark.parametrize("set_name", list(EXPECTED_EVENTS))
def test_array_engine_matches_per_agent_reference(set_name: str) -> None:
    params = parameter_set(set_name)
    events: set[str] = set()
    transitions: set[tuple[int, int]] = set()
    statuses: set[int] = set()
    overrun = 0.0  # the sponsor's worst budget overrun, spend / planned - 1
    for n in SIZES:
        weeks = 156 if n < 150 else 104
        model, seen = run_side_by_side({**params, "org.employees": n}, weeks)
        events |= {e["event"] for e in model.events}
        transitions |= seen
        series = model.timeseries()
        statuses |= set(series["status"].tolist())
        planned = model.d.budget * (1.0 + 0.25 * np.maximum(0, series["week"] - 52) / 52.0)
        overrun = max(overrun, float(np.max(series["spend"] / planned - 1.0)))
    # the comparison is only as good as the rules it exercised
    assert EXPECTED_EVENTS[set_name] <= events, events
    assert EXPECTED_TRANSITIONS.get(set_name, set()) <= transitions, transitions
    if set_name == "no_sponsor":
        assert {CUT, CANCELLED} <= statuses
    if set_name == "tight_budget":
        assert overrun > 1.0  # beyond 100 % over budget


def test_pilot_units_after_the_pilot_get_the_pilot_bonus() -> None:
    """pilot_phased really takes the after-pilot branch the reference checks."""
    model, _ = run_side_by_side({**parameter_set("pilot_phased"), "org.employees": 150}, 60)
    go_lives = [e["week"] for e in model.events if e["event"] == "go_live"]
    assert len(go_lives) >= 3  # pilot, then waves
    assert np.any(model.unit_fit > model.firm_fit)


PERTURBATIONS: dict[str, tuple[str, Callable[[ReferenceModel], None], str]] = {
    # a continuous rule input off by one part in a million
    "peer_weight": (
        "baseline",
        lambda r: r.p.update({"confidence.peer_weight": r.p["confidence.peer_weight"] * 1.000001}),
        r"\bz\b.* disagree",
    ),
    # the three most confident users get a rejection threshold of 0.99: their decisions change
    "reject_threshold": (
        "model_0_2",
        lambda r: [
            r.reject_threshold.__setitem__(i, 0.99)
            for i in sorted(r.users, key=r.confidence.__getitem__)[-3:]
        ],
        r"\bstate\b.* disagree",
    ),
    # the sponsor retreats one week later
    "retreat_weeks": (
        "no_sponsor",
        lambda r: r.p.update({"sponsor.retreat_weeks": r.p["sponsor.retreat_weeks"] + 1}),
        r"\bstatus\b.* disagree",
    ),
}


@pytest.mark.parametrize("case", list(PERTURBATIONS))
def test_comparison_detects_a_perturbed_reference(case: str) -> None:
    """Not vacuous: a small change to one rule input in the reference is caught."""
    set_name, perturb, message = PERTURBATIONS[case]
    params = {**parameter_set(set_name), "org.employees": 40}
    with pytest.raises(AssertionError, match=message):
        run_side_by_side(params, 156, perturb=perturb)


def test_reference_copies_a_model_mid_run() -> None:
    """Built in week 18 (first units live, training still queued), it continues in step."""
    params = {**parameter_set("visible_wins"), "org.employees": 40}
    model, _ = run_side_by_side(params, 60, start_week=18)
    assert model.week == 78
    later = {e["event"] for e in model.events if e["week"] > 18}
    assert "go_live" in later and later & {"milestone_met", "milestone_missed"}


def test_reference_never_calls_the_array_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference runs on its own: the array rules are switched off while it steps."""
    params = {**parameter_set("baseline"), "org.employees": 40}
    model = CrmModel(params, rng=SEED, create_agents=False)
    twin = CrmModel(params, rng=SEED, create_agents=False)  # same seed, same week 0
    ref = ReferenceModel(model)

    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the reference called the array engine")

    import crmsim.engine
    import crmsim.kernels
    import crmsim.rules.sponsor

    rules = ("rollout", "accounts", "perceive", "sponsor", "managers", "frontline", "adopt",
             "learn", "update_resources", "update_stance", "week_values")  # fmt: skip
    for _ in range(30):
        draws = twin.draw_uniforms()
        with monkeypatch.context() as switched_off:
            for method in ("advance", "step", "_record", "update_stance", "adjust_units"):
                switched_off.setattr(model, method, forbidden)
            for rule in rules:
                switched_off.setattr(crmsim.engine, rule, forbidden)
            switched_off.setattr(crmsim.rules.sponsor, "cancel", forbidden)
            for kernel in (
                "managers",
                "frontline",
                "adopt",
                "learn_and_tally",
                "user_tallies",
                "count_state",
            ):
                switched_off.setattr(crmsim.kernels, kernel, forbidden)
            ref.advance(draws)
        twin.advance(draws)
        assert_same_week(twin, ref)
