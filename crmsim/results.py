"""What a run produced, and its summary: no engine import.

:class:`RunResult` holds one run's weekly series, summary and events;
:func:`summarise` computes the summary from the series and events;
:data:`SUMMARY` declares the summary's fields once (name, type, meaning), as
:mod:`crmsim.params` declares the parameters: ``summary.json``, the batch
summary tables and their Parquet types all follow it. :func:`outcome_text`
is the one sentence saying whether the project was cut or cancelled.

Reports, plots and output read results through this module, so they load
without mesa or numba (:mod:`crmsim.runner` adds :func:`~crmsim.runner.simulate`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmsim.codes import CANCELLED, WEEKS_PER_YEAR
from crmsim.i18n import N_, _


@dataclass(frozen=True)
class SummaryField:
    """One figure of a run's summary.

    Attributes:
        name: Its key in ``summary.json`` and column in batch summaries.
        kind: ``float``, ``int`` or ``bool``; ``int`` fields are None when the
            week never came.
        meaning: What it measures.
    """

    name: str
    kind: type
    meaning: str


SUMMARY: tuple[SummaryField, ...] = (
    SummaryField("final_adoption", float, "share of CRM users routinely using it in the last week"),
    SummaryField("final_engaged", float, "share of CRM users engaged in the last week"),
    SummaryField("final_rejecting", float, "share of CRM users rejecting or working around it"),
    SummaryField("weeks_to_50", int, "first week adoption reaches 50 % (None if never)"),
    SummaryField("weeks_to_80", int, "first week adoption reaches 80 % (None if never)"),
    SummaryField("profit_dip_depth", float, "deepest weekly profit shortfall below the "
                 "pre-project level, as a share of it (0 if never below)"),
    SummaryField("dip_weeks", int, "weeks with profit more than DIP_TOLERANCE below "
                 "the pre-project level"),
    SummaryField("dip_bottom_week", int, "the week of the deepest shortfall (None if none)"),
    SummaryField("recovery_week", int, "first week after the bottom with profit back within "
                 "DIP_TOLERANCE of the pre-project level or above (None if never)"),
    SummaryField("payback_week", int, "first week the cumulative profit change is back at or "
                 "above zero after having been negative (None if never)"),
    SummaryField("cum_profit_delta", float, "cumulative profit change against no project"),
    SummaryField("total_spend", float, "money spent on the project"),
    SummaryField("cancelled", bool, "the sponsor cancelled the project (S4)"),
    SummaryField("cancel_week", int, "week of the cancellation (None if never)"),
    SummaryField("cut_week", int, "week of the first budget cut (None if never)"),
    SummaryField("min_sponsor_confidence", float, "the sponsor's lowest confidence"),
    SummaryField("final_confidence_sponsor", float, "the sponsor's confidence in the last week"),
    SummaryField("final_confidence_manager", float, "managers' mean confidence in the last week"),
    SummaryField("final_confidence_frontline", float, "front-line users' mean confidence in "
                 "the last week (None without users)"),
    SummaryField("final_manager_resistance", float, "managers' mean resistance in the last week"),
    SummaryField("milestones_met", int, "milestone reviews passed"),
    SummaryField("milestones_missed", int, "milestone reviews failed"),
    SummaryField("success", bool, "not cancelled and final adoption at least "
                 "outcome.success_adoption"),
    SummaryField("initial_cost", float, "money spent before the first go-live (the "
                 "implementation outlay; all spend if nothing went live)"),
    SummaryField("roi", float, "Nucleus's return (CAL-12.1): mean yearly net benefit (benefit "
                 "less output lost, disruption and spend after go-live) over the run, divided by "
                 "initial_cost; the outlay is recovered in cash when roi >= 52 / weeks run "
                 "(1/3 over three years) (None without an initial cost)"),
)  # fmt: skip
"""The summary's fields, in order (``summary.json``, batch summary columns)."""

SUMMARY_FIELDS: tuple[str, ...] = tuple(f.name for f in SUMMARY)
"""The fields of ``summary.json``, in order (see :func:`summarise`)."""
SUMMARY_KINDS: dict[str, type] = {f.name: f.kind for f in SUMMARY}
"""Each summary field's type, by name."""

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


def _nan_to_none(x: float) -> float | None:
    return None if math.isnan(x) else x


