"""The ``crmsim`` command line.

Each command lives in its own module under :mod:`crmsim.commands` and is
loaded only when used, so ``crmsim --help`` stays fast. Bad input anywhere
(a :class:`~crmsim.errors.CrmsimError` or a click usage error) becomes one
line on stderr and exit code 2, never a traceback.

The language (``--lang zh|en`` before or after the command, else
``CRMSIM_LANG``, else the locale) is looked for before click parses, so that
help pages are shown in it (:mod:`crmsim.clihelp`); it is the language of
the commands that take ``--lang`` (the workshop commands), the others speak
English as they always did.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from crmsim.clihelp import HelpGroup, usage_error
from crmsim.errors import CrmsimError
from crmsim.i18n import LANG_META, N_, _, resolve_language, set_language

# command name -> module under crmsim.commands defining a click command `command`
COMMANDS: dict[str, str] = {
    "run": "run",
    "scenarios": "scenarios",
    "describe": "describe",
    "batch": "batch",
    "plot": "plot",
    "compare": "compare",
    "export": "export",
    "sensitivity": "sensitivity",
    "levers": "levers",
    "workshop": "workshop",
    "report": "report",
    "play": "play",
    "debrief": "debrief",
    "handouts": "handouts",
    "validate": "validate",
    "calibrate": "calibrate",
    "fit": "fit",
    "check": "check",
}


SUMMARIES: dict[str, str] = {
    "run": N_("Run a scenario once and write its weekly results and chart."),
    "scenarios": N_("List the bundled scenarios with their descriptions."),
    "describe": N_("Show every parameter: value, range, unit, meaning and source."),
    "batch": N_("Run scenarios many times over a grid of settings."),
    "plot": N_("Plot a weekly measure of a batch: median and 50 %/90 % bands."),
    "compare": N_("Compare the groups of a batch: success rates with intervals."),
    "export": N_("Write a batch as CSV tables."),
    "sensitivity": N_("Which parameters of a scenario matter (Morris or Sobol')."),
    "levers": N_("Move each survey lever from 0 to 1 and show its effect."),
    "workshop": N_("Start the workshop dashboard and print its address."),
    "report": N_("Write a one-page handout of a run or a batch."),
    "play": N_("Play a game as a team, in the terminal or a browser."),
    "debrief": N_("Debrief a finished game: timelines, luck and strategy."),
    "handouts": N_("Write a game's participant pack as a PDF."),
    "validate": N_("Hold a scenario against published patterns."),
    "calibrate": N_("Fit the free parameters of a calibration config to its targets."),
    "fit": N_("Fit a firm's weekly CRM usage data; forecast its roll-out."),
    "check": N_("Check that a run or batch is complete and sound."),
}
"""Each command's line in ``crmsim --help``, in the current language."""


def language_in(argv: list[str]) -> str:
    """The language a command line asks for, before click parses it (for help pages).

    ``--lang X`` or ``--lang=X`` anywhere before ``--``, else ``CRMSIM_LANG``, else
    the locale; English for a language crmsim does not speak (the ``--lang``
    option itself then says what is wrong).
    """
    value = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
    try:
        return resolve_language(value)
    except CrmsimError:
        return "en"


def _group_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """``crmsim --lang X``; not given, the language :func:`language_in` found (a command's
    own ``--lang``, even after its ``--help``), checked as :func:`resolve_language` does."""
    try:
        lang = resolve_language(value)
    except CrmsimError as exc:
        raise click.BadParameter(str(exc).removeprefix("--lang "), ctx, param) from None
    if value is None:
        lang = getattr(ctx.command, "asked_language", lang)
    ctx.meta[LANG_META] = lang
    set_language(lang)
    return lang


class _LazyGroup(HelpGroup):
    asked_language = "en"

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [
            name
            for name, mod in COMMANDS.items()
            if importlib.util.find_spec(f"crmsim.commands.{mod}") is not None
        ]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from :data:`SUMMARIES`, translated (no command is imported)."""
        rows = []
        for name in self.list_commands(ctx):
            if name in SUMMARIES:
                rows.append((name, _(SUMMARIES[name])))
            elif (cmd := self.get_command(ctx, name)) is not None:  # a command without a summary
                rows.append((name, cmd.get_short_help_str(formatter.width - 20)))
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.list_commands(ctx):
            return None
        module = importlib.import_module(f"crmsim.commands.{COMMANDS[cmd_name]}")
        return module.command

    def resolve_command(self, ctx, args):
        name = args[0] if args else None
        if name is not None and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f"; did you mean {close[0]}?" if close else "; run `crmsim --help` for the list"
            raise click.UsageError(f"no such command {name!r}{hint}", ctx)
        found, cmd, rest = super().resolve_command(ctx, args)
        if cmd is not None and not any(p.name == "lang" for p in cmd.params):
            set_language("en")  # a command without --lang speaks English, its help included
        return found, cmd, rest

    def main(self, *args, **kwargs):  # one clear line and exit 2 for bad input
        kwargs["standalone_mode"] = False
        argv = args[0] if args else kwargs.get("args")
        self.asked_language = language_in(list(sys.argv[1:] if argv is None else argv))
        set_language(self.asked_language)
        try:
            rv = super().main(*args, **kwargs)
        except CrmsimError as exc:
            click.echo(f"crmsim: error: {exc}", err=True)
            sys.exit(2)
        except click.UsageError as exc:
            click.echo(f"crmsim: error: {usage_error(exc)}", err=True)
            sys.exit(2)
        except click.exceptions.Abort:
            click.echo("crmsim: aborted", err=True)
            sys.exit(130)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"crmsim: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        if isinstance(rv, int):
            sys.exit(rv)
        return rv


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_(
        "crmsim: simulate resistance to change when a company rolls out CRM.\n\n"
        "Executives, middle managers and frontline staff change their minds week by week; "
        "see who adopts, who resists, whether the sponsor holds on, and what it costs. "
        "Add --lang zh for Chinese (or set CRMSIM_LANG=zh)."
    ),
)
@click.version_option(package_name="crmsim")
@click.option(
    "--lang",
    "lang",
    metavar="zh|en",
    default=None,
    is_eager=True,
    callback=_group_language,
    help=N_(
        "Language of the help pages and of the workshop commands (workshop, play, handouts, "
        "debrief, report): zh (Simplified Chinese) or en (default: $CRMSIM_LANG, then the "
        "locale, then en). The other commands speak English."
    ),
)
def main(lang: str) -> None:
    """crmsim's command line: the commands are in :data:`COMMANDS` (``crmsim --help``)."""


if __name__ == "__main__":  # pragma: no cover
    main()
