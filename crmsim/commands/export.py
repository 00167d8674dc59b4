"""``crmsim export``: a batch as CSV files for spreadsheet users."""

from __future__ import annotations

from pathlib import Path

import click

from crmsim.commands.options import path_option


@click.command(name="export")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@path_option(
    "--csv", "csv_dir", folder=True, required=True,
    help="Directory for summary.csv, weekly.csv and cells.csv.",
)  # fmt: skip
def command(run_dir: Path, csv_dir: Path) -> None:
    """Write the batch in RUN_DIR as CSV: one row per run, per run-week, and per cell.

    \b
    summary.csv  inputs (scenario, swept values, replicate, seed), status,
                 error, the summary figures and the rerun command
    weekly.csv   every run's weekly series (written chunk by chunk)
    cells.csv    every parameter's value for each scenario / grid cell
    """
    from crmsim.storage import export_csv, opened

    with opened(run_dir) as store:
        written = export_csv(store, csv_dir)
    for path in written:
        click.echo(f"crmsim export: wrote {path}", err=True)
