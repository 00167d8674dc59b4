"""The dashboard's views of a session model, sized for a projector.

- Four time charts made with Mesa's ``make_plot_component`` from the
  session's ``DataCollector``: who uses CRM, confidence by role, profit
  against the pre-project level (the J-curve of S7), and the middle
  managers' resistance (S5). The x axis always spans the whole run so the
  room sees how far along it is; go-lives, budget cuts and cancellations are
  marked. In side-by-side mode the right side's lines are dashed.
- :func:`NetworkPanel`: the organisation drawn by Mesa's ``SpaceRenderer``
  (see :mod:`crmsim.dashboard.orgview`) under a line of key figures.
- :func:`ProjectTimeline`: the project's status week by week, milestone
  reviews met or missed (S8), and what happened when, in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import solara
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter
from mesa.visualization import make_plot_component
from mesa.visualization.solara_viz import SpaceRendererComponent
from mesa.visualization.utils import update_counter

from crmsim.dashboard.controls import describe_differences
from crmsim.dashboard.orgview import OrgRenderer, OrgView
from crmsim.dashboard.session import WorkshopModel
from crmsim.i18n import N_, _
from crmsim.model import ACTIVE, CANCELLED, CUT
from crmsim.plotting import CONFIDENCE_LINES, MARKED_EVENTS, STATE_LINES, label_week

FONT = {"title": 15, "ticks": 12, "legend": 11}
"""Font sizes (points) readable from the back of a room."""


@dataclass(frozen=True)
class ChartSpec:
    """One time chart.

    Attributes:
        title: What the chart shows, in plain words.
        lines: ``(column, label, colour)`` per line (columns of the weekly series).
        ylim: Fixed y range, or None to fit the data.
        zero_line: Draw the pre-project level (0) as a black line.
    """

    title: str
    lines: tuple[tuple[str, str, str], ...]
    ylim: tuple[float, float] | None = (0.0, 1.0)
    zero_line: bool = False


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(N_("Who uses CRM (share of CRM users)"), STATE_LINES),
    ChartSpec(N_("Confidence that CRM will work, by role"), CONFIDENCE_LINES),
    ChartSpec(
        N_("Profit against before the project (the J-curve)"),
        (("profit_rel", N_("profit vs pre-project"), "#333333"),),
        ylim=None,
        zero_line=True,
    ),
    ChartSpec(
        N_("Middle managers' resistance"),
        (
            ("manager_resistance", N_("mean resistance (0-100 %)"), "#542788"),
            ("managers_resisting", N_("managers resisting (resistance at least 50 %)"), "#b35806"),
        ),
    ),
)

SIDE_STYLE = {"left": "-", "right": "--"}


def chart_components(model: WorkshopModel) -> list:
    """The four time charts of ``model`` as Mesa plot components (one page)."""
    sides = list(model.sides)
    return [
        make_plot_component(
            {f"{side}.{col}": colour for col, _, colour in spec.lines for side in sides},
            post_process=_finisher(spec, model),
        )
        for spec in CHARTS
    ]


def _finisher(spec: ChartSpec, model: WorkshopModel) -> Callable[[Any], None]:
    """The post-processing of one chart: labels, styles, axes, event marks."""
    labels = {col: _(label) for col, label, _colour in spec.lines}
    two = len(model.sides) > 1

    def finish(ax) -> None:
        for line in ax.get_lines():
            side, _dot, col = str(line.get_label()).partition(".")
            if col not in labels:
                continue
            line.set_label(f"{labels[col]} ({_(SIDE_WORDS[side])})" if two else labels[col])
            line.set_linestyle(SIDE_STYLE.get(side, "-"))
            line.set_linewidth(2.4)
        if spec.zero_line:
            ax.axhline(0.0, color="black", linewidth=1.0, zorder=1)
        mark_events(ax, {side: m.events for side, m in model.sides.items()})
        ax.set_xlim(0, model.weeks)
        if spec.ylim is not None:
            ax.set_ylim(*spec.ylim)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(_(spec.title), loc="left", fontsize=FONT["title"])
        ax.tick_params(labelsize=FONT["ticks"])
        ax.grid(True, alpha=0.3)
        # Mesa labels the x axis "Step" after this hook; one step is one week.
        ax.xaxis.label.set_visible(False)
        ax.annotate(
            _("week"),
            xy=(1.0, 0.0),
            xycoords="axes fraction",
            xytext=(0, -26),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize=FONT["ticks"],
        )
        ax.legend(loc="best", fontsize=FONT["legend"], framealpha=0.85)
        ax.figure.set_size_inches(7.2, 4.6)  # the shape of a dashboard cell

    return finish


def mark_events(ax, events_by_side: dict[str, list[dict]]) -> None:
    """Vertical lines at the first go-live, budget cuts and restorations, and
    the cancellation (S4), labelled with what happened.

    With two sides, an event both sides share (same kind, same week) is
    marked once; one side's own events name the side.
    """
    sides_at: dict[tuple[int, str], list[str]] = {}
    for side, events in events_by_side.items():
        first_go_live = True
        for event in events:
            kind = event["event"]
            if kind not in MARKED_EVENTS or (kind == "go_live" and not first_go_live):
                continue
            first_go_live = first_go_live and kind != "go_live"
            sides_at.setdefault((event["week"], kind), []).append(side)
    for (week, kind), sides in sorted(sides_at.items()):
        label, colour = MARKED_EVENTS[kind]
        label = _(label)
        if len(sides) < len(events_by_side):
            label = f"{label} ({', '.join(_(SIDE_WORDS[s]) for s in sides)})"
        ax.axvline(week, color=colour, linestyle=":", linewidth=1.6, zorder=1)
        label_week(ax, week, label, colour, top=False, fontsize=10)


# ---------------------------------------------------------------- components

STATUS_WORDS = {
    ACTIVE: N_("project active"),
    CUT: N_("budget cut"),
    CANCELLED: N_("project cancelled"),
}
STATUS_COLOURS = {ACTIVE: "#1a9850", CUT: "#e08214", CANCELLED: "#222222"}


def key_figures(model: WorkshopModel, side: str) -> str:
    """One short line of the side's key figures this week, in plain words."""
    last = model.latest(side)
    status = _(STATUS_WORDS[int(last["status"])])
    return _("using {using:.0f} % · rejecting {rejecting:.0f} % · profit {profit:+.1f} % · {status}").format(
        using=100 * last["adoption"], rejecting=100 * last["rejecting"],
        profit=100 * last["profit_rel"], status=status,
    )  # fmt: skip


