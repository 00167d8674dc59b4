"""Run seeds: plain integers spawned from one root seed.

The seeds come from ``numpy.random.SeedSequence(root).spawn(n)``, one child
per run in plan order; each child is turned into a plain 63-bit integer with
``generate_state`` so that ``crmsim run SCENARIO --seed N`` rebuilds exactly
the same generator (``default_rng(N)``) and hence the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SEED_BITS = 63
"""Run seeds are non-negative integers below 2**63 (they fit Parquet's int64)."""


def run_seeds(root: int, n: int) -> list[int]:
    """``n`` independent integer seeds from ``SeedSequence(root).spawn(n)``.

    Each spawned child is reduced to 63 bits of its generated state; the
    integer seeds ``numpy.random.default_rng`` (as ``crmsim run --seed``
    does), so a run can be repeated from its seed alone.
    """
    children = np.random.SeedSequence(root).spawn(n)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(64 - SEED_BITS)) for c in children]


def cell_seeds(root: int, replicates: Sequence[int], common: bool) -> list[list[int]]:
    """Seeds of every cell's replicates, from ``SeedSequence(root).spawn``.

    Independent (the default): one spawned child per run, numbered cell by
    cell. Common random numbers (``common``): replicate ``r`` of every cell
    gets the ``r``-th child, so cells differ only by their parameters and
    their differences are paired (less noisy than between independent runs).
    """
    if common:
        shared = run_seeds(root, max(replicates, default=0))
        return [shared[:n] for n in replicates]
    flat = run_seeds(root, sum(replicates))
    out, at = [], 0
    for n in replicates:
        out.append(flat[at : at + n])
        at += n
    return out
