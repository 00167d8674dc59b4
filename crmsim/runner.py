"""Running one simulation and summarising it.

:func:`simulate` is the one entry point every front end uses (``crmsim run``,
batches, sensitivity analysis, the dashboard's reports): scenario and seed
in, weekly series, summary figures and events out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmsim.model import CANCELLED, CrmModel
from crmsim.scenario import Scenario

SUMMARY_FIELDS = (
    "final_adoption",
    "final_engaged",
    "final_rejecting",
    "weeks_to_50",
    "weeks_to_80",
    "profit_dip_depth",
    "dip_weeks",
    "dip_bottom_week",
    "recovery_week",
    "payback_week",
    "cum_profit_delta",
    "total_spend",
    "cancelled",
    "cancel_week",
    "cut_week",
    "min_sponsor_confidence",
    "final_confidence_sponsor",
    "final_confidence_manager",
    "final_confidence_frontline",
    "final_manager_resistance",
    "milestones_met",
    "milestones_missed",
    "success",
)
"""The fields of ``summary.json``, in order (see :func:`summarise`)."""

DIP_TOLERANCE = 0.001
"""Relative profit shortfall under which a week does not count as a dip week."""


@dataclass
class RunResult:
    """What one run produced.

    Attributes:
        timeseries: One row per week (week 0 is the state before the project).
        summary: The figures of :data:`SUMMARY_FIELDS`.
        events: Dated events (go-lives, milestones, budget cut, cancellation).
        seed: The seed the run used.
    """

    timeseries: pd.DataFrame
    summary: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    seed: int | None = None


def _first_week(ts: pd.DataFrame, mask: pd.Series) -> int | None:
    hit = ts["week"][mask]
    return int(hit.iloc[0]) if len(hit) else None


def summarise(ts: pd.DataFrame, events: list[dict[str, Any]], success_adoption: float) -> dict:
    """Summary figures of one run from its weekly series and events.

    Definitions:
        final_adoption: share of CRM users routinely using it in the last week.
        weeks_to_50 / weeks_to_80: first week adoption reaches 50 % / 80 %
            (None if never).
        profit_dip_depth: deepest weekly profit shortfall below the
            pre-project level, as a share of it (0 if never below).
        dip_weeks: weeks with profit below the pre-project level.
        dip_bottom_week: the week of the deepest shortfall.
        recovery_week: first week after the bottom with profit back within
            ``DIP_TOLERANCE`` (0.1 %) of the pre-project level or above (None if never).
        payback_week: first week the cumulative profit change is back at or
            above zero after having been negative (None if never).
        cancelled / cancel_week / cut_week: the sponsor's retreat (S4).
        success: not cancelled and final adoption at least ``success_adoption``.
    """
    last = ts.iloc[-1]
    rel = ts["profit_rel"].to_numpy()
    # Below the pre-project level by more than 0.1 % of it: after a cancellation
    # profit creeps back toward the old level and must not count as a dip forever.
    below = rel < -DIP_TOLERANCE
    depth = float(max(0.0, -rel.min())) if len(rel) else 0.0
    bottom = int(ts["week"].iloc[int(np.argmin(rel))]) if depth > 0 else None
    recovery = None
    if bottom is not None:
        after = (ts["week"] > bottom) & (ts["profit_rel"] >= -DIP_TOLERANCE)
        recovery = _first_week(ts, after)
    cum = ts["cum_profit_delta"].to_numpy()
    payback = None
    neg = np.flatnonzero(cum < 0)
    if neg.size:
        later = np.flatnonzero((cum >= 0) & (np.arange(cum.size) > neg[0]))
        payback = int(ts["week"].iloc[later[0]]) if later.size else None
    cancel_week = next((e["week"] for e in events if e["event"] == "cancelled"), None)
    cut_week = next((e["week"] for e in events if e["event"] == "budget_cut"), None)
    cancelled = int(last["status"]) == CANCELLED
    final_adoption = float(last["adoption"])
    return {
        "final_adoption": final_adoption,
        "final_engaged": float(last["engaged"]),
        "final_rejecting": float(last["rejecting"]),
        "weeks_to_50": _first_week(ts, ts["adoption"] >= 0.5),
        "weeks_to_80": _first_week(ts, ts["adoption"] >= 0.8),
        "profit_dip_depth": depth,
        "dip_weeks": int(below.sum()),
        "dip_bottom_week": bottom,
        "recovery_week": recovery,
        "payback_week": payback,
        "cum_profit_delta": float(last["cum_profit_delta"]),
        "total_spend": float(last["spend"]),
        "cancelled": cancelled,
        "cancel_week": cancel_week,
        "cut_week": cut_week,
        "min_sponsor_confidence": float(ts["confidence_sponsor"].min()),
        "final_confidence_sponsor": float(last["confidence_sponsor"]),
        "final_confidence_manager": float(last["confidence_manager"]),
        "final_confidence_frontline": _nan_to_none(float(last["confidence_frontline"])),
        "final_manager_resistance": float(last["manager_resistance"]),
        "milestones_met": sum(e["event"] == "milestone_met" for e in events),
        "milestones_missed": sum(e["event"] == "milestone_missed" for e in events),
        "success": bool((not cancelled) and final_adoption >= success_adoption),
    }


def _nan_to_none(x: float) -> float | None:
    return None if math.isnan(x) else x


def simulate(
    scenario: Scenario,
    seed: int,
    weeks: int | None = None,
    create_agents: bool = False,
) -> RunResult:
    """Run one scenario with one seed.

    Args:
        scenario: The validated scenario (its parameters are used as they are).
        seed: Seed for the model's generator; the same seed gives the same output.
        weeks: Weeks to run; defaults to the scenario's ``run.weeks``.
        create_agents: Build Mesa agent objects too (not needed for results).
    """
    params = scenario.params
    if weeks is not None and weeks != params["run.weeks"]:
        params = params.with_updates({"run.weeks": weeks})
    model = CrmModel(params, rng=seed, create_agents=create_agents)
    model.run()
    ts = model.timeseries()
    summary = summarise(ts, model.events, params["outcome.success_adoption"])
    return RunResult(timeseries=ts, summary=summary, events=list(model.events), seed=seed)
