"""``crmsim run``: one scenario, one seed, one output directory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from crmsim.commands.options import Assignments, count_option, path_option, set_option
from crmsim.params import PARAMS
from crmsim.scenario import Scenario, load

_WEEKS = PARAMS["run.weeks"]


def scenario_with_overrides(
    ref: str, assignments: Mapping[str, Any] | None = None, weeks: int | None = None
) -> Scenario:
    """Load a scenario and apply the ``--set`` values (validated) and ``--weeks``.

    Raises:
        CrmsimError: for an unknown scenario or a value out of range.
    """
    scenario = load(ref)
    updates = dict(assignments or {})
    if weeks is not None:
        updates["run.weeks"] = weeks
    return scenario.with_updates(updates)


def replay_command(
    ref: str, seed: int, weeks: int | None, assignments: tuple[str, ...], out: Path | None
) -> list[str]:
    """The command line that repeats this run exactly (recorded in the manifest).

    The seed is always spelled out and a scenario file's path made absolute;
    ``--out`` only when it was given (a replay without it gets a fresh
    timestamped directory).
    """
    if ref.endswith(".toml") or "/" in ref or Path(ref).exists():
        ref = str(Path(ref).resolve())  # a file path works from any directory
    argv = ["crmsim", "run", ref, "--seed", str(seed)]
    if weeks is not None:
        argv += ["--weeks", str(weeks)]
    for text in assignments:
        argv += ["--set", text]
    if out is not None:
        argv += ["--out", str(out)]
    return argv


@click.command(name="run")
@click.argument("scenario")
@count_option(
    "--seed", minimum=0, default=1,
    help="Seed of the model's random generator; the same seed gives the same run.",
)  # fmt: skip
@click.option(
    "--weeks",
    type=click.IntRange(int(_WEEKS.lo), int(_WEEKS.hi)),
    default=None,
    help="Weeks to simulate [default: the scenario's run.weeks].",
)
@set_option("Override one parameter, e.g. --set levers.training=0.8 (repeatable).", "assignments")
@path_option(
    "--out", folder=True,
    help="Output directory [default: runs/<scenario>-seed<N>-<UTC time>].",
)  # fmt: skip
def command(
    scenario: str, seed: int, weeks: int | None, assignments: Assignments, out: Path | None
) -> None:
    """Run SCENARIO (a bundled name or a .toml file) once and write its results.

    Writes timeseries.parquet, summary.json, events.json, adoption.png and
    manifest.json (every parameter, the seed, versions) into the output
    directory, and prints a short summary.
    """
    from crmsim.chart_worker import chart_drawer

    sc = scenario_with_overrides(scenario, assignments, weeks)
    # the chart's libraries load on the other core while the model runs
    with chart_drawer() as draw:
        from crmsim.output import default_out_dir, format_summary, write_run
        from crmsim.runner import simulate

        result = simulate(sc, seed)
        target = out if out is not None else default_out_dir(sc.name, seed)
        replay = replay_command(scenario, seed, weeks, assignments.texts, out)
        out_dir = write_run(target, sc, result, replay, fresh=out is None, draw=draw)
    click.echo(format_summary(sc, result, out_dir))
