"""One lever at a time, for ``crmsim levers``: each survey lever from 0 to 1, the others held."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmsim.errors import CrmsimError
from crmsim.params import LEVERS, PARAMS

if TYPE_CHECKING:
    from crmsim.batch import Plan


DEFAULT_LEVER_REPLICATES = 20
"""Runs per lever value when neither ``-n`` nor the file's ``[batch]`` says."""


def lever_plan(
    ref: str,
    steps: int,
    replicates: int | None,
    sets: Mapping[str, Any],
    seed: int | None,
    common_seeds: bool = False,
) -> tuple[Plan, Any, dict[str, Any]]:
    """The one-at-a-time plan of ``crmsim levers REF``; levers fixed by ``[batch] set`` or
    ``--set`` are not moved.

    Returns:
        The plan, the file's :class:`crmsim.batch.Settings`, and the record
        for the manifest (scenario, steps, replicates, set, common_seeds).

    Raises:
        CrmsimError: when every lever is fixed, or for a bad scenario.
    """
    from crmsim.batch import file_settings, make_points_plan
    from crmsim.batch.sizing import check_plan
    from crmsim.scenario import load
    from crmsim.sensitivity.design import fresh_seed

    fix = "use fewer replicates (-n) or --steps"
    check_plan(len(LEVERS) * steps, len(LEVERS) * steps, "these levers", fix)
    scenario = load(ref)
    file = file_settings(scenario)
    fixed = {**file.set, **sets}
    points = [p for p in lever_points(steps) if not set(p) & set(fixed)]
    if not points:
        raise CrmsimError("every lever is fixed by --set or [batch] set; nothing to move")
    root = seed if seed is not None else (file.seed if file.seed is not None else fresh_seed())
    reps = replicates or file.replicates or DEFAULT_LEVER_REPLICATES
    check_plan(len(points) * reps, len(points), "these levers", fix)
    common = common_seeds or bool(file.common_seeds)
    plan = make_points_plan(ref, points, reps, root, sets=fixed, common_seeds=common)
    record = {"scenario": ref, "steps": steps, "replicates": reps, "set": fixed}
    return plan, file, {**record, "common_seeds": common}


def lever_points(steps: int) -> list[dict[str, float]]:
    """One-at-a-time points: each of the nine levers at ``steps`` values from 0 to 1.

    Raises:
        CrmsimError: for fewer than two steps.
    """
    if steps < 2:
        raise CrmsimError(f"--steps {steps}: need at least 2 values from 0 to 1")
    values = [float(f"{v:.12g}") for v in np.linspace(0.0, 1.0, steps)]
    return [{lever: v} for lever in LEVERS for v in values]


def lever_table(summary: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Success rate and final adoption per lever and value (one lever moved at a time).

    Args:
        summary: ``RunStore.summary()`` of a :func:`lever_points` batch.
        plan: Its plan (cell ``i`` moves one lever to one value).

    Returns:
        One row per lever and value: ``lever``, ``label``, ``value``,
        ``scenario_value`` (the lever's value in the scenario), ``n``,
        ``failed``, ``success_rate`` with its 95 % Wilson interval
        (``success_lo``, ``success_hi``), and final adoption's median with
        its 50 % and 90 % bands (``adoption_q05`` ... ``adoption_q95``).
    """
    from crmsim.analysis import wilson_interval

    base = plan.scenarios[0].params
    rows = []
    for cell in plan.cells:
        ((lever, value),) = cell.swept
        runs = summary[summary["cell"] == cell.index]
        ok = runs[runs["status"] == "ok"]
        n = len(ok)
        wins = int(ok["success"].astype(bool).sum()) if n else 0
        lo, hi = wilson_interval(wins, n)
        adoption = ok["final_adoption"].astype(float)
        q = adoption.quantile([0.05, 0.25, 0.5, 0.75, 0.95]) if n else pd.Series([math.nan] * 5)
        rows.append(
            {
                "lever": lever,
                "label": PARAMS[lever].label,
                "value": float(value),
                "scenario_value": float(base[lever]),
                "n": n,
                "failed": len(runs) - n,
                "success_rate": wins / n if n else math.nan,
                "success_lo": lo,
                "success_hi": hi,
                "adoption_median": float(q.iloc[2]),
                "adoption_q05": float(q.iloc[0]),
                "adoption_q25": float(q.iloc[1]),
                "adoption_q75": float(q.iloc[3]),
                "adoption_q95": float(q.iloc[4]),
            }
        )
    return pd.DataFrame(rows)


def lever_swings(table: pd.DataFrame) -> pd.DataFrame:
    """Per lever: success rate and median adoption at 0 and at 1, ranked by the success swing."""
    rows = []
    for lever, g in table.groupby("lever", sort=False):
        g = g.sort_values("value")
        first, last = g.iloc[0], g.iloc[-1]
        rows.append(
            {
                "lever": lever,
                "success_at_0": first["success_rate"],
                "success_at_1": last["success_rate"],
                "success_swing": last["success_rate"] - first["success_rate"],
                "adoption_at_0": first["adoption_median"],
                "adoption_at_1": last["adoption_median"],
                "adoption_swing": last["adoption_median"] - first["adoption_median"],
            }
        )
    out = pd.DataFrame(rows)
    order = out["success_swing"].abs().add(1e-9 * out["adoption_swing"].abs())
    return out.loc[order.sort_values(ascending=False).index].reset_index(drop=True)


def format_swings(swings: pd.DataFrame, runs_per_point: int) -> str:
    """The lever swings as a terminal table."""
    width = max(len("lever"), *(len(n) for n in swings["lever"]))
    lines = [
        f"One lever at a time, 0 -> 1, others at the scenario's values ({runs_per_point} runs "
        "per point)",
        f"{'lever':<{width}}  {'success 0 -> 1':>16} {'swing':>7}  {'adoption 0 -> 1':>16} "
        f"{'swing':>7}",
    ]
    for r in swings.itertuples():
        lines.append(
            f"{r.lever:<{width}}  {r.success_at_0:>7.0%} -> {r.success_at_1:<5.0%} "
            f"{r.success_swing:>+7.0%}  {r.adoption_at_0:>7.2f} -> {r.adoption_at_1:<5.2f} "
            f"{r.adoption_swing:>+7.2f}"
        )
    return "\n".join(lines)
