"""numpy's sum inside compiled code: the same additions in the same order, so the same number.

``np.sum`` of a contiguous float64 array adds pairwise: runs of fewer than 8
numbers one by one; up to 128 in eight interleaved partial sums combined as
``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then the remainder; longer
runs split in two at a multiple of 8 near the middle. A plain loop adds in
another order and can differ in the last bits, so kernels that replace a
numpy ``.sum()`` call :func:`np_sum` (``tests/test_kernels.py`` holds it to
``np.sum`` on arrays of every length up to a few hundred and of random
lengths beyond, so a numpy that changed its order would be caught).
"""

from __future__ import annotations

import numpy as np

from crmsim.kernels.compiling import compiled

BLOCK = 128
"""numpy's ``PW_BLOCKSIZE``: the longest run summed without splitting."""


@compiled
def _run(a: np.ndarray, lo: int, n: int) -> float:  # pragma: no cover
    """A run of at most :data:`BLOCK` numbers: one by one below 8, else eight partial sums.

    The eight sums walk a view with unsigned indices: numba then leaves out its
    check for negative indices, and the eight additions compile to vector ones.
    """
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    b = a[lo : lo + n]
    r0, r1, r2, r3 = b[0], b[1], b[2], b[3]
    r4, r5, r6, r7 = b[4], b[5], b[6], b[7]
    m = n - n % 8
    j, end = np.uint64(8), np.uint64(m)
    while j < end:
        r0 += b[j]
        r1 += b[j + np.uint64(1)]
        r2 += b[j + np.uint64(2)]
        r3 += b[j + np.uint64(3)]
        r4 += b[j + np.uint64(4)]
        r5 += b[j + np.uint64(5)]
        r6 += b[j + np.uint64(6)]
        r7 += b[j + np.uint64(7)]
        j += np.uint64(8)
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(m, n):
        res += b[i]
    return res


@compiled
def _pairwise(a: np.ndarray, lo: int, n: int) -> float:  # pragma: no cover
    """numpy's pairwise sum of ``a[lo:lo + n]``: its recursion walked with explicit stacks
    (numba cannot cache a recursive function), left half first, then ``left + right``."""
    if n <= BLOCK:
        return _run(a, lo, n)
    starts = np.empty(64, dtype=np.int64)  # frames: a run to sum, and how far it has got
    sizes = np.empty(64, dtype=np.int64)
    stage = np.empty(64, dtype=np.int64)
    sums = np.empty(64)  # the finished halves, innermost last
    top, done = 0, 0
    starts[0], sizes[0], stage[0] = lo, n, 0
    while top >= 0:
        start, size = starts[top], sizes[top]
        if size <= BLOCK:
            sums[done] = _run(a, start, size)
            done += 1
            top -= 1
            continue
        half = size // 2
        half -= half % 8
        if stage[top] == 0:  # the left half first
            stage[top] = 1
            top += 1
            starts[top], sizes[top], stage[top] = start, half, 0
        elif stage[top] == 1:  # then the right half
            stage[top] = 2
            top += 1
            starts[top], sizes[top], stage[top] = start + half, size - half, 0
        else:  # both done: left + right
            done -= 1
            sums[done - 1] = sums[done - 1] + sums[done]
            top -= 1
    return sums[0]


@compiled
def np_sum(a: np.ndarray, lo: int, hi: int) -> float:  # pragma: no cover
    """``a[lo:hi].sum()`` exactly as numpy computes it (``a`` contiguous float64)."""
    return _pairwise(a, lo, hi - lo)


@compiled
def _mean(total: float, n: int) -> float:  # pragma: no cover
    """``total / n``, or NaN for nobody (as numpy's mean of nothing)."""
    return total / n if n > 0 else np.nan


@compiled
def people_summary(
    confidence: np.ndarray,
    n_exec: int,
    n_units: int,
    resistance: np.ndarray,
    resisting_level: float,
    unit_live: np.ndarray,
) -> tuple[float, float, float, float, float, float, int]:  # pragma: no cover
    """The week's record of the levels (S4, S5): the sponsor's confidence; the mean
    confidence of the executives, the managers and the staff; the managers' mean
    resistance and the share resisting at ``resisting_level`` or above; how many units
    are live. Means are numpy's (its sum, :func:`np_sum`, over the count; NaN for nobody).
    """
    lo = n_exec + n_units
    n_mgr = resistance.shape[0]
    n_resisting = 0
    for u in range(n_mgr):
        n_resisting += resistance[u] >= resisting_level
    n_live = 0
    for u in range(unit_live.shape[0]):
        n_live += unit_live[u]
    n = confidence.shape[0]
    return (
        confidence[0],
        _mean(np_sum(confidence, 0, n_exec), n_exec),
        _mean(np_sum(confidence, n_exec, lo), n_units),
        _mean(np_sum(confidence, lo, n), n - lo),
        _mean(np_sum(resistance, 0, n_mgr), n_mgr),
        _mean(n_resisting, n_mgr),
        n_live,
    )
