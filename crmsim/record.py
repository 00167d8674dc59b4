"""The weekly record, declared once: every column's name, type and meaning.

:meth:`crmsim.model.CrmModel.timeseries` has one row per week (week 0 is the
starting state) and these columns in this order; the rule that fills a row
(:func:`crmsim.rules.recording.week_values`) names each value, and the model
writes them by these names. Shares are of the CRM users unless said otherwise.
This module imports nothing from the engine: reports and plots can read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of the weekly record.

    Attributes:
        name: Column name in :meth:`~crmsim.model.CrmModel.timeseries`.
        dtype: ``float64`` or ``int64``.
        meaning: One sentence in plain words.
    """

    name: str
    dtype: str
    meaning: str


COLUMNS: tuple[Column, ...] = (
    Column("week", "int64", "Weeks since the start (0 is the starting state)."),
    Column("adoption", "float64", "Share of users using the system routinely (S6)."),
    Column("trying", "float64", "Share of users trying the system, still learning."),
    Column("rejecting", "float64", "Share of users refusing it or working around it."),
    Column("not_using", "float64", "Share of users not yet using it."),
    Column("engaged", "float64", "Share of users trying or using."),
    Column("units_live", "int64", "Units that have gone live."),
    Column("confidence_sponsor", "float64", "The sponsor's confidence (S4)."),
    Column("confidence_executive", "float64", "Mean confidence of the executives."),
    Column("confidence_manager", "float64", "Mean confidence of the middle managers (S5)."),
    Column("confidence_frontline", "float64", "Mean confidence of the frontline staff."),
    Column("confidence_user", "float64", "Mean confidence of the CRM users."),
    Column("manager_resistance", "float64", "Mean resistance of the middle managers (S5)."),
    Column("managers_resisting", "float64", "Share of managers at or above the resisting level."),
    Column("mean_skill", "float64", "Mean CRM skill of the users (S3)."),
    Column("profit", "float64", "Weekly profit, $ (S7)."),
    Column("profit_rel", "float64", "Weekly profit relative to the pre-project level."),
    Column("benefit", "float64", "Benefit earned by real use this week, $."),
    Column("costs", "float64", "Project costs this week, $."),
    Column("learning_loss", "float64", "Productivity lost by learners and work-arounds, $."),
    Column("disruption", "float64", "Productivity lost to resisting managers, $."),
    Column("cum_profit_delta", "float64", "Cumulative profit against the pre-project level, $."),
    Column("spend", "float64", "Cumulative project costs, $."),
    Column("visible_results", "float64", "Results as staff can see them (S6)."),
    Column("resources", "float64", "Time, money and people the sponsor provides (S4)."),
    Column("status", "int64", "Project status: 0 active, 1 cut, 2 cancelled (S4)."),
    Column("milestone", "int64", "Milestone review this week: 1 met, -1 missed, 0 none (S8)."),
    Column("kpi_sales_cycle_change_pct", "float64", "Change of the sales cycle, % (CAL-2.7)."),
    Column(
        "kpi_customer_satisfaction_change_pct",
        "float64",
        "Change of customer satisfaction, % (CAL-2.5).",
    ),
)

NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
"""The column names, in order."""

INTEGER_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.dtype == "int64")
"""Columns holding whole numbers (stored as floats while running, int64 in the table)."""
