"""Sizing plans before they are built: a plan too big for memory is refused at once.

Every plan is counted before it is expanded (:func:`check_plan`): a batch,
a sensitivity design, a levers plan, a validation, a debrief's replays. A
plan holds every run's seed and replay command, and every cell's parameter
set, in memory; past :data:`MAX_PLAN_RUNS` runs, or past the memory this
machine has free, it is refused with the estimate and the fix (fewer
replicates or sweep points, or several batches) instead of hanging or
ending in a ``MemoryError``.

The memory available is :func:`crmsim.memory.available_memory`: the smaller
of the system's available memory and what ``RLIMIT_AS`` leaves.
"""

from __future__ import annotations

from crmsim.errors import CrmsimError
from crmsim.memory import check_fits, human_bytes

MAX_PLAN_RUNS = 1_000_000
"""Most runs one plan may hold; more is a sign of a typo (``-n 1000000000``), and
one batch that size would store terabytes. Split bigger studies into batches."""

PLAN_BYTES_PER_RUN = 4 * 1024
"""Peak memory per planned run while a plan and its table are built (measured: ~3.4 KB)."""

PLAN_BYTES_PER_CELL = 48 * 1024
"""Peak memory per cell (its full parameter set, manifest entry and table rows; ~48 KB)."""


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
