"""The credibility kernel (Model 2.0, mechanism 1; S4, S8): each live unit's use against
its plan, and its manager's credibility moving toward what that use confirms."""

from __future__ import annotations

import numpy as np

from crmsim.kernels.compiling import compiled


@compiled
def plan_share(since: int, plan_weeks: int, target: float) -> float:  # pragma: no cover
    """The share of users a plan expects using ``since`` weeks after go-live (S8): an
    S-curve to ``target`` over ``plan_weeks``, ``target * x * x * (3 - 2x)`` with
    ``x = clip(since / plan_weeks, 0, 1)`` (0 before go-live)."""
    x = min(max(since / plan_weeks, 0.0), 1.0)
    return target * x * x * (3.0 - 2.0 * x)


@compiled
def confirmation(claim, ratio):  # pragma: no cover
    """How far what is seen confirms what was said, in [0, 1]: ``1 - |claim - (2 ratio - 1)| / 2``.

    ``claim`` is the sender's conviction or stance in [-1, 1] (+1: it will work);
    ``ratio`` the use seen as a share of the plan, at most 1, mapped to evidence in
    [-1, 1]. Numbers or arrays (compiled for each).
    """
    return 1.0 - np.abs(claim - (2.0 * ratio - 1.0)) / 2.0


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

    The plan is :func:`plan_share` of the weeks since the unit's own go-live; a unit is
    tested when live, its plan at least ``min_goal`` (and above 0) and it has users. For
    a tested unit, ``ratio = min(1, share using / plan)``; the manager's credibility
    moves by ``rate`` toward :func:`confirmation` of its stance. ``weighted`` receives
    ``n * ratio`` of the tested units in unit order (the caller sums it, as numpy does).

    Returns:
        (number of tested units, their users in all)
    """
    k = 0
    users = 0
    for u in range(go_live.shape[0]):
        if not unit_live[u] or n[u] <= 0:
            continue
        plan = plan_share(week - go_live[u], plan_weeks, target)
        if plan < min_goal or plan <= 0.0:
            continue
        share = using[u] / max(n[u], 1)
        ratio = min(1.0, share / plan)
        weighted[k] = n[u] * ratio
        k += 1
        users += n[u]
        credibility[u] += rate * (confirmation(stance[u], ratio) - credibility[u])
    return k, users
