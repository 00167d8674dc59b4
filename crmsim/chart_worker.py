"""Draw a run's chart on the second core while the model runs.

``crmsim run`` spends about a third of its time loading matplotlib and
drawing the two-panel chart, work that does not need the model. When the
command starts in a fresh process, :func:`chart_drawer` forks a worker that
loads :mod:`crmsim.plotting` (matplotlib and pandas) at once, then waits for
the weekly series; the parent meanwhile loads numba and runs the model. The
chart it writes is byte-for-byte the one drawn in the same process (the same
function, the same library; tested), through the same
:func:`crmsim.files.atomic_write`.

The worker is only an accelerator. It is not used where forking is unsafe
or unavailable (no ``os.fork``, or numpy already loaded: a process that may
already hold thread pools, such as a test runner), nor when
``CRMSIM_CHART_INLINE`` is set; and whenever it fails for any reason the
chart is drawn in the calling process instead, so errors are reported as
they always were. A worker whose chart was never asked for (the command
failed first) is stopped, having written nothing.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DrawChart = Callable[[Path, Any, Iterable[Mapping[str, Any]], str], None]
"""``draw(path, timeseries, events, title)``: write a run's chart to ``path``."""

FAULTS_ENV = "CRMSIM_TEST_FAULTS"
"""Testing hook (see :mod:`crmsim.executors`): ``chart:die`` makes the worker die unannounced."""

INLINE_ENV = "CRMSIM_CHART_INLINE"
"""Set (to anything) to draw the chart in the calling process."""


def draw_inline(path: Path, ts: Any, events: Iterable[Mapping[str, Any]], title: str) -> None:
    """Draw :func:`crmsim.plotting.plot_run` and write it to ``path`` as a PNG, here and now."""
    from crmsim.files import atomic_write
    from crmsim.fonts import use_fonts
    from crmsim.plotting import plot_run  # matplotlib only when a chart is drawn

    use_fonts()  # Chinese labels (crmsim --lang zh run) need a CJK font; English: nothing
    fig = plot_run(ts, events, title=title)
    atomic_write(path, lambda fh: fig.savefig(fh, format="png", dpi=110))


def _can_fork() -> bool:
    return hasattr(os, "fork") and "numpy" not in sys.modules and not os.environ.get(INLINE_ENV)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _serve(job_fd: int, status_fd: int) -> None:  # pragma: no cover - runs in the child
    """The worker: load the plotting stack, draw the one chart it is sent, report, exit."""
    code = 0
    try:
        import crmsim.plotting  # noqa: F401  (the point: load matplotlib now)

        if "chart:die" in os.environ.get(FAULTS_ENV, ""):
            os._exit(3)  # testing hook: a worker that dies before drawing

        job = _read_all(job_fd)
        if job:
            path, ts, events, title = pickle.loads(job)
            draw_inline(path, ts, events, title)
            os.write(status_fd, b"ok")
    except BaseException:  # noqa: BLE001 - any failure: the parent draws instead
        code = 1
    finally:
        os._exit(code)


class _Worker:
    """A forked chart worker and the two pipes to it."""

    def __init__(self) -> None:
        job_r, self._job_w = os.pipe()
        self._status_r, status_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child
            os.close(self._job_w)
            os.close(self._status_r)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _serve(job_r, status_w)
        os.close(job_r)
        os.close(status_w)
        self.used = False

    def draw(self, path: Path, ts: Any, events: Iterable[Mapping[str, Any]], title: str) -> None:
        """Send the series to the worker and wait for the chart; draw here if it fails."""
        self.used = True
        ok = False
        try:
            job = memoryview(pickle.dumps((path, ts, list(events), title)))
            while job:
                job = job[os.write(self._job_w, job) :]
            os.close(self._job_w)
            self._job_w = -1
            ok = _read_all(self._status_r) == b"ok"
        except OSError:
            ok = False
        finally:
            self._reap(kill=False)
        if not ok:
            draw_inline(path, ts, events, title)

    def _reap(self, kill: bool) -> None:
        for fd in (self._job_w, self._status_r):
            if fd >= 0:
                os.close(fd)
        self._job_w = self._status_r = -1
        if self.pid > 0:
            if kill:
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = -1

    def close(self) -> None:
        """Stop a worker that was never asked for a chart (it has written nothing)."""
        if self.pid > 0:
            self._reap(kill=not self.used)


@contextmanager
def chart_drawer() -> Iterator[DrawChart]:
    """A ``draw(path, timeseries, events, title)`` for this command.

    A forked worker when it is safe and possible (see the module's
    docstring), else :func:`draw_inline`. Enter it before the model is
    loaded, so the worker's imports overlap the run.
    """
    if not _can_fork():
        yield draw_inline
        return
    try:
        worker = _Worker()
    except OSError:
        yield draw_inline
        return
    try:
        yield worker.draw
    finally:
        worker.close()
