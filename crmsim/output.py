"""Run output directories: writing and reading them.

One run writes five files into its own directory:

``timeseries.parquet``
    The weekly series (zstd-compressed Parquet), one row per week.
``summary.json``
    The summary figures, as declared in :data:`crmsim.results.SUMMARY`.
``events.json``
    Dated events: go-lives, milestones, budget cut, cancellation.
``adoption.png``
    The two-panel chart of :func:`crmsim.plotting.plot_run`.
``manifest.json``
    Provenance (after msprime): the scenario, every parameter value, the
    seed, the weeks, the command line and the package versions. Written
    last, so a directory with a manifest holds a complete run.

Every file is written through :func:`crmsim.files.atomic_write` (a unique
temporary file in the same directory, renamed into place), so a reader never
sees half a file; every file is read through :mod:`crmsim.files.read`. A
given ``--out`` must be new, empty or a run's folder
(:func:`crmsim.files.claim_output_dir`).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from crmsim.chart_worker import DrawChart, draw_inline
from crmsim.errors import CrmsimError
from crmsim.files import (
    Shape,
    atomic_write,
    check_format,
    check_shape,
    claim_output_dir,
    make_dirs,
    os_error,
    read_bytes,
    read_parquet_frame,
    write_json,
)
from crmsim.files import read_json as _read_json
from crmsim.provenance import environment
from crmsim.results import SUMMARY_KINDS, RunResult, outcome_text, pct, week_text
from crmsim.scenario import Scenario

TIMESERIES = "timeseries.parquet"
SUMMARY = "summary.json"
EVENTS = "events.json"
MANIFEST = "manifest.json"
CHART = "adoption.png"
FILES = (TIMESERIES, SUMMARY, EVENTS, CHART, MANIFEST)
"""The files of a run directory, in the order they are written."""

MANIFEST_FORMAT = 1
"""Version of the manifest layout; bump when keys change meaning."""
KIND = "crmsim run"
"""The ``kind`` a run's manifest records (see :func:`crmsim.files.folder_kind`)."""
MANIFEST_SHAPE = Shape(
    required={"format": int, "params": dict},
    optional={
        "kind": str,
        "seed": int,
        "weeks": int,
        "scenario": Shape(optional={"name": str, "description": str}),
        "changed_from_defaults": dict,
        "command": str,
    },
)
"""What a run's ``manifest.json`` must hold to be read."""
SUMMARY_SHAPE = Shape(required={name: (kind, type(None)) for name, kind in SUMMARY_KINDS.items()})
"""What a run's ``summary.json`` must hold: every field of :data:`crmsim.results.SUMMARY`."""
EVENT_SHAPE = Shape(required={"event": str, "week": int})
"""What each entry of a run's ``events.json`` must hold."""


# ---------------------------------------------------------------- writing


