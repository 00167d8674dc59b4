"""numba compilation with an on-disk cache where one can be written."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from numba import njit
from numba.core.caching import FunctionCache

_CONSTANT_TYPES = (bool, int, float, str, tuple)


def _constants_stamp(function: Callable, seen: set[int] | None = None) -> str:
    """A hash of the module-level values a kernel reads, and those of the kernels it calls.

    numba freezes a kernel's global names (state codes, signal indices, limits)
    into its compiled code, but keys its on-disk cache on the kernel's own
    source file and bytecode only: a changed constant in another module would
    be served the old compiled code. This stamp goes into the cache key.
    """
    seen = set() if seen is None else seen
    if id(function) in seen:
        return ""
    seen.add(id(function))
    parts = []
    for name in function.__code__.co_names:
        value: Any = function.__globals__.get(name)
        if isinstance(value, _CONSTANT_TYPES):
            parts.append(f"{name}={value!r}")
        elif hasattr(value, "py_func"):  # another compiled kernel, inlined into this one
            parts.append(f"{name}:{_constants_stamp(value.py_func, seen)}")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()


class _ConstantsAwareCache(FunctionCache):
    """numba's per-function cache, keyed also on the constants the kernel reads."""

    def _index_key(self, sig, codegen):  # type: ignore[no-untyped-def]
        return (*super()._index_key(sig, codegen), _constants_stamp(self._py_func))


def compiled(function: Callable) -> Callable:
    """``numba.njit`` with the compiled code cached on disk when a place is writable.

    numba caches next to the kernel's file or in the user's cache directory;
    where neither can be written (a read-only install and home), it refuses
    to cache, and the kernels are then compiled afresh in each process (a
    few seconds) instead of failing at import. The cache is keyed on the
    constants the kernel reads too (:func:`_constants_stamp`).
    """
    try:
        kernel = njit(cache=True)(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return njit(function)
    kernel._cache = _ConstantsAwareCache(kernel.py_func)
    return kernel
