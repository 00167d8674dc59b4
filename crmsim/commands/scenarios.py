"""``crmsim scenarios``: the bundled scenarios, one line each."""

from __future__ import annotations

import click

from crmsim.errors import CrmsimError
from crmsim.scenario import bundled, load


@click.command(name="scenarios")
def command() -> None:
    """List the bundled scenarios with their descriptions.

    Run one with `crmsim run NAME`; see its parameters with `crmsim describe NAME`.
    """
    names = bundled()
    width = max((len(n) for n in names), default=0)
    for name in names:
        try:
            description = load(name).description
        except CrmsimError as exc:  # one broken file should not hide the others
            description = f"(cannot be loaded: {exc})"
        click.echo(f"{name:<{width}}  {description}")
