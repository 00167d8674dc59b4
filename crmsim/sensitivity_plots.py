"""Charts of a sensitivity analysis: tornado, Sobol' bars, Morris plane, levers one at a time.

The functions take the tables of :mod:`crmsim.sensitivity` (``Analysis.indices``
and :func:`crmsim.sensitivity.lever_table`), accept ``ax=None`` (or
``fig=None``) and return what they drew on, so the CLI, reports and notebooks
share them. They never import ``pyplot`` or change the backend; save with
:func:`crmsim.batch_plots.save_figure` (PNG, SVG or PDF by extension).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

RAISES = "#2a7ab0"
LOWERS = "#d9822b"
FIRST = "#1f4e79"
TOTAL = "#9ecae1"
NOISE = "#b0b0b0"
SUCCESS = "#2a7ab0"
ADOPTION = "#3a9a5b"


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        ax = Figure(figsize=size, layout="constrained").add_subplot()
    return ax


def _names(indices: pd.DataFrame) -> list[str]:
    out = []
    for r in indices.itertuples():
        name = r.label if isinstance(r.label, str) and r.label else r.parameter
        if (r.lo, r.hi) != (0.0, 1.0):
            name += f" [{r.lo:g}, {r.hi:g}]"
        out.append(name)
    return out


def _noise_band(ax: Axes, floor: float, vertical: bool) -> None:
    if not (isinstance(floor, float) and math.isfinite(floor)) or floor <= 0:
        return
    label = "within replicate noise"
    if vertical:
        ax.axvspan(0, floor, color=NOISE, alpha=0.25, linewidth=0, label=label, zorder=0)
    else:
        ax.axhspan(0, floor, color=NOISE, alpha=0.25, linewidth=0, label=label, zorder=0)


def plot_tornado(indices: pd.DataFrame, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Horizontal bars, most influential parameter on top.

    Morris: ``mu*`` with its 95 % interval, coloured by the sign of ``mu``
    (raises or lowers the output), ``sigma`` as a diamond. Sobol': total
    index ``ST`` (light) with the first-order ``S1`` (dark) inside it, both
    with 95 % intervals. The grey band is the replicate-noise floor.

    Args:
        indices: ``Analysis.indices`` (one row per parameter, ranked).
        ax: Axes to draw on (a new figure when None).
        title: Title (default: the output and method).

    Returns:
        The axes drawn on.
    """
    t = indices.sort_values("rank", ascending=False, kind="stable")
    ax = _axes(ax, (7.5, 0.45 * len(t) + 1.6))
    y = np.arange(len(t))
    output = str(t["output"].iloc[0]) if "output" in t else ""
    if "mu_star" in t:
        colours = [RAISES if mu >= 0 else LOWERS for mu in t["mu"]]
        ax.barh(y, t["mu_star"], xerr=t["mu_star_conf"], color=colours, height=0.65,
                error_kw={"elinewidth": 1, "capsize": 2})  # fmt: skip
        ax.scatter(t["sigma"], y, marker="D", s=22, color="black", zorder=3, label="sigma")
        for colour, text in ((RAISES, "raises it (mu > 0)"), (LOWERS, "lowers it (mu < 0)")):
            ax.add_artist(Rectangle((0, 0), 0, 0, color=colour, label=f"mu*, {text}"))
        ax.set_xlabel(f"Effect on {output} of a move across the range (Morris mu*, 95 % interval)")
        default_title = f"Morris screening: {output}"
    else:
        # ST: the wide light bar, interval on its upper half; S1 (an estimate that can
        # come out below 0): the narrow dark bar on the lower half, interval at its value.
        err = {"elinewidth": 1, "capsize": 2, "fmt": "none", "ecolor": "black"}
        ax.barh(y, t["ST"], color=TOTAL, height=0.76, label="total (ST)")
        ax.errorbar(t["ST"], y + 0.19, xerr=t["ST_conf"], **err)
        ax.barh(y - 0.17, t["S1"], color=FIRST, height=0.3, label="first order (S1)")
        ax.errorbar(t["S1"], y - 0.17, xerr=t["S1_conf"], **err)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel(f"Share of the variance of {output} (Sobol', 95 % intervals)")
        default_title = f"Sobol' indices: {output}"
    _noise_band(ax, float(t["noise_floor"].iloc[0]), vertical=True)
    ax.set_yticks(y, _names(t))
    if "mu_star" in t:
        ax.set_xlim(left=0)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_title(title or default_title, fontsize=10)
    return ax


