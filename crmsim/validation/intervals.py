"""95 % intervals for the measures of :mod:`crmsim.validation.measures`.

- Shares: Wilson's score interval (:func:`crmsim.analysis.wilson_interval`).
- Means and paired mean differences: Student's t interval, or a percentile
  bootstrap when a target asks for ``interval = "bootstrap"``.
- Medians: the distribution-free order-statistic interval (binomial).

Bootstraps draw from ``numpy.random.default_rng(seed)`` with a seed fixed by
the target (so a report is repeatable); they resample runs, or, for paired
measures, replicates (the common-random-numbers pairs) as a whole.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import stats

from crmsim.analysis import wilson_interval

BOOTSTRAP_DRAWS = 2000
"""Resamples per bootstrap interval."""

Interval = tuple[float, float, float]
"""``(estimate, low, high)``; NaN when it cannot be computed."""

NAN3: Interval = (math.nan, math.nan, math.nan)


def share(values: np.ndarray, level: float = 0.95) -> Interval:
    """The share of true values with its Wilson interval."""
    n = int(values.size)
    if n == 0:
        return NAN3
    k = int(np.count_nonzero(values))
    z = float(stats.norm.ppf(0.5 + level / 2))
    lo, hi = wilson_interval(k, n, z)
    return (k / n, lo, hi)


def t_mean(values: np.ndarray, level: float = 0.95, unit: float = 0.0) -> Interval:
    """The mean with Student's t interval.

    When every value is equal (common with true/false outcomes and few runs) the t interval
    has zero width, which would claim certainty; it is then widened to ``+- unit x
    (-ln(1 - level)) / n``, the "rule of three" bound on the share of runs that could
    differ, each by at most ``unit``.
    """
    n = int(values.size)
    if n == 0:
        return NAN3
    m = float(np.mean(values))
    if n == 1:
        return (m, -math.inf, math.inf)
    se = float(np.std(values, ddof=1)) / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
    if half == 0.0 and unit > 0:
        half = unit * -math.log(1 - level) / n
    return (m, m - half, m + half)


def bootstrap(
    values: np.ndarray,
    statistic: Callable[[np.ndarray], float],
    seed: int,
    level: float = 0.95,
) -> Interval:
    """Percentile bootstrap of ``statistic`` over the rows of ``values``.

    ``values`` may be 2-D (one row per replicate), so paired measures keep
    their pairs when resampled.
    """
    n = int(values.shape[0])
    if n == 0:
        return NAN3
    est = float(statistic(values))
    rng = np.random.default_rng(seed)
    draws = np.empty(BOOTSTRAP_DRAWS)
    for i in range(BOOTSTRAP_DRAWS):
        draws[i] = statistic(values[rng.integers(0, n, n)])
    tail = (1 - level) / 2
    lo, hi = np.nanquantile(draws, [tail, 1 - tail])
    return (est, float(lo), float(hi))


def mean_interval(
    values: np.ndarray, method: str, seed: int, level: float = 0.95, unit: float = 0.0
) -> Interval:
    """The mean with a t (``method="t"``, see :func:`t_mean`) or bootstrap interval."""
    if method == "bootstrap":
        return bootstrap(values, lambda v: float(np.mean(v)), seed, level)
    return t_mean(values, level, unit)


def median_interval(values: np.ndarray, level: float = 0.95) -> Interval:
    """The median with its distribution-free interval from order statistics.

    The interval is ``[x_(j), x_(k)]`` with ``j`` and ``k`` from the Binomial(n, 1/2)
    quantiles, so it covers the median with at least ``level`` whatever the distribution;
    with too few runs for that (n < 6 at 95 %) it is unbounded.
    """
    n = int(values.size)
    if n == 0:
        return NAN3
    x = np.sort(values)
    med = float(np.median(x))
    tail = (1 - level) / 2
    j = int(stats.binom.ppf(tail, n, 0.5))  # x_(j) with 1-based j has P(X < j) <= tail
    if j < 1 or stats.binom.cdf(j - 1, n, 0.5) > tail:
        j -= 1
    if j < 1:
        return (med, -math.inf, math.inf)
    return (med, float(x[j - 1]), float(x[n - j]))
