"""``crmsim levers``: success and adoption as each survey lever goes from 0 to 1, one at a time."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from crmsim.commands.options import (
    RunDirFlags,
    count_option,
    flag_option,
    format_option,
    run_dir_options,
    set_option,
)
from crmsim.errors import CrmsimError

KIND = "crmsim levers"
"""The manifest's ``kind`` of a levers run directory."""


def _command_line(ref: str, record: dict[str, Any], cli_sets: dict[str, Any], root: int,
                  out: Path) -> list[str]:  # fmt: skip
    from crmsim.batch import format_value

    argv = ["crmsim", "levers", ref, "--steps", str(record["steps"]),
            "--replicates", str(record["replicates"])]  # fmt: skip
    for name, value in cli_sets.items():
        argv += ["--set", f"{name}={format_value(value)}"]
    argv += ["--seed", str(root)]
    if record.get("common_seeds"):
        argv += ["--common-seeds"]
    return argv + ["--out", str(out)]


@click.command(name="levers")
@click.argument("scenario", required=False, metavar="SCENARIO")
@count_option("--steps", minimum=2, default=5, help="Values of each lever, evenly from 0 to 1.")
@count_option(
    "--replicates",
    "-n",
    help="Runs per lever value (default: the file's [batch] replicates, else 20).",
)
@set_option("Fix a parameter (repeatable).")
@count_option("--seed", minimum=0, help="Root seed (default: fresh).")
@flag_option(
    "--common-seeds",
    "Common random numbers: replicate r has the same seed at every lever value, so "
    "the curves differ only by the levers (batch.common_seeds in a file).",
)
@run_dir_options(
    "runs/levers-SCENARIO-DATE-TIME",
    "Finish the interrupted run in --out.",
)
@format_option
def command(
    scenario: str | None,
    steps: int,
    replicates: int | None,
    sets: dict[str, Any],
    seed: int | None,
    common_seeds: bool,
    fmt: str,
    where: RunDirFlags,
) -> int:
    """Move each of the nine survey levers of SCENARIO from 0 to 1, one at a time.

    The other levers stay at the scenario's values. Prints each lever's
    swing in success rate and median final adoption; writes levers.csv
    (success rate with its 95 % Wilson interval, final adoption's median
    with 50 % and 90 % bands, per lever and value), swings.csv and the chart
    levers.png. The runs go through the batch engine (parallel, stored,
    resumable). Exit code 1 when some runs failed, 130 when interrupted.

    \b
    Examples:
      crmsim levers baseline
      crmsim levers baseline --steps 3 -n 50 --set org.employees=500
      crmsim levers baseline -n 50 --common-seeds
    """
    from crmsim import sensitivity as sa
    from crmsim import sensitivity_plots as plots
    from crmsim.batch.session import BatchSession, stamp
    from crmsim.batch_plots import save_figure
    from crmsim.progress import Progress
    from crmsim.storage import RunStore, write_csv

    where.check_one_executor()
    workers, scheduler, out = where.workers, where.scheduler, where.out
    if where.resume:
        if out is None:
            raise CrmsimError("--resume needs --out DIR, the run directory to finish")
        if scenario or replicates or sets or seed is not None or common_seeds:
            raise CrmsimError("--resume finishes the stored run; give only --resume --out DIR")
        session = BatchSession.resume(out, kind=KIND, noun="crmsim levers run")
        argv = list(session.manifest["command"]) + ["--resume"]
    else:
        if not scenario:
            raise CrmsimError("give a scenario, e.g. crmsim levers baseline")
        plan, file, record = sa.lever_plan(scenario, steps, replicates, sets, seed, common_seeds)
        if workers is None and scheduler is None:
            workers, scheduler = file.workers, file.scheduler
        out = out or Path("runs") / f"levers-{Path(scenario).stem}-{stamp()}"
        argv = _command_line(scenario, record, sets, plan.root_seed, out)
        session = BatchSession.create(
            out, plan, kind=KIND, command=argv, extra={"levers": record}, packages=("SALib",)
        )

    result = session.run(argv, workers=workers, scheduler=scheduler, label="levers",
                         log=_say, progress=Progress(sys.stderr))  # fmt: skip
    if result.interrupted or not result.complete:
        _say(session.interrupted_text(result, "levers"))
        return 130
    plan = session.plan
    with RunStore.open(out) as store:
        summary = store.summary()
    table = sa.lever_table(summary, plan)
    swings = sa.lever_swings(table)
    click.echo(sa.format_swings(swings, int(table["n"].median())))
    fig = plots.plot_levers(table, title=f"{plan.scenarios[0].name}: one lever at a time, 0 to 1")
    files = [
        write_csv(table, out / "levers.csv"),
        write_csv(swings, out / "swings.csv"),
        save_figure(fig, out / f"levers.{fmt}"),
    ]
    _say(f"crmsim levers: wrote {', '.join(p.name for p in files)} in {out}")
    if result.failed:
        _say(
            f"crmsim levers: {result.failed} runs failed and were left out (errors: "
            f"crmsim export {out} --csv DIR)"
        )
        return 1
    return 0


def _say(text: str) -> None:
    click.echo(text, err=True)
