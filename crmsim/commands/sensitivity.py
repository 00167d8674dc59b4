"""``crmsim sensitivity``: Morris screening or Sobol' indices of the levers, run as a batch."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from crmsim.commands.options import (
    RunDirFlags,
    count_option,
    format_option,
    run_dir_options,
    set_option,
)
from crmsim.errors import CrmsimError

KIND = "crmsim sensitivity"
"""The manifest's ``kind`` of a sensitivity run directory."""


def _outputs(text: str) -> list[str]:
    from crmsim.sensitivity import resolve_output

    names = [part.strip() for part in text.split(",")]
    if any(not n for n in names):
        raise CrmsimError(f"--output {text!r}: empty name; e.g. --output final_adoption,success")
    return list(dict.fromkeys(resolve_output(n) for n in names))


def _command_line(design: Any, cli_sets: dict[str, Any], out: Path, extra: list[str]) -> list[str]:
    from crmsim.batch import format_value

    params = ",".join(f"{f.name}={f.lo!r}:{f.hi!r}" for f in design.factors)
    argv = ["crmsim", "sensitivity", design.scenario, "--method", design.method,
            "--samples", str(design.samples), "--params", params,
            "--replicates", str(design.replicates)]  # fmt: skip
    for name, value in cli_sets.items():
        argv += ["--set", f"{name}={format_value(value)}"]
    return argv + ["--seed", str(design.root_seed), "--out", str(out), *extra]


def _report(design: Any, x: Any, plan: Any, out: Path, outputs: list[str], fmt: str) -> int:
    """Analyse each output, print its table, write CSVs and charts; the exit code."""
    from crmsim import sensitivity as sa
    from crmsim import sensitivity_plots as plots
    from crmsim.batch_plots import save_figure
    from crmsim.storage import RunStore, write_csv

    with RunStore.open(out) as store:
        summary = store.summary()
        manifest = store.manifest
    failed = int((summary["status"] != "ok").sum()) if len(summary) else 0
    record = manifest.setdefault("analyses", {})
    for output in outputs:
        table = sa.point_outputs(summary, plan, output)
        try:
            analysis = sa.analyse(design, x, table, output)
        except sa.ConstantOutput as exc:
            click.echo(f"crmsim sensitivity: {exc}; nothing written for it", err=True)
            continue
        except CrmsimError as exc:
            if failed:
                click.echo(f"crmsim sensitivity: {exc}", err=True)
                return 1
            raise
        click.echo(sa.format_indices(analysis, design))
        click.echo("")
        files = [
            write_csv(analysis.indices, out / f"indices-{output}.csv"),
            write_csv(table, out / f"points-{output}.csv"),
        ]
        tornado = plots.plot_tornado(analysis.indices)
        files.append(save_figure(tornado.figure, out / f"tornado-{output}.{fmt}"))
        if analysis.second_order is not None:
            files.append(write_csv(analysis.second_order, out / f"second_order-{output}.csv"))
            bars = plots.plot_sobol_bars(analysis.indices)
            files.append(save_figure(bars.figure, out / f"sobol-{output}.{fmt}"))
        else:
            plane = plots.plot_morris_plane(analysis.indices)
            files.append(save_figure(plane.figure, out / f"morris-{output}.{fmt}"))
        record[output] = {**analysis.noise, "ranking": sa.ranking(analysis),
                          "files": [p.name for p in files]}  # fmt: skip
        click.echo(
            f"crmsim sensitivity: wrote {', '.join(p.name for p in files)} in {out}", err=True
        )
    with RunStore.open(out, writable=True) as store:  # holds the directory's lock
        store.write_manifest(manifest)
    if failed:
        click.echo(
            f"crmsim sensitivity: {failed} runs failed and were left out of the point means "
            f"(errors: crmsim export {out} --csv DIR)",
            err=True,
        )
        return 1
    return 0


