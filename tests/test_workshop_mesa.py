"""The workshop's Mesa model keeps Mesa's conventions: ``rng=`` and ``mesa.batch_run``."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

import mesa
import numpy as np
import pytest

from crmsim.dashboard.controls import Setup
from crmsim.dashboard.session import WorkshopModel
from crmsim.runner import simulate
from crmsim.scenario import load

SMALL = {"org.employees": 150, "rollout.implementation_weeks": 0}
WEEKS = 12


def small_setup(seed: int = 3) -> Setup:
    """The baseline at 150 employees, going live at once (fast and eventful)."""
    return Setup.from_scenario(load("baseline").with_updates(SMALL), seed=seed)


@pytest.fixture
def keep_start_method() -> Iterator[None]:
    """mesa.batch_run forces the 'spawn' start method process-wide; put it back."""
    before = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(before, force=True)


def test_rng_replaces_the_setups_seed_and_is_the_seed_crmsim_run_uses() -> None:
    model = WorkshopModel(small_setup(seed=3), rng=11)
    assert model.setup.seed == 11
    for _ in range(WEEKS):
        model.step()
    expected = simulate(load("baseline").with_updates(SMALL), seed=11, weeks=WEEKS)
    np.testing.assert_array_equal(
        model.sides["left"].timeseries().to_numpy(), expected.timeseries.to_numpy()
    )


def test_without_rng_the_setups_seed_is_used() -> None:
    assert WorkshopModel(small_setup(seed=4)).setup.seed == 4


@pytest.mark.parametrize("rng", [np.random.SeedSequence(5), np.random.default_rng(5)])
def test_a_generator_or_seed_sequence_seeds_both_sides_alike(rng: object) -> None:
    model = WorkshopModel(small_setup().with_side_by_side(True), rng=rng)
    for _ in range(WEEKS):
        model.step()
    left, right = model.sides["left"], model.sides["right"]
    np.testing.assert_array_equal(left.timeseries().to_numpy(), right.timeseries().to_numpy())


def test_parameter_values_by_dotted_name_are_set_on_every_side() -> None:
    model = WorkshopModel(small_setup().with_side_by_side(True), values={"levers.training": 0.8})
    assert model.setup.left["levers.training"] == model.setup.right["levers.training"] == 0.8


def test_mesa_batch_run_drives_it_over_seeds_and_a_lever(keep_start_method: None) -> None:
    rows = mesa.batch_run(
        WorkshopModel,
        {"setup": small_setup(), "values": [{"levers.training": x} for x in (0.0, 1.0)]},
        rng=[1, 2],
        max_steps=WEEKS,
        number_processes=1,
        display_progress=False,
    )
    assert len(rows) == 4  # two seeds x two lever values, the last week of each
    for row in rows:
        assert row["Step"] == WEEKS
        scenario = load("baseline").with_updates({**SMALL, **row["values"]})
        expected = simulate(scenario, seed=row["rng"], weeks=WEEKS).timeseries.iloc[-1]
        for column in ("adoption", "trying", "confidence_sponsor", "confidence_frontline"):
            assert row[f"left.{column}"] == expected[column]
    sponsor = {
        (r["rng"], r["values"]["levers.training"]): r["left.confidence_sponsor"] for r in rows
    }
    assert sponsor[(1, 0.0)] != sponsor[(2, 0.0)]  # the seed reaches the model
    assert sponsor[(1, 0.0)] != sponsor[(1, 1.0)]  # and so does the lever
