"""Sizing before building: a plan (or an organisation) too big for memory is refused at once.

Every plan is counted before it is expanded (:func:`check_plan`): a batch,
a sensitivity design, a levers plan, a validation, a debrief's replays. A
plan holds every run's seed and replay command, and every cell's parameter
set, in memory; past :data:`MAX_PLAN_RUNS` runs, or past the memory this
machine has free, it is refused with the estimate and the fix (fewer
replicates or sweep points, or several batches) instead of hanging or
ending in a ``MemoryError``.

:func:`available_memory` is what the process may still allocate: the
smaller of the system's available memory and what ``RLIMIT_AS`` leaves.
"""

from __future__ import annotations

import contextlib
import os
import resource

from crmsim.errors import CrmsimError

MAX_PLAN_RUNS = 1_000_000
"""Most runs one plan may hold; more is a sign of a typo (``-n 1000000000``), and
one batch that size would store terabytes. Split bigger studies into batches."""

PLAN_BYTES_PER_RUN = 4 * 1024
"""Peak memory per planned run while a plan and its table are built (measured: ~3.4 KB)."""

PLAN_BYTES_PER_CELL = 48 * 1024
"""Peak memory per cell (its full parameter set, manifest entry and table rows; ~48 KB)."""


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


def check_plan(
    runs: int,
    cells: int,
    what: str = "this batch",
    fix: str = "use fewer replicates or sweep points, or split it into several batches",
    bytes_per_run: int = PLAN_BYTES_PER_RUN,
) -> None:
    """Refuse a plan of ``runs`` runs in ``cells`` cells before it is built.

    Args:
        runs: Runs the plan would hold.
        cells: Cells (parameter sets) it would hold.
        what: The plan, for the message (e.g. ``"this sensitivity analysis"``).
        fix: What to change, for the message.
        bytes_per_run: Memory per run while the plan is built.

    Raises:
        CrmsimError: for more than :data:`MAX_PLAN_RUNS` runs, or a plan
            whose estimated memory exceeds what is available; one line with
            the count, the estimate and ``fix``.
    """
    needed = runs * bytes_per_run + cells * PLAN_BYTES_PER_CELL
    if runs > MAX_PLAN_RUNS:
        raise CrmsimError(
            f"{what} would be {runs:,} runs, more than the {MAX_PLAN_RUNS:,} one plan may hold "
            f"(its plan alone would take about {human_bytes(needed)} of memory); {fix}"
        )
    check_fits(needed, f"{what} ({runs:,} runs in {cells:,} cells)", fix)
