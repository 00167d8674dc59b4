"""``crmsim calibrate``: fit free parameters to targets with a stored, resumable optuna study."""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

import click

from crmsim.commands.options import path_option, scheduler_option, workers_option
from crmsim.errors import CrmsimError

RECORD = "calibration.json"


@click.command(name="calibrate")
@click.argument("config_path", metavar="CONFIG", type=click.Path(path_type=Path))
@workers_option
@scheduler_option
@path_option(
    "--out", "-o", folder=True,
    help="Calibration directory (default: runs/calibrate-CONFIG-DATE-TIME); an existing one "
    "is resumed, up to the config's budget.",
)  # fmt: skip
def command(config_path: Path, workers: int | None, scheduler: str | None, out: Path | None) -> int:
    """Fit the free parameters named in CONFIG to its targets.

    Trials are proposed by optuna's TPE sampler (seeded per trial, so the
    same config gives the same trials) and each is run through the batch
    engine on common seeds; a trial's score is the sum, over targets, of
    how far its estimate lies outside the band (in band widths). Writes
    trials.csv, accepted.csv, pareto.csv, marginals.png and calibrated.toml
    under --out. Repeating the command with the same --out resumes it (raise
    the config's budget to continue). Exit code 0 when some trial has every
    target inside its band, 1 when none has, 2 on bad input, 130 when
    interrupted.

    \b
    Example:
      crmsim calibrate fit.toml --out runs/fit
    """
    from crmsim import calibration as cal
    from crmsim.files import make_dirs, read_json, write_json
    from crmsim.progress import Progress
    from crmsim.provenance import environment
    from crmsim.validation import file_hash, load_targets

    if workers is not None and scheduler is not None:
        raise CrmsimError("--workers and --scheduler exclude each other; the cluster sets workers")
    config = cal.load_config(config_path)
    targets = [t for t in load_targets(config.targets) if not config.only or t.id in config.only]
    out = out or Path("runs") / f"calibrate-{config_path.stem}-{_dt.datetime.now():%Y%m%d-%H%M%S}"
    argv = ["crmsim", "calibrate", str(config_path), "--out", str(out)]
    env = environment()
    record_path = out / RECORD
    if record_path.exists():
        record = read_json(record_path, "calibration record")
        if record.get("config") != config.identity():
            raise CrmsimError(
                f"{out} holds a calibration with another config (only the budget may change); "
                "choose another --out"
            )
    else:
        record = {
            "kind": "crmsim calibrate", "command": argv, "config": config.identity(),
            "config_file": str(config_path), "config_sha256": file_hash(config_path),
            "targets_sha256": file_hash(config.targets), "versions": env["versions"],
            "platform": env["platform"], "created_utc": env["created_utc"], "sessions": [],
        }  # fmt: skip
    record["sessions"].append({"argv": env["command"], "started_utc": env["created_utc"],
                               "budget": config.budget})  # fmt: skip
    make_dirs(out)
    write_json(record_path, record)
    click.echo(
        f"crmsim calibrate: {len(config.free)} free parameters, {len(targets)} targets, "
        f"budget {config.budget} trials of {config.seeds} runs per arm, results in {out}",
        err=True,
    )
    study, complete = cal.run_study(
        config, targets, out, argv, {"targets_sha256": record["targets_sha256"]},
        workers, scheduler, Progress(sys.stderr),
        report=lambda text: click.echo(f"crmsim calibrate: {text}", err=True),
    )  # fmt: skip
    if not complete:
        click.echo(f"crmsim calibrate: interrupted; finished trials kept in {out}. Finish with: "
                   f"{' '.join(argv)}", err=True)  # fmt: skip
        return 130
    import matplotlib

    matplotlib.use("Agg")  # set here, never at import (STYLE 7)
    provenance = {"command": " ".join(argv), "config sha256": record["config_sha256"],
                  "targets": str(config.targets), "seed": config.seed,
                  "crmsim": env["versions"].get("crmsim")}  # fmt: skip
    chosen, files = cal.write_outputs(study, config, targets, out, provenance)
    shown = ", ".join(f"{f.name} = {chosen[f.name]:.4g}" for f in config.free)
    click.echo(f"chosen trial {int(chosen['trial'])}: {shown} "
               f"(total distance {chosen['total_distance']:.4g})")  # fmt: skip
    click.echo(f"crmsim calibrate: wrote {', '.join(p.name for p in files)} in {out}", err=True)
    return 0 if bool(chosen["accepted"]) else 1
