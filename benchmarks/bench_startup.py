"""Start-up time of the command line: how long a user waits before anything happens.

Run:  .venv/bin/python benchmarks/bench_startup.py [--repeat 7]

Times, each in a fresh subprocess (``python -m crmsim ...`` with this
interpreter, from the current directory), the median and the fastest of
``--repeat`` runs of:

* ``crmsim --help``: must import no numpy, pandas, mesa, numba or matplotlib;
* ``crmsim scenarios``: reads the bundled scenario files only;
* ``crmsim run baseline --out TMP``: warm (one untimed run first, so numba's
  cache and the OS file cache are filled), a whole run with its five files
  (numpy, numba, pandas and matplotlib, but no mesa: ``simulate`` drives the
  Mesa-free :class:`crmsim.engine.Engine`).

and prints them beside the goals of issue 10 (``--help`` under 0.5 s, a warm
``run baseline`` under 1.5 s on the project's 2-core machine). It is a
measurement, not a test: nothing fails when a goal is missed, and a shared
machine gives slower figures (the fastest run is the least disturbed one).
Where the time goes: ``python -X importtime -m crmsim --help 2>&1 | sort -t'|' -k2 -n | tail``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("numpy", "pandas", "mesa", "numba", "matplotlib", "scipy")
"""Libraries ``crmsim --help`` must not import."""


def _time(args: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of ``python -m crmsim ARGS`` (it must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "crmsim", *args], check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _heavy_imports(args: list[str]) -> list[str]:
    """The heavy libraries ``crmsim ARGS`` imports (from ``-X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "crmsim", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    return [name for name in HEAVY if name in names]


def main() -> None:
    """Time the three commands and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per command (default 7)")
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "run")
        cases = [
            ("crmsim --help", ["--help"], 0.5),
            ("crmsim scenarios", ["scenarios"], None),
            ("crmsim run baseline (warm)", ["run", "baseline", "--out", out], 1.5),
        ]
        _time(cases[-1][1])  # warm-up: numba's cache, the OS file cache
        print(f"{'command':<30}{'median s':>9}{'fastest s':>10}{'CPU s':>7}{'goal s':>8}  met")
        for label, args, goal in cases:
            walls, cpus = zip(*(_time(args) for _ in range(repeat)), strict=True)
            median = statistics.median(walls)
            met = "" if goal is None else ("yes" if median < goal else "NO")
            shown = "-" if goal is None else f"< {goal:g}"
            print(
                f"{label:<30}{median:>9.2f}{min(walls):>10.2f}{statistics.median(cpus):>7.2f}"
                f"{shown:>8}  {met}"
            )
        run_heavy = _heavy_imports(cases[-1][1])
    heavy = _heavy_imports(["--help"])
    print(f"\n{repeat} runs each; `crmsim --help` imports {', '.join(heavy) or 'none'} of "
          f"{', '.join(HEAVY)}; `crmsim run` imports {', '.join(run_heavy) or 'none'}.")  # fmt: skip


if __name__ == "__main__":
    main()
