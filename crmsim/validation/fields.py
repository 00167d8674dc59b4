"""Per-run fields that targets may name: the run summary plus features of the weekly series.

Every stored run has the summary figures of :data:`crmsim.runner.SUMMARY_FIELDS`.
The features below are derived here from the run's weekly series (they are
not part of the model, and computing them changes no run):

- ``first_go_live_week``: first week with ``units_live > 0`` (missing if no
  unit ever went live).
- ``dip_after_go_live``: the week of the deepest profit shortfall
  (``dip_bottom_week``) comes after ``first_go_live_week`` (false when the
  run never dipped or never went live).
- ``weeks_to_10``, ``weeks_to_25``, ``weeks_to_90``: first week adoption
  reaches 10 %, 25 %, 90 % (missing if never), beside the summary's
  ``weeks_to_50`` and ``weeks_to_80``.
- ``resistance_manager``: mean over weeks 1.. of the mean middle-manager
  resistance (``manager_resistance``, 0-1).
- ``doubt_manager``, ``doubt_frontline``, ``doubt_executive``: mean over
  weeks 1.. of one minus the level's mean confidence, a proxy for that
  level's resistance (the model gives frontline staff and executives no
  resistance variable of their own).
- ``opposition_manager``, ``opposition_frontline``, ``opposition_executive``:
  mean over the year after the first go-live (the roll-out, when resistance is
  seen and reported) of ``(1 - stance) / 2``, one construct for every level:
  the stance is ``2c - 1`` for executives and frontline staff and ``2c - 1 -
  resistance`` for middle managers, exactly the stance a manager passes on to
  the team (:func:`crmsim.kernels.confidence.managers`); so it is the level's
  doubt, plus half its active resistance where the model has one. Missing if
  no unit ever went live.
- ``bass_error``: largest absolute gap, over all weeks, between the run's
  adoption share and the closed-form Bass curve with the run's own
  ``diffusion.p`` and ``diffusion.q`` (only meaningful in the ``bass_limit``
  set-up).

Missing values (a week never reached) are NaN; a comparison with a missing
value is false.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmsim.results import SUMMARY_FIELDS

DERIVED_FIELDS: dict[str, str] = {
    "first_go_live_week": "first week with a unit live (units_live > 0)",
    "dip_after_go_live": "deepest profit week comes after the first go-live",
    "weeks_to_10": "first week adoption >= 10 %",
    "weeks_to_25": "first week adoption >= 25 %",
    "weeks_to_90": "first week adoption >= 90 %",
    "resistance_manager": "mean middle-manager resistance over the run",
    "doubt_manager": "mean (1 - managers' confidence) over the run",
    "doubt_frontline": "mean (1 - frontline confidence) over the run",
    "doubt_executive": "mean (1 - executives' confidence) over the run",
    "opposition_manager": "middle managers' (1 - stance) / 2 in the year after the first go-live",
    "opposition_frontline": "frontline staff's (1 - stance) / 2 in the year after the first go-live",
    "opposition_executive": "executives' (1 - stance) / 2 in the year after the first go-live",
    "bass_error": "largest |adoption - closed-form Bass curve| over the weeks",
}
"""Fields derived from the weekly series, with a one-line meaning each."""

WEEKLY_COLUMNS = (
    "week", "adoption", "units_live", "manager_resistance", "confidence_manager",
    "confidence_frontline", "confidence_executive",
)  # fmt: skip
"""Weekly columns the derived fields read."""

OPPOSITION_WEEKS = 52
"""The roll-out year over which ``opposition_*`` is averaged, from the first go-live."""

_BOOL_FIELDS = ("success", "cancelled", "dip_after_go_live")


def field_names() -> list[str]:
    """Every name a target expression may use: summary fields then derived ones."""
    return [*SUMMARY_FIELDS, *DERIVED_FIELDS]


def bass_curve(t: np.ndarray, p: float, q: float) -> np.ndarray:
    """Closed-form Bass (1969) adoption share at times ``t`` (weeks)."""
    if p <= 0:
        return np.zeros_like(t, dtype=float)
    e = np.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + (q / p) * e)


def _first(week: np.ndarray, mask: np.ndarray) -> float:
    hit = np.flatnonzero(mask)
    return float(week[hit[0]]) if hit.size else np.nan


def _mean_after_start(week: np.ndarray, values: np.ndarray) -> float:
    sel = values[week >= 1]
    return float(np.nanmean(sel)) if sel.size and not np.all(np.isnan(sel)) else np.nan


def weekly_features(weekly: pd.DataFrame, rates: Mapping[int, tuple[float, float]]) -> pd.DataFrame:
    """The derived fields of each run in ``weekly`` (one row per run_id).

    Args:
        weekly: Weekly rows of one or more runs (``run_id`` plus
            :data:`WEEKLY_COLUMNS`).
        rates: ``run_id -> (diffusion.p, diffusion.q)`` for ``bass_error``.
    """
    rows = []
    for run_id, g in weekly.groupby("run_id", sort=True):
        g = g.sort_values("week")
        week = g["week"].to_numpy(dtype=float)
        adoption = g["adoption"].to_numpy(dtype=float)
        p, q = rates.get(int(run_id), (0.0, 0.0))
        row: dict[str, Any] = {
            "run_id": int(run_id),
            "first_go_live_week": _first(week, g["units_live"].to_numpy() > 0),
            "weeks_to_10": _first(week, adoption >= 0.1),
            "weeks_to_25": _first(week, adoption >= 0.25),
            "weeks_to_90": _first(week, adoption >= 0.9),
            "resistance_manager": _mean_after_start(
                week, g["manager_resistance"].to_numpy(dtype=float)
            ),
            "bass_error": float(np.max(np.abs(adoption - bass_curve(week, p, q)))),
        }
        live = row["first_go_live_week"]
        rollout = (week >= live) & (week < live + OPPOSITION_WEEKS)  # all false if never live
        resistance = g["manager_resistance"].to_numpy(dtype=float)
        for level in ("manager", "frontline", "executive"):
            conf = g[f"confidence_{level}"].to_numpy(dtype=float)
            row[f"doubt_{level}"] = _mean_after_start(week, 1.0 - conf)
            stance = 2.0 * conf - 1.0 - (resistance if level == "manager" else 0.0)
            row[f"opposition_{level}"] = (
                float(np.mean((1.0 - stance[rollout]) / 2.0)) if rollout.any() else np.nan
            )
        rows.append(row)
    return pd.DataFrame(rows)


def run_fields(summary: pd.DataFrame, features: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Summary rows of the runs that finished, joined with their derived fields.

    Summary fields that are missing for a run become NaN (floats); the
    true/false fields stay booleans.
    """
    ok = summary[summary["status"] == "ok"].copy()
    parts = [f for f in features if len(f)]
    derived = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"run_id": []})
    out = ok.merge(derived, on="run_id", how="left")
    for name in field_names():
        if name not in out.columns:
            out[name] = np.nan
        if name in _BOOL_FIELDS and name != "dip_after_go_live":
            out[name] = out[name].astype(bool)
        elif name not in _BOOL_FIELDS:
            out[name] = pd.to_numeric(out[name], errors="coerce").astype(float)
    out["dip_after_go_live"] = (out["dip_bottom_week"] > out["first_go_live_week"]).astype(bool)
    return out.reset_index(drop=True)


def example_frame() -> pd.DataFrame:
    """Two made-up runs with every field, for checking expressions before anything runs."""
    data: dict[str, list[Any]] = {}
    for name in field_names():
        data[name] = [True, False] if name in _BOOL_FIELDS else [1.0, 2.0]
    return pd.DataFrame(data)
