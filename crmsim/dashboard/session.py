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

It follows Mesa's conventions, so :func:`mesa.batch_run` can drive it: the
seed comes as ``rng=`` and changed parameter values as ``values=``, e.g.
``mesa.batch_run(WorkshopModel, {"setup": setup, "values": [{"levers.training":
0.0}, {"levers.training": 1.0}]}, rng=[1, 2], max_steps=156)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import mesa
import numpy as np

from crmsim.dashboard.controls import Setup
from crmsim.dashboard.orgview import OrgView, build_view
from crmsim.model import CrmModel
from crmsim.params import PARAMS

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
        rng: Mesa's seed argument; when given it replaces ``setup.seed`` (an
            integer is used as it is, so ``rng=7`` is the run ``crmsim run
            --seed 7`` makes; a generator or seed sequence gives one integer
            seed, shared by both sides).
        values: Parameter values by dotted name (``{"levers.training": 0.5}``),
            set on every side; how ``mesa.batch_run`` sweeps them. (A keyword,
            not ``**kwargs``: Mesa's page would then pass its own ``scenario``.)

    Attributes:
        setup: The settings this model was built from.
        sides: The roll-outs by side name (``"left"``, and ``"right"`` in
            side-by-side mode).
        views: The drawable organisation of each side.
        grid: The left view's network (Mesa looks for a space here).
    """

    def __init__(
        self,
        setup: Setup | Callable[[], Setup],
        *,
        rng: Any = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        if callable(setup):
            setup = setup()
        if rng is not None:
            setup = setup.with_seed(_seed_of(rng))
        if values:
            right = setup.right.with_updates(values) if setup.right is not None else None
            setup = replace(setup, left=setup.left.with_updates(values), right=right)
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

    def apply_live(self, setup: Setup) -> bool:
        """Apply new settings to the running roll-outs from next week, if they allow it.

        Only the parameters whose declaration says they may change mid-run
        (:attr:`crmsim.params.Param.mid_run`) can: they reach every side
        through :meth:`~crmsim.engine.Engine.intervene`, as a game's decision
        does. A change of seed, of side-by-side mode or of any parameter that
        shapes the starting state (the organisation's size, the sponsor's
        commitment...) needs a new run: nothing is changed and the answer is
        ``False``.
        """
        if setup.seed != self.setup.seed or setup.sides().keys() != self.sides.keys():
            return False
        before = self.setup.sides()
        changes = {
            side: {n: v for n, v in params.items() if v != before[side][n]}
            for side, params in setup.sides().items()
        }
        if any(not PARAMS[n].mid_run for moved in changes.values() for n in moved):
            return False
        for side, moved in changes.items():
            if moved:
                self.sides[side].intervene(moved, label="workshop_change")
        self.setup = setup
        return True

    def latest(self, side: str) -> dict[str, float]:
        """The last recorded week of ``side``: every column of its weekly series."""
        return {k: float(v) for k, v in self._last[side].items()}


def _seed_of(rng: Any) -> int:
    """One integer seed from Mesa's ``rng`` (both sides must draw the same numbers)."""
    if isinstance(rng, int | np.integer):
        return int(rng)
    return int(np.random.default_rng(rng).integers(2**63 - 1))


def _reporter(side: str, column: str) -> Callable[[WorkshopModel], float]:
    def report(model: WorkshopModel) -> float:
        return float(model._last[side][column])

    report.__name__ = f"{side}_{column}"
    return report
