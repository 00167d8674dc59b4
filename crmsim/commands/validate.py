"""``crmsim validate``: the model held against published patterns (pattern-oriented validation)."""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

import click

from crmsim.commands.options import path_option, scheduler_option, workers_option
from crmsim.errors import CrmsimError

DEFAULT_SEEDS = 200
DEFAULT_ROOT_SEED = 20260101


def _command_line(scenarios, targets, seeds, seed, out, markdown, json_path) -> list[str]:
    argv = ["crmsim", "validate", *scenarios]
    if targets is not None:
        argv += ["--targets", str(targets)]
    argv += ["--seeds", str(seeds), "--seed", str(seed), "--out", str(out)]
    if markdown is not None:
        argv += ["--markdown", str(markdown)]
    if json_path is not None:
        argv += ["--json", str(json_path)]
    return argv


@click.command(name="validate")
@click.argument("scenarios", nargs=-1, metavar="[SCENARIO]...")
@click.option(
    "--targets",
    "-t",
    type=click.Path(path_type=Path),
    default=None,
    help="Targets file (default: the bundled scenarios/targets/published.toml).",
)
@click.option(
    "--seeds",
    "-n",
    type=click.IntRange(min=2),
    default=DEFAULT_SEEDS,
    show_default=True,
    help="Runs per arm (replicates, on common seeds).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=DEFAULT_ROOT_SEED,
    show_default=True,
    help="Root seed of the runs' seeds.",
)
@workers_option
@scheduler_option
@path_option(
    "--out", "-o", folder=True,
    help="Run directory (default: runs/validate-DATE-TIME); an existing one with the same plan "
    "is resumed.",
)  # fmt: skip
@path_option("--markdown", help="Write the report as Markdown (e.g. docs/calibration.md).")
@path_option("--json", "json_path", help="Write the report as JSON with its provenance.")
def command(
    scenarios: tuple[str, ...],
    targets: Path | None,
    seeds: int,
    seed: int,
    workers: int | None,
    scheduler: str | None,
    out: Path | None,
    markdown: Path | None,
    json_path: Path | None,
) -> int:
    """Hold SCENARIO... (default: baseline) against published patterns.

    Each target of the targets file is measured over the runs with a 95 %
    interval and judged pass (interval inside the band), fail (wholly
    outside) or inconclusive (straddles a bound). The runs go through the
    batch engine on common seeds; an interrupted validation is finished by
    repeating the command with the same --out. Exit code 0 when every
    target passes, 1 when any fails or is inconclusive, 2 on bad input,
    130 when interrupted.

    \b
    Examples:
      crmsim validate
      crmsim validate baseline big_bang --seeds 500 --markdown docs/calibration.md
      crmsim validate my_firm.toml --targets my_sector.toml --json report.json
    """
    from crmsim import validation as v
    from crmsim.files import make_dirs, write_json, write_text
    from crmsim.progress import Progress
    from crmsim.provenance import environment
    from crmsim.validation import report

    if workers is not None and scheduler is not None:
        raise CrmsimError("--workers and --scheduler exclude each other; the cluster sets workers")
    path = targets if targets is not None else v.BUNDLED_TARGETS
    loaded = v.load_targets(path)
    refs = scenarios or ("baseline",)
    subjects = [v.Subject(Path(r).stem if r.endswith(".toml") else r, r) for r in refs]
    out = out or Path("runs") / f"validate-{_dt.datetime.now():%Y%m%d-%H%M%S}"
    argv = _command_line(refs, targets, seeds, seed, out, markdown, json_path)
    extra = {"targets": str(path), "targets_sha256": v.file_hash(path), "seeds": seeds}
    record = v.RunDirectory("crmsim validate", tuple(argv), extra)
    measured = v.measure_subjects(
        loaded, subjects, seeds, seed, out, record, workers, scheduler, Progress(sys.stderr)
    )
    if measured.rows is None:
        click.echo(f"crmsim validate: interrupted; runs kept in {out}. Finish with: "
                   f"{' '.join(argv)}", err=True)  # fmt: skip
        return 130
    results = list(zip(subjects, measured.rows, strict=True))
    click.echo("\n\n".join(report.text_table(s, rows, seeds) for s, rows in results))
    if measured.outcome.failed:
        click.echo(f"crmsim validate: {measured.outcome.failed} runs failed and were left out "
                   f"(errors: crmsim export {out} --csv DIR)", err=True)  # fmt: skip
    if markdown is not None:
        make_dirs(markdown.parent)
        write_text(markdown, report.markdown(results, argv, seeds, seed))
    if json_path is not None:
        env = environment()
        provenance = {
            "kind": "crmsim validate", "command": argv, "argv": env["command"],
            "created_utc": env["created_utc"], "versions": env["versions"],
            "platform": env["platform"], **extra, "root_seed": seed, "run_directory": str(out),
            "plan_fingerprint": measured.plan.fingerprint(),
        }  # fmt: skip
        make_dirs(json_path.parent)
        write_json(json_path, report.json_report(results, provenance))
    all_pass = all(r.verdict == "pass" for _, rows in results for r in rows)
    return 0 if all_pass else 1
