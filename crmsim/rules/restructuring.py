"""Phase 2b, restructuring as an event (S5): it begins when a unit goes live, and fades.

Only with ``restructuring.half_life_weeks > 0``; otherwise every unit faces
a constant depth from week 1 (set in :func:`crmsim.state.initial_state`) and
this rule does nothing.
"""

from __future__ import annotations

import functools

import numpy as np

from crmsim import kernels
from crmsim.codes import CANCELLED, NEVER
from crmsim.rules import Params
from crmsim.state import State

END_FADE = 1.0 / 16.0
"""A restructuring is over once it has faded to this share of its peak (four half-lives)."""


def fade(age: np.ndarray, half_life: float) -> np.ndarray:
    """Share of a restructuring still felt ``age`` weeks after it began: ``0.5 ** (age / h)``,
    and nothing once down to :data:`END_FADE` (it is over) or before it began (age < 0)."""
    f = np.power(0.5, np.maximum(age, 0) / half_life)
    return np.where((age < 0) | (f <= END_FADE), 0.0, f)


def fade_table(half_life: float, week: int) -> np.ndarray:
    """:func:`fade` at the whole ages ``0, 1, ...``, at least up to ``week`` (numpy
    computes each element alike wherever it sits in the array, so a table entry is the
    very number ``fade`` gives); the last few tables are kept, so a run makes its own once."""
    size = 256
    while size <= week:
        size *= 2
    return _fade_table(half_life, size)


@functools.lru_cache(maxsize=32)
def _fade_table(half_life: float, size: int) -> np.ndarray:
    with np.errstate(over="ignore"):  # a tiny half-life: long gone (0) at large ages
        table = fade(np.arange(size), half_life)
    table.flags.writeable = False
    return table


def unit_depth(p: Params, front: np.ndarray) -> np.ndarray:
    """The depth each unit's restructuring reaches: front end full, back office a share (S5)."""
    depth = p["restructuring.depth"]
    return np.where(front, depth, depth * p["restructuring.backoffice_share"])


def restructure(s: State, p: Params) -> None:
    """Begin the restructuring of units going live (back office: at the first go-live), then
    set every unit's depth to its peak times its fade.

    The kernel says in which week anything can change next (a unit's restructuring begins,
    or one is still fading); until then the week is skipped. That week is kept in
    ``s.memo`` with the parameters and the plan it was computed from (both new after an
    intervention), and :func:`restructure_again` forgets it. After a cancellation every
    depth is 0 for good.
    """
    h = p["restructuring.half_life_weeks"]
    if h <= 0:
        return
    units, week, d = s.units, s.project.week, s.d
    if s.project.status == CANCELLED:  # restructuring stopped with the project (S4, S5)
        if not restructuring_over(s, p):  # (a cancellation is final: once is enough)
            units.restructuring_fade[:] = 0.0
            units.restructuring[:] = 0.0
            s.keep("restructure", (NEVER, None, True), p, d)
        return
    kept = s.recall("restructure", p, d)  # (next week anything changes, depth, over)
    if kept is None:
        depth = unit_depth(p, s.org.unit_front)
    elif week < kept[0]:
        return  # nothing begins and nothing fades before then
    else:
        depth = kept[1]
    until = kernels.restructure_units(
        week, d.first_live, d.go_live, s.org.unit_front, units.unit_live,
        units.restructuring_start, NEVER, units.restructuring_peak,
        units.restructuring_adjustment, depth, fade_table(h, week),
        units.restructuring_fade, units.restructuring,
    )  # fmt: skip
    # nothing fading (every depth 0) unless something may begin next week
    s.keep("restructure", (until, depth, until > week + 1), p, d)


def restructuring_over(s: State, p: Params) -> bool:
    """Whether no unit faces any restructuring this week (every depth 0), as this week's
    :func:`restructure` left it, with these parameters; False when it cannot tell."""
    kept = s.recall("restructure", p, s.d)
    return kept is not None and kept[2]


def restructure_again(s: State, p: Params, which: np.ndarray, extra: float) -> None:
    """A department restructured once more (a game's action): a new event in ``which`` units,
    from their present depth plus ``extra``, beginning this week."""
    units = s.units
    s.forget("restructure")  # (its kernel must run again next week)
    units.restructuring_peak[which] = np.clip(units.restructuring[which] + extra, 0.0, 1.0)
    units.restructuring_start[which] = s.project.week
    units.restructuring_fade[which] = 1.0
    units.restructuring[which] = units.restructuring_peak[which]
