"""Charts of run results.

Every function takes results (the weekly ``timeseries`` DataFrame and the
``events`` list of :class:`~crmsim.runner.RunResult`), never a live model, so
the CLI, reports, notebooks and the dashboard share them. Each accepts
``ax=None`` and returns what it drew on.

Figures are built with :class:`matplotlib.figure.Figure` rather than pyplot,
so nothing here touches the global backend or keeps figures alive; this
module has no side effects at import time (the CLI picks the Agg backend).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from crmsim.i18n import N_, _

# Adoption states of CRM users (S6): column, label, colour.
STATE_LINES: tuple[tuple[str, str, str], ...] = (
    ("adoption", N_("using"), "#1a9850"),
    ("trying", N_("trying"), "#fdae61"),
    ("rejecting", N_("rejecting / work-arounds"), "#d73027"),
)

# Mean confidence by role (S4, S5, S6): column, label, colour.
CONFIDENCE_LINES: tuple[tuple[str, str, str], ...] = (
    ("confidence_sponsor", N_("sponsor"), "#762a83"),
    ("confidence_executive", N_("other executives"), "#c2a5cf"),
    ("confidence_manager", N_("middle managers"), "#2166ac"),
    ("confidence_frontline", N_("frontline staff"), "#8c510a"),
)

# Events marked on every panel: event name -> (label, colour).
MARKED_EVENTS: dict[str, tuple[str, str]] = {
    "go_live": (N_("go-live"), "#999999"),
    "budget_cut": (N_("budget cut"), "#e08214"),
    "budget_restored": (N_("budget restored"), "#5aae61"),
    "cancelled": (N_("cancelled"), "#000000"),
}


def _new_axes(ax: Axes | None, figsize: tuple[float, float] = (9.0, 4.0)) -> Axes:
    if ax is not None:
        return ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig.add_subplot()


def mark_events(ax: Axes, events: Iterable[Mapping[str, Any]] | None) -> Axes:
    """Draw a dotted vertical line, labelled at the top, at each marked event.

    Go-lives are drawn thin and only the first is labelled; budget cuts,
    restorations and the cancellation (S4) are drawn bold.

    Args:
        ax: The axes to draw on.
        events: Event records with ``week`` and ``event`` keys (others are ignored).

    Returns:
        The same axes.
    """
    labelled: set[str] = set()
    for event in events or ():
        kind = event.get("event")
        if kind not in MARKED_EVENTS:
            continue
        label, colour = MARKED_EVENTS[kind]
        minor = kind == "go_live"
        ax.axvline(
            event["week"],
            color=colour,
            linestyle=":",
            linewidth=0.8 if minor else 1.6,
            zorder=1,
        )
        if minor and kind in labelled:
            continue
        labelled.add(kind)
        label_week(ax, event["week"], label, colour)
    return ax


def label_week(
    ax: Axes, week: float, label: str, colour: str, top: bool = True, fontsize: float = 8
) -> None:
    """Write ``label`` upright just left of the vertical line at ``week``.

    Args:
        ax: The axes to draw on.
        week: Where the line stands (data coordinates).
        label: The text.
        colour: Its colour (that of the line).
        top: Hang it from the top of the axes; else stand it on the bottom.
        fontsize: Its size in points.
    """
    ax.text(
        week,
        0.98 if top else 0.02,
        f" {_(label)}",
        transform=ax.get_xaxis_transform(),
        rotation=90,
        va="top" if top else "bottom",
        ha="right",
        fontsize=fontsize,
        color=colour,
    )


def plot_adoption(
    ts: pd.DataFrame,
    events: Iterable[Mapping[str, Any]] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Adoption by state and mean confidence by role, week by week.

    Solid lines are shares of CRM users using, trying and rejecting the
    system; dashed lines are mean confidence (0-1) of the sponsor, the other
    executives, middle managers and frontline staff.

    Args:
        ts: A run's weekly series (``RunResult.timeseries``).
        events: The run's events; budget cuts, cancellation and go-lives are marked.
        ax: Axes to draw on; a new figure is made when None.

    Returns:
        The axes drawn on (its figure is ``ax.figure``).
    """
    ax = _new_axes(ax)
    week = ts["week"]
    for column, label, colour in STATE_LINES:
        ax.plot(week, ts[column], color=colour, linewidth=2.0, label=_(label))
    for column, label, colour in CONFIDENCE_LINES:
        if column in ts:
            ax.plot(
                week,
                ts[column],
                color=colour,
                linewidth=1.2,
                linestyle="--",
                label=_("confidence: {who}").format(who=_(label)),
            )
    ax.set_ylim(0.0, 1.0)
    return _dress(ax, week, events, _("share of users / confidence"), _("Adoption and confidence"))


def plot_profit(
    ts: pd.DataFrame,
    events: Iterable[Mapping[str, Any]] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Weekly profit relative to the pre-project level, in per cent (S7).

    The area below the zero line is the profit dip.

    Args:
        ts: A run's weekly series (``RunResult.timeseries``).
        events: The run's events; budget cuts, cancellation and go-lives are marked.
        ax: Axes to draw on; a new figure is made when None.

    Returns:
        The axes drawn on.
    """
    ax = _new_axes(ax)
    week = ts["week"]
    pct = ts["profit_rel"] * 100.0
    ax.axhline(0.0, color="black", linewidth=0.9, zorder=2)
    ax.fill_between(week, pct, 0.0, where=pct < 0, color="#d73027", alpha=0.25, linewidth=0)
    ax.fill_between(week, pct, 0.0, where=pct > 0, color="#1a9850", alpha=0.25, linewidth=0)
    ax.plot(week, pct, color="#333333", linewidth=1.6, label=_("profit vs pre-project"))
    ax.set_xlabel(_("week"))
    title = _("Profit relative to the pre-project level")
    return _dress(ax, week, events, _("profit vs pre-project (%)"), title)


def _dress(
    ax: Axes, week: pd.Series, events: Iterable[Mapping[str, Any]] | None, ylabel: str, title: str
) -> Axes:
    """A panel's finish: events marked, weeks end to end, labels, grid, legend on the right."""
    mark_events(ax, events)
    ax.set_xlim(float(week.min()), float(week.max()))
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def plot_run(
    ts: pd.DataFrame,
    events: Iterable[Mapping[str, Any]] | None = None,
    title: str | None = None,
) -> Figure:
    """The two-panel run chart: adoption and confidence above, profit below.

    Args:
        ts: A run's weekly series (``RunResult.timeseries``).
        events: The run's events, marked on both panels.
        title: Optional figure title (e.g. scenario and seed).

    Returns:
        A new figure (not registered with pyplot; save it with ``fig.savefig``).
    """
    events = list(events or ())
    fig = Figure(figsize=(10.0, 7.0), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    plot_adoption(ts, events, ax=top)
    plot_profit(ts, events, ax=bottom)
    top.set_xlabel("")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig
