"""``crmsim debrief``: strategy or luck? One page per team of a workshop game."""

from __future__ import annotations

from pathlib import Path

import click

from crmsim.clihelp import command as help_command
from crmsim.commands.options import count_option, path_option
from crmsim.i18n import N_, _, lang_option


@help_command(
    "debrief",
    help=N_(
        "Debrief every team that finished the game in GAME_DIR (written by crmsim play).\n\n"
        "For each team: the timeline of its decisions against the key events of its run, and its "
        "decision sequence replayed over other seeds, showing where its actual score falls in "
        "that distribution (strategy versus luck); the best and worst sequences among all teams. "
        "Writes one page per team and debrief.json (with the replay seeds)."
    ),
)
@click.argument("game_dir", type=click.Path(file_okay=False, path_type=Path))
@count_option("--replays", default=200, help=N_("Seeds each team's decisions are replayed over."))
@count_option("--seed", minimum=0, help=N_("Root of the replay seeds [default: the game's seed]."))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html"]),
    default="pdf",
    show_default=True,
    help=N_("One page per team as PDF or as self-contained HTML."),
)
@path_option(
    "--out", folder=True,
    help=N_("Folder for the pages and debrief.json [default: GAME_DIR/debrief]."),
)  # fmt: skip
@click.option(
    "--game",
    "game_ref",
    default=None,
    help=N_("The game file, if it has moved since the game was played."),
)
@count_option("-j", "--workers", help=N_("Processes for the replays [default: all cores]."))
@click.option(
    "--class",
    "whole_class",
    is_flag=True,
    help=N_("Also write the class debrief: one page for the whole class, as PDF and PNG slides."),
)
@lang_option
def command(
    game_dir: Path,
    replays: int,
    seed: int | None,
    fmt: str,
    out: Path | None,
    game_ref: str | None,
    workers: int | None,
    whole_class: bool,
    lang: str,
) -> None:
    """Run ``crmsim debrief`` (its help: the ``help`` text above)."""
    import matplotlib

    matplotlib.use("Agg")  # set here, never at import (STYLE 7)
    from crmsim.debrief import debrief, scoreboard, write
    from crmsim.executors import default_workers
    from crmsim.fonts import use_fonts

    use_fonts()  # Chinese pages need a CJK font: say so before the replays

    def progress(team: str, done: int, total: int) -> None:
        if done == total:
            click.echo(
                _("crmsim debrief: team {team}: {total} replays done").format(
                    team=team, total=total
                ),
                err=True,
            )

    d = debrief(game_dir, replays, seed, workers or default_workers(), progress, game_ref)
    files = write(d, out, fmt)
    click.echo(scoreboard(d))
    click.echo(_("pages: {files}").format(files=", ".join(str(f) for f in files[:-1])))
    click.echo(_("record: {file}").format(file=files[-1]))
    if whole_class:
        from crmsim.debrief.classroom import write_class

        slides = write_class(d, files[-1].parent)
        click.echo(
            _("class debrief: {pdf} and {n} slides (PNG)").format(pdf=slides[0], n=len(slides) - 1)
        )
