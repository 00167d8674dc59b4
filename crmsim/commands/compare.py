"""``crmsim compare``: success, adoption, speed, dip and cancellation per scenario / swept value."""

from __future__ import annotations

from pathlib import Path

import click

from crmsim.commands.check import require_complete_option
from crmsim.commands.options import path_option


@click.command(name="compare")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--by",
    multiple=True,
    metavar="scenario|PARAM",
    help="Group by these dimensions (repeatable; default: every one that varies).",
)
@path_option("--csv", "csv_path", help="Also write the table (full precision) to this CSV file.")
@require_complete_option
def command(
    run_dir: Path, by: tuple[str, ...], csv_path: Path | None, require_complete: bool
) -> None:
    """Compare the groups of the batch in RUN_DIR.

    Per group: success rate with a 95 % Wilson interval, median and
    interquartile range of final adoption, share reaching 80 % adoption and
    the median week it does, median profit-dip depth and dip weeks, and the
    cancellation rate with its 95 % interval. Failed runs are counted and
    left out of the figures. When every group ran the same seeds (a batch
    with --common-seeds), each group's difference in success and final
    adoption from the first group follows, run by run, with a paired 95 %
    t interval.

    Every group's runs are counted against the plan: an interrupted batch
    shows "58 of 100" and a line naming what is missing and how to finish
    it (planned and missing are columns of the CSV too).
    """
    from crmsim.analysis import check_dimensions, compare_table, format_compare, varying_dimensions
    from crmsim.completeness import sound_completeness
    from crmsim.errors import CrmsimError
    from crmsim.storage import opened, write_csv

    with opened(run_dir) as store:
        found = sound_completeness(store, require_complete)
        summary = store.summary()
        sweep_names = store.sweep_names
    if summary.empty:
        raise CrmsimError(
            f"{run_dir} has no finished runs yet; nothing to compare (finish it with "
            f"{found.resume})"
        )
    plan = found.runs
    dims = (
        check_dimensions(by, summary, sweep_names) if by else varying_dimensions(plan, sweep_names)
    )
    table = compare_table(summary, dims, found.groups(dims))
    click.echo(format_compare(table, dims))
    click.echo(found.headline())
    for line in found.group_lines(dims):
        click.echo(line)
    if csv_path is not None:
        write_csv(table, csv_path)
        click.echo(f"crmsim compare: wrote {csv_path}", err=True)
