"""Knock-out tests of Model 2.0's people mechanisms (docs/model.md, sections 7.14-7.19).

Each test starts from the ``baseline`` scenario (Model 2.0: every people mechanism
on), switches ONE mechanism off by its parameter, runs both arms on the same
seeds (a small organisation of 200 people) and checks the predicted change
in an emergent outcome: the paired difference's 95 % interval (mean +- 1.96
standard errors over the seeds) must lie on the predicted side of 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from crmsim.errors import CrmsimError
from crmsim.model import USING, CrmModel
from crmsim.scenario import load

SEEDS = range(60)
SMALL = {"org.employees": 200}

Outcome = Callable[[pd.DataFrame, list[dict[str, Any]], CrmModel], float]


def arm(updates: dict[str, Any], outcome: Outcome, scenario: str = "baseline") -> np.ndarray:
    """The outcome of every seed, with ``updates`` on top of the scenario."""
    params = load(scenario).params.with_updates({**SMALL, **updates})
    values = []
    for seed in SEEDS:
        model = CrmModel(params, rng=seed, create_agents=False)
        model.run()
        values.append(outcome(model.timeseries(), model.events, model))
    return np.array(values, dtype=float)


def paired_interval(on: np.ndarray, off: np.ndarray) -> tuple[float, float]:
    """95 % interval of the mean paired difference ``on - off``."""
    diff = on - off
    half = 1.96 * diff.std(ddof=1) / np.sqrt(diff.size)
    return diff.mean() - half, diff.mean() + half


def assert_lower(on: np.ndarray, off: np.ndarray) -> None:
    """The mechanism lowers the outcome: the whole interval of on - off is below 0."""
    lo, hi = paired_interval(on, off)
    assert hi < 0.0, f"on - off in [{lo:.4f}, {hi:.4f}], expected below 0"


def final(column: str) -> Outcome:
    """The column's value in the last week."""
    return lambda ts, events, model: float(ts[column].iloc[-1])


def mean_of(column: str, weeks: slice = slice(None)) -> Outcome:
    """The column's mean over some weeks."""
    return lambda ts, events, model: float(ts[column].iloc[weeks].mean())


def retreated(ts: pd.DataFrame, events: list[dict[str, Any]], model: CrmModel) -> float:
    """1 if the sponsor cut the budget at some point (S4), else 0."""
    return float(any(e["event"] == "budget_cut" for e in events))


def test_credibility_makes_talk_without_results_wear_off() -> None:
    # Talk only: a frequent, clear message, and results nobody sees. Without
    # credibility the talk is free and never wears off, so staff end more confident.
    talk_only = {
        "communication.cadence": 1.0,
        "communication.clarity": 1.0,
        "visibility.level": 0.05,
        "sponsor.use_weight": 0.0,
    }
    outcome = mean_of("confidence_frontline")
    on = arm(talk_only, outcome)
    off = arm({**talk_only, "credibility.enabled": False}, outcome)
    assert_lower(on, off)


def test_credibility_lets_talk_with_results_compound() -> None:
    # With results that show, the sponsor's credibility ends above where it started.
    outcome: Outcome = lambda ts, events, model: model.sponsor_credibility  # noqa: E731
    with_results = arm({"visibility.level": 0.9, "levers.training": 1.0}, outcome)
    start = load("baseline").params["credibility.initial"]
    lo, _ = paired_interval(with_results, np.full(with_results.size, start))
    assert lo > 0.0


def test_sponsor_who_sees_rejection_retreats_more() -> None:
    # no_sponsor: many reject; a sponsor who sees usage reports retreats more often.
    weak = {"levers.top_management_support": 0.1, "sponsor.commitment": 0.55}
    on = arm(weak, retreated)
    off = arm({**weak, "sponsor.use_weight": 0.0}, retreated)
    assert_lower(off, on)


def test_sign_aware_filter_lets_supportive_managers_soften_bad_news() -> None:
    # A doubting sponsor, supportive managers (no restructuring to resist): with the
    # sign-aware filter the managers soften the bad news, so staff stay more confident.
    setting = {
        "sponsor.commitment": 0.2,
        "sponsor.retreat_threshold": 0.0,
        "managers.confidence": 0.85,
        "restructuring.depth": 0.0,
    }
    outcome = mean_of("confidence_frontline", slice(0, 52))
    on = arm(setting, outcome)
    off = arm({**setting, "managers.sign_aware": False}, outcome)
    assert_lower(off, on)


def test_resistance_yields_to_results_in_the_department() -> None:
    outcome = mean_of("manager_resistance", slice(104, None))
    on = arm({"managers.resistance_confidence": 0.0}, outcome)
    off = arm({"managers.resistance_confidence": 0.0, "managers.resistance_results": 0.0}, outcome)
    assert_lower(on, off)


