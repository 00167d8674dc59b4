"""The reference's economy phases: roll-out, accounts, perception and learning (S3, S6-S8)."""

from __future__ import annotations

from crmsim.codes import (
    ACTIVE,
    CANCELLED,
    FIT_MAX,
    FIT_MIN,
    HOURS_PER_FTE_WEEK,
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
        if active:
            if week <= max(d.implementation_weeks, 1):
                costs += d.up_front_weekly
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