def summarise(ts: pd.DataFrame, events: list[dict[str, Any]], success_adoption: float) -> dict:
    """Summary figures of one run from its weekly series and events.

    The fields and their meanings are declared in :data:`SUMMARY`.

    Args:
        ts: The weekly series (``week``, ``adoption``, ``profit_rel``, ``status``...).
        events: The run's events.
        success_adoption: Final adoption a run needs to count as a success.
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
        **returns(ts, events),
    }


def returns(ts: pd.DataFrame, events: list[dict[str, Any]]) -> dict[str, float | None]:
    """The initial cost and Nucleus's return on it (CAL-12.1), in cash (``spend``).

    ``initial_cost`` is what was spent before the first go-live; the net benefit is the
    benefit less the output lost while learning, the disruption and what was spent after.
    """
    first = next((e["week"] for e in events if e["event"] == "go_live"), None)
    spend = ts["spend"].to_numpy()
    weeks = ts["week"].to_numpy()
    before = weeks < first if first is not None else np.ones(weeks.size, dtype=bool)
    initial = float(spend[before][-1]) if before.any() else 0.0
    net = float((ts["benefit"] - ts["learning_loss"] - ts["disruption"]).sum())
    net -= float(spend[-1]) - initial
    years = max(int(weeks[-1]), 1) / WEEKS_PER_YEAR
    roi = net / years / initial if initial > 0 else None
    return {"initial_cost": initial, "roi": roi}


# ---------------------------------------------------------------- in words

TIPPING_MIN_ADOPTION = 0.30
"""Adoption must pass this share for its steepest week to count as a tipping point
(below it there is no take-off to speak of)."""
GROWTH_WINDOW = 4
"""Weeks over which weekly adoption growth is averaged to find the tipping point."""


def pct(x: float | None, digits: int = 0) -> str:
    """A share as a percentage, ``"n/a"`` for a missing value."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return _("n/a")
    return f"{100.0 * x:.{digits}f} %"


def week_text(w: float | None) -> str:
    """``"week 12"``, or ``"never"``."""
    if w is None or (isinstance(w, float) and math.isnan(w)):
        return _("never")
    return _("week {n}").format(n=int(round(w)))


def outcome_text(summary: Mapping[str, Any]) -> str:
    """What became of the project, in words: cancelled, cut, or neither.

    ``"cancelled in week 70"``, ``"budget cut in week 52, not cancelled"`` or
    ``"never cut or cancelled"`` (from ``cancelled``, ``cancel_week`` and ``cut_week``).
    """
    if summary["cancelled"]:
        return _("cancelled in {week}").format(week=week_text(summary["cancel_week"]))
    if summary["cut_week"] is not None:
        return _("budget cut in {week}, not cancelled").format(week=week_text(summary["cut_week"]))
    return _("never cut or cancelled")


def wavering_week(sponsor_confidence: Sequence[float], retreat: float) -> int | None:
    """First week (index) the sponsor's confidence is below the retreat point."""
    below = np.flatnonzero(np.asarray(sponsor_confidence) < retreat)
    return int(below[0]) if below.size else None


def tipping_week(adoption: Sequence[float]) -> int | None:
    """The week adoption grows fastest (the steepest point of the S-curve).

    Weekly growth is averaged over :data:`GROWTH_WINDOW` weeks ending in the
    week returned. None when adoption never passes :data:`TIPPING_MIN_ADOPTION`.
    """
    a = np.asarray(adoption, dtype=float)
    if a.size < GROWTH_WINDOW + 1 or np.nanmax(a) < TIPPING_MIN_ADOPTION:
        return None
    growth = (a[GROWTH_WINDOW:] - a[:-GROWTH_WINDOW]) / GROWTH_WINDOW
    if growth.max() <= 0:
        return None
    return int(np.argmax(growth)) + GROWTH_WINDOW


CHANGE_WORDS = {
    "budget_cut": N_("the sponsor cuts the budget"),
    "budget_restored": N_("budget restored"),
    "cancelled": N_("the project is cancelled"),
}
"""The sponsor's moves (model events) in words."""


def key_moments(
    ts: pd.DataFrame, summary: Mapping[str, Any], events: Sequence[Mapping[str, Any]],
    retreat: float,
) -> list[tuple[float, str, str]]:  # fmt: skip
    """The key moments of a run, as ``(week, "week N", what)`` rows in no particular order.

    Go-live, the sponsor wavering (confidence below ``retreat``), the bottom of
    the profit dip, the tipping point, half the users using CRM, and the
    sponsor's budget cuts, restorations and cancellation. The handout and the
    debrief add their own rows and sort.
    """
    rows: list[tuple[float, str, str]] = []
    go = [e for e in events if e["event"] == "go_live"]
    if go:
        text = _("go-live: first {users} users").format(users=go[0]["users"])
        if len(go) > 1:
            text += _("; all {waves} waves live by {week}").format(
                waves=len(go), week=week_text(go[-1]["week"])
            )
        rows.append((go[0]["week"], week_text(go[0]["week"]), text))
    w = wavering_week(ts["confidence_sponsor"], retreat)
    if w is not None:
        text = _("sponsor wavering: confidence below {share}").format(share=pct(retreat))
        rows.append((w, week_text(w), text))
    bottom = summary["dip_bottom_week"]
    if bottom is not None:
        depth = pct(summary["profit_dip_depth"], 1)
        text = _("profit dip at its bottom ({depth} below)").format(depth=depth)
        rows.append((bottom, week_text(bottom), text))
    t = tipping_week(ts["adoption"])
    if t is not None:
        share = pct(float(ts["adoption"].iloc[t]))
        text = _("tipping point: adoption grows fastest ({share} using)").format(share=share)
        rows.append((t, week_text(t), text))
    half = summary["weeks_to_50"]
    if half is not None:
        rows.append((half, week_text(half), _("half the users use CRM")))
    rows += [
        (e["week"], week_text(e["week"]), _(CHANGE_WORDS[e["event"]]))
        for e in events
        if e["event"] in CHANGE_WORDS
    ]
    return rows