def tie_resistance_correlation(network: bool) -> float:
    """Correlation, pooled over seeds, between a manager's ties to other functions and
    the manager's resistance after 40 weeks (1,000 people)."""
    params = load("baseline").params.with_updates({"managers.network_xdept": network})
    ties, resistance = [], []
    for seed in range(20):
        model = CrmModel(params, rng=seed, create_agents=False)
        model.run(40)
        ties.extend(model.xdept_ties)
        resistance.extend(model.resistance / max(model.resistance.mean(), 1e-12))
    return float(np.corrcoef(ties, resistance)[0, 1])


def test_managers_with_ties_to_other_departments_resist_less() -> None:
    # Cross-department communication as each manager's own ties (S5): a manager who
    # talks to other functions resists less; with one firm-wide value, ties do not matter.
    assert tie_resistance_correlation(True) < tie_resistance_correlation(False) - 0.05


def test_know_how_transfer_keeps_expert_help_working_after_consultants_leave() -> None:
    # (no support among colleagues: after the consultants leave only their know-how helps)
    outcome = mean_of("adoption", slice(30, 110))
    experts = {
        "levers.expert_help": 1.0,
        "economics.consultant_weeks": 10,
        "effects.support_base": 0.0,
    }
    on = arm(experts, outcome)
    off = arm({**experts, "effects.knowhow_transfer": 0.0}, outcome)
    assert_lower(off, on)


def test_expert_help_does_not_backfire_with_the_support_system_on() -> None:
    # S3, S10: full expert help, against none, does not lower final adoption
    # beyond sampling noise once its lasting effects act.
    outcome = final("adoption")
    full = arm({"levers.expert_help": 1.0}, outcome)
    none = arm({"levers.expert_help": 0.0}, outcome)
    lo, _ = paired_interval(full, none)
    assert lo > -0.05


def test_poor_fit_drives_users_to_reject() -> None:
    # CAL-4.3: a poorly fitting system frustrates; more users end rejecting it.
    poor = {"effects.fit_base": 0.05, "start.fit_uncertainty": 0.0}
    outcome = final("rejecting")
    on = arm(poor, outcome)
    off = arm({**poor, "frontline.fit_frustration": 0.0}, outcome)
    assert_lower(off, on)


def test_mandate_forces_early_use_that_fades() -> None:
    # CAL-11.1, 11.3: a mandate raises use soon after go-live; its force fades,
    # so the lead it gives shrinks by the end of the run.
    early = mean_of("adoption", slice(17, 40))
    on = arm({"mandate.level": 1.0}, early)
    off = arm({}, early)
    assert_lower(off, on)
    lead_early = (on - off).mean()
    late = final("adoption")
    lead_late = (arm({"mandate.level": 1.0}, late) - arm({}, late)).mean()
    assert lead_late < lead_early


def test_mandate_and_incentives_produce_compliance_only_use_and_cost() -> None:
    outcome: Outcome = lambda ts, events, model: model.compliance_share  # noqa: E731
    assert arm({"mandate.level": 1.0}, outcome).mean() > 0.0
    assert arm({}, outcome).max() == 0.0
    # their weekly cost reaches the accounts (rules.mandate, rules.accounts)
    params = load("baseline").params.with_updates(
        {**SMALL, "mandate.level": 1.0, "mandate.incentives": 1.0, "sponsor.retreat_threshold": 0.0}
    )
    model = CrmModel(params, rng=1, create_agents=False)
    model.run(40)
    users = model.world.layout.users
    expected = params["mandate.cost_per_user_week"] * int(model.live[users].sum()) + params[
        "mandate.incentive_per_user_week"
    ] * int((model.state[users] == USING).sum())
    assert model.mechanism_costs == expected > 0.0


def test_game_refuses_consultants_hired_after_their_window() -> None:
    # S10 / issue 13: an action that can have no effect is refused where it is chosen.
    from crmsim.game import TeamGame, load_game

    game = load_game("support_system", SMALL)
    team = TeamGame(game, "late")
    window_end = team.first_go_live() + team.model.params["economics.consultant_weeks"]
    team.check(["hire_consultants"])  # early: they help
    while team.week + 13 < window_end:
        team.play_round([])
    with pytest.raises(CrmsimError, match="consultants help only until"):
        team.check(["hire_consultants"])


def test_game_speeches_follow_credibility_and_wear_out() -> None:
    # A speech in the game follows the model's message rule: scaled by what persuades,
    # and with credibility each one is a repetition that wears the next ones out.
    from crmsim.game.actions import GameModel

    params = load("baseline").params.with_updates(SMALL)

    def persuasion_after(speeches: int) -> float:
        model = GameModel(params, rng=2, create_agents=False)
        for _ in range(speeches):
            model.shift_confidence("staff", 0.3, True)
        model.step()
        return model.persuasion

    assert persuasion_after(5) < persuasion_after(0)
    off = GameModel(params.with_updates({"credibility.enabled": False}), rng=2)
    for _ in range(5):
        off.shift_confidence("staff", 0.3, True)
    off.step()
    assert off.persuasion == 1.0
