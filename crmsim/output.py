"""Run output directories: writing and reading them.

One run writes five files into its own directory:

``timeseries.parquet``
    The weekly series (zstd-compressed Parquet), one row per week.
``summary.json``
    The summary figures (:data:`crmsim.runner.SUMMARY_FIELDS`).
``events.json``
    Dated events: go-lives, milestones, budget cut, cancellation.
``adoption.png``
    The two-panel chart of :func:`crmsim.plotting.plot_run`.
``manifest.json``
    Provenance (after msprime): the scenario, every parameter value, the
    seed, the weeks, the command line and the package versions. Written
    last, so a directory with a manifest holds a complete run.

Every file is written to a temporary file in the same directory and moved
into place with :func:`os.replace`, so a reader never sees half a file.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import math
import os
import shlex
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from crmsim.errors import CrmsimError
from crmsim.provenance import environment
from crmsim.runner import RunResult
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
    """Create ``out_dir``; when ``fresh``, never reuse an existing one (add -2, -3...)."""
    try:
        if not fresh:
            out_dir.mkdir(parents=True, exist_ok=True)
            return out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        candidate, n = out_dir, 1
        while True:
            try:
                candidate.mkdir()
                return candidate
            except FileExistsError:
                n += 1
                candidate = out_dir.with_name(f"{out_dir.name}-{n}")
    except OSError as exc:
        raise CrmsimError(
            f"cannot create output directory {out_dir}: {exc.strerror or exc}; choose another --out"
        ) from None


def atomic_write(path: Path, write: Callable[[IO[bytes]], Any]) -> Path:
    """Write a file atomically: ``write(fh)`` into a temporary file, then rename.

    The temporary file lives in the same directory, so :func:`os.replace` is
    atomic; on any error it is removed and the old file (if any) is untouched.

    Args:
        path: Final location.
        write: Called with a binary file handle open for writing.

    Returns:
        ``path``.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@functools.cache
def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _plain(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, non-finite floats to None, paths to str."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


def write_json(path: Path, data: Any) -> Path:
    """Write ``data`` as indented JSON, atomically (NaN and inf become null)."""
    text = json.dumps(_plain(data), indent=2, allow_nan=False) + "\n"
    return atomic_write(path, lambda fh: fh.write(text.encode("utf-8")))


def _file_sha256(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
) -> Path:
    """Write one run's five files into ``out_dir`` (created if needed).

    Args:
        out_dir: The run directory.
        scenario: The scenario exactly as run.
        result: What :func:`crmsim.runner.simulate` returned.
        command: The command line that reproduces the run.
        fresh: Never write into an existing directory; add ``-2``, ``-3``...
            to the name instead (used for the timestamped default).

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
    from crmsim.plotting import plot_run  # matplotlib only when a chart is drawn

    fig = plot_run(ts, result.events, title=f"{scenario.name}, seed {result.seed}")
    atomic_write(out / CHART, lambda fh: fig.savefig(fh, format="png", dpi=110))
    write_json(out / MANIFEST, manifest(scenario, result, command))
    return out


# ---------------------------------------------------------------- reading


def _require(path: Path) -> Path:
    if not path.is_file():
        raise CrmsimError(f"{path} not found; is {path.parent} a run directory?")
    return path


def read_json(path: str | Path) -> Any:
    """Read one JSON file of a run directory.

    Raises:
        CrmsimError: when the file is missing or not valid JSON.
    """
    path = _require(Path(path))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CrmsimError(f"{path} is not valid JSON (line {exc.lineno}): {exc.msg}") from None


def read_timeseries(run_dir: str | Path) -> pd.DataFrame:
    """The weekly series of a run directory."""
    return pd.read_parquet(_require(Path(run_dir) / TIMESERIES), engine="pyarrow")


def read_summary(run_dir: str | Path) -> dict[str, Any]:
    """The summary figures of a run directory."""
    return read_json(Path(run_dir) / SUMMARY)


def read_events(run_dir: str | Path) -> list[dict[str, Any]]:
    """The events of a run directory."""
    return read_json(Path(run_dir) / EVENTS)


def read_manifest(run_dir: str | Path) -> dict[str, Any]:
    """The provenance record of a run directory."""
    return read_json(Path(run_dir) / MANIFEST)


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


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100.0 * x:.1f} %"


def _week(w: int | None) -> str:
    return "never" if w is None else f"week {w}"


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
        f"  adoption   {_pct(s['final_adoption'])} using at the end "
        f"({_pct(s['final_rejecting'])} rejecting); "
        f"50 % {_reached(s['weeks_to_50'])}, 80 % {_reached(s['weeks_to_80'])}",
    ]
    if s["profit_dip_depth"] > 0:
        dip = (
            f"  profit     dip {_pct(s['profit_dip_depth'])} deep "
            f"(bottom {_week(s['dip_bottom_week'])}), {s['dip_weeks']} weeks below "
            f"pre-project; payback {_week(s['payback_week'])}"
        )
    else:
        dip = "  profit     never below the pre-project level"
    lines.append(dip)
    if s["cancelled"]:
        project = f"cancelled at {_week(s['cancel_week'])}"
    elif s["cut_week"] is not None:
        project = f"not cancelled (budget cut at {_week(s['cut_week'])})"
    else:
        project = "not cancelled"
    verdict = "yes" if s["success"] else "no"
    need = _pct(scenario.params["outcome.success_adoption"])
    lines.append(
        f"  project    {project}; success: {verdict} (needs {need} using and no cancellation)"
    )
    if out_dir is not None:
        lines.append(f"  output     {out_dir}")
    return "\n".join(lines)
