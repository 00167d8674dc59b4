"""Tables over a batch's results: comparisons with intervals, and weekly bands.

Every function takes DataFrames (``RunStore.summary()``, weekly chunks) and
returns a DataFrame; :mod:`crmsim.batch_plots` draws them and the ``compare``
and ``plot`` commands print or save them.

Groups are formed by *dimensions*: ``scenario`` and the swept parameters.
By default every dimension that takes more than one value in the batch is
used, so each group is one scenario at one grid point.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from crmsim.errors import CrmsimError
from crmsim.params import suggest

Z95 = 1.959963984540054
"""Standard normal quantile for a two-sided 95 % interval."""

BAND_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""The 90 % band (5-95 %), the 50 % band (25-75 %) and the median."""

METRIC_ALIASES = {
    "adoption": "adoption",
    "confidence": "confidence_frontline",
    "profit": "profit_rel",
    "resistance": "manager_resistance",
    "sponsor": "confidence_sponsor",
    "skill": "mean_skill",
    "cumulative": "cum_profit_delta",
}
"""Short metric names accepted by ``crmsim plot --metric`` (any weekly column works too)."""

NOT_METRICS = {"week": "the week is the x axis", "run_id": "run_id names the run"}
"""Weekly columns that are not series to plot, and why."""

METRIC_LABELS = {
    "adoption": "Routine CRM users (share)",
    "engaged": "Trying or using CRM (share)",
    "rejecting": "Rejecting CRM (share)",
    "confidence_frontline": "Frontline confidence (0-1)",
    "confidence_manager": "Managers' confidence (0-1)",
    "confidence_sponsor": "Sponsor's confidence (0-1)",
    "confidence_user": "CRM users' confidence (0-1)",
    "manager_resistance": "Managers' resistance (0-1)",
    "profit_rel": "Profit vs pre-project (share)",
    "cum_profit_delta": "Cumulative profit change ({unit})",
    "spend": "Project spend ({unit})",
    "mean_skill": "Users' skill (0-1)",
}
"""Axis labels of the weekly series; ``{unit}``: the money unit (:data:`MONEY_METRICS`)."""

MONEY_METRICS = frozenset({"cum_profit_delta", "spend"})
"""Weekly series in money, in the currency's base unit (yuan, dollars): plots show them in
the scenario's display unit (:class:`crmsim.money.Money`)."""


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95 % by default).

    Unlike the normal approximation it stays inside [0, 1] and is usable at
    0 or ``n`` successes and small ``n`` (Wilson 1927; Brown, Cai and
    DasGupta 2001 recommend it). ``(nan, nan)`` when ``n`` is 0.
    """
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    lo = 0.0 if successes == 0 else max(0.0, centre - half)  # exact ends, no 5e-17
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return (lo, hi)


def varying_dimensions(summary: pd.DataFrame, sweep_names: Sequence[str]) -> list[str]:
    """The dimensions (``scenario``, swept parameters) taking more than one value."""
    dims = [d for d in ("scenario", *sweep_names) if d in summary.columns]
    varying = [d for d in dims if summary[d].nunique(dropna=False) > 1]
    return varying or ["scenario"]


def check_dimensions(
    by: Iterable[str], summary: pd.DataFrame, sweep_names: Sequence[str]
) -> list[str]:
    """Validate ``--by`` names against the batch's dimensions.

    Raises:
        CrmsimError: for a name that is neither ``scenario`` nor swept in this batch.
    """
    allowed = ["scenario", *sweep_names]
    out = []
    for name in by:
        if name not in allowed:
            hint = suggest(name, allowed) or f"; this batch has: {', '.join(allowed)}"
            raise CrmsimError(f"--by {name}: not a scenario or swept parameter{hint}")
        out.append(name)
    return out


def _group_keys(df: pd.DataFrame, by: Sequence[str]):
    return df.groupby(list(by), sort=True, dropna=False)


def paired_difference(diffs: np.ndarray) -> tuple[float, float, float]:
    """Mean of paired differences with its 95 % t interval: ``(mean, lo, hi)``.

    NaN for no pairs; a zero-width interval when every difference is equal.
    """
    from scipy.stats import t

    n = diffs.size
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(diffs.mean())
    if n == 1:
        return mean, math.nan, math.nan
    half = float(t.ppf(0.975, n - 1)) * float(diffs.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half


def is_paired(summary: pd.DataFrame, by: Sequence[str]) -> bool:
    """Whether every group ran the same seeds (a batch with ``--common-seeds``)."""
    if not by or summary.empty:
        return False
    seeds = [tuple(sorted(g["seed"])) for _, g in _group_keys(summary, by)]
    return len(seeds) > 1 and all(s == seeds[0] for s in seeds)


def _paired_columns(summary: pd.DataFrame, by: Sequence[str]) -> list[dict[str, float]]:
    """Per group, success and final adoption minus the first group's, run by run (same seed)."""
    groups = [g[g["status"] == "ok"].set_index("seed") for _, g in _group_keys(summary, by)]
    first = groups[0]
    out = []
    for g in groups:
        common = first.index.intersection(g.index)
        ds = g.loc[common, "success"].astype(float) - first.loc[common, "success"].astype(float)
        da = g.loc[common, "final_adoption"].astype(float) - first.loc[
            common, "final_adoption"
        ].astype(float)
        s_mean, s_lo, s_hi = paired_difference(ds.to_numpy())
        a_mean, a_lo, a_hi = paired_difference(da.to_numpy())
        out.append(
            {
                "pairs": len(common),
                "success_diff": s_mean,
                "success_diff_lo": s_lo,
                "success_diff_hi": s_hi,
                "adoption_diff": a_mean,
                "adoption_diff_lo": a_lo,
                "adoption_diff_hi": a_hi,
            }
        )
    return out


