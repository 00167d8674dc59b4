"""SALib's sample of a design (step 2) and the sample as a batch plan (step 3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from crmsim.batch import Plan
    from crmsim.scenario import Scenario
    from crmsim.sensitivity.design import Design


def sample(design: Design) -> np.ndarray:
    """SALib's sample for the design: one row per point, one column per factor.

    Morris: ``samples`` trajectories on a ``levels``-level grid. Sobol':
    Saltelli's scheme on a scrambled Sobol' sequence with second order.
    Values are clipped into the ranges (scaling can overshoot by a rounding
    error).
    """
    problem = design.problem()
    seed = design.seed("sample")
    if design.method == "morris":
        from SALib.sample import morris as morris_sampler

        x = morris_sampler.sample(problem, design.samples, num_levels=design.levels, seed=seed)
    else:
        from SALib.sample import sobol as sobol_sampler

        x = sobol_sampler.sample(problem, design.samples, calc_second_order=True, seed=seed)
    lo = np.array([f.lo for f in design.factors])
    hi = np.array([f.hi for f in design.factors])
    return np.clip(np.asarray(x, dtype=float), lo, hi)


def points(design: Design, x: np.ndarray) -> list[dict[str, Any]]:
    """The sample as parameter values per point (whole-number parameters rounded)."""
    out = []
    for row in x:
        point: dict[str, Any] = {}
        for f, value in zip(design.factors, row, strict=True):
            point[f.name] = int(round(value)) if f.whole else float(value)
        out.append(point)
    return out


def plan_points(
    design: Design,
    x: np.ndarray,
    workers: int | None = None,
    scheduler: str | None = None,
    load_scenario: Callable[[str], Scenario] | None = None,
) -> Plan:
    """The design's sample as a batch plan: point ``i`` is cell ``i``."""
    from crmsim.batch import make_points_plan
    from crmsim.scenario import load

    return make_points_plan(
        design.scenario, points(design, x), design.replicates, design.root_seed,
        sets=design.sets, workers=workers, scheduler=scheduler,
        load_scenario=load_scenario or load,
    )  # fmt: skip


SAMPLE_FILE = "sample.parquet"
"""The sample's file in a sensitivity run directory (one column per factor)."""


def write_sample(out: Path, design: Design, x: np.ndarray) -> Path:
    """Keep the sample beside the runs (``--resume`` analyses the same points)."""
    import pandas as pd

    from crmsim.files import atomic_write

    path = Path(out) / SAMPLE_FILE
    frame = pd.DataFrame(x, columns=design.names)
    atomic_write(path, lambda fh: frame.to_parquet(fh, index=False))
    return path


def read_sample(out: Path, design: Design) -> np.ndarray:
    """The sample :func:`write_sample` kept in ``out``.

    Raises:
        CrmsimError: when ``out`` has none, or it is damaged.
    """
    from crmsim.errors import CrmsimError
    from crmsim.files import read_parquet_frame

    path = Path(out) / SAMPLE_FILE
    fix = "start a new analysis into another --out"
    if not path.is_file():
        raise CrmsimError(f"{path.parent} has no {SAMPLE_FILE}; {fix}")
    frame = read_parquet_frame(path, "sensitivity sample", columns=design.names, fix=fix)
    return frame[design.names].to_numpy(dtype=float)
