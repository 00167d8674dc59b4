"""The actions of a game's menu, their effects, and the model they act on.

An :class:`Action` is one entry of a game's action menu; what it does to the
model is a tuple of :class:`Effect`. :class:`GameModel` is the model plus the
effects a parameter cannot express. (Reading and validating actions from a
game file is :mod:`crmsim.game.loading`; scheduling and applying them during
a team's rounds is :class:`crmsim.game.team.TeamGame`.)

Effects of actions
------------------

Each effect of an action is one of these (docs/game.md has the full table):

``{ param = NAME, add = X }`` / ``{ param = NAME, set = X }``
    Changes a parameter through :meth:`CrmModel.intervene` from the next
    week on; ``add`` is clipped to the parameter's declared range. With
    ``weeks = N`` an ``add`` is taken back N weeks later (a campaign, a
    contract). Parameters that only shape the starting state are refused.
``{ confidence = DZ, people = GROUP, via = "sponsor" }``
    Moves the confidence (log-odds) of a group at once. With ``via =
    "sponsor"`` the shift is the sponsor's message rule of the model (S8,
    docs/model.md 7.1 and 7.6): scaled by the sponsor's own conviction
    ``2c - 1`` and, for frontline staff, by their manager's gate (S5).
``{ resistance = F }``
    Multiplies middle managers' resistance by F at once (S5: communication
    between department managers eases friction).
``{ restructure = D, fit = F }``
    Restructures a department (S5, S2): the restructuring depth of its units
    rises by D (so does its managers' resistance, over the following weeks)
    and the process fit of its units rises by F (their benefits grow).
``{ skill = G }``
    Closes a share G of the skill gap of CRM users already live (a training
    wave reaches people who went live before it, S3 training, CAL-1.4).

An action with ``target = "department"`` is aimed at one function
(``restructure_department:sales``); its people, resistance and skill
effects then reach only that department.

The direct array changes of the last four effects live in one place,
:class:`GameModel`; they are the only places the game touches the model's
arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from crmsim.codes import Z_LIMIT
from crmsim.i18n import N_, _
from crmsim.model import CrmModel, sigmoid
from crmsim.organisation import FRONTLINE, FUNCTIONS, MANAGER
from crmsim.params import PARAMS
from crmsim.rules.learning import skill_after
from crmsim.rules.managers import message_gate

TARGET_KINDS = ("department",)
PEOPLE = ("sponsor", "executives", "managers", "frontline", "users")
"""Groups a confidence effect can reach."""

PEOPLE_WORDS = {
    "sponsor": N_("the sponsor"),
    "executives": N_("executives"),
    "managers": N_("managers"),
    "frontline": N_("frontline staff"),
    "users": N_("CRM users"),
}
"""The groups in plain words (translate with ``_()``)."""

# The labels (crmsim.params) of the parameters the bundled games' actions change, marked for
# the catalogue so that an effect reads in Chinese too (tests/test_game_i18n.py checks that
# they are still the parameters' labels).
PARAM_LABELS = (
    N_("Communication cadence"), N_("Communication clarity"), N_("Customer participation"),
    N_("Expert help"), N_("Phased roll-out"), N_("Pilot first"), N_("Process analysis"),
    N_("Sensible staffing"), N_("Top-management support"), N_("Training"),
    N_("Vendor evaluation"), N_("Cross-department communication"), N_("Milestone interval"),
    N_("Milestone plan length"), N_("Milestone target"), N_("Visibility of results"),
)  # fmt: skip


# ---------------------------------------------------------------- actions and effects


@dataclass(frozen=True)
class Effect:
    """One effect of an action on the model (see the module docstring).

    Attributes:
        kind: ``param``, ``confidence``, ``resistance``, ``restructure`` or ``skill``.
        param: The parameter a ``param`` effect changes.
        mode: ``add`` or ``set`` for a ``param`` effect.
        value: The amount: the value set or added, the confidence shift
            (log-odds), the resistance factor, the restructuring depth added,
            the share of the skill gap closed.
        weeks: For a temporary ``add``: weeks until it is taken back.
        people: The group a ``confidence`` effect reaches.
        via_sponsor: A ``confidence`` effect follows the sponsor's message rule.
        fit: Process fit added by a ``restructure`` effect.
    """

    kind: str
    value: float
    param: str | None = None
    mode: str | None = None
    weeks: int | None = None
    people: str | None = None
    via_sponsor: bool = False
    fit: float = 0.0

    def describe(self) -> str:
        """The effect in plain words, in the current language."""
        if self.kind == "param":
            p = PARAMS[self.param]
            label = _(p.label) if p.label else self.param
            if self.mode == "set":
                text = _("{label} set to {value:g}").format(label=label, value=self.value)
            else:
                text = f"{label} {self.value:+g}"
            return text + (_(" for {n} weeks").format(n=self.weeks) if self.weeks else "")
        if self.kind == "confidence":
            how = _(" x the sponsor's conviction (through managers)") if self.via_sponsor else ""
            return _("confidence of {people} {value:+g} log-odds{how}").format(
                people=_(PEOPLE_WORDS[self.people]), value=self.value, how=how
            )
        if self.kind == "resistance":
            return _("managers' resistance x {value:g}").format(value=self.value)
        if self.kind == "restructure":
            return _("restructuring depth {depth:+g}, process fit {fit:+g}").format(
                depth=self.value, fit=self.fit
            )
        return _("skill of live CRM users: {share} of the gap closed").format(
            share=f"{100 * self.value:.0f} %"
        )

    def to_dict(self) -> dict[str, Any]:
        """The effect as written in a game file."""
        if self.kind == "param":
            out: dict[str, Any] = {"param": self.param, self.mode: self.value}
            if self.weeks:
                out["weeks"] = self.weeks
            return out
        if self.kind == "confidence":
            out = {"confidence": self.value, "people": self.people}
            if self.via_sponsor:
                out["via"] = "sponsor"
            return out
        if self.kind == "restructure":
            return {"restructure": self.value, "fit": self.fit}
        return {self.kind: self.value}


@dataclass(frozen=True)
class Action:
    """One entry of a game's action menu.

    Attributes:
        name: The name teams type (``sponsor_speech``).
        label: A short title in plain words.
        description: What the action is and does, in plain words.
        claims: The article claims (and calibration rows) behind it.
        cost: Money drawn from the change budget when chosen (:data:`MONEY`).
        lead_weeks: Weeks from the start of the round until it starts to work.
        cooldown_rounds: Rounds after taking it during which it cannot be taken again.
        once: At most once a game.
        before_go_live: Must start to work before the first go-live (a pilot,
            a phasing plan).
        target: ``"department"`` when the action is aimed at one function.
        effects: What it does to the model.
    """

    name: str
    label: str
    description: str
    claims: str
    cost: float
    lead_weeks: int
    cooldown_rounds: int
    once: bool
    before_go_live: bool
    target: str | None
    effects: tuple[Effect, ...]

    def to_dict(self) -> dict[str, Any]:
        """The action as written in a game file."""
        out: dict[str, Any] = {
            "label": self.label,
            "description": self.description,
            "claims": self.claims,
            "cost": self.cost,
            "lead_weeks": self.lead_weeks,
            "cooldown_rounds": self.cooldown_rounds,
            "once": self.once,
            "before_go_live": self.before_go_live,
            "effects": [e.to_dict() for e in self.effects],
        }
        if self.target:
            out["target"] = self.target
        return out


# ---------------------------------------------------------------- the model with game actions


class GameModel(CrmModel):
    """The CRM model plus the targeted actions of a game (the one place they live).

    Parameter changes go through :meth:`CrmModel.intervene`. Everything a
    parameter cannot express — a shift of one group's confidence, a
    department's restructuring, resistance eased at once, a training wave for
    people already live — is done here through the model's public interface
    (:meth:`CrmModel.adjust_units`, :meth:`CrmModel.update_stance`, the
    state's arrays), by rules that mirror the model's own (docs/model.md).

    Args:
        params: As for :class:`CrmModel` (a ParamSet or a mapping of overrides).
        rng: Seed or numpy Generator (Mesa's convention; ``mesa.batch_run`` passes it).
        create_agents: Build the Mesa agent objects (off by default: a game
            reads the arrays).
        **overrides: More parameter overrides, ``group__name=value``.
    """

    def __init__(
        self,
        params: Any = None,
        rng: Any = None,
        create_agents: bool = False,
        **overrides: Any,
    ) -> None:
        super().__init__(params, rng=rng, create_agents=create_agents, **overrides)

    # -- targeted effects -------------------------------------------------
    def units_of(self, function: str | None) -> np.ndarray:
        """Indices of the units of a function (all units for None)."""
        if function is None:
            return np.arange(self.org.n_units)
        return np.flatnonzero(self.org.unit_function == FUNCTIONS.index(function))

    def people_of(self, group: str, function: str | None = None) -> np.ndarray:
        """Indices of a group's people, in one function's units when given."""
        org = self.org
        if group == "sponsor":
            return np.array([0])
        if group == "executives":
            return np.arange(org.n_exec)
        if group == "managers":
            return org.unit_manager[self.units_of(function)]
        mask = org.role == FRONTLINE
        if group == "users":
            mask = mask & org.is_user
        if function is not None:
            mask = mask & np.isin(org.unit, self.units_of(function))
        return np.flatnonzero(mask)

    def shift_confidence(
        self, group: str, delta: float, via_sponsor: bool, function: str | None = None
    ) -> None:
        """Move a group's confidence by ``delta`` log-odds at once.

        With ``via_sponsor`` the shift follows the model's rule for the
        sponsor's message (S8; docs/model.md 7.1, 7.6): it is scaled by the
        sponsor's conviction ``2c - 1`` (a doubting sponsor's speech backfires)
        and the share of it that persuades (credibility x novelty, 7.14; 1
        without credibility), and, for frontline staff, by their manager's
        message gate (S5: the manager damps or amplifies what reaches the team;
        sign-aware with ``managers.sign_aware``, 7.16). With credibility a
        speech is one more repetition: it adds to the sponsor's fatigue.
        """
        idx = self.people_of(group, function)
        if idx.size == 0:
            return
        shift = np.full(idx.size, float(delta))
        if via_sponsor:
            conviction = 2.0 * self.confidence[0] - 1.0
            shift *= conviction * self.persuasion
            staff = self.org.role[idx] == FRONTLINE
            gate = message_gate(self.world, self.params, conviction)
            shift[staff] *= gate[self.org.unit[idx[staff]]]
            if self.params["credibility.enabled"]:
                self.fatigue += abs(conviction)
        z = np.clip(self.z[idx] + shift, -Z_LIMIT, Z_LIMIT)
        self.z[idx] = z
        self.confidence[idx] = sigmoid(z)
        if (self.org.role[idx] == MANAGER).any():
            self.update_stance()

    def scale_resistance(self, factor: float, function: str | None = None) -> None:
        """Multiply managers' resistance by ``factor`` at once (S5)."""
        units = self.units_of(function)
        self.resistance[units] = np.clip(self.resistance[units] * factor, 0.0, 1.0)
        self.update_stance()

    def restructure(self, function: str, depth: float, fit: float) -> None:
        """Restructure one department: deeper restructuring (S5), better process fit (S2)."""
        self.adjust_units(self.units_of(function), restructuring=depth, fit=fit)

    def train_live_users(self, gain: float, function: str | None = None) -> None:
        """Close a share ``gain`` of the skill gap of users already live (S3 training)."""
        users = self.people_of("users", function)
        users = users[self.live[users]]
        self.skill[users] = skill_after(self.skill[users], gain)
