"""The reference's phases of people: sponsor, managers, frontline and adoption (S4-S9)."""

from __future__ import annotations

import math

from crmsim.codes import (
    ACTIVE,
    CANCELLED,
    CUT,
    FIT_MAX,
    FIT_MIN,
    NOT_USING,
    REJECTING,
    TRYING,
    USING,
    WEEKS_PER_YEAR,
    Z_LIMIT,
)
from crmsim.reference.arithmetic import clip, sigmoid


class PeopleRules:
    """Phases 5-8 of :class:`~crmsim.reference.ReferenceModel`, person by person."""

    def _common_signal(self) -> float:
        p = self.p
        return (
            p["confidence.results_weight"] * self.visible_results
            - p["confidence.dip_weight"] * self.dip
            + p["milestones.impact"] * self.milestone_signal
        )

    def _sponsor_message(self) -> float:
        raw = self.d.comm_quality * self.resources * (2.0 * self.confidence[0] - 1.0)
        return raw * self.persuasion

    def _unit_use(self) -> tuple[list[float], list[int]]:
        """Per unit: the share of its users using (0 without users), and its users."""
        using = [0] * self.n_units
        count = [0] * self.n_units
        for i in self.users:
            count[self.unit[i]] += 1
            using[self.unit[i]] += self.state[i] == USING
        return [using[u] / max(count[u], 1) for u in range(self.n_units)], count

    # 4b. Credibility of the senders (Model 2.0; S4, S8; CAL-5.4, 13.1).
    def credibility_update(self) -> None:
        p = self.p
        if not p["credibility.enabled"]:
            return
        raw = self.d.comm_quality * self.resources * (2.0 * self.confidence[0] - 1.0)
        self.fatigue = self.fatigue * (1.0 - p["credibility.fatigue_recovery"]) + abs(raw)
        novelty = 1.0 / (1.0 + self.fatigue / p["credibility.repetitions"])
        rate = p["credibility.learn_rate"]

        def confirm(claim: float, ratio: float) -> float:
            return 1.0 - abs(claim - (2.0 * ratio - 1.0)) / 2.0

        share, count = self._unit_use()
        ratios: dict[int, float] = {}
        for u in range(self.n_units):  # each live unit against the plan from its go-live
            x = clip((self.week - self.go_live[u]) / p["milestones.plan_weeks"], 0.0, 1.0)
            plan = p["milestones.target"] * x * x * (3.0 - 2.0 * x)
            if self.unit_live[u] and plan >= p["milestones.min_goal"] and plan > 0 and count[u] > 0:
                ratios[u] = min(1.0, share[u] / plan)
        if ratios and self.status != CANCELLED:
            firm = sum(count[u] * r for u, r in ratios.items()) / sum(count[u] for u in ratios)
            claim = 2.0 * self.confidence[0] - 1.0
            self.sponsor_credibility += rate * (confirm(claim, firm) - self.sponsor_credibility)
            for u, r in ratios.items():
                c_u = confirm(self.stance[u], r)
                self.unit_credibility[u] += rate * (c_u - self.unit_credibility[u])
        step = p["credibility.milestone_step"]
        if self.milestone_signal > 0.0:
            self.sponsor_credibility += step * (1.0 - self.sponsor_credibility)
        elif self.milestone_signal < 0.0:
            self.sponsor_credibility += step * self.milestone_signal * self.sponsor_credibility
        self.persuasion = self.sponsor_credibility * novelty

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
        self.z[i] = clip(z, -Z_LIMIT, Z_LIMIT)
        self.confidence[i] = sigmoid(self.z[i])

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
        if p["sponsor.use_weight"] > 0.0:
            # usage reports (S4): use - rejection - complaints, lagged
            report = 0.0
            if week >= d.first_live and self.status != CANCELLED:
                live = [i for i in self.users if self.live[i]]
                n = max(len(live), 1)
                count = {s: sum(1 for i in live if self.state[i] == s) for s in (1, 2, 3)}
                report = (
                    count[USING] / n - count[REJECTING] / n - self._overload() * count[TRYING] / n
                )
            self.use_report += (report - self.use_report) / p["sponsor.report_lag_weeks"]
            seen = p["sponsor.use_weight"] * self.use_report
            if seen >= 0.0:
                own += seen
            else:
                own += (1.0 - p["sponsor.use_resilience"] * d.resilience) * seen
            heard += seen
        mem = p["confidence.memory"]
        for i in range(ne):
            z = self.z[i] + mem * (self.disposition[i] - self.z[i])
            z = z + (own if i == 0 else heard)
            self.z[i] = clip(z, -Z_LIMIT, Z_LIMIT)
            self.confidence[i] = sigmoid(self.z[i])

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
        per_unit = self._unit_use()[0] if p["managers.resistance_results"] > 0.0 else None
        for u in range(self.n_units):
            base = p["managers.xdept_communication"]
            if p["managers.network_xdept"]:  # the activity of the manager's own ties (S5)
                base = min(1.0, base * self.xdept_ties[u])
            xdept = 1.0 - (1.0 - base) * (
                1.0 - p["effects.xdept_per_resources"] * self.resources
            ) * (1.0 - team)
            relief = 1.0 - p["managers.xdept_relief"] * xdept
            if p["managers.resistance_confidence"] > 0.0:
                conviction = 2.0 * self.confidence[self.n_exec + u] - 1.0
                relief *= 1.0 - p["managers.resistance_confidence"] * conviction
            if per_unit is not None:
                shown = per_unit[u] if self.unit_live[u] else 0.0
                relief *= 1.0 - p["managers.resistance_results"] * shown
            target = self.sensitivity[u] * self.restructuring[u] * self.d.clarity_factor * relief
            target = clip(target, 0.0, 1.0)
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
            self.stance[u] = clip(conviction - self.resistance[u], -1.0, 1.0)
            self.gate[u] = max(0.0, 1.0 + p["managers.filter_strength"] * self.stance[u])

    # 7. Frontline: results, dip, filtered message, stance, peers, own benefit, frustration.
    def frontline(self) -> None:
        p = self.p
        message = self._sponsor_message()
        common = self._common_signal()
        overload = self._overload()
        staff = range(self.first_staff, self.n)
        peer = {i: self._peer_conviction(i) for i in staff}
        sign = (message > 0.0) - (message < 0.0)
        for u in range(self.n_units):
            if p["managers.sign_aware"]:  # amplify what agrees with the stance (S5)
                self.message_gate[u] = max(
                    0.0, 1.0 + p["managers.filter_strength"] * self.stance[u] * sign
                )
            else:
                self.message_gate[u] = self.gate[u]
        w = p["data.benefit_weight"]  # own benefit hangs on the data as the firm's does
        dq = (1.0 - w) + w * self.data_quality if w > 0 else 1.0
        bonus = p["mandate.incentive_weight"] * p["mandate.incentives"]
        demand = (
            p["effects.customer_demand"]
            * p["confidence.results_weight"]
            * p["levers.customer_participation"]
        )
        resent = p["mandate.resentment"] * p["mandate.level"]
        for i in staff:
            u = self.unit[i]
            voice = p["managers.message_weight"]
            if p["credibility.enabled"]:
                voice *= self.unit_credibility[u]
            heard = self.message_gate[u] * message + voice * self.stance[u]
            signal = (
                common
                + p["confidence.communication_weight"] * heard
                + p["confidence.peer_weight"] * peer[i]
            )
            if self.is_user[i]:
                if self.unit_live[u]:
                    signal += demand - resent
                fit = self.unit_fit[u]
                if any(self.fit_adjustment):
                    fit = clip(fit + self.fit_adjustment[u], FIT_MIN, FIT_MAX)
                misfit = p["frontline.fit_frustration"] * (1.0 - fit) if self.unit_live[u] else 0.0
                if self.state[i] == USING:
                    signal += p["confidence.own_benefit_weight"] * self.skill[i] * dq + bonus
                    signal -= p["confidence.frustration_weight"] * misfit
                elif self.state[i] == TRYING:
                    w = p["frontline.strain_overload_share"]
                    frustration = (1.0 - self.skill[i]) * (
                        w * overload + (1.0 - w) * (1.0 - self.d.quality)
                    )
                    signal -= p["confidence.frustration_weight"] * frustration
                    signal -= p["confidence.frustration_weight"] * misfit
            self._update_confidence(i, signal)

    # 8. Adoption: sub-stepped Bass hazards with competing risks.
    def adopt(self, draws: list[list[float]]) -> None:
        p = self.p
        if not self.users or self.status == CANCELLED:
            return
        k = len(draws)
        dt = 1.0 / k
        cut = p["effects.cut_share"] if self.status == CUT else 1.0
        force = self._mandate_force()
        push = p["mandate.push"] * force  # take-up forced by a mandate (CAL-11.1)
        reject_rate = p["frontline.reject_rate"] * (1.0 - p["mandate.suppression"] * force)
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
            reject_h = (reject_rate if c < self.reject_threshold[i] else 0.0) * dt
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
                adopt_h = readiness * (innovation + q * peer) * dt + push * dt
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

    def _mandate_force(self) -> float:
        """A mandate's force: its level, fading from the first go-live on (CAL-11.2)."""
        p = self.p
        since = self.week - self.d.first_live
        if p["mandate.level"] <= 0.0 or since < 0 or self.status == CANCELLED:
            return 0.0
        return p["mandate.level"] * math.exp(-since / p["mandate.fade_weeks"])

    # 8b. Mandate and incentives: compliance-only use, next week's cost (CAL-11.x).
    def mandate(self) -> None:
        p = self.p
        level, incentives = p["mandate.level"], p["mandate.incentives"]
        if (level <= 0.0 and incentives <= 0.0) or self.status == CANCELLED:
            self.compliance_share = self.mechanism_costs = 0.0
            return
        compliant = n_live = n_using = 0
        for i in self.users:
            s = self.state[i]
            compliant += s in (TRYING, USING) and self.confidence[i] < self.reject_threshold[i]
            n_live += self.live[i]
            n_using += s == USING
        self.compliance_share = compliant / max(len(self.users), 1)
        self.mechanism_costs = (
            level * p["mandate.cost_per_user_week"] * n_live
            + incentives * p["mandate.incentive_per_user_week"] * n_using
        )