def default_out_dir(
    scenario_name: str,
    seed: int,
    base: str | Path = "runs",
    now: _dt.datetime | None = None,
) -> Path:
    """``runs/<scenario>-seed<N>-<UTC timestamp>`` (not created here).

    Args:
        scenario_name: The scenario's name.
        seed: The run's seed.
        base: Parent folder, relative to the current directory by default.
        now: The time to stamp (UTC now when None).
    """
    now = now or _dt.datetime.now(_dt.UTC)
    stamp = now.astimezone(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(base) / f"{scenario_name}-seed{seed}-{stamp}"


def _make_dir(out_dir: Path, fresh: bool) -> Path:
    """Claim ``out_dir`` for a run; when ``fresh``, never reuse an existing one (add -2, -3...).

    A given directory must be new, empty, a run's or a team's game folder
    (:func:`crmsim.files.claim_output_dir`): a batch or anything else is refused.
    """
    if not fresh:
        return claim_output_dir(out_dir, KIND, accept=("crmsim play",))
    make_dirs(out_dir.parent)
    candidate, n = out_dir, 1
    while True:
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            n += 1
            candidate = out_dir.with_name(f"{out_dir.name}-{n}")
        except OSError as exc:
            raise os_error(exc, candidate, "create") from None


def _file_sha256(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    return hashlib.sha256(read_bytes(path, "scenario file")).hexdigest()


def manifest(
    scenario: Scenario,
    result: RunResult,
    command: Sequence[str] | str,
) -> dict[str, Any]:
    """The provenance record of one run.

    Args:
        scenario: The scenario exactly as run (``--set`` overrides applied).
        result: The run's result.
        command: The command line that reproduces the run.
    """
    weeks = int(result.timeseries["week"].max()) if len(result.timeseries) else 0
    params = scenario.params
    if params["run.weeks"] != weeks:  # simulate(weeks=...) overrode the scenario's length
        params = params.with_updates({"run.weeks": weeks})
    env = environment()
    path = scenario.path.resolve() if scenario.path else None
    return {
        "format": MANIFEST_FORMAT,
        "kind": KIND,
        "scenario": {
            "name": scenario.name,
            "description": scenario.description,
            "path": str(path) if path else None,
            "file_sha256": _file_sha256(path),
            "inherits": list(scenario.chain),
        },
        "seed": result.seed,
        "weeks": weeks,
        "params": params.to_dict(),
        "changed_from_defaults": params.changed(),
        "command": command if isinstance(command, str) else shlex.join(command),
        "argv": env["command"],
        "created_utc": env["created_utc"],
        "platform": env["platform"],
        "versions": env["versions"],
        "files": list(FILES),
    }


def write_run(
    out_dir: str | Path,
    scenario: Scenario,
    result: RunResult,
    command: Sequence[str] | str,
    fresh: bool = False,
    draw: DrawChart = draw_inline,
) -> Path:
    """Write one run's five files into ``out_dir`` (created if needed).

    Args:
        out_dir: The run directory.
        scenario: The scenario exactly as run.
        result: What :func:`crmsim.runner.simulate` returned.
        command: The command line that reproduces the run.
        fresh: Never write into an existing directory; add ``-2``, ``-3``...
            to the name instead (used for the timestamped default).
        draw: What draws the chart (:mod:`crmsim.chart_worker`; in this
            process unless the command started a worker).

    Returns:
        The directory written.

    Raises:
        CrmsimError: when the directory cannot be created.
    """
    out = _make_dir(Path(out_dir), fresh)
    ts = result.timeseries
    atomic_write(
        out / TIMESERIES,
        lambda fh: ts.to_parquet(fh, engine="pyarrow", compression="zstd", index=False),
    )
    write_json(out / SUMMARY, result.summary)
    write_json(out / EVENTS, result.events)
    draw(out / CHART, ts, result.events, f"{scenario.name}, seed {result.seed}")
    write_json(out / MANIFEST, manifest(scenario, result, command))
    return out


# ---------------------------------------------------------------- reading


_NOT_A_RUN = "is {folder} a run directory (crmsim run --out)?"
_REWRITE = "run it again to write the run directory afresh"


def read_json(path: str | Path, shape: Shape | None = None) -> Any:
    """Read one JSON file of a run directory.

    Raises:
        CrmsimError: when the file is missing, unreadable or not valid JSON.
    """
    path = Path(path)
    missing = _NOT_A_RUN.format(folder=path.parent)
    return _read_json(path, "run file", shape=shape, fix=_REWRITE, missing=missing)


def read_timeseries(run_dir: str | Path) -> pd.DataFrame:
    """The weekly series of a run directory.

    Raises:
        CrmsimError: when ``timeseries.parquet`` is missing, empty or damaged.
    """
    path = Path(run_dir) / TIMESERIES
    fix = f"{_NOT_A_RUN.format(folder=path.parent)} If so, {_REWRITE}"
    return read_parquet_frame(path, "weekly series", fix=fix)


def read_summary(run_dir: str | Path) -> dict[str, Any]:
    """The summary figures of a run directory, checked against :data:`SUMMARY_SHAPE`.

    Raises:
        CrmsimError: when ``summary.json`` is missing, damaged or of the wrong shape.
    """
    return read_json(Path(run_dir) / SUMMARY, SUMMARY_SHAPE)


def read_events(run_dir: str | Path) -> list[dict[str, Any]]:
    """The events of a run directory: a list of tables, each with its event and week.

    Raises:
        CrmsimError: when ``events.json`` is missing, damaged or of the wrong shape.
    """
    path = Path(run_dir) / EVENTS
    events = read_json(path)
    if not isinstance(events, list):
        raise CrmsimError(f"run file {path} should hold a list of events; {_REWRITE}")
    for n, event in enumerate(events, start=1):
        check_shape(event, EVENT_SHAPE, f"run file {path}: event {n}", _REWRITE)
        if event["week"] < 0:
            raise CrmsimError(f"run file {path}: event {n} has week {event['week']}; {_REWRITE}")
    return events


def read_manifest(run_dir: str | Path) -> dict[str, Any]:
    """The provenance record of a run directory.

    Raises:
        CrmsimError: when it is missing, damaged, of the wrong shape or of a
            newer format.
    """
    path = Path(run_dir) / MANIFEST
    data = read_json(path, MANIFEST_SHAPE)
    check_format(data, "format", MANIFEST_FORMAT, f"run manifest {path}")
    from crmsim.params import PARAMS

    for table in ("params", "changed_from_defaults"):
        for name, value in (data.get(table) or {}).items():
            if name in PARAMS and not _exact(
                value, PARAMS[name].kind
            ):  # other versions' names pass
                raise CrmsimError(
                    f"run manifest {path}: {table}.{name} = {value!r} is not a value of "
                    f"{PARAMS[name].range_text()}; {_REWRITE}"
                )
    return data


def _exact(value: Any, kind: type) -> bool:
    """Whether a value read back from JSON is of a parameter's kind (no text, no lists)."""
    if kind is bool or isinstance(value, bool):
        return kind is bool and isinstance(value, bool)
    return isinstance(value, int) if kind is int else isinstance(value, (int, float))


def read_run(run_dir: str | Path) -> RunResult:
    """A run directory back as a :class:`~crmsim.runner.RunResult`.

    Raises:
        CrmsimError: when a file is missing or unreadable.
    """
    run_dir = Path(run_dir)
    return RunResult(
        timeseries=read_timeseries(run_dir),
        summary=read_summary(run_dir),
        events=read_events(run_dir),
        seed=read_manifest(run_dir).get("seed"),
    )


# ---------------------------------------------------------------- the human summary


def _reached(w: int | None) -> str:
    return "not reached" if w is None else f"reached in week {w}"


def format_summary(scenario: Scenario, result: RunResult, out_dir: Path | None = None) -> str:
    """A few lines saying how the run went, for the terminal.

    Args:
        scenario: The scenario as run.
        result: The run's result.
        out_dir: Where the files went (a last line names it when given).
    """
    s = result.summary
    weeks = int(result.timeseries["week"].max()) if len(result.timeseries) else 0
    lines = [
        f"{scenario.name}, seed {result.seed}, {weeks} weeks, "
        f"{scenario.params['org.employees']} employees",
        f"  adoption   {pct(s['final_adoption'], 1)} using at the end "
        f"({pct(s['final_rejecting'], 1)} rejecting); "
        f"50 % {_reached(s['weeks_to_50'])}, 80 % {_reached(s['weeks_to_80'])}",
    ]
    if s["profit_dip_depth"] > 0:
        dip = (
            f"  profit     dip {pct(s['profit_dip_depth'], 1)} deep "
            f"(bottom {week_text(s['dip_bottom_week'])}), {s['dip_weeks']} weeks below "
            f"pre-project; payback {week_text(s['payback_week'])}"
        )
    else:
        dip = "  profit     never below the pre-project level"
    lines.append(dip)
    project = outcome_text(s)
    verdict = "yes" if s["success"] else "no"
    need = pct(scenario.params["outcome.success_adoption"], 1)
    lines.append(
        f"  project    {project}; success: {verdict} (needs {need} using and no cancellation)"
    )
    if out_dir is not None:
        lines.append(f"  output     {out_dir}")
    return "\n".join(lines)
