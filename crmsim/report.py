"""One-page handouts of a run or a batch, for workshop participants.

A handout says, on one A4 page: the scenario in plain words (its one-line
description and every setting that differs from the usual values), the
adoption and profit charts (median and bands across replicates for a
batch), the key figures, and what happened when: go-live, the sponsor
wavering, the bottom of the profit dip, the tipping point of adoption, the
budget cut and cancellation, payback.

:func:`load` reads a run directory (``crmsim run``: ``manifest.json``,
``summary.json``, ``events.json``, ``timeseries.parquet``) or a batch
directory (``crmsim batch``: ``manifest.json``, ``summary/`` and ``weekly/``
chunks) into a :class:`Handout`; :func:`write_pdf` and :func:`write_html`
lay it out. The charts come from the shared plot functions
(:mod:`crmsim.plotting`, :mod:`crmsim.batch_plots`).

Definitions used in "what happened when":

- *sponsor wavering*: the first week the sponsor's confidence is below the
  retreat point (``sponsor.retreat_threshold``), where the countdown to a
  budget cut starts (S4);
- *tipping point*: the week adoption grows fastest (weekly growth averaged
  over four weeks), the steepest point of the S-curve; not reported when
  adoption never passes 30 %;
- *dip bottom*: the week of the deepest profit shortfall (S7).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from crmsim.errors import CrmsimError
from crmsim.files import atomic_write, make_dirs
from crmsim.i18n import _
from crmsim.params import PARAMS
from crmsim.report_layout import A4, render_figure, render_html  # noqa: F401 - re-exported
from crmsim.report_words import median_cell, scenario_text, setting_text, value_text  # noqa: F401
from crmsim.results import (  # noqa: F401 - GROWTH_WINDOW, TIPPING_MIN_ADOPTION: re-exported
    GROWTH_WINDOW,
    TIPPING_MIN_ADOPTION,
    key_moments,
    outcome_text,
    pct,
    tipping_week,
    wavering_week,
    week_text,
)

FORMATS = (".pdf", ".html")
MAX_GROUPS = 4
"""Most scenario/grid groups of a batch shown on one page."""


@dataclass
class Handout:
    """Everything one handout shows.

    Attributes:
        source: The run or batch directory.
        kind: ``"run"`` or ``"batch"``.
        title: The headline, e.g. ``"no_sponsor · seed 3"``.
        about: Lines describing the scenario(s) and the run(s) in plain words.
        settings: Settings that differ from the usual values, in plain words.
        figures: Key figures: rows of cells, the first naming the figure.
        timeline: What happened when: rows of cells, in order.
        columns: Column headings of both tables after the first (a batch's
            groups), empty for a single run.
        draw_adoption: Draws the adoption chart on an axes.
        draw_profit: Draws the profit chart on an axes.
        notes: Caveats (e.g. groups left out).
    """

    source: Path
    kind: str
    title: str
    about: list[str]
    settings: list[str]
    figures: list[list[str]]
    timeline: list[list[str]]
    draw_adoption: Callable[[Axes], Any]
    draw_profit: Callable[[Axes], Any]
    columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- loading


def load(path: str | Path, require_complete: bool = False) -> Handout:
    """Read a run or batch directory into a handout.

    A batch's handout says how many of its planned runs it shows (in the
    title, and group by group in the notes when runs are missing).

    Args:
        path: The directory.
        require_complete: Refuse a batch with missing runs (``--require-complete``).

    Raises:
        CrmsimError: when the directory is neither, or a file is missing.
    """
    root = Path(path)
    if not root.is_dir():
        raise CrmsimError(
            _("{root} is not a directory; give a run or batch directory").format(root=root)
        )
    if (root / "timeseries.parquet").is_file():
        return _load_run(root)
    if (root / "summary").is_dir() and (root / "manifest.json").is_file():
        return _load_batch(root, require_complete)
    raise CrmsimError(
        _(
            "{root} holds neither a run (timeseries.parquet) nor a batch (summary/); give a directory written by crmsim run or crmsim batch"
        ).format(root=root)
    )


def _load_run(root: Path) -> Handout:
    from crmsim.output import read_manifest, read_run
    from crmsim.plotting import plot_adoption, plot_profit

    manifest = read_manifest(root)
    result = read_run(root)
    ts, events, s = result.timeseries, result.events, result.summary
    params = manifest.get("params", {})
    scenario = manifest.get("scenario", {})
    weeks = int(ts["week"].max())
    about = [
        scenario_text(scenario),
        _("{n} employees, {weeks} weeks ({years:.1f} years), draw {seed}. One simulated run: "
          "another draw gives another, equally likely story.").format(
            n=f"{params.get('org.employees', 0):,}", weeks=weeks, years=weeks / 52,
            seed=manifest.get("seed"),
        ),
    ]  # fmt: skip
    changed = manifest.get("changed_from_defaults", {})
    settings = [setting_text(k, v) for k, v in changed.items()]

    project = outcome_text(s)
    success_rule = pct(params.get("outcome.success_adoption"))
    dip = _("{depth} deep, {weeks} weeks below before").format(
        depth=pct(s["profit_dip_depth"], 1), weeks=s["dip_weeks"]
    )
    figures = [
        [_("Using CRM at the end"), _("{share} of CRM users").format(share=pct(s["final_adoption"]))],
        (_("Rejecting or working around"), pct(s["final_rejecting"])),
        (_("Success"), value_text(bool(s["success"]))
         + _(" (needs {rule} using, no cancellation)").format(rule=success_rule)),
        (_("Half the users reached"), week_text(s["weeks_to_50"])),
        (_("Profit dip"), dip if s["profit_dip_depth"] > 0 else _("none")),
        (_("Payback"), week_text(s["payback_week"])),
        (_("Project"), project),
        (_("Sponsor's lowest confidence"), pct(s["min_sponsor_confidence"])),
        (_("Milestones"), _("{met} met, {missed} missed").format(
            met=s["milestones_met"], missed=s["milestones_missed"])),
    ]  # fmt: skip

    retreat = params.get("sponsor.retreat_threshold", PARAMS["sponsor.retreat_threshold"].default)
    timeline = key_moments(ts, s, events, retreat)
    missed = [e for e in events if e["event"] == "milestone_missed"]
    if missed:
        timeline.append(
            (missed[0]["week"], week_text(missed[0]["week"]), _("first milestone missed"))
        )
    if s["payback_week"] is not None:
        timeline.append(
            (
                s["payback_week"],
                week_text(s["payback_week"]),
                "payback: cumulative profit back to where it would have been",
            )
        )
    timeline.sort(key=lambda row: row[0])
    if wavering_week(ts["confidence_sponsor"], retreat) is None:
        timeline.append((math.inf, "never", "the sponsor never wavered"))

    return Handout(
        source=root,
        kind="run",
        title=_("{name} · draw {seed}").format(
            name=scenario.get("name", root.name), seed=manifest.get("seed")
        ),
        about=[a for a in about if a],
        settings=settings,
        figures=[list(row) for row in figures],
        timeline=[[when, what] for _w, when, what in timeline],
        draw_adoption=lambda ax: plot_adoption(ts, events, ax=ax),
        draw_profit=lambda ax: plot_profit(ts, events, ax=ax),
    )


def _load_batch(root: Path, require_complete: bool = False) -> Handout:
    from crmsim.analysis import band_table, compare_table, group_label, varying_dimensions
    from crmsim.batch_plots import plot_bands
    from crmsim.completeness import sound_completeness
    from crmsim.storage import RunStore

    store = RunStore.open(root)
    found = sound_completeness(store, require_complete)
    manifest = store.manifest
    summary = store.summary()
    ok = summary[summary["status"] == "ok"]
    if ok.empty:
        raise CrmsimError(
            _("{root} holds no finished run yet; finish it with {resume}").format(
                root=root, resume=found.resume
            )
        )
    sweep = list(manifest.get("sweep_names", []))
    by = varying_dimensions(ok, sweep) or ["scenario"]
    groups = list(ok.groupby(by, sort=True, dropna=False))
    notes = [] if found.complete else [found.headline(), *found.group_lines(by)]
    if len(groups) > MAX_GROUPS:
        notes.append(f"{len(groups)} groups in the batch; the first {MAX_GROUPS} are shown.")
        keep = [k for k, _g in groups[:MAX_GROUPS]]
        mask = ok.set_index(by).index.isin(keep)
        ok = ok[mask]
        groups = groups[:MAX_GROUPS]
    scenarios = {sc["name"]: sc for sc in manifest.get("scenarios", [])}

    about = []
    for name in ok["scenario"].unique():
        sc = scenarios.get(name, {})
        about.append(f"{name}: {sc.get('description', '')}".rstrip(": "))
    runs = len(ok)
    failed = int((summary["status"] != "ok").sum())
    first = next(iter(scenarios.values()), {})
    params0 = first.get("params", {})
    about.append(
        f"{runs} simulated runs ({len(groups)} group{'s' if len(groups) > 1 else ''}, seeds "
        f"spawned from root seed {manifest.get('root_seed')}), "
        f"{params0.get('org.employees', 0):,} employees, {params0.get('run.weeks', 0)} weeks. "
        "Lines are medians; shaded bands hold the middle 50 % and 90 % of runs."
    )
    if failed:
        notes.append(f"{failed} runs failed and are left out.")
    settings = []
    for name in ok["scenario"].unique():
        sc = scenarios.get(name, {})
        changed = {
            k: v for k, v in sc.get("params", {}).items() if k in PARAMS and v != PARAMS[k].default
        }
        prefix = f"{name}: " if len(about) > 2 else ""
        settings += [prefix + setting_text(k, v) for k, v in changed.items() if k not in sweep]
    for name in sweep:
        values = ", ".join(value_text(v) for v in sorted(ok[name].unique()))
        settings.append(f"{PARAMS[name].label} varied: {values}")

    table = compare_table(ok, by)
    labels = [group_label(by, k if isinstance(k, tuple) else (k,)) for k, _g in groups]
    rows = list(table.itertuples(index=False))
    of_runs = _("{share} of {n} runs")
    figures = [
        [_("Success")] + [of_runs.format(share=pct(r.success_rate), n=r.runs) for r in rows],
        ["  " + _("{level} interval").format(level="95 %")]
        + [f"{pct(r.success_lo)}-{pct(r.success_hi)}" for r in rows],
        [_("Using CRM at the end (median)")] + [pct(r.adoption_median) for r in rows],
        ["  " + _("middle half of runs")]
        + [f"{pct(r.adoption_q25)}-{pct(r.adoption_q75)}" for r in rows],
        [_("Profit dip (median depth)")] + [pct(r.dip_depth_median, 1) for r in rows],
        [_("Weeks below before (median)")] + [f"{r.dip_weeks_median:.0f}" for r in rows],
        [_("Cancelled")] + [pct(r.cancel_rate) for r in rows],
    ]

    events = _batch_event_weeks(store, ok, by, scenarios, sweep)
    timeline: list[list[str]] = []
    for column, what in (
        ("go_live", _("Go-live")),
        ("wavering", _("Sponsor wavering")),
        ("dip_bottom", _("Profit dip at its bottom")),
        ("tipping", _("Tipping point")),
        ("half", _("Half the users use CRM")),
        ("cut", _("Budget cut")),
        ("cancel", _("Cancellation")),
    ):
        timeline.append([what] + [median_cell(events.loc[g["run_id"], column]) for _k, g in groups])
    notes.insert(
        0,
        _("What happened when: the median week among the runs where it happened, and in how "
          "many runs it did."),
    )  # fmt: skip

    weekly_adoption = band_table(store.iter_weekly(["week", "adoption"]), ok, "adoption", by)
    weekly_profit = band_table(store.iter_weekly(["week", "profit_rel"]), ok, "profit_rel", by)

    def draw_adoption(ax: Axes) -> None:
        plot_bands(weekly_adoption, by, "adoption", ax=ax, title=_("Routine CRM users"))
        ax.set_ylim(0.0, 1.0)

    def draw_profit(ax: Axes) -> None:
        plot_bands(
            weekly_profit, by, "profit_rel", ax=ax, title=_("Profit against before the project")
        )
        ax.axhline(0.0, color="black", linewidth=0.9)

    return Handout(
        source=root,
        kind="batch",
        title=f"{' vs '.join(found.runs['scenario'].unique())} · {found.runs_text()}",
        about=[a for a in about if a],
        settings=settings,
        figures=figures,
        timeline=timeline,
        draw_adoption=draw_adoption,
        draw_profit=draw_profit,
        columns=labels,
        notes=notes,
    )


def _batch_event_weeks(store, ok: pd.DataFrame, by, scenarios, sweep) -> pd.DataFrame:
    """Per run: the weeks of go-live, wavering, dip bottom, tipping point, 50 %,
    cut and cancellation (NaN when it did not happen)."""
    retreat_name = "sponsor.retreat_threshold"
    default = PARAMS[retreat_name].default
    if retreat_name in sweep:
        retreat = ok.set_index("run_id")[retreat_name].astype(float)
    else:
        per_scenario = {
            n: sc.get("params", {}).get(retreat_name, default) for n, sc in scenarios.items()
        }
        retreat = ok.set_index("run_id")["scenario"].map(per_scenario).astype(float)
    rows = {}
    cols = ["week", "adoption", "confidence_sponsor", "units_live"]
    for chunk in store.iter_weekly(cols):
        chunk = chunk[chunk["run_id"].isin(retreat.index)]
        for run_id, g in chunk.groupby("run_id", sort=False):
            g = g.sort_values("week")
            live = np.flatnonzero(g["units_live"].to_numpy() > 0)
            waver = wavering_week(g["confidence_sponsor"].to_numpy(), retreat[run_id])
            tip = tipping_week(g["adoption"].to_numpy())
            week = g["week"].to_numpy()
            rows[run_id] = {
                "go_live": float(week[live[0]]) if live.size else math.nan,
                "wavering": float(week[waver]) if waver is not None else math.nan,
                "tipping": float(week[tip]) if tip is not None else math.nan,
            }
    e = pd.DataFrame.from_dict(rows, orient="index")
    s = ok.set_index("run_id")
    e = e.reindex(s.index)
    e["dip_bottom"] = s["dip_bottom_week"].astype(float)
    e["half"] = s["weeks_to_50"].astype(float)
    e["cut"] = s["cut_week"].astype(float)
    e["cancel"] = s["cancel_week"].astype(float)
    return e


def write(path: str | Path, out: str | Path | None = None, require_complete: bool = False) -> Path:
    """Write the handout of the run or batch at ``path``.

    Args:
        path: A run or batch directory.
        out: ``.pdf`` or ``.html`` file [default: ``handout.pdf`` inside ``path``].
        require_complete: Refuse a batch with missing runs.

    Returns:
        The file written.

    Raises:
        CrmsimError: for an unknown directory layout or file type.
    """
    target = Path(out) if out is not None else Path(path) / "handout.pdf"
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise CrmsimError(_("--out {target}: use a .pdf or .html file name").format(target=target))
    from crmsim.fonts import use_fonts

    use_fonts()  # Chinese needs a CJK font (and embeds it); English is as before
    handout = load(path, require_complete)
    make_dirs(target.parent)
    if suffix == ".pdf":
        fig = render_figure(handout)
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf")
        data = buf.getvalue()
    else:
        data = render_html(handout).encode("utf-8")
    return atomic_write(target, data)