def network_component(side: str) -> Callable[[WorkshopModel], Any]:
    """A page component drawing ``side``'s organisation."""

    def component(model: WorkshopModel):
        return NetworkPanel(model, side)

    component.__name__ = f"{side.capitalize()}Network"
    return component


@solara.component
def NetworkPanel(model: WorkshopModel, side: str):
    """One organisation: a heading with the week's key figures, then the network."""
    update_counter.get()
    view: OrgView = model.views[side]
    renderer = solara.use_memo(lambda: OrgRenderer(view), [view])
    title = _(SIDE_WORDS[side]) if model.setup.side_by_side else _("The organisation")
    note = _("drawn: {what}").format(what=view.caption())
    if side == "right" and model.setup.side_by_side:
        diff = describe_differences(model.setup, limit=2)
        note = _("differs: {diff}").format(diff=diff) if diff else _("same settings as the left")
    with solara.Column(gap="0px", classes=["crm-panel"]):
        solara.HTML(
            unsafe_innerHTML=(
                f"<b>{escape(title)} · {escape(_('week {n}').format(n=model.week))}</b>: "
                f"{escape(key_figures(model, side))}"
                f"<br><small>{escape(note)}</small>"
            ),
            style="font-size: 16px; line-height: 1.25",
        )
        with solara.Div(classes=["crm-figure"]):
            SpaceRendererComponent(view, renderer)


def timeline_component(model: WorkshopModel):
    """The page component of :func:`ProjectTimeline`."""
    return ProjectTimeline(model)


