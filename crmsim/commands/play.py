"""``crmsim play``: one team plays a workshop game in the terminal, round by round."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from crmsim.errors import CrmsimError
from crmsim.game import (
    MONEY,
    STATE_FILE,
    Decision,
    Game,
    TeamGame,
    check_team_name,
    load_game,
    parse_decisions,
    read_decisions,
    read_state,
    resume,
    save,
)

HELP_WORDS = ("help", "?")
QUIT_WORDS = ("quit", "q", "exit")


# ---------------------------------------------------------------- words


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _weeks(n: int) -> str:
    return _plural(n, "week")


def _pct(x: float) -> str:
    return f"{100.0 * x:.0f} %"


def status_line(tg: TeamGame) -> str:
    """Where the team's organisation stands now, in one line."""
    a = tg.snapshot()
    status = ("active", "budget cut", "cancelled")[int(a["status"])]
    return (
        f"week {int(a['week'])}: using {_pct(a['adoption'])}, trying {_pct(a['trying'])}, "
        f"rejecting {_pct(a['rejecting'])} | confidence: sponsor {_pct(a['confidence_sponsor'])}, "
        f"managers {_pct(a['confidence_manager'])}, staff {_pct(a['confidence_frontline'])} | "
        f"managers resisting {_pct(a['managers_resisting'])} | profit "
        f"{100 * a['profit_rel']:+.1f} % vs before | project {status}"
    )


def menu(tg: TeamGame, long: bool = False) -> str:
    """The action menu: number, name, cost, lead time, availability (and what each does)."""
    lines = []
    for number, (name, a) in enumerate(tg.game.actions.items(), start=1):
        again = tg.available_from(name)
        if again is None:
            note = "  [taken: once a game]"
        elif again > tg.round:
            note = f"  [cooldown until round {again}]"
        elif a.before_go_live and tg.week + a.lead_weeks + 1 > tg.first_go_live():
            note = "  [too late: before go-live only]"
        else:
            note = ""
        target = ":DEPT" if a.target else ""
        lines.append(
            f"{number:>3}  {name + target:<28}{a.cost:>6,.0f} {MONEY}  lead {a.lead_weeks:>2} wk  "
            f"{a.label}{note}"
        )
        if long:
            lines.append(click.wrap_text(a.description, 96, "       ", "       "))
            lines.append(
                "       effects: " + "; ".join(e.describe() for e in a.effects) + f" ({a.claims})"
            )
    return "\n".join(lines)


def action_info(game: Game, name: str) -> str:
    """One action in full."""
    a = game.actions[name]
    rules = [f"cost {a.cost:,.0f} {MONEY}", f"starts to work {_weeks(a.lead_weeks)} into the round"]
    if a.once:
        rules.append("once a game")
    elif a.cooldown_rounds:
        rules.append(f"cooldown {_plural(a.cooldown_rounds, 'round')}")
    if a.before_go_live:
        rules.append("must work before the first go-live")
    if a.target:
        rules.append("aimed at one department: " + name + ":sales, :marketing, ...")
    return "\n".join(
        [
            f"{name}: {a.label} ({a.claims})",
            click.wrap_text(a.description, 96, "  ", "  "),
            "  " + "; ".join(rules),
            "  effects: " + "; ".join(e.describe() for e in a.effects),
        ]
    )


def _resolve_numbers(tg: TeamGame, decisions: list[Decision]) -> list[Decision]:
    """Menu numbers to action names (``3`` or ``10:sales``)."""
    names = list(tg.game.actions)
    out = []
    for d in decisions:
        if d.action.isdigit():
            number = int(d.action)
            if not 1 <= number <= len(names):
                raise CrmsimError(
                    f"there is no action number {number}; the menu has 1-{len(names)}"
                )
            d = Decision(names[number - 1], d.target)
        out.append(d)
    return out


def round_report(tg: TeamGame) -> str:
    """What happened in the round just played."""
    from crmsim.debrief import event_text

    r = tg.rounds[-1]
    end = r.start_week + tg.game.weeks_per_round
    happened: list[tuple[int, str]] = []
    for a in tg.applied:
        if r.start_week <= a["week"] < end:  # applied after week w: works from week w + 1
            what = "starts to work" if a["what"] == "start" else "ends"
            target = f":{a['target']}" if a["target"] else ""
            happened.append((a["week"] + 1, f"{a['action']}{target} {what}"))
    for e in r.events:
        text = event_text(e)
        if text:
            happened.append((e["week"], text))
    lines = [f"Round {r.number} done (weeks {r.start_week + 1}-{end})."]
    lines += [f"  week {week}: {text}" for week, text in sorted(happened, key=lambda h: h[0])]
    lines.append("  " + status_line(tg))
    lines.append(
        f"  spent {tg.spent:,.0f} of {tg.game.budget:,.0f} {MONEY}; "
        f"score if the game ended now: {r.score:.1f} of {tg.game.scoring.maximum:g}"
    )
    return "\n".join(lines)


