"""The organisation as a drawable network, laid out once from the seed.

A projector shows a few hundred people clearly, so a large organisation is
drawn as a sample of whole teams (every executive, and complete units with
their manager, spread over the functions) while the charts always report
the whole organisation.

The layout (:mod:`crmsim.dashboard.orglayout`) is an org chart in the round,
computed once when the view is built (never a spring layout per redraw, which
takes seconds for thousands of nodes): the sponsor in the middle with the top team around, units on rings
ordered by function so that each function is one sector (front-end functions,
whose staff use CRM, on one side; back office on the other), each team a
small sunflower around its manager. Every random choice (which teams, how
each sunflower is turned) comes from a generator spawned from the model's
own generator, which leaves the model's stream untouched: the dashboard's
run is the same as ``crmsim run`` with the same seed.

Colours say where each person stands, with one meaning across roles:
green on board (using CRM; an executive or manager backing the roll-out),
amber in between (trying; wavering), red against (rejecting or working
around; retreating or resisting), grey not yet (or not a CRM user). Marker
and size say the role: a large star for the sponsor, stars for executives,
squares for managers, dots for staff.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from mesa.discrete_space import Network
from mesa.visualization import SpaceRenderer
from mesa.visualization.components import AgentPortrayalStyle
from mesa.visualization.space_drawers import NetworkSpaceDrawer

from crmsim.dashboard.orglayout import (  # noqa: F401 (re-exported)
    FUNCTION_NAMES,
    GOLDEN_ANGLE,
    SPACING,
    bosses,
    ring_layout,
    sample_units,
)
from crmsim.i18n import N_, _, get_language
from crmsim.model import NOT_USING, REJECTING, TRYING, USING, CrmModel
from crmsim.organisation import EXECUTIVE, FRONTLINE, MANAGER

MAX_DRAWN = 420
"""Most people drawn; larger organisations are shown as a sample of whole teams."""

# Where a person stands, one scale for every role.
NOT_YET, IN_BETWEEN, ON_BOARD, AGAINST, NO_CRM = range(5)
STANDING_COLOURS = {
    NOT_YET: "#9e9e9e",
    IN_BETWEEN: "#f39c12",
    ON_BOARD: "#1a9850",
    AGAINST: "#d73027",
    NO_CRM: "#cfcfcf",
}
STANDING_LEGEND = (
    (ON_BOARD, N_("using CRM / backs it")),
    (IN_BETWEEN, N_("trying / wavering")),
    (AGAINST, N_("rejecting / resists")),
    (NOT_YET, N_("not using yet")),
    (NO_CRM, N_("back office (no CRM)")),
)
_ADOPTION_STANDING = {NOT_USING: NOT_YET, TRYING: IN_BETWEEN, USING: ON_BOARD, REJECTING: AGAINST}

# Marker, size (points^2) and drawing order by role; the sponsor is drawn larger.
ROLE_STYLE = {EXECUTIVE: ("*", 300.0, 4), MANAGER: ("s", 80.0, 3), FRONTLINE: ("o", 34.0, 2)}
SPONSOR_SIZE = 520.0

WAVERING_MARGIN = 0.15
"""An executive within this much above the retreat point is wavering (S4)."""


def standing(model: CrmModel) -> np.ndarray:
    """Where each person stands (``NOT_YET`` ... ``NO_CRM``), for the whole organisation.

    CRM users by adoption state (S6); managers by the model's own measures
    (S5): resisting when resistance is at least 0.5 (the ``managers_resisting``
    series), wavering when their stance is negative; executives by
    confidence against the sponsor's retreat point (S4).
    """
    org = model.org
    out = np.full(org.n, NO_CRM, dtype=np.int8)
    users = org.is_user
    lookup = np.array([_ADOPTION_STANDING[s] for s in range(4)], dtype=np.int8)
    out[users] = lookup[model.state[users]]
    mgr = np.arange(org.n_exec, org.n_exec + org.n_units)
    res = model.resistance
    out[mgr] = np.where(res >= 0.5, AGAINST, np.where(model.stance < 0.0, IN_BETWEEN, ON_BOARD))
    c = model.confidence[: org.n_exec]
    retreat = model.params["sponsor.retreat_threshold"]
    out[: org.n_exec] = np.where(
        c < retreat, AGAINST, np.where(c < retreat + WAVERING_MARGIN, IN_BETWEEN, ON_BOARD)
    )
    return out


@dataclass
class OrgView:
    """What is drawn of one organisation.

    Attributes:
        model: The model drawn.
        people: Person indices drawn (executives, then units in layout order).
        pos: Position of each drawn person, shape ``(len(people), 2)``.
        grid: A Mesa ``Network`` over the drawn people, laid out at ``pos``,
            holding their agents; Mesa's ``SpaceRenderer`` draws it.
        units: Units drawn, in layout order.
        sectors: ``(function name, angle in radians, radius, front-end?)`` for labels.
        peer_edges: Pairs of drawn people who are informal peers (S9).
        report_edges: Pairs (person, boss) among the drawn people.
    """

    model: CrmModel
    people: np.ndarray
    pos: np.ndarray
    grid: Network
    units: np.ndarray
    sectors: list[tuple[str, float, float, bool]] = field(default_factory=list)
    peer_edges: np.ndarray = field(default_factory=lambda: np.empty((0, 2), dtype=np.int64))
    report_edges: np.ndarray = field(default_factory=lambda: np.empty((0, 2), dtype=np.int64))
    _standing: np.ndarray | None = field(default=None, repr=False)
    _standing_week: int = field(default=-1, repr=False)

    @property
    def n_drawn(self) -> int:
        """Number of people drawn."""
        return int(self.people.size)

    @property
    def is_sample(self) -> bool:
        """Whether only part of the organisation is drawn."""
        return self.n_drawn < self.model.org.n

    def caption(self) -> str:
        """What the picture shows, e.g. ``"all 1,000 people"`` or a sample's size."""
        org = self.model.org
        if not self.is_sample:
            return _("all {n} people").format(n=f"{org.n:,}")
        return _("{drawn} of {n} people ({teams} whole teams at random)").format(
            drawn=f"{self.n_drawn:,}", n=f"{org.n:,}", teams=self.units.size
        )

    def standing(self) -> np.ndarray:
        """:func:`standing` of the whole organisation, computed once per week
        (the portrayal asks for it once per person drawn)."""
        if self._standing_week != self.model.week or self._standing is None:
            self._standing = standing(self.model)
            self._standing_week = self.model.week
        return self._standing

    def portray(self, agent: mesa.Agent) -> AgentPortrayalStyle:
        """How one person is drawn: colour by standing, marker and size by role.

        The position is the person's node in :attr:`grid`; the renderer maps
        node ids to the stored layout.
        """
        i = agent.index
        role = int(self.model.org.role[i])
        marker, size, zorder = ROLE_STYLE[role]
        if i == 0:
            size = SPONSOR_SIZE
        code = int(self.standing()[i])
        staff = role == FRONTLINE
        return AgentPortrayalStyle(
            x=i,
            y=i,
            color=STANDING_COLOURS[code],
            marker=marker,
            size=size,
            zorder=zorder,
            alpha=0.55 if code == NO_CRM else 1.0,
            edgecolors="none" if staff else "#333333",
            linewidths=0.0 if staff else 0.8,
        )


