"""Running one simulation and summarising it.

:func:`simulate` is the one entry point every front end uses (``crmsim run``,
batches, sensitivity analysis, validation, the dashboard's reports): scenario
and seed in, weekly series, summary figures and events out. It drives the
Mesa-free :class:`crmsim.engine.Engine` (the same numbers as a
:class:`crmsim.model.CrmModel` with the same seed, without importing Mesa).
What it returns and how it is summarised live in :mod:`crmsim.results` (no
engine import), re-exported here.
"""

from __future__ import annotations

from crmsim.engine import Engine
from crmsim.results import (
    DIP_TOLERANCE,
    SUMMARY,
    SUMMARY_FIELDS,
    RunResult,
    summarise,
)
from crmsim.scenario import Scenario

__all__ = ["DIP_TOLERANCE", "SUMMARY", "SUMMARY_FIELDS", "RunResult", "simulate", "summarise"]


def simulate(
    scenario: Scenario,
    seed: int,
    weeks: int | None = None,
    create_agents: bool = False,
) -> RunResult:
    """Run one scenario with one seed.

    Args:
        scenario: The validated scenario (its parameters are used as they are).
        seed: Seed for the model's generator; the same seed gives the same output.
        weeks: Weeks to run; defaults to the scenario's ``run.weeks``.
        create_agents: Run a Mesa :class:`~crmsim.model.CrmModel` with its
            agent objects (not needed for results; the same numbers).
    """
    params = scenario.params
    if weeks is not None and weeks != params["run.weeks"]:
        params = params.with_updates({"run.weeks": weeks})
    if create_agents:
        from crmsim.model import CrmModel  # mesa only when its agents are asked for

        model: Engine = CrmModel(params, rng=seed)
    else:
        model = Engine(params, rng=seed)
    model.run()
    ts = model.timeseries()
    summary = summarise(ts, model.events, params["outcome.success_adoption"])
    return RunResult(timeseries=ts, summary=summary, events=list(model.events), seed=seed)
