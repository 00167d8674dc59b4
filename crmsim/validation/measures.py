"""Measuring a target on the stored runs: an estimate with its 95 % interval, and a verdict.

Each kind of :data:`crmsim.validation.targets.KINDS` reads the per-run
fields of its arms (one frame per arm, indexed by replicate; replicate *r*
of every arm shares its seed, so arm-to-arm differences are paired) and
gives an :class:`Estimate`. Families of intervals (the gaps of an ordering,
the nine levers) are Bonferroni-adjusted so that the whole family holds at
95 %.

Verdicts (:func:`verdict`): *pass* when the whole interval lies inside the
band (for an ordering or the strongest lever, strictly above its lower end:
a claimed order needs a gap), *fail* when it lies wholly outside,
*inconclusive* when it straddles a bound (or the value cannot be computed,
e.g. no run matches ``where``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmsim.validation import intervals as iv
from crmsim.validation.targets import Arm, Target

LEVEL = 0.95
STRICT_KINDS = ("ordering", "strongest_lever")
"""Kinds whose interval must lie strictly above the band's lower end (a claimed order)."""


@dataclass(frozen=True)
class Estimate:
    """A target's model value with its interval.

    Attributes:
        value: The estimate (NaN when it cannot be computed).
        lo: Lower end of the 95 % interval.
        hi: Upper end.
        n: Runs (or replicate pairs) it rests on.
        method: How the interval was made (Wilson, t, bootstrap, Bonferroni).
        detail: Per-part values (levers' effects, ordering's gaps), or a note.
    """

    value: float
    lo: float
    hi: float
    n: int
    method: str
    detail: str = ""


def values(frame: pd.DataFrame, expr: str, boolean: bool = False) -> np.ndarray:
    """An expression over the per-run fields, one value per run (NaN or false when missing)."""
    out = frame.eval(expr) if len(frame) else pd.Series([], dtype=float)
    if not isinstance(out, pd.Series):  # a constant expression
        out = pd.Series([out] * len(frame), index=frame.index)
    if boolean:
        return out.astype("boolean").fillna(False).to_numpy(dtype=bool)
    return pd.to_numeric(out, errors="coerce").astype(float).to_numpy()


def _unit(frame: pd.DataFrame, expr: str) -> float:
    """1 for a true/false expression (its values differ by at most 1), else 0."""
    probe = frame.head(1).eval(expr) if len(frame) else None
    return (
        1.0
        if probe is not None and str(getattr(probe, "dtype", "")) in ("bool", "boolean")
        else 0.0
    )


def _selected(frame: pd.DataFrame, where: str | None) -> pd.DataFrame:
    return frame[values(frame, where, boolean=True)] if where else frame


def _finite(x: np.ndarray) -> np.ndarray:
    return x[np.isfinite(x)]


def _paired(a: pd.DataFrame, b: pd.DataFrame, expr: str) -> np.ndarray:
    """Per-replicate differences ``expr(a) - expr(b)``, on replicates both arms finished."""
    common = a.index.intersection(b.index)
    d = values(a.loc[common], expr) - values(b.loc[common], expr)
    return _finite(d)


def _one_arm(target: Target, frame: pd.DataFrame) -> Estimate:
    data = _selected(frame, target.where)
    if target.kind == "share":
        x = values(data, target.expr, boolean=True)
        return Estimate(*iv.share(x, LEVEL), int(x.size), "Wilson")
    x = _finite(values(data, target.expr))
    if target.kind == "median":
        return Estimate(*iv.median_interval(x, LEVEL), int(x.size), "order statistics")
    est = iv.mean_interval(x, target.interval, target.seed, LEVEL, _unit(data, target.expr))
    return Estimate(*est, int(x.size), target.interval)


def _ordering(target: Target, frame: pd.DataFrame) -> Estimate:
    k = len(target.order) - 1
    level = 1 - (1 - LEVEL) / k
    parts, gaps = [], []
    for first, second in zip(target.order, target.order[1:], strict=False):
        d = _finite(values(frame, first) - values(frame, second))
        est = iv.mean_interval(d, target.interval, target.seed, level, 2 * _unit(frame, first))
        gaps.append(est)
        parts.append(f"{first} - {second} = {est[0]:.3f} [{est[1]:.3f}, {est[2]:.3f}]")
    value = min(g[0] for g in gaps)
    n = int(len(frame))
    method = f"{target.interval}, Bonferroni x{k}" if k > 1 else target.interval
    return Estimate(value, min(g[1] for g in gaps), min(g[2] for g in gaps), n, method,
                    "; ".join(parts))  # fmt: skip


