"""SALib's analysis of the point means, the replicate noise beside it, and its table (step 6).

**Replicate noise.** The model is stochastic, so each point's output is a
mean over ``R`` replicates with standard error ``se``. The indices are
computed on those means; the noise in them is reported as its share of
the variance between point means, ``noise_share = mean(se²) / var(means)``.
What that does to the indices: for Sobol', a parameter with no effect still
gets ``ST ≈ noise_share`` (Jansen's estimator adds the noise variance of
two independent means) while ``S1`` is unbiased; for Morris, a parameter
with no effect gets ``mu* ≈ 2·se/(√π·Δ)`` (the mean absolute value of a
difference of two noisy means divided by the step ``Δ``). Both are given as
``noise_floor``: an index below it cannot be told from replicate noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmsim.errors import CrmsimError

if TYPE_CHECKING:
    from crmsim.sensitivity.design import Design

CONF_LEVEL = 0.95
"""Confidence level of SALib's bootstrap intervals."""

RESAMPLES = 100
"""Bootstrap resamples for the intervals (SALib's default)."""


class ConstantOutput(CrmsimError):
    """The output is the same at every sample point: no index can be computed."""


@dataclass
class Analysis:
    """The indices of one output and the noise behind them.

    Attributes:
        output: The summary figure analysed.
        method: ``morris`` or ``sobol``.
        indices: One row per factor, ranked (see :func:`analyse`).
        second_order: Sobol' pairs (``parameter``, ``other``, ``S2``,
            ``S2_conf``); None for Morris.
        points: The table of :func:`point_outputs`.
        noise: The figures of :func:`noise_report`.
    """

    output: str
    method: str
    indices: pd.DataFrame
    second_order: pd.DataFrame | None
    points: pd.DataFrame
    noise: dict[str, Any]


def noise_report(table: pd.DataFrame, method: str, morris_step: float) -> dict[str, Any]:
    """How much of the spread between point means is replicate noise.

    Args:
        table: :func:`point_outputs`' table.
        method: ``morris`` or ``sobol`` (which noise floor to give).
        morris_step: The Morris step ``Δ`` as a share of each range.

    Returns:
        ``replicates`` (median finished runs per point), ``se_rms`` (root
        mean square standard error of a point mean), ``sd_means`` (standard
        deviation between point means), ``noise_share`` (``se_rms² /
        sd_means²``), ``noise_floor`` (Sobol': ``ST`` of a parameter without
        effect ≈ ``noise_share``; Morris: ``mu*`` of one ≈ ``2·se_rms/(√π·Δ)``)
        and ``censored`` (share of runs whose missing week was counted as
        ``run.weeks + 1``). Noise figures are NaN with one replicate.
    """
    se = table["se"].to_numpy(dtype=float)
    means = table["mean"].to_numpy(dtype=float)
    se_rms = float(np.sqrt(np.nanmean(se**2))) if np.isfinite(se).any() else math.nan
    sd_means = float(np.std(means, ddof=1)) if len(means) > 1 else math.nan
    var = sd_means**2
    share = se_rms**2 / var if var > 0 else (0.0 if se_rms == 0 else math.nan)
    # Sobol': the noise adds to every ST; Morris: E|N(0, 2 se²)| / Δ = 2 se / (√π Δ)
    morris_floor = 2.0 * se_rms / (math.sqrt(math.pi) * morris_step)
    floor = share if method == "sobol" else morris_floor
    runs = table["n"].to_numpy(dtype=float)
    censored = float(np.nansum(table["censored"] * runs) / runs.sum()) if runs.sum() else 0.0
    return {
        "replicates": int(np.median(runs)) if len(runs) else 0,
        "se_rms": se_rms,
        "sd_means": sd_means,
        "noise_share": share,
        "noise_floor": floor,
        "censored": censored,
    }


