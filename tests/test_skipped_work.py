"""The rules spare work they need not redo, and the run stays the same, bit for bit.

Roll-out and restructuring skip the weeks in which nothing can change, turnover
and the accounts keep their weekly figures, the managers skip their relief while no unit faces
restructuring; what they keep lives in ``State.memo`` with the inputs it came
from. A run that forgets all of it every week, and so computes everything
afresh, must be the very same run, through interventions and a department
restructured in a game.
"""

from __future__ import annotations

import numpy as np
import pytest

from crmsim import kernels
from crmsim.codes import CANCELLED
from crmsim.engine import Engine
from crmsim.rules.managers import relief
from crmsim.rules.restructuring import restructuring_over

PARAMS = {"org.employees": 300, "run.weeks": 150, "turnover.staff_annual": 0.4}


def _play(engine: Engine, forget: bool) -> Engine:
    for week in range(PARAMS["run.weeks"]):
        if forget:
            engine.world.memo.clear()
        if week == 10:  # before the first go-live: a new plan
            engine.intervene({"levers.pilot_first": 1.0, "levers.phased_rollout": 1.0})
        if week == 40:
            engine.intervene({"restructuring.depth": 0.6, "turnover.staff_annual": 0.1})
        if week == 60:  # the accounts' weekly rates change
            engine.intervene({"levers.staffing": 1.0, "levers.customer_participation": 0.8})
        if week == 120:  # every restructuring is over by now (since week 109)
            engine.adjust_units(np.flatnonzero(engine.org.unit_front)[:3], restructuring=0.4)
        if week == 130:
            engine.intervene({"turnover.staff_annual": 0.0, "turnover.sponsor_annual": 0.0})
        engine.step()
    return engine


@pytest.mark.parametrize("cancelled", [False, True])
def test_a_run_that_forgets_what_its_rules_kept_each_week_is_the_same_run(cancelled) -> None:
    params = {**PARAMS, "sponsor.commitment": 0.2} if cancelled else PARAMS
    kept, afresh = _play(Engine(params, rng=4), False), _play(Engine(params, rng=4), True)
    assert (kept.status == CANCELLED) == cancelled
    assert kept.timeseries().equals(afresh.timeseries())
    assert kept.events == afresh.events
    for name in ("z", "confidence", "skill", "state", "live", "resistance", "stance", "gate",
                 "unit_live", "restructuring", "restructuring_fade", "restructuring_start"):  # fmt: skip
        assert np.array_equal(getattr(kept, name), getattr(afresh, name)), name


def test_with_no_restructuring_anywhere_the_relief_changes_nothing() -> None:
    engine = Engine(PARAMS, rng=4)
    engine.run(engine.d.first_live + 80)  # every restructuring is over
    s, p = engine.world, engine._pv
    assert not s.units.restructuring.any() and restructuring_over(s, p)
    engine.world.memo.clear()
    assert not restructuring_over(s, p)  # (only the week's restructure can tell)
    nu = s.org.n_units
    results = set()
    for factor in (relief(s, p), np.ones(nu), np.zeros(nu), np.linspace(-3.0, 3.0, nu)):
        z, c = s.people.z.copy(), s.people.confidence.copy()
        resistance, stance, gate = (
            a.copy() for a in (s.units.resistance, s.units.stance, s.units.gate)
        )
        kernels.managers(
            z, s.people.disposition, c, s.layout.manager_peers, s.org.peer_count, s.org.n_exec,
            resistance, s.units.sensitivity, s.units.restructuring, factor, stance, gate,
            s.prm, s.signals,
        )  # fmt: skip
        results.add(b"".join(a.tobytes() for a in (z, c, resistance, stance, gate)))
    assert len(results) == 1
