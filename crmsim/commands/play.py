"""``crmsim play``: one team plays a workshop game in the terminal, round by round."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crmsim.clihelp import command as help_command
from crmsim.commands.options import count_option, path_option, set_option
from crmsim.errors import CrmsimError
from crmsim.i18n import N_, _, lang_option, localized

if TYPE_CHECKING:
    from crmsim.game import Decision, Game, TeamGame

HELP_WORDS = ("help", "?")
QUIT_WORDS = ("quit", "q", "exit")


# ---------------------------------------------------------------- playing


def _ask(tg: TeamGame) -> list[Decision] | None:
    """Prompt until the team's decisions for this round are valid (None: quit)."""
    from crmsim.commands.play_text import action_info, menu, names, resolve_numbers
    from crmsim.game import Decision, parse_decisions

    game = tg.game
    while True:
        text = click.prompt(
            _(
                "Round {n} decisions (names or numbers, comma-separated; "
                "'help', 'help NAME', 'quit')"
            ).format(n=tg.round),
            default="",
            show_default=False,
        ).strip()
        word, _sep, rest = text.partition(" ")
        if word.lower() in HELP_WORDS:
            rest = rest.strip()
            if rest:
                name = resolve_numbers(tg, [Decision.parse(rest)])[0].action
                if name in game.actions:
                    click.echo(action_info(game, name))
                    continue
                click.echo(_("no action {name!r}").format(name=rest))
                continue
            click.echo(menu(tg, long=True))
            click.echo(
                _("Scoring: {rule}").format(rule=localized(game.scoring.description))
                + f"\n  {game.scoring.rule_text()}"
            )
            continue
        if text.lower() in QUIT_WORDS:
            return None
        if not text and not click.confirm(
            _("No action in round {n}?").format(n=tg.round), default=True
        ):
            continue
        try:
            chosen = tg.check(resolve_numbers(tg, parse_decisions(text)))
        except CrmsimError as exc:
            click.echo(_("refused: {why}").format(why=exc))
            continue
        if chosen:
            cost = sum(game.actions[d.action].cost for d in chosen)
            click.echo(
                _("chosen: {names} for {cost} ({left} left)").format(
                    names=names(tg, chosen),
                    cost=game.money.amount(cost),
                    left=game.money.amount(tg.budget_left - cost),
                )
            )
        return list(chosen)


def _start(
    ref: str,
    team: str,
    folder: Path,
    do_resume: bool,
    overrides: dict,
    seed: int | None,
    rounds: int | None = None,
) -> TeamGame:
    from crmsim.game import STATE_FILE, TeamGame, load_game, read_state, resume

    saved = folder / STATE_FILE
    if saved.is_file() and not do_resume:
        state = read_state(folder)
        raise CrmsimError(
            _(
                "team {team} already has a game in {folder} ({rounds_played} of {rounds} rounds played); add --resume to continue it, or choose another --team or --out"
            ).format(
                team=team,
                folder=folder,
                rounds_played=state["rounds_played"],
                rounds=state["game"]["definition"]["rounds"],
            )
        )
    if not do_resume:
        return TeamGame(load_game(ref, overrides, seed, rounds), team)
    if not saved.is_file():
        raise CrmsimError(
            _("no saved game for team {team} in {folder}; start it without --resume").format(
                team=team, folder=folder
            )
        )
    state = read_state(folder)
    if state["team"] != team:
        raise CrmsimError(
            _("{saved} belongs to team {owner}, not {team}").format(
                saved=saved, owner=state["team"], team=team
            )
        )
    g = state["game"]
    if overrides and overrides != g["overrides"]:
        raise CrmsimError(
            _("team {team} plays with --set {value}; resume without --set").format(
                team=team, value=g["overrides"] or "nothing"
            )
        )
    if seed is not None and seed != g["seed"]:
        raise CrmsimError(
            _("team {team} plays with seed {seed}; resume without --seed").format(
                team=team, seed=g["seed"]
            )
        )
    definition = g.get("definition")
    played = definition.get("rounds") if isinstance(definition, dict) else None
    if not isinstance(played, int) or isinstance(played, bool):
        played = rounds  # a state that does not say: the file's rounds (resume then checks)
    elif rounds is not None and rounds != played:
        raise CrmsimError(
            _("team {team} plays {played} rounds; resume without --rounds").format(
                team=team, played=played
            )
        )
    return resume(load_game(ref, g["overrides"], g["seed"], played), state)


