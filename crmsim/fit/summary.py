"""The posterior in numbers: medians, 90 % credible intervals, what the data taught, trade-offs.

An unknown counts as *learned* when its 90 % credible interval is at most
:data:`LEARNED` of its prior's 90 % interval (on the log scale for a
log-uniform prior); otherwise the data say little
about it and the table says so. Two unknowns *trade off* when their
posterior correlation is at least :data:`TRADE_OFF` in size: the data pin
down a combination of the two, not each one (the pair plot shows the ridge).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from crmsim.fit.infer import Posterior
from crmsim.fit.problem import Prior

LEARNED = 0.6
"""Largest ratio of posterior to prior 90 % width for an unknown to count as learned."""

TRADE_OFF = 0.5
"""Smallest absolute posterior correlation for two unknowns to count as trading off."""


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """Quantiles ``q`` of values ``x`` with weights ``w`` (interpolated on the weighted CDF)."""
    order = np.argsort(x)
    xs, ws = x[order], w[order]
    cdf = (np.cumsum(ws) - 0.5 * ws) / ws.sum()
    return np.interp(q, cdf, xs)


def correlations(post: Posterior) -> np.ndarray:
    """The weighted correlation matrix of the unknowns."""
    x, w = post.values, post.weights
    mean = (w[:, None] * x).sum(axis=0)
    d = x - mean
    cov = (w[:, None] * d).T @ d
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov / np.outer(sd, sd)
    return np.nan_to_num(r)


def trade_offs(post: Posterior) -> list[tuple[str, str, float]]:
    """Pairs of unknowns whose posterior correlation is at least TRADE_OFF in size."""
    r = correlations(post)
    n = len(post.names)
    return [(post.names[i], post.names[j], float(r[i, j]))
            for i in range(n) for j in range(i + 1, n) if abs(r[i, j]) >= TRADE_OFF]  # fmt: skip


def posterior_table(post: Posterior, priors: Sequence[Prior],
                    truth: dict[str, float] | None = None) -> Any:  # fmt: skip
    """One row per unknown: prior, posterior median and 90 % interval, learned or not.

    With ``truth`` (a synthetic firm's true values) also the truth and
    whether the interval covers it.
    """
    import pandas as pd

    rows = []
    for i, prior in enumerate(priors):
        lo, med, hi = weighted_quantile(post.values[:, i], post.weights, (0.05, 0.5, 0.95))
        p_lo, p_hi = prior.draw(0.05), prior.draw(0.95)
        scale = np.log if prior.log else (lambda v: v)  # widths on the prior's own scale
        ratio = (scale(hi) - scale(lo)) / (scale(p_hi) - scale(p_lo))
        row = {"unknown": prior.name, "prior": prior.text(), "median": med, "lo90": lo,
               "hi90": hi, "prior_lo90": p_lo, "prior_hi90": p_hi, "width_ratio": ratio,
               "learned": bool(ratio <= LEARNED)}  # fmt: skip
        if truth is not None and prior.name in truth:
            row["truth"] = truth[prior.name]
            row["covered"] = bool(lo <= truth[prior.name] <= hi)
        rows.append(row)
    return pd.DataFrame(rows)


def identifiability_text(table: Any, pairs: list[tuple[str, str, float]]) -> list[str]:
    """Plain sentences: which unknowns the data pinned down, which not, which trade off."""
    learned = [r.unknown for r in table.itertuples() if r.learned]
    vague = [r.unknown for r in table.itertuples() if not r.learned]
    out = []
    if learned:
        out.append(f"The data narrowed {', '.join(learned)} (90 % interval at most "
                   f"{LEARNED:.0%} of the prior's).")  # fmt: skip
    if vague:
        out.append(f"The data say little about {', '.join(vague)}: their intervals stay close "
                   "to the prior's; read their medians as guesses.")  # fmt: skip
    for a, b, r in pairs:
        way = "the higher the other" if r > 0 else "the lower the other"
        out.append(f"{a} and {b} trade off (correlation {r:+.2f}): the higher the one, {way}; "
                   "the data fix a combination, not each.")  # fmt: skip
    out.append("The forecast and the actions average over the whole posterior, so they do "
               "not rest on any one of these values.")  # fmt: skip
    return out