def plot_sobol_bars(
    indices: pd.DataFrame, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Grouped bars of Sobol' ``S1`` and ``ST`` per parameter with 95 % intervals.

    Args:
        indices: ``Analysis.indices`` of a Sobol' analysis.
        ax: Axes to draw on (a new figure when None).
        title: Title (default: the output).

    Returns:
        The axes drawn on.
    """
    t = indices.sort_values("rank", kind="stable")
    ax = _axes(ax, (max(6.0, 0.8 * len(t) + 2.0), 4.2))
    x = np.arange(len(t))
    w = 0.38
    err = {"elinewidth": 1, "capsize": 3}
    ax.bar(x - w / 2, t["S1"], w, yerr=t["S1_conf"], color=FIRST, label="first order S1",
           error_kw=err)  # fmt: skip
    ax.bar(x + w / 2, t["ST"], w, yerr=t["ST_conf"], color=TOTAL, label="total ST",
           error_kw=err)  # fmt: skip
    _noise_band(ax, float(t["noise_floor"].iloc[0]), vertical=False)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, _names(t), rotation=30, ha="right")
    output = str(t["output"].iloc[0]) if "output" in t else ""
    ax.set_ylabel("Share of variance (95 % bootstrap interval)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(title or f"Sobol' indices: {output}", fontsize=10)
    return ax


def plot_morris_plane(
    indices: pd.DataFrame, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Morris ``sigma`` against ``mu*``, with the ratio lines of Garcia Sanchez et al. (2014).

    ``sigma / mu*`` below 0.1 reads as a linear effect, up to 0.5 monotonic,
    up to 1 almost monotonic, above 1 non-linear or interacting.

    Args:
        indices: ``Analysis.indices`` of a Morris analysis.
        ax: Axes to draw on (a new figure when None).
        title: Title (default: the output).

    Returns:
        The axes drawn on.
    """
    ax = _axes(ax, (6.5, 5.0))
    top = float(max(indices["mu_star"].max(), indices["sigma"].max(), 1e-12)) * 1.15
    for ratio, style in ((0.1, ":"), (0.5, "--"), (1.0, "-")):
        ax.plot([0, top], [0, ratio * top], color="grey", linestyle=style, linewidth=0.8,
                label=f"sigma / mu* = {ratio:g}")  # fmt: skip
    _noise_band(ax, float(indices["noise_floor"].iloc[0]), vertical=True)
    colours = [RAISES if mu >= 0 else LOWERS for mu in indices["mu"]]
    ax.scatter(indices["mu_star"], indices["sigma"], c=colours, s=30, zorder=3)
    for name, mx, sy, ly in _spread_labels(indices, top):
        right = mx > 0.6 * top  # label to the left of points near the right edge
        ax.annotate(name, (mx, sy), xytext=(mx + (-0.01 if right else 0.01) * top, ly),
                    fontsize=7, ha="right" if right else "left", va="center",
                    arrowprops={"arrowstyle": "-", "color": "grey", "linewidth": 0.5}
                    if abs(ly - sy) > 0.02 * top else None)  # fmt: skip
    output = str(indices["output"].iloc[0]) if "output" in indices else ""
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel("mu* (mean absolute effect)")
    ax.set_ylabel("sigma (spread of the effect: non-linearity, interactions)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    ax.set_title(title or f"Morris plane: {output}", fontsize=10)
    return ax


def _spread_labels(indices: pd.DataFrame, top: float) -> list[tuple[str, float, float, float]]:
    """Label heights for the Morris plane, pushed apart where points crowd together."""
    gap = 0.035 * top
    rows = sorted(
        zip(_names(indices), indices["mu_star"], indices["sigma"], strict=True),
        key=lambda r: r[2],
    )
    placed: list[tuple[str, float, float, float]] = []
    for name, mx, sy in rows:
        ly = sy
        for _, px, _, py in placed:
            if abs(px - mx) < 0.3 * top and ly - py < gap:
                ly = py + gap
        placed.append((name, float(mx), float(sy), float(ly)))
    return placed


def plot_levers(table: pd.DataFrame, fig: Figure | None = None, title: str | None = None) -> Figure:
    """One panel per lever: success rate and final adoption as the lever goes from 0 to 1.

    Success rate with its 95 % Wilson interval; final adoption's median with
    50 % and 90 % bands across replicates; a dotted line at the scenario's
    own value of the lever. The other levers stay at the scenario's values.

    Args:
        table: :func:`crmsim.sensitivity.lever_table`.
        fig: Figure to draw on (a new one when None).
        title: Figure title.

    Returns:
        The figure.
    """
    levers = list(dict.fromkeys(table["lever"]))
    ncols = min(3, len(levers))
    nrows = math.ceil(len(levers) / ncols)
    if fig is None:
        fig = Figure(figsize=(4.2 * ncols, 3.0 * nrows + 0.6), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
    for ax, lever in zip(axes.flat, levers, strict=False):
        g = table[table["lever"] == lever].sort_values("value")
        v = g["value"].to_numpy(dtype=float)
        ax.fill_between(v, g["adoption_q05"], g["adoption_q95"], color=ADOPTION, alpha=0.15,
                        linewidth=0, label="adoption, 90 % band")  # fmt: skip
        ax.fill_between(v, g["adoption_q25"], g["adoption_q75"], color=ADOPTION, alpha=0.3,
                        linewidth=0, label="adoption, 50 % band")  # fmt: skip
        ax.plot(v, g["adoption_median"], color=ADOPTION, linewidth=1.8,
                label="final adoption (median)")  # fmt: skip
        ax.fill_between(v, g["success_lo"], g["success_hi"], color=SUCCESS, alpha=0.2,
                        linewidth=0, label="success, 95 % interval")  # fmt: skip
        ax.plot(v, g["success_rate"], color=SUCCESS, linewidth=1.8, marker="o", markersize=3,
                label="success rate")  # fmt: skip
        ax.axvline(float(g["scenario_value"].iloc[0]), color="black", linestyle=":",
                   linewidth=1, label="scenario's value")  # fmt: skip
        ax.set_title(str(g["label"].iloc[0]), fontsize=10)
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.02, 1.02)  # a success rate of 0 or 1 stays visible
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(levers) :]:
        ax.set_visible(False)
    for ax in axes[-1, :]:
        ax.set_xlabel("Lever intensity")
    for ax in axes[:, 0]:
        ax.set_ylabel("Share")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    n = int(table["n"].median()) if len(table) else 0
    fig.suptitle(title or f"One lever at a time (others at the scenario's values; n={n} per point)",
                 fontsize=11)  # fmt: skip
    return fig