def _check_script(tg: TeamGame, script: dict[int, list[Decision]], path: Path) -> None:
    """A script must agree with the rounds already played (when resuming)."""
    for r in tg.rounds:
        wanted = [str(d) for d in script.get(r.number, [])]
        if wanted != [str(d) for d in r.decisions]:
            raise CrmsimError(
                _(
                    "{name}: round {number} lists {listed} but the saved game played {played}; fix the file or start another team"
                ).format(
                    name=path.name,
                    number=r.number,
                    listed=wanted or _("no action"),
                    played=[str(d) for d in r.decisions] or _("no action"),
                )
            )


def _finish(tg: TeamGame, folder: Path, ref: str) -> None:
    """Write the team's run files (crmsim report works on the folder)."""
    from crmsim.output import write_run

    replay = ["crmsim", "play", ref, "--team", f"{tg.team}-replay"]
    replay += ["--decisions", str((folder / "decisions.toml").resolve())]
    for name, value in tg.game.overrides.items():
        replay += ["--set", f"{name}={value}"]
    replay += ["--seed", str(tg.game.seed), "--rounds", str(tg.game.rounds)]
    write_run(folder, tg.game.scenario, tg.result(), shlex.join(replay))


def serve_dashboard(game: Game, ref: str, out: Path, host: str, port: int) -> None:
    """Serve the team-play page for ``game``, its teams saved in ``out``."""
    import json
    import os

    from crmsim.commands.workshop import (
        check_installed,
        check_port,
        free_port,
        room_address,
        serve,
    )
    from crmsim.dashboard.teams import ENV_GAME, ENV_OUT, ENV_ROUNDS, ENV_SEED, ENV_SET, ENV_URL

    check_installed()
    port = free_port(host) if port == 0 else port
    check_port(host, port)
    os.environ[ENV_GAME] = str(game.path or ref)
    os.environ[ENV_OUT] = str(out.resolve())
    os.environ[ENV_SET] = json.dumps(dict(game.overrides))
    os.environ[ENV_SEED] = str(game.seed)
    os.environ[ENV_URL] = room_address(host, port)
    os.environ[ENV_ROUNDS] = str(game.rounds)
    from crmsim.i18n import ENV_VAR, get_language

    os.environ[ENV_VAR] = get_language()  # the team-play page speaks the command's language
    click.echo(
        f"crmsim play: {game.name} for teams at http://{host}:{port}  (teams saved in {out}; "
        "Ctrl-C stops)"
    )
    click.echo(
        _("crmsim play: each team opens {url}/team and types its join code").format(
            url=os.environ[ENV_URL]
        )
    )
    serve("crmsim.dashboard.teamplay", host, port, prog_name="crmsim play")


@help_command(
    "play",
    help=N_(
        "Play GAME (a bundled game or a .toml file) as team TEAM, round by round.\n\n"
        "Each round, choose up to a few actions from the menu (names or numbers, "
        "comma-separated; restructure_department:sales aims at a department). The game is saved "
        "after every round: continue an interrupted game with --resume. With --decisions FILE "
        "the rounds are played from the file without questions (for facilitators and tests). "
        "With --dashboard, serve a page where the facilitator plays every team's rounds on one "
        "screen. Bundled games live in scenarios/games/."
    ),
)
@click.argument("game")
@click.option("--team", default=None, help=N_("The team's name (letters, digits, - and _)."))
@path_option(
    "--out", folder=True,
    help=N_("The game folder; each team gets a sub-folder [default: runs/games/<game>]."),
)  # fmt: skip
@click.option("--resume", "do_resume", is_flag=True, help=N_("Continue the team's saved game."))
@path_option(
    "--decisions", "script",
    help=N_('Play non-interactively from a decisions file ([rounds] 1 = ["sponsor_speech"]).'),
)  # fmt: skip
@count_option(
    "--stop-after", help=N_("Save and stop after this round (continue later with --resume).")
)
@set_option(
    N_("Change a starting condition, e.g. --set org.employees=300 (repeatable)."), "assignments"
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help=N_("Another seed than the game file's (every team of a game should use the same)."),
)
@click.option(
    "--dashboard",
    is_flag=True,
    help=N_("Serve a team-play page instead: every team on one screen, a scoreboard."),
)
@click.option("--port", type=click.IntRange(0, 65535), default=8766, show_default=True,
              help=N_("Port of the team-play page (0 picks a free one)."))  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True,
              help=N_("Address of the team-play page (0.0.0.0: other computers in the room)."))  # fmt: skip
