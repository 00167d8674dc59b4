"""The state of a simulated company: typed containers of numpy arrays.

:class:`State` holds everything that changes during a run, split by what it
describes: the people (:class:`People`, one row per employee, person 0 the
sponsor), the units and their managers (:class:`Units`, one row per unit) and
the project (:class:`Project`, scalars). Next to them it keeps the fixed
structure the rules walk: the organisation, the run's derived lever effects
(:class:`~crmsim.effects.Derived`) and the users and peer network in the
kernels' layouts (:class:`Layout`). The weekly rules in :mod:`crmsim.rules`
are functions of a State and the parameters; :class:`~crmsim.model.CrmModel`
builds one with :func:`initial_state`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crmsim import kernels
from crmsim.codes import ACTIVE, FIT_MAX, FIT_MIN, NEVER, NOT_USING
from crmsim.effects import Derived
from crmsim.organisation import EXECUTIVE, FRONTLINE, MANAGER, Organisation
from crmsim.rules.logodds import logit, sigmoid

# Rogers' adopter categories: shares and the innovation multiplier of each
# (innovators, early adopters, early majority, late majority, laggards).
ROGERS_SHARES = np.array([0.025, 0.135, 0.34, 0.34, 0.16])
_ROGERS_RAW = np.array([6.0, 2.5, 1.0, 0.5, 0.15])
ROGERS_MULTIPLIER = _ROGERS_RAW / float(ROGERS_SHARES @ _ROGERS_RAW)  # mean 1


@dataclass(eq=False)
class People:
    """Per person (``0..n-1``; executives, then managers, then staff)."""

    disposition: np.ndarray  # log-odds each person drifts back to (S1)
    z: np.ndarray  # confidence as log-odds
    confidence: np.ndarray  # sigmoid(z)
    innovativeness: np.ndarray  # Rogers multiplier of the innovation rate
    adopter_category: np.ndarray  # int8, Rogers' category 0..4
    threshold: np.ndarray  # Granovetter threshold (CAL-6.3)
    reject_threshold: np.ndarray  # confidence below which users reject (CAL-6.4)
    state: np.ndarray  # int8 adoption state (crmsim.codes)
    skill: np.ndarray  # CRM skill in [0, 1]
    live: np.ndarray  # bool: the user's unit has gone live


@dataclass(eq=False)
class Units:
    """Per unit ``u`` (led by manager ``n_exec + u``)."""

    resistance: np.ndarray  # manager's resistance in [0, 1] (S5)
    sensitivity: np.ndarray  # manager's sensitivity to restructuring
    restructuring: np.ndarray  # restructuring depth the unit faces
    stance: np.ndarray  # manager's conviction minus resistance, [-1, 1]
    gate: np.ndarray  # what the manager passes on: max(0, 1 + filter * stance)
    unit_fit: np.ndarray  # process fit of the system in this unit (S2)
    unit_live: np.ndarray  # bool: the unit has gone live
    restructuring_adjustment: np.ndarray  # added to restructuring (a department restructured)
    fit_adjustment: np.ndarray  # added to the fit the accounts read (same)
    # restructuring as an event (restructuring.half_life_weeks > 0; rules.restructuring)
    restructuring_peak: np.ndarray  # depth when the unit's restructuring began
    restructuring_start: np.ndarray  # int: week it began (NEVER: not yet)
    restructuring_fade: np.ndarray  # share of the peak still felt (1 when not an event)
    manager_credibility: np.ndarray  # each manager's credibility with the team (S5, S8; Model 2.0)
    message_gate: np.ndarray  # what the manager passes of the sponsor's message (S5)
    xdept_ties: np.ndarray  # manager's ties to other functions' managers, relative to the mean


@dataclass(eq=False)
class Project:
    """The project and the firm: scalars, this week's accounts and the event log."""

    firm_fit: float  # how well the system really fits this firm (S2)
    profit: float  # this week's profit
    week: int = 0  # weeks simulated so far
    status: int = ACTIVE  # crmsim.codes ACTIVE / CUT / CANCELLED
    weeks_low: int = 0  # consecutive weeks of the sponsor below the retreat threshold
    weeks_high: int = 0  # consecutive weeks above it by the restore margin
    resources: float = 0.0  # time, money and people the sponsor provides (S4)
    visible_results: float = 0.0
    results_ema: float = 0.0
    spend: float = 0.0
    milestone: int = 0  # +1 met, -1 missed, 0 no review this week
    milestone_signal: float = 0.0
    dip: float = 0.0  # the profit dip felt, in [0, 1]
    benefit: float = 0.0
    costs: float = 0.0
    loss: float = 0.0  # learning loss and work-arounds
    disruption: float = 0.0
    benefit_ratio: float = 0.0  # realised benefit per user (drives results and KPIs)
    cum_delta: float = 0.0  # cumulative profit against the pre-project level
    one_off_due: float = 0.0  # one-off lever costs due next week (intervene)
    capitalised: float = 0.0  # implementation costs capitalised, not yet charged (ACC-1)
    benefit_flow: float = 0.0  # the benefit use earns before the lag (economics.benefit_lag_weeks)
    data_quality: float = 1.0  # quality of the customer data, 0-1 (rules.data_quality)
    using_share: float = 0.0  # live users using routinely, share of all users (accounts)
    rejecting_share: float = 0.0  # live users rejecting, share of all users (accounts)
    leavers: int = 0  # users who left and were replaced so far (turnover)
    sponsor_credibility: float = 0.0  # the sponsor's credibility (S4, S8; Model 2.0)
    fatigue: float = 0.0  # recently heard full-strength messages (CAL-5.4)
    persuasion: float = 1.0  # credibility x novelty: the share of the message that persuades
    use_report: float = 0.0  # usage reports as the sponsor sees them, lagged (S4)
    compliance_share: float = 0.0  # users using only because monitored (CAL-11.6)
    mechanism_costs: float = 0.0  # this week's cost of monitoring and incentives
    training_queue: dict[int, float] = field(default_factory=dict)  # week -> users trained
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass(eq=False)
class Layout:
    """The users and the peer network in the layouts the kernels walk (fixed)."""

    users: np.ndarray  # person index of each user
    user_unit: np.ndarray  # unit of each user
    manager_peers: tuple  # the managers' rows of the peer network, jagged diagonals
    staff_peers: tuple  # the staff's rows, jagged diagonals
    user_table: np.ndarray  # the users' ties among users, a padded table
    n_users: int  # number of CRM users
    unit_users: np.ndarray  # number of users in each unit


