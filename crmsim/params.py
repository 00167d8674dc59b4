"""Every model parameter, declared once.

Each :class:`Param` carries its name, type, range, default, unit, a one-sentence
meaning and its source (an article claim ``S1``–``S10`` from
``shared/DOMAIN.md``, a calibration row ``CAL-x.y`` from
``shared/CALIBRATION.md``, or the words *judgement call*). Scenario
validation, ``--set`` overrides, ``crmsim describe``, sweep grids,
sensitivity ranges and dashboard sliders are all derived from this table;
no default is written anywhere else.

The nine survey levers of S3 live under ``levers.*`` and are intensities in
[0, 1].
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from crmsim.errors import CrmsimError


@dataclass(frozen=True)
class Param:
    """One declared parameter.

    Attributes:
        name: Dotted name, ``group.key`` (e.g. ``diffusion.p``).
        kind: ``int``, ``float`` or ``bool``.
        default: Default value (source given in ``source``).
        lo: Smallest valid value (None for bool).
        hi: Largest valid value (None for bool).
        unit: Unit of the value, e.g. ``1/week`` or ``$``.
        meaning: One sentence saying what the value means.
        source: Where the default comes from: claim, calibration row or
            "judgement call".
        label: Short plain-words label for dashboards and charts.
    """

    name: str
    kind: type
    default: Any
    lo: float | None
    hi: float | None
    unit: str
    meaning: str
    source: str
    label: str = ""

    @property
    def group(self) -> str:
        """The part of the name before the first dot."""
        return self.name.split(".", 1)[0]

    def coerce(self, value: Any) -> Any:
        """Convert ``value`` (possibly a string from the command line) to this
        parameter's type and check its range.

        Raises:
            CrmsimError: naming the parameter, the bad value and the valid range.
        """
        v = value
        if isinstance(v, str):
            s = v.strip()
            try:
                if self.kind is bool:
                    low = s.lower()
                    if low in ("true", "1", "yes", "on"):
                        v = True
                    elif low in ("false", "0", "no", "off"):
                        v = False
                    else:
                        raise ValueError
                elif self.kind is int:
                    f = float(s)
                    if not f.is_integer():
                        raise ValueError
                    v = int(f)
                else:
                    v = float(s)
            except ValueError:
                raise CrmsimError(
                    f"{self.name} must be {self._kind_word()}, got {value!r}; "
                    f"use a value in {self.range_text()}"
                ) from None
        if self.kind is bool:
            if not isinstance(v, bool):
                raise CrmsimError(
                    f"{self.name} must be true or false, got {value!r}; "
                    f"write {self.name} = true or false"
                )
            return v
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise CrmsimError(
                f"{self.name} must be {self._kind_word()}, got {value!r}; "
                f"use a value in {self.range_text()}"
            )
        if self.kind is int:
            if isinstance(v, float):
                if not v.is_integer():
                    raise CrmsimError(
                        f"{self.name} must be a whole number, got {value!r}; "
                        f"use a value in {self.range_text()}"
                    )
                v = int(v)
        else:
            v = float(v)
        if isinstance(v, float) and not math.isfinite(v):
            raise CrmsimError(f"{self.name} must be finite, got {value!r}")
        if (self.lo is not None and v < self.lo) or (self.hi is not None and v > self.hi):
            raise CrmsimError(
                f"{self.name} = {value!r} is out of range; use a value in {self.range_text()}"
            )
        return v

    def _kind_word(self) -> str:
        return {int: "a whole number", float: "a number", bool: "true or false"}[self.kind]

    def range_text(self) -> str:
        """The valid range as text, e.g. ``[0, 1]``."""
        if self.kind is bool:
            return "{true, false}"
        return f"[{_fmt(self.lo)}, {_fmt(self.hi)}]"


def _fmt(x: Any) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return str(x)


_J = "judgement call"

# (name, kind, default, lo, hi, unit, label, meaning, source)
# fmt: off
_TABLE: list[tuple] = [
    # --- run ---
    ('run.weeks', int, 156, 1, 2080, 'weeks', 'Weeks simulated',
     'Length of the run; one step is one week, 156 weeks is three years.',
     'DOMAIN.md (about three years)'),
    ('run.substeps', int, 2, 1, 52, 'per week', 'Adoption sub-steps',
     'Adoption decisions per week, each with a share of the weekly rates; more sub-steps '
     'approach continuous time (for p = 0.01, q = 0.05 the error of the weekly mean field '
     'is under 0.006 with 2 and under 0.003 with 4, which the bass_limit scenario uses).',
     'Bass 1969 anchor (discretisation error measured in tests/test_bass.py)'),
    # --- org ---
    ('org.employees', int, 1000, 12, 10_000_000, 'people', 'Organisation size',
     'Head count: executives, middle managers and frontline staff together.',
     'S2; judgement call (a mid-sized firm)'),
    ('org.executives', int, 5, 1, 50, 'people', 'Executives',
     'Size of the top team; one of them is the CRM sponsor.',
     'S4; judgement call'),
    ('org.span_of_control', int, 11, 2, 200, 'people', 'Team size',
     'Frontline staff per middle manager (one unit per manager).',
     'CAL-6.1 (about 11.5 employees per manager)'),
    ('org.front_end_share', float, 0.5, 0.05, 1.0, 'share', 'Front-end share',
     'Share of units in front-end functions (sales, marketing, service, field support) whose '
     'staff use CRM daily; the rest are back-office units touched by restructuring.',
     'S5, S6; judgement call'),
    # --- network ---
    ('network.degree', int, 10, 0, 100, 'ties', 'Peer ties',
     'Target mean number of informal peer ties per person beside the reporting line (a little '
     'fewer are realised: self-ties and duplicates are dropped).',
     'CAL-6.2 (about 25 e-mail contacts, of which we keep the closer ties); judgement call'),
    ('network.within_team', float, 0.6, 0.0, 1.0, 'share', 'Ties inside own team',
     "Share of each person's peer ties that stay inside the own unit (gives clustering).",
     'CAL-6.2 (clustering 0.40); judgement call'),
    ('network.mixing', float, 0.0, 0.0, 1.0, 'share', 'Fully mixed influence',
     "Weight of the whole organisation's adoption share, against the own peers', in peer "
     'influence; 1 makes the population fully mixed (the Bass limit).',
     'Bass 1969 anchor; judgement call'),
    # --- diffusion ---
    ('diffusion.p', float, 0.008, 0.0, 1.0, '1/week', 'Innovation rate p',
     'Weekly rate at which a user with access starts trying CRM on their own.',
     'CAL-7.2 (no published within-firm rate; set so baseline lands in CAL-4.1/4.2)'),
    ('diffusion.q', float, 0.09, 0.0, 2.0, '1/week', 'Imitation rate q',
     'Weekly rate of starting to try CRM per unit of peer adoption share seen.',
     'CAL-7.2 (no published within-firm rate; set so baseline lands in CAL-4.1/4.2)'),
    # --- frontline ---
    ('frontline.confidence', float, 0.42, 0.0, 1.0, '0-1', 'Staff initial confidence',
     'Mean initial confidence of frontline staff that CRM will work for them.',
     'S1; CAL-5.2 (frontline 25 % most resistant)'),
    ('frontline.confidence_spread', float, 0.6, 0.0, 3.0, 'log-odds sd', 'Spread of staff confidence',
     'Standard deviation of initial confidence between people, on the log-odds scale.',
     _J),
    ('frontline.confidence_weight', float, 4.0, 0.0, 20.0, 'per unit confidence', 'Confidence drives adoption',
     'How strongly own confidence scales the adoption hazard (0 removes the feedback).',
     'S6, S9; judgement call'),
    ('frontline.innovativeness_spread', float, 1.0, 0.0, 1.0, '0-1', 'Innovators vs laggards',
     "Heterogeneity of innovativeness after Rogers' adopter categories (0 makes everyone "
     'average).',
     'Rogers, Diffusion of Innovations (2.5/13.5/34/34/16 %)'),
    ('frontline.threshold_mean', float, 0.1, 0.0, 1.0, 'share of peers', 'Adoption threshold',
     'Mean share of adopting peers a person needs before peer pressure fully counts.',
     'CAL-6.3 (mean N/10)'),
    ('frontline.threshold_sd', float, 0.05, 0.0, 0.5, 'share of peers', 'Threshold spread',
     'Standard deviation of the adoption thresholds.',
     'CAL-6.3 (sd N/20)'),
    ('frontline.threshold_weight', float, 0.5, 0.0, 1.0, '0-1', 'Threshold effect',
     'Weight of the threshold rule against linear imitation in peer influence (0 is pure Bass '
     'imitation).',
     'Granovetter 1978; judgement call'),
    ('frontline.reject_confidence', float, 0.25, 0.0, 1.0, '0-1', 'Rejection threshold',
     'Mean confidence below which a user starts rejecting or working around CRM.',
     'CAL-6.4 (a second threshold for rejecting a tool); judgement call'),
    ('frontline.reject_rate', float, 0.05, 0.0, 1.0, '1/week', 'Rejection rate',
     'Weekly rate of turning to rejection / work-arounds while below the rejection threshold.',
     'CAL-6.4; judgement call'),
    ('frontline.reconsider_rate', float, 0.01, 0.0, 1.0, '1/week', 'Reconsider rate',
     'Weekly rate at which a rejecting user tries again once confident (rejection is sticky).',
     'DOMAIN.md (rejection is sticky); judgement call'),
    ('frontline.learn_rate', float, 0.06, 0.0, 1.0, '1/week', 'Learning rate',
     'Weekly share of the remaining skill gap closed by a user with full support.',
     'CAL-3.2 (learning curve over several months); judgement call'),
    ('frontline.skill_to_use', float, 0.5, 0.0, 1.0, '0-1', 'Skill to use routinely',
     'Skill at which a trying user becomes a routine user (0 makes trying immediate use).',
     _J),
    ('frontline.learning_loss', float, 0.15, 0.0, 1.0, 'share of output', 'Output lost while learning',
     "Share of a user's output lost at zero skill while learning the system.",
     'S7; CAL-3.1, CAL-3.2'),
    # --- confidence ---
    ('confidence.memory', float, 0.05, 0.0, 1.0, '1/week', 'Return to disposition',
     "Weekly share of the gap to one's own disposition that confidence gives back (wins and "
     'setbacks fade at this rate).',
     'DOMAIN.md (memory and inertia); judgement call'),
    ('confidence.results_weight', float, 0.15, 0.0, 5.0, 'log-odds/week', 'Weight of visible results',
     'Confidence gained per week from fully visible, full results.',
     'S6; judgement call'),
    ('confidence.dip_weight', float, 0.12, 0.0, 5.0, 'log-odds/week', 'Weight of the profit dip',
     'Confidence lost per week per unit of relative profit shortfall below the pre-project '
     'level.',
     'S7; judgement call'),
    ('confidence.communication_weight', float, 0.15, 0.0, 5.0, 'log-odds/week', 'Weight of communication',
     'Confidence moved per week by a fully convinced, clear, frequent message.',
     'S8; CAL-5.4; judgement call'),
    ('confidence.peer_weight', float, 0.05, 0.0, 5.0, 'log-odds/week', 'Weight of peers',
     'Confidence moved per week by peers who are all fully convinced (or all against).',
     'S9; judgement call'),
    ('confidence.own_benefit_weight', float, 0.04, 0.0, 5.0, 'log-odds/week', 'Weight of own benefit',
     'Confidence a skilled routine user gains per week from feeling the benefit personally.',
     'S6 (benefit to themselves); judgement call'),
    ('confidence.frustration_weight', float, 0.1, 0.0, 5.0, 'log-odds/week', 'Weight of frustration',
     'Confidence a learner loses per week when unskilled and unsupported.',
     'S7 (motivation weakens); judgement call'),
    # --- sponsor ---
    ('sponsor.commitment', float, 0.75, 0.0, 1.0, '0-1', 'Sponsor commitment',
     'Initial confidence of the executive sponsor in the project.',
     'S4; CAL-5.2 (executives least resistant)'),
    ('sponsor.commitment_spread', float, 0.5, 0.0, 3.0, 'log-odds sd', 'Uncertainty of sponsor commitment',
     "Standard deviation, between firms, of the sponsor's commitment on the log-odds scale.",
     'S4; judgement call'),
    ('sponsor.retreat_threshold', float, 0.35, 0.0, 1.0, '0-1', 'Sponsor retreat point',
     'Sponsor confidence below which the sponsor starts to retreat (0 never retreats).',
     'S4; judgement call'),
    ('sponsor.retreat_weeks', int, 12, 1, 520, 'weeks', 'Weeks before retreat',
     'Consecutive weeks below the retreat point before the budget is cut, and again before the '
     'project is cancelled.',
     'S4 (sustained loss of confidence); judgement call'),
    ('sponsor.dip_sensitivity', float, 3.0, 0.0, 10.0, 'multiple', 'Sponsor watches profit',
     'How much more than staff the executives feel the profit dip (they read the P&L).',
     'S4, S7; judgement call'),
    # --- executives ---
    ('executives.confidence', float, 0.65, 0.0, 1.0, '0-1', "Executives' confidence",
     'Mean initial confidence of the other executives.',
     'CAL-5.2 (executives 11 % most resistant)'),
    # --- managers ---
    ('managers.confidence', float, 0.45, 0.0, 1.0, '0-1', "Managers' initial confidence",
     'Mean initial confidence of middle managers.',
     'CAL-5.2 (middle managers 43 % most resistant)'),
    ('managers.resistance_sensitivity', float, 1.0, 0.0, 3.0, 'multiple', "Managers' sensitivity to restructuring",
     'Mean factor turning restructuring depth into resistance (lognormal between managers).',
     'S5; CAL-5.3 (fear of losing control); judgement call'),
    ('managers.resistance_rate', float, 0.1, 0.0, 1.0, '1/week', 'Speed of resistance',
     "Weekly share of the gap to its target that a manager's resistance closes.",
     _J),
    ('managers.filter_strength', float, 0.8, 0.0, 1.0, '0-1', 'Manager filtering',
     "How strongly a manager's stance damps or amplifies top-down messages and the team's "
     'readiness to adopt.',
     'S5; CAL-5.4 (personal impact from the direct supervisor)'),
    ('managers.xdept_communication', float, 0.3, 0.0, 1.0, '0-1', 'Cross-department communication',
     'Intensity of communication between department managers, which eases resistance.',
     'S5'),
    ('managers.message_weight', float, 0.3, 0.0, 5.0, 'multiple', 'Weight of own manager',
     "Weight of the direct manager's own stance in what the team hears, relative to the "
     "sponsor's message.",
     'CAL-5.4 (personal impact comes from the direct supervisor)'),
    # --- restructuring ---
    ('restructuring.depth', float, 0.5, 0.0, 1.0, '0-1', 'Restructuring depth',
     'How deeply the roll-out restructures front-end units (authority, job content, merges).',
     'S5'),
    ('restructuring.backoffice_share', float, 0.6, 0.0, 1.0, 'share', 'Back-office restructuring',
     'Depth of restructuring in back-office units as a share of the front-end depth.',
     'S5 (design, production, R&D, finance, purchasing are touched); judgement call'),
    # --- visibility ---
    ('visibility.level', float, 0.3, 0.0, 1.0, '0-1', 'Visibility of results',
     'Share of the real results that is made visible to staff (dashboards, wins shared).',
     'S6'),
    ('visibility.lag_weeks', float, 8.0, 1.0, 52.0, 'weeks', 'Results lag',
     'Mean delay before results become visible (exponential smoothing time constant).',
     'S7 (results may not show early); judgement call'),
    # --- communication ---
    ('communication.cadence', float, 0.5, 0.0, 1.0, '0-1', 'Communication cadence',
     "How often the sponsor's message is repeated (1: every week; CAL-5.4 wants 5-7 repeats).",
     'S8; CAL-5.4'),
    ('communication.clarity', float, 0.5, 0.0, 1.0, '0-1', 'Communication clarity',
     'How clearly the steps and goals are explained.',
     'S8'),
    # --- milestones ---
    ('milestones.interval_weeks', int, 0, 0, 104, 'weeks', 'Milestone interval',
     'Weeks between milestone reviews after go-live (0: no phase goals are set, as in a '
     'typical firm; 13 is a quarterly review).',
     'S8 (phase goals); judgement call'),
    ('milestones.target', float, 0.8, 0.0, 1.0, 'share', 'Milestone target',
     'Adoption share the milestone plan aims for by the end of the plan.',
     'S8; CAL-4.1'),
    ('milestones.plan_weeks', int, 78, 1, 520, 'weeks', 'Milestone plan length',
     'Weeks after the first go-live by which the plan expects the target (an S-shaped plan: '
     'slow start, then faster).',
     'CAL-4.5 (no figure; judgement call)'),
    ('milestones.impact', float, 0.4, 0.0, 5.0, 'log-odds', 'Milestone impact',
     'Confidence gained by everyone when a milestone is met, and lost when it is missed.',
     'S8; judgement call'),
    # --- rollout ---
    ('rollout.implementation_weeks', int, 16, 0, 104, 'weeks', 'Implementation time',
     'Weeks of set-up (implementation services paid, no use yet) before the first go-live.',
     'CAL-1.5 (1 month to 2 years)'),
    ('rollout.max_pilot_weeks', int, 16, 1, 104, 'weeks', 'Pilot length',
     'Length of the pilot at full pilot intensity, before the other units go live.',
     _J),
    ('rollout.max_waves', int, 4, 1, 52, 'waves', 'Waves when phased',
     'Number of roll-out waves at full phasing intensity.',
     _J),
    ('rollout.wave_weeks', int, 8, 1, 52, 'weeks', 'Weeks between waves',
     'Weeks between two roll-out waves.',
     _J),
    # --- start ---
    ('start.it_maturity', float, 0.4, 0.0, 1.0, '0-1', 'IT maturity',
     "The firm's IT maturity: initial skill of users and the system's fit to existing tools.",
     'S1'),
    ('start.fit_uncertainty', float, 0.15, 0.0, 0.5, '0-1', 'Uncertainty of process fit',
     "Standard deviation, between firms, of how well the system really fits the firm's "
     'processes (revealed only in use).',
     'S2 (the environment decides); CAL-2.2, CAL-2.6 (wide spread of outcomes); judgement call'),
    ('start.budget_per_user', float, 10_385.0, 0.0, 1_000_000.0, '$ per user', 'Budget per user',
     'First-year budget per CRM user; overspending worries the sponsor.',
     'CAL-1.3 ($10,385 average first-year cost per user)'),
    # --- economics ---
    ('economics.revenue_per_employee', float, 4_000.0, 1.0, 1_000_000.0, '$/week', 'Revenue per employee',
     'Weekly revenue per employee before the project.',
     'judgement call (about $200k a year)'),
    ('economics.margin', float, 0.1, 0.001, 1.0, 'share', 'Profit margin',
     'Net profit margin before the project.',
     _J),
    ('economics.contribution_margin', float, 0.35, 0.0, 1.0, 'share', 'Contribution margin',
     'Share of revenue gained or lost that reaches profit.',
     _J),
    ('economics.benefit_uplift', float, 0.2, 0.0, 1.0, 'share of revenue', 'Benefit of full use',
     'Revenue uplift of a front-end unit when all its staff use CRM skilfully with a perfectly '
     'fitting process.',
     'CAL-2.7 (best-in-class +27 % deal size), CAL-2.1-2.6 (contested averages)'),
    ('economics.licence_per_user_month', float, 65.0, 0.0, 1_000.0, '$/user/month', 'Licence price',
     'CRM licence per user and month.',
     'CAL-1.1'),
    ('economics.services_multiple', float, 1.5, 0.0, 5.0, 'x first-year licences', 'Implementation services',
     'Implementation services as a multiple of the first-year licence cost, spent during '
     'implementation.',
     'CAL-1.2 (1-2x)'),
    ('economics.maintenance_share', float, 0.2, 0.0, 1.0, 'share of licence / year', 'Maintenance',
     'Yearly maintenance as a share of the licence cost, after go-live.',
     'CAL-1.2'),
    ('economics.hourly_cost', float, 50.0, 0.0, 1_000.0, '$/hour', 'Hourly staff cost',
     'Loaded cost of one hour of staff time (training, project team).',
     _J),
    ('economics.training_hours', float, 16.0, 0.0, 200.0, 'hours/user', 'Training hours',
     'Hours of training per user at full training intensity.',
     'CAL-1.4 (1-2 days)'),
    ('economics.consultant_per_user_week', float, 20.0, 0.0, 1_000.0, '$/user/week', 'Consultant cost',
     'Cost of expert help per user and week at full intensity, from the start until a year '
     'after the first go-live (or a budget cut).',
     'CAL-1.2; judgement call'),
    ('economics.analysis_per_employee', float, 150.0, 0.0, 10_000.0, '$/employee', 'Process analysis cost',
     'One-off cost of a full process analysis per employee.',
     _J),
    ('economics.disruption', float, 0.02, 0.0, 1.0, 'share of output', 'Disruption by resistance',
     "Share of a unit's output lost when its manager openly resists (resistance 1).",
     'S5 (conflicts, open opposition); judgement call'),
    # --- outcome ---
    ('outcome.success_adoption', float, 0.7, 0.0, 1.0, 'share', 'Success threshold',
     'Final adoption share (of users routinely using CRM) a run needs, without cancellation, '
     'to count as a success.',
     'CAL-4.1, CAL-4.2 (failure = not meeting expectations); judgement call'),
    # --- levers ---
    ('levers.process_analysis', float, 0.4, 0.0, 1.0, '0-1', 'Process analysis',
     'Analysing and redesigning processes first: better fit and benefits, clearer roles and '
     'less conflict; costs analysis time.',
     'S3 (45 %), S2'),
    ('levers.customer_participation', float, 0.3, 0.0, 1.0, '0-1', 'Customer participation',
     'Bringing customers in: a better fit and results that customers make visible.',
     'S3 (36 %), S10'),
    ('levers.top_management_support', float, 0.6, 0.0, 1.0, '0-1', 'Top-management support',
     "The top team's active backing of the sponsor: resources, communication, coordination and "
     'resilience in setbacks.',
     'S3 (35 %), S4; CAL-5.1'),
    ('levers.expert_help', float, 0.4, 0.0, 1.0, '0-1', 'Expert help',
     'Consultants and vendor experts: support capacity for learners and a better fit.',
     'S3 (32 %), S10'),
    ('levers.pilot_first', float, 0.0, 0.0, 1.0, '0-1', 'Pilot first',
     'A local pilot before the rest goes live: lessons learned and a visible early win, at the '
     'price of delay.',
     'S3 (27 %), S4'),
    ('levers.training', float, 0.5, 0.0, 1.0, '0-1', 'Training',
     'Training per user: initial skill, faster learning, less frustration.',
     'S3 (25 %); CAL-1.4'),
    ('levers.phased_rollout', float, 0.3, 0.0, 1.0, '0-1', 'Phased roll-out',
     'Going live in waves: support is not overloaded, at the price of delay.',
     'S3 (21 %)'),
    ('levers.vendor_evaluation', float, 0.3, 0.0, 1.0, '0-1', 'Vendor evaluation',
     'Evaluating the vendor: a better system, fewer defects and better fit.',
     'S3 (11 %), S10'),
    ('levers.staffing', float, 0.4, 0.0, 1.0, '0-1', 'Sensible staffing',
     'A dedicated project team: support capacity and coordination.',
     'S3 (11 %)'),
]
# fmt: on

PARAMS: dict[str, Param] = {
    row[0]: Param(
        name=row[0],
        kind=row[1],
        default=row[2],
        lo=row[3],
        hi=row[4],
        unit=row[5],
        label=row[6],
        meaning=row[7],
        source=row[8],
    )
    for row in _TABLE
}

LEVERS: tuple[str, ...] = tuple(n for n in PARAMS if n.startswith("levers."))
"""The nine survey levers of S3, in the survey's order."""


