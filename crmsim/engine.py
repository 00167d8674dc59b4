"""The CRM roll-out engine: the state, the weekly rules in order, the record, ``intervene``.

Every attribute of every person is one numpy array in a typed container of
:mod:`crmsim.state`; the weekly rules are functions in :mod:`crmsim.rules`,
one module per phase, working on whole arrays (Covasim/Starsim style) with
compiled loops from :mod:`crmsim.kernels`. :class:`Engine` builds the state,
orders the phases, records each week and offers :meth:`Engine.intervene`. It
needs no Mesa: :func:`crmsim.runner.simulate` (``crmsim run``, batches,
validation) drives it directly, and :class:`crmsim.model.CrmModel` extends it
into a ``mesa.Model`` (agents, DataCollector, ``mesa.batch_run``) for Mesa users.

The weekly process order (``docs/model.md`` gives every equation):

1. **Draw** one uniform number per user and sub-step (the only randomness in a step).
2. **Roll-out** (:mod:`crmsim.rules.rollout`): which units are live; training
   is delivered at go-live.
   Then **restructuring** (:mod:`crmsim.rules.restructuring`, S5): as an event,
   it begins when a unit goes live and fades; and **turnover**
   (:mod:`crmsim.rules.turnover`, S9): staff and the sponsor leave and are replaced.
3. **Accounts** (:mod:`crmsim.rules.accounts`, S7): costs, productivity lost
   while learning, disruption by resisting managers, benefits earned by real
   use; profit against the pre-project level. Then **data quality**
   (:mod:`crmsim.rules.data_quality`, S6, S9): built by use, eroded by
   work-arounds and decay.
4. **Perception** (:mod:`crmsim.rules.perception`, S6, S7): realised results,
   smoothed over the results lag and scaled by visibility; the profit dip; a
   milestone review (S8); the senders' credibility (:mod:`crmsim.rules.credibility`,
   S4, S8) moves with what people see.
5. **Sponsor and executives** (:mod:`crmsim.rules.sponsor`, S4): confidence
   update; retreat (budget cut, then cancellation) after sustained low
   confidence; resources. The sponsor also reads lagged usage reports (S4).
6. **Middle managers** (:mod:`crmsim.rules.managers`, S5): resistance moves
   toward what restructuring depth and cross-department communication imply;
   confidence update; stance, which filters what reaches the team.
7. **Frontline** (:mod:`crmsim.rules.frontline`, S6, S8, S9): confidence update
   from results, the dip, filtered communication, the manager's stance, peers,
   own benefit and frustration; before it, this week's mandate signals
   (:mod:`crmsim.rules.mandate`, S2).
8. **Adoption** (:mod:`crmsim.rules.adoption`): state transitions (not using ->
   trying -> using; rejecting) with a Bass hazard ``p + q * peer share``
   scaled by confidence and the manager's gate. After it, the mandate's
   tallies: compliance-only use and the cost of monitoring and incentives.
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
from typing import TYPE_CHECKING, Any

import numpy as np

from crmsim import record
from crmsim.codes import CANCELLED
from crmsim.effects import Derived, derive
from crmsim.errors import CrmsimError
from crmsim.organisation import Organisation, build
from crmsim.params import ParamSet, lookup
from crmsim.rules.accounts import accounts
from crmsim.rules.adoption import adopt
from crmsim.rules.data_quality import update_data_quality
from crmsim.rules.frontline import frontline
from crmsim.rules.intervention import change_parameters
from crmsim.rules.learning import learn
from crmsim.rules.managers import managers, update_stance
from crmsim.rules.mandate import mandate
from crmsim.rules.mandate import set_signals as set_mandate_signals
from crmsim.rules.perception import perceive
from crmsim.rules.recording import week_values
from crmsim.rules.restructuring import restructure, restructure_again
from crmsim.rules.rollout import rollout
from crmsim.rules.sponsor import sponsor, update_resources
from crmsim.rules.support import overload
from crmsim.rules.turnover import turnover, turnover_on
from crmsim.state import People, Project, State, Units, initial_state

if TYPE_CHECKING:
    import pandas as pd

_IN_ORDER = itemgetter(*record.NAMES)  # a week's values by name -> a row in column order


def seeded_rng(rng: Any = None) -> np.random.Generator:
    """The numpy generator ``mesa.Model(rng=rng)`` leaves in ``model.rng``, built without Mesa.

    Mesa 3 makes ``np.random.default_rng(rng)``; when ``rng`` is not an
    integer seed (a Generator, a SeedSequence, None) it then draws one integer
    from it to seed its stdlib ``random``. The same draw is made here, so an
    :class:`Engine` and a :class:`~crmsim.model.CrmModel` given the same
    ``rng`` produce the same random stream, number for number.
    """
    generator = np.random.default_rng(rng)
    if not isinstance(rng, (int, np.integer)):
        generator.integers(np.iinfo(np.int32).max)  # what mesa.Model.__init__ draws
    return generator


class Engine:
    """A company rolling out CRM, week by week (no Mesa needed).

    The state lives in :attr:`world` (a :class:`crmsim.state.State`); its
    arrays and numbers are also attributes of the engine (``engine.confidence``,
    ``engine.resistance``, ``engine.status``, ...: every field of
    :class:`~crmsim.state.People`, :class:`~crmsim.state.Units` and
    :class:`~crmsim.state.Project`).

    Args:
        params: Every parameter's value; a :class:`~crmsim.params.ParamSet`,
            or a mapping of overrides to the declared defaults (dotted names
            may also be given with ``__`` for ``.``, e.g. ``levers__training``).
        rng: Seed or numpy Generator (as Mesa takes it, :func:`seeded_rng`);
            the only source of randomness.
        **overrides: More parameter overrides, ``group__name=value``.
    """

    COLUMNS: tuple[str, ...] = record.NAMES
    """The weekly record's columns, in order (declared in :data:`crmsim.record.COLUMNS`)."""

    rng: np.random.Generator
    running: bool

    def __init__(
        self,
        params: ParamSet | Mapping[str, Any] | None = None,
        rng: Any = None,
        **overrides: Any,
    ) -> None:
        self.rng = seeded_rng(rng)
        self._setup(params, overrides)

    def _setup(
        self, params: ParamSet | Mapping[str, Any] | None, overrides: Mapping[str, Any]
    ) -> None:
        """Build the starting state from the parameters with ``self.rng`` and record week 0."""
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
        self.running = True
        self._record()

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

    # ------------------------------------------------------------- recording
    def _record(self) -> None:
        if self._row >= self._rec.shape[0]:
            self._rec = np.vstack((self._rec, np.full_like(self._rec, np.nan)))
        values = week_values(self.world, self._pv, self._counts)
        self._rec[self._row] = _IN_ORDER(values)
        self._row += 1

    def latest(self, name: str) -> float:
        """The latest recorded weekly value of column ``name``."""
        return float(self._rec[self._row - 1, self.COLUMNS.index(name)])

    def timeseries(self) -> pd.DataFrame:
        """The weekly records so far as a pandas DataFrame (one row per week)."""
        import pandas as pd

        df = pd.DataFrame(self._rec[: self._row], columns=list(self.COLUMNS))
        for col in record.INTEGER_COLUMNS:
            df[col] = df[col].astype(np.int64)
        return df

    # ------------------------------------------------------------------ step
    def step(self) -> None:
        """Advance one week (see the module docstring for the order).

        ``running`` turns false after ``run.weeks`` weeks; stepping on still works.
        """
        self.advance(self.draw_uniforms())
        self.running = self.world.project.week < self._pv["run.weeks"]

    def draw_uniforms(self) -> np.ndarray:
        """This week's random numbers: one uniform per user and adoption sub-step.

        Shape ``(run.substeps, number of users)``, drawn from ``rng``; column
        ``a`` belongs to the ``a``-th user in person order. With turnover on (a
        ``turnover.*`` rate above zero) the shape is ``(run.substeps + 2,
        number of users + 1)``: two more rows for who leaves and the newcomers'
        draws, and one more column, the sponsor's (:mod:`crmsim.rules.turnover`);
        the adoption rows' last column is unused.
        """
        rows, cols = self._pv["run.substeps"], self.world.layout.n_users
        if turnover_on(self._pv):
            rows, cols = rows + 2, cols + 1
        return self.rng.random((rows, cols))

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
        restructure(s, p)
        k = p["run.substeps"]
        if draws.shape[0] > k:
            turnover(s, p, draws)
            draws = draws[:k]
        accounts(s, p)
        update_data_quality(s, p)
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
        if self.status == CANCELLED:
            return
        if self._pv["restructuring.half_life_weeks"] > 0:  # a new event that fades (S5)
            restructure_again(self.world, self._pv, units, restructuring)
        else:
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
    """An attribute reading and writing ``engine.world.<part>.<name>``."""

    def get(self: Engine) -> Any:
        return getattr(getattr(self.world, part), name)

    def set_(self: Engine, value: Any) -> None:
        setattr(getattr(self.world, part), name, value)

    return property(get, set_, doc=f"``world.{part}.{name}``")


for _part, _container in (("people", People), ("units", Units), ("project", Project)):
    for _field in fields(_container):
        setattr(Engine, _field.name, _delegate(_part, _field.name))
