"""Unit tests of Model 2.0's people rules (docs/model.md, sections 7.14-7.19)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crmsim.model import CrmModel
from crmsim.rules.credibility import confirmation, planned_use
from crmsim.rules.managers import message_gate
from crmsim.rules.mandate import mandate_force
from crmsim.scenario import load

SMALL = {"org.employees": 200}


def model_of(updates: dict | None = None, scenario: str = "baseline") -> CrmModel:
    params = load(scenario).params.with_updates({**SMALL, **(updates or {})})
    return CrmModel(params, rng=5, create_agents=False)


def test_results_that_meet_the_plan_confirm_a_convinced_sender() -> None:
    assert confirmation(1.0, 1.0) == 1.0  # said it works; use is on plan
    assert confirmation(1.0, 0.0) == 0.0  # said it works; nobody uses it
    assert confirmation(-1.0, 0.0) == 1.0  # said it fails; nobody uses it
    assert confirmation(0.0, 0.5) == 1.0  # undecided; half the plan
    np.testing.assert_allclose(confirmation(np.array([1.0, -1.0]), 0.5), [0.5, 0.5])


def test_the_plan_is_an_s_curve_from_the_first_go_live() -> None:
    model = model_of()
    s, p = model.world, model._pv
    assert planned_use(s, p) == 0.0
    model.run(s.d.first_live + p["milestones.plan_weeks"])
    assert planned_use(s, p) == pytest.approx(p["milestones.target"])


def test_sign_aware_gate_amplifies_what_agrees_with_the_stance() -> None:
    model = model_of()
    s, p = model.world, model._pv
    s.units.stance[:] = np.linspace(-1.0, 1.0, s.units.stance.size)
    good = message_gate(s, p, 0.3).copy()
    bad = message_gate(s, p, -0.3).copy()
    supportive, resistant = s.units.stance > 0, s.units.stance < 0
    assert (good[supportive] > 1).all() and (bad[supportive] < 1).all()
    assert (good[resistant] < 1).all() and (bad[resistant] > 1).all()
    off = model_of({"managers.sign_aware": False})
    off.world.units.stance[:] = s.units.stance
    off.update_stance()
    np.testing.assert_array_equal(
        message_gate(off.world, off._pv, -0.3), message_gate(off.world, off._pv, 0.3)
    )


def test_a_mandate_fades_from_the_first_go_live() -> None:
    model = model_of({"mandate.level": 0.8, "mandate.fade_weeks": 10.0})
    s, p = model.world, model._pv
    assert mandate_force(s, p) == 0.0  # before go-live
    model.run(s.d.first_live)
    assert mandate_force(s, p) == pytest.approx(0.8)
    model.run(10)
    assert mandate_force(s, p) == pytest.approx(0.8 / math.e)


def test_cross_function_ties_are_relative_to_their_mean() -> None:
    ties = model_of().xdept_ties
    assert ties.mean() == pytest.approx(1.0)
    assert ties.std() > 0


def test_talk_wears_out_with_repetition() -> None:
    # credibility on, no go-live yet: the share of the message that persuades falls
    # week by week as the sponsor repeats it (CAL-5.4)
    model = model_of({"rollout.implementation_weeks": 30})
    persuasion = []
    for _ in range(20):
        model.step()
        persuasion.append(model.persuasion)
    assert np.all(np.diff(persuasion) < 0)
    assert persuasion[-1] < 0.8 * model.params["credibility.initial"]


def test_usage_reports_reach_the_sponsor_with_a_lag() -> None:
    model = model_of({"sponsor.report_lag_weeks": 8.0})
    first = model.world.d.first_live
    model.run(first - 1)
    assert model.use_report == 0.0  # nobody uses a system not yet live
    model.run(30)
    st = model.state[model.world.layout.users]
    now = (st == 2).mean() - (st == 3).mean()
    assert model.use_report != 0.0
    assert abs(model.use_report) <= max(abs(now), 1.0)
