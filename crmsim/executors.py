"""Where batch runs execute: this process, a local process pool, or a Dask cluster.

All three take the same :class:`Task` objects and yield the same outcome
dicts, in completion order; a run's numbers depend only on its parameters
and seed, never on where it ran. Tasks are handed out a few at a time, so a
10,000-run batch never holds all its results (or all its futures) at once.

The local pool uses the ``forkserver`` start method where the platform has
it (``spawn`` elsewhere), chosen here, inside the function, not at import
time. Worker processes ignore SIGINT so that Ctrl-C reaches only the parent,
which stops handing out work, keeps what has finished and exits cleanly.
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import os
import signal
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, NamedTuple

import numpy as np

from crmsim.errors import CrmsimError

MAX_ATTEMPTS = 3
"""Times a run is handed out again after its worker process died."""

WORKER_WAIT = 60.0
"""Seconds to wait for a Dask cluster's first worker before giving up."""


class Task(NamedTuple):
    """One run to compute: plain data, cheap to send to another process.

    Attributes:
        run_id: The run's key in the plan.
        scenario: Scenario name.
        params: Every parameter value as ``(name, value)`` pairs.
        seed: The run's integer seed.
    """

    run_id: int
    scenario: str
    params: tuple[tuple[str, Any], ...]
    seed: int


@functools.lru_cache(maxsize=64)
def _scenario(name: str, params: tuple[tuple[str, Any], ...]):
    from crmsim.params import ParamSet
    from crmsim.scenario import Scenario

    return Scenario(name=name, description="", params=ParamSet(dict(params)))


def run_one(task: Task) -> dict[str, Any]:
    """Compute one run; never raises for a failing simulation.

    Returns:
        ``{"run_id", "status": "ok" | "failed", "error", "traceback",
        "summary", "weekly"}`` where ``weekly`` maps each column of the
        weekly series to a numpy array (``None`` for a failed run).
    """
    from crmsim import runner

    try:
        result = runner.simulate(_scenario(task.scenario, task.params), task.seed)
        ts = result.timeseries
        # one block copy, then one contiguous row per column (cheap to pickle and store)
        block = np.ascontiguousarray(ts.to_numpy(dtype=np.float64).T)
        dtypes = ts.dtypes
        weekly = {
            col: block[i] if dtypes[col] == np.float64 else block[i].astype(dtypes[col])
            for i, col in enumerate(ts.columns)
        }
        return {
            "run_id": task.run_id,
            "status": "ok",
            "error": None,
            "traceback": None,
            "summary": dict(result.summary),
            "weekly": weekly,
        }
    except Exception as exc:  # recorded with the run; the batch carries on
        return failed(task, f"{type(exc).__name__}: {exc}", traceback.format_exc())


def failed(task: Task, error: str, trace: str | None = None) -> dict[str, Any]:
    """The outcome of a run that could not be computed."""
    return {
        "run_id": task.run_id,
        "status": "failed",
        "error": error.splitlines()[0] if error else "unknown error",
        "traceback": trace,
        "summary": None,
        "weekly": None,
    }


def outcomes(
    tasks: Iterable[Task], workers: int = 1, scheduler: str | None = None
) -> Iterator[dict[str, Any]]:
    """Compute ``tasks`` and yield their outcomes as they finish.

    Args:
        tasks: The runs to compute (consumed lazily).
        workers: Local worker processes; 1 computes in this process.
        scheduler: Dask scheduler address (``tcp://host:port``); overrides
            ``workers``.

    Closing the generator (or an exception in the consumer) cancels the work
    not yet started.
    """
    if scheduler:
        return _dask(tasks, scheduler)
    if workers <= 1:
        return (run_one(t) for t in tasks)
    return _pool(tasks, workers)


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- local pool
def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        # Workers forked from a server that has already imported the model
        # start in milliseconds instead of re-importing numpy, pandas and mesa.
        ctx.set_forkserver_preload(["crmsim.executors", "crmsim.runner"])
    else:  # pragma: no cover - Windows
        ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_sigint)