@dataclass(eq=False)
class Census:
    """This week's counts over the users, taken once (:func:`crmsim.rules.accounts.census`)
    and read by the rules after the accounts until someone's state changes.

    ``week`` and ``status`` say when it was taken: a census from another week, or
    from before a cancellation, is taken again.
    """

    unit_using: np.ndarray  # users using, per unit
    week: int = -1
    status: int = -1
    live: int = 0  # users whose unit is live (0 when cancelled)
    using: int = 0  # live users using routinely
    rejecting: int = 0  # live users rejecting
    trying: int = 0  # live users trying
    loss_units: float = 0.0  # what live learners have still to learn (see kernels.user_tallies)
    realised: float = 0.0  # benefit units of live users using (see kernels.user_tallies)


@dataclass(eq=False)
class UserTally:
    """The users' tally the learning phase takes for the week's record (scratch space).

    :func:`crmsim.rules.learning.learn` fills it in the pass that moves skill
    (:func:`crmsim.kernels.weekend.learn_and_tally`);
    :func:`crmsim.rules.recording.week_values` uses it once, when it was taken
    in the week being recorded, and counts afresh otherwise.
    """

    week: int = -1  # the week it was taken (-1: none to use)
    counts: np.ndarray = field(default_factory=lambda: np.zeros(4, dtype=np.int64))  # per state
    confidence: float = 0.0  # sum of the users' confidence
    skill: float = 0.0  # sum of the users' skill after learning


@dataclass(eq=False)
class State:
    """Everything a week's rules read and write, and the fixed structure they walk."""

    org: Organisation
    d: Derived
    people: People
    units: Units
    project: Project
    layout: Layout
    prm: np.ndarray  # the parameters as the kernels read them (kernels.param_record)
    census: Census  # this week's counts over the users (rules.accounts.census)
    signals: np.ndarray = field(default_factory=kernels.signals_record)  # the week's, by name
    tally: UserTally = field(default_factory=UserTally)  # learning's tally for the record
    # what a rule keeps from week to week to spare work, by name, each with the inputs it
    # was computed from (so a changed input is noticed); not part of the model's state
    memo: dict[str, Any] = field(default_factory=dict)

    def recall(self, key: str, *inputs: Any) -> Any:
        """What a rule kept under ``key`` (:meth:`keep`) if it was kept for these inputs,
        else None. An object (the parameters, the plan, an array) matches when it is the
        same object (an intervention replaces them); a number (a week, a status) when equal.
        """
        kept = self.memo.get(key)
        if kept is None or len(kept[0]) != len(inputs):
            return None
        for was, now in zip(kept[0], inputs, strict=True):
            if not (was == now if isinstance(was, int) else was is now):
                return None
        return kept[1]

    def keep(self, key: str, value: Any, *inputs: Any) -> Any:
        """Keep ``value`` under ``key``, computed from ``inputs`` (:meth:`recall`); returns it."""
        self.memo[key] = (inputs, value)
        return value

    def forget(self, key: str) -> None:
        """Drop what was kept under ``key``: the rule computes it afresh next time."""
        self.memo.pop(key, None)