def _lever_effects(
    target: Target, frames: Mapping[Arm, pd.DataFrame]
) -> tuple[pd.DataFrame, list[str]]:
    """Replicates x levers: each lever's 0 -> 1 change in ``expr``, paired by replicate."""
    columns = {}
    for lever in target.levers:
        hi = frames[target.arm.with_set({lever: 1.0})]
        lo = frames[target.arm.with_set({lever: 0.0})]
        common = hi.index.intersection(lo.index)
        columns[lever] = pd.Series(
            values(hi.loc[common], target.expr) - values(lo.loc[common], target.expr),
            index=common,
        )
    table = pd.DataFrame(columns).dropna()
    return table, list(target.levers)


def _short(lever: str) -> str:
    return lever.removeprefix("levers.")


def _strongest(target: Target, frames: Mapping[Arm, pd.DataFrame]) -> Estimate:
    table, levers = _lever_effects(target, frames)
    others = [lv for lv in levers if lv != target.lever]
    level = 1 - (1 - LEVEL) / len(others)
    unit = 2 * _unit(frames[target.arms()[0]], target.expr)
    margins = {
        lv: iv.mean_interval((table[target.lever] - table[lv]).to_numpy(), target.interval,
                             target.seed, level, unit)
        for lv in others
    }  # fmt: skip
    closest = min(others, key=lambda lv: margins[lv][0])
    means = table.mean()
    detail = ", ".join(f"{_short(lv)} {means[lv]:+.3f}" for lv in means.sort_values(
        ascending=False).index)  # fmt: skip
    return Estimate(margins[closest][0], min(m[1] for m in margins.values()),
                    min(m[2] for m in margins.values()), int(len(table)),
                    f"paired {target.interval}, Bonferroni x{len(others)}",
                    f"runner-up: {_short(closest)}; effects: {detail}")  # fmt: skip


def _no_backfire(target: Target, frames: Mapping[Arm, pd.DataFrame]) -> Estimate:
    table, levers = _lever_effects(target, frames)
    level = 1 - (1 - LEVEL) / len(levers)
    unit = _unit(frames[target.arms()[0]], target.expr)
    ests = {lv: iv.mean_interval(table[lv].to_numpy(), target.interval, target.seed, level, unit)
            for lv in levers}  # fmt: skip
    worst = min(levers, key=lambda lv: ests[lv][0])
    detail = ", ".join(
        f"{_short(lv)} {e[0]:+.3f} [{e[1]:+.3f}, {e[2]:+.3f}]"
        for lv, e in sorted(ests.items(), key=lambda kv: kv[1][0])
    )
    lo = min(e[1] for e in ests.values())
    hi = min(e[2] for e in ests.values())
    return Estimate(ests[worst][0], lo, hi, int(len(table)),
                    f"paired {target.interval}, Bonferroni x{len(levers)}",
                    f"lowest: {_short(worst)}; {detail}")  # fmt: skip


def measure(target: Target, frames: Mapping[Arm, pd.DataFrame]) -> Estimate:
    """The target's estimate from its arms' per-run fields (frames indexed by replicate)."""
    kind = target.kind
    if kind in ("share_difference", "mean_difference"):
        a, b = frames[target.arms()[0]], frames[target.arms()[1]]
        if kind == "share_difference":
            a = a.assign(_x=values(a, target.expr, boolean=True).astype(float))
            b = b.assign(_x=values(b, target.expr, boolean=True).astype(float))
            d = _paired(a, b, "_x")
        else:
            d = _paired(a, b, target.expr)
        unit = 1.0 if kind == "share_difference" else _unit(a, target.expr)
        est = iv.mean_interval(d, target.interval, target.seed, LEVEL, unit)
        return Estimate(*est, int(d.size), f"paired {target.interval}")
    if kind == "ordering":
        return _ordering(target, frames[target.arm])
    if kind == "strongest_lever":
        return _strongest(target, frames)
    if kind == "no_backfire":
        return _no_backfire(target, frames)
    return _one_arm(target, frames[target.arm])


def verdict(target: Target, est: Estimate) -> str:
    """``pass`` (interval inside the band), ``fail`` (wholly outside) or ``inconclusive``."""
    lo, hi = target.band
    if any(math.isnan(x) for x in (est.value, est.lo, est.hi)):
        return "inconclusive"
    strict = target.kind in STRICT_KINDS  # a claimed order needs a gap > 0
    if (est.lo > lo if strict else est.lo >= lo) and est.hi <= hi:
        return "pass"
    if est.hi < lo or est.lo > hi:
        return "fail"
    return "inconclusive"


def distance(target: Target, value: float) -> float:
    """How far ``value`` lies outside the band, in band widths (0 inside; 1 if NaN).

    An open band (one end infinite) is measured in the value's own units.
    """
    if math.isnan(value):
        return 1.0
    lo, hi = target.band
    width = hi - lo if math.isfinite(hi - lo) and hi > lo else 1.0
    return max(0.0, lo - value, value - hi) / width
