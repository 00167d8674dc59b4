"""The CRM roll-out model: a thin Mesa shell around the state and the weekly rules.

Every attribute of every person is one numpy array in a typed container of
:mod:`crmsim.state`; the weekly rules are functions in :mod:`crmsim.rules`,
one module per phase, working on whole arrays (Covasim/Starsim style) with
compiled loops from :mod:`crmsim.kernels`. This class builds the state,
orders the phases, records each week and offers :meth:`CrmModel.intervene`.
The Mesa agent objects in :mod:`crmsim.agents` read and write through to the
arrays, so ``model.agents_by_type[MiddleManager].agg("confidence", np.mean)``
works as in any Mesa model.

The weekly process order (``docs/model.md`` gives every equation):

1. **Draw** one uniform number per user and sub-step (the only randomness in a step).
2. **Roll-out** (:mod:`crmsim.rules.rollout`): which units are live; training
   is delivered at go-live.
3. **Accounts** (:mod:`crmsim.rules.accounts`, S7): costs, productivity lost
   while learning, disruption by resisting managers, benefits earned by real
   use; profit against the pre-project level.
4. **Perception** (:mod:`crmsim.rules.perception`, S6, S7): realised results,
   smoothed over the results lag and scaled by visibility; the profit dip; a
   milestone review (S8).
5. **Sponsor and executives** (:mod:`crmsim.rules.sponsor`, S4): confidence
   update; retreat (budget cut, then cancellation) after sustained low
   confidence; resources.
6. **Middle managers** (:mod:`crmsim.rules.managers`, S5): resistance moves
   toward what restructuring depth and cross-department communication imply;
   confidence update; stance, which filters what reaches the team.
7. **Frontline** (:mod:`crmsim.rules.frontline`, S6, S8, S9): confidence update
   from results, the dip, filtered communication, the manager's stance, peers,
   own benefit and frustration.
8. **Adoption** (:mod:`crmsim.rules.adoption`): state transitions (not using ->
   trying -> using; rejecting) with a Bass hazard ``p + q * peer share``
   scaled by confidence and the manager's gate.
9. **Learning** (:mod:`crmsim.rules.learning`): skill grows with training and support.
10. **Record** (:mod:`crmsim.rules.recording`) the week's aggregates, by the
    names declared in :mod:`crmsim.record`.

Confidence is held as log-odds ``z`` (``confidence = 1 / (1 + exp(-z))``):
signals add to ``z`` and memory pulls ``z`` back toward each person's
disposition, so confidence stays in (0, 1) and never jumps to the last signal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from operator import itemgetter
from typing import Any

import mesa
import numpy as np

from crmsim import record
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
from crmsim.effects import Derived, derive
from crmsim.errors import CrmsimError
from crmsim.organisation import Organisation, build
from crmsim.params import ParamSet, lookup
from crmsim.rules.accounts import accounts
from crmsim.rules.adoption import adopt
from crmsim.rules.frontline import frontline
from crmsim.rules.intervention import change_parameters
from crmsim.rules.learning import learn
from crmsim.rules.logodds import logit, sigmoid, sigmoid_into  # noqa: F401 (re-exported)
from crmsim.rules.managers import managers, update_stance
from crmsim.rules.mandate import mandate
from crmsim.rules.mandate import set_signals as set_mandate_signals
from crmsim.rules.perception import perceive
from crmsim.rules.recording import week_values
from crmsim.rules.rollout import rollout
from crmsim.rules.sponsor import sponsor, update_resources
from crmsim.rules.support import overload
from crmsim.state import (  # noqa: F401 (re-exported)
    ROGERS_MULTIPLIER,
    ROGERS_SHARES,
    People,
    Project,
    State,
    Units,
    initial_state,
)

_IN_ORDER = itemgetter(*record.NAMES)  # a week's values by name -> a row in column order


def _reporter(name: str):
    """A DataCollector model reporter returning the latest weekly value of ``name``."""
    col = CrmModel.COLUMNS.index(name)

    def report(model: CrmModel) -> float:
        return float(model._rec[model._row - 1, col])

    report.__name__ = name
    return report


class CrmModel(mesa.Model):
    """A company rolling out CRM, week by week.

    The state lives in :attr:`world` (a :class:`crmsim.state.State`); its
    arrays and numbers are also attributes of the model (``model.confidence``,
    ``model.resistance``, ``model.status``, ...: every field of
    :class:`~crmsim.state.People`, :class:`~crmsim.state.Units` and
    :class:`~crmsim.state.Project`).

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

    COLUMNS: tuple[str, ...] = record.NAMES
    """The weekly record's columns, in order (declared in :data:`crmsim.record.COLUMNS`)."""

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
        params: ParamSet | dict[str, Any] | None = None,
        rng: Any = None,
        create_agents: bool = True,
        **overrides: Any,
    ) -> None:
        super().__init__(rng=rng)
        if not isinstance(params, ParamSet):
            params = ParamSet(params or {})
        if overrides:
            params = params.with_updates({k.replace("__", "."): v for k, v in overrides.items()})
        self._set_params(params)
        org = build(params, self.rng)
        self.world: State = initial_state(self._pv, org, derive(self._pv, org), self.rng)
        update_resources(self.world, self._pv)
        update_stance(self.world, self._pv)
        self._rec = np.full((params["run.weeks"] + 1, len(self.COLUMNS)), np.nan)
        self._row = 0
        self._counts = np.zeros(4, dtype=np.int64)
        self.agent_index: dict[int, mesa.Agent] = {}
        if create_agents:
            self._create_agents()
        self._record()
        # Mesa's DataCollector with cheap model reporters reading the weekly
        # record (so mesa.batch_run works); the full series is timeseries().
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in self.REPORTED}
        )
        self.datacollector.collect(self)

    @property
    def params(self) -> ParamSet:
        """Every parameter's current value (changed mid-run only by :meth:`intervene`)."""
        return self._params

    def _set_params(self, value: ParamSet) -> None:
        self._params = value
        self._pv = value.to_dict()  # a plain dict: the weekly rules read it fast

    @property
    def org(self) -> Organisation:
        """The organisation: people, units, functions, the peer network (fixed)."""
        return self.world.org

    @property
    def d(self) -> Derived:
        """The lever effects and fixed quantities of the run (:mod:`crmsim.effects`)."""
        return self.world.d

    @property
    def overload(self) -> float:
        """Share of learners the support capacity cannot serve this week (S3)."""
        return overload(self.world, self._pv)

    def _create_agents(self) -> None:
        org = self.org
        Executive.create_agents(self, org.n_exec, index=list(range(org.n_exec)))
        mgr = list(range(org.n_exec, org.n_exec + org.n_units))
        MiddleManager.create_agents(self, len(mgr), index=mgr)
        staff = list(range(org.n_exec + org.n_units, org.n))
        FrontlineStaff.create_agents(self, len(staff), index=staff)

    # ------------------------------------------------------------- recording
    def _record(self) -> None:
        if self._row >= self._rec.shape[0]:
            self._rec = np.vstack((self._rec, np.full_like(self._rec, np.nan)))
        values = week_values(self.world, self._pv, self._counts)
        self._rec[self._row] = _IN_ORDER(values)
        self._row += 1

    def timeseries(self):
        """The weekly records so far as a pandas DataFrame (one row per week)."""
        import pandas as pd

        df = pd.DataFrame(self._rec[: self._row], columns=list(self.COLUMNS))
        for col in record.INTEGER_COLUMNS:
            df[col] = df[col].astype(np.int64)
        return df

    # ------------------------------------------------------------------ step
    def step(self) -> None:
        """Advance one week (see the module docstring for the order).

        ``running`` turns false after ``run.weeks`` weeks (so Mesa's
        ``run_model`` and ``batch_run`` stop there); stepping on still works.
        """
        self.advance(self.draw_uniforms())
        self.datacollector.collect(self)
        self.running = self.world.project.week < self._pv["run.weeks"]

    def draw_uniforms(self) -> np.ndarray:
        """This week's random numbers: one uniform per user and adoption sub-step.

        Shape ``(run.substeps, number of users)``, drawn from the model's
        ``rng``; column ``a`` belongs to the ``a``-th user in person order.
        """
        return self.rng.random((self._pv["run.substeps"], self.world.layout.n_users))

    def advance(self, draws: np.ndarray) -> None:
        """Advance one week using the given uniform draws.

        ``draws`` has shape ``(run.substeps, number of users)``
        (:meth:`draw_uniforms`): one uniform per user and adoption sub-step;
        they are the only random numbers a week uses.

        Split from :meth:`step` so that the per-agent reference rules in
        :mod:`crmsim.reference` can be checked against the same numbers.
        """
        s, p = self.world, self._pv
        s.project.week += 1
        rollout(s, p)
        accounts(s, p)
        perceive(s, p)
        sponsor(s, p)
        managers(s, p)
        set_mandate_signals(s, p)
        frontline(s, p)
        adopt(s, p, draws)
        mandate(s, p)
        learn(s, p)
        self._record()

    def update_stance(self) -> None:
        """Recompute the managers' stance and gate from their confidence and resistance (S5).

        For changes made to confidence or resistance from outside the weekly
        rules (an agent's setter, a game's action).
        """
        update_stance(self.world, self._pv)

    # --------------------------------------------------------- interventions
    def adjust_units(self, units: np.ndarray, restructuring: float = 0.0, fit: float = 0.0) -> None:
        """Restructure some units beyond what the parameters say, from now on.

        ``restructuring`` is added to the units' restructuring depth at once
        (their managers' resistance follows over the weeks, S5) and kept
        through later interventions; ``fit`` is added to the process fit the
        accounts read for these units (their benefits, S2). A cancelled
        project restructures nothing.
        """
        u = self.world.units
        u.restructuring_adjustment[units] += restructuring
        u.fit_adjustment[units] += fit
        if self.status != CANCELLED:
            u.restructuring[units] = np.clip(u.restructuring[units] + restructuring, 0.0, 1.0)

    def intervene(self, updates: Mapping[str, Any], label: str = "intervention") -> None:
        """Change parameters mid-run: a decision taken in a game, a lever moved live.

        From the next week on, the new values act as if they had been set from
        the start, except for what the past has fixed
        (:func:`crmsim.rules.intervention.change_parameters` says what).

        Args:
            updates: Parameter values by dotted name (validated).
            label: The event name recorded in ``events`` with the changes.

        Raises:
            CrmsimError: for an unknown name, a bad value, or a parameter
                that only shapes the starting state (``Param.mid_run`` false).
        """
        frozen = [n for n in updates if not lookup(n).mid_run]
        if frozen:
            raise CrmsimError(
                f"{frozen[0]} shapes the starting state and cannot change mid-run; "
                "set it in the scenario instead"
            )
        before = self._pv
        self._set_params(self.params.with_updates(dict(updates)))
        change_parameters(self.world, before, self._pv)
        self.events.append({"week": self.week, "event": label, "changes": dict(updates)})

    # ------------------------------------------------------------------ run
    def run(self, weeks: int | None = None) -> None:
        """Run ``weeks`` steps (default: ``run.weeks``)."""
        for _ in range(self.params["run.weeks"] if weeks is None else weeks):
            self.step()


def _delegate(part: str, name: str) -> property:
    """A model attribute reading and writing ``model.world.<part>.<name>``."""

    def get(self: CrmModel) -> Any:
        return getattr(getattr(self.world, part), name)

    def set_(self: CrmModel, value: Any) -> None:
        setattr(getattr(self.world, part), name, value)

    return property(get, set_, doc=f"``world.{part}.{name}``")


for _part, _container in (("people", People), ("units", Units), ("project", Project)):
    for _field in fields(_container):
        setattr(CrmModel, _field.name, _delegate(_part, _field.name))