def final_report(tg: TeamGame, out: Path) -> str:
    """The team's final score and where its files are."""
    st = tg.standing()
    s = tg.result().summary
    parts = ", ".join(f"{k} {v:.1f}" for k, v in st["points"].items())
    return "\n".join(
        [
            f"Game over for team {tg.team}: score {st['score']:.1f} of "
            f"{tg.game.scoring.maximum:g} ({parts}).",
            f"  using CRM at the end {_pct(s['final_adoption'])}; success "
            f"{'yes' if s['success'] else 'no'}; spent {tg.spent:,.0f} {MONEY}.",
            f"  files in {out}; debrief all teams with: crmsim debrief {out.parent}",
        ]
    )


# ---------------------------------------------------------------- playing


def _ask(tg: TeamGame) -> list[Decision] | None:
    """Prompt until the team's decisions for this round are valid (None: quit)."""
    game = tg.game
    while True:
        text = click.prompt(
            f"Round {tg.round} decisions (names or numbers, comma-separated; "
            "'help', 'help NAME', 'quit')",
            default="",
            show_default=False,
        ).strip()
        word, _, rest = text.partition(" ")
        if word.lower() in HELP_WORDS:
            rest = rest.strip()
            if rest:
                name = _resolve_numbers(tg, [Decision.parse(rest)])[0].action
                if name in game.actions:
                    click.echo(action_info(game, name))
                    continue
                click.echo(f"no action {rest!r}")
                continue
            click.echo(menu(tg, long=True))
            click.echo(f"Scoring: {game.scoring.description}\n  {game.scoring.rule_text()}")
            continue
        if text.lower() in QUIT_WORDS:
            return None
        if not text and not click.confirm(f"No action in round {tg.round}?", default=True):
            continue
        try:
            chosen = tg.check(_resolve_numbers(tg, parse_decisions(text)))
        except CrmsimError as exc:
            click.echo(f"refused: {exc}")
            continue
        if chosen:
            cost = sum(game.actions[d.action].cost for d in chosen)
            click.echo(
                f"chosen: {', '.join(str(d) for d in chosen)} for {cost:,.0f} {MONEY} "
                f"({tg.budget_left - cost:,.0f} {MONEY} left)"
            )
        return list(chosen)


def _start(
    ref: str, team: str, folder: Path, do_resume: bool, overrides: dict, seed: int | None
) -> TeamGame:
    saved = folder / STATE_FILE
    if saved.is_file() and not do_resume:
        state = read_state(folder)
        raise CrmsimError(
            f"team {team} already has a game in {folder} ({state['rounds_played']} of "
            f"{state['game']['definition']['rounds']} rounds played); add --resume to "
            "continue it, or choose another --team or --out"
        )
    if not do_resume:
        return TeamGame(load_game(ref, overrides, seed), team)
    if not saved.is_file():
        raise CrmsimError(f"no saved game for team {team} in {folder}; start it without --resume")
    state = read_state(folder)
    if state["team"] != team:
        raise CrmsimError(f"{saved} belongs to team {state['team']}, not {team}")
    g = state["game"]
    if overrides and overrides != g["overrides"]:
        raise CrmsimError(
            f"team {team} plays with --set {g['overrides'] or 'nothing'}; resume without --set"
        )
    if seed is not None and seed != g["seed"]:
        raise CrmsimError(f"team {team} plays with seed {g['seed']}; resume without --seed")
    return resume(load_game(ref, g["overrides"], g["seed"]), state)


def _check_script(tg: TeamGame, script: dict[int, list[Decision]], path: Path) -> None:
    """A script must agree with the rounds already played (when resuming)."""
    for r in tg.rounds:
        wanted = [str(d) for d in script.get(r.number, [])]
        if wanted != [str(d) for d in r.decisions]:
            raise CrmsimError(
                f"{path.name}: round {r.number} lists {wanted or 'no action'} but the saved game "
                f"played {[str(d) for d in r.decisions] or 'no action'}; fix the file or "
                "start another team"
            )


def _finish(tg: TeamGame, folder: Path, ref: str) -> None:
    """Write the team's run files (crmsim report works on the folder)."""
    from crmsim.output import write_run

    replay = ["crmsim", "play", ref, "--team", f"{tg.team}-replay"]
    replay += ["--decisions", str((folder / "decisions.toml").resolve())]
    for name, value in tg.game.overrides.items():
        replay += ["--set", f"{name}={value}"]
    replay += ["--seed", str(tg.game.seed)]
    write_run(folder, tg.game.scenario, tg.result(), shlex.join(replay))


