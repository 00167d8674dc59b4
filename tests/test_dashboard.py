"""The workshop dashboard without a browser: Solara's test rendering and the
pieces the page is built from (controls, session model, network view).

A headless render passes even when the real page would be blank in a
browser (missing front-end assets), so ``tests/test_browser.py`` drives a
real Chromium as well.
"""

from __future__ import annotations

import json
import os

import networkx as nx
import numpy as np
import pytest

if os.environ.get("CI"):  # CI installs the workshop extra: a missing one must fail, not skip
    import ipyvuetify as v
    import solara
else:
    solara = pytest.importorskip("solara", reason="the workshop extra is not installed")
    v = pytest.importorskip("ipyvuetify")

import ipyvue  # noqa: E402
import ipywidgets  # noqa: E402

from crmsim.dashboard import app  # noqa: E402
from crmsim.dashboard.controls import (  # noqa: E402
    CONTROL_GROUPS,
    CONTROLLED,
    ENV_SCENARIO,
    ENV_SEED,
    ENV_SET,
    WORKSHOP_MAX_EMPLOYEES,
    Setup,
    describe_differences,
    slider_spec,
)
from crmsim.dashboard.orgview import (  # noqa: E402
    AGAINST,
    IN_BETWEEN,
    MAX_DRAWN,
    NO_CRM,
    NOT_YET,
    ON_BOARD,
    build_view,
    standing,
)
from crmsim.dashboard.session import WorkshopModel  # noqa: E402
from crmsim.model import NOT_USING, REJECTING, TRYING, USING, CrmModel  # noqa: E402
from crmsim.params import LEVERS, PARAMS  # noqa: E402
from crmsim.runner import simulate  # noqa: E402
from crmsim.scenario import load  # noqa: E402

# A small organisation that goes live in week 1, so one or two steps already
# change the picture (the bundled scenarios implement for 16 weeks first).
QUICK = {"org.employees": 150, "rollout.implementation_weeks": 0}


def quick_setup(seed: int = 3, **overrides) -> Setup:
    scenario = load("baseline").with_updates({**QUICK, **overrides})
    return Setup.from_scenario(scenario, seed)


@pytest.fixture
def page_env(monkeypatch):
    """What `crmsim workshop baseline --seed 3 --set ...` passes to the page."""
    monkeypatch.setenv(ENV_SCENARIO, "baseline")
    monkeypatch.setenv(ENV_SEED, "3")
    monkeypatch.setenv(ENV_SET, json.dumps(QUICK))


def render_page():
    """The page as `solara run` shows it (inside an AppLayout, with its sidebar)."""
    box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    rc.box = box
    return rc


def all_widgets(widget):
    """Every widget below ``widget`` (children, and the items of Mesa's grid)."""
    yield widget
    for name in ("children", "items"):
        for child in getattr(widget, name, None) or ():
            if isinstance(child, ipywidgets.Widget):
                yield from all_widgets(child)


def button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def time_shown(rc) -> float:
    texts = [
        w.children[0] for w in all_widgets(rc.box) if isinstance(w, ipyvue.Html) and w.children
    ]
    shown = [t for t in texts if isinstance(t, str) and t.startswith("Time: ")]
    assert len(shown) == 1
    return float(shown[0].removeprefix("Time: "))


def images(rc) -> list[bytes]:
    return [w.value for w in rc.find(ipywidgets.Image).widgets]


def slider(rc, label):
    return rc.find(v.Slider, label=label).widget


# ---------------------------------------------------------------- the page


def test_page_shows_mesa_controls_and_a_slider_for_every_declared_control(page_env):
    rc = render_page()
    for label in ("Reset", "▶", "Step"):
        assert button(rc, label)
    labels = {w.label for w in rc.find(v.Slider).widgets}
    first_group = CONTROL_GROUPS[0]  # the levers: open at start
    assert {PARAMS[n].label for n in first_group.names} <= labels
    assert time_shown(rc) == 0.0
    # the organisation, four time charts and the timeline are drawn
    assert len(images(rc)) == 6


def test_step_advances_a_week_and_redraws_the_charts_and_the_network(page_env):
    rc = render_page()
    before = images(rc)
    for _ in range(2):
        button(rc, "Step").click()
    assert time_shown(rc) == 2.0
    after = images(rc)
    changed = [a != b for a, b in zip(before, after, strict=True)]
    assert changed[0], "the network did not change"
    assert sum(changed[1:5]) >= 3, "the time charts did not change"
    assert not rc.find(v.Alert, type="error").widgets