def _pool(tasks: Iterable[Task], workers: int) -> Iterator[dict[str, Any]]:
    source = iter(tasks)
    retry: list[Task] = []
    attempts: dict[int, int] = {}
    in_flight: dict[Future, Task] = {}
    limit = 4 * workers
    pool = _new_pool(workers)
    try:
        while True:
            broken = False
            while len(in_flight) < limit:
                task = retry.pop() if retry else next(source, None)
                if task is None:
                    break
                try:
                    in_flight[pool.submit(run_one, task)] = task
                except BrokenProcessPool:  # a worker died since the last check
                    retry.append(task)
                    broken = True
                    break
            if not in_flight and not broken:
                return
            if not broken:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for fut in done:
                    if fut.exception() is not None:  # BrokenProcessPool: handled below
                        broken = True
                        continue
                    del in_flight[fut]
                    yield fut.result()
            if broken:
                # A worker died (killed, out of memory): the pool is unusable and
                # its unfinished futures fail. Keep what finished, hand out the rest
                # again on a fresh pool, and give up on a run after MAX_ATTEMPTS.
                for fut, task in list(in_flight.items()):
                    if fut.done() and fut.exception() is None:
                        yield fut.result()
                        continue
                    fut.cancel()
                    attempts[task.run_id] = attempts.get(task.run_id, 0) + 1
                    if attempts[task.run_id] >= MAX_ATTEMPTS:
                        yield failed(task, "worker process died (BrokenProcessPool) repeatedly")
                    else:
                        retry.append(task)
                in_flight.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _new_pool(workers)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


# --------------------------------------------------------------------------- Dask
def _worker_versions() -> dict[str, str | None]:
    from crmsim.provenance import versions

    return versions()


def check_cluster_versions(client: Any) -> None:
    """Refuse a cluster whose workers would compute different numbers.

    Raises:
        CrmsimError: naming the first worker whose crmsim, numpy, mesa or
            Python version differs from this machine's.
    """
    from crmsim.provenance import versions

    here = versions()
    try:
        reported = client.run(_worker_versions)
    except Exception as exc:  # e.g. crmsim not installed on a worker
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CrmsimError(
            f"Dask workers cannot run crmsim ({type(exc).__name__}: {msg}); "
            "install crmsim on every worker"
        ) from None
    for address, theirs in reported.items():
        for pkg in ("python", "crmsim", "numpy", "mesa", "pandas", "scipy"):
            if theirs.get(pkg) != here.get(pkg):
                raise CrmsimError(
                    f"Dask worker {address} has {pkg} {theirs.get(pkg)}, this machine "
                    f"{here.get(pkg)}; install the same versions so results match"
                )


def connect(address: str, timeout: float = 10.0) -> Any:
    """A Dask ``Client`` for ``address``, with a clear error when it cannot be reached."""
    try:
        from distributed import Client
    except ImportError:
        raise CrmsimError(
            "--scheduler needs Dask distributed; install it with pip install 'dask[distributed]'"
        ) from None
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CrmsimError(f"cannot reach the Dask scheduler at {address}: {msg}") from None


def _dask(tasks: Iterable[Task], address: str) -> Iterator[dict[str, Any]]:
    from distributed import as_completed

    client = connect(address)
    live: dict[str, tuple[Any, Task]] = {}
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT)
        except TimeoutError:
            raise CrmsimError(
                f"the Dask scheduler at {address} has had no workers for {WORKER_WAIT:.0f} s; "
                f"start some with: dask worker {address}"
            ) from None
        check_cluster_versions(client)
        threads = sum(client.nthreads().values()) or 1
        limit = max(4, 2 * threads)
        source = iter(tasks)
        batch_tag = os.urandom(4).hex()  # keys unique across batches sharing a scheduler
        stream = as_completed(loop=client.loop)

        def submit(task: Task) -> None:
            key = f"crmsim-run-{batch_tag}-{task.run_id}"
            fut = client.submit(run_one, task, key=key, pure=False)
            live[key] = (fut, task)
            stream.add(fut)

        for task in itertools.islice(source, limit):
            submit(task)
        for fut in stream:
            _, task = live.pop(fut.key)
            try:
                out = fut.result()
            except Exception as exc:  # a lost worker (KilledWorker) or a transport error
                out = failed(task, f"{type(exc).__name__}: {exc}", traceback.format_exc())
            fut.release()
            yield out
            nxt = next(source, None)
            if nxt is not None:
                submit(nxt)
    finally:
        try:
            if live:
                client.cancel([f for f, _ in live.values()])
        finally:
            client.close()
