"""Every model parameter, declared once.

Each :class:`Param` carries its name, type, range, default, unit, a one-sentence
meaning and its source (an article claim ``S1``–``S10``, a calibration row
``CAL-x.y``, a design requirement or an outside anchor, all in
``docs/sources.md``; or the words *judgement call*). Scenario
validation, ``--set`` overrides, ``crmsim describe``, sweep grids,
sensitivity ranges and dashboard sliders are all derived from this table;
no default is written anywhere else.

The nine survey levers of S3 live under ``levers.*`` and are intensities in
[0, 1].
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Iterator, Mapping
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
        mid_run: Whether the value may change mid-run (``CrmModel.intervene``,
            a game's actions); False for what only shapes the starting state
            (derived from :data:`INITIAL_ONLY`).
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
    mid_run: bool = True

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
_FIT = "fitted to the published patterns (calibration/model_2_0.toml; docs/model.md section 10)"

# (name, kind, default, lo, hi, unit, label, meaning, source)
# fmt: off
_TABLE: list[tuple] = [
    # --- run ---
    ('run.weeks', int, 156, 1, 2080, 'weeks', 'Weeks simulated',
     'Length of the run; one step is one week, 156 weeks is three years.',
     'design requirements (about three years)'),
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
    ('diffusion.p', float, 0.0137, 0.0, 1.0, '1/week', 'Innovation rate p',
     'Weekly rate at which a user with access starts trying CRM on their own.',
     'CAL-7.2 (no published within-firm rate); ' + _FIT),
    ('diffusion.q', float, 0.437, 0.0, 2.0, '1/week', 'Imitation rate q',
     'Weekly rate of starting to try CRM per unit of peer adoption share seen.',
     'CAL-7.2 (no published within-firm rate); ' + _FIT),
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
    ('frontline.reject_confidence_sd', float, 0.1, 0.0, 0.5, '0-1', 'Spread of rejection thresholds',
     'Standard deviation between users of the confidence below which they reject CRM.',
     'CAL-6.4; judgement call'),
    ('frontline.reject_rate', float, 0.05, 0.0, 1.0, '1/week', 'Rejection rate',
     'Weekly rate of turning to rejection / work-arounds while below the rejection threshold.',
     'CAL-6.4; judgement call'),
    ('frontline.reconsider_rate', float, 0.01, 0.0, 1.0, '1/week', 'Reconsider rate',
     'Weekly rate at which a rejecting user tries again once confident (rejection is sticky).',
     'design requirements (rejection is sticky); judgement call'),
    ('frontline.return_margin', float, 0.1, 0.0, 1.0, '0-1', 'Margin to reconsider',
     'How far above their own rejection threshold a rejecting user\'s confidence must be '
     'before they may try again (rejection is sticky).',
     'design requirements (rejection is sticky); judgement call'),
    ('frontline.learn_rate', float, 0.06, 0.0, 1.0, '1/week', 'Learning rate',
     'Weekly share of the remaining skill gap closed by a user with full support.',
     'CAL-3.2 (learning curve over several months); judgement call'),
    ('frontline.learn_floor', float, 0.3, 0.0, 1.0, 'share', 'Learning without support',
     'Share of the learning rate left to a user whom nobody supports (full support gives the '
     'whole rate).',
     'S3 (support while learning); judgement call'),
    ('frontline.learn_it_share', float, 0.5, 0.0, 1.0, 'share', 'Learning depends on IT maturity',
     'Share of the learning rate that depends on IT maturity: the rate is multiplied by '
     '(1 - share) + share x IT maturity.',
     'S1 (IT maturity); judgement call'),
    ('frontline.skill_to_use', float, 0.5, 0.0, 1.0, '0-1', 'Skill to use routinely',
     'Skill at which a trying user becomes a routine user (0 makes trying immediate use).',
     _J),
    ('frontline.learning_loss', float, 0.15, 0.0, 1.0, 'share of output', 'Output lost while learning',
     "Share of a user's output lost at zero skill while learning the system.",
     'S7; CAL-3.1, CAL-3.2'),
    ('frontline.workaround_loss', float, 0.1, 0.0, 1.0, 'share of learning loss', 'Cost of work-arounds',
     "Output lost by a live user working around CRM (double entry), as a share of the "
     'learning loss at zero skill.',
     'S7; judgement call'),
    ('frontline.strain_overload_share', float, 0.5, 0.0, 1.0, 'share', 'Frustration from overload',
     "Share of a learner's strain that comes from support overload; the rest comes from "
     'system defects (1 - quality).',
     'S3, S10; judgement call'),
    # --- confidence ---
    ('confidence.memory', float, 0.05, 0.0, 1.0, '1/week', 'Return to disposition',
     "Weekly share of the gap to one's own disposition that confidence gives back (wins and "
     'setbacks fade at this rate).',
     'design requirements (memory and inertia); judgement call'),
    ('confidence.results_weight', float, 0.15, 0.0, 5.0, 'log-odds/week', 'Weight of visible results',
     'Confidence gained per week from fully visible, full results.',
     'S6; judgement call'),
    ('confidence.dip_weight', float, 0.12, 0.0, 5.0, 'log-odds/week', 'Weight of the profit dip',
     'Confidence lost per week per unit of relative profit shortfall below the pre-project '
     'level.',
     'S7; judgement call'),
    ('confidence.communication_weight', float, 0.544, 0.0, 5.0, 'log-odds/week', 'Weight of communication',
     'Confidence moved per week by a fully convinced, clear, frequent message.',
     'S8; CAL-5.4; judgement call, ' + _FIT),
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
    ('sponsor.commitment_spread', float, 0.604, 0.0, 3.0, 'log-odds sd', 'Uncertainty of sponsor commitment',
     "Standard deviation, between firms, of the sponsor's commitment on the log-odds scale.",
     'S4; judgement call, ' + _FIT),
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
    ('sponsor.budget_growth', float, 0.25, 0.0, 5.0, '1/year', 'Budget growth',
     'Growth per year, after the first year, of the spend the sponsor planned for; spend above '
     'the plan worries the sponsor like the profit dip.',
     'S1 (scarce money); CAL-1.3 (37.5 % over budget); judgement call'),
    ('sponsor.overrun_cap', float, 1.0, 0.0, 10.0, 'share over plan', 'Overrun worry cap',
     "Overspend, as a share over plan, at which the sponsor's worry stops growing.",
     'CAL-1.3; judgement call'),
    ('sponsor.restore_margin', float, 0.1, 0.0, 1.0, '0-1', 'Margin to restore a budget',
     'Confidence above the retreat point the sponsor must hold, for the retreat weeks, before '
     'a cut budget is restored (hysteresis).',
     'S4; judgement call'),
    # --- executives ---
    ('executives.confidence', float, 0.65, 0.0, 1.0, '0-1', "Executives' confidence",
     'Mean initial confidence of the other executives.',
     'CAL-5.2 (executives 11 % most resistant)'),
    # --- managers ---
    ('managers.confidence', float, 0.292, 0.0, 1.0, '0-1', "Managers' initial confidence",
     'Mean initial confidence of middle managers.',
     'CAL-5.2 (middle managers 43 % most resistant); ' + _FIT),
    ('managers.resistance_sensitivity', float, 1.07, 0.0, 3.0, 'multiple', "Managers' sensitivity to restructuring",
     'Mean factor turning restructuring depth into resistance (lognormal between managers).',
     'S5; CAL-5.3 (fear of losing control); judgement call, ' + _FIT),
    ('managers.sensitivity_spread', float, 0.5, 0.0, 2.0, 'log sd', 'Spread of sensitivity',
     "Spread between managers of their sensitivity to restructuring (sd of its logarithm; the "
     'mean stays managers.resistance_sensitivity).',
     'S5; judgement call'),
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
    ('managers.xdept_relief', float, 0.7, 0.0, 1.0, 'share', 'Relief by communication',
     "Share of a manager's resistance target that perfect cross-department communication "
     'removes.',
     'S5 (resistance falls with cross-department communication); judgement call'),
    ('managers.message_weight', float, 0.3, 0.0, 5.0, 'multiple', 'Weight of own manager',
     "Weight of the direct manager's own stance in what the team hears, relative to the "
     "sponsor's message.",
     'CAL-5.4 (personal impact comes from the direct supervisor)'),
    # --- restructuring ---
    ('restructuring.depth', float, 0.746, 0.0, 1.0, '0-1', 'Restructuring depth',
     'How deeply the roll-out restructures front-end units (authority, job content, merges).',
     'S5; judgement call, ' + _FIT),
    ('restructuring.backoffice_share', float, 0.6, 0.0, 1.0, 'share', 'Back-office restructuring',
     'Depth of restructuring in back-office units as a share of the front-end depth.',
     'S5 (design, production, R&D, finance, purchasing are touched); judgement call'),
    ('restructuring.half_life_weeks', float, 13.0, 0.0, 520.0, 'weeks', 'Restructuring half-life',
     "Restructuring as an event: a front-end unit is restructured when it goes live, a "
     'back-office unit when the first unit goes live (its processes redesigned to feed the '
     'system), each at its depth; the depth then halves every this many weeks and the '
     'restructuring is over after four half-lives, and with it the disruption it causes. '
     '0: a constant depth from week 1 to the end (no event, no fading).',
     'S5 (restructuring at the roll-out); CAL-3.2 (recovery after several months); '
     'judgement call'),
    # --- data quality ---
    ('data.initial_quality', float, 0.5, 0.0, 1.0, '0-1', 'Initial data quality',
     'Quality of the customer data (accurate, complete, current) when the project starts.',
     'CAL-10.2, CAL-10.3 (much contact and CRM data wrong or incomplete); judgement call'),
    ('data.build_rate', float, 0.05, 0.0, 1.0, '1/week', 'Data built by use',
     'Weekly share of the gap to perfect data closed when every user uses the system '
     'routinely (in proportion to the share using).',
     'S6, S9 (the system is only as good as the data put in); judgement call'),
    ('data.decay_per_month', float, 0.021, 0.0, 1.0, '1/month', 'Data decay',
     'Share of the customer data that goes stale each month.',
     'CAL-10.1 (about 2.1 % a month)'),
    ('data.rejection_erosion', float, 0.05, 0.0, 1.0, '1/week', 'Erosion by work-arounds',
     'Weekly share of the data quality lost when every user rejects the system and works '
     'around it (in proportion to the share rejecting).',
     'S9; CAL-10.3 (invented data entered); judgement call'),
    ('data.compliance_erosion', float, 0.05, 0.0, 1.0, '1/week', 'Erosion by compliance-only use',
     'Weekly share of the data quality lost when every user enters data only to comply (in '
     'proportion to the share doing so).',
     'S2 (mandated use); CAL-10.3; judgement call'),
    ('data.benefit_weight', float, 0.4, 0.0, 1.0, 'share', 'Benefit hanging on data',
     "Share of the firm's benefit, and of each user's own benefit, that scales with data "
     'quality: benefit x (1 - w + w x quality); 0: data quality touches neither.',
     'CAL-10.4 (poor data the main reason for 40 % of missed benefits), CAL-10.5'),
    # --- turnover ---
    ('turnover.staff_annual', float, 0.208, 0.0, 0.95, 'share / year', 'Staff turnover',
     'Share of users who leave in a year, each replaced at once in the same unit by an '
     'untrained newcomer (not using, starting skill, a disposition drawn afresh); 0: nobody '
     'leaves (and no draws are made).',
     'CAL-8.5 (20.8 % a year, all staff, China); CAL-8.1 (salespeople up to 27 %)'),
    ('turnover.onboarding', bool, True, None, None, 'on/off', 'Newcomers onboarded',
     'A newcomer who joins a unit already live is trained like its go-live users (the '
     "training's skill, and its cost) and starts out trying the system, which is part of the "
     'job they join; off: every newcomer starts as a non-user at the starting skill and must be '
     'won over by peers like the first users.',
     'CAL-8.2, CAL-8.3 (new staff ramp up in months, learning the job with its tools); '
     'judgement call'),
    ('turnover.sponsor_annual', float, 0.145, 0.0, 0.95, 'share / year', 'Sponsor turnover',
     "Chance in a year that the sponsor leaves; the successor's commitment is drawn afresh "
     'from the sponsor commitment distribution; 0: the sponsor stays.',
     'CAL-9.1, CAL-9.2 (chief executives and CIOs, as stand-ins); CAL-9.4 (judgement call)'),
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
    ('milestones.min_goal', float, 0.05, 0.0, 1.0, 'share', 'Smallest announced goal',
     'Smallest adoption goal reviewed at a milestone; nobody announces a goal below it.',
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
    ('start.skill_per_it_maturity', float, 0.3, 0.0, 1.0, 'skill', 'Skill from IT maturity',
     "Users' initial skill with the system per unit of IT maturity.",
     'S1; judgement call'),
    ('start.fit_uncertainty', float, 0.106, 0.0, 0.5, '0-1', 'Uncertainty of process fit',
     "Standard deviation, between firms, of how well the system really fits the firm's "
     'processes (revealed only in use).',
     'S2 (the environment decides); CAL-2.2, CAL-2.6 (wide spread of outcomes); judgement call, '
     + _FIT),
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
    ('economics.benefit_uplift', float, 0.27, 0.0, 1.0, 'share of revenue', 'Benefit of full use',
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
    ('economics.training_weeks', int, 4, 1, 52, 'weeks', 'Weeks of training',
     "Weeks after a unit's go-live over which its training is delivered and paid.",
     'CAL-1.4 (1-2 days per user, spread over the first weeks); judgement call'),
    ('economics.consultant_per_user_week', float, 20.0, 0.0, 1_000.0, '$/user/week', 'Consultant cost',
     'Cost of expert help per user and week at full intensity, from the start until a year '
     'after the first go-live (or a budget cut).',
     'CAL-1.2; judgement call'),
    ('economics.consultant_weeks', int, 52, 0, 520, 'weeks', 'Consultants stay',
     'Weeks after the first go-live during which consultants are paid and help learners.',
     'CAL-1.2; judgement call'),
    ('economics.team_weeks', int, 104, 0, 520, 'weeks', 'Project team stays',
     'Weeks after the first go-live during which the project team is paid and helps.',
     'S3 (staffing); judgement call'),
    ('economics.team_per_100_users', float, 1.0, 0.0, 100.0, 'full-time people', 'Project team size',
     'Full-time project-team members per 100 users at full staffing (a full-time week is 40 '
     'hours).',
     'S3 (staffing); judgement call'),
    ('economics.customer_hours', float, 0.25, 0.0, 40.0, 'hours/user/week', 'Time with customers',
     'Staff time per live user and week spent with customers at full customer participation.',
     'S3, S10; judgement call'),
    ('economics.executive_hours', float, 4.0, 0.0, 60.0, 'hours/week', "Executives' time",
     'Hours a week each executive gives the project at full top-management support and full '
     'resources.',
     'S4; judgement call'),
    ('economics.executive_rate', float, 3.0, 0.0, 100.0, 'x hourly cost', "Executives' rate",
     "Cost of an executive's hour as a multiple of the staff hourly cost.",
     _J),
    ('economics.analysis_per_employee', float, 150.0, 0.0, 10_000.0, '$/employee', 'Process analysis cost',
     'One-off cost of a full process analysis per employee.',
     _J),
    ('economics.disruption', float, 0.02, 0.0, 1.0, 'share of output', 'Disruption by resistance',
     "Share of a unit's output lost when its manager openly resists (resistance 1).",
     'S5 (conflicts, open opposition); judgement call'),
    ('economics.network_value', float, 0.5, 0.0, 1.0, 'share', 'Value of shared data',
     "Share of CRM's benefit that grows with the adoption share (shared customer data); the "
     "rest is each user's own.",
     'S6, S7 (benefits grow with real use); judgement call'),
    ('economics.amortisation_weeks', int, 156, 0, 520, 'weeks', 'Services amortised over',
     'How implementation services reach profit: 0 expenses them as paid during implementation; '
     'N capitalises them and charges equal parts over N weeks from the first go-live (the rest '
     'at once if the project is cancelled). Process analysis, vendor evaluation and training '
     'are expensed either way; cash spend is unchanged.',
     'ACC-1 (implementation of hosted software capitalised and amortised over the term); '
     'judgement call (156: a three-year term)'),
    ('economics.proficient_skill', float, 0.7, 0.05, 1.0, 'skill', 'Skill at proficiency',
     'Skill at which a user is fully productive with the system: the productivity lost while '
     'learning is proportional to max(0, 1 - skill / this) and the benefit of routine use to '
     'min(1, skill / this); 1: only full skill is proficient.',
     'CAL-8.3, CAL-8.4 (proficiency reached in weeks to months); CAL-3.2; judgement call'),
    ('economics.benefit_lag_weeks', float, 8.0, 0.0, 104.0, 'weeks', 'Benefit lag',
     "Mean delay between routine use and the firm's money benefit (exponential smoothing time "
     'constant; 0: benefit earned the week of use).',
     'S7 (results may not show early); CAL-3.2 (recovery over months); judgement call'),
    # --- outcome ---
    ('outcome.success_adoption', float, 0.7, 0.0, 1.0, 'share', 'Success threshold',
     'Final adoption share (of users routinely using CRM) a run needs, without cancellation, '
     'to count as a success.',
     'CAL-4.1, CAL-4.2 (failure = not meeting expectations); judgement call'),
    ('outcome.resisting_level', float, 0.5, 0.0, 1.0, '0-1', 'Resisting manager',
     'Resistance at which a middle manager counts as resisting in the outputs '
     '(managers_resisting).',
     'S5; judgement call'),
    ('outcome.kpi_sales_cycle_pct', float, -16.0, -100.0, 0.0, '%', 'Sales cycle at full benefit',
     'Change of the sales cycle, in per cent, when every user gets the full benefit (the KPI '
     'scales with the realised benefit).',
     'CAL-2.7 (best-in-class sales cycle -16 %)'),
    ('outcome.kpi_satisfaction_pct', float, 2.0, 0.0, 100.0, '%', 'Satisfaction at full benefit',
     'Change of customer satisfaction, in per cent, when every user gets the full benefit.',
     'CAL-2.5 (about +1-2 %)'),
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
    # --- effects: what each lever does, per unit of intensity (docs/model.md section 8) ---
    ('effects.fit_base', float, 0.3, 0.0, 1.0, 'fit', 'Fit without levers',
     "Process fit of the system with no lever and no IT maturity; the fit terms below add to "
     'it (clipped to [0, 1]).',
     'S2 (the environment decides); judgement call'),
    ('effects.fit_per_process_analysis', float, 0.25, 0.0, 1.0, 'fit', 'Fit from process analysis',
     'Fit gained by a full process analysis.',
     'S3, S2; judgement call (the most named lever, 45 %)'),
    ('effects.fit_per_customer_participation', float, 0.15, 0.0, 1.0, 'fit', 'Fit from customers',
     'Fit gained by full customer participation.',
     'S3, S10; judgement call'),
    ('effects.fit_per_vendor_evaluation', float, 0.15, 0.0, 1.0, 'fit', 'Fit from vendor evaluation',
     'Fit gained by a full vendor evaluation.',
     'S3, S10; judgement call'),
    ('effects.fit_per_expert_help', float, 0.1, 0.0, 1.0, 'fit', 'Fit from expert help',
     'Fit gained by full expert help.',
     'S3, S10; judgement call'),
    ('effects.fit_per_it_maturity', float, 0.1, 0.0, 1.0, 'fit', 'Fit from IT maturity',
     'Fit gained per unit of IT maturity (the system fits existing tools).',
     'S1; judgement call'),
    ('effects.pilot_fit', float, 0.1, 0.0, 1.0, 'fit', 'Fit learned in the pilot',
     'Fit gained by units that go live after a full pilot (its lessons learned).',
     'S3, S4 (start locally); judgement call'),
    ('effects.pilot_skill', float, 0.15, 0.0, 1.0, 'share of skill gap', 'Skill learned in the pilot',
     'Share of the skill gap closed at go-live for users going live after a full pilot.',
     'S3, S4; judgement call'),
    ('effects.training_skill', float, 0.2, 0.0, 1.0, 'share of skill gap', 'Skill from training',
     'Share of the skill gap closed at go-live by full training.',
     'S3; CAL-1.4; judgement call'),
    ('effects.learn_base', float, 0.8, 0.0, 5.0, 'multiple', 'Learning speed without training',
     'Multiplier of the learning rate with no training; training adds '
     'effects.learn_per_training per unit of intensity.',
     'S3; judgement call'),
    ('effects.learn_per_training', float, 0.4, 0.0, 5.0, 'multiple', 'Learning speed from training',
     'Learning-rate multiplier added by full training.',
     'S3; judgement call'),
    ('effects.quality_base', float, 0.5, 0.0, 1.0, '0-1', 'Quality without vendor evaluation',
     'System quality (fewer defects, less strain) without vendor evaluation; a full '
     'evaluation raises it to 1.',
     'S10; judgement call'),
    ('effects.customer_visibility', float, 0.25, 0.0, 1.0, 'share', 'Results customers make visible',
     'Share of the results not yet made visible that full customer participation makes '
     'visible.',
     'S6, S10; judgement call'),
    ('effects.analysis_clarity', float, 0.4, 0.0, 1.0, 'share', 'Resistance removed by analysis',
     "Share of every manager's resistance target removed by a full process analysis (clearer "
     'roles and processes).',
     'S2, S5; judgement call'),
    ('effects.milestone_clarity', float, 0.3, 0.0, 1.0, 'share', 'Clarity from phase goals',
     'Share of the gap to a perfectly clear message closed when milestone goals are set.',
     'S8 (tangible phase goals); judgement call'),
    ('effects.resilience', float, 0.7, 0.0, 1.0, 'share', 'Resilience from support',
     "Share of setbacks the sponsor shrugs off with full top-management support.",
     'S4; CAL-5.1; judgement call'),
    ('effects.resources_base', float, 0.2, 0.0, 1.0, 'share', 'Resources without support',
     'Resources the sponsor can give with no top-management support; full support gives all.',
     'S4; CAL-5.1; judgement call'),
    ('effects.resources_conviction', float, 0.5, 0.0, 1.0, 'share', 'Resources follow conviction',
     "Share of the resources that follows the sponsor's own confidence: resources scale with "
     '(1 - share) + share x confidence.',
     'S4 (confidence sets resources); judgement call'),
    ('effects.cut_share', float, 0.5, 0.0, 1.0, 'share', 'Left after a budget cut',
     'Share of the resources, and of spontaneous take-up, left while the budget is cut.',
     'S4 (project stalled); judgement call'),
    ('effects.support_base', float, 0.05, 0.0, 1.0, 'learners per user', 'Support among colleagues',
     "Learners the users' own colleagues can support, per user and week, at full resources.",
     'S3; judgement call'),
    ('effects.support_per_expert_help', float, 0.25, 0.0, 1.0, 'learners per user', 'Support from experts',
     'Learners supported per user and week by full expert help, while consultants stay.',
     'S3, S10; judgement call'),
    ('effects.support_per_staffing', float, 0.2, 0.0, 1.0, 'learners per user', 'Support from the team',
     'Learners supported per user and week by a full project team, while the team stays.',
     'S3; judgement call'),
    ('effects.xdept_per_resources', float, 0.5, 0.0, 1.0, 'share', 'Coordination by the sponsor',
     'Share of the gap in cross-department communication closed by the sponsor at full '
     'resources.',
     'S4, S5; judgement call'),
    ('effects.xdept_per_staffing', float, 0.3, 0.0, 1.0, 'share', 'Coordination by the team',
     'Share of the gap in cross-department communication closed by a full project team.',
     'S3, S5; judgement call'),
    ('effects.vendor_evaluation_cost', float, 0.1, 0.0, 5.0, 'share of services', 'Cost of vendor evaluation',
     'One-off cost of a full vendor evaluation as a share of the implementation services.',
     _J),
    ('effects.knowhow_transfer', float, 0.4, 0.0, 1.0, 'share', 'Know-how that stays',
     "Share of the consultants' support for learners that stays with the firm's own people "
     'after the consultants leave (0: none stays, the model before 2.0).',
     'S3, S10 (outside support transfers know-how); judgement call'),
    ('effects.expert_skill', float, 0.15, 0.0, 1.0, 'share of the gap', 'Skill from experts',
     "Share of a new user's skill gap closed at go-live by full expert help (consultants "
     'coach the first users; 0: none, the model before 2.0).',
     'S3, S10; judgement call'),
    ('effects.customer_demand', float, 0.05, 0.0, 1.0, 'share', 'Customers ask for CRM',
     'Confidence signal, as a share of the results weight, a live user gets per week from '
     'customers who took part and now expect the system used (0: none, the model before 2.0).',
     'S3 (customer participation 36 %), S6; judgement call'),
    # --- credibility (Model 2.0, mechanism 1) ---
    ('credibility.enabled', bool, True, None, None, 'on/off', 'Senders have credibility',
     "Messages persuade in proportion to the sender's credibility, repetition wears them out, "
     'and credibility follows what people see (off: talk is free and never wears off).',
     'S4, S8; CAL-5.4, CAL-13.1'),
    ('credibility.initial', float, 0.7, 0.0, 1.0, '0-1', 'Initial credibility',
     'Credibility of the sponsor and of every manager when the project starts.',
     'CAL-13.1; judgement call'),
    ('credibility.repetitions', float, 6.0, 0.5, 100.0, 'messages', 'Repetitions to half effect',
     'Full-strength messages, recently heard, after which a further message has half its '
     'effect (diminishing returns of repetition).',
     'CAL-5.4 (a message must be repeated 5-7 times)'),
    ('credibility.fatigue_recovery', float, 0.05, 0.0, 1.0, '1/week', 'Fatigue fades',
     'Weekly share of the accumulated repetition fatigue that fades.',
     _J),
    ('credibility.learn_rate', float, 0.05, 0.0, 1.0, '1/week', 'Credibility follows delivery',
     "Weekly share of the gap between credibility and what results confirm of the promise "
     '(the say-do gap) that credibility closes, from the first go-live on.',
     'S4, S8; CAL-13.1 (credibility from a record of delivery); judgement call'),
    ('credibility.milestone_step', float, 0.15, 0.0, 1.0, 'share', 'Credibility at a review',
     "Share of the remaining credibility gained at a met milestone, and of the credibility lost "
     'per unit of shortfall at a missed one.',
     'S8; judgement call'),
    # --- sponsor sees use (Model 2.0, mechanism 2) ---
    ('sponsor.use_weight', float, 0.15, 0.0, 5.0, 'log-odds/week', 'Sponsor sees use',
     "Confidence the sponsor and executives gain (lose) per week from usage reports: use minus "
     'rejection and complaints among all users (0: the sponsor sees only profit and budget).',
     'S4 (usage, complaints and backlog reach the top); judgement call'),
    ('sponsor.report_lag_weeks', float, 4.0, 1.0, 52.0, 'weeks', 'Usage report lag',
     'Mean delay (exponential smoothing) with which usage reports reach the sponsor.',
     'S4; judgement call'),
    ('sponsor.use_resilience', float, 0.5, 0.0, 1.0, 'share', 'Resilience applies to use',
     "Share of the sponsor's resilience (top-management support) that also discounts bad usage "
     'reports; below 1 support gives resilience, not blindness.',
     'S4; judgement call'),
    # --- managers (Model 2.0, mechanisms 3 and 4) ---
    ('managers.sign_aware', bool, True, None, None, 'on/off', 'Sign-aware manager filter',
     'A supportive manager amplifies good news and softens bad news, a resistant one the '
     "reverse (off: the gate scales the sponsor's message whatever its sign).",
     'S5; CAL-5.4, CAL-13.3, CAL-13.4'),
    ('managers.network_xdept', bool, True, None, None, 'on/off', 'Cross-department talk by ties',
     "Each manager's cross-department communication is the activity of their ties to managers "
     'of other functions (off: one firm-wide value).',
     'S5; judgement call'),
    ('managers.resistance_confidence', float, 0.5, 0.0, 2.0, 'multiple', 'Resistance follows conviction',
     "How much a manager's own conviction (2c - 1) lowers, and doubt raises, the resistance "
     'target (0: resistance ignores conviction).',
     'S5; CAL-5.3; judgement call'),
    ('managers.resistance_results', float, 0.5, 0.0, 1.0, 'share', 'Resistance yields to results',
     "Share of the resistance target removed when every user of the manager's department uses "
     'CRM (0: resistance ignores results).',
     'S5, S6; judgement call'),
    # --- frontline (Model 2.0, mechanism 9) ---
    ('frontline.fit_frustration', float, 0.3, 0.0, 5.0, 'multiple', 'Misfit frustrates',
     'Frustration per week of a user trying or using a system whose process fit is poor, per '
     'unit of misfit (1 - fit), as a multiple of the frustration weight (0: fit only scales '
     'benefit).',
     'S2, S3; CAL-4.3 (process causes 27 % of problems), CAL-11.7'),
    # --- mandate and incentives (Model 2.0, mechanism 7) ---
    ('mandate.level', float, 0.0, 0.0, 1.0, '0-1', 'Mandated use with monitoring',
     'Intensity of mandated use with usage monitoring, from the first go-live (0: none).',
     'S2 (管理机制); CAL-11.1, CAL-11.3'),
    ('mandate.push', float, 0.05, 0.0, 1.0, '1/week', 'Take-up forced by mandate',
     'Weekly rate at which a full mandate makes a live non-user start trying, whatever their '
     'readiness.',
     'CAL-11.1; judgement call'),
    ('mandate.suppression', float, 0.6, 0.0, 1.0, 'share', 'Work-arounds deterred',
     'Share of the rejection hazard a full, fresh mandate suppresses by monitoring.',
     'CAL-11.1, CAL-11.6 (compliance, not commitment); judgement call'),
    ('mandate.fade_weeks', float, 26.0, 1.0, 520.0, 'weeks', 'Mandate fades',
     'Weeks after the first go-live over which the force of a mandate falls to 1/e (norms act '
     'under mandate and fade).',
     'CAL-11.2, CAL-11.3 (mandated SFA rejected by month 6)'),
    ('mandate.resentment', float, 0.02, 0.0, 5.0, 'log-odds/week', 'Resentment of monitoring',
     'Confidence a monitored user (trying or using) loses per week under a full mandate.',
     'CAL-11.6; judgement call'),
    ('mandate.cost_per_user_week', float, 2.0, 0.0, 1000.0, '$/user/week', 'Monitoring cost',
     'Cost of usage monitoring per live user and week at a full mandate.',
     _J),
    ('mandate.incentives', float, 0.0, 0.0, 1.0, '0-1', 'Incentives tied to CRM data',
     'Intensity of incentives paid on what users enter in CRM (0: none).',
     'S2 (管理机制); CAL-11.6'),
    ('mandate.incentive_weight', float, 0.05, 0.0, 5.0, 'log-odds/week', 'Pull of incentives',
     'Confidence a routine user gains per week from full incentives.',
     'CAL-11.6; judgement call'),
    ('mandate.incentive_per_user_week', float, 10.0, 0.0, 1000.0, '$/user/week', 'Incentive cost',
     'Incentives paid per routine user and week at full intensity.',
     _J),
]
# fmt: on

INITIAL_ONLY = (
    "run.", "org.", "network.", "start.", "rollout.implementation_weeks",
    "frontline.confidence", "frontline.confidence_spread",
    "frontline.innovativeness_spread", "frontline.threshold_mean", "frontline.threshold_sd",
    "frontline.reject_confidence", "frontline.reject_confidence_sd", "sponsor.commitment",
    "sponsor.commitment_spread", "executives.confidence", "managers.confidence",
    "managers.resistance_sensitivity", "managers.sensitivity_spread",
    "economics.revenue_per_employee", "economics.margin", "economics.services_multiple",
    "economics.amortisation_weeks", "restructuring.half_life_weeks", "data.initial_quality",
)  # fmt: skip
"""What only shapes the starting state: whole groups (ending in ``.``) and single
names. Read it through :attr:`Param.mid_run`."""


def _mid_run(name: str) -> bool:
    return not any(name == s or (s.endswith(".") and name.startswith(s)) for s in INITIAL_ONLY)


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
        mid_run=_mid_run(row[0]),
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


def unique_assignments(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """``(name, value)`` pairs as a dict in the order given; a name given twice is refused.

    The one rule for a repeated ``--set`` (every command, and
    :func:`crmsim.batch.cli_settings`).

    Raises:
        CrmsimError: when a name comes twice.
    """
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            raise CrmsimError(f"--set {name} given twice; give it once")
        out[name] = value
    return out