def suggest(name: str, choices: list[str] | None = None) -> str:
    """Return ``"; did you mean X?"`` for the closest valid name, or ``""``."""
    pool = list(PARAMS) if choices is None else choices
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.5)
    if not close:
        # also try matching the part after the dot
        tail = name.rsplit(".", 1)[-1]
        close = [p for p in pool if p.rsplit(".", 1)[-1] == tail][:1]
    return f"; did you mean {close[0]}?" if close else ""


def lookup(name: str) -> Param:
    """The declaration of ``name``.

    Raises:
        CrmsimError: for an unknown name, suggesting the closest valid one.
    """
    try:
        return PARAMS[name]
    except KeyError:
        hint = suggest(name) or "; run `crmsim describe` to list them"
        raise CrmsimError(f"unknown parameter {name!r}{hint}") from None


class ParamSet(Mapping[str, Any]):
    """A frozen, validated, complete set of parameter values.

    Every declared parameter has a value (its default unless overridden).
    Build new sets with :meth:`with_updates`; a ParamSet is never mutated.
    """

    __slots__ = ("_values", "_hash")

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        values = {name: p.default for name, p in PARAMS.items()}
        for name, value in (overrides or {}).items():
            values[name] = lookup(name).coerce(value)
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_hash", None)

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("ParamSet is frozen; use with_updates()")

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            lookup(name)  # raises with a suggestion
            raise

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def get(self, name: str, default: Any = None) -> Any:
        """The value of ``name``, or ``default`` for an undeclared name."""
        return self._values.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(tuple(self._values.items())))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ParamSet):
            return self._values == other._values
        return NotImplemented

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if v != PARAMS[k].default}
        return f"ParamSet({changed!r})"

    def __reduce__(self):  # picklable (process pools, Dask), though frozen
        return (ParamSet, (self._values,))

    def with_updates(self, updates: Mapping[str, Any]) -> ParamSet:
        """A new ParamSet with ``updates`` applied (validated)."""
        merged = dict(self._values)
        merged.update(updates)
        return ParamSet(merged)

    def to_dict(self) -> dict[str, Any]:
        """All values as a plain dict, in declaration order."""
        return dict(self._values)

    def changed(self) -> dict[str, Any]:
        """Only the values that differ from their defaults."""
        return {k: v for k, v in self._values.items() if v != PARAMS[k].default}


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``name=value`` from the command line into a validated pair.

    Raises:
        CrmsimError: for a missing ``=``, an unknown name or a bad value.
    """
    if "=" not in text:
        raise CrmsimError(f"--set expects name=value, got {text!r}; e.g. --set levers.training=0.8")
    name, value = text.split("=", 1)
    name = name.strip()
    return name, lookup(name).coerce(value)
