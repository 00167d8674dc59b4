"""``crmsim handouts``: the participant pack of a workshop game, as a printable PDF."""

from __future__ import annotations

from pathlib import Path

import click

from crmsim.clihelp import command as help_command
from crmsim.commands.options import count_option, path_option
from crmsim.i18n import N_, _, lang_option


@help_command(
    "handouts",
    help=N_(
        "Write the participant pack of GAME (a bundled game or a .toml file) as a PDF.\n\n"
        "The pack holds the case (the firm, its people, the situation), action cards (what each "
        "does, its cost in the game's currency, when it starts to work, how often it can be "
        "taken), a decision sheet per round and role cards (sponsor, CIO, head of sales, head of "
        "HR, frontline representative). Print it for each team. Example:\n\n"
        "  crmsim handouts huaxin_short --lang zh --out pack.pdf"
    ),
)
@click.argument("game")
@path_option("--out", help=N_("The PDF to write [default: runs/handouts/<game>-<lang>.pdf]."))
@count_option(
    "--rounds", help=N_("Decision sheets for this many rounds (as crmsim play --rounds).")
)
@lang_option
def command(game: str, out: Path | None, rounds: int | None, lang: str) -> None:
    """Run ``crmsim handouts`` (its help: the ``help`` text above)."""
    import matplotlib

    matplotlib.use("Agg")  # set here, never at import (STYLE 7)
    from crmsim.game import load_game
    from crmsim.handouts import write

    g = load_game(game, rounds=rounds)
    target = out if out is not None else Path("runs") / "handouts" / f"{g.name}-{lang}.pdf"
    written = write(g, target)
    click.echo(_("participant pack written: {path}").format(path=written))
