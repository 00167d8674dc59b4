"""The ``crmsim`` command line.

Each command lives in its own module under :mod:`crmsim.commands` and is
loaded only when used, so ``crmsim --help`` stays fast. Bad input anywhere
(a :class:`~crmsim.errors.CrmsimError` or a click usage error) becomes one
line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from crmsim.errors import CrmsimError

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


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [
            name
            for name, mod in COMMANDS.items()
            if importlib.util.find_spec(f"crmsim.commands.{mod}") is not None
        ]

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
        return super().resolve_command(ctx, args)

    def main(self, *args, **kwargs):  # one clear line and exit 2 for bad input
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except CrmsimError as exc:
            click.echo(f"crmsim: error: {exc}", err=True)
            sys.exit(2)
        except click.UsageError as exc:
            msg = exc.format_message()
            click.echo(f"crmsim: error: {msg}", err=True)
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


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="crmsim")
def main() -> None:
    """crmsim: simulate resistance to change when a company rolls out CRM.

    Executives, middle managers and frontline staff change their minds week
    by week; see who adopts, who resists, whether the sponsor holds on, and
    what it costs.
    """


if __name__ == "__main__":  # pragma: no cover
    main()
