"""The dashboard's controls, derived from the parameter declarations.

Which declared parameters a workshop can move, grouped and labelled in plain
words (each declaration's ``label`` and one-sentence ``meaning``), the range
and step of each slider, and the frozen :class:`Setup` that a session model
is built from. No default is written here: every starting value comes from
the scenario, which starts from the declarations in :mod:`crmsim.params`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from crmsim.i18n import N_, _, localized
from crmsim.params import LEVERS, PARAMS, ParamSet
from crmsim.scenario import Scenario

ENV_SCENARIO = "CRMSIM_WORKSHOP_SCENARIO"
ENV_SEED = "CRMSIM_WORKSHOP_SEED"
ENV_SET = "CRMSIM_WORKSHOP_SET"
"""How ``crmsim workshop`` hands its scenario, seed and ``--set`` values to the page."""

DEFAULT_SCENARIO = "baseline"
DEFAULT_SEED = 1
"""The seed when none is given; the same default as ``crmsim run``."""

SIDES = ("left", "right")
"""Side-by-side mode shows two copies of the organisation, left and right."""

WORKSHOP_MAX_EMPLOYEES = 10_000
"""Largest organisation the dashboard offers: it steps a few times a second up
to this size (the network view draws a sample either way)."""


@dataclass(frozen=True)
class ControlGroup:
    """A titled group of controls in the sidebar.

    Attributes:
        title: Heading in plain words.
        note: One sentence under the heading.
        names: Declared parameter names, in display order.
        per_side: Whether the two sides of side-by-side mode may differ here;
            the organisation itself is shared so that both sides start equal.
    """

    title: str
    note: str
    names: tuple[str, ...]
    per_side: bool = True


CONTROL_GROUPS: tuple[ControlGroup, ...] = (
    ControlGroup(
        N_("The nine levers"),
        N_(
            "What 202 firms named as the first condition of a successful roll-out (S3), "
            "from 0 (not done) to 1 (done fully)."
        ),
        LEVERS,
    ),
    ControlGroup(
        N_("Sponsor and managers"),
        N_(
            "The sponsor's own conviction (S4) and how deeply the roll-out restructures "
            "the managers' units (S5)."
        ),
        ("sponsor.commitment", "restructuring.depth"),
    ),
    ControlGroup(
        N_("Seeing results, hearing the message"),
        N_(
            "How much of the real results staff can see (S6) and how the sponsor communicates (S8)."
        ),
        ("visibility.level", "communication.cadence", "communication.clarity"),
    ),
    ControlGroup(
        N_("The organisation"),
        N_("Shared by both sides; a new size draws a new organisation."),
        ("org.employees",),
        per_side=False,
    ),
)
"""The sidebar's groups (titles and notes in English: show them with ``_()``)."""

# The labels and meanings (crmsim.params) of the controlled parameters, marked for the
# catalogue so that the sidebar reads in Chinese (tests/test_dashboard_i18n.py checks that
# they are still the declarations' words).
PARAM_WORDS = (
    N_("Process analysis"),
    N_("Analysing and redesigning processes first: better fit and benefits, clearer roles and "
       "less conflict; costs analysis time."),
    N_("Customer participation"),
    N_("Bringing customers in: a better fit and results that customers make visible."),
    N_("Top-management support"),
    N_("The top team's active backing of the sponsor: resources, communication, coordination "
       "and resilience in setbacks."),
    N_("Expert help"),
    N_("Consultants and vendor experts: support capacity for learners and a better fit."),
    N_("Pilot first"),
    N_("A local pilot before the rest goes live: lessons learned and a visible early win, at "
       "the price of delay."),
    N_("Training"),
    N_("Training per user: initial skill, faster learning, less frustration."),
    N_("Phased roll-out"),
    N_("Going live in waves: support is not overloaded, at the price of delay."),
    N_("Vendor evaluation"),
    N_("Evaluating the vendor: a better system, fewer defects and better fit."),
    N_("Sensible staffing"),
    N_("A dedicated project team: support capacity and coordination."),
    N_("Sponsor commitment"),
    N_("Initial confidence of the executive sponsor in the project."),
    N_("Restructuring depth"),
    N_("How deeply the roll-out restructures front-end units (authority, job content, merges)."),
    N_("Visibility of results"),
    N_("Share of the real results that is made visible to staff (dashboards, wins shared)."),
    N_("Communication cadence"),
    N_("How often the sponsor's message is repeated (1: every week; CAL-5.4 wants 5-7 "
       "repeats)."),
    N_("Communication clarity"),
    N_("How clearly the steps and goals are explained."),
    N_("Organisation size"),
    N_("Head count: executives, middle managers and frontline staff together."),
)  # fmt: skip