def serve_dashboard(game: Game, ref: str, out: Path, host: str, port: int) -> None:
    """Serve the team-play page for ``game``, its teams saved in ``out``."""
    import json
    import os

    from crmsim.commands.workshop import check_installed, check_port, free_port, serve
    from crmsim.dashboard.teams import ENV_GAME, ENV_OUT, ENV_SEED, ENV_SET

    check_installed()
    port = free_port(host) if port == 0 else port
    check_port(host, port)
    os.environ[ENV_GAME] = str(game.path or ref)
    os.environ[ENV_OUT] = str(out.resolve())
    os.environ[ENV_SET] = json.dumps(dict(game.overrides))
    os.environ[ENV_SEED] = str(game.seed)
    click.echo(
        f"crmsim play: {game.name} for teams at http://{host}:{port}  (teams saved in {out}; "
        "Ctrl-C stops)"
    )
    serve("crmsim.dashboard.teamplay", host, port, prog_name="crmsim play")


@click.command(name="play")
@click.argument("game")
@click.option("--team", default=None, help="The team's name (letters, digits, - and _).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The game folder; each team gets a sub-folder [default: runs/games/<game>].",
)
@click.option("--resume", "do_resume", is_flag=True, help="Continue the team's saved game.")
@click.option(
    "--decisions",
    "script",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help='Play non-interactively from a decisions file ([rounds] 1 = ["sponsor_speech"]).',
)
@click.option(
    "--stop-after",
    type=click.IntRange(min=1),
    default=None,
    help="Save and stop after this round (continue later with --resume).",
)
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help="Change a starting condition, e.g. --set org.employees=300 (repeatable).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Another seed than the game file's (every team of a game should use the same).",
)
@click.option(
    "--dashboard",
    is_flag=True,
    help="Serve a team-play page instead: every team on one screen, a scoreboard.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8766, show_default=True,
              help="Port of the team-play page (0 picks a free one).")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address of the team-play page (0.0.0.0: other computers in the room).")  # fmt: skip
def command(
    game: str,
    team: str | None,
    out: Path | None,
    do_resume: bool,
    script: Path | None,
    stop_after: int | None,
    assignments: tuple[str, ...],
    seed: int | None,
    dashboard: bool,
    port: int,
    host: str,
) -> None:
    """Play GAME (a bundled game or a .toml file) as team TEAM, round by round.

    Each round, choose up to a few actions from the menu (names or numbers,
    comma-separated; restructure_department:sales aims at a department).
    The game is saved after every round: continue an interrupted game with
    --resume. With --decisions FILE the rounds are played from the file
    without questions (for facilitators and tests). With --dashboard, serve
    a page where the facilitator plays every team's rounds on one screen.
    Bundled games live in scenarios/games/.
    """
    import matplotlib

    matplotlib.use("Agg")  # set here, never at import (STYLE 7)
    from crmsim.params import parse_assignment

    overrides = dict(parse_assignment(text) for text in assignments)
    ref_game = load_game(game, overrides, seed)  # validate before touching any folder
    game_dir = out if out is not None else Path("runs") / "games" / ref_game.name
    if dashboard:
        serve_dashboard(ref_game, game, game_dir, host, port)
        return
    if team is None:
        raise click.UsageError("--team NAME is required (or --dashboard for all teams)")
    check_team_name(team)
    folder = game_dir / team
    tg = _start(game, team, folder, do_resume, overrides, seed)
    planned = read_decisions(script, tg.game) if script is not None else None
    if planned is not None:
        _check_script(tg, planned, script)

    if not tg.rounds:
        save(tg, folder)  # the team's folder exists from the start
    g = tg.game
    click.echo(
        f"{g.title} ({g.name}) · team {team} · {g.rounds} rounds of {g.weeks_per_round} weeks · "
        f"budget {g.budget:,.0f} {MONEY} · up to {g.max_actions} actions a round"
    )
    if tg.rounds:
        click.echo(f"resumed after round {len(tg.rounds)}; {tg.budget_left:,.0f} {MONEY} left")
    if planned is None:
        click.echo(click.wrap_text(g.description, 100))
        click.echo(f"Scoring: {g.scoring.rule_text()}")
    while not tg.finished:
        if stop_after is not None and tg.round > stop_after:
            click.echo(f"saved after round {len(tg.rounds)} in {folder}; continue with --resume")
            return
        if planned is not None:
            try:
                tg.play_round(planned.get(tg.round, []))
            except CrmsimError as exc:
                raise CrmsimError(f"round {tg.round}: {exc}") from None
        else:
            click.echo(
                f"\nRound {tg.round} of {g.rounds} · weeks {tg.week + 1}-"
                f"{tg.week + g.weeks_per_round} · {tg.budget_left:,.0f} {MONEY} left"
            )
            click.echo(status_line(tg))
            click.echo(menu(tg))
            chosen = _ask(tg)
            if chosen is None:
                click.echo(
                    f"saved after round {len(tg.rounds)} in {folder}; continue with --resume"
                )
                return
            tg.play_round(chosen)
        save(tg, folder)
        click.echo(round_report(tg))
    _finish(tg, folder, game)
    save(tg, folder)
    click.echo(final_report(tg, folder))
