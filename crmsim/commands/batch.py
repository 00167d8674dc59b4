"""``crmsim batch``: replicates, sweeps and scenario comparisons, resumable."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from crmsim.commands.options import (
    RunDirFlags,
    count_option,
    flag_option,
    run_dir_options,
    set_option,
)
from crmsim.errors import CrmsimError


def _default_out(plan: Any) -> Path:
    from crmsim.batch.session import stamp

    names = [e.name for e in plan.scenarios]
    label = names[0] + (f"+{len(names) - 1}" if len(names) > 1 else "")
    return Path("runs") / f"{label}-{stamp()}"


def _command_line(
    refs: tuple[str, ...], cli: Any, root_seed: int, out: Path, extra: list[str]
) -> list[str]:
    """The batch's command line in full: sweeps and sets spelled out, the root seed explicit."""
    from crmsim.batch import format_value

    argv = ["crmsim", "batch", *refs]
    if cli.replicates is not None:
        argv += ["--replicates", str(cli.replicates)]
    for name, values in cli.sweep.items():
        argv += ["--sweep", f"{name}={','.join(format_value(v) for v in values)}"]
    for name, value in cli.set.items():
        argv += ["--set", f"{name}={format_value(value)}"]
    argv += ["--seed", str(root_seed)]
    if cli.common_seeds:
        argv += ["--common-seeds"]
    if cli.workers is not None:
        argv += ["--workers", str(cli.workers)]
    if cli.scheduler is not None:
        argv += ["--scheduler", cli.scheduler]
    return argv + ["--out", str(out), *extra]


@click.command(name="batch")
@click.argument("scenarios", nargs=-1, metavar="SCENARIO...")
@count_option(
    "--replicates",
    "-n",
    help="Runs per scenario and grid point (default: the file's [batch], else 10).",
)
@click.option(
    "--sweep",
    "sweeps",
    multiple=True,
    metavar="NAME=V1,V2|NAME=LO:HI:STEPS",
    help="Sweep a parameter over listed values or an even grid; repeat for a grid.",
)
@set_option("Fix a parameter for every run (repeatable).")
@count_option(
    "--seed",
    minimum=0,
    help="Root seed; every run's seed is spawned from it (default: a fresh one, "
    "recorded in the manifest).",
)
@flag_option(
    "--common-seeds",
    "Common random numbers: replicate r has the same seed in every scenario and grid "
    "cell, so differences between cells are paired (batch.common_seeds in a file).",
)
@run_dir_options(
    "runs/SCENARIO-DATE-TIME",
    "Finish the interrupted batch in --out without recomputing stored runs.",
)
@flag_option("--retry-failed", "With --resume: run again the runs stored with an error.")
@count_option("--chunk-runs", default=200, help="Runs per Parquet chunk.")
def command(
    scenarios: tuple[str, ...],
    replicates: int | None,
    sweeps: tuple[str, ...],
    sets: dict[str, Any],
    seed: int | None,
    common_seeds: bool,
    retry_failed: bool,
    chunk_runs: int,
    where: RunDirFlags,
) -> int:
    """Run SCENARIO... × sweep grid × replicates and store every run under --out.

    Each run's seed is spawned from the root seed and stored with its row, so
    any run can be repeated alone with `crmsim run` (the `rerun` column gives
    the command). Interrupted batches keep every finished run; add --resume
    to finish them. Exit code 1 when some runs failed (their errors are
    stored), 130 when interrupted.

    \b
    Examples:
      crmsim batch baseline big_bang pilot_phased -n 100 --seed 42
      crmsim batch baseline --sweep levers.training=0:1:5 --sweep levers.pilot_first=0,1
      crmsim batch baseline -n 500 --scheduler tcp://10.0.0.5:8786 --out runs/big
      crmsim batch --resume --out runs/big
    """
    from crmsim.batch import cli_settings, make_plan
    from crmsim.batch.session import BatchSession
    from crmsim.progress import Progress

    workers, scheduler, out, resume = where.workers, where.scheduler, where.out, where.resume
    cli = cli_settings(
        sweeps, sets, replicates, seed, workers, scheduler, True if common_seeds else None
    )
    if retry_failed and not resume:
        raise CrmsimError("--retry-failed works with --resume; add --resume --out DIR")
    if resume:
        if out is None:
            raise CrmsimError("--resume needs --out DIR, the run directory of the batch to finish")
        session = BatchSession.resume(out)
        plan = session.plan
        damaged = session.store.set_aside_parts
        if damaged:
            _say(
                f"crmsim batch: {len(damaged)} damaged chunk(s) set aside in {out}/damaged "
                f"({'; '.join(damaged.values())}); their runs are computed again"
            )
        if scenarios:
            again = make_plan(scenarios, cli, default_seed=plan.root_seed)
            session.check_same(again, given="these scenarios and flags")
            workers, scheduler = again.workers, again.scheduler
        elif sweeps or sets or replicates or seed is not None or common_seeds:
            raise session.refuse(
                "--resume without scenarios finishes the stored plan; drop --sweep, --set, "
                "--replicates, --seed and --common-seeds (or give the original scenarios "
                "and flags)"
            )
    else:
        if not scenarios:
            raise CrmsimError("give at least one scenario, e.g. crmsim batch baseline")
        plan = make_plan(scenarios, cli)
        extra = [] if chunk_runs == 200 else ["--chunk-runs", str(chunk_runs)]
        workers, scheduler = plan.workers, plan.scheduler
        out = out or _default_out(plan)
        grid = {e.name: {k: list(v) for k, v in e.sweep.items()} for e in plan.scenarios}
        session = BatchSession.create(
            out, plan, kind="crmsim batch", extra={"grid": grid}, chunk_runs=chunk_runs,
            command=_command_line(scenarios, cli, plan.root_seed, out, extra),
        )  # fmt: skip

    argv = _command_line(scenarios, cli, plan.root_seed, out, ["--resume"] if resume else [])
    result = session.run(
        argv, workers=workers, scheduler=scheduler, label="batch", cells="scenario/grid cells",
        retry_failed=retry_failed, chunk_runs=chunk_runs, log=_say, progress=Progress(sys.stderr),
    )  # fmt: skip
    if result.interrupted or not result.complete:
        _say(session.interrupted_text(result, "batch"))
        return 130
    if result.failed:
        _say(
            f"crmsim batch: {result.failed} of {result.total} runs failed (errors in the "
            f"summary's error column; `crmsim export {out} --csv DIR`); {result.ok} ok in {out}"
        )
        return 1
    _say(f"crmsim batch: {result.ok} runs stored in {out}")
    return 0


def _say(text: str) -> None:
    click.echo(text, err=True)
