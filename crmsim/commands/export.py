"""``crmsim export``: a batch as CSV files for spreadsheet users."""

from __future__ import annotations

from pathlib import Path

import click

from crmsim.commands.check import require_complete_option
from crmsim.commands.options import path_option


@click.command(name="export")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@path_option(
    "--csv", "csv_dir", folder=True, required=True,
    help="Directory for summary.csv, weekly.csv, cells.csv and completeness.csv.",
)  # fmt: skip
@require_complete_option
def command(run_dir: Path, csv_dir: Path, require_complete: bool) -> None:
    """Write the batch in RUN_DIR as CSV: one row per run, per run-week, and per cell.

    \b
    summary.csv       inputs (scenario, swept values, replicate, seed), status,
                      error, the summary figures and the rerun command
    weekly.csv        every run's weekly series (written chunk by chunk)
    cells.csv         every parameter's value for each scenario / grid cell
    completeness.csv  per cell: planned, done, failed and missing runs
                      (an interrupted batch is exported as far as it got)
    """
    from crmsim.completeness import sound_completeness
    from crmsim.storage import export_csv, opened

    with opened(run_dir) as store:
        found = sound_completeness(store, require_complete)
        written = export_csv(store, csv_dir, found)
    for path in written:
        click.echo(f"crmsim export: wrote {path}", err=True)
    click.echo(f"crmsim export: {found.headline()}", err=True)