def build_view(model: CrmModel, max_people: int = MAX_DRAWN) -> OrgView:
    """Sample and lay out the organisation of ``model`` (once per model).

    Args:
        model: A model built with its agents (``create_agents=True``).
        max_people: Most people to draw.
    """
    rng = model.rng.spawn(1)[0]  # a child stream: the model's own draws are unchanged
    org = model.org
    units = sample_units(org, rng, max_people)
    people, pos, sectors = ring_layout(org, units, rng)

    # Edges among the drawn people: informal peer ties and reporting lines.
    sub = org.peers[people][:, people]
    coo = sp.triu(sub, k=1).tocoo()
    peer_edges = np.column_stack((people[coo.row], people[coo.col]))
    boss = bosses(org, people)
    drawn = np.isin(boss, people)
    report_edges = np.column_stack((people[drawn], boss[drawn]))

    graph = nx.Graph()
    for i, xy in zip(people.tolist(), pos, strict=True):
        graph.add_node(i, pos=(float(xy[0]), float(xy[1])))
    graph.add_edges_from(map(tuple, peer_edges.tolist()), kind="peer")
    graph.add_edges_from(map(tuple, report_edges.tolist()), kind="reports_to")
    layout = nx.get_node_attributes(graph, "pos")
    grid = Network(graph, layout=layout, random=random.Random(int(rng.integers(2**63))))
    for i in people.tolist():
        agent = model.agent_index.get(i)
        if agent is not None:
            grid[i].add_agent(agent)
    return OrgView(model, people, pos, grid, units, sectors, peer_edges, report_edges)


