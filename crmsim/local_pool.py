"""The local process pool behind :func:`crmsim.executors.outcomes` (``--workers N``).

Workers are forked from a ``forkserver`` that has imported the model (``spawn``
where there is none). Three promises, kept here:

* a worker that dies (killed, out of memory, crashed) costs only the run that
  killed it: the runs in flight with it are run again alone, one at a time,
  and only a run that kills its worker :data:`crmsim.executors.MAX_ATTEMPTS`
  times on its own is recorded as failed;
* workers ignore Ctrl-C, which reaches only the parent;
* no process outlives its batch: every worker watches the process that
  started the pool (:func:`watch_parent`) and exits when it is gone, so a
  batch killed with SIGKILL leaves no worker behind; the forkserver and the
  resource tracker end once their last client has.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from crmsim.executors import FAULTS_ENV, MAX_ATTEMPTS, Task, failed, run_one


def _init_worker(parent: int, faults: str | None) -> None:
    """Worker set-up: ignore Ctrl-C (the parent handles it) and die with ``parent``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if faults is None:  # the forkserver may carry an older environment
        os.environ.pop(FAULTS_ENV, None)
    else:
        os.environ[FAULTS_ENV] = faults
    watch_parent(parent)


def watch_parent(pid: int) -> None:
    """Exit this process (at once, ``os._exit``) when process ``pid`` ends.

    A daemon thread waits on a Linux pidfd of ``pid`` (or, where there is
    none, checks every second). A worker's parent is the forkserver, not the
    batch, so the batch's own pid is watched; SIGKILL of the batch thus ends
    its workers, after which the forkserver and resource tracker end too.
    """
    try:
        fd: int | None = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # pragma: no cover - not Linux >= 5.3
        fd = None

    def wait_for_exit() -> None:
        if fd is not None:
            select.select([fd], [], [])
        else:  # pragma: no cover
            while os.getppid() != 1:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=wait_for_exit, name="crmsim-watch-parent", daemon=True).start()


def _new_pool(workers: int) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        # Workers forked from a server that has already imported the model
        # start in milliseconds instead of re-importing numpy, pandas and mesa.
        ctx.set_forkserver_preload(["crmsim.executors", "crmsim.local_pool", "crmsim.runner"])
    else:  # pragma: no cover - Windows
        ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker,
        initargs=(os.getpid(), os.environ.get(FAULTS_ENV)),
    )  # fmt: skip


class _Pool:
    """The local pool's bookkeeping: what is in flight, what is suspect, who died how often.

    Normally up to ``4 × workers`` runs are in flight. When a worker dies, the
    pool breaks and every unfinished run fails with it, though only one of
    them killed the worker. Those runs become *suspects* and are run again
    alone, one at a time, on a fresh pool: a death with one run in flight
    names its culprit, which is tried again until :data:`MAX_ATTEMPTS`
    deaths and then recorded as failed; the innocent runs simply finish.
    """

    def __init__(self, tasks: Iterable[Task], workers: int) -> None:
        self.source = iter(tasks)
        self.workers = workers
        self.again: deque[Task] = deque()  # not run: the pool was broken when handed out
        self.suspects: deque[Task] = deque()  # in flight when a worker died
        self.isolating: set[int] = set()  # suspects not yet finished (queued or in flight)
        self.deaths: dict[int, int] = {}
        self.in_flight: dict[Future, Task] = {}
        self.pool = _new_pool(workers)

    def next_task(self) -> Task | None:
        if self.isolating:  # one suspect at a time, nothing beside it
            return self.suspects.popleft() if self.suspects and not self.in_flight else None
        if len(self.in_flight) >= 4 * self.workers:
            return None
        return self.again.popleft() if self.again else next(self.source, None)

    def fill(self) -> bool:
        """Hand out work; False when the pool turned out to be broken."""
        while (task := self.next_task()) is not None:
            try:
                self.in_flight[self.pool.submit(run_one, task)] = task
            except BrokenProcessPool:  # a worker died since the last check
                (self.suspects if task.run_id in self.isolating else self.again).appendleft(task)
                return False
        return True

    def finished(self, fut: Future) -> dict[str, Any] | None:
        """The outcome of a finished future, or None when its worker died."""
        task = self.in_flight[fut]
        exc = fut.exception()
        if isinstance(exc, BrokenProcessPool):
            return None
        del self.in_flight[fut]
        self.isolating.discard(task.run_id)
        if exc is not None:  # e.g. a result that could not be sent back
            return failed(task, f"{type(exc).__name__}: {exc}")
        return fut.result()

    def after_break(self) -> Iterator[dict[str, Any]]:
        """Keep what finished, sort the rest into suspects, start a fresh pool."""
        unfinished: list[Task] = []
        for fut, task in list(self.in_flight.items()):
            out = self.finished(fut) if fut.done() and not fut.cancelled() else None
            if out is not None:
                yield out
            else:
                unfinished.append(task)
        self.in_flight.clear()
        if len(unfinished) == 1:  # it ran alone: it killed its worker
            task = unfinished[0]
            self.deaths[task.run_id] = self.deaths.get(task.run_id, 0) + 1
            if self.deaths[task.run_id] >= MAX_ATTEMPTS:
                self.isolating.discard(task.run_id)
                yield failed(
                    task, f"the worker process died while computing this run, "
                    f"{MAX_ATTEMPTS} times (killed, out of memory or crashed)",
                )  # fmt: skip
            else:
                self.suspects.appendleft(task)
                self.isolating.add(task.run_id)
        else:
            self.suspects.extend(unfinished)
            self.isolating.update(t.run_id for t in unfinished)
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = _new_pool(self.workers)

    def outcomes(self) -> Iterator[dict[str, Any]]:
        try:
            while True:
                broken = not self.fill()
                if not self.in_flight and not broken:
                    return
                if not broken:
                    done, _ = wait(self.in_flight, return_when=FIRST_COMPLETED)
                    for fut in done:
                        out = self.finished(fut)
                        if out is None:
                            broken = True
                        else:
                            yield out
                if broken:
                    yield from self.after_break()
        finally:
            self.pool.shutdown(wait=False, cancel_futures=True)


def pool_outcomes(tasks: Iterable[Task], workers: int) -> Iterator[dict[str, Any]]:
    """Compute ``tasks`` on ``workers`` local processes; outcomes in completion order."""
    return _Pool(tasks, workers).outcomes()