@count_option(
    "--rounds",
    help=N_("Play this many rounds instead of the game's (within the range the game file allows)."),
)
@lang_option
def command(
    game: str,
    team: str | None,
    out: Path | None,
    do_resume: bool,
    script: Path | None,
    stop_after: int | None,
    assignments: dict[str, Any],
    seed: int | None,
    dashboard: bool,
    port: int,
    host: str,
    rounds: int | None,
    lang: str,
) -> None:
    """Run ``crmsim play`` (its help: the ``help`` text above)."""
    import matplotlib

    matplotlib.use("Agg")  # set here, never at import (STYLE 7)
    from crmsim.commands.play_text import final_report, menu, round_report, status_line, wrap
    from crmsim.fonts import use_fonts

    use_fonts()  # the team's chart at the end speaks the game's language
    from crmsim.game import check_team_name, load_game, read_decisions, save

    overrides = dict(assignments)
    ref_game = load_game(game, overrides, seed, rounds)  # validate before touching any folder
    game_dir = out if out is not None else Path("runs") / "games" / ref_game.name
    if dashboard:
        serve_dashboard(ref_game, game, game_dir, host, port)
        return
    if team is None:
        raise click.UsageError("--team NAME is required (or --dashboard for all teams)")
    team = check_team_name(team)
    folder = game_dir / team
    tg = _start(game, team, folder, do_resume, overrides, seed, rounds)
    planned = read_decisions(script, tg.game) if script is not None else None
    if planned is not None:
        _check_script(tg, planned, script)

    if not tg.rounds:
        save(tg, folder)  # the team's folder exists from the start
    g = tg.game
    money = g.money
    click.echo(
        _(
            "{title} ({name}) · team {team} · {rounds} rounds of {weeks} weeks · "
            "budget {budget} · up to {most} actions a round"
        ).format(
            title=localized(g.title),
            name=g.name,
            team=team,
            rounds=g.rounds,
            weeks=g.weeks_per_round,
            budget=money.amount(g.budget),
            most=g.max_actions,
        )
    )
    saved_note = _("saved after round {n} in {folder}; continue with --resume")
    if tg.rounds:
        click.echo(
            _("resumed after round {n}; {left} left").format(
                n=len(tg.rounds), left=money.amount(tg.budget_left)
            )
        )
    if planned is None:
        click.echo(wrap(localized(g.description), 100))
        click.echo(_("Scoring: {rule}").format(rule=g.scoring.rule_text()))
    while not tg.finished:
        if stop_after is not None and tg.round > stop_after:
            click.echo(saved_note.format(n=len(tg.rounds), folder=folder))
            return
        if planned is not None:
            try:
                tg.play_round(planned.get(tg.round, []))
            except CrmsimError as exc:
                raise CrmsimError(
                    _("round {round}: {exc}").format(round=tg.round, exc=exc)
                ) from None
        else:
            click.echo(
                "\n"
                + _("Round {n} of {rounds} · weeks {first}-{last} · {left} left").format(
                    n=tg.round,
                    rounds=g.rounds,
                    first=tg.week + 1,
                    last=tg.week + g.weeks_per_round,
                    left=money.amount(tg.budget_left),
                )
            )
            click.echo(status_line(tg))
            click.echo(menu(tg))
            chosen = _ask(tg)
            if chosen is None:
                click.echo(saved_note.format(n=len(tg.rounds), folder=folder))
                return
            tg.play_round(chosen)
        save(tg, folder)
        click.echo(round_report(tg))
    _finish(tg, folder, game)
    save(tg, folder)
    click.echo(final_report(tg, folder))