def test_each_browser_session_gets_its_own_model(page_env):
    first = render_page()
    second = render_page()
    button(first, "Step").click()
    assert time_shown(first) == 1.0
    assert time_shown(second) == 0.0


def test_a_lever_moved_at_week_0_applies_at_once(page_env):
    rc = render_page()
    lever = slider(rc, PARAMS["levers.training"].label)
    lever.v_model = 1.0
    assert slider(rc, PARAMS["levers.training"].label).v_model == 1.0
    assert not rc.find(v.Alert, type="warning").widgets  # nothing waits for Reset


def test_a_lever_moved_mid_run_applies_from_next_week(page_env):
    rc = render_page()
    button(rc, "Step").click()
    slider(rc, PARAMS["levers.training"].label).v_model = 1.0
    assert not rc.find(v.Alert, type="warning").widgets  # nothing waits for Reset
    assert time_shown(rc) == 1.0  # the run on screen goes on, with the new lever
    button(rc, "Step").click()
    assert time_shown(rc) == 2.0


def test_mid_run_changes_reach_the_model_only_where_the_declarations_allow():
    model = WorkshopModel(quick_setup())
    model.step()
    live = model.setup.with_value("left", "levers.training", 0.9)
    assert model.apply_live(live)  # a lever may change mid-run (Param.mid_run)
    left = model.sides["left"]
    assert left.params["levers.training"] == 0.9
    assert left.events[-1]["event"] == "workshop_change"
    assert model.setup == live
    for name, value in (("org.employees", 300), ("sponsor.commitment", 0.2)):
        assert not PARAMS[name].mid_run
        assert not model.apply_live(model.setup.with_value("left", name, value))  # Reset
        assert left.params[name] != value
    assert not model.apply_live(model.setup.with_seed(4))


def test_side_by_side_switched_on_mid_run_takes_effect_on_reset(page_env):
    rc = render_page()
    button(rc, "Step").click()
    rc.find(v.Switch).widget.v_model = True
    assert rc.find(v.Alert, type="warning").widgets  # waits for Reset
    assert len(images(rc)) == 6
    button(rc, "Reset").click()
    assert time_shown(rc) == 0.0
    assert len(images(rc)) == 7  # two networks
    button(rc, "Step").click()
    assert time_shown(rc) == 1.0


# ---------------------------------------------------------------- the controls


def test_sliders_come_from_the_declarations():
    for name in CONTROLLED:
        spec = slider_spec(name)
        p = PARAMS[name]
        assert (spec.label, spec.help, spec.lo) == (p.label, p.meaning, p.lo)
        assert spec.hi == (min(p.hi, WORKSHOP_MAX_EMPLOYEES) if name == "org.employees" else p.hi)
        assert spec.lo <= p.default <= spec.hi
    assert set(LEVERS) <= set(CONTROLLED)
    for needed in ("sponsor.commitment", "visibility.level", "communication.cadence"):
        assert needed in CONTROLLED


def test_setup_starts_from_the_scenario_and_moves_one_side_at_a_time():
    scenario = load("no_sponsor")
    setup = Setup.from_scenario(scenario, seed=5)
    assert setup.left == scenario.params and not setup.side_by_side
    pair = setup.with_side_by_side(True)
    assert pair.right == pair.left and describe_differences(pair) == ""
    pair = pair.with_value("right", "levers.top_management_support", 0.9)
    assert pair.left["levers.top_management_support"] == 0.1
    assert "Top-management support 0.10 vs 0.90" in describe_differences(pair)
    # the organisation is shared: both sides keep the same size
    pair = pair.with_value("right", "org.employees", 300)
    assert pair.left["org.employees"] == pair.right["org.employees"] == 300


# ---------------------------------------------------------------- the session model


def test_each_side_is_exactly_the_run_crmsim_run_makes():
    setup = quick_setup(seed=11)
    model = WorkshopModel(setup)
    for _ in range(30):
        model.step()
    expected = simulate(load("baseline").with_updates(QUICK), seed=11, weeks=30)
    np.testing.assert_array_equal(
        model.sides["left"].timeseries().to_numpy(), expected.timeseries.to_numpy()
    )


