"""``crmsim plot``: median curves with 50 % and 90 % bands across a batch's replicates."""

from __future__ import annotations

from pathlib import Path

import click

from crmsim.commands.check import require_complete_option
from crmsim.commands.options import path_option


@click.command(name="plot")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--metric",
    "-m",
    default="adoption",
    show_default=True,
    help="Weekly series: adoption, confidence, profit, resistance, sponsor, skill, "
    "cumulative, or any weekly column name.",
)
@click.option(
    "--by",
    default=None,
    metavar="scenario|PARAM",
    help="Colour by scenario or a swept parameter (default: the first that varies); "
    "other varying dimensions get one panel each.",
)
@path_option("--out", "-o", help="Figure file, .png, .svg or .pdf (default: RUN_DIR/METRIC.png).")
@require_complete_option
def command(
    run_dir: Path, metric: str, by: str | None, out: Path | None, require_complete: bool
) -> None:
    """Plot a weekly METRIC of the batch in RUN_DIR: median and 50 %/90 % bands per group.

    The caption says how many of the planned runs the figure shows; for an
    interrupted batch it names the groups with missing runs and the command
    that finishes it (said on the screen too).
    """
    from crmsim.analysis import band_table, check_dimensions, resolve_metric, varying_dimensions
    from crmsim.batch.plan_store import stored_money
    from crmsim.batch_plots import plot_band_panels, save_figure
    from crmsim.completeness import sound_completeness
    from crmsim.errors import CrmsimError
    from crmsim.money import common_money
    from crmsim.storage import opened

    out = out or run_dir / f"{metric}.png"
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise CrmsimError(f"--out {out}: use a .png, .svg or .pdf file name")
    with opened(run_dir) as store:
        found = sound_completeness(store, require_complete)
        summary = store.summary(include_failed=False)
        if summary.empty:
            raise CrmsimError(
                f"{run_dir} has no finished runs yet; nothing to plot (finish it with "
                f"{found.resume})"
            )
        column = resolve_metric(metric, store.weekly_columns())
        dims = varying_dimensions(summary, store.sweep_names)
        colour = check_dimensions([by], summary, store.sweep_names) if by else dims[:1]
        panels = [d for d in dims if d not in colour]
        table = band_table(store.iter_weekly(["week", column]), summary, column, colour + panels)
        shown = set(summary["scenario"].unique())
        money = common_money(
            stored_money(e) for e in store.manifest["scenarios"] if e["name"] in shown
        )
    caption = found.caption(colour + panels)
    fig = plot_band_panels(table, colour, panels, column, caption=caption, money=money)
    save_figure(fig, out)
    if not found.complete:
        click.echo(f"crmsim plot: {found.headline()}", err=True)
    click.echo(f"crmsim plot: wrote {out}", err=True)