@solara.component
def ProjectTimeline(model: WorkshopModel):
    """The project's status and milestone reviews week by week, and recent events."""
    update_counter.get()
    sides = list(model.sides)
    fig = Figure(figsize=(7.2, 2.4 + 0.8 * len(sides)), layout="constrained")
    ax = fig.add_subplot()
    df = model.datacollector.get_model_vars_dataframe()
    for row, side in enumerate(sides):
        y = len(sides) - 1 - row
        status = df[f"{side}.status"].to_numpy().astype(int)
        start = 0
        for week in range(1, len(status) + 1):
            if week == len(status) or status[week] != status[start]:
                ax.barh(
                    y,
                    week - start,
                    left=start,
                    height=0.5,
                    color=STATUS_COLOURS[status[start]],
                    alpha=0.85,
                )
                start = week
        for event in model.sides[side].events:
            kind = event["event"]
            if kind in ("milestone_met", "milestone_missed"):
                met = kind == "milestone_met"
                ax.plot(
                    event["week"],
                    y + 0.42,
                    marker="^" if met else "v",
                    markersize=11,
                    color="#1a9850" if met else "#d73027",
                    linestyle="",
                )
            elif kind == "go_live":
                ax.plot(event["week"], y - 0.4, marker="|", markersize=14, color="#555555")
    ax.set_yticks(
        range(len(sides)), [_(SIDE_WORDS[s]) for s in reversed(sides)] if len(sides) > 1 else [""]
    )
    ax.set_ylim(-0.8, len(sides) - 0.2)
    ax.set_xlim(0, model.weeks)
    ax.tick_params(labelsize=FONT["ticks"])
    ax.set_title(_("Project status"), loc="left", fontsize=FONT["title"])
    handles = [Patch(color=STATUS_COLOURS[c], label=_(STATUS_WORDS[c])) for c in STATUS_COLOURS]
    handles += [
        Line2D(
            [],
            [],
            marker="^",
            linestyle="",
            color="#1a9850",
            markersize=10,
            label=_("milestone met"),
        ),
        Line2D(
            [],
            [],
            marker="v",
            linestyle="",
            color="#d73027",
            markersize=10,
            label=_("milestone missed"),
        ),
        Line2D(
            [], [], marker="|", linestyle="", color="#555555", markersize=12, label=_("go-live")
        ),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.25),
        ncol=3,
        frameon=False,
        fontsize=FONT["legend"],
    )
    with solara.Column(gap="0px", classes=["crm-panel"]):
        solara.HTML(unsafe_innerHTML=_event_lines(model), style="font-size: 16px; line-height: 1.3")
        with solara.Div(classes=["crm-figure"]):
            solara.FigureMatplotlib(fig, format="png", dependencies=[model, model.week])


EVENT_WORDS: dict[str, Callable[[dict], str]] = {
    "go_live": lambda e: _("{units} teams go live ({users} users)").format(
        units=e["units"], users=e["users"]
    ),
    "milestone_met": lambda e: _("milestone met (plan {plan:.0f} %, actual {actual:.0f} %)").format(
        plan=100 * e["plan"], actual=100 * e["actual"]
    ),
    "milestone_missed": lambda e: _(
        "milestone missed (plan {plan:.0f} %, actual {actual:.0f} %)"
    ).format(plan=100 * e["plan"], actual=100 * e["actual"]),
    "budget_cut": lambda e: _("the sponsor cuts the budget"),
    "budget_restored": lambda e: _("the budget is restored"),
    "cancelled": lambda e: _("the project is cancelled"),
}
"""Events in plain words, in the current language."""

SIDE_WORDS = {"left": N_("Left"), "right": N_("Right")}
"""The sides of side-by-side mode, in words (translate with ``_()``)."""


def event_words(event: dict) -> str:
    """One event in plain words, e.g. ``"the sponsor cuts the budget"``."""
    words = EVENT_WORDS.get(event["event"])
    return words(event) if words else event["event"].replace("_", " ")


def _event_lines(model: WorkshopModel, last: int = 4) -> str:
    """The last few events of each side as HTML lines."""
    lines = []
    two = len(model.sides) > 1
    for side, m in model.sides.items():
        recent = m.events[-last:]
        head = f"<b>{escape(_(SIDE_WORDS[side]))}:</b> " if two else ""
        if not recent:
            lines.append(
                head + escape(_("nothing yet: the first teams go live after the implementation"))
            )
            continue
        lines.append(
            head
            + "; ".join(
                escape(_("week {w}: {what}").format(w=e["week"], what=event_words(e)))
                for e in recent
            )
        )
    return f"<b>{escape(_('What happened'))}</b><br>" + "<br>".join(lines)
