"""Where each person of an organisation is drawn: whole teams on an org chart in the round.

Pure geometry on numpy (no Mesa, no matplotlib), used by
:func:`crmsim.dashboard.orgview.build_view`: the sponsor in the middle with
the top team around, units on rings ordered by function so that each
function is one sector (front-end functions on one side, back office on the
other), each team a small sunflower around its manager. Every random choice
comes from the generator passed in.
"""

from __future__ import annotations

import numpy as np

from crmsim.game.case import DEPARTMENTS
from crmsim.organisation import (
    EXECUTIVE,
    FRONT_FUNCTIONS,
    FRONTLINE,
    FUNCTIONS,
    MANAGER,
    Organisation,
)


def bosses(org: Organisation, people: np.ndarray) -> np.ndarray:
    """Each person's boss (unit manager, the sponsor, or -1 for the sponsor)."""
    role = org.role[people]
    boss = np.where(role == MANAGER, 0, -1)
    staff = role == FRONTLINE
    boss = np.where(staff, org.unit_manager[np.maximum(org.unit[people], 0)], boss)
    return np.where((role == EXECUTIVE) & (people != 0), 0, boss).astype(np.int64)


def sample_units(org: Organisation, rng: np.random.Generator, max_people: int) -> np.ndarray:
    """Units to draw: all when they fit, else whole teams taken in turn from
    each function (in a random order within it) until ``max_people`` is reached."""
    all_units = np.arange(org.n_units)
    if org.n <= max_people:
        return all_units
    queues = [
        list(rng.permutation(all_units[org.unit_function == f]))
        for f in np.unique(org.unit_function)
    ]
    budget = max_people - org.n_exec
    chosen: list[int] = []
    while budget > 0 and any(queues):
        for q in queues:
            if not q:
                continue
            u = int(q[0])
            cost = int(org.unit_size[u]) + 1
            if cost > budget and chosen:
                budget = 0
                break
            q.pop(0)
            chosen.append(u)
            budget -= cost
    if not chosen:  # a single team larger than the budget: draw it anyway
        chosen = [int(queues[0][0])]
    chosen_arr = np.array(chosen, dtype=np.int64)
    return chosen_arr[np.lexsort((chosen_arr, org.unit_function[chosen_arr]))]


GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))
SPACING = 1.0  # distance between neighbours in a team
FUNCTION_NAMES = DEPARTMENTS
"""Department names in plain words (English: translate with ``_()`` where drawn)."""


def ring_layout(
    org: Organisation, units: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, list[tuple[str, float, float, bool]]]:
    """Positions: sponsor at the centre, executives around, teams on rings.

    Teams follow each other around the rings in function order, alternating
    between rings so that neighbours do not overlap.

    Returns:
        people (indices), positions (n x 2) and sector labels.
    """
    staff_of = {
        u: np.flatnonzero((org.unit == u) & (org.role == FRONTLINE)) for u in units.tolist()
    }
    team_r = team_radius(np.array([staff_of[u].size for u in units.tolist()]))
    r_max = float(team_r.max()) if team_r.size else SPACING
    k = max(units.size, 1)
    n_rings = 1 if k <= 10 else 2 if k <= 60 else int(np.ceil(k / 30))
    gap = 2.3 * r_max  # centre distance between neighbouring teams on one ring
    exec_r = exec_radius(org.n_exec)
    base = max(gap * k / (2.0 * np.pi * n_rings), exec_r + r_max + 2.0 * SPACING)
    ring_r = base + 0.9 * gap * np.arange(n_rings)

    people = [np.arange(org.n_exec)]
    pos = [exec_positions(org.n_exec, exec_r)]
    angle = 2.0 * np.pi * (np.arange(units.size) + 0.5) / k + np.pi / 2.0
    for j, u in enumerate(units.tolist()):
        centre = ring_r[j % n_rings] * np.array([np.cos(angle[j]), np.sin(angle[j])])
        staff = staff_of[u]
        idx = np.arange(1, staff.size + 1)
        rr = team_radius(idx - 1)
        th = rng.uniform(0.0, 2.0 * np.pi) + idx * GOLDEN_ANGLE
        jitter = rng.normal(0.0, 0.05 * SPACING, size=(staff.size, 2))
        members = centre + np.column_stack((rr * np.cos(th), rr * np.sin(th))) + jitter
        people.append(np.concatenate(([org.unit_manager[u]], staff)))
        pos.append(np.vstack((centre, members)))

    sectors = []
    outer = float(ring_r[-1] + r_max + 0.8 * SPACING)
    funcs = org.unit_function[units]
    for f in np.unique(funcs):
        a = angle[funcs == f]
        mean_angle = float(np.arctan2(np.sin(a).mean(), np.cos(a).mean()))
        key = FUNCTIONS[int(f)]
        sectors.append((FUNCTION_NAMES.get(key, key), mean_angle, outer, key in FRONT_FUNCTIONS))
    return np.concatenate(people).astype(np.int64), np.vstack(pos), sectors


def team_radius(n_staff: np.ndarray) -> np.ndarray:
    """Radius of a sunflower of ``n_staff`` people around their manager."""
    return SPACING * 0.6 * np.sqrt(np.asarray(n_staff, dtype=float) + 1.5)


def exec_radius(n_exec: int) -> float:
    """Radius of the top team's circle: room for each star."""
    return max(2.6 * SPACING, (n_exec - 1) * 1.9 * SPACING / (2.0 * np.pi))


def exec_positions(n_exec: int, radius: float) -> np.ndarray:
    """The sponsor (index 0) at the centre, the rest of the top team on a circle."""
    out = np.zeros((n_exec, 2))
    if n_exec > 1:
        a = 2.0 * np.pi * np.arange(n_exec - 1) / (n_exec - 1) + np.pi / 2.0
        out[1:] = radius * np.column_stack((np.cos(a), np.sin(a)))
    return out
