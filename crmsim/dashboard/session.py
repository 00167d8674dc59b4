"""The model one browser session runs: one or two roll-outs, stepped together.

:class:`WorkshopModel` is a Mesa model that owns one
:class:`~crmsim.model.CrmModel` (or two, in side-by-side mode) built from a
:class:`~crmsim.dashboard.controls.Setup`. Both sides use the same seed, so
they start from the same organisation and draw the same random numbers: any
difference between them comes from their settings ("with and without a
sponsor"). It only consumes the simulator: each side is exactly the run
``crmsim run`` makes with the same scenario, settings and seed.

Its ``datacollector`` records each side's weekly series under
``"<side>.<column>"`` (e.g. ``"left.adoption"``) for Mesa's plot components.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mesa

from crmsim.dashboard.controls import Setup
from crmsim.dashboard.orgview import OrgView, build_view
from crmsim.model import CrmModel

SERIES: tuple[str, ...] = (
    "adoption",
    "trying",
    "rejecting",
    "confidence_sponsor",
    "confidence_executive",
    "confidence_manager",
    "confidence_frontline",
    "profit_rel",
    "manager_resistance",
    "managers_resisting",
    "status",
    "milestone",
)
"""Columns of :attr:`CrmModel.COLUMNS` the dashboard charts, per side."""


class WorkshopModel(mesa.Model):
    """One or two CRM roll-outs from the same seed, advancing a week per step.

    Args:
        setup: The settings to build from, or a function returning them (the
            dashboard passes its controls, read when Reset rebuilds the model).
            Both sides are seeded with ``setup.seed``.

    Attributes:
        setup: The settings this model was built from.
        sides: The roll-outs by side name (``"left"``, and ``"right"`` in
            side-by-side mode).
        views: The drawable organisation of each side.
        grid: The left view's network (Mesa looks for a space here).
    """

    def __init__(self, setup: Setup | Callable[[], Setup]) -> None:
        if callable(setup):
            setup = setup()
        super().__init__(rng=setup.seed)
        self.setup: Setup = setup
        self.sides: dict[str, CrmModel] = {
            side: CrmModel(params, rng=setup.seed) for side, params in setup.sides().items()
        }
        self.views: dict[str, OrgView] = {s: build_view(m) for s, m in self.sides.items()}
        self.grid = self.views["left"].grid
        self.weeks: int = max(m.params["run.weeks"] for m in self.sides.values())
        self._last: dict[str, Any] = {}
        self._remember_last_week()
        reporters = {
            f"{side}.{column}": _reporter(side, column) for side in self.sides for column in SERIES
        }
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.datacollector.collect(self)

    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return self.sides["left"].week

    def step(self) -> None:
        """Advance every side one week; stop at the end of the scenario's run."""
        for model in self.sides.values():
            model.step()
        self._remember_last_week()
        self.datacollector.collect(self)
        self.running = self.week < self.weeks

    def _remember_last_week(self) -> None:
        for side, model in self.sides.items():
            self._last[side] = model.timeseries().iloc[-1]

    def latest(self, side: str) -> dict[str, float]:
        """The last recorded week of ``side``: every column of its weekly series."""
        return {k: float(v) for k, v in self._last[side].items()}


def _reporter(side: str, column: str) -> Callable[[WorkshopModel], float]:
    def report(model: WorkshopModel) -> float:
        return float(model._last[side][column])

    report.__name__ = f"{side}_{column}"
    return report