def analyse(
    design: Design,
    x: np.ndarray,
    table: pd.DataFrame,
    output: str,
    resamples: int = RESAMPLES,
) -> Analysis:
    """SALib's analysis of the point means, with the replicate noise beside it.

    Args:
        design: The design the sample came from.
        x: The sample (:func:`sample`), row ``i`` = point ``i``.
        table: :func:`point_outputs`' table for ``output``.
        output: The summary figure analysed.
        resamples: Bootstrap resamples for the confidence intervals.

    Returns:
        The indices, ranked: Morris ``mu``, ``mu_star`` (± ``mu_star_conf``,
        the half-width of the 95 % bootstrap interval) and ``sigma``, in
        output units per full range of the parameter; Sobol' ``S1`` and
        ``ST`` with their half-widths, and second-order pairs. Every row
        also carries ``noise_share``, ``noise_floor`` and ``clear_of_noise``
        (the lower end of its 95 % interval is above the noise floor).

    Raises:
        CrmsimError: when a point has no finished run (its runs all failed).
        ConstantOutput: when the output is the same at every point.
    """
    empty = table.index[table["n"] == 0]
    if len(empty):
        raise CrmsimError(
            f"{len(empty)} of {len(table)} sample points have no finished run (all failed); "
            "the indices need every point: rerun with --resume after fixing the cause"
        )
    y = table["mean"].to_numpy(dtype=float)
    if np.ptp(y) == 0:
        raise ConstantOutput(
            f"{output} is {y[0]:g} at every sample point; there is no variation to apportion"
        )
    problem = design.problem()
    seed = design.seed("analysis")
    noise = noise_report(table, design.method, design.morris_step)
    base = pd.DataFrame(
        {
            "parameter": design.names,
            "label": [f.label for f in design.factors],
            "lo": [f.lo for f in design.factors],
            "hi": [f.hi for f in design.factors],
        }
    )
    second = None
    if design.method == "morris":
        from SALib.analyze import morris as morris_analysis

        si = morris_analysis.analyze(
            problem, x, y, num_resamples=resamples, conf_level=CONF_LEVEL,
            num_levels=design.levels, seed=seed,
        )  # fmt: skip
        for key in ("mu", "mu_star", "mu_star_conf", "sigma"):
            base[key] = np.asarray(si[key], dtype=float)
        rank_by = "mu_star"
    else:
        from SALib.analyze import sobol as sobol_analysis

        si = sobol_analysis.analyze(
            problem, y, calc_second_order=True, num_resamples=resamples,
            conf_level=CONF_LEVEL, seed=seed,
        )  # fmt: skip
        for key in ("S1", "S1_conf", "ST", "ST_conf"):
            base[key] = np.asarray(si[key], dtype=float)
        rank_by = "ST"
        pairs = []
        for i, j in zip(*np.triu_indices(len(design.factors), k=1), strict=True):
            pairs.append(
                {
                    "parameter": design.names[i],
                    "other": design.names[j],
                    "S2": float(si["S2"][i, j]),
                    "S2_conf": float(si["S2_conf"][i, j]),
                }
            )
        second = pd.DataFrame(pairs, columns=["parameter", "other", "S2", "S2_conf"])
        second = second.sort_values("S2", ascending=False, kind="stable").reset_index(drop=True)
    base["noise_share"] = noise["noise_share"]
    base["noise_floor"] = noise["noise_floor"]
    floor = noise["noise_floor"] if math.isfinite(noise["noise_floor"]) else 0.0
    base["clear_of_noise"] = (base[rank_by] - base[f"{rank_by}_conf"]) > floor
    base["rank"] = base[rank_by].rank(ascending=False, method="first").astype(int)
    base.insert(0, "output", output)
    base.insert(1, "method", design.method)
    indices = base.sort_values("rank", kind="stable").reset_index(drop=True)
    return Analysis(output, design.method, indices, second, table, noise)


def ranking(analysis: Analysis) -> list[str]:
    """The factors from most to least influential (by ``mu*`` or ``ST``)."""
    return list(analysis.indices["parameter"])


