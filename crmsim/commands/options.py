"""Click options shared by the commands, each defined once.

* ``--set NAME=VALUE`` (:func:`set_option`): one parameter type
  (:class:`Assignment`) and one rule for a name given twice (refused, exit
  code 2), in every command that takes it: run, batch, sensitivity, levers,
  workshop, play.
* ``--workers``, ``--scheduler``, ``--out``, ``--resume``
  (:func:`run_dir_options`, handed over as one :class:`RunDirFlags`): the
  commands that run a plan into a run directory (batch, sensitivity, levers).
* Small factories for the rest: :func:`count_option`, :func:`path_option`,
  :func:`flag_option`, :data:`format_option`.

Kept light: importing this module imports click and nothing of the engine, so
``crmsim --help`` stays fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click


class Assignments(dict[str, Any]):
    """The ``--set`` values of one command line: name -> validated value, in the order given.

    Attributes:
        texts: The ``NAME=VALUE`` words as typed, for a replay command that
            repeats them exactly.
    """

    texts: tuple[str, ...] = ()


class Assignment(click.ParamType):
    """One ``--set NAME=VALUE``: the name must be declared and the value in its range.

    Converts to ``(name, value, text)``; :func:`set_option` gathers the
    repeats into :class:`Assignments` and refuses a name given twice.
    """

    name = "NAME=VALUE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """``"levers.training=0.8"`` -> ``("levers.training", 0.8, "levers.training=0.8")``.

        Raises:
            CrmsimError: for a missing ``=``, an unknown name or a bad value
                (one line, exit code 2, through the CLI's error handling).
        """
        if isinstance(value, tuple):  # already converted (a default, a second pass)
            return value
        from crmsim.params import parse_assignment

        name, parsed = parse_assignment(value)
        return name, parsed, value


ASSIGNMENT = Assignment()


def _gather(ctx: click.Context, param: click.Parameter, items: tuple[Any, ...]) -> Assignments:
    from crmsim.params import unique_assignments

    gathered = Assignments(unique_assignments((name, value) for name, value, _ in items))
    gathered.texts = tuple(text for _, _, text in items)
    return gathered


def set_option(help: str, dest: str = "sets") -> Callable[[Callable[..., Any]], Any]:
    """The ``--set NAME=VALUE`` option (repeatable), handed to the command as :class:`Assignments`.

    Args:
        help: The option's help text (what a set value does in this command).
        dest: The command function's parameter name.
    """
    return click.option(
        "--set",
        dest,
        type=ASSIGNMENT,
        multiple=True,
        metavar="NAME=VALUE",
        callback=_gather,
        help=help,
    )


workers_option = click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Local worker processes (default: all cores; 1 runs in this process).",
)


def _scheduler(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check the address's form at once (:func:`crmsim.batch.settings.scheduler_address`)."""
    if value is None:
        return None
    from crmsim.batch.settings import scheduler_address

    return scheduler_address(value)


scheduler_option = click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    callback=_scheduler,
    help="Run on a Dask distributed cluster instead of local processes.",
)

FORMATS = ("png", "svg", "pdf")
"""Chart file types of the commands that draw (``--format``)."""

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="png",
    show_default=True,
    help="Chart file type.",
)


def path_option(
    *names: str, help: str, folder: bool = False, required: bool = False
) -> Callable[[Callable[..., Any]], Any]:
    """A path option handed over as a :class:`~pathlib.Path`: a file, or a folder (``folder``)."""
    kind = click.Path(file_okay=False, path_type=Path) if folder else click.Path(
        dir_okay=False, path_type=Path)  # fmt: skip
    return click.option(*names, type=kind, default=None, required=required, help=help)


def out_option(default: str) -> Callable[[Callable[..., Any]], Any]:
    """``--out/-o DIR``, the run directory; ``default`` says what it is without the flag."""
    return path_option("--out", "-o", folder=True, help=f"Run directory (default: {default}).")


def count_option(
    *names: str, help: str, minimum: int = 1, default: int | None = None
) -> Callable[[Callable[..., Any]], Any]:
    """A whole-number option (``--replicates``, ``--seed``...); ``None`` when not given unless
    a ``default`` is (then shown in the help)."""
    return click.option(
        *names,
        type=click.IntRange(min=minimum),
        default=default,
        show_default=default is not None,
        help=help,
    )


def flag_option(name: str, help: str) -> Callable[[Callable[..., Any]], Any]:
    """An on/off flag (``--resume``, ``--common-seeds``)."""
    return click.option(name, is_flag=True, help=help)


@dataclass(frozen=True)
class RunDirFlags:
    """Where and how a batch runs: ``--workers``, ``--scheduler``, ``--out``, ``--resume``."""

    workers: int | None
    scheduler: str | None
    out: Path | None
    resume: bool

    def check_one_executor(self) -> None:
        """Refuse ``--workers`` with ``--scheduler`` (:func:`crmsim.batch.check_one_executor`).

        Raises:
            CrmsimError: when both are given.
        """
        from crmsim.batch.settings import check_one_executor

        check_one_executor(self.workers, self.scheduler)


def run_dir_options(default_out: str, resume_help: str) -> Callable[[Callable[..., Any]], Any]:
    """``--workers``, ``--scheduler``, ``--out`` and ``--resume``, handed over as one ``where``.

    The options of every command that runs a plan into a run directory
    through :class:`crmsim.batch.session.BatchSession`; the command function
    takes ``where: RunDirFlags`` instead of the four.
    """

    def decorate(function: Callable[..., Any]) -> Any:
        @functools.wraps(function)
        def packed(
            *args: Any, workers: int | None, scheduler: str | None, out: Path | None,
            resume: bool, **kwargs: Any,
        ) -> Any:  # fmt: skip
            return function(*args, where=RunDirFlags(workers, scheduler, out, resume), **kwargs)

        options = (workers_option, scheduler_option, out_option(default_out),
                   flag_option("--resume", resume_help))  # fmt: skip
        for option in reversed(options):
            packed = option(packed)
        return packed

    return decorate
