"""How much memory this process may still take, and a one-line refusal when a need exceeds it.

Used before big things are built: a batch plan (:mod:`crmsim.batch.sizing`)
and an organisation (:func:`crmsim.organisation.check_size`). Plain standard
library, so the engine may import it.
"""

from __future__ import annotations

import contextlib
import os
import resource

from crmsim.errors import CrmsimError


def human_bytes(n: float) -> str:
    """``1536`` -> ``"1.5 KB"``; binary units up to TB."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} TB"


def available_memory() -> int | None:
    """Bytes this process may still allocate, or None when unknown.

    The smaller of the system's available memory (``MemAvailable`` in
    ``/proc/meminfo``, else ``SC_AVPHYS_PAGES``) and the address space that
    ``RLIMIT_AS`` leaves above what the process maps already.
    """
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        pass
    if not found:
        with contextlib.suppress(ValueError, OSError, AttributeError):  # not POSIX
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        found.append(max(0, soft - _mapped_bytes()))
    return min(found) if found else None


def _mapped_bytes() -> int:
    """The process's virtual size (what ``RLIMIT_AS`` counts), 0 when unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def check_fits(needed: int, what: str, fix: str) -> None:
    """Refuse ``what`` when ``needed`` bytes exceed the memory available.

    Raises:
        CrmsimError: ``"WHAT needs about X of memory, this machine has Y free; FIX"``.
    """
    free = available_memory()
    if free is not None and needed > free:
        raise CrmsimError(
            f"{what} needs about {human_bytes(needed)} of memory and this process has "
            f"{human_bytes(free)} available; {fix}"
        )
