"""The fit's pictures: the pair plot of the posterior and the fan chart of the forecast.

Figures are :class:`matplotlib.figure.Figure` objects (no pyplot, no global
backend), as in :mod:`crmsim.plotting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from crmsim.fit.data import Observations
from crmsim.fit.infer import Posterior
from crmsim.fit.problem import Prior
from crmsim.fit.summary import correlations

PANELS: tuple[tuple[str, str, str | None], ...] = (
    ("active_share", "Active share (trying or using)", "active_share"),
    ("adoption", "Routine adoption", None),
    ("rejecting_share", "Rejecting / work-arounds", "rejecting_share"),
    ("profit_index", "Weekly profit (1 = before the project)", "profit_index"),
)
"""Fan chart panels: forecast series, title, observed data column drawn in."""


def _log_axis(axis: Any, set_scale: Any) -> None:
    """A log axis with three plain tick labels (no 10^x, no minor labels)."""
    from matplotlib.ticker import LogLocator, NullFormatter, StrMethodFormatter

    set_scale("log")
    axis.set_major_locator(LogLocator(subs=(1.0, 3.0), numticks=4))
    axis.set_major_formatter(StrMethodFormatter("{x:.3g}"))
    axis.set_minor_formatter(NullFormatter())


def pair_plot(post: Posterior, priors: Sequence[Prior],
              truth: dict[str, float] | None = None) -> Figure:  # fmt: skip
    """Weighted histograms on the diagonal, particles below it, correlations above it.

    The axes span each unknown's prior; ``truth`` (a synthetic firm's values)
    is marked in red. Correlations of 0.5 or more in size are printed bold:
    those unknowns trade off.
    """
    n = len(priors)
    fig = Figure(figsize=(2.1 * n + 0.6, 2.1 * n + 0.6), layout="constrained")
    axes = fig.subplots(n, n, squeeze=False)
    r = correlations(post)
    x, w = post.values, post.weights
    size = 4 + 60 * w / w.max()
    for i, pi in enumerate(priors):
        for j, pj in enumerate(priors):
            ax = axes[i, j]
            if i == j:
                bins = (np.geomspace(pi.lo, pi.hi, 25) if pi.log
                        else np.linspace(pi.lo, pi.hi, 25))  # fmt: skip
                ax.hist(x[:, i], bins=bins, weights=w, color="#4575b4", alpha=0.8)
                ax.set_yticks([])
            elif i > j:
                ax.scatter(x[:, j], x[:, i], s=size, color="#4575b4", alpha=0.4, linewidths=0)
                ax.set_ylim(pi.lo, pi.hi)
            else:
                strong = abs(r[i, j]) >= 0.5
                ax.text(0.5, 0.5, f"r = {r[i, j]:+.2f}", ha="center", va="center",
                        fontsize=11, fontweight="bold" if strong else "normal",
                        color="#b2182b" if strong else "#555555", transform=ax.transAxes)  # fmt: skip
                ax.set_xticks([])
                ax.set_yticks([])
                continue
            ax.set_xlim(pj.lo, pj.hi)
            if pj.log:
                _log_axis(ax.xaxis, ax.set_xscale)
            if i > j and pi.log:
                _log_axis(ax.yaxis, ax.set_yscale)
            if truth is not None:
                if i == j and pi.name in truth:
                    ax.axvline(truth[pi.name], color="#d73027", lw=1.5)
                elif pi.name in truth and pj.name in truth:
                    ax.plot(truth[pj.name], truth[pi.name], "x", color="#d73027", ms=8, mew=2)
            ax.tick_params(labelsize=7)
            if i == n - 1:
                ax.set_xlabel(pj.name, fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(pi.name, fontsize=8)
    fig.suptitle("Posterior of the unknowns (axes span the prior; bold r: a trade-off)")
    return fig


def fan_chart(band_table: Any, obs: Observations, success_adoption: float,
              truth: Any = None) -> Figure:  # fmt: skip
    """Median, 50 % and 90 % bands of each series, the observations as dots.

    ``truth`` (a synthetic firm's full weekly record, a DataFrame with the
    columns of :data:`PANELS`) is drawn as a thin black line.
    """
    fig = Figure(figsize=(11, 7), layout="constrained")
    axes = fig.subplots(2, 2).ravel()
    last = obs.last_week
    for ax, (name, title, column) in zip(axes, PANELS, strict=True):
        b = band_table[band_table["series"] == name]
        weeks = b["week"].to_numpy()
        ax.fill_between(weeks, b["q05"], b["q95"], color="#9ecae1", alpha=0.6, lw=0,
                        label="90 % band")  # fmt: skip
        ax.fill_between(weeks, b["q25"], b["q75"], color="#4292c6", alpha=0.6, lw=0,
                        label="50 % band")  # fmt: skip
        ax.plot(weeks, b["q50"], color="#08306b", lw=1.5, label="median")
        if truth is not None and name in truth:
            ax.plot(truth["week"], truth[name], color="black", lw=0.8, label="truth")
        if column is not None and column in obs.values:
            ax.plot(obs.weeks, obs.values[column], "o", ms=3.5, color="#d73027",
                    label="observed")  # fmt: skip
        if name == "adoption":
            ax.axhline(success_adoption, color="#1a9850", ls="--", lw=1,
                       label="success threshold")  # fmt: skip
        ax.axvline(last, color="#777777", ls=":", lw=1)
        ax.axvspan(0, last, color="#eeeeee", zorder=-1)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("week")
        ax.set_xlim(0, weeks[-1])
        if name != "profit_index":
            ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="upper left")
    axes[1].legend(fontsize=8, loc="upper left")
    fig.suptitle(f"Forecast from week {last} (grey: the observed weeks)")
    return fig
