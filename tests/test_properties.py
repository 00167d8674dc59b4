"""Invariants over random valid parameters (hypothesis).

Parameters are drawn from their declared ranges (the one declaration in
crmsim.params), on small organisations and short runs so that many cases fit
in a few seconds.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmsim.model import CANCELLED, REJECTING, USING, CrmModel
from crmsim.organisation import FRONTLINE
from crmsim.params import PARAMS, ParamSet

# Parameters whose full range is cheap to simulate; sizes are kept small.
FIXED = {
    "org.employees",
    "run.weeks",
    "run.substeps",
    "org.executives",
    "network.degree",
    "org.span_of_control",
}
FREE = [p for p in PARAMS.values() if p.name not in FIXED]


def value_of(p):
    if p.kind is bool:
        return st.booleans()
    if p.kind is int:
        return st.integers(int(p.lo), int(min(p.hi, p.lo + 200)))
    return st.floats(p.lo, p.hi, allow_nan=False, allow_infinity=False)


@st.composite
def params(draw) -> ParamSet:
    chosen = draw(
        st.lists(st.sampled_from(FREE), min_size=0, max_size=12, unique_by=lambda p: p.name)
    )
    values = {p.name: draw(value_of(p)) for p in chosen}
    values["org.employees"] = draw(st.integers(12, 250))
    values["org.executives"] = draw(st.integers(1, 8))
    values["org.span_of_control"] = draw(st.integers(2, 30))
    values["network.degree"] = draw(st.integers(0, 20))
    values["run.weeks"] = draw(st.integers(1, 60))
    values["run.substeps"] = draw(st.integers(1, 4))
    return ParamSet(values)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=params(), seed=st.integers(0, 2**32 - 1))
def test_state_stays_valid(p: ParamSet, seed: int) -> None:
    m = CrmModel(p, rng=seed, create_agents=False)
    cancelled_seen = False
    for _ in range(p["run.weeks"]):
        m.step()
        assert np.all((m.confidence > 0) & (m.confidence < 1))
        assert np.all((m.skill >= 0) & (m.skill <= 1))
        assert np.all((m.resistance >= 0) & (m.resistance <= 1))
        assert np.all((m.stance >= -1) & (m.stance <= 1))
        assert np.isfinite(m.profit)
        # only users ever leave the 'not using' state
        assert not np.any((m.state != 0) & ~m.org.is_user)
        if cancelled_seen:
            assert m.status == CANCELLED  # cancellation is final
            assert not np.any(m.state == USING)
        cancelled_seen = m.status == CANCELLED
    ts = m.timeseries()
    assert len(ts) == p["run.weeks"] + 1
    assert not ts.drop(columns=["confidence_frontline", "confidence_user"]).isna().any().any()
    shares = ts[["adoption", "trying", "rejecting", "not_using"]].sum(axis=1)
    assert np.allclose(shares, 1.0) or m.org.n_users == 0
    for col in (
        "adoption",
        "trying",
        "rejecting",
        "not_using",
        "managers_resisting",
        "confidence_sponsor",
        "confidence_manager",
        "visible_results",
    ):
        assert ts[col].between(0, 1).all(), col
    # head counts are consistent
    org = m.org
    assert org.n == p["org.employees"]
    assert org.n_exec + org.n_units + int(np.sum(org.role == FRONTLINE)) == org.n
    assert int(np.sum(m.state[org.is_user] == REJECTING)) <= org.n_users


@settings(max_examples=15, deadline=None)
@given(p=params(), seed=st.integers(0, 2**32 - 1))
def test_same_seed_same_series(p: ParamSet, seed: int) -> None:
    a = CrmModel(p, rng=seed, create_agents=False)
    b = CrmModel(p, rng=seed, create_agents=False)
    a.run()
    b.run()
    assert a.timeseries().equals(b.timeseries())
