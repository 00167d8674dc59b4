"""numba compilation with an on-disk cache where one can be written."""

from __future__ import annotations

from collections.abc import Callable

from numba import njit


def compiled(function: Callable) -> Callable:
    """``numba.njit`` with the compiled code cached on disk when a place is writable.

    numba caches next to the kernel's file or in the user's cache directory;
    where neither can be written (a read-only install and home), it refuses
    to cache, and the kernels are then compiled afresh in each process (a
    few seconds) instead of failing at import.
    """
    try:
        return njit(cache=True)(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return njit(function)
