"""The CRM roll-out model for Mesa users: :class:`crmsim.engine.Engine` as a ``mesa.Model``.

The state, the weekly rules, the record and :meth:`~crmsim.engine.Engine.intervene`
live in :mod:`crmsim.engine` (no Mesa needed; ``crmsim run``, batches and
validation drive the engine directly). :class:`CrmModel` adds what a Mesa user
expects: Mesa's ``rng``/``random``/``steps``/``time``, the agent objects of
:mod:`crmsim.agents`, which read and write through to the arrays (so
``model.agents_by_type[MiddleManager].agg("confidence", np.mean)`` works as in
any Mesa model), and a DataCollector, so ``mesa.batch_run`` works. Given the
same ``rng`` a CrmModel and an Engine make the same run, number for number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mesa

from crmsim.agents import Executive, FrontlineStaff, MiddleManager
from crmsim.codes import (  # noqa: F401 (re-exported: the model's codes)
    ACTIVE,
    CANCELLED,
    CUT,
    HOURS_PER_FTE_WEEK,
    NEVER,
    NOT_USING,
    REJECTING,
    STATE_NAMES,
    STATUS_NAMES,
    TRYING,
    USING,
    WEEKS_PER_YEAR,
    Z_LIMIT,
)
from crmsim.engine import Engine
from crmsim.params import ParamSet
from crmsim.rules.logodds import logit, sigmoid, sigmoid_into  # noqa: F401 (re-exported)
from crmsim.state import (  # noqa: F401 (re-exported)
    ROGERS_MULTIPLIER,
    ROGERS_SHARES,
    People,
    Project,
    State,
    Units,
    initial_state,
)


class _RecordCollector(mesa.DataCollector):
    """Mesa's DataCollector for reporters that read the weekly record.

    A collect appends each reporter's value as Mesa's would; the values are
    Python floats, which Mesa's ``deepcopy`` returns as they are, so the copy
    (about a microsecond per reporter and week) is skipped. Everything else,
    ``get_model_vars_dataframe`` included, is Mesa's own.
    """

    def collect(self, model: CrmModel) -> None:  # noqa: D102 (Mesa's)
        if not self._validated:  # the first collect: Mesa's own, which checks the reporters
            super().collect(model)
            return
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        row = model._rec[model._row - 1]
        for var, column in self._columns:
            self.model_vars[var].append(float(row[column]))

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__(model_reporters={name: _reporter(name) for name in names})
        self._columns = [(name, CrmModel.COLUMNS.index(name)) for name in names]


def _reporter(name: str):
    """A DataCollector model reporter returning the latest weekly value of ``name``."""
    column = CrmModel.COLUMNS.index(name)  # an unknown column fails here, not in a collect

    def report(model: CrmModel) -> float:
        return float(model._rec[model._row - 1, column])  # model.latest(name), looked up once

    report.__name__ = name
    return report


class CrmModel(Engine, mesa.Model):
    """A company rolling out CRM, week by week, as a Mesa model.

    Everything of :class:`~crmsim.engine.Engine` (``world``, the state's
    arrays as attributes, ``intervene``, ``adjust_units``, ``update_stance``,
    ``timeseries``), plus Mesa's model machinery.

    Args:
        params: Every parameter's value; a :class:`~crmsim.params.ParamSet`,
            or a mapping of overrides to the declared defaults (as
            ``mesa.batch_run`` passes keyword arguments, dotted names may
            also be given with ``__`` for ``.``, e.g. ``levers__training``).
        rng: Seed or numpy Generator; the only source of randomness.
        create_agents: Build the Mesa agent objects (on by default; turn off
            only for bare-speed batch runs, which never need them).
        **overrides: More parameter overrides, ``group__name=value``.
    """

    REPORTED = (
        "adoption",
        "rejecting",
        "confidence_sponsor",
        "confidence_manager",
        "confidence_frontline",
        "manager_resistance",
        "profit_rel",
        "status",
    )
    """Columns also offered to Mesa's DataCollector (and so to ``mesa.batch_run``)."""

    def __init__(
        self,
        params: ParamSet | Mapping[str, Any] | None = None,
        rng: Any = None,
        create_agents: bool = True,
        **overrides: Any,
    ) -> None:
        mesa.Model.__init__(self, rng=rng)  # sets self.rng as crmsim.engine.seeded_rng does
        self._setup(params, overrides)
        self.agent_index: dict[int, mesa.Agent] = {}
        if create_agents:
            self._create_agents()
        # Mesa's DataCollector with cheap model reporters reading the weekly
        # record (so mesa.batch_run works); the full series is timeseries().
        self.datacollector = _RecordCollector(self.REPORTED)
        self.datacollector.collect(self)

    def _create_agents(self) -> None:
        org = self.org
        Executive.create_agents(self, org.n_exec, index=list(range(org.n_exec)))
        mgr = list(range(org.n_exec, org.n_exec + org.n_units))
        MiddleManager.create_agents(self, len(mgr), index=mgr)
        staff = list(range(org.n_exec + org.n_units, org.n))
        FrontlineStaff.create_agents(self, len(staff), index=staff)

    def step(self) -> None:
        """Advance one week (:meth:`crmsim.engine.Engine.step`) and collect Mesa's data.

        ``running`` turns false after ``run.weeks`` weeks (so Mesa's
        ``run_model`` and ``batch_run`` stop there); stepping on still works.
        """
        Engine.step(self)
        self.datacollector.collect(self)