# ---------------------------------------------------------------- drawing


def stored_layout(graph: nx.Graph, **_ignored) -> dict:
    """The layout kept on the graph's nodes (``pos``): nothing is recomputed.

    Mesa's drawer passes layout keywords (a ``seed``); there is nothing to seed.
    """
    return nx.get_node_attributes(graph, "pos")


class OrgChartDrawer(NetworkSpaceDrawer):
    """Mesa's network drawer, fed the stored layout and drawing both kinds of ties.

    Reporting lines are drawn darker than the informal peer ties; the axes
    keep equal scales so teams stay round.
    """

    def __init__(self, space: Network, view: OrgView) -> None:
        self.view = view
        super().__init__(space, layout_alg=stored_layout)
        extent = float(np.abs(view.pos).max()) if view.pos.size else 1.0
        margin = max((sector[2] for sector in view.sectors), default=extent) * 1.3
        self.viz_xmin = self.viz_ymin = -max(extent, margin)
        self.viz_xmax = self.viz_ymax = max(extent, margin)

    def draw_matplotlib(self, ax=None, **draw_space_kwargs):
        """Draw the ties onto ``ax`` (people are drawn by the agent portrayal)."""
        ax.set_axis_off()
        ax.set_aspect("equal")
        ax.set_xlim(self.viz_xmin, self.viz_xmax)
        ax.set_ylim(self.viz_ymin, self.viz_ymax)
        for edges, colour, width, alpha in (
            (self.view.peer_edges, "#8c8c8c", 0.35, 0.22),
            (self.view.report_edges, "#5a5a5a", 0.6, 0.45),
        ):
            if len(edges):
                segments = np.stack((self._xy(edges[:, 0]), self._xy(edges[:, 1])), axis=1)
                ax.add_collection(
                    LineCollection(segments, colors=colour, linewidths=width, alpha=alpha, zorder=0)
                )
        return ax

    def _xy(self, people: np.ndarray) -> np.ndarray:
        return np.array([self.pos[i] for i in people.tolist()])


class OrgRenderer(SpaceRenderer):
    """A Mesa ``SpaceRenderer`` for one :class:`OrgView` (matplotlib backend).

    Built once per model; Mesa's ``SpaceRendererComponent`` redraws it each week.
    The sector names and the legend are drawn once, by the post-processing step.
    """

    def __init__(self, view: OrgView, size_inches: tuple[float, float] = (9.6, 5.8)) -> None:
        self.view = view
        super().__init__(view, backend="matplotlib")
        self.backend_renderer.fig.set_size_inches(*size_inches)
        self.setup_structure()
        self.setup_agents(view.portray)
        self.post_process = self._decorate
        self.render()  # Mesa's component redraws only what has been drawn once

    def _get_space_drawer(self) -> OrgChartDrawer:
        return OrgChartDrawer(self.space, self.view)

    def _decorate(self, ax) -> None:
        for name, angle, radius, front in self.view.sectors:
            x, y = radius * np.cos(angle), radius * np.sin(angle)
            ha = "left" if x > 0.25 * radius else "right" if x < -0.25 * radius else "center"
            va = "bottom" if y > 0.25 * radius else "top" if y < -0.25 * radius else "center"
            ax.text(
                x,
                y,
                _(name),
                ha=ha,
                va=va,
                fontsize=12 if front else 10,
                color="#222222" if front else "#8a8a8a",
                style="normal" if front or get_language() != "en" else "italic",  # no CJK italic
                fontweight="bold" if front else "normal",
            )
        handles = [
            Line2D(
                [],
                [],
                linestyle="",
                marker="o",
                markersize=9,
                color=STANDING_COLOURS[code],
                label=_(text),
            )
            for code, text in STANDING_LEGEND
        ]
        handles += [
            Line2D(
                [],
                [],
                linestyle="",
                marker=marker,
                markersize=ms,
                markerfacecolor="white",
                markeredgecolor="#333333",
                label=_(text),
            )
            for marker, ms, text in (
                ("*", 14, N_("executive")),
                ("s", 8, N_("manager")),
                ("o", 6, N_("staff")),
            )
        ]
        ax.legend(
            handles=handles,
            loc="center left",
            bbox_to_anchor=(1.0, 0.5),
            frameon=False,
            fontsize=13,
            handletextpad=0.3,
            labelspacing=0.9,
        )