def compare_table(
    summary: pd.DataFrame, by: Sequence[str], counts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per group: success, adoption, speed, dip and cancellation.

    Columns: the ``by`` dimensions, ``runs`` (finished), ``failed`` (with an
    error, left out of the figures), ``success_rate`` with its Wilson 95 %
    interval ``success_lo``/``success_hi``, ``adoption_median`` with its
    interquartile range ``adoption_q25``/``adoption_q75``, ``reached_80``
    (share of runs reaching 80 % adoption), ``weeks_to_80_median`` (among
    those), ``dip_depth_median``, ``dip_weeks_median``, ``cancel_rate`` with
    ``cancel_lo``/``cancel_hi``.

    When every group ran the same seeds (common random numbers), each group
    is also compared with the first run by run: ``pairs``, ``success_diff``
    and ``adoption_diff`` (mean difference from the first group, in share
    points) with their 95 % t intervals (``*_lo``/``*_hi``).

    With ``counts`` (:meth:`crmsim.completeness.Completeness.groups` by the
    same dimensions), ``planned`` and ``missing`` follow ``failed``, and a
    planned group without a finished run gets a row of its own (``runs`` 0).
    """
    rows = []
    for key, g in _group_keys(summary, by):
        key = key if isinstance(key, tuple) else (key,)
        ok = g[g["status"] == "ok"]
        n = len(ok)
        success = int(ok["success"].astype(bool).sum()) if n else 0
        cancelled = int(ok["cancelled"].astype(bool).sum()) if n else 0
        adoption = ok["final_adoption"].astype(float)
        w80 = ok["weeks_to_80"].dropna().astype(float)
        s_lo, s_hi = wilson_interval(success, n)
        c_lo, c_hi = wilson_interval(cancelled, n)
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                "runs": n,
                "failed": int((g["status"] != "ok").sum()),
                "success_rate": success / n if n else math.nan,
                "success_lo": s_lo,
                "success_hi": s_hi,
                "adoption_median": adoption.median() if n else math.nan,
                "adoption_q25": adoption.quantile(0.25) if n else math.nan,
                "adoption_q75": adoption.quantile(0.75) if n else math.nan,
                "reached_80": len(w80) / n if n else math.nan,
                "weeks_to_80_median": w80.median() if len(w80) else math.nan,
                "dip_depth_median": ok["profit_dip_depth"].astype(float).median(),
                "dip_weeks_median": ok["dip_weeks"].astype(float).median(),
                "cancel_rate": cancelled / n if n else math.nan,
                "cancel_lo": c_lo,
                "cancel_hi": c_hi,
            }
        )
    if is_paired(summary, by):
        for row, paired in zip(rows, _paired_columns(summary, by), strict=True):
            row.update(paired)
    table = pd.DataFrame(rows)
    return table if counts is None else _with_counts(table, counts, by)


def _with_counts(table: pd.DataFrame, counts: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """``planned`` and ``missing`` per group; planned groups with no stored run added."""
    counts = counts[[*by, "planned", "missing"]]
    if table.empty:
        merged = counts.assign(runs=0, failed=0)
    else:
        merged = table.merge(counts, on=list(by), how="outer", sort=True)
    merged[["runs", "failed"]] = merged[["runs", "failed"]].fillna(0).astype(int)
    columns = [c for c in table.columns if c not in ("planned", "missing")] or [
        *by,
        "runs",
        "failed",
    ]
    at = columns.index("failed") + 1
    order = [*columns[:at], "planned", "missing", *columns[at:]]
    return merged.reindex(columns=order).reset_index(drop=True)


def format_compare(table: pd.DataFrame, by: Sequence[str]) -> str:
    """The comparison as an aligned plain-text table for the terminal."""

    def pct(x: float) -> str:
        return "-" if x != x else f"{100 * x:.0f}%"

    shown = pd.DataFrame(
        {
            **{d: table[d].map(_label) for d in by},
            "runs": _runs_column(table),
            "success [95% CI]": _with_range(table, "success_rate", "success_lo", "success_hi", pct),
            "adoption median [IQR]": _with_range(
                table, "adoption_median", "adoption_q25", "adoption_q75", pct
            ),
            "reach 80%": table["reached_80"].map(pct),
            "weeks to 80%": table["weeks_to_80_median"].map(
                lambda w: "-" if w != w else f"{w:.0f}"
            ),
            "dip depth": table["dip_depth_median"].map(pct),
            "dip weeks": table["dip_weeks_median"].map(lambda w: "-" if w != w else f"{w:.0f}"),
            "cancelled [95% CI]": _with_range(table, "cancel_rate", "cancel_lo", "cancel_hi", pct),
        }
    )
    text = shown.to_string(index=False)
    if "success_diff" not in table:
        return text

    def points(x: float) -> str:
        return "-" if x != x else f"{100 * x:+.0f}"

    first = group_label(by, [table[d].iloc[0] for d in by])
    diffs = pd.DataFrame(
        {
            **{d: table[d].map(_label) for d in by},
            "pairs": table["pairs"].astype(str),
            "success [95% CI]": _with_range(
                table, "success_diff", "success_diff_lo", "success_diff_hi", points, ", "
            ),
            "adoption [95% CI]": _with_range(
                table, "adoption_diff", "adoption_diff_lo", "adoption_diff_hi", points, ", "
            ),
        }
    )
    head = (
        f"\nPaired with {first} run by run (same seeds): mean difference in points "
        "[95 % t interval]"
    )
    return "\n".join([text, head, diffs.to_string(index=False)])


def _runs_column(table: pd.DataFrame) -> list[str]:
    """``"60"``, ``"60 (2 failed)"``, or ``"58 of 100 (2 failed)"`` when runs are missing."""
    out = []
    for row in table.to_dict("records"):
        text = str(row["runs"])
        if row.get("missing"):
            text += f" of {row['planned']}"
        out.append(text + (f" ({row['failed']} failed)" if row["failed"] else ""))
    return out


def _with_range(
    table: pd.DataFrame, mid: str, lo: str, hi: str, fmt: Callable[[float], str], sep: str = "-"
) -> list[str]:
    """``estimate [lo<sep>hi]`` per row, each number written with ``fmt``."""
    return [
        "-" if m != m else f"{fmt(m)} [{fmt(a)}{sep}{fmt(b)}]"
        for m, a, b in zip(table[mid], table[lo], table[hi], strict=True)
    ]


def _label(value: object) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    if value is None or value is pd.NA:
        return "-"
    return str(value)


def group_label(by: Sequence[str], key: Sequence[object]) -> str:
    """A legend label like ``baseline`` or ``levers.training=0.5``."""
    parts = [
        (_label(v) if d == "scenario" else f"{d}={_label(v)}") for d, v in zip(by, key, strict=True)
    ]
    return ", ".join(parts)


def resolve_metric(name: str, available: Sequence[str]) -> str:
    """The weekly column behind ``--metric`` (an alias or a column name).

    Raises:
        CrmsimError: for an unknown metric, with the closest name.
    """
    column = METRIC_ALIASES.get(name, name)
    series = [c for c in available if c not in NOT_METRICS]
    if column in series:
        return column
    aliases = ", ".join(sorted(METRIC_ALIASES))
    if column in NOT_METRICS:
        raise CrmsimError(
            f"--metric {name}: {NOT_METRICS[column]}, not a series; choose one of {aliases} "
            "or another weekly column"
        )
    choices = sorted(set(METRIC_ALIASES) | set(series))
    hint = suggest(name, choices) or f"; choose one of {aliases}"
    raise CrmsimError(f"--metric {name}: no such weekly series{hint}")


def band_table(
    weekly_chunks: Iterable[pd.DataFrame],
    summary: pd.DataFrame,
    metric: str,
    by: Sequence[str],
) -> pd.DataFrame:
    """Median and 50 %/90 % bands of a weekly metric across replicates, per group and week.

    Args:
        weekly_chunks: Weekly rows (``run_id``, ``week``, ``metric``), in any
            number of pieces (``RunStore.iter_weekly``).
        summary: The runs (``run_id`` and the ``by`` columns); failed runs
            have no weekly rows and drop out.
        metric: Weekly column to summarise.
        by: Dimensions forming the groups.

    Returns:
        Columns ``*by, week, n, q05, q25, q50, q75, q95``.
    """
    groups = summary.set_index("run_id")[list(by)]
    pieces = []
    for chunk in weekly_chunks:
        part = chunk[["run_id", "week", metric]]
        pieces.append(part.join(groups, on="run_id", how="inner"))
    if not pieces:
        return pd.DataFrame(columns=[*by, "week", "n", *_qnames()])
    data = pd.concat(pieces, ignore_index=True)
    grouped = data.groupby([*by, "week"], sort=True, dropna=False)[metric]
    q = grouped.quantile(list(BAND_QUANTILES)).unstack()
    q.columns = _qnames()
    q.insert(0, "n", grouped.count())
    return q.reset_index()


def _qnames() -> list[str]:
    return [f"q{round(100 * p):02d}" for p in BAND_QUANTILES]
