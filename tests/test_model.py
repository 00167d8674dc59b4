"""Unit tests of the model: organisation, agents' write-through, determinism, Mesa API."""

from __future__ import annotations

import numpy as np
import pytest

from crmsim.agents import Executive, FrontlineStaff, MiddleManager
from crmsim.model import CANCELLED, NOT_USING, TRYING, USING, CrmModel
from crmsim.organisation import EXECUTIVE, FRONTLINE, MANAGER, head_counts
from crmsim.params import ParamSet
from crmsim.runner import simulate
from crmsim.scenario import from_params, load


def small(**over) -> ParamSet:
    base = {"org.employees": 300, "run.weeks": 60}
    base.update(over)
    return ParamSet(base)


@pytest.mark.parametrize("n", [12, 13, 40, 101, 1000, 12345])
def test_head_counts_add_up(n: int) -> None:
    n_exec, n_units, n_staff = head_counts(n, 5, 11)
    assert n_exec + n_units + n_staff == n
    assert n_exec >= 1 and n_units >= 1 and n_staff >= 1


def test_organisation_structure_is_consistent() -> None:
    m = CrmModel(small(), rng=3)
    org = m.org
    assert org.n == 300
    assert np.sum(org.role == EXECUTIVE) == org.n_exec
    assert np.sum(org.role == MANAGER) == org.n_units
    assert org.unit_size.sum() == np.sum(org.role == FRONTLINE)
    # users are exactly the frontline staff of front-end units
    staff_units = org.unit[org.role == FRONTLINE]
    assert np.array_equal(org.is_user[org.role == FRONTLINE], org.unit_front[staff_units])
    # the peer network is symmetric, without self-ties
    diff = org.peers - org.peers.T
    assert diff.nnz == 0 or np.abs(diff.data).max() == 0
    assert org.peers.diagonal().sum() == 0


def test_agents_by_type_and_write_through() -> None:
    m = CrmModel(small(), rng=1)
    execs = m.agents_by_type[Executive]
    managers = m.agents_by_type[MiddleManager]
    staff = m.agents_by_type[FrontlineStaff]
    assert len(execs) + len(managers) + len(staff) == m.org.n
    assert sum(a.is_sponsor for a in execs) == 1
    mean = managers.agg("confidence", np.mean)
    assert mean == pytest.approx(m.confidence[m.org.role == MANAGER].mean())
    # writing through an agent changes the model's arrays
    a = next(iter(staff))
    a.confidence = 0.9
    assert m.confidence[a.index] == pytest.approx(0.9)
    assert m.z[a.index] == pytest.approx(np.log(0.9 / 0.1))
    a.adoption_state = "trying"
    assert m.state[a.index] == TRYING
    assert a.manager.unit == a.unit
    users = staff.select(lambda s: s.is_user)
    assert len(users) == m.org.n_users
    groups = staff.groupby("function").agg("confidence", np.mean)
    assert set(groups) <= {
        "sales",
        "marketing",
        "customer_service",
        "field_support",
        "product",
        "production",
        "rnd",
        "finance",
        "purchasing",
    }


def test_agents_see_the_weekly_update() -> None:
    m = CrmModel(small(), rng=2)
    m.run(40)
    staff = m.agents_by_type[FrontlineStaff]
    using = staff.select(lambda s: s.adoption_state == "using")
    assert len(using) == int(np.sum(m.state == USING))


def test_same_seed_same_output_and_different_seed_differs() -> None:
    sc = from_params("t", {"org.employees": 300, "run.weeks": 80})
    a = simulate(sc, 7).timeseries
    b = simulate(sc, 7).timeseries
    c = simulate(sc, 8).timeseries
    assert a.equals(b)
    assert not a.equals(c)


def test_agents_do_not_change_results() -> None:
    sc = from_params("t", {"org.employees": 200, "run.weeks": 50})
    with_agents = simulate(sc, 4, create_agents=True).timeseries
    without = simulate(sc, 4, create_agents=False).timeseries
    assert with_agents.equals(without)


def test_overrides_as_keyword_arguments() -> None:
    m = CrmModel(rng=1, org__employees=150, levers__training=0.9)
    assert m.params["org.employees"] == 150
    assert m.params["levers.training"] == 0.9


def test_timeseries_has_one_row_per_week_and_starts_before_the_project() -> None:
    r = simulate(load("baseline").with_updates({"org.employees": 200}), 1, weeks=52)
    ts = r.timeseries
    assert list(ts["week"]) == list(range(53))
    first = ts.iloc[0]
    assert first["adoption"] == 0 and first["profit_rel"] == 0 and first["status"] == 0


def test_nothing_happens_before_go_live() -> None:
    p = small(**{"rollout.implementation_weeks": 20, "levers.pilot_first": 0.0})
    m = CrmModel(p, rng=5)
    m.run(20)
    assert np.all(m.state == NOT_USING)
    assert m.timeseries()["profit_rel"].iloc[1:].lt(0).all()  # costs come first (S7)


