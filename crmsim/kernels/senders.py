"""The credibility kernel (Model 2.0, mechanism 1; S4, S8): each live unit's use against
its plan, and its manager's credibility moving toward what that use confirms."""

from __future__ import annotations

import numpy as np

from crmsim.kernels.compiling import compiled


@compiled
def unit_credibility(
    week: int,
    go_live: np.ndarray,
    unit_live: np.ndarray,
    using: np.ndarray,
    n: np.ndarray,
    stance: np.ndarray,
    credibility: np.ndarray,
    plan_weeks: int,
    target: float,
    min_goal: float,
    rate: float,
    weighted: np.ndarray,
) -> tuple[int, int]:  # pragma: no cover
    """Hold each live unit to its plan from its own go-live (S8) and move its manager's credibility.

    The plan is ``target * x * x * (3 - 2x)`` with ``x = clip((week - go_live) / plan_weeks,
    0, 1)``; a unit is tested when live, its plan at least ``min_goal`` (and above 0) and it
    has users. For a tested unit, ``ratio = min(1, share using / plan)``; the manager's
    credibility moves by ``rate`` toward ``1 - |stance - (2 ratio - 1)| / 2`` (the
    confirmation, :func:`crmsim.rules.credibility.confirmation`). ``weighted`` receives
    ``n * ratio`` of the tested units in unit order (the caller sums it, as numpy does).

    Returns:
        (number of tested units, their users in all)
    """
    k = 0
    users = 0
    for u in range(go_live.shape[0]):
        if not unit_live[u] or n[u] <= 0:
            continue
        x = (week - go_live[u]) / plan_weeks
        x = min(max(x, 0.0), 1.0)
        plan = target * x * x * (3.0 - 2.0 * x)
        if plan < min_goal or plan <= 0.0:
            continue
        share = using[u] / max(n[u], 1)
        ratio = min(1.0, share / plan)
        weighted[k] = n[u] * ratio
        k += 1
        users += n[u]
        confirm = 1.0 - abs(stance[u] - (2.0 * ratio - 1.0)) / 2.0
        credibility[u] += rate * (confirm - credibility[u])
    return k, users
