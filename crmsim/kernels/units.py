"""Per-unit kernels: restructuring as a fading event (S5) and the managers' relief (S5)."""

from __future__ import annotations

import numpy as np

from crmsim.kernels.compiling import compiled


@compiled
def restructure_units(
    week: int,
    first_live: int,
    go_live: np.ndarray,
    front: np.ndarray,
    unit_live: np.ndarray,
    start: np.ndarray,
    never: int,
    peak: np.ndarray,
    adjustment: np.ndarray,
    depth: np.ndarray,
    fade_table: np.ndarray,
    fade: np.ndarray,
    restructuring: np.ndarray,
) -> int:  # pragma: no cover
    """Begin the restructuring of units due this week; set every unit's fade and depth.

    A front-end unit is due when it is live, a back-office one from the first
    go-live on; one that has not begun begins now at its ``depth``
    (:func:`crmsim.rules.restructuring.unit_depth`) plus its ``adjustment``, within
    [0, 1]. Its fade
    is ``fade_table[week - start]`` (:func:`crmsim.rules.restructuring.fade` at whole
    ages, which must cover ``week``), 0 before it began.

    Returns:
        the first week in which this could change anything: next week while a
        restructuring fades, else the first week a unit that has not begun is due
        (a front-end unit's ``go_live``, the back office's ``first_live``; ``never``:
        none). A fade once 0 stays 0 (the table falls with age).
    """
    until = never
    for u in range(start.shape[0]):
        due = unit_live[u] if front[u] else week >= first_live
        if due and start[u] == never:
            peak[u] = min(max(depth[u] + adjustment[u], 0.0), 1.0)
            start[u] = week
        age = week - start[u]
        f = fade_table[age] if age >= 0 else 0.0
        fade[u] = f
        restructuring[u] = peak[u] * f
        if start[u] == never:
            until = min(until, go_live[u] if front[u] else first_live)
        elif f > 0.0:
            until = min(until, week + 1)
    return until


@compiled
def unit_relief(
    base: float,
    network: bool,
    ties: np.ndarray,
    resources_factor: float,
    staffing_factor: float,
    xdept_relief: float,
    w_conf: float,
    confidence: np.ndarray,
    lo: int,
    w_res: float,
    unit_live: np.ndarray,
    using: np.ndarray,
    n: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover
    """Each unit's factor on its manager's resistance target (S5), into ``out``.

    Cross-department communication ``1 - (1 - b) * resources_factor * staffing_factor``
    with ``b`` the firm's ``base`` or, on the managers' network, ``min(1, base * ties)``;
    the factor ``1 - xdept_relief * xdept``, times ``1 - w_conf * (2c - 1)`` (the
    manager's conviction, person ``lo + u``) when ``w_conf > 0``, times
    ``1 - w_res * share using`` in live units when ``w_res > 0``
    (:func:`crmsim.rules.managers.relief`).
    """
    for u in range(out.shape[0]):
        b = min(1.0, base * ties[u]) if network else base
        xdept = 1.0 - (1.0 - b) * resources_factor * staffing_factor
        f = 1.0 - xdept_relief * xdept
        if w_conf > 0.0:
            f *= 1.0 - w_conf * (2.0 * confidence[lo + u] - 1.0)
        if w_res > 0.0:
            f *= 1.0 - w_res * (using[u] / max(n[u], 1) if unit_live[u] else 0.0)
        out[u] = f
