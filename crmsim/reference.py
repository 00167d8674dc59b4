"""The weekly rules once more, person by person: a slow reference for the array engine.

:class:`~crmsim.model.CrmModel` applies each week's rules to whole numpy
arrays. :class:`ReferenceModel` applies the same rules with plain Python
loops over people and units, Python floats and :func:`math.exp`, written
from the rules and not from the array code, so the two can be checked
against each other (STYLE habit 10): both read their random numbers from
the same drawn array ``draws[substep, user]``, so they must agree week
by week.

The reference copies a model's state when it is built and from then on
never calls the model's rules; it reads only the fixed structure of the
organisation (roles, units, who is a user, the peer network as neighbour
lists) and the run's derived constants (``model.d``) and parameters.

Where the two may differ in the last bits, and why:

* The array engine takes ``np.exp``; the reference ``math.exp`` (they can
  differ by one unit in the last place).
* ``np.sum``/``np.mean`` over eight or more floats sum pairwise and
  ``resistance @ unit_size`` may use a vectorised dot product; the
  reference sums left to right. Sums of whole numbers (counts) are exact in
  both.
* Peer sums (a CSR matrix-vector product) add a row's neighbours in index
  order starting from 0.0; the reference does the same, so those agree
  exactly when the inputs do.

Continuous state is therefore compared with a relative tolerance of about
1e-9; discrete state (adoption states, project status, go-lives,
milestones, events) must agree exactly.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from crmsim.codes import (
    ACTIVE,
    CANCELLED,
    CUT,
    FIT_MAX,
    FIT_MIN,
    HOURS_PER_FTE_WEEK,
    NOT_USING,
    REJECTING,
    TRYING,
    USING,
    WEEKS_PER_YEAR,
    Z_LIMIT,
)
from crmsim.rules.learning import skill_after

if TYPE_CHECKING:
    from crmsim.model import CrmModel


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


class ReferenceModel:
    """Per-agent copy of a :class:`~crmsim.model.CrmModel`, advanced by the same rules.

    Args:
        model: The array model whose current state (normally week 0) is copied.
            It is not changed and its rules are never called.

    Attributes are plain Python lists indexed like the model's arrays
    (people ``0..n-1``, units ``0..n_units-1``); the accessor methods
    return them as numpy arrays for comparison.
    """

    def __init__(self, model: CrmModel) -> None:
        org = model.org
        self.p: dict[str, Any] = model.params.to_dict()
        self.d = model.d
        self.go_live: list[int] = [int(w) for w in model.d.go_live]

        # Fixed structure.
        self.n = int(org.n)
        self.n_exec = int(org.n_exec)
        self.n_units = int(org.n_units)
        self.unit: list[int] = [int(u) for u in org.unit]
        self.unit_size: list[int] = [int(s) for s in org.unit_size]
        self.is_user: list[bool] = [bool(x) for x in org.is_user]
        self.users: list[int] = [i for i in range(self.n) if self.is_user[i]]
        self.first_staff = self.n_exec + self.n_units
        indptr, indices = org.peers.indptr, org.peers.indices
        # Neighbours in increasing index order, as the CSR product visits them.
        self.neighbours: list[list[int]] = [
            sorted(int(j) for j in indices[indptr[i] : indptr[i + 1]]) for i in range(self.n)
        ]
        self.user_neighbours: list[list[int]] = [
            [j for j in nb if self.is_user[j]] for nb in self.neighbours
        ]

        # Per-person state.
        self.disposition: list[float] = model.disposition.tolist()
        self.z: list[float] = model.z.tolist()
        self.confidence: list[float] = model.confidence.tolist()
        self.innovativeness: list[float] = model.innovativeness.tolist()
        self.threshold: list[float] = model.threshold.tolist()
        self.reject_threshold: list[float] = model.reject_threshold.tolist()
        self.state: list[int] = [int(s) for s in model.state]
        self.skill: list[float] = model.skill.tolist()
        self.live: list[bool] = [bool(x) for x in model.live]

        # Per-unit state (a unit's manager is person n_exec + unit).
        self.resistance: list[float] = model.resistance.tolist()
        self.sensitivity: list[float] = model.sensitivity.tolist()
        self.restructuring: list[float] = model.restructuring.tolist()
        self.stance: list[float] = model.stance.tolist()
        self.gate: list[float] = model.gate.tolist()
        self.unit_fit: list[float] = model.unit_fit.tolist()
        self.fit_adjustment: list[float] = model.fit_adjustment.tolist()
        self.unit_live: list[bool] = [bool(x) for x in model.unit_live]
        self.firm_fit = float(model.firm_fit)

        # Organisation-level state.
        self.week = int(model.week)
        self.status = int(model.status)
        self.weeks_low = int(model.weeks_low)
        self.weeks_high = int(model.weeks_high)
        self.resources = float(model.resources)
        self.visible_results = float(model.visible_results)
        self.results_ema = float(model.results_ema)
        self.profit = float(model.profit)
        self.spend = float(model.spend)
        self.milestone = int(model.milestone)
        self.milestone_signal = float(model.milestone_signal)
        self.dip = float(model.dip)
        self.training_queue: dict[int, float] = dict(model.training_queue)
        self.cum_profit_delta = float(model.cum_delta)
        self.benefit = self.costs = self.learning_loss = self.disruption = 0.0
        self.benefit_ratio = 0.0
        self.events: list[dict[str, Any]] = []
        self.history: list[dict[str, float]] = []

    # ------------------------------------------------------------ the week
    def advance(self, draws: np.ndarray) -> None:
        """One week of rules; ``draws[j, a]`` is the ``a``-th user's uniform in sub-step ``j``."""
        self.week += 1
        week = self.week
        self.rollout(week)
        self.accounts(week)
        self.perceive(week)
        self.sponsor(week)
        self.managers()
        self.frontline()
        self.adopt(draws.tolist())
        self.learn()
        self.record()

    # 2. Roll-out: units go live on their planned week; their users get training.
    def rollout(self, week: int) -> None:
        if self.status == CANCELLED:
            return
        going = [
            u for u in range(self.n_units) if self.go_live[u] <= week and not self.unit_live[u]
        ]
        if not going:
            return
        # Units going live after the first go-live learn from the pilot (S3), if one ran.
        after_pilot = self.d.pilot_scheduled and week > self.d.first_live
        bonus = self.d.training_skill + (self.d.pilot_skill_bonus if after_pilot else 0.0)
        trained = 0
        for u in going:
            self.unit_live[u] = True
            if after_pilot:
                self.unit_fit[u] = min(1.0, self.firm_fit + self.d.pilot_fit_bonus)
        for i in self.users:
            if self.unit[i] in going:
                self.live[i] = True
                self.skill[i] = skill_after(self.skill[i], bonus)
                trained += 1
        # Training is delivered in equal parts over the training weeks (CAL-1.4).
        weeks = self.p["economics.training_weeks"]
        for w in range(week, week + weeks):
            self.training_queue[w] = self.training_queue.get(w, 0.0) + trained / weeks
        self.events.append(
            {"week": week, "event": "go_live", "units": len(going), "users": trained}
        )

    # 3. Accounts: costs, learning loss, disruption and benefit this week (S7).
    def accounts(self, week: int) -> None:
        p, d = self.p, self.d
        active = self.status != CANCELLED
        n_users = len(self.users)
        rev_cm = d.revenue * d.cm
        live_users = [i for i in self.users if self.live[i] and active]
        n_live = len(live_users)
        hourly = p["economics.hourly_cost"]
        costs = 0.0
        if active:
            if week <= max(d.implementation_weeks, 1):
                costs += d.up_front_weekly
            costs += d.licence_week_per_user * n_live * (1.0 + p["economics.maintenance_share"])
            trained = self.training_queue.pop(week, 0)
            costs += trained * p["levers.training"] * p["economics.training_hours"] * hourly
            if self.status == ACTIVE and week < d.first_live + p["economics.consultant_weeks"]:
                costs += p["levers.expert_help"] * p["economics.consultant_per_user_week"] * n_users
            if self.status == ACTIVE and week < d.first_live + p["economics.team_weeks"]:
                fte = n_users / 100.0 * p["economics.team_per_100_users"]
                costs += p["levers.staffing"] * fte * HOURS_PER_FTE_WEEK * hourly
            # customers brought in: staff time per live user and week
            costs += (
                p["levers.customer_participation"] * p["economics.customer_hours"] * hourly * n_live
            )
            exec_hours = (
                p["levers.top_management_support"]
                * self.n_exec
                * p["economics.executive_hours"]
                * p["economics.executive_rate"]
                * hourly
            )
            costs += exec_hours * self.resources

        unlearned = 0.0  # sum of (1 - skill) over live users trying or using
        n_rejecting = 0
        realised = 0.0  # sum of skill x unit fit over live routine users
        n_using = 0
        fit = list(self.unit_fit)
        if any(self.fit_adjustment):  # a department restructured in a game
            fit = [
                _clip(f + a, FIT_MIN, FIT_MAX)
                for f, a in zip(fit, self.fit_adjustment, strict=True)
            ]
        for i in live_users:
            s = self.state[i]
            if s in (TRYING, USING):
                unlearned += 1.0 - self.skill[i]
            if s == REJECTING:
                n_rejecting += 1
            if s == USING:
                realised += self.skill[i] * fit[self.unit[i]]
                n_using += 1
        loss = unlearned * p["frontline.learning_loss"] * rev_cm
        loss += n_rejecting * p["frontline.workaround_loss"] * p["frontline.learning_loss"] * rev_cm
        resisted = 0.0
        for u in range(self.n_units):
            resisted += self.resistance[u] * self.unit_size[u]
        disruption = resisted * p["economics.disruption"] * rev_cm
        value = p["economics.network_value"]  # share of the value that grows with adoption
        network_factor = (1.0 - value) + value * (n_using / max(n_users, 1))
        benefit = realised * network_factor * p["economics.benefit_uplift"] * rev_cm
        self.benefit_ratio = realised * network_factor / max(n_users, 1)
        self.benefit, self.costs, self.learning_loss, self.disruption = (
            benefit,
            costs,
            loss,
            disruption,
        )
        self.spend += costs
        self.profit = d.profit0 + benefit - costs - loss - disruption
        self.cum_profit_delta += self.profit - d.profit0

    # 4. Perception: lagged visible results, the profit dip, milestone reviews (S6-S8).
    def perceive(self, week: int) -> None:
        p, d = self.p, self.d
        self.results_ema += (1.0 / p["visibility.lag_weeks"]) * (
            self.benefit_ratio - self.results_ema
        )
        self.visible_results = d.visibility * self.results_ema
        self.dip = _clip((d.profit0 - self.profit) / d.profit0, 0.0, 1.0)
        self.milestone = 0
        self.milestone_signal = 0.0
        interval = p["milestones.interval_weeks"]
        since = week - d.first_live
        if interval <= 0 or since <= 0 or since % interval != 0:
            return
        x = min(1.0, since / p["milestones.plan_weeks"])
        plan = p["milestones.target"] * x * x * (3.0 - 2.0 * x)  # smoothstep S-curve
        if plan < p["milestones.min_goal"] or self.status == CANCELLED:
            return
        n_using = sum(1 for i in self.users if self.state[i] == USING)
        actual = n_using / len(self.users) if self.users else 0.0
        met = actual >= plan
        self.milestone = 1 if met else -1
        self.milestone_signal = 1.0 if met else -(plan - actual) / plan
        self.events.append(
            {
                "week": week,
                "event": "milestone_met" if met else "milestone_missed",
                "plan": plan,
                "actual": actual,
            }
        )

    def _common_signal(self) -> float:
        p = self.p
        return (
            p["confidence.results_weight"] * self.visible_results
            - p["confidence.dip_weight"] * self.dip
            + p["milestones.impact"] * self.milestone_signal
        )

    def _sponsor_message(self) -> float:
        return self.d.comm_quality * self.resources * (2.0 * self.confidence[0] - 1.0)

    def _peer_conviction(self, i: int) -> float:
        """Mean of (2c - 1) over person i's peers (0 without peers)."""
        nb = self.neighbours[i]
        if not nb:
            return 0.0
        total = 0.0
        for j in nb:
            total += 2.0 * self.confidence[j] - 1.0
        return total / len(nb)

    def _update_confidence(self, i: int, signal: float) -> None:
        """Memory pulls z back to the disposition; the signal adds; z is clipped."""
        z = self.z[i] + (self.p["confidence.memory"] * (self.disposition[i] - self.z[i]) + signal)
        self.z[i] = _clip(z, -Z_LIMIT, Z_LIMIT)
        self.confidence[i] = _sigmoid(self.z[i])

    # 5. Sponsor and executives: confidence, retreat, resources (S4).
    def sponsor(self, week: int) -> None:
        p, d = self.p, self.d
        ne = self.n_exec
        impact = p["milestones.impact"]
        exec_mean = 0.0
        for i in range(ne):
            exec_mean += 2.0 * self.confidence[i] - 1.0
        exec_mean /= ne
        planned = d.budget * (
            1.0 + p["sponsor.budget_growth"] * max(0.0, week - WEEKS_PER_YEAR) / WEEKS_PER_YEAR
        )
        overrun = 0.0
        if planned >= 1.0:
            overrun = min(p["sponsor.overrun_cap"], max(0.0, self.spend / planned - 1.0))
        dip_feel = p["confidence.dip_weight"] * p["sponsor.dip_sensitivity"] * (self.dip + overrun)
        setback = dip_feel + max(0.0, -impact * self.milestone_signal)
        good = p["confidence.results_weight"] * self.visible_results + max(
            0.0, impact * self.milestone_signal
        )
        own = good - (1.0 - d.resilience) * setback + p["confidence.peer_weight"] * exec_mean
        heard = good - setback + p["confidence.communication_weight"] * self._sponsor_message()
        mem = p["confidence.memory"]
        for i in range(ne):
            z = self.z[i] + mem * (self.disposition[i] - self.z[i])
            z = z + (own if i == 0 else heard)
            self.z[i] = _clip(z, -Z_LIMIT, Z_LIMIT)
            self.confidence[i] = _sigmoid(self.z[i])

        if self.status != CANCELLED:
            threshold = p["sponsor.retreat_threshold"]
            need = p["sponsor.retreat_weeks"]
            c0 = self.confidence[0]
            if c0 < threshold:
                self.weeks_low += 1
                self.weeks_high = 0
            else:
                self.weeks_low = 0
                restore = threshold + p["sponsor.restore_margin"]
                self.weeks_high = self.weeks_high + 1 if c0 >= restore else 0
            if self.weeks_low >= need:
                self.weeks_low = 0
                if self.status == ACTIVE:
                    self.status = CUT
                    self.events.append({"week": week, "event": "budget_cut"})
                else:
                    self.cancel(week)
            elif self.status == CUT and self.weeks_high >= need:
                self.status = ACTIVE
                self.weeks_high = 0
                self.events.append({"week": week, "event": "budget_restored"})
        status_factor = {ACTIVE: 1.0, CUT: p["effects.cut_share"], CANCELLED: 0.0}[self.status]
        base, follows = p["effects.resources_base"], p["effects.resources_conviction"]
        self.resources = (
            (base + (1.0 - base) * p["levers.top_management_support"])
            * status_factor
            * ((1.0 - follows) + follows * self.confidence[0])
        )

    def cancel(self, week: int) -> None:
        """The system is switched off: users stop, rejection stays, restructuring stops."""
        self.status = CANCELLED
        for i in self.users:
            if self.state[i] in (TRYING, USING):
                self.state[i] = NOT_USING
        self.live = [False] * self.n
        self.unit_live = [False] * self.n_units
        self.restructuring = [0.0] * self.n_units
        self.events.append({"week": week, "event": "cancelled"})

    # 6. Middle managers: resistance, confidence, stance (S5).
    def managers(self) -> None:
        p = self.p
        team_on = (
            self.status == ACTIVE and self.week < self.d.first_live + p["economics.team_weeks"]
        )
        team = p["effects.xdept_per_staffing"] * p["levers.staffing"] if team_on else 0.0
        xdept = 1.0 - (1.0 - p["managers.xdept_communication"]) * (
            1.0 - p["effects.xdept_per_resources"] * self.resources
        ) * (1.0 - team)
        for u in range(self.n_units):
            target = (
                self.sensitivity[u]
                * self.restructuring[u]
                * self.d.clarity_factor
                * (1.0 - p["managers.xdept_relief"] * xdept)
            )
            target = _clip(target, 0.0, 1.0)
            self.resistance[u] += p["managers.resistance_rate"] * (target - self.resistance[u])
        # Every manager hears the same before any manager's confidence moves.
        managers = range(self.n_exec, self.n_exec + self.n_units)
        peer = {i: self._peer_conviction(i) for i in managers}
        base = (
            self._common_signal() + p["confidence.communication_weight"] * self._sponsor_message()
        )
        for i in managers:
            self._update_confidence(i, base + p["confidence.peer_weight"] * peer[i])
        for u in range(self.n_units):
            conviction = 2.0 * self.confidence[self.n_exec + u] - 1.0
            self.stance[u] = _clip(conviction - self.resistance[u], -1.0, 1.0)
            self.gate[u] = max(0.0, 1.0 + p["managers.filter_strength"] * self.stance[u])

    def _overload(self) -> float:
        """Share of learners the support capacity cannot serve (S3)."""
        n_trying = sum(1 for i in self.users if self.state[i] == TRYING)
        if n_trying == 0:
            return 0.0
        active = self.status == ACTIVE
        p = self.p
        share = p["effects.support_base"]
        if active and self.week < self.d.first_live + p["economics.consultant_weeks"]:
            share += p["effects.support_per_expert_help"] * p["levers.expert_help"]
        if active and self.week < self.d.first_live + p["economics.team_weeks"]:
            share += p["effects.support_per_staffing"] * p["levers.staffing"]
        capacity = len(self.users) * share * self.resources
        return 1.0 - min(1.0, capacity / n_trying)

    # 7. Frontline: results, dip, filtered message, stance, peers, own benefit, frustration.
    def frontline(self) -> None:
        p = self.p
        message = self._sponsor_message()
        common = self._common_signal()
        overload = self._overload()
        staff = range(self.first_staff, self.n)
        peer = {i: self._peer_conviction(i) for i in staff}
        for i in staff:
            u = self.unit[i]
            heard = self.gate[u] * message + p["managers.message_weight"] * self.stance[u]
            own = self.skill[i] if self.state[i] == USING else 0.0
            frustration = 0.0
            if self.state[i] == TRYING:
                w = p["frontline.strain_overload_share"]
                frustration = (1.0 - self.skill[i]) * (
                    w * overload + (1.0 - w) * (1.0 - self.d.quality)
                )
            signal = (
                common
                + p["confidence.communication_weight"] * heard
                + p["confidence.peer_weight"] * peer[i]
                + p["confidence.own_benefit_weight"] * own
                - p["confidence.frustration_weight"] * frustration
            )
            self._update_confidence(i, signal)

    # 8. Adoption: sub-stepped Bass hazards with competing risks.
    def adopt(self, draws: list[list[float]]) -> None:
        p = self.p
        if not self.users or self.status == CANCELLED:
            return
        k = len(draws)
        dt = 1.0 / k
        cut = p["effects.cut_share"] if self.status == CUT else 1.0
        mix = p["network.mixing"]
        omega = p["frontline.threshold_weight"]
        q = p["diffusion.q"]
        # Fixed within the week: readiness, hazards of rejecting and reconsidering.
        rules = {}
        for i in self.users:
            c = self.confidence[i]
            readiness = (
                math.exp(p["frontline.confidence_weight"] * (c - 0.5)) * self.gate[self.unit[i]]
            )
            reject_h = (p["frontline.reject_rate"] if c < self.reject_threshold[i] else 0.0) * dt
            rules[i] = (
                readiness,
                p["diffusion.p"] * self.innovativeness[i] * cut,
                reject_h,
                1.0 - math.exp(-reject_h),
                self.live[i] and c > self.reject_threshold[i] + p["frontline.return_margin"],
                1.0 - math.exp(-p["frontline.reconsider_rate"] * readiness * dt),
                self.skill[i] >= p["frontline.skill_to_use"],
            )
        for j in range(k):
            using = [self.state[i] == USING for i in range(self.n)]
            global_share = sum(using[i] for i in self.users) / len(self.users)
            new_state = {}
            for a, i in enumerate(self.users):
                readiness, innovation, reject_h, p_reject, back_ok, p_back, skill_ok = rules[i]
                u = draws[j][a]
                s = self.state[i]
                nb = self.user_neighbours[i]
                local = sum(using[m] for m in nb) / len(nb) if nb else global_share
                seen = (1.0 - mix) * local + mix * global_share
                peer = (1.0 - omega) * seen + omega * (1.0 if seen >= self.threshold[i] else 0.0)
                adopt_h = readiness * (innovation + q * peer) * dt
                new = s
                if self.live[i] and s == NOT_USING:
                    # trying and refusing compete; one uniform decides which, if any
                    total = adopt_h + reject_h
                    p_any = 1.0 - math.exp(-total)
                    p_try = p_any * (adopt_h / total if total > 0 else 0.0)
                    if u < p_try:
                        new = TRYING
                    elif u < p_any:
                        new = REJECTING
                elif self.live[i] and s in (TRYING, USING):
                    if u < p_reject:  # work-arounds below the rejection threshold (CAL-6.4)
                        new = REJECTING
                elif back_ok and s == REJECTING and u < p_back:
                    new = TRYING
                if new == TRYING and skill_ok:
                    new = USING
                new_state[i] = new
            for i, s in new_state.items():
                self.state[i] = s

    # 9. Learning: skill grows with use, training and support.
    def learn(self) -> None:
        p = self.p
        if not self.users or self.status == CANCELLED:
            return
        support = 1.0 - self._overload()
        rate = (
            p["frontline.learn_rate"]
            * self.d.learn_multiplier
            * (p["frontline.learn_floor"] + (1.0 - p["frontline.learn_floor"]) * support)
            * (
                (1.0 - p["frontline.learn_it_share"])
                + p["frontline.learn_it_share"] * p["start.it_maturity"]
            )
        )
        for i in self.users:
            if self.live[i] and self.state[i] in (TRYING, USING):
                self.skill[i] = min(1.0, self.skill[i] + rate * (1.0 - self.skill[i]))

    # 10. Record the week's organisation-level values.
    def record(self) -> None:
        n_users = max(len(self.users), 1)
        n_using = sum(1 for i in self.users if self.state[i] == USING)
        self.history.append(
            {
                "week": self.week,
                "adoption": n_using / n_users,
                "units_live": sum(self.unit_live),
                "benefit": self.benefit,
                "costs": self.costs,
                "learning_loss": self.learning_loss,
                "disruption": self.disruption,
                "cum_profit_delta": self.cum_profit_delta,
                "profit": self.profit,
                "spend": self.spend,
                "visible_results": self.visible_results,
                "resources": self.resources,
                "status": self.status,
                "milestone": self.milestone,
            }
        )

    # ------------------------------------------------------------ accessors
    def people(self) -> dict[str, np.ndarray]:
        """Per-person state as numpy arrays (index = person)."""
        return {
            "z": np.array(self.z),
            "confidence": np.array(self.confidence),
            "skill": np.array(self.skill),
            "state": np.array(self.state, dtype=np.int8),
            "live": np.array(self.live),
        }

    def units(self) -> dict[str, np.ndarray]:
        """Per-unit state as numpy arrays (index = unit)."""
        return {
            "resistance": np.array(self.resistance),
            "stance": np.array(self.stance),
            "gate": np.array(self.gate),
            "restructuring": np.array(self.restructuring),
            "unit_fit": np.array(self.unit_fit),
            "unit_live": np.array(self.unit_live),
        }

    def organisation(self) -> dict[str, float]:
        """Organisation-level state (continuous and discrete)."""
        return {
            "status": self.status,
            "weeks_low": self.weeks_low,
            "weeks_high": self.weeks_high,
            "milestone": self.milestone,
            "resources": self.resources,
            "visible_results": self.visible_results,
            "results_ema": self.results_ema,
            "profit": self.profit,
            "spend": self.spend,
            "dip": self.dip,
            "milestone_signal": self.milestone_signal,
        }
