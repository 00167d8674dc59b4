"""Where batch runs execute: this process, a local process pool, or a Dask cluster.

All three take the same :class:`Task` objects and yield the same outcome
dicts, in completion order; a run's numbers depend only on its parameters
and seed, never on where it ran. Tasks are handed out a few at a time, so a
10,000-run batch never holds all its results (or all its futures) at once.

The local pool uses the ``forkserver`` start method where the platform has
it (``spawn`` elsewhere), chosen here, inside the function, not at import
time. Worker processes ignore SIGINT so that Ctrl-C reaches only the parent,
which stops handing out work, keeps what has finished and exits cleanly.

A run is the only thing a run can spoil: its exception, ``SystemExit`` or
``KeyboardInterrupt`` (raised by the code, not by Ctrl-C) is recorded as that
run's error. A worker that dies (killed, out of memory, crashed) breaks the
pool; the runs that were in flight are then run again one at a time, so only
the run that kills its worker is recorded as failed (after
:data:`MAX_ATTEMPTS` deaths). Every worker watches the process that started
the pool and exits when it is gone, so a batch killed with SIGKILL leaves no
process behind (the forkserver and the resource tracker then exit too).
"""

from __future__ import annotations

import functools
import itertools
import os
import signal
import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import numpy as np

from crmsim.errors import CrmsimError

MAX_ATTEMPTS = 3
"""Times a run may kill its worker process (running alone) before it is recorded as failed."""

FAULTS_ENV = "CRMSIM_TEST_FAULTS"
"""Testing hook, read only when set: ``"RUN_ID:KIND,..."`` makes those runs misbehave.

KIND is ``exit`` (raise SystemExit), ``interrupt`` (raise KeyboardInterrupt),
``die`` (the process kills itself with SIGKILL) or ``hang`` (sleep for ever).
The test suite uses it to simulate runs that break their worker; it is never
set in normal use.
"""

_stopping = threading.Event()  # set by a real Ctrl-C / SIGTERM while runs go in this process

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
        if FAULTS_ENV in os.environ:
            _test_fault(task.run_id)
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
    except (Exception, SystemExit, KeyboardInterrupt) as exc:  # the run's error; batch goes on
        if isinstance(exc, KeyboardInterrupt) and _stopping.is_set():
            raise  # a real Ctrl-C or SIGTERM in this process: stop the batch
        return failed(task, f"{type(exc).__name__}: {exc}", traceback.format_exc())


def _test_fault(run_id: int) -> None:
    """Misbehave as :data:`FAULTS_ENV` asks for this run (testing only)."""
    for item in os.environ.get(FAULTS_ENV, "").split(","):
        rid, _, kind = item.strip().partition(":")
        if rid != str(run_id):
            continue
        if kind == "exit":
            raise SystemExit(f"run {run_id} called sys.exit")
        if kind == "interrupt":
            raise KeyboardInterrupt(f"run {run_id} raised KeyboardInterrupt")
        if kind == "die":
            os.kill(os.getpid(), signal.SIGKILL)
        if kind == "hang":
            while True:
                time.sleep(60)


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
        return _serial(tasks)
    from crmsim.local_pool import pool_outcomes

    return pool_outcomes(tasks, workers)


def _stop(signum: int, frame: Any) -> None:
    _stopping.set()
    raise KeyboardInterrupt


def _serial(tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
    """Runs in this process; Ctrl-C and SIGTERM stop the batch, a run's own exit does not."""
    in_main = threading.current_thread() is threading.main_thread()
    saved = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)} if in_main else {}
    _stopping.clear()
    try:
        for task in tasks:
            yield run_one(task)
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)
        _stopping.clear()


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


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
    """A Dask ``Client`` for ``address``, with a clear error when it cannot be reached.

    The address's form is checked first (a malformed one would leave a
    half-made client that hangs for 20 s on exit); an unreachable one fails
    after ``timeout`` seconds.
    """
    from crmsim.batch.settings import scheduler_address

    address = scheduler_address(address)
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
