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

from typing import TYPE_CHECKING, Any

import numpy as np

from crmsim.codes import USING
from crmsim.reference.economy import EconomyRules
from crmsim.reference.people import PeopleRules

if TYPE_CHECKING:
    from crmsim.model import CrmModel


class ReferenceModel(EconomyRules, PeopleRules):
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
        self.restructuring_adjustment: list[float] = model.restructuring_adjustment.tolist()
        self.restructuring_peak: list[float] = model.restructuring_peak.tolist()
        self.restructuring_start: list[int] = [int(w) for w in model.restructuring_start]
        self.restructuring_fade: list[float] = model.restructuring_fade.tolist()
        self.unit_front: list[bool] = [bool(x) for x in org.unit_front]
        self.unit_live: list[bool] = [bool(x) for x in model.unit_live]
        self.firm_fit = float(model.firm_fit)
        # Model 2.0, people (reference.people): credibility, usage reports, mandate.
        self.unit_credibility: list[float] = model.manager_credibility.tolist()
        self.message_gate: list[float] = model.message_gate.tolist()
        self.xdept_ties: list[float] = model.xdept_ties.tolist()
        for name in (
            "sponsor_credibility",
            "fatigue",
            "persuasion",
            "use_report",
            "compliance_share",
        ):
            setattr(self, name, float(getattr(model, name)))
        self.mechanism_costs = float(model.mechanism_costs)

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
        self.capitalised = float(model.capitalised)
        self.data_quality = float(model.data_quality)
        self.using_share = float(model.using_share)
        self.rejecting_share = float(model.rejecting_share)
        self.leavers = int(model.leavers)
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
        self.restructure(week)
        rows = draws.tolist()
        k = self.p["run.substeps"]
        if len(rows) > k:  # turnover's rows after the adoption sub-steps
            self.turnover(rows[k], rows[k + 1])
        self.accounts(week)
        self.update_data_quality()
        self.perceive(week)
        self.credibility_update()
        self.sponsor(week)
        self.managers()
        self.frontline()
        self.adopt(rows[:k])
        self.mandate()
        self.learn()
        self.record()

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
            "message_gate": np.array(self.message_gate),
            "manager_credibility": np.array(self.unit_credibility),
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
            "capitalised": self.capitalised,
            "data_quality": self.data_quality,
            "leavers": self.leavers,
            "dip": self.dip,
            "milestone_signal": self.milestone_signal,
            "persuasion": self.persuasion,
            "use_report": self.use_report,
            "compliance_share": self.compliance_share,
            "mechanism_costs": self.mechanism_costs,
        }