CONTROLLED: tuple[str, ...] = tuple(n for g in CONTROL_GROUPS for n in g.names)
SHARED: tuple[str, ...] = tuple(n for g in CONTROL_GROUPS if not g.per_side for n in g.names)


@dataclass(frozen=True)
class SliderSpec:
    """A slider for one declared parameter.

    Attributes:
        name: The parameter's dotted name.
        label: Its plain-words label.
        help: Its one-sentence meaning.
        lo: Smallest value offered.
        hi: Largest value offered.
        step: Slider step (keyboard arrows move by one step).
        is_int: Whether the parameter is a whole number.
    """

    name: str
    label: str
    help: str
    lo: float
    hi: float
    step: float
    is_int: bool


def slider_spec(name: str) -> SliderSpec:
    """The slider for a declared parameter: its declared range and a step of
    one twentieth of it for numbers (0.05 for the 0-1 levers), 1 for whole numbers.

    The organisation's size is capped at :data:`WORKSHOP_MAX_EMPLOYEES`.
    """
    p = PARAMS[name]
    lo, hi = p.lo, p.hi
    if name == "org.employees":
        hi = min(hi, WORKSHOP_MAX_EMPLOYEES)
    is_int = p.kind is int
    step = 1 if is_int else (hi - lo) / 20.0
    return SliderSpec(name, _(p.label), _(p.meaning), lo, hi, step, is_int)


@dataclass(frozen=True)
class Setup:
    """Everything a session model is built from; frozen and validated.

    Attributes:
        scenario_name: The scenario the workshop started from.
        description: The scenario's one line of plain words (in the current language).
        seed: Seed of both sides' generators: same seed, same organisation
            and the same random draws, so the sides differ only by their settings.
        left: Parameters of the left (or only) organisation.
        right: Parameters of the right organisation, None outside side-by-side mode.
    """

    scenario_name: str
    description: str
    seed: int
    left: ParamSet
    right: ParamSet | None = None

    @classmethod
    def from_scenario(cls, scenario: Scenario, seed: int) -> Setup:
        """The starting setup: one organisation with the scenario's values."""
        return cls(scenario.name, localized(scenario.description), int(seed), scenario.params)

    @property
    def side_by_side(self) -> bool:
        """Whether two organisations are shown."""
        return self.right is not None

    def sides(self) -> dict[str, ParamSet]:
        """Parameters by side name, left first."""
        out = {"left": self.left}
        if self.right is not None:
            out["right"] = self.right
        return out

    def value(self, side: str, name: str) -> Any:
        """The value of ``name`` on ``side`` (the left one when single)."""
        return self.sides().get(side, self.left)[name]

    def with_value(self, side: str, name: str, value: Any) -> Setup:
        """A copy with one control moved (validated); shared controls move on both sides."""
        if name in SHARED or not self.side_by_side:
            left = self.left.with_updates({name: value})
            right = self.right.with_updates({name: value}) if self.right is not None else None
            return replace(self, left=left, right=right)
        if side == "right":
            return replace(self, right=self.right.with_updates({name: value}))
        return replace(self, left=self.left.with_updates({name: value}))

    def with_seed(self, seed: int) -> Setup:
        """A copy with another seed."""
        return replace(self, seed=int(seed))

    def with_side_by_side(self, on: bool) -> Setup:
        """Switch side-by-side mode; the right side starts as a copy of the left."""
        if on == self.side_by_side:
            return self
        return replace(self, right=self.left if on else None)

    def differences(self) -> list[tuple[str, Any, Any]]:
        """The controls whose values differ between the sides: (name, left, right)."""
        if self.right is None:
            return []
        return [
            (n, self.left[n], self.right[n]) for n in CONTROLLED if self.left[n] != self.right[n]
        ]


def format_value(name: str, value: Any) -> str:
    """A value as the sidebar and captions show it (whole numbers plain, others 2 decimals)."""
    if PARAMS[name].kind is int:
        return f"{int(value):,}"
    return f"{float(value):.2f}"


def describe_differences(setup: Setup, limit: int = 3) -> str:
    """The differences between the sides in plain words, e.g.
    ``"Top-management support 0.60 vs 0.10"``; empty when the sides are equal."""
    parts = [
        _("{label} {left} vs {right}").format(
            label=_(PARAMS[n].label), left=format_value(n, a), right=format_value(n, b)
        )
        for n, a, b in setup.differences()
    ]
    if len(parts) > limit:
        parts = parts[:limit] + [_("{n} more").format(n=len(parts) - limit)]
    return _("; ").join(parts)