@click.command(name="sensitivity")
@click.argument("scenario", required=False, metavar="SCENARIO")
@click.option(
    "--method",
    type=click.Choice(["morris", "sobol"]),
    default=None,
    help="morris: elementary effects, cheap screening (default); sobol: variance shares, "
    "first, total and second order.",
)
@count_option(
    "--samples",
    help="Morris trajectories (default 20; N(D+1) points) or the Sobol' base sample, "
    "a power of two (default 64; N(2D+2) points).",
)
@click.option(
    "--output",
    "output_text",
    default="final_adoption",
    show_default=True,
    metavar="NAME[,NAME...]",
    help="Summary figures to analyse: final_adoption, success, payback_week, "
    "profit_dip_depth, weeks_to_80, ... (every field of a run's summary.json).",
)
@click.option(
    "--params",
    default=None,
    metavar="NAME[=LO:HI],...",
    help="Parameters to vary (default: the nine levers, plus any the file's [batch] sweep "
    "names); ranges from the declarations unless narrowed here or by the [batch] sweep.",
)
@count_option(
    "--replicates",
    "-n",
    help="Runs per sample point, averaged (default 4; the noise is reported).",
)
@set_option("Fix a parameter (repeatable).")
@count_option(
    "--seed",
    minimum=0,
    help="Root seed of the sample, the runs and the bootstrap (default: the file's, else fresh).",
)
@run_dir_options(
    "runs/sensitivity-SCENARIO-METHOD-DATE-TIME",
    "Finish the interrupted analysis in --out (or analyse other --output figures of it).",
)
@format_option
def command(
    scenario: str | None,
    method: str | None,
    samples: int | None,
    output_text: str,
    params: str | None,
    replicates: int | None,
    sets: dict[str, Any],
    seed: int | None,
    fmt: str,
    where: RunDirFlags,
) -> int:
    """Which parameters of SCENARIO matter: SALib indices from a batch of runs.

    The sample points run as a batch (parallel, stored, resumable); each
    point's output is the mean of --replicates runs and the replicate noise
    is printed beside the indices. Writes indices-OUTPUT.csv,
    points-OUTPUT.csv, a tornado chart, and a Sobol' bar chart (sobol) or a
    Morris plane (morris) to --out. Exit code 1 when some runs failed, 130
    when interrupted.

    \b
    Examples:
      crmsim sensitivity baseline --method morris --samples 20 --output final_adoption,success
      crmsim sensitivity baseline --method sobol --samples 128 \\
          --params levers.top_management_support,levers.training,levers.process_analysis
      crmsim sensitivity --resume --out runs/sens --output payback_week
    """
    from crmsim import sensitivity as sa
    from crmsim.batch.session import BatchSession, stamp
    from crmsim.progress import Progress

    outputs = _outputs(output_text)
    where.check_one_executor()
    workers, scheduler, out = where.workers, where.scheduler, where.out
    if where.resume:
        if out is None:
            raise CrmsimError("--resume needs --out DIR, the run directory of the analysis")
        session = BatchSession.resume(out, kind=KIND, noun="sensitivity analysis")
        design = sa.Design.from_dict(session.manifest["sensitivity"])
        try:
            x = sa.read_sample(out, design)
        except CrmsimError as exc:
            raise session.refuse(str(exc)) from None
        if scenario:
            again, file = sa.design_from_flags(
                scenario, method, samples, params, replicates, sets,
                design.root_seed if seed is None else seed,
            )  # fmt: skip
            session.check_same(sa.plan_points(again, sa.sample(again)), noun="analysis")
            if workers is None and scheduler is None:
                workers, scheduler = file.workers, file.scheduler
        elif method or samples or params or replicates or sets or seed is not None:
            raise session.refuse(
                "--resume without SCENARIO finishes the stored analysis; drop --method, "
                "--samples, --params, --replicates, --set and --seed"
            )
        argv = list(session.manifest["command"]) + ["--resume"]
    else:
        if not scenario:
            raise CrmsimError("give a scenario, e.g. crmsim sensitivity baseline --method morris")
        design, file = sa.design_from_flags(
            scenario, method, samples, params, replicates, sets, seed
        )
        if workers is None and scheduler is None:
            workers, scheduler = file.workers, file.scheduler
        x = sa.sample(design)
        plan = sa.plan_points(design, x, workers, scheduler)
        label = Path(scenario).stem
        out = out or Path("runs") / f"sensitivity-{label}-{design.method}-{stamp()}"
        argv = _command_line(design, sets, out, [])
        session = BatchSession.create(
            out, plan, kind=KIND, command=argv, extra={"sensitivity": design.to_dict()},
            packages=("SALib",),
        )  # fmt: skip
        sa.write_sample(out, design, x)

    result = session.run(argv, workers=workers, scheduler=scheduler, label="sensitivity",
                         log=_say, progress=Progress(sys.stderr))  # fmt: skip
    if result.interrupted or not result.complete:
        _say(session.interrupted_text(result, "sensitivity"))
        return 130
    return _report(design, x, session.plan, out, outputs, fmt)


def _say(text: str) -> None:
    click.echo(text, err=True)
