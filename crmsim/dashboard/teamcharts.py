"""Team play's chart and action words, sized for a projector.

:func:`progress_figure` draws every team's CRM use, sponsor's confidence and
profit on one figure, each team in its own colour (the colour of its card);
:func:`svg_markup` turns a figure into inline SVG whose text stays text, so
it scales with the screen and a browser test can measure it.

Chart text is at least :data:`MIN_TEXT_PX` pixels high on a 1280x720
screen (``tests/test_browser_teamplay.py`` measures it): the fonts below are
in points of the figure, which is drawn as wide as the page's main column
(about 855 pixels at 1280x720 with the sidebar open), i.e. scaled up about
1.25 from its :data:`FIG_WIDTH` of 9.5 inches (684 points).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmsim.dashboard.teams import Room
from crmsim.fonts import use_fonts
from crmsim.game import Game
from crmsim.i18n import _, localized, ngettext

MIN_TEXT_PX = 18
"""The smallest chart text on a 1280x720 projector, in CSS pixels (tick labels)."""

FIG_WIDTH = 9.5
"""Inches; drawn to the main column's width."""

FONT = {"title": 18, "ticks": 16, "legend": 16, "label": 16}
"""Font sizes in figure points (about 1.25x that in pixels at 1280x720: 20 px and more)."""


def progress_figure(room: Room, colours: Mapping[str, str] | None = None) -> Figure:
    """CRM use, the sponsor's confidence and profit of every team, week by week."""
    use_fonts()
    colours = colours or room.colours()
    fig = Figure(figsize=(FIG_WIDTH, 7.2), layout="constrained")
    axes = fig.subplots(3, 1, sharex=True)
    series = room.series()
    panels = (
        ("adoption", _("Using CRM routinely (share of CRM users)")),
        ("confidence_sponsor", _("The sponsor's confidence")),
        ("profit_rel", _("Profit against before the project")),
    )
    for ax, (column, title) in zip(axes, panels, strict=True):
        for team, ts in series.items():
            ax.plot(ts["week"], ts[column], color=colours[team], linewidth=3.0, label=team)
        ax.set_title(title, loc="left", fontsize=FONT["title"])
        ax.set_xlim(0, room.game.weeks)
        if column == "profit_rel":
            ax.axhline(0.0, color="black", linewidth=1.0)
        else:
            ax.set_ylim(0.0, 1.0)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.tick_params(labelsize=FONT["ticks"])
        ax.grid(True, alpha=0.3)
        for r in range(1, room.game.rounds):
            ax.axvline(r * room.game.weeks_per_round, color="#dddddd", linewidth=0.8, zorder=0)
    axes[-1].set_xlabel(_("week"), fontsize=FONT["label"])
    if series:
        axes[0].legend(loc="upper left", fontsize=FONT["legend"], frameon=False, ncol=5)
    return fig


def svg_markup(fig: Figure) -> str:
    """``fig`` as inline SVG that fills its container's width, its text kept as text."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "crmsim"}):
        fig.savefig(buf, format="svg")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    return re.sub(
        r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
        r'<svg\1 width="100%" class="crm-chart"',
        svg,
        count=1,
    )


def money_text(game: Game, value: float) -> str:
    """An amount of the game's money (its budget's unit), e.g. ``"15 k$"``."""
    return game.money.amount(value)


def lead_text(weeks: int) -> str:
    """When an action starts to work, in plain words."""
    if weeks == 0:
        return _("works at once")
    return ngettext("works after {n} week", "works after {n} weeks", weeks).format(n=weeks)


def option_text(game: Game, decision: str) -> str:
    """A menu entry in plain words with its cost and lead time, e.g.
    ``"The sponsor's speech · 15 k$ · works at once"``."""
    action = game.actions[decision.partition(":")[0]]
    label = decision_label(game, decision)
    return f"{label} · {money_text(game, action.cost)} · {lead_text(action.lead_weeks)}"


def decision_label(game: Game, decision: str) -> str:
    """A decision in plain words, e.g. ``"Restructure a department (sales)"``."""
    name, _sep, department = decision.partition(":")
    return localized(game.actions[name].label) + (f" ({department})" if department else "")