def test_sponsor_retreats_after_sustained_low_confidence() -> None:
    """S4: a sponsor below the retreat point for long enough cuts, then cancels."""
    p = small(
        **{
            "sponsor.commitment": 0.05,
            "sponsor.commitment_spread": 0.0,
            "levers.top_management_support": 0.0,
            "sponsor.retreat_threshold": 0.4,
            "sponsor.retreat_weeks": 6,
            "run.weeks": 60,
        }
    )
    m = CrmModel(p, rng=1)
    m.run()
    kinds = [e["event"] for e in m.events]
    assert "budget_cut" in kinds and "cancelled" in kinds
    cut = next(e["week"] for e in m.events if e["event"] == "budget_cut")
    cancel = next(e["week"] for e in m.events if e["event"] == "cancelled")
    assert cancel >= cut + 6
    assert m.status == CANCELLED
    assert not np.any(m.state[m.org.is_user] == USING)  # the system is switched off
    ts = m.timeseries()
    after = ts[ts["week"] > cancel]
    # the week after the cancellation writes off what was capitalised (ACC-1); then nothing
    assert (after["benefit"] == 0).all() and (after["costs"].iloc[1:] == 0).all()


def test_a_committed_sponsor_does_not_retreat() -> None:
    p = small(
        **{
            "sponsor.commitment": 0.99,
            "sponsor.commitment_spread": 0.0,
            "levers.top_management_support": 1.0,
        }
    )
    m = CrmModel(p, rng=1)
    m.run()
    assert m.status != CANCELLED


def test_resistant_manager_stalls_own_team() -> None:
    """S5: a unit whose manager resists adopts less than a unit whose manager supports."""
    p = small(**{"org.employees": 600, "run.weeks": 80, "restructuring.depth": 0.0})
    m = CrmModel(p, rng=11)
    front = np.flatnonzero(m.org.unit_front)
    bad, good = front[0], front[1]
    for _ in range(80):
        m.resistance[bad] = 1.0
        m.resistance[good] = 0.0
        m.update_stance()
        m.step()
    users = m.org.is_user
    share = lambda u: np.mean(m.state[users & (m.org.unit == u)] == USING)  # noqa: E731
    assert share(bad) < share(good)


def test_intervene_mid_run_changes_the_future_not_the_past() -> None:
    p = small(**{"run.weeks": 80})
    a = CrmModel(p, rng=9, create_agents=False)
    b = CrmModel(p, rng=9, create_agents=False)
    a.run(30)
    b.run(30)
    assert a.timeseries().equals(b.timeseries())
    b.intervene({"levers.top_management_support": 1.0, "visibility.level": 0.9}, label="decision")
    assert b.events[-1] == {
        "week": 30,
        "event": "decision",
        "changes": {"levers.top_management_support": 1.0, "visibility.level": 0.9},
    }
    assert b.resources > a.resources
    a.run(50)
    b.run(50)
    ta, tb = a.timeseries(), b.timeseries()
    assert ta.iloc[:31].equals(tb.iloc[:31])  # the past is untouched
    assert tb["confidence_frontline"].iloc[-1] > ta["confidence_frontline"].iloc[-1]


def test_intervene_with_no_change_keeps_the_run_identical() -> None:
    p = small(**{"run.weeks": 60, "levers.phased_rollout": 1.0})
    a = CrmModel(p, rng=4, create_agents=False)
    b = CrmModel(p, rng=4, create_agents=False)
    a.run(20)
    b.run(20)
    b.intervene({"levers.training": p["levers.training"]})
    a.run(40)
    b.run(40)
    assert a.timeseries().equals(b.timeseries())


def test_intervene_refuses_starting_conditions() -> None:
    from crmsim.errors import CrmsimError

    m = CrmModel(small(), rng=1, create_agents=False)
    with pytest.raises(CrmsimError, match="starting state"):
        m.intervene({"org.employees": 500})
    with pytest.raises(CrmsimError, match="did you mean"):
        m.intervene({"levers.trainig": 0.5})


def test_no_op_intervention_before_a_pilot_changes_nothing() -> None:
    p = small(**{"run.weeks": 60, "levers.pilot_first": 1.0, "levers.phased_rollout": 1.0})
    a = CrmModel(p, rng=3, create_agents=False)
    b = CrmModel(p, rng=3, create_agents=False)
    a.run(5)
    b.run(5)
    b.intervene({"levers.pilot_first": 1.0})
    a.run(55)
    b.run(55)
    assert np.array_equal(a.unit_fit, b.unit_fit)
    assert a.timeseries().equals(b.timeseries())


def test_intervene_allows_behavioural_weights_and_charges_one_off_levers() -> None:
    p = small(**{"run.weeks": 60, "levers.process_analysis": 0.0})
    a = CrmModel(p, rng=2, create_agents=False)
    b = CrmModel(p, rng=2, create_agents=False)
    a.run(30)
    b.run(30)
    b.intervene({"frontline.confidence_weight": 2.0})  # not a starting condition
    b.intervene({"levers.process_analysis": 1.0})
    a.step()
    b.step()
    extra = b.timeseries()["costs"].iloc[-1] - a.timeseries()["costs"].iloc[-1]
    expected = p["economics.analysis_per_employee"] * b.org.n
    assert extra == pytest.approx(expected)


def test_the_weekly_record_has_the_declared_columns_and_types() -> None:
    from crmsim import record

    m = CrmModel(small(), rng=4, create_agents=False)
    m.run(5)
    ts = m.timeseries()
    assert tuple(ts.columns) == record.NAMES == CrmModel.COLUMNS
    assert {c.name: c.dtype for c in record.COLUMNS} == {c: str(t) for c, t in ts.dtypes.items()}
    assert set(record.INTEGER_COLUMNS) == {"week", "units_live", "status", "milestone"}
    assert all(c.meaning.endswith(".") for c in record.COLUMNS)