def initial_state(
    p: dict[str, Any], org: Organisation, d: Derived, rng: np.random.Generator
) -> State:
    """The state at week 0: people's dispositions and traits, units, the project.

    Draws from ``rng`` in a fixed order (dispositions, the sponsor, adopter
    categories, thresholds, rejection thresholds, managers' sensitivity, the
    firm's fit); stance, gate and resources are then set by the rules
    (:func:`crmsim.rules.managers.update_stance`, :func:`crmsim.rules.sponsor.update_resources`).
    """
    n = org.n
    role = org.role
    # Dispositions (S1): role means on the log-odds scale plus spread.
    mean_z = np.empty(n)
    mean_z[role == EXECUTIVE] = logit(p["executives.confidence"])
    mean_z[role == MANAGER] = logit(p["managers.confidence"])
    mean_z[role == FRONTLINE] = logit(p["frontline.confidence"])
    disposition = mean_z + p["frontline.confidence_spread"] * rng.standard_normal(n)
    # The sponsor: commitment with between-firm uncertainty (S4).
    disposition[0] = (
        logit(p["sponsor.commitment"]) + p["sponsor.commitment_spread"] * rng.standard_normal()
    )
    z = disposition.copy()
    # Innovativeness after Rogers (heterogeneity scaled by the spread).
    cat = rng.choice(ROGERS_SHARES.size, size=n, p=ROGERS_SHARES)
    s = p["frontline.innovativeness_spread"]
    people = People(
        disposition=disposition,
        z=z,
        confidence=sigmoid(z),
        innovativeness=1.0 + s * (ROGERS_MULTIPLIER[cat] - 1.0),
        adopter_category=cat.astype(np.int8),
        # Granovetter thresholds (CAL-6.3) and rejection thresholds (CAL-6.4).
        threshold=np.clip(
            p["frontline.threshold_mean"] + p["frontline.threshold_sd"] * rng.standard_normal(n),
            0.0,
            1.0,
        ),
        reject_threshold=np.clip(
            p["frontline.reject_confidence"]
            + p["frontline.reject_confidence_sd"] * rng.standard_normal(n),
            0.0,
            1.0,
        ),
        state=np.full(n, NOT_USING, dtype=np.int8),
        skill=np.where(org.is_user, p["start.skill_per_it_maturity"] * p["start.it_maturity"], 0.0),
        live=np.zeros(n, dtype=bool),
    )
    # Managers (S5): sensitivity lognormal with mean 1 times the mean factor.
    nu = org.n_units
    sd = p["managers.sensitivity_spread"]
    sensitivity = p["managers.resistance_sensitivity"] * np.exp(
        sd * rng.standard_normal(nu) - sd * sd / 2.0
    )
    depth = p["restructuring.depth"]
    # How well the system really fits this firm (S2): drawn once per firm.
    firm_fit = float(
        np.clip(d.fit + p["start.fit_uncertainty"] * rng.standard_normal(), FIT_MIN, FIT_MAX)
    )
    # Restructuring as an event starts at nothing (rules.restructuring); else constant.
    event = p["restructuring.half_life_weeks"] > 0
    units = Units(
        resistance=np.zeros(nu),
        sensitivity=sensitivity,
        restructuring=np.zeros(nu)
        if event
        else np.where(org.unit_front, depth, depth * p["restructuring.backoffice_share"]),
        stance=np.zeros(nu),
        gate=np.zeros(nu),
        unit_fit=np.full(nu, firm_fit),
        unit_live=np.zeros(nu, dtype=bool),
        restructuring_adjustment=np.zeros(nu),
        fit_adjustment=np.zeros(nu),
        restructuring_peak=np.zeros(nu),
        restructuring_start=np.full(nu, NEVER, dtype=np.int64),
        restructuring_fade=np.zeros(nu) if event else np.ones(nu),
        manager_credibility=np.full(nu, p["credibility.initial"]),
        message_gate=np.zeros(nu),
        xdept_ties=cross_function_ties(org),
    )
    users = np.flatnonzero(org.is_user)
    # The peer network in the kernels' layouts: the managers' and the staff's
    # rows as jagged diagonals, and the users' ties among users (only users
    # can be using) as a padded table.
    first_staff = org.n_exec + org.n_units
    layout = Layout(
        users=users,
        user_unit=org.unit[users],
        manager_peers=kernels.jagged_diagonals(org.peers[org.n_exec : first_staff]),
        staff_peers=kernels.jagged_diagonals(org.peers[first_staff:]),
        user_table=kernels.neighbour_table(org.peers[users][:, users].tocsr()),
        n_users=int(users.size),
        unit_users=np.bincount(org.unit[users], minlength=org.n_units),
    )
    project = Project(
        firm_fit=firm_fit,
        profit=d.profit0,
        data_quality=p["data.initial_quality"],
        sponsor_credibility=p["credibility.initial"],
    )
    return State(
        org=org,
        d=d,
        people=people,
        units=units,
        project=project,
        layout=layout,
        prm=kernels.param_record(p),
        census=Census(unit_using=np.zeros(org.n_units, dtype=np.int64)),
    )


def cross_function_ties(org: Organisation) -> np.ndarray:
    """Each manager's peer ties to managers of other functions, relative to the mean (S5).

    1 for every manager when no manager has such a tie (nothing to tell them apart).
    """
    lo, nu = org.n_exec, org.n_units
    among = org.peers[lo : lo + nu][:, lo : lo + nu].tocoo()
    other = org.unit_function[among.row] != org.unit_function[among.col]
    ties = np.bincount(among.row[other], minlength=nu).astype(float)
    mean = ties.mean() if nu else 0.0
    return ties / mean if mean > 0 else np.ones(nu)
