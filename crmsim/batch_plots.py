"""Band plots of a batch: median curves with 50 % and 90 % bands across replicates.

The functions take the tables of :func:`crmsim.analysis.band_table`, accept
``ax=None`` and return the figure or axes (so the CLI, reports and
notebooks share them). They never call ``pyplot`` or change the backend: a
figure built here is a plain :class:`matplotlib.figure.Figure` that saves
to PNG, SVG or PDF by the file's extension.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from crmsim.analysis import METRIC_LABELS, MONEY_METRICS, group_label
from crmsim.errors import CrmsimError
from crmsim.files import atomic_write, make_dirs
from crmsim.i18n import N_, _
from crmsim.money import USD, Money

FORMATS = (".png", ".svg", ".pdf")
"""File types ``save_figure`` writes, chosen by extension."""

MAX_PANELS = 16

# crmsim.analysis.METRIC_LABELS, marked for the catalogue so that axis labels read in Chinese
# (tests/test_dashboard_i18n.py checks that they are still the labels).
METRIC_WORDS = (
    N_("Routine CRM users (share)"), N_("Trying or using CRM (share)"),
    N_("Rejecting CRM (share)"), N_("Frontline confidence (0-1)"),
    N_("Managers' confidence (0-1)"), N_("Sponsor's confidence (0-1)"),
    N_("CRM users' confidence (0-1)"), N_("Managers' resistance (0-1)"),
    N_("Profit vs pre-project (share)"), N_("Cumulative profit change ({unit})"),
    N_("Project spend ({unit})"), N_("Users' skill (0-1)"),
)  # fmt: skip


def metric_label(metric: str, money: Money | None = USD) -> str:
    """The axis label of a weekly series in the current language; money in ``money``'s unit.

    Args:
        metric: A weekly column (:data:`crmsim.analysis.METRIC_LABELS` names most).
        money: The scenarios' currency (:func:`crmsim.money.common_money`); None when
            the groups' currencies differ (then each in its own base unit).
    """
    label = METRIC_LABELS.get(metric)
    if label is None:
        return metric
    if metric not in MONEY_METRICS:
        return _(label)
    unit = money.unit_name() if money is not None else _("each scenario's own currency")
    return _(label).format(unit=unit)


def _colours(n: int, sequential: bool) -> list[Any]:
    from matplotlib import colormaps

    if sequential and n > 1:
        cmap = colormaps["viridis"]
        return [cmap(x) for x in np.linspace(0.0, 0.85, n)]
    cmap = colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]


def plot_bands(
    table: pd.DataFrame,
    colour_by: Sequence[str],
    metric: str,
    ax: Axes | None = None,
    title: str | None = None,
    money: Money | None = USD,
) -> Axes:
    """Draw one panel: a median line and shaded 50 % / 90 % bands per group.

    Args:
        table: Rows of :func:`crmsim.analysis.band_table` for this panel.
        colour_by: The dimensions telling the groups apart (one colour each;
            a single numeric swept parameter gets an ordered colour scale).
        metric: The weekly column shown (for the axis label).
        ax: Axes to draw on (a new figure when None).
        title: Panel title.
        money: The currency of a money series (:func:`metric_label`): drawn in its
            display unit (``k$``, ``万元``).

    Returns:
        The axes drawn on.
    """
    if ax is None:
        ax = Figure(figsize=(7, 4.2), layout="constrained").add_subplot()
    groups = list(table.groupby(list(colour_by), sort=True, dropna=False))
    numeric = len(colour_by) == 1 and colour_by[0] != "scenario"
    colours = _colours(len(groups), numeric)
    scale = money.scale if money is not None and metric in MONEY_METRICS else 1.0
    for colour, (key, g) in zip(colours, groups, strict=True):
        key_t = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("week")
        week = g["week"].to_numpy(dtype=float)
        q = {c: g[c].to_numpy(dtype=float) / scale for c in ("q05", "q25", "q50", "q75", "q95")}
        ax.fill_between(week, q["q05"], q["q95"], color=colour, alpha=0.15, linewidth=0)
        ax.fill_between(week, q["q25"], q["q75"], color=colour, alpha=0.3, linewidth=0)
        runs = int(g["n"].max()) if len(g) else 0
        ax.plot(week, q["q50"], color=colour, linewidth=1.8,
                label=f"{group_label(colour_by, key_t)} (n={runs})")  # fmt: skip
    ax.set_xlabel(_("Week"))
    ax.set_ylabel(metric_label(metric, money))
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False, title=_("median, 50 % and 90 % bands"),
              title_fontsize=8)  # fmt: skip
    return ax


def plot_band_panels(
    table: pd.DataFrame,
    colour_by: Sequence[str],
    panel_by: Sequence[str],
    metric: str,
    caption: str | None = None,
    money: Money | None = USD,
) -> Figure:
    """Small multiples: one panel per value of ``panel_by``, colours by ``colour_by``.

    Args:
        table: Rows of :func:`crmsim.analysis.band_table`.
        colour_by: Dimensions told apart by colour.
        panel_by: Dimensions given a panel per value.
        metric: The weekly column shown.
        caption: Text under the panels (e.g. the batch's completeness,
            :meth:`crmsim.completeness.Completeness.caption`).
        money: The currency of a money series (:func:`plot_bands`).

    Raises:
        CrmsimError: when there would be more than ``MAX_PANELS`` panels.
    """
    if not panel_by:
        fig = plot_bands(table, colour_by, metric, money=money).figure
        return _captioned(fig, caption)
    panels = list(table.groupby(list(panel_by), sort=True, dropna=False))
    if len(panels) > MAX_PANELS:
        raise CrmsimError(
            f"{len(panels)} panels ({', '.join(panel_by)} vary too); choose --by among them "
            "or plot a batch with fewer combinations"
        )
    ncols = min(3, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig = Figure(figsize=(5.2 * ncols, 3.6 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
    for ax, (key, g) in zip(axes.flat, panels, strict=False):
        key_t = key if isinstance(key, tuple) else (key,)
        plot_bands(g, colour_by, metric, ax=ax, title=group_label(panel_by, key_t), money=money)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    for ax in axes[:, 1:].flat:  # the y axis is shared: label the first column only
        ax.set_ylabel("")
    return _captioned(fig, caption)


def _captioned(fig: Figure, caption: str | None) -> Figure:
    """The figure with ``caption`` under it (the layout makes room for it)."""
    if caption:
        incomplete = not caption.startswith("Complete")
        fig.supxlabel(caption, fontsize=8, color="#b00020" if incomplete else "#555555",
                      ha="left", x=0.01)  # fmt: skip
    return fig


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Save as PNG, SVG or PDF by extension (temporary file, then rename).

    Raises:
        CrmsimError: for another extension, or Chinese without a CJK font.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise CrmsimError(f"--out {path}: use a .png, .svg or .pdf file name")
    from crmsim.fonts import use_fonts

    use_fonts()  # drawn in Chinese (crmsim --lang zh plot): a CJK font; English: nothing
    make_dirs(path.parent)
    return atomic_write(path, lambda fh: fig.savefig(fh, format=ext[1:], dpi=150))
