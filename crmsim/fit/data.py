"""A firm's weekly usage data: the CSV format ``crmsim fit`` reads, checked cell by cell.

One firm, one row per observed week::

    week,active_share,rejecting_share,profit_index
    1,0.00,0.00,0.93
    2,0.01,0.00,0.92
    ...

``week`` (whole numbers, strictly increasing, at least 1) and any of the
columns of :data:`COLUMNS`; a week not measured is simply left out, a value
not measured that week is left empty. Each column is compared with one
column of the weekly record (:mod:`crmsim.record`), as :data:`COLUMNS` says.
Every problem is one :class:`~crmsim.errors.CrmsimError` line naming the
file, the row or column, and the fix.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from crmsim.errors import CrmsimError

if TYPE_CHECKING:
    import pandas as pd

MIN_WEEKS = 4
"""Fewest observed weeks a fit accepts."""


@dataclass(frozen=True)
class DataColumn:
    """One column a data file may hold.

    Attributes:
        name: The header in the CSV file.
        record: The column of the weekly record it is compared with.
        meaning: What the firm measures, in plain words.
        share: Values must lie in [0, 1].
    """

    name: str
    record: str
    meaning: str
    share: bool = True


COLUMNS: tuple[DataColumn, ...] = (
    DataColumn("active_share", "engaged",
               "share of CRM users who used the system that week (trying or routine)"),
    DataColumn("active_users", "engaged",
               "number of CRM users who used the system that week (needs org.employees "
               "set in the scenario)", share=False),
    DataColumn("trying_share", "trying", "share of CRM users still learning the system"),
    DataColumn("rejecting_share", "rejecting",
               "share of CRM users refusing it or working around it (back to spreadsheets)"),
    DataColumn("profit_index", "profit_rel",
               "weekly profit relative to the pre-project level (1 = as before)", share=False),
    DataColumn("milestone_met", "milestone",
               "milestone review that week: 1 met, -1 missed, 0 or empty none", share=False),
)  # fmt: skip
"""The columns a data file may hold besides ``week``."""

BY_NAME: dict[str, DataColumn] = {c.name: c for c in COLUMNS}


@dataclass(frozen=True)
class Observations:
    """A firm's observed weeks, checked.

    Attributes:
        path: The file read.
        weeks: The observed weeks, increasing.
        values: Observed values by data column name, one float per week
            (NaN where that week's cell was empty), ``active_users`` already
            turned into ``active_share``.
    """

    path: Path
    weeks: np.ndarray
    values: dict[str, np.ndarray]

    @property
    def last_week(self) -> int:
        """The last observed week."""
        return int(self.weeks[-1])

    def pairs(self) -> list[tuple[str, int, float]]:
        """Every observed value as ``(column, week, value)``, empty cells left out."""
        return [
            (name, int(w), float(v))
            for name, col in self.values.items()
            for w, v in zip(self.weeks, col, strict=True)
            if not math.isnan(v)
        ]

    def to_frame(self) -> pd.DataFrame:
        """The observations as a table: ``week`` and one column per observed series."""
        import pandas as pd

        return pd.DataFrame({"week": self.weeks, **self.values})


def _numbers(frame: pd.DataFrame, name: str, where: str) -> np.ndarray:
    import pandas as pd

    col = frame[name]
    as_num = pd.to_numeric(col, errors="coerce")
    bad = as_num.isna() & col.notna() & (col.astype(str).str.strip() != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise CrmsimError(
            f"{where}: column {name}, data row {i + 1}: {col.iloc[i]!r} is not a number; "
            "write a number, or leave the cell empty for a value not measured"
        )
    values = as_num.to_numpy(dtype=float)
    if np.isinf(values).any():
        i = int(np.flatnonzero(np.isinf(values))[0])
        raise CrmsimError(f"{where}: column {name}, data row {i + 1} is infinite; write a number")
    return values


def _check_weeks(weeks: np.ndarray, where: str, horizon: int) -> None:
    if np.isnan(weeks).any():
        i = int(np.flatnonzero(np.isnan(weeks))[0])
        raise CrmsimError(f"{where}: data row {i + 1} has no week; give every row its week")
    if (weeks != np.round(weeks)).any() or (weeks < 1).any():
        i = int(np.flatnonzero((weeks != np.round(weeks)) | (weeks < 1))[0])
        raise CrmsimError(
            f"{where}: week {weeks[i]:g} (data row {i + 1}) is not a whole week from 1 on; "
            "number weeks 1, 2, ... from the project's start"
        )
    steps = np.diff(weeks)
    if (steps == 0).any():
        i = int(np.flatnonzero(steps == 0)[0])
        raise CrmsimError(f"{where}: week {int(weeks[i])} appears twice; keep one row per week")
    if (steps < 0).any():
        i = int(np.flatnonzero(steps < 0)[0])
        raise CrmsimError(
            f"{where}: week {int(weeks[i + 1])} comes after week {int(weeks[i])}; "
            "sort the rows by week"
        )
    if weeks[-1] >= horizon:
        raise CrmsimError(
            f"{where}: week {int(weeks[-1])} is not before the forecast's end (week {horizon}); "
            "raise run.weeks in the scenario or leave the late weeks out"
        )


def read_observations(path: str | Path, n_users: int | None, horizon: int) -> Observations:
    """Read and check a firm's data file.

    Args:
        path: The CSV file.
        n_users: The firm's number of CRM users when the scenario sets
            ``org.employees`` (needed for ``active_users``), else None.
        horizon: The week the forecast ends; observed weeks must come before it.

    Raises:
        CrmsimError: one line naming the problem and the fix (missing or
            malformed file, no ``week`` column, an unknown column, a value
            that is not a number or outside [0, 1], weeks out of order or
            repeated, fewer than :data:`MIN_WEEKS` observed weeks).
    """
    from crmsim.files import read_csv

    path = Path(path)
    where = f"data file {path}"
    frame = read_csv(path, "data file")
    frame.columns = [str(c).strip() for c in frame.columns]
    if "week" not in frame.columns:
        raise CrmsimError(f"{where} has no week column; put week first in the header row")
    for name in frame.columns:
        if name != "week" and name not in BY_NAME:
            close = difflib.get_close_matches(name, list(BY_NAME), n=1)
            hint = f"did you mean {close[0]}?" if close else f"use {', '.join(BY_NAME)}"
            raise CrmsimError(f"{where}: unknown column {name!r}; {hint}")
    if len(set(frame.columns)) != len(frame.columns):
        raise CrmsimError(f"{where}: a column appears twice in the header; keep one of each")
    measured = [n for n in frame.columns if n != "week"]
    if not measured:
        raise CrmsimError(f"{where} holds only weeks; add a column such as active_share")
    if {"active_share", "active_users"} <= set(measured):
        raise CrmsimError(f"{where}: give active_share or active_users, not both")
    weeks = _numbers(frame, "week", where)
    _check_weeks(weeks, where, horizon)
    values: dict[str, np.ndarray] = {}
    for name in measured:
        col = _numbers(frame, name, where)
        spec = BY_NAME[name]
        seen = col[~np.isnan(col)]
        if spec.share and ((seen < 0) | (seen > 1)).any():
            bad = seen[(seen < 0) | (seen > 1)][0]
            raise CrmsimError(
                f"{where}: {name} = {bad:g} is outside [0, 1]; give shares as fractions "
                "(0.35, not 35)"
            )
        if name == "milestone_met" and not np.isin(seen, (-1, 0, 1)).all():
            raise CrmsimError(f"{where}: milestone_met must be 1 (met), -1 (missed) or 0 (none)")
        if name == "active_users":
            if n_users is None:
                raise CrmsimError(
                    f"{where}: active_users needs the firm's size; set org.employees in the "
                    "scenario, or give active_share instead"
                )
            if ((seen < 0) | (seen > n_users)).any():
                raise CrmsimError(
                    f"{where}: active_users is outside [0, {n_users}] (the firm's CRM users); "
                    "check org.employees in the scenario"
                )
            name, col = "active_share", col / n_users
        values[name] = col
    observed = ~np.all(np.isnan(np.vstack(list(values.values()))), axis=0)
    if observed.sum() < MIN_WEEKS:
        raise CrmsimError(
            f"{where} has {int(observed.sum())} observed weeks; a fit needs at least "
            f"{MIN_WEEKS}: wait for more weeks of data"
        )
    keep = observed
    return Observations(
        path=path,
        weeks=weeks[keep].astype(np.int64),
        values={k: v[keep] for k, v in values.items()},
    )
