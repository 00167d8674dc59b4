"""``crmsim batch``: replicates, sweeps and scenario comparisons, resumable."""

from __future__ import annotations

import datetime as _dt
import signal
import sys
from pathlib import Path
from typing import Any

import click

from crmsim.commands.options import scheduler_option, workers_option
from crmsim.errors import CrmsimError


def _interrupt(signum: int, frame: Any) -> None:  # SIGTERM behaves like Ctrl-C
    raise KeyboardInterrupt


def _default_out(plan: Any) -> Path:
    names = [e.name for e in plan.scenarios]
    label = names[0] + (f"+{len(names) - 1}" if len(names) > 1 else "")
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{label}-{stamp}"


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


def _session(argv: list[str], workers: int | None, scheduler: str | None, resumed: bool) -> dict:
    from crmsim.provenance import environment

    env = environment()
    return {
        "command": argv,
        "argv": env["command"],
        "started_utc": env["created_utc"],
        "resumed": resumed,
        "workers": None if scheduler else workers,
        "scheduler": scheduler,
        "versions": env["versions"],
        "platform": env["platform"],
    }


@click.command(name="batch")
@click.argument("scenarios", nargs=-1, metavar="SCENARIO...")
@click.option(
    "--replicates",
    "-n",
    type=click.IntRange(min=1),
    default=None,
    help="Runs per scenario and grid point (default: the file's [batch], else 10).",
)
@click.option(
    "--sweep",
    "sweeps",
    multiple=True,
    metavar="NAME=V1,V2|NAME=LO:HI:STEPS",
    help="Sweep a parameter over listed values or an even grid; repeat for a grid.",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="NAME=VALUE",
    help="Fix a parameter for every run (repeatable).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Root seed; every run's seed is spawned from it (default: a fresh one, "
    "recorded in the manifest).",
)
@click.option(
    "--common-seeds",
    is_flag=True,
    help="Common random numbers: replicate r has the same seed in every scenario and grid "
    "cell, so differences between cells are paired (batch.common_seeds in a file).",
)
@workers_option
@scheduler_option
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run directory (default: runs/SCENARIO-DATE-TIME).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Finish the interrupted batch in --out without recomputing stored runs.",
)
@click.option(
    "--retry-failed", is_flag=True, help="With --resume: run again the runs stored with an error."
)
@click.option(
    "--chunk-runs",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Runs per Parquet chunk.",
)
def command(
    scenarios: tuple[str, ...],
    replicates: int | None,
    sweeps: tuple[str, ...],
    sets: tuple[str, ...],
    seed: int | None,
    common_seeds: bool,
    workers: int | None,
    scheduler: str | None,
    out: Path | None,
    resume: bool,
    retry_failed: bool,
    chunk_runs: int,
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
    from crmsim.batch import cli_settings, make_plan, plan_frame, plan_from_store, run_batch
    from crmsim.executors import default_workers
    from crmsim.progress import Progress
    from crmsim.storage import RunStore

    cli = cli_settings(
        sweeps, sets, replicates, seed, workers, scheduler, True if common_seeds else None
    )
    if retry_failed and not resume:
        raise CrmsimError("--retry-failed works with --resume; add --resume --out DIR")
    if resume:
        if out is None:
            raise CrmsimError("--resume needs --out DIR, the run directory of the batch to finish")
        store = RunStore.open(out, writable=True)
        plan = plan_from_store(store.manifest, store.plan())
        if scenarios:
            again = make_plan(scenarios, cli, default_seed=plan.root_seed)
            if again.fingerprint() != plan.fingerprint():
                store.close()
                raise CrmsimError(
                    f"these scenarios and flags plan a different batch than the one in {out}; "
                    f"resume with the same ones, or with just --resume --out {out}"
                )
            workers, scheduler = again.workers, again.scheduler
        elif sweeps or sets or replicates or seed is not None or common_seeds:
            store.close()
            raise CrmsimError(
                "--resume without scenarios finishes the stored plan; drop --sweep, --set, "
                "--replicates, --seed and --common-seeds (or give the original scenarios "
                "and flags)"
            )
        manifest = store.manifest
    else:
        if not scenarios:
            raise CrmsimError("give at least one scenario, e.g. crmsim batch baseline")
        plan = make_plan(scenarios, cli)
        extra = [] if chunk_runs == 200 else ["--chunk-runs", str(chunk_runs)]
        workers, scheduler = plan.workers, plan.scheduler
        out = out or _default_out(plan)
        from crmsim.provenance import environment

        env = environment()
        manifest = {
            "kind": "crmsim batch",
            "command": _command_line(scenarios, cli, plan.root_seed, out, extra),
            "argv": env["command"],
            "created_utc": env["created_utc"],
            "versions": env["versions"],
            "platform": env["platform"],
            **plan.manifest(),
            "grid": {e.name: {k: list(v) for k, v in e.sweep.items()} for e in plan.scenarios},
            "status": "running",
            "sessions": [],
        }
        store = RunStore.create(out, manifest, plan_frame(plan), chunk_runs=chunk_runs)

    store.chunk_runs = chunk_runs
    if not scheduler:
        workers = workers or default_workers()
    manifest = store.manifest
    manifest["status"] = "running"
    argv = _command_line(scenarios, cli, plan.root_seed, out, ["--resume"] if resume else [])
    manifest.setdefault("sessions", []).append(_session(argv, workers, scheduler, resume))
    store.write_manifest(manifest)

    where = f"Dask cluster {scheduler}" if scheduler else f"{workers} worker(s)"
    click.echo(
        f"crmsim batch: {len(plan.runs)} runs ({len(plan.cells)} scenario/grid cells) on {where}, "
        f"root seed {plan.root_seed}, results in {out}",
        err=True,
    )
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = run_batch(
            plan, store, workers=workers or 1, scheduler=scheduler,
            progress=Progress(sys.stderr), retry_failed=retry_failed,
        )  # fmt: skip
    finally:
        signal.signal(signal.SIGTERM, previous)
        store.close()

    manifest = store.manifest
    status = (
        "complete" if result.complete else ("interrupted" if result.interrupted else "incomplete")
    )
    manifest.update(
        status=status,
        runs_ok=result.ok,
        runs_failed=result.failed,
        finished_utc=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )
    manifest["sessions"][-1].update(computed=result.computed, seconds=round(result.seconds, 3))
    store.write_manifest(manifest)

    if result.interrupted or not result.complete:
        kept = result.ok + result.failed
        click.echo(
            f"crmsim batch: interrupted; {kept} of {result.total} runs kept in {out}. "
            f"Finish with: crmsim batch --resume --out {out}",
            err=True,
        )
        return 130
    if result.failed:
        click.echo(
            f"crmsim batch: {result.failed} of {result.total} runs failed (errors in the "
            f"summary's error column; `crmsim export {out} --csv DIR`); {result.ok} ok in {out}",
            err=True,
        )
        return 1
    click.echo(f"crmsim batch: {result.ok} runs stored in {out}", err=True)
    return 0
