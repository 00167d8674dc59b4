"""The CRM roll-out model: a Mesa model whose people live in numpy arrays.

Every attribute of every person is one numpy array owned by the model; the
weekly update works on whole arrays (Covasim/Starsim style), the phases over
all people as compiled loops in :mod:`crmsim.kernels`. The Mesa agent
objects in :mod:`crmsim.agents` read and write through to those arrays, so
``model.agents_by_type[MiddleManager].agg("confidence", np.mean)`` works as
in any Mesa model.

The weekly process order (``docs/model.md`` gives every equation):

1. **Draw** one uniform number per user and sub-step (the only randomness in a step).
2. **Roll-out**: which units are live; training is delivered at go-live.
3. **Accounts** (S7): costs, productivity lost while learning, disruption by
   resisting managers, benefits earned by real use; profit against the
   pre-project level.
4. **Perception** (S6, S7): realised results, smoothed over the results lag
   and scaled by visibility; the profit dip; a milestone review (S8).
5. **Sponsor and executives** (S4): confidence update; retreat (budget cut,
   then cancellation) after sustained low confidence; resources.
6. **Middle managers** (S5): resistance moves toward what restructuring
   depth and cross-department communication imply; confidence update;
   stance, which filters what reaches the team.
7. **Frontline** (S6, S8, S9): confidence update from results, the dip,
   filtered communication, the manager's stance, peers, own benefit and
   frustration.
8. **Adoption**: state transitions (not using -> trying -> using; rejecting)
   with a Bass hazard ``p + q * peer share`` scaled by confidence and the
   manager's gate.
9. **Learning**: skill grows with training and support.
10. **Record** the week's aggregates.

Confidence is held as log-odds ``z`` (``confidence = 1 / (1 + exp(-z))``):
signals add to ``z`` and memory pulls ``z`` back toward each person's
disposition, so confidence stays in (0, 1) and never jumps to the last signal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np

from crmsim import kernels
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
from crmsim.organisation import EXECUTIVE, FRONTLINE, MANAGER, Organisation, build
from crmsim.params import ParamSet, lookup

# Rogers' adopter categories: shares and the innovation multiplier of each
# (innovators, early adopters, early majority, late majority, laggards).
ROGERS_SHARES = np.array([0.025, 0.135, 0.34, 0.34, 0.16])
_ROGERS_RAW = np.array([6.0, 2.5, 1.0, 0.5, 0.15])
ROGERS_MULTIPLIER = _ROGERS_RAW / float(ROGERS_SHARES @ _ROGERS_RAW)  # mean 1


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, confidence from log-odds."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_into(z: np.ndarray, out: np.ndarray) -> None:
    """``out[:] = sigmoid(z)`` without temporaries (``out`` may not be ``z``)."""
    np.negative(z, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.divide(1.0, out, out=out)


def logit(c: np.ndarray | float) -> np.ndarray | float:
    """Log-odds from confidence (clipped away from 0 and 1)."""
    c = np.clip(c, 1e-4, 1 - 1e-4)
    return np.log(c / (1.0 - c))


def _reporter(name: str):
    """A DataCollector model reporter returning the latest weekly value of ``name``."""
    col = CrmModel.COLUMNS.index(name)

    def report(model: CrmModel) -> float:
        return float(model._rec[model._row - 1, col])

    report.__name__ = name
    return report


class CrmModel(mesa.Model):
    """A company rolling out CRM, week by week.

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
        self.params = params
        self.org: Organisation = build(params, self.rng)
        self.d: Derived = derive(self._pv, self.org)
        self._init_people()
        self._init_records()
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

    @params.setter
    def params(self, value: ParamSet) -> None:
        self._params = value
        self._pv = value.to_dict()  # a plain dict: the weekly update reads it fast

    # ------------------------------------------------------------------ set-up
    def _init_people(self) -> None:
        p = self._pv
        org = self.org
        rng = self.rng
        n = org.n
        role = org.role
        # Dispositions (S1): role means on the log-odds scale plus spread.
        mean_z = np.empty(n)
        mean_z[role == EXECUTIVE] = logit(p["executives.confidence"])
        mean_z[role == MANAGER] = logit(p["managers.confidence"])
        mean_z[role == FRONTLINE] = logit(p["frontline.confidence"])
        spread = p["frontline.confidence_spread"] * rng.standard_normal(n)
        self.disposition = mean_z + spread
        # The sponsor: commitment with between-firm uncertainty (S4).
        self.disposition[0] = (
            logit(p["sponsor.commitment"]) + p["sponsor.commitment_spread"] * rng.standard_normal()
        )
        self.z = self.disposition.copy()
        self.confidence = sigmoid(self.z)

        # Innovativeness after Rogers (heterogeneity scaled by the spread).
        cat = rng.choice(ROGERS_SHARES.size, size=n, p=ROGERS_SHARES)
        s = p["frontline.innovativeness_spread"]
        self.innovativeness = 1.0 + s * (ROGERS_MULTIPLIER[cat] - 1.0)
        self.adopter_category = cat.astype(np.int8)
        # Granovetter thresholds (CAL-6.3) and rejection thresholds (CAL-6.4).
        self.threshold = np.clip(
            p["frontline.threshold_mean"] + p["frontline.threshold_sd"] * rng.standard_normal(n),
            0.0,
            1.0,
        )
        self.reject_threshold = np.clip(
            p["frontline.reject_confidence"]
            + p["frontline.reject_confidence_sd"] * rng.standard_normal(n),
            0.0,
            1.0,
        )
        self.state = np.full(n, NOT_USING, dtype=np.int8)
        self.skill = np.where(
            org.is_user, p["start.skill_per_it_maturity"] * p["start.it_maturity"], 0.0
        )
        self.live = np.zeros(n, dtype=bool)  # user's unit has gone live

        # Managers (S5): sensitivity lognormal with mean 1 times the mean factor.
        nu = org.n_units
        self.resistance = np.zeros(nu)
        sd = p["managers.sensitivity_spread"]
        self.sensitivity = p["managers.resistance_sensitivity"] * np.exp(
            sd * rng.standard_normal(nu) - sd * sd / 2.0
        )
        depth = p["restructuring.depth"]
        self.restructuring = np.where(
            org.unit_front, depth, depth * p["restructuring.backoffice_share"]
        )
        self.stance = np.zeros(nu)
        # How well the system really fits this firm (S2): drawn once per firm.
        self.firm_fit = float(
            np.clip(self.d.fit + p["start.fit_uncertainty"] * rng.standard_normal(), 0.05, 1.0)
        )
        self.unit_fit = np.full(nu, self.firm_fit)
        self.unit_live = np.zeros(nu, dtype=bool)

        # Organisation-level state.
        self.week = 0  # weeks simulated so far; week w is simulated by the w-th step
        self.status = ACTIVE
        self.weeks_low = 0
        self.weeks_high = 0
        self.resources = 0.0
        self.visible_results = 0.0
        self.results_ema = 0.0
        self.profit = self.d.profit0
        self.spend = 0.0
        self.milestone = 0
        self.milestone_signal = 0.0
        self.dip = 0.0
        self.events: list[dict[str, Any]] = []
        self._training_queue: dict[int, float] = {}  # week -> users trained that week
        self._one_off_due = 0.0  # one-off lever costs due next week (intervene)
        self._users = np.flatnonzero(org.is_user)
        self._n_users = int(self._users.size)
        # The peer network in the kernels' layouts: the managers' and the staff's
        # rows as jagged diagonals, and the users' ties among users (only users
        # can be using) as a padded table.
        first_staff = org.n_exec + org.n_units
        self._manager_peers = kernels.jagged_diagonals(org.peers[org.n_exec : first_staff])
        self._staff_peers = kernels.jagged_diagonals(org.peers[first_staff:])
        self._user_table = kernels.neighbour_table(org.peers[self._users][:, self._users].tocsr())
        self._user_unit = org.unit[self._users]
        self._update_resources()
        self._update_stance()

    def _create_agents(self) -> None:
        org = self.org
        Executive.create_agents(self, org.n_exec, index=list(range(org.n_exec)))
        mgr = list(range(org.n_exec, org.n_exec + org.n_units))
        MiddleManager.create_agents(self, len(mgr), index=mgr)
        staff = list(range(org.n_exec + org.n_units, org.n))
        FrontlineStaff.create_agents(self, len(staff), index=staff)

    # ------------------------------------------------------------- recording
    COLUMNS = (
        "week",
        "adoption",
        "trying",
        "rejecting",
        "not_using",
        "engaged",
        "units_live",
        "confidence_sponsor",
        "confidence_executive",
        "confidence_manager",
        "confidence_frontline",
        "confidence_user",
        "manager_resistance",
        "managers_resisting",
        "mean_skill",
        "profit",
        "profit_rel",
        "benefit",
        "costs",
        "learning_loss",
        "disruption",
        "cum_profit_delta",
        "spend",
        "visible_results",
        "resources",
        "status",
        "milestone",
        "kpi_sales_cycle_change_pct",
        "kpi_customer_satisfaction_change_pct",
    )

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

    def _init_records(self) -> None:
        weeks = self.params["run.weeks"]
        self._rec = np.full((weeks + 1, len(self.COLUMNS)), np.nan)
        self._row = 0
        self._cum_delta = 0.0
        self._benefit = 0.0
        self._costs = 0.0
        self._loss = 0.0
        self._disruption = 0.0
        self._benefit_ratio = 0.0
        self._counts = np.zeros(4, dtype=np.int64)

    def _record(self) -> None:
        if self._row >= self._rec.shape[0]:
            self._rec = np.vstack((self._rec, np.full_like(self._rec, np.nan)))
        org = self.org
        nu = max(self._n_users, 1)
        counts = self._counts
        conf_users, skill_users = kernels.user_summary(
            self._users, self.state, self.confidence, self.skill, counts
        )
        c = self.confidence
        exec_c = c[: org.n_exec]
        mgr_c = c[org.n_exec : org.n_exec + org.n_units]
        staff_c = c[org.n_exec + org.n_units :]
        using = counts[USING] / nu
        r = self._benefit_ratio
        # (x.sum() / x.size: the same number as x.mean(), without its Python overhead)
        self._rec[self._row] = (
            self.week,
            using,
            counts[TRYING] / nu,
            counts[REJECTING] / nu,
            counts[NOT_USING] / nu,
            (counts[TRYING] + counts[USING]) / nu,
            int(self.unit_live.sum()),
            c[0],
            exec_c.sum() / exec_c.size,
            mgr_c.sum() / mgr_c.size,
            staff_c.sum() / staff_c.size if staff_c.size else np.nan,
            conf_users / self._n_users if self._n_users else np.nan,
            self.resistance.sum() / self.resistance.size,
            np.count_nonzero(self.resistance >= self._pv["outcome.resisting_level"])
            / self.resistance.size,
            skill_users / self._n_users if self._n_users else 0.0,
            self.profit,
            (self.profit - self.d.profit0) / self.d.profit0,
            self._benefit,
            self._costs,
            self._loss,
            self._disruption,
            self._cum_delta,
            self.spend,
            self.visible_results,
            self.resources,
            self.status,
            self.milestone,
            self._pv["outcome.kpi_sales_cycle_pct"] * r,  # CAL-2.7
            self._pv["outcome.kpi_satisfaction_pct"] * r,  # CAL-2.5
        )
        self._row += 1

    def timeseries(self):
        """The weekly records so far as a pandas DataFrame (one row per week)."""
        import pandas as pd

        df = pd.DataFrame(self._rec[: self._row], columns=list(self.COLUMNS))
        for col in ("week", "units_live", "status", "milestone"):
            df[col] = df[col].astype(np.int64)
        return df

    # ------------------------------------------------------------------ step
    def step(self) -> None:
        """Advance one week (see the module docstring for the order)."""
        self.advance(self.draw_uniforms())
        self.datacollector.collect(self)

    def draw_uniforms(self) -> np.ndarray:
        """This week's random numbers: one uniform per user and adoption sub-step.

        Shape ``(run.substeps, number of users)``, drawn from the model's
        ``rng``; column ``a`` belongs to the ``a``-th user in person order.
        """
        return self.rng.random((self._pv["run.substeps"], self._n_users))

    def advance(self, draws: np.ndarray) -> None:
        """Advance one week using the given uniform draws.

        ``draws`` has shape ``(run.substeps, number of users)``
        (:meth:`draw_uniforms`): one uniform per user and adoption sub-step;
        they are the only random numbers a week uses.

        Split from :meth:`step` so that the per-agent reference rules in
        :mod:`crmsim.reference` can be checked against the same numbers.
        """
        self.week += 1
        week = self.week
        self._rollout(week)
        self._accounts(week)
        self._perceive(week)
        self._sponsor(week)
        self._managers()
        self._frontline()
        self._adopt(draws)
        self._learn()
        self._record()

    # Phase 2: roll-out ---------------------------------------------------
    def _rollout(self, week: int) -> None:
        if self.status == CANCELLED:
            return
        going = (self.d.go_live <= week) & ~self.unit_live
        if not going.any():
            return
        units = np.flatnonzero(going)
        self.unit_live[units] = True
        # Units after the pilot learn from it (S3 "a local pilot first").
        after_pilot = self.d.pilot_scheduled and week > self.d.first_live
        if after_pilot:
            self.unit_fit[units] = min(1.0, self.firm_fit + self.d.pilot_fit_bonus)
        mask = np.isin(self._user_unit, units)
        idx = self._users[mask]
        self.live[idx] = True
        bonus = self.d.training_skill + (self.d.pilot_skill_bonus if after_pilot else 0.0)
        self.skill[idx] = self.skill[idx] + bonus * (1.0 - self.skill[idx])
        weeks = self._pv["economics.training_weeks"]
        for w in range(week, week + weeks):
            self._training_queue[w] = self._training_queue.get(w, 0.0) + idx.size / weeks
        self.events.append(
            {"week": week, "event": "go_live", "units": int(units.size), "users": int(idx.size)}
        )

    # Phase 3: accounts (S7) ---------------------------------------------
    def _accounts(self, week: int) -> None:
        p = self._pv
        d = self.d
        n_users = self._n_users
        active = self.status != CANCELLED
        n_live, loss_units, n_rejecting, n_using, realised = kernels.user_tallies(
            self._users, self.state, self.live, self.skill, self.unit_fit, self.org.unit, active
        )
        rev_cm = d.revenue * d.cm
        costs = 0.0
        if active:
            if week <= max(d.implementation_weeks, 1):
                costs += d.up_front_weekly
            # one-off costs of levers raised mid-run (see intervene)
            costs += self._one_off_due
            lic = d.licence_week_per_user * n_live
            costs += lic * (1.0 + p["economics.maintenance_share"])
            # training is delivered over the weeks after a unit's go-live (CAL-1.4)
            trained = self._training_queue.pop(week, 0)
            costs += (
                trained
                * p["levers.training"]
                * p["economics.training_hours"]
                * p["economics.hourly_cost"]
            )
            # consultants and the project team are paid exactly while they help
            if self._consultants_on():
                costs += p["levers.expert_help"] * p["economics.consultant_per_user_week"] * n_users
            if self._team_on():
                # a dedicated project team: full-time people per 100 users
                team = n_users / 100.0 * p["economics.team_per_100_users"]
                costs += (
                    p["levers.staffing"] * team * HOURS_PER_FTE_WEEK * p["economics.hourly_cost"]
                )
            # customers brought in: staff time per live user and week
            costs += (
                p["levers.customer_participation"]
                * p["economics.customer_hours"]
                * p["economics.hourly_cost"]
                * n_live
            )
            # executives' time, at a multiple of the staff rate
            costs += (
                p["levers.top_management_support"]
                * self.org.n_exec
                * p["economics.executive_hours"]
                * p["economics.executive_rate"]
                * p["economics.hourly_cost"]
            ) * self.resources
        self._one_off_due = 0.0
        # learners lose productivity in proportion to what they have still to learn
        loss = loss_units * p["frontline.learning_loss"] * rev_cm
        # work-arounds cost a tenth of the learning loss rate (double entry)
        loss += (
            float(n_rejecting)
            * p["frontline.workaround_loss"]
            * p["frontline.learning_loss"]
            * rev_cm
        )
        disruption = (
            float(self.resistance @ self.org.unit_size) * p["economics.disruption"] * rev_cm
        )
        share_using = float(n_using) / max(n_users, 1)
        # CRM data is worth more when most use it: part of the value scales with adoption.
        nv = p["economics.network_value"]
        network_factor = (1.0 - nv) + nv * share_using
        benefit = realised * network_factor * p["economics.benefit_uplift"] * rev_cm
        self._benefit_ratio = realised * network_factor / max(n_users, 1)
        self._benefit = benefit
        self._costs = costs
        self._loss = loss
        self._disruption = disruption
        self.spend += costs
        self.profit = d.profit0 + benefit - costs - loss - disruption
        self._cum_delta += self.profit - d.profit0

    # Phase 4: perception (S6, S7, S8) -----------------------------------
    def _perceive(self, week: int) -> None:
        p = self._pv
        d = self.d
        alpha = 1.0 / p["visibility.lag_weeks"]
        self.results_ema += alpha * (self._benefit_ratio - self.results_ema)
        self.visible_results = d.visibility * self.results_ema
        self.dip = max(0.0, min(1.0, (d.profit0 - self.profit) / d.profit0))
        # Milestone review (S8): a plan from the first go-live to the target.
        self.milestone = 0
        self.milestone_signal = 0.0
        interval = p["milestones.interval_weeks"]
        since = week - d.first_live
        plan = 0.0
        if interval > 0 and since > 0:
            # The plan expects an S-curve (slow start, Rogers): smoothstep to the target.
            x = min(1.0, since / p["milestones.plan_weeks"])
            plan = p["milestones.target"] * x * x * (3.0 - 2.0 * x)
        due = interval > 0 and since > 0 and since % interval == 0
        # nobody announces a goal below the smallest one; a cancelled project has no reviews
        if due and plan >= p["milestones.min_goal"] and self.status != CANCELLED:
            n_using = kernels.count_state(self._users, self.state, USING)
            actual = n_using / self._n_users if self._n_users else 0.0
            self.milestone = 1 if actual >= plan else -1
            # Met: a full lift; missed: a cost in proportion to the shortfall (S8).
            self.milestone_signal = 1.0 if actual >= plan else -(plan - actual) / plan
            self.events.append(
                {
                    "week": week,
                    "event": "milestone_met" if self.milestone > 0 else "milestone_missed",
                    "plan": plan,
                    "actual": actual,
                }
            )

    def _common_signal(self) -> float:
        """Signals everybody receives alike: visible results, the dip, milestones."""
        p = self._pv
        return (
            p["confidence.results_weight"] * self.visible_results
            - p["confidence.dip_weight"] * self.dip
            + p["milestones.impact"] * self.milestone_signal
        )

    def _sponsor_message(self) -> float:
        """Strength and sign of the sponsor's message (S8): quality x resources x conviction."""
        return self.d.comm_quality * self.resources * (2.0 * self.confidence[0] - 1.0)

    # Phase 5: sponsor and executives (S4) -------------------------------
    def _sponsor(self, week: int) -> None:
        p = self._pv
        d = self.d
        ne = self.org.n_exec
        mem = p["confidence.memory"]
        c = self.confidence
        exec_mean = float((2.0 * c[:ne] - 1.0).sum() / ne)
        # Budget overrun worries the sponsor (S1 scarce money; CAL-1.3 37.5 % over budget);
        # the plan grows after the first year and the worry saturates.
        growth = p["sponsor.budget_growth"]
        planned = d.budget * (1.0 + growth * max(0.0, week - WEEKS_PER_YEAR) / WEEKS_PER_YEAR)
        cap = p["sponsor.overrun_cap"]
        overrun = min(cap, max(0.0, self.spend / planned - 1.0)) if planned >= 1.0 else 0.0
        dip_feel = p["confidence.dip_weight"] * p["sponsor.dip_sensitivity"] * (self.dip + overrun)
        setback = dip_feel + max(0.0, -p["milestones.impact"] * self.milestone_signal)
        good = p["confidence.results_weight"] * self.visible_results + max(
            0.0, p["milestones.impact"] * self.milestone_signal
        )
        signal = good - (1.0 - d.resilience) * setback + p["confidence.peer_weight"] * exec_mean
        # other executives hear the sponsor (top decides as one, S4)
        others = good - setback + p["confidence.communication_weight"] * self._sponsor_message()
        z = self.z
        z[:ne] += mem * (self.disposition[:ne] - z[:ne])
        z[1:ne] += others
        z[0] += signal
        np.minimum(np.maximum(z[:ne], -Z_LIMIT, out=z[:ne]), Z_LIMIT, out=z[:ne])
        c[:ne] = sigmoid(z[:ne])

        # Retreat after sustained low confidence (S4).
        if self.status != CANCELLED:
            threshold = p["sponsor.retreat_threshold"]
            if c[0] < threshold:
                self.weeks_low += 1
                self.weeks_high = 0
            else:
                self.weeks_low = 0
                margin = p["sponsor.restore_margin"]
                self.weeks_high = self.weeks_high + 1 if c[0] >= threshold + margin else 0
            need = p["sponsor.retreat_weeks"]
            if self.weeks_low >= need:
                self.weeks_low = 0
                if self.status == ACTIVE:
                    self.status = CUT
                    self.events.append({"week": week, "event": "budget_cut"})
                else:
                    self._cancel(week)
            elif self.status == CUT and self.weeks_high >= need:
                self.status = ACTIVE
                self.weeks_high = 0
                self.events.append({"week": week, "event": "budget_restored"})
        self._update_resources()

    def _cancel(self, week: int) -> None:
        self.status = CANCELLED
        # The system is switched off: nobody uses it any more; rejection stays.
        users = self._users
        st = self.state[users]
        st[(st == TRYING) | (st == USING)] = NOT_USING
        self.state[users] = st
        self.live[:] = False
        # Restructuring stops: managers' resistance fades toward zero (S5).
        self.unit_live[:] = False
        self.restructuring[:] = 0.0
        self.events.append({"week": week, "event": "cancelled"})

    def _update_resources(self) -> None:
        """Time, money and people the sponsor provides (S4)."""
        p = self._pv
        status_factor = (1.0, p["effects.cut_share"], 0.0)[self.status]
        tms = p["levers.top_management_support"]
        base = p["effects.resources_base"]
        conviction = p["effects.resources_conviction"]
        self.resources = (
            (base + (1.0 - base) * tms)
            * status_factor
            * ((1.0 - conviction) + conviction * self.confidence[0])
        )

    # Phase 6: middle managers (S5) --------------------------------------
    def _managers(self) -> None:
        p = self._pv
        org = self.org
        # Cross-department communication, helped by the sponsor's coordination (S4, S5)
        # and by a dedicated project team (S3 staffing).
        xdept = 1.0 - (1.0 - p["managers.xdept_communication"]) * (
            1.0 - p["effects.xdept_per_resources"] * self.resources
        ) * (1.0 - p["effects.xdept_per_staffing"] * p["levers.staffing"] * self._team_on())
        kernels.managers(
            self.z,
            self.disposition,
            self.confidence,
            self._manager_peers,
            org.peer_count,
            org.n_exec,
            self.resistance,
            self.sensitivity,
            self.restructuring,
            self.stance,
            self.gate,
            self.d.clarity_factor,
            xdept,
            p["managers.xdept_relief"],
            p["managers.resistance_rate"],
            self._common_signal() + p["confidence.communication_weight"] * self._sponsor_message(),
            p["confidence.peer_weight"],
            p["confidence.memory"],
            p["managers.filter_strength"],
        )

    def _update_stance(self) -> None:
        """A manager's stance: conviction minus resistance, in [-1, 1] (S5)."""
        org = self.org
        c_m = self.confidence[org.n_exec : org.n_exec + org.n_units]
        self.stance = np.clip(2.0 * c_m - 1.0 - self.resistance, -1.0, 1.0)
        # The gate through which the manager passes messages and readiness.
        self.gate = np.maximum(0.0, 1.0 + self._pv["managers.filter_strength"] * self.stance)

    # Phase 7: frontline (S6, S8, S9) ------------------------------------
    def _frontline(self) -> None:
        p = self._pv
        org = self.org
        lo = org.n_exec + org.n_units
        # What each unit's staff hear: the sponsor's message through the manager's
        # gate, plus the manager's own stance (S5, S8); computed per unit.
        heard_in_unit = (
            self.gate * self._sponsor_message() + p["managers.message_weight"] * self.stance
        )
        # Own benefit and frustration: only users can be using or trying (S6, S7).
        w = p["frontline.strain_overload_share"]
        strain = w * self.overload + (1.0 - w) * (1.0 - self.d.quality)
        kernels.frontline(
            self.z,
            self.disposition,
            self.confidence,
            self._staff_peers,
            org.peer_count,
            lo,
            org.unit,
            heard_in_unit,
            org.is_user,
            self.state,
            self.skill,
            self._common_signal(),
            p["confidence.communication_weight"],
            p["confidence.peer_weight"],
            p["confidence.own_benefit_weight"],
            p["confidence.frustration_weight"],
            strain,
            p["confidence.memory"],
        )
        sigmoid_into(self.z[lo:], self.confidence[lo:])

    def _consultants_on(self) -> bool:
        """Consultants are paid, and help, while active and for a while after go-live."""
        weeks = self._pv["economics.consultant_weeks"]
        return self.status == ACTIVE and self.week < self.d.first_live + weeks

    def _team_on(self) -> bool:
        """The project team is paid, and helps, while active and for a while after go-live."""
        return (
            self.status == ACTIVE
            and self.week < self.d.first_live + self._pv["economics.team_weeks"]
        )

    def _support_share(self) -> float:
        """Learners that can be supported per user and week (S3 expert help, staffing)."""
        p = self._pv
        return (
            p["effects.support_base"]
            + p["effects.support_per_expert_help"]
            * p["levers.expert_help"]
            * self._consultants_on()
            + p["effects.support_per_staffing"] * p["levers.staffing"] * self._team_on()
        )

    @property
    def overload(self) -> float:
        """Share of learners the support capacity cannot serve this week (S3)."""
        n_trying = kernels.count_state(self._users, self.state, TRYING)
        if n_trying == 0:
            return 0.0
        capacity = self._n_users * self._support_share() * self.resources
        return 1.0 - min(1.0, capacity / n_trying)

    # Phase 8: adoption ---------------------------------------------------
    def _adopt(self, draws: np.ndarray) -> None:
        """Adoption transitions, decided ``run.substeps`` times a week.

        Each sub-step applies the weekly hazards divided by the number of
        sub-steps and recomputes the peer shares, so the weekly result
        approaches the continuous-time process (the Bass curve) as the
        number of sub-steps grows. Confidence and manager stance are fixed
        within the week. ``draws`` has one row of uniforms per sub-step.
        """
        p = self._pv
        if self._n_users == 0 or self.status == CANCELLED:
            return
        kernels.adopt(
            draws,
            self._users,
            self.state,
            self.confidence,
            self.gate,
            self.org.unit,
            self.live,
            self.innovativeness,
            self.reject_threshold,
            self.threshold,
            self.skill,
            self.org.user_peer_count,
            self._user_table,
            p["frontline.confidence_weight"],
            p["diffusion.p"],
            p["effects.cut_share"] if self.status == CUT else 1.0,
            p["diffusion.q"],
            p["network.mixing"],
            p["frontline.threshold_weight"],
            p["frontline.reject_rate"],
            p["frontline.reconsider_rate"],
            p["frontline.return_margin"],
            p["frontline.skill_to_use"],
        )

    # Phase 9: learning -----------------------------------------------------
    def _learn(self) -> None:
        p = self._pv
        if self._n_users == 0 or self.status == CANCELLED:
            return
        support = 1.0 - self.overload
        floor, it_share = p["frontline.learn_floor"], p["frontline.learn_it_share"]
        rate = (
            p["frontline.learn_rate"]
            * self.d.learn_multiplier
            * (floor + (1.0 - floor) * support)
            * ((1.0 - it_share) + it_share * p["start.it_maturity"])
        )
        kernels.learn(self._users, self.state, self.live, self.skill, rate)

    # --------------------------------------------------------- interventions
    def intervene(self, updates: Mapping[str, Any], label: str = "intervention") -> None:
        """Change parameters mid-run: a decision taken in a game, a lever moved live.

        From the next week on, the new values act as if they had been set from
        the start, except for what the past has fixed: the organisation, the
        people's traits and starting state, the implementation period and its
        up-front cost, the pre-project profit and the budget, and the go-live
        week of units already live (units not yet live follow the new pilot and
        phasing plan, never earlier than next week). A change of process fit
        keeps the firm's own deviation from the expected fit.

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
        old = self.d
        before = self._pv
        self.params = self.params.with_updates(dict(updates))
        after = self._pv
        # Raising a one-off lever mid-run costs its difference, paid next week.
        more_analysis = max(
            0.0, after["levers.process_analysis"] - before["levers.process_analysis"]
        )
        more_vendor = max(
            0.0, after["levers.vendor_evaluation"] - before["levers.vendor_evaluation"]
        )
        if self.status != CANCELLED:
            self._one_off_due += (
                more_analysis * after["economics.analysis_per_employee"] * self.org.n
                + more_vendor * after["effects.vendor_evaluation_cost"] * old.services_total
            )
        d = derive(self._pv, self.org)
        d.implementation_weeks, d.first_live = old.implementation_weeks, old.first_live
        d.up_front_weekly, d.services_total = old.up_front_weekly, old.services_total
        d.profit0, d.budget = old.profit0, old.budget
        planned = d.go_live != NEVER
        d.go_live = np.where(
            self.unit_live,
            old.go_live,
            np.where(planned, np.maximum(d.go_live, self.week + 1), NEVER),
        )
        if self.week >= old.first_live:  # the pilot, if any, has already been decided
            d.pilot_scheduled = old.pilot_scheduled
        self.d = d
        self.firm_fit = float(np.clip(self.firm_fit + d.fit - old.fit, 0.05, 1.0))
        waiting = ~self.unit_live
        # the pilot's lessons reach a waiting unit when it goes live (_rollout)
        self.unit_fit[waiting] = self.firm_fit
        self.unit_fit[~waiting] = np.clip(self.unit_fit[~waiting] + d.fit - old.fit, 0.05, 1.0)
        if self.status != CANCELLED:
            depth = self.params["restructuring.depth"]
            self.restructuring = np.where(
                self.org.unit_front, depth, depth * self.params["restructuring.backoffice_share"]
            )
        self._update_resources()
        self._update_stance()
        self.events.append({"week": self.week, "event": label, "changes": dict(updates)})

    # ------------------------------------------------------------------ run
    def run(self, weeks: int | None = None) -> None:
        """Run ``weeks`` steps (default: ``run.weeks``)."""
        for _ in range(self.params["run.weeks"] if weeks is None else weeks):
            self.step()
