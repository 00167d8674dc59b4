"""The runs of a sensitivity analysis (step 4): the batch engine, or a stand-in model."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from crmsim.params import ParamSet

if TYPE_CHECKING:
    from crmsim.batch import BatchOutcome, Plan
    from crmsim.progress import Progress
    from crmsim.storage import RunStore

StandIn = Callable[[ParamSet, int], Mapping[str, Any]]
"""A stand-in model: ``(params, seed) -> summary figures`` (missing ones are None)."""


def evaluate(
    plan: Plan,
    store: RunStore,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    model: StandIn | None = None,
) -> BatchOutcome:
    """Compute the plan's runs not yet in ``store`` and store each one.

    Args:
        plan: The plan of :func:`plan_points` (or any plan).
        store: An open, writable run store.
        workers: Local worker processes (1: this process).
        scheduler: A Dask scheduler address (overrides ``workers``).
        progress: Optional progress display.
        model: A stand-in for the simulation, for checking the pipeline
            against analytic test functions (SALib's Ishigami): it is called
            in this process with each cell's parameters and the run's seed,
            and its figures are stored exactly as a simulated run's summary
            (same :class:`~crmsim.batch.RunSpec`, same ``store.add``; no
            weekly series). ``None`` runs the model through
            :func:`crmsim.batch.run_batch`.

    Returns:
        What is stored and what happened (as :func:`crmsim.batch.run_batch`).
    """
    from crmsim.batch import BatchOutcome, run_batch

    if model is None:
        return run_batch(plan, store, workers=workers, scheduler=scheduler, progress=progress)
    done = store.done_run_ids()
    cells = {c.index: c for c in plan.cells}
    result = BatchOutcome(total=len(plan.runs), skipped=len(done))
    for spec in plan.runs:
        if spec.run_id in done:
            continue
        figures = dict(model(cells[spec.cell].params, spec.seed))
        outcome = {"run_id": spec.run_id, "status": "ok", "error": None, "traceback": None,
                   "summary": figures, "weekly": None}  # fmt: skip
        store.add(spec, outcome)
        result.computed += 1
    store.flush()
    counts = store.counts()
    result.ok, result.failed = counts["ok"], counts["failed"]
    return result
