"""Benchmark of the batch machinery (not a test: it times, it does not assert).

Measures, for N runs (default 1,000) of a 200-employee organisation over
the default 156 weeks:

* **bare**: ``simulate()`` called in a plain loop with the batch's seeds
  (measured before and after the batches, to show the machine's drift);
* **serial batch**: the same runs through ``make_plan`` + ``run_batch`` +
  ``RunStore`` with one worker (seeds, journal, Parquet chunks, manifest);
* **pool batch**: the same with ``--workers`` local processes (default 2).

The batches run in the order serial, pool, pool, serial (an ABBA design, so
a load that rises or falls steadily during the benchmark affects both the
same); the speed-up compares the sums.

Overhead = serial batch time / mean bare time - 1 (goal <= 10 %);
speed-up = serial batch time / pool batch time (goal >= 1.3x on 2 cores).
Because other work on a shared machine moves wall times by more than the
overhead itself, the serial batch also times every ``simulate()`` call it
makes: the machinery's own cost is the batch time minus that sum, which
does not depend on how fast the simulations happened to run.

    .venv/bin/python benchmarks/bench_batch.py [--runs 1000] [--employees 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from crmsim.batch import cli_settings, make_plan, plan_frame, run_batch
from crmsim.runner import simulate
from crmsim.storage import RunStore


def bare(plan) -> float:
    """Seconds to simulate every planned run in a plain loop."""
    scenario = plan.scenarios[0].scenario.with_updates(plan.scenarios[0].sets)
    t0 = time.perf_counter()
    for run in plan.runs:
        simulate(scenario, run.seed)
    return time.perf_counter() - t0


def batch(plan, workers: int, root: Path) -> tuple[float, float]:
    """Seconds for the batch machinery to run and store every planned run.

    Returns:
        The wall time and, with one worker, the time spent inside ``simulate()``.
    """
    from crmsim import runner

    real = runner.simulate
    inside = [0.0]

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            inside[0] += time.perf_counter() - t

    runner.simulate = timed  # seen by run_one in this process (the serial case)
    try:
        t0 = time.perf_counter()
        store = RunStore.create(root, plan.manifest(), plan_frame(plan))
        result = run_batch(plan, store, workers=workers)
        store.close()
        elapsed = time.perf_counter() - t0
    finally:
        runner.simulate = real
    assert result.ok == len(plan.runs), result
    return elapsed, inside[0]


def main() -> None:
    """Run the benchmark and print a small report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--employees", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=12345)
    args = ap.parse_args()

    cli = cli_settings(
        sets=[f"org.employees={args.employees}"], replicates=args.runs, seed=args.seed
    )
    plan = make_plan(["baseline"], cli)
    simulate(plan.scenarios[0].scenario.with_updates(plan.scenarios[0].sets), 0)  # warm-up
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        t_bare1 = bare(plan)
        s1, in1 = batch(plan, 1, Path(tmp) / "serial1")
        p1, _ = batch(plan, args.workers, Path(tmp) / "pool1")
        p2, _ = batch(plan, args.workers, Path(tmp) / "pool2")
        s2, in2 = batch(plan, 1, Path(tmp) / "serial2")
        t_bare2 = bare(plan)
        size = sum(f.stat().st_size for f in (Path(tmp) / "serial1").rglob("*") if f.is_file())
    t_serial, t_inside, t_pool = (s1 + s2) / 2, (in1 + in2) / 2, (p1 + p2) / 2
    t_bare = (t_bare1 + t_bare2) / 2
    n = args.runs
    print(f"crmsim batch benchmark: {n} runs, {args.employees} employees, 156 weeks")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")  # fmt: skip
    print(f"  bare simulate() loop : {t_bare1:7.1f} s before, {t_bare2:7.1f} s after "
          f"({n / t_bare:6.1f} runs/s, {1000 * t_bare / n:.1f} ms/run)")  # fmt: skip
    print(f"  batch, 1 worker      : {s1:7.1f} s and {s2:7.1f} s ({n / t_serial:6.1f} runs/s)")
    print(
        f"  batch, {args.workers} workers     : {p1:7.1f} s and {p2:7.1f} s ({n / t_pool:6.1f} runs/s)"
    )
    print(
        f"  overhead over bare   : {100 * (t_serial / t_bare - 1):+6.1f} %  (wall times; goal <= 10 %)"
    )
    own = t_serial - t_inside
    print(f"  machinery's own time : {own:7.2f} s = {100 * own / t_inside:.1f} % of the "
          f"{t_inside:.1f} s inside simulate() ({1000 * own / n:.2f} ms/run)")  # fmt: skip
    print(f"  speed-up {args.workers} workers   : {t_serial / t_pool:6.2f}x  (goal >= 1.3x)")
    print(f"  stored on disk       : {size / 1e6:.1f} MB ({size / n / 1e3:.1f} kB per run)")


if __name__ == "__main__":
    main()
