"""Click options shared by the commands that run batches (batch, sensitivity, levers)."""

from __future__ import annotations

import click

workers_option = click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Local worker processes (default: all cores; 1 runs in this process).",
)

scheduler_option = click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    help="Run on a Dask distributed cluster instead of local processes.",
)
