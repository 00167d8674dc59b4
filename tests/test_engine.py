"""The Mesa-free engine and the Mesa model make the same run.

``crmsim.runner.simulate`` drives :class:`crmsim.engine.Engine` directly (no
Mesa import); a Mesa user builds :class:`crmsim.model.CrmModel`. Given the same
``rng`` (a seed or a Generator, whatever Mesa accepts) both must draw the same
random numbers and so record the same weeks, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from crmsim.engine import Engine, seeded_rng
from crmsim.model import CrmModel

SMALL = {"org.employees": 150, "run.weeks": 30}


def _same_run(rng_a, rng_b) -> None:
    engine = Engine(SMALL, rng=rng_a)
    model = CrmModel(SMALL, rng=rng_b, create_agents=False)
    engine.intervene({"levers.training": 0.9}, "raise training")
    model.intervene({"levers.training": 0.9}, "raise training")
    engine.run()
    model.run()
    assert engine.timeseries().equals(model.timeseries())
    assert engine.events == model.events
    assert np.array_equal(engine.confidence, model.confidence)
    assert engine.rng.random() == model.rng.random()  # the streams are at the same place


@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_an_engine_and_a_mesa_model_with_the_same_seed_make_the_same_run(seed) -> None:
    _same_run(seed, seed)


def test_the_same_holds_for_a_generator_given_as_rng() -> None:
    # Mesa draws one number from a Generator it is given; seeded_rng draws it too.
    _same_run(np.random.default_rng(5), np.random.default_rng(5))


def test_seeded_rng_is_the_generator_mesa_builds() -> None:
    import mesa

    makers = (lambda: 3, lambda: np.random.default_rng(3), lambda: np.random.SeedSequence(3))
    for make in makers:
        mine, theirs = seeded_rng(make()), mesa.Model(rng=make()).rng
        assert mine.random(5).tolist() == theirs.random(5).tolist()


def test_the_engine_keeps_the_models_interface() -> None:
    engine = Engine(SMALL, rng=2)
    engine.step()
    assert engine.week == 1 and engine.running
    assert engine.world.project.week == 1
    engine.adjust_units(np.array([0]), restructuring=0.1)
    engine.update_stance()
    assert engine.latest("week") == 1.0
    assert list(engine.timeseries().columns) == list(CrmModel.COLUMNS)


def test_the_record_counts_the_users_as_learning_tallied_them() -> None:
    """Learning leaves the users' tally for the record; counted afresh, the row is the same."""
    from crmsim.rules.recording import week_values

    engine = Engine({"org.employees": 300}, rng=4)
    for _ in range(30):
        engine.step()
        tally = engine.world.tally
        assert tally.week == -1  # taken by learning and used by the record, once
        row = engine._rec[engine._row - 1]
        afresh = week_values(engine.world, engine._pv, np.zeros(4, dtype=np.int64))
        assert np.array_equal(row, [afresh[name] for name in engine.COLUMNS], equal_nan=True)
