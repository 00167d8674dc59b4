"""Mesa's conventions kept: every model class takes ``rng=`` and runs under ``mesa.batch_run``.

(The dashboard's WorkshopModel is tested with the dashboard.)
"""

from __future__ import annotations

import inspect

import mesa
import pytest

from crmsim.game.actions import GameModel
from crmsim.model import CrmModel

MODELS = [CrmModel, GameModel]
SMALL = {"org__employees": 150, "run__weeks": 12}


@pytest.mark.parametrize("model_cls", MODELS)
def test_every_model_class_accepts_mesas_rng_argument(model_cls) -> None:
    assert "rng" in inspect.signature(model_cls).parameters
    a = model_cls(rng=7, **SMALL)
    b = model_cls(rng=7, **SMALL)
    a.run_model()
    b.run_model()
    assert a.week == 12  # running turns false after run.weeks
    assert a.timeseries().equals(b.timeseries())


@pytest.mark.parametrize("model_cls", MODELS)
def test_mesa_batch_run_drives_the_model_with_rng_values(model_cls) -> None:
    results = mesa.batch_run(
        model_cls,
        parameters={**SMALL, "levers__training": [0.2, 0.9]},
        rng=[1, 2],
        max_steps=1000,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    assert len(results) == 4
    assert {(r["rng"], r["levers__training"]) for r in results} == {
        (s, t) for s in (1, 2) for t in (0.2, 0.9)
    }
    assert all(r["Step"] == 12 for r in results)  # stopped at run.weeks, not max_steps
    # each row is the run a direct construction with that rng gives
    row = next(r for r in results if r["rng"] == 2 and r["levers__training"] == 0.9)
    direct = model_cls(rng=2, levers__training=0.9, **SMALL)
    direct.run()
    assert row["adoption"] == direct.timeseries()["adoption"].iloc[-1]


def test_the_models_datacollector_collects_what_mesas_own_would() -> None:
    """CrmModel's collector skips Mesa's deepcopy of floats; the collected frame is Mesa's."""
    from crmsim.model import _reporter

    ours = CrmModel({"org.employees": 300}, rng=3)
    plain = CrmModel({"org.employees": 300}, rng=3)
    plain.datacollector = mesa.DataCollector(
        model_reporters={name: _reporter(name) for name in CrmModel.REPORTED}
    )
    plain.datacollector.collect(plain)
    for _ in range(30):
        ours.step()
        plain.step()
    expected = plain.datacollector.get_model_vars_dataframe()
    got = ours.datacollector.get_model_vars_dataframe()
    assert got.shape == (31, len(CrmModel.REPORTED))
    assert got.equals(expected)