def test_sides_share_the_organisation_and_differ_only_by_their_settings():
    same = WorkshopModel(quick_setup().with_side_by_side(True))
    for _ in range(20):
        same.step()
    left, right = same.sides["left"], same.sides["right"]
    np.testing.assert_array_equal(left.state, right.state)
    np.testing.assert_array_equal(left.org.peers.toarray(), right.org.peers.toarray())

    pair = quick_setup().with_side_by_side(True)
    pair = pair.with_value("right", "levers.top_management_support", 0.0)
    model = WorkshopModel(pair)
    np.testing.assert_array_equal(
        model.sides["left"].org.unit, model.sides["right"].org.unit
    )  # same seed, same organisation
    for _ in range(20):
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 21  # week 0 and twenty weeks
    assert not np.allclose(df["left.confidence_sponsor"], df["right.confidence_sponsor"])


def test_the_run_stops_at_the_scenarios_last_week():
    model = WorkshopModel(quick_setup(**{"run.weeks": 5}))
    while model.running:
        model.step()
    assert model.week == 5


# ---------------------------------------------------------------- the network view


def test_layout_is_computed_once_from_the_seed_without_spring_layout(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("spring_layout must not be called")

    monkeypatch.setattr(nx, "spring_layout", forbidden)
    a = WorkshopModel(quick_setup(seed=7))
    b = WorkshopModel(quick_setup(seed=7))
    np.testing.assert_array_equal(a.views["left"].pos, b.views["left"].pos)
    pos = a.views["left"].pos.copy()
    for _ in range(5):
        a.step()
    np.testing.assert_array_equal(a.views["left"].pos, pos)
    c = WorkshopModel(quick_setup(seed=8))
    assert not np.array_equal(c.views["left"].pos, pos)


def test_a_large_organisation_is_drawn_as_a_sample_of_whole_teams():
    model = CrmModel({"org.employees": 5000}, rng=1)
    view = build_view(model)
    org = model.org
    assert view.is_sample and view.n_drawn <= MAX_DRAWN
    drawn = set(view.people.tolist())
    assert set(range(org.n_exec)) <= drawn  # the whole top team
    for u in view.units.tolist():
        team = np.flatnonzero(org.unit == u)  # the manager and all staff
        assert drawn.issuperset(team.tolist())
    # front-end and back-office functions both appear
    fronts = org.unit_front[view.units]
    assert fronts.any() and not fronts.all()
    assert len(view.grid.agents) == view.n_drawn


def test_a_small_organisation_is_drawn_whole():
    model = CrmModel({"org.employees": 120}, rng=1)
    view = build_view(model)
    assert not view.is_sample and view.n_drawn == model.org.n
    assert view.caption() == f"all {model.org.n:,} people"


def test_building_the_view_leaves_the_models_random_stream_alone():
    with_view = CrmModel({"org.employees": 150}, rng=4)
    build_view(with_view)
    without = CrmModel({"org.employees": 150}, rng=4)
    assert with_view.rng.random() == without.rng.random()


def test_colours_follow_adoption_state_for_users_and_stance_for_managers():
    model = CrmModel({"org.employees": 150}, rng=2)
    org = model.org
    users = np.flatnonzero(org.is_user)[:4]
    model.state[users] = [NOT_USING, TRYING, USING, REJECTING]
    code = standing(model)
    assert code[users].tolist() == [NOT_YET, IN_BETWEEN, ON_BOARD, AGAINST]
    back_office = np.flatnonzero((org.role == 2) & ~org.is_user)
    assert (code[back_office] == NO_CRM).all()
    managers = np.arange(org.n_exec, org.n_exec + org.n_units)
    model.resistance[:] = 0.9
    assert (standing(model)[managers] == AGAINST).all()


# ---------------------------------------------------------------- crmsim workshop


def test_workshop_refuses_bad_input_before_starting_a_server(cli):
    result = cli("workshop", "no_such_scenario", "--port", "0")
    assert result.exit_code == 2 and "unknown scenario" in result.output
    result = cli("workshop", "--set", "levers.training=2", "--port", "0")
    assert result.exit_code == 2 and "levers.training" in result.output
    assert "Traceback" not in result.output


def test_workshop_says_when_the_port_is_taken(cli):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("workshop", "--port", port)
    assert result.exit_code == 2 and f"port {port} on 127.0.0.1 is in use" in result.output
