"""The reference's economy phases: roll-out, restructuring, turnover, accounts, data quality,
perception and learning (S3, S5-S9)."""

from __future__ import annotations

import math
from statistics import NormalDist

from crmsim.codes import (
    ACTIVE,
    CANCELLED,
    FIT_MAX,
    FIT_MIN,
    HOURS_PER_FTE_WEEK,
    NEVER,
    NOT_USING,
    REJECTING,
    TRYING,
    USING,
)
from crmsim.reference.arithmetic import clip
from crmsim.rules.learning import skill_after


class EconomyRules:
    """Phases 2-4 and 9 of :class:`~crmsim.reference.ReferenceModel`, person by person."""

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
        p = self.p
        if self.status == ACTIVE and week < self.d.first_live + p["economics.consultant_weeks"]:
            bonus += p["effects.expert_skill"] * p["levers.expert_help"]  # coaching (S10)
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
        paid_later = 0.0  # up-front costs capitalised this week, and the amortisation (ACC-1)
        amortise = p["economics.amortisation_weeks"]
        if active:
            if week <= max(d.implementation_weeks, 1):
                costs += d.up_front_weekly
                if amortise > 0:  # the services are capitalised (ACC-1)
                    services = d.services_total / max(d.implementation_weeks, 1)
                    self.capitalised += services
                    paid_later -= services
            costs += self.mechanism_costs  # monitoring and incentives, tallied last week
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
        if amortise > 0 and self.capitalised > 0.0:
            if self.status == CANCELLED:
                charge = self.capitalised
            elif week < d.first_live:
                charge = 0.0
            else:
                charge = min(self.capitalised, d.services_total / amortise)
            self.capitalised -= charge
            paid_later += charge

        unlearned = 0.0  # sum of (1 - skill) over live users trying or using
        n_rejecting = 0
        realised = 0.0  # sum of skill x unit fit over live routine users
        n_using = 0
        fit = list(self.unit_fit)
        if any(self.fit_adjustment):  # a department restructured in a game
            fit = [
                clip(f + a, FIT_MIN, FIT_MAX) for f, a in zip(fit, self.fit_adjustment, strict=True)
            ]
        for i in live_users:
            s = self.state[i]
            if s in (TRYING, USING):
                unlearned += max(0.0, 1.0 - self.skill[i] / p["economics.proficient_skill"])
            if s == REJECTING:
                n_rejecting += 1
            if s == USING:
                realised += (
                    min(1.0, self.skill[i] / p["economics.proficient_skill"]) * fit[self.unit[i]]
                )
                n_using += 1
        loss = unlearned * p["frontline.learning_loss"] * rev_cm
        loss += n_rejecting * p["frontline.workaround_loss"] * p["frontline.learning_loss"] * rev_cm
        event = p["restructuring.half_life_weeks"] > 0
        resisted = 0.0
        for u in range(self.n_units):
            # as an event, disruption ends with the restructuring (S5)
            felt = self.resistance[u] * self.restructuring_fade[u] if event else self.resistance[u]
            resisted += felt * self.unit_size[u]
        disruption = resisted * p["economics.disruption"] * rev_cm
        self.using_share = n_using / max(n_users, 1)
        self.rejecting_share = n_rejecting / max(n_users, 1)
        value = p["economics.network_value"]  # share of the value that grows with adoption
        network_factor = (1.0 - value) + value * (n_using / max(n_users, 1))
        benefit = realised * network_factor * p["economics.benefit_uplift"] * rev_cm
        weight = p["data.benefit_weight"]
        if weight > 0:  # benefit hangs on the data quality (CAL-10.4)
            benefit *= (1.0 - weight) + weight * self.data_quality
        if p["economics.benefit_lag_weeks"] > 0:  # the money follows use with a lag (S7)
            benefit = self.benefit + (benefit - self.benefit) / max(
                p["economics.benefit_lag_weeks"], 1.0
            )
        costs += paid_later
        self.benefit_ratio = realised * network_factor / max(n_users, 1)
        self.benefit, self.costs, self.learning_loss, self.disruption = (
            benefit,
            costs,
            loss,
            disruption,
        )
        self.spend += costs - paid_later
        self.profit = d.profit0 + benefit - costs - loss - disruption
        self.cum_profit_delta += self.profit - d.profit0

    # 4. Perception: lagged visible results, the profit dip, milestone reviews (S6-S8).
    def perceive(self, week: int) -> None:
        p, d = self.p, self.d
        self.results_ema += (1.0 / p["visibility.lag_weeks"]) * (
            self.benefit_ratio - self.results_ema
        )
        self.visible_results = d.visibility * self.results_ema
        self.dip = clip((d.profit0 - self.profit) / d.profit0, 0.0, 1.0)
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
        elif active:  # the know-how the consultants passed on stays (S10)
            share += (
                p["effects.knowhow_transfer"]
                * p["effects.support_per_expert_help"]
                * p["levers.expert_help"]
            )
        if active and self.week < self.d.first_live + p["economics.team_weeks"]:
            share += p["effects.support_per_staffing"] * p["levers.staffing"]
        capacity = len(self.users) * share * self.resources
        return 1.0 - min(1.0, capacity / n_trying)

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

    # 2b. Restructuring as an event: begins at go-live (back office: the first), fades (S5).
    def restructure(self, week: int) -> None:
        half_life = self.p["restructuring.half_life_weeks"]
        if half_life <= 0:
            return
        if self.status == CANCELLED:
            self.restructuring = [0.0] * self.n_units
            self.restructuring_fade = [0.0] * self.n_units
            return
        depth = self.p["restructuring.depth"]
        for u in range(self.n_units):
            due = self.unit_live[u] if self.unit_front[u] else week >= self.d.first_live
            if due and self.restructuring_start[u] == NEVER:
                own = (
                    depth
                    if self.unit_front[u]
                    else depth * self.p["restructuring.backoffice_share"]
                )
                self.restructuring_peak[u] = clip(own + self.restructuring_adjustment[u], 0.0, 1.0)
                self.restructuring_start[u] = week
            age = week - self.restructuring_start[u]
            f = 0.5 ** (max(age, 0) / half_life)
            # over after four half-lives (down to 1/16 of the peak), or not begun
            self.restructuring_fade[u] = 0.0 if age < 0 or f <= 1.0 / 16.0 else f
            self.restructuring[u] = self.restructuring_peak[u] * self.restructuring_fade[u]

    # 2c. Turnover: leavers replaced by newcomers (onboarded in live units); the sponsor (S9).
    def turnover(self, leave: list[float], shape: list[float]) -> None:
        p = self.p
        normal = NormalDist()

        def gauss(u: float) -> float:
            return normal.inv_cdf(min(max(u, 1e-12), 1.0 - 1e-12))

        def logit(c: float) -> float:
            c = clip(c, 1e-4, 1.0 - 1e-4)
            return math.log(c / (1.0 - c))

        staff = 1.0 - (1.0 - p["turnover.staff_annual"]) ** (1.0 / 52.0)
        onboarded = 0
        for a, i in enumerate(self.users):
            if leave[a] < staff:
                z = logit(p["frontline.confidence"]) + p["frontline.confidence_spread"] * gauss(
                    shape[a]
                )
                self.disposition[i] = self.z[i] = z
                self.confidence[i] = 1.0 / (1.0 + math.exp(-z))
                self.state[i] = NOT_USING
                self.skill[i] = p["start.skill_per_it_maturity"] * p["start.it_maturity"]
                self.leavers += 1
                if p["turnover.onboarding"] and self.status != CANCELLED and self.live[i]:
                    # onboarded into a live unit: trained as at go-live, trying the system
                    self.skill[i] = skill_after(self.skill[i], self.d.training_skill)
                    self.state[i] = TRYING
                    onboarded += 1
        weeks = p["economics.training_weeks"]
        if onboarded:
            for w in range(self.week, self.week + weeks):
                self.training_queue[w] = self.training_queue.get(w, 0.0) + onboarded / weeks
        last = len(self.users)
        if leave[last] < 1.0 - (1.0 - p["turnover.sponsor_annual"]) ** (1.0 / 52.0):
            z = logit(p["sponsor.commitment"]) + p["sponsor.commitment_spread"] * gauss(shape[last])
            self.disposition[0] = self.z[0] = z
            self.confidence[0] = 1.0 / (1.0 + math.exp(-z))
            self.events.append({"week": self.week, "event": "sponsor_replaced"})

    # 3b. Data quality: built by routine use, eroded by work-arounds and decay (S6, S9).
    def update_data_quality(self) -> None:
        p = self.p
        q = self.data_quality
        using = 0.0 if self.status == CANCELLED else self.using_share
        decay = 1.0 - (1.0 - p["data.decay_per_month"]) ** (12.0 / 52.0)
        gain = p["data.build_rate"] * using * (1.0 - q)
        loss = q * (
            decay
            + p["data.rejection_erosion"] * self.rejecting_share
            + p["data.compliance_erosion"] * getattr(self, "compliance_share", 0.0)
        )
        self.data_quality = clip(q + gain - loss, 0.0, 1.0)
