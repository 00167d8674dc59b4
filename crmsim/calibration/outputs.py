"""What a calibration leaves in its directory: trials, accepted sets, Pareto front, plots, scenario.

- ``trials.csv``: one row per trial: its number, the free parameters, the
  total distance, ``accepted``, and per target the estimate
  (``value:ID``), its distance (``distance:ID``) and verdict (``verdict:ID``).
- ``accepted.csv``: the trials whose every estimate lies inside its band.
- ``pareto.csv``: the trials no other trial beats on every target's distance.
- ``marginals.png``: each free parameter against the total distance.
- ``calibrated.toml``: a scenario inheriting the base one with the chosen
  values (:func:`chosen_trial`) and the fixed ones, provenance in comments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmsim.calibration.config import Config
from crmsim.validation import Target


def trials_frame(study: Any, config: Config) -> pd.DataFrame:
    """The study's trials as a table (see the module docstring)."""
    rows = []
    for t in sorted(study.get_trials(deepcopy=False), key=lambda t: t.number):
        row: dict[str, Any] = {"trial": t.number}
        row.update({f.name: t.params[f.name] for f in config.free})
        row["total_distance"] = t.value
        dist = t.user_attrs.get("distance", {})
        row["accepted"] = bool(dist) and all(d == 0 for d in dist.values())
        for tid in dist:
            row[f"value:{tid}"] = t.user_attrs["value"].get(tid)
            row[f"distance:{tid}"] = dist[tid]
            row[f"verdict:{tid}"] = t.user_attrs["verdict"].get(tid)
        rows.append(row)
    return pd.DataFrame(rows)


def pareto(frame: pd.DataFrame) -> pd.DataFrame:
    """Trials not dominated on the per-target distances (no other is as good everywhere, better
    somewhere)."""
    cols = [c for c in frame.columns if c.startswith("distance:")]
    d = frame[cols].to_numpy(dtype=float)
    keep = []
    for i in range(len(d)):
        dominated = np.any(np.all(d <= d[i], axis=1) & np.any(d < d[i], axis=1))
        keep.append(not dominated)
    return frame[np.array(keep, dtype=bool)] if len(d) else frame


def _centredness(row: pd.Series, targets: Sequence[Target]) -> float:
    total = 0.0
    for t in targets:
        lo, hi = t.band
        v = row.get(f"value:{t.id}")
        if v is None or (isinstance(v, float) and math.isnan(v)) or not math.isfinite(hi - lo):
            continue
        if hi > lo:
            total += ((float(v) - (lo + hi) / 2) / (hi - lo)) ** 2
    return total


def chosen_trial(frame: pd.DataFrame, targets: Sequence[Target]) -> pd.Series:
    """The trial to keep: the accepted one nearest the bands' centres; else the smallest total
    distance (ties: nearest the centres, then the lowest trial number)."""
    pool = frame[frame["accepted"]] if frame["accepted"].any() else frame
    pool = pool[pool["total_distance"] == pool["total_distance"].min()]
    scores = pool.apply(lambda r: _centredness(r, targets), axis=1)
    ranked = pool.assign(_c=scores).sort_values(["_c", "trial"], kind="stable")
    return ranked.drop(columns="_c").iloc[0]


def plot_marginals(frame: pd.DataFrame, config: Config, chosen: pd.Series) -> Any:
    """One panel per free parameter: its value in each trial against the total distance."""
    from matplotlib.figure import Figure

    n = len(config.free)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(4.2 * cols, 3.2 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    acc = frame["accepted"].astype(bool)
    for ax, f in zip(axes, config.free, strict=False):
        ax.scatter(frame.loc[~acc, f.name], frame.loc[~acc, "total_distance"], s=12,
                   color="0.55", label="trial")  # fmt: skip
        ax.scatter(frame.loc[acc, f.name], frame.loc[acc, "total_distance"], s=16,
                   color="tab:orange", label="accepted (all in band)")  # fmt: skip
        ax.scatter([chosen[f.name]], [chosen["total_distance"]], marker="*", s=140,
                   color="tab:blue", label="chosen")  # fmt: skip
        ax.set_xlim(f.lo, f.hi)
        ax.set_xlabel(f.name)
        ax.set_ylabel("total distance (band widths)")
    for ax in axes[n:]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"Calibration of {Path(config.scenario).stem}: {len(frame)} trials")
    return fig


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def calibrated_toml(config: Config, chosen: pd.Series, provenance: Mapping[str, Any]) -> str:
    """A scenario file inheriting the base scenario, with the chosen and fixed values."""
    values = {**dict(config.fixed), **{f.name: chosen[f.name] for f in config.free}}
    for f in config.free:
        values[f.name] = int(values[f.name]) if f.integer else float(values[f.name])
    base = config.scenario
    lines = [
        "# Generated by crmsim calibrate; the provenance of these values:",
        *[f"#   {k}: {v}" for k, v in provenance.items()],
        f"#   chosen trial: {int(chosen['trial'])} (total distance "
        f"{float(chosen['total_distance']):.4g}, accepted: {bool(chosen['accepted'])})",
        "",
        "[scenario]",
        f'description = "{Path(base).stem} calibrated to {config.targets.name} '
        f'(trial {int(chosen["trial"])})"',
        f'inherits = "{base}"',
    ]
    groups: dict[str, list[str]] = {}
    for name, value in sorted(values.items()):
        group, key = name.split(".", 1)
        groups.setdefault(group, []).append(f"{key} = {_toml_value(value)}")
    for group, entries in groups.items():
        lines += ["", f"[{group}]", *entries]
    return "\n".join(lines) + "\n"