def noise_tied_ranks(indices: pd.DataFrame) -> pd.Series:
    """Ranks by parameter, the parameters not clear of the noise sharing one tied rank.

    A parameter is *clear of the noise* when the lower end of its index's
    95 % interval (``mu* - mu*_conf`` or ``ST - ST_conf``) is above the
    noise floor. The order among the others is replicate noise, so they
    share the mean of the ranks left (Spearman's convention for ties).

    Args:
        indices: ``Analysis.indices``, or the ``indices-OUTPUT.csv`` written from it.
    """
    ranks = indices["rank"].astype(float).copy()
    within = ~indices["clear_of_noise"].astype(bool)
    if within.any():
        ranks[within] = ranks[within].mean()
    return pd.Series(ranks.to_numpy(), index=indices["parameter"], name="rank")


# --------------------------------------------------------------------------- text
def _range_text(lo: float, hi: float) -> str:
    return f"[{lo:g}, {hi:g}]"


def _percent(share: float) -> str:
    pct = 100 * share
    return f"{pct:.0f} %" if pct >= 10 or pct == 0 else f"{pct:.2g} %"


def format_indices(analysis: Analysis, design: Design) -> str:
    """The indices as a terminal table, with the noise and censoring beneath.

    The last column says whether each index stands clear of the replicate
    noise (``clear``) or could be noise (``within``).
    """
    t = analysis.indices
    noise = analysis.noise
    width = max(len("parameter"), *(len(n) for n in t["parameter"]))
    verdict = ["clear" if c else "within" for c in t["clear_of_noise"]]
    head = f"{'rank':>4}  {'parameter':<{width}}  {'range':<14}"
    lines = []
    if analysis.method == "morris":
        lines.append(
            f"Morris elementary effects of {analysis.output} ({design.n_points} points x "
            f"{design.replicates} replicates; per move across each parameter's range)"
        )
        lines.append(f"{head} {'mu*':>8} {'+-95%':>7} {'mu':>8} {'sigma':>8}  noise")
        for r, v in zip(t.itertuples(), verdict, strict=True):
            lines.append(
                f"{r.rank:>4}  {r.parameter:<{width}}  {_range_text(r.lo, r.hi):<14} "
                f"{r.mu_star:>8.3g} {r.mu_star_conf:>7.2g} {r.mu:>8.3g} {r.sigma:>8.3g}  {v}"
            )
        floor_text = f"a mu* below {noise['noise_floor']:.3g}"
    else:
        lines.append(
            f"Sobol' indices of {analysis.output} ({design.n_points} points x "
            f"{design.replicates} replicates; +- = half-width of the 95 % bootstrap interval)"
        )
        lines.append(f"{head} {'S1':>7} {'+-95%':>6} {'ST':>7} {'+-95%':>6}  noise")
        for r, v in zip(t.itertuples(), verdict, strict=True):
            lines.append(
                f"{r.rank:>4}  {r.parameter:<{width}}  {_range_text(r.lo, r.hi):<14} "
                f"{r.S1:>7.3f} {r.S1_conf:>6.3f} {r.ST:>7.3f} {r.ST_conf:>6.3f}  {v}"
            )
        if analysis.second_order is not None and len(analysis.second_order):
            top = analysis.second_order.head(3)
            pairs = "; ".join(
                f"{p.parameter} x {p.other} {p.S2:.3f} +- {p.S2_conf:.3f}" for p in top.itertuples()
            )
            lines.append(f"largest interactions (S2): {pairs}")
        floor_text = f"an ST below {noise['noise_floor']:.3f}"
    if math.isnan(noise["se_rms"]):
        lines.append("replicate noise: not estimated with one replicate per point")
    else:
        lines.append(
            f"replicate noise: a point's mean has standard error {noise['se_rms']:.3g} "
            f"(rms, {noise['replicates']} runs), {_percent(noise['noise_share'])} of the "
            f"variance between points (sd {noise['sd_means']:.3g}); "
            f"{floor_text} cannot be told from noise"
        )
    if noise["censored"] > 0:
        lines.append(
            f"{analysis.output}: {_percent(noise['censored'])} of runs never got there within "
            "the run and count as run.weeks + 1 (their effects are understated)"
        )
    return "\n".join(lines)
