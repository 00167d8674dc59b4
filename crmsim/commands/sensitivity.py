"""``crmsim sensitivity``: Morris screening or Sobol' indices of the levers, run as a batch."""

from __future__ import annotations

import datetime as _dt
import signal
import sys
from pathlib import Path
from typing import Any

import click

from crmsim.commands.options import scheduler_option, workers_option
from crmsim.errors import CrmsimError

FORMATS = ("png", "svg", "pdf")


# --------------------------------------------------------------------------- shared with levers
def _interrupt(signum: int, frame: Any) -> None:  # SIGTERM behaves like Ctrl-C
    raise KeyboardInterrupt


def parse_sets(sets: tuple[str, ...]) -> dict[str, Any]:
    """``--set name=value`` pairs, validated, each name once."""
    from crmsim.params import parse_assignment

    out: dict[str, Any] = {}
    for text in sets:
        name, value = parse_assignment(text)
        if name in out:
            raise CrmsimError(f"--set {name} is given twice; keep one")
        out[name] = value
    return out


def stamp() -> str:
    """Date and time for default run-directory names."""
    return _dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def execute(
    plan: Any,
    store: Any,
    argv: list[str],
    workers: int | None,
    scheduler: str | None,
    resumed: bool,
    name: str,
) -> Any:
    """Run the plan's missing runs into ``store`` and record the session in the manifest.

    Returns:
        The :class:`crmsim.batch.BatchOutcome` (the store is closed).
    """
    from crmsim.batch import run_batch
    from crmsim.commands.batch import _session
    from crmsim.executors import default_workers
    from crmsim.progress import Progress

    if not scheduler:
        workers = workers or default_workers()
    manifest = store.manifest
    manifest["status"] = "running"
    manifest.setdefault("sessions", []).append(_session(argv, workers, scheduler, resumed))
    store.write_manifest(manifest)
    where = f"Dask cluster {scheduler}" if scheduler else f"{workers} worker(s)"
    click.echo(
        f"crmsim {name}: {len(plan.runs)} runs ({len(plan.cells)} points) on {where}, "
        f"root seed {plan.root_seed}, results in {store.root}",
        err=True,
    )
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = run_batch(
            plan, store, workers=workers or 1, scheduler=scheduler, progress=Progress(sys.stderr)
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
        store.close()
    status = (
        "complete" if result.complete else ("interrupted" if result.interrupted else "incomplete")
    )
    manifest = store.manifest
    manifest.update(
        status=status,
        runs_ok=result.ok,
        runs_failed=result.failed,
        finished_utc=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )
    manifest["sessions"][-1].update(computed=result.computed, seconds=round(result.seconds, 3))
    store.write_manifest(manifest)
    return result


def interrupted_message(name: str, result: Any, out: Path) -> None:
    """Tell how to finish an interrupted analysis."""
    kept = result.ok + result.failed
    click.echo(
        f"crmsim {name}: interrupted; {kept} of {result.total} runs kept in {out}. "
        f"Finish with: crmsim {name} --resume --out {out}",
        err=True,
    )


def new_manifest(kind: str, argv: list[str], plan: Any, extra: dict[str, Any]) -> dict[str, Any]:
    """A run directory's manifest: the batch engine's fields plus the analysis's own."""
    from crmsim.provenance import environment

    env = environment()
    versions = dict(env["versions"])
    try:
        import importlib.metadata

        versions["SALib"] = importlib.metadata.version("SALib")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - SALib is required
        versions["SALib"] = None
    return {
        "kind": kind,
        "command": argv,
        "argv": env["command"],
        "created_utc": env["created_utc"],
        "versions": versions,
        "platform": env["platform"],
        **plan.manifest(),
        **extra,
        "status": "running",
        "sessions": [],
    }


# --------------------------------------------------------------------------- this command
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


def _design(
    ref: str,
    method: str | None,
    samples: int | None,
    params: str | None,
    replicates: int | None,
    cli_sets: dict[str, Any],
    seed: int | None,
) -> tuple[Any, Any]:
    """The design from the command line and the scenario's ``[batch]`` section."""
    from crmsim import sensitivity as sa
    from crmsim.batch import file_settings
    from crmsim.scenario import load

    scenario = load(ref)
    factors, fixed = sa.choose_factors(scenario, params, cli_sets)
    file = file_settings(scenario)
    method = method or "morris"
    root = seed if seed is not None else (file.seed if file.seed is not None else sa.fresh_seed())
    design = sa.Design(
        scenario=ref,
        method=method,
        samples=samples or sa.DEFAULT_SAMPLES[method],
        replicates=replicates or sa.DEFAULT_REPLICATES,
        root_seed=root,
        factors=factors,
        sets=fixed,
    )
    return design, file


def _write_sample(path: Path, design: Any, x: Any) -> None:
    import pandas as pd

    from crmsim.files import atomic_write

    frame = pd.DataFrame(x, columns=design.names)
    atomic_write(path, lambda fh: frame.to_parquet(fh, index=False))


def _read_sample(path: Path, design: Any) -> Any:
    from crmsim.files import read_parquet_frame

    fix = "start a new analysis into another --out"
    if not path.is_file():
        raise CrmsimError(f"{path.parent} has no sample.parquet; {fix}")
    frame = read_parquet_frame(path, "sensitivity sample", columns=design.names, fix=fix)
    return frame[design.names].to_numpy(dtype=float)


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
@click.option(
    "--samples",
    type=click.IntRange(min=1),
    default=None,
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
@click.option(
    "--replicates",
    "-n",
    type=click.IntRange(min=1),
    default=None,
    help="Runs per sample point, averaged (default 4; the noise is reported).",
)
@click.option(
    "--set", "sets", multiple=True, metavar="NAME=VALUE", help="Fix a parameter (repeatable)."
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Root seed of the sample, the runs and the bootstrap (default: the file's, else fresh).",
)
@workers_option
@scheduler_option
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run directory (default: runs/sensitivity-SCENARIO-METHOD-DATE-TIME).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Finish the interrupted analysis in --out (or analyse other --output figures of it).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="png",
    show_default=True,
    help="Chart file type.",
)
def command(
    scenario: str | None,
    method: str | None,
    samples: int | None,
    output_text: str,
    params: str | None,
    replicates: int | None,
    sets: tuple[str, ...],
    seed: int | None,
    workers: int | None,
    scheduler: str | None,
    out: Path | None,
    resume: bool,
    fmt: str,
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
    from crmsim.batch import plan_frame, plan_from_store
    from crmsim.storage import RunStore

    outputs = _outputs(output_text)
    cli_sets = parse_sets(sets)
    if workers is not None and scheduler is not None:
        raise CrmsimError("--workers and --scheduler exclude each other; the cluster sets workers")
    if resume:
        if out is None:
            raise CrmsimError("--resume needs --out DIR, the run directory of the analysis")
        store = RunStore.open(out, writable=True)
        manifest = store.manifest
        if manifest.get("kind") != "crmsim sensitivity":
            store.close()
            raise CrmsimError(f"{out} holds no sensitivity analysis; give its run directory")
        design = sa.Design.from_dict(manifest["sensitivity"])
        x = _read_sample(out / "sample.parquet", design)
        plan = plan_from_store(manifest, store.plan())
        if scenario:
            again, file = _design(
                scenario, method, samples, params, replicates, cli_sets,
                design.root_seed if seed is None else seed,
            )  # fmt: skip
            if sa.plan_points(again, sa.sample(again)).fingerprint() != plan.fingerprint():
                store.close()
                raise CrmsimError(
                    f"these flags plan a different analysis than the one in {out}; resume "
                    f"with the same ones, or with just --resume --out {out}"
                )
            if workers is None and scheduler is None:
                workers, scheduler = file.workers, file.scheduler
        elif method or samples or params or replicates or sets or seed is not None:
            store.close()
            raise CrmsimError(
                "--resume without SCENARIO finishes the stored analysis; drop --method, "
                "--samples, --params, --replicates, --set and --seed"
            )
        argv = list(manifest["command"]) + ["--resume"]
    else:
        if not scenario:
            raise CrmsimError("give a scenario, e.g. crmsim sensitivity baseline --method morris")
        design, file = _design(scenario, method, samples, params, replicates, cli_sets, seed)
        if workers is None and scheduler is None:
            workers, scheduler = file.workers, file.scheduler
        x = sa.sample(design)
        plan = sa.plan_points(design, x, workers, scheduler)
        label = Path(scenario).stem
        out = out or Path("runs") / f"sensitivity-{label}-{design.method}-{stamp()}"
        argv = _command_line(design, cli_sets, out, [])
        extra = {"sensitivity": design.to_dict()}
        manifest = new_manifest("crmsim sensitivity", argv, plan, extra)
        store = RunStore.create(out, manifest, plan_frame(plan))
        _write_sample(out / "sample.parquet", design, x)

    result = execute(plan, store, argv, workers, scheduler, resume, "sensitivity")
    if result.interrupted or not result.complete:
        interrupted_message("sensitivity", result, out)
        return 130
    return _report(design, x, plan, out, outputs, fmt)
