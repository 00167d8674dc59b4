"""The output analysed, per run and per sample point (step 5).

**Missing outputs.** The week fields (``payback_week``, ``weeks_to_80``,
``cancel_week``, ...) are ``None`` when the event did not happen within the
run. Such a run counts as ``run.weeks + 1``: the event comes later, if ever
(a censored value, so effects on these outputs are understated). Two
exceptions where the run never needed the event: ``recovery_week`` is 0
when there was no dip, and ``payback_week`` is 0 when the cumulative profit
change never went below zero. The share of runs so counted is reported. A
missing value of any other output refuses the analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmsim.errors import CrmsimError
from crmsim.params import suggest
from crmsim.results import SUMMARY_FIELDS

if TYPE_CHECKING:
    from crmsim.batch import Plan

OUTPUTS: tuple[str, ...] = tuple(SUMMARY_FIELDS)
"""Outputs that can be analysed: every per-run summary figure."""

WEEK_OUTPUTS = frozenset(
    {"weeks_to_50", "weeks_to_80", "dip_bottom_week", "recovery_week", "payback_week"}
    | {"cancel_week", "cut_week"}
)
"""Outputs that are the first week something happened, ``None`` if it did not."""


def resolve_output(name: str) -> str:
    """Check an output name against the summary figures.

    Raises:
        CrmsimError: for an unknown name, suggesting the closest one.
    """
    if name in OUTPUTS:
        return name
    hint = suggest(name, list(OUTPUTS)) or f"; choose from {', '.join(OUTPUTS)}"
    raise CrmsimError(f"--output: unknown output {name!r}{hint}")


def output_values(summary: pd.DataFrame, output: str, horizon: pd.Series) -> pd.DataFrame:
    """One number per run for ``output``, with missing values handled.

    Args:
        summary: Rows of finished runs (``RunStore.summary`` of ok runs).
        output: A summary figure (:data:`OUTPUTS`).
        horizon: Each row's ``run.weeks`` (same index as ``summary``).

    Returns:
        Columns ``value`` (float) and ``censored`` (True where a missing
        week counted as ``run.weeks + 1``).

    Raises:
        CrmsimError: when a figure other than a week is missing.
    """
    raw = summary[output]
    missing = raw.isna()
    values = pd.to_numeric(raw.astype("Float64"), errors="coerce").astype(float)
    censored = pd.Series(False, index=summary.index)
    if output in WEEK_OUTPUTS:
        not_needed = pd.Series(False, index=summary.index)
        if output == "recovery_week":
            not_needed = summary["dip_bottom_week"].isna()
        elif output == "payback_week":
            not_needed = summary["cum_profit_delta"].astype(float) >= 0
        values = values.where(~(missing & not_needed), 0.0)
        censored = missing & ~not_needed
        values = values.where(~censored, horizon.astype(float) + 1.0)
    elif missing.any():
        raise CrmsimError(
            f"--output {output}: missing in {int(missing.sum())} of {len(raw)} runs; "
            "choose another output"
        )
    return pd.DataFrame({"value": values.astype(float), "censored": censored.astype(bool)})


def point_outputs(summary: pd.DataFrame, plan: Plan, output: str) -> pd.DataFrame:
    """Per sample point: replicate mean, standard deviation and standard error.

    Args:
        summary: ``RunStore.summary()`` (failed runs are counted, not used).
        plan: The plan whose cells are the points.
        output: The summary figure analysed.

    Returns:
        One row per point (``point`` = cell index, in plan order): ``n``
        finished runs, ``failed``, ``mean``, ``sd`` (ddof 1; NaN under two
        runs), ``se`` = sd/√n, ``censored`` share.
    """
    weeks = pd.Series({c.index: c.params["run.weeks"] for c in plan.cells})
    ok = summary[summary["status"] == "ok"]
    per_run = output_values(ok, output, ok["cell"].map(weeks))
    per_run["point"] = ok["cell"].astype(int).to_numpy()
    grouped = per_run.groupby("point")
    table = pd.DataFrame(
        {
            "n": grouped["value"].count(),
            "mean": grouped["value"].mean(),
            "sd": grouped["value"].std(ddof=1),
            "censored": grouped["censored"].mean(),
        }
    )
    index = pd.RangeIndex(len(plan.cells), name="point")
    table = table.reindex(index)
    table["n"] = table["n"].fillna(0).astype(int)
    failed = summary[summary["status"] != "ok"].groupby("cell").size()
    table["failed"] = failed.reindex(index, fill_value=0).astype(int).to_numpy()
    table["se"] = table["sd"] / np.sqrt(table["n"].where(table["n"] > 0))
    return table.reset_index()[["point", "n", "failed", "mean", "sd", "se", "censored"]]
