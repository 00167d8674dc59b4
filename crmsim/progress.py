"""Batch progress on stderr: a live bar on a terminal, plain lines otherwise.

On a terminal the bar shows count, rate and time left, redrawn at most ten
times a second. Redirected to a file or a CI log, a plain line is written
every ``interval`` seconds (and at the end), which stays readable there.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _duration(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):  # NaN or infinite
        return "?"
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{(s % 3600) // 60:02d}m"


class Progress:
    """Counts finished runs and reports them.

    Args:
        stream: Where to write (stderr by default).
        tty: Draw a bar (default: whether ``stream`` is a terminal).
        interval: Seconds between plain lines when not a terminal.
        width: Characters of the bar.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        tty: bool | None = None,
        interval: float = 10.0,
        width: int = 30,
    ) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.interval = interval
        self.width = width
        self.total = 0
        self.done = 0
        self.failed = 0
        self._before = 0
        self._t0 = 0.0
        self._last = 0.0
        self._drawn = -1

    def start(self, total: int, done: int = 0) -> None:
        """Begin counting: ``total`` runs planned, ``done`` already stored."""
        self.total, self.done, self._before = total, done, done
        self._t0 = self._last = time.monotonic()
        if done:
            self.stream.write(f"crmsim batch: resuming, {done} of {total} runs already stored\n")
        self._draw(force=True)

    def update(self, ok: bool = True) -> None:
        """One more run finished (``ok=False``: it failed)."""
        self.done += 1
        self.failed += not ok
        self._draw()

    def line(self) -> str:
        """The current state as one line of text."""
        elapsed = max(time.monotonic() - self._t0, 1e-9)
        new = self.done - self._before
        rate = new / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else float("nan")
        pct = 100.0 * self.done / self.total if self.total else 100.0
        failed = f", {self.failed} failed" if self.failed else ""
        text = f"{self.done}/{self.total} runs ({pct:.0f}%) {rate:.1f} runs/s ETA {_duration(eta)}"
        return text + failed

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        finished = self.done >= self.total
        if self.tty:
            if not (force or finished or now - self._last >= 0.1):
                return
            filled = int(self.width * self.done / self.total) if self.total else self.width
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {self.line()}\x1b[K")
        else:
            if not (force or finished or now - self._last >= self.interval):
                return
            self.stream.write(f"crmsim batch: {self.line()}\n")
        self.stream.flush()
        self._last = now
        self._drawn = self.done

    def close(self) -> None:
        """Finish the display (ends the bar's line on a terminal)."""
        if self.tty:
            self._draw(force=True)
            self.stream.write("\n")
        elif self.done != self._drawn:
            self._draw(force=True)
        self.stream.flush()
