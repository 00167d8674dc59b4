"""Running a plan: :func:`run_batch` and its result, :class:`BatchOutcome`.

Execution lives in :mod:`crmsim.executors`, storage in :mod:`crmsim.storage`;
:func:`run_batch` joins them with the plan.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crmsim.batch.plan import Plan

if TYPE_CHECKING:
    from crmsim.progress import Progress
    from crmsim.storage import RunStore


@dataclass
class BatchOutcome:
    """What :func:`run_batch` did.

    Attributes:
        total: Runs in the plan.
        ok: Runs stored as finished without error (this session and before).
        failed: Runs stored with an error.
        computed: Runs computed in this session.
        skipped: Runs already stored before this session (resume).
        interrupted: The batch stopped early (Ctrl-C); finished runs are kept.
        seconds: Wall time of this session's computing.
    """

    total: int
    ok: int = 0
    failed: int = 0
    computed: int = 0
    skipped: int = 0
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        """Every planned run is stored (with or without error)."""
        return self.ok + self.failed == self.total


def run_batch(
    plan: Plan,
    store: RunStore,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    retry_failed: bool = False,
) -> BatchOutcome:
    """Run every planned run not yet in ``store``, storing each as it finishes.

    Args:
        plan: The batch plan (its runs and cells).
        store: An open :class:`crmsim.storage.RunStore`; runs already in it
            are skipped (that is how ``--resume`` works).
        workers: Local worker processes (1 runs in this process).
        scheduler: A Dask scheduler address; when given, ``workers`` is ignored.
        progress: Optional object with ``start(total, done)``,
            ``update(ok: bool)`` and ``close()``.
        retry_failed: Run again the runs stored with an error.

    Returns:
        Counts of what is stored and what happened in this session. A
        KeyboardInterrupt stops the batch cleanly with ``interrupted=True``.
    """
    from crmsim.executors import Task, outcomes

    done = store.done_run_ids(include_failed=not retry_failed)
    todo = [r for r in plan.runs if r.run_id not in done]
    result = BatchOutcome(total=len(plan.runs), skipped=len(plan.runs) - len(todo))
    cells = {c.index: c for c in plan.cells}
    params_of = {i: tuple(c.params.to_dict().items()) for i, c in cells.items()}
    specs = {r.run_id: r for r in todo}
    tasks = (Task(r.run_id, r.scenario, params_of[r.cell], r.seed) for r in todo)
    if progress is not None:
        progress.start(len(plan.runs), result.skipped)
    started = time.perf_counter()
    if todo:
        # no more local processes than runs left (a pool costs a second to start)
        stream = outcomes(tasks, workers=min(workers, len(todo)), scheduler=scheduler)
    else:
        stream = (out for out in ())
    try:
        for out in stream:
            store.add(specs.pop(out["run_id"]), out)
            result.computed += 1
            if progress is not None:
                progress.update(out["status"] == "ok")
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        stream.close()
        store.flush()
        if progress is not None:
            progress.close()
    result.seconds = time.perf_counter() - started
    counts = store.counts()
    result.ok, result.failed = counts["ok"], counts["failed"]
    return result
