"""``crmsim fit``: a firm's own weekly data -> its unknowns, its forecast, the lever worth pulling."""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

import click

from crmsim.commands.options import count_option, path_option, scheduler_option, workers_option
from crmsim.errors import CrmsimError


@click.command(name="fit")
@click.argument("data", metavar="DATA.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--scenario", "-s", required=True, metavar="SCENARIO",
              help="What the firm knows: a bundled scenario name or a .toml file.")  # fmt: skip
@click.option("--unknown", "-u", "unknowns", multiple=True, metavar="PARAM",
              help="A parameter the firm does not know (repeat; default: the scenario's "
              "[fit] unknowns, else sponsor commitment, process fit, staff confidence, "
              "the diffusion rates and managers' resistance).")  # fmt: skip
@count_option("--budget", help="Simulations the search may use in all.", default=20_000,
              minimum=100)  # fmt: skip
@count_option("--particles", help="Particles per ABC generation.", default=300, minimum=20)
@count_option("--generations", help="Most ABC generations.", default=12)
@count_option("--draws", help="Posterior draws for the forecast and the actions.", default=200,
              minimum=10)  # fmt: skip
@count_option("--seed", help="Root seed (with --workers 1 the whole fit repeats exactly).",
              default=1, minimum=0)  # fmt: skip
@workers_option
@scheduler_option
@path_option("--out", "-o", folder=True,
             help="Fit folder (default: runs/fit-DATA-DATE-TIME); an unfinished fit there is "
             "continued.")  # fmt: skip
def command(data: Path, scenario: str, unknowns: tuple[str, ...], budget: int, particles: int,
            generations: int, draws: int, seed: int, workers: int | None, scheduler: str | None,
            out: Path | None) -> int:  # fmt: skip
    """Fit a firm's weekly CRM usage data and say where the roll-out is heading.

    DATA.csv has a week column and any of active_share (or active_users),
    trying_share, rejecting_share, profit_index, milestone_met (docs/fit.md).
    ABC-SMC (pyabc) finds the unknowns' posterior; the forecast runs to the
    scenario's last week; each action that can still change is tried from
    the last observed week on. Writes the posterior, pair plot, fan chart,
    actions and report.html under --out; the same --out continues an
    interrupted fit.

    \b
    Example:
      crmsim fit scenarios/fit/example.csv --scenario scenarios/fit/example.toml
    """
    import importlib.util

    if importlib.util.find_spec("pyabc") is None:  # pyabc is an extra
        raise CrmsimError("crmsim fit needs pyabc; install it with pip install 'crmsim[fit]' "
                          "(scripts/setup.sh does)")  # fmt: skip
    from crmsim.fit.infer import Settings
    from crmsim.fit.run import execute, prepare

    if workers is not None and scheduler is not None:
        raise CrmsimError("--workers and --scheduler exclude each other; the cluster sets workers")
    settings = Settings(particles=particles, budget=budget, generations=generations, seed=seed)
    prep = prepare(data, scenario, unknowns, settings, draws)
    out = out or Path("runs") / f"fit-{data.stem}-{_dt.datetime.now():%Y%m%d-%H%M%S}"
    argv = ["crmsim", "fit", str(data), "--scenario", str(scenario),
            *[a for u in unknowns for a in ("--unknown", u)], "--budget", str(budget),
            "--particles", str(particles), "--generations", str(generations),
            "--draws", str(draws), "--seed", str(seed), "--out", str(out)]  # fmt: skip
    n = workers if workers is not None else (os.cpu_count() or 1)
    say = lambda text: click.echo(f"crmsim fit: {text}", err=True)  # noqa: E731
    say(f"{len(prep.priors)} unknowns ({', '.join(p.name for p in prep.priors)}), "
        f"{len(prep.obs.weeks)} observed weeks to week {prep.obs.last_week}, results in {out}")  # fmt: skip
    result = execute(prep, out, argv, n, scheduler, say)
    click.echo(f"P(success by week {result['horizon']}) = {result['p_success']:.0%}, "
               f"P(payback) = {result['p_payback']:.0%}")  # fmt: skip
    for row in result["actions"][:3]:
        click.echo(f"  {row['rank']}. raise {row['action']} to {row['to']:.2f}: P(success) "
                   f"{100 * row['d_success']:+.0f} pts, final adoption "
                   f"{100 * row['d_adoption']:+.0f} pts")  # fmt: skip
    say(f"wrote {out / 'report.html'} and the tables and pictures beside it")
    return 0
