"""``crmsim report``: a one-page handout of a run or a batch."""

from __future__ import annotations

from pathlib import Path

import click

from crmsim.clihelp import command as help_command
from crmsim.commands.check import require_complete_option
from crmsim.i18n import N_, lang_option


@help_command(
    "report",
    help=N_(
        "Write a one-page handout of RUN_DIR (from crmsim run or crmsim batch).\n\n"
        "For a folder of crmsim fit: its page for the firm, RUN_DIR/report.html.\n\n"
        "The scenario in plain words, adoption and profit week by week (median and bands across "
        "the runs of a batch), the key figures, and what happened when: go-live, the sponsor "
        "wavering, the bottom of the profit dip, the tipping point, budget cut, cancellation, "
        "payback. An interrupted batch's handout says how many of the planned runs it shows, in "
        "its title and notes. With --lang zh the handout is in Chinese."
    ),
)
@click.argument("run_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("File to write, .pdf or .html [default: RUN_DIR/handout.pdf]."),
)
@require_complete_option
@lang_option
def command(run_dir: Path, out: Path | None, require_complete: bool, lang: str) -> None:
    """Run ``crmsim report`` (its help: the ``help`` text above)."""
    from crmsim.files import folder_kind

    if folder_kind(run_dir) == "crmsim fit":  # a fit's page for the firm (crmsim fit)
        from crmsim.fit.report import write_report

        click.echo(write_report(run_dir, out))
        return
    from crmsim.report import write

    click.echo(write(run_dir, out, require_complete))
